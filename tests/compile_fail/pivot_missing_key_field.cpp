// expect: relate: a through<P> pivot struct needs a field for each junction key
// expect-first-error
// A pivot struct without the roleId field the junction's second key needs.
#include <relate/relate.hpp>

#include <cstdint>
#include <string>

struct Role {
    std::int64_t id = 0;
};

struct Membership {
    std::int64_t userId = 0;
    std::string role;
};

struct User {
    std::int64_t id = 0;
    relate::belongs_to_many<Role, relate::through<Membership>> roles;
};

int main() {
    relate::database db{":memory:"};
    db.create_tables<User, Role>();
}
