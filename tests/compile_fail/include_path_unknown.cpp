// expect: relate: include path names no relation of the model
// expect-first-error
// A literal include path with a misspelt relation name is checked by the compiler.
#include "include_path_models.hpp"

int main() {
    relate::database db{":memory:"};
    auto users = db.query<User>().with("postz").get();
    return static_cast<int>(users.size());
}
