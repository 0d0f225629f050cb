// expect: relate: an enum column needs a fixed underlying type
// expect-first-error
// An unscoped enum without a fixed underlying type holds only its enumerators' range: reading a
// stored 1000 into it would be undefined behaviour, so it cannot be a column.
#include <relate/relate.hpp>

#include <cstdint>

enum Color { red, green, blue };

struct Swatch {
    std::int64_t id = 0;
    Color color = red;
};

int main() {
    relate::database db{":memory:"};
    db.create_tables<Swatch>();
}
