// expect: relate: dissociate needs the foreign-key field to be std::optional
// Profile::userId is not optional: a profile cannot be detached from its user.
#include <relate/relate.hpp>

#include <cstdint>
#include <string>

struct Profile;

struct User {
    std::int64_t id = 0;
    relate::has_one<Profile> profile;
};

struct Profile {
    std::int64_t id = 0;
    std::int64_t userId = 0;
    relate::belongs_to<User> user;
};

int main() {
    relate::database db{":memory:"};
    Profile profile{.id = 1, .userId = 1};
    db.related(profile, &Profile::user).dissociate();
}
