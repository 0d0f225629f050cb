// expect: relate: unsupported field type
// expect-first-error
// A struct of the user's with no relate::column_type specialisation cannot be a column.
#include <relate/relate.hpp>

#include <cstdint>

struct Point {
    int x = 0;
    int y = 0;
};

struct Place {
    std::int64_t id = 0;
    Point where;
};

int main() {
    relate::database db{":memory:"};
    (void)db.find<Place>(1);
}
