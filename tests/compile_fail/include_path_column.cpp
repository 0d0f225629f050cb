// expect: relate: include path names a column, not a relation
// expect-first-error
// A literal include path naming a column rather than a relation is checked by the compiler.
#include "include_path_models.hpp"

int main() {
    relate::database db{":memory:"};
    auto users = db.query<User>().with("name").get();
    return static_cast<int>(users.size());
}
