// expect: relate: include path is deeper than relate::max_include_depth
// expect-first-error
// A literal include path with more segments than relate::max_include_depth (10) is checked by the compiler.
#include "include_path_models.hpp"

int main() {
    relate::database db{":memory:"};
    auto users = db.query<User>().with("posts.user.posts.user.posts.user.posts.user.posts.user.posts").get();
    return static_cast<int>(users.size());
}
