// expect: relate: has_one / has_many needs the related model to have the foreign-key field
// expect-first-error
// A has_many whose related model has no userId field.
#include <relate/relate.hpp>

#include <cstdint>
#include <string>

struct Post;

struct User {
    std::int64_t id = 0;
    std::string name;
    relate::has_many<Post> posts;
};

struct Post {
    std::int64_t id = 0;
    std::int64_t authorId = 0;  // not userId
    std::string title;
};

int main() {
    relate::database db{":memory:"};
    db.create_tables<User, Post>();
}
