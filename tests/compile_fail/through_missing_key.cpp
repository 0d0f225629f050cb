// expect: relate: a through relation needs the intermediate model to have a foreign key to this model
// expect-first-error
// Users hold no countryId, so a country cannot reach posts through them.
#include <relate/relate.hpp>

#include <cstdint>

struct Post {
    std::int64_t id = 0;
    std::int64_t userId = 0;
};

struct User {
    std::int64_t id = 0;
};

struct Country {
    std::int64_t id = 0;
    relate::has_many_through<Post, User> posts;
};

int main() {
    relate::database db{":memory:"};
    db.create_tables<Country, User, Post>();
}
