// expect: relate: unsupported field type
// expect-first-error
// A std::map has no relate::column_type: it cannot be a column.
#include <relate/relate.hpp>

#include <cstdint>
#include <map>

struct Settings {
    std::int64_t id = 0;
    std::map<int, int> values;
};

int main() {
    relate::database db{":memory:"};
    db.create_tables<Settings>();
}
