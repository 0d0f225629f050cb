// expect: relate: a model must be an aggregate
// expect-first-error
// Asking for the metadata of a class with a user-declared constructor fails the same way.
#include <relate/relate.hpp>

#include <cstdint>

struct Account {
    Account() {}
    std::int64_t id = 0;
};

static_assert(relate::model<Account>::table_name() == "accounts");

int main() {}
