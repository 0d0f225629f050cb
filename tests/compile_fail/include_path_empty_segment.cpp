// expect: relate: include path has an empty segment
// expect-first-error
// A literal include path with an empty segment (two dots) is checked by the compiler.
#include "include_path_models.hpp"

int main() {
    relate::database db{":memory:"};
    auto users = db.query<User>().with("posts..tags").get();
    return static_cast<int>(users.size());
}
