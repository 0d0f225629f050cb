// expect: relate: include path is deeper than relate::max_include_depth
// expect-first-error
// A literal include path with more segments than relate::max_include_depth (10) is checked by the compiler.
#include <relate/relate.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct Post;

struct User {
    std::int64_t id = 0;
    std::string name;
    relate::has_many<Post> posts;
};

struct Post {
    std::int64_t id = 0;
    std::optional<std::int64_t> userId;
    std::string title;
    relate::belongs_to<User> user;
};

int main() {
    relate::database db{":memory:"};
    auto users = db.query<User>().with("posts.user.posts.user.posts.user.posts.user.posts.user.posts").get();
    return static_cast<int>(users.size());
}
