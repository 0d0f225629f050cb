// expect: relate: set_null needs the related model's foreign-key field to be std::optional
// expect-first-error
// set_null on a has_many whose children's userId cannot hold NULL.
#include <relate/relate.hpp>

#include <cstdint>
#include <string>

struct Post;

struct User {
    std::int64_t id = 0;
    relate::has_many<Post, relate::set_null> posts;
};

struct Post {
    std::int64_t id = 0;
    std::int64_t userId = 0;  // must be std::optional<std::int64_t> for set_null
    std::string title;
};

int main() {
    relate::database db{":memory:"};
    db.create_tables<User, Post>();
}
