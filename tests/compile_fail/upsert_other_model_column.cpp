// expect: relate: name the columns to match on as col<&Model::field> of the model written, one or more
// expect-first-error
// An upsert of a Tag matched on a column of another model.
#include <relate/relate.hpp>

#include <cstdint>
#include <string>

struct User {
    std::int64_t id = 0;
    std::string email;
};

struct Tag {
    std::int64_t id = 0;
    std::string name;
};

int main() {
    relate::database db{":memory:"};
    (void)db.upsert(Tag{.name = "c++"}, relate::col<&User::email>);
}
