// expect: relate: belongs_to needs a foreign-key field
// expect-first-error
// A belongs_to whose model has no userId field.
#include <relate/relate.hpp>

#include <cstdint>
#include <string>

struct User {
    std::int64_t id = 0;
    std::string name;
};

struct Note {
    std::int64_t id = 0;
    std::int64_t ownerId = 0;  // not userId, and no relate::foreign_key<"ownerId">
    relate::belongs_to<User> user;
};

int main() {
    relate::database db{":memory:"};
    db.create_tables<User, Note>();
}
