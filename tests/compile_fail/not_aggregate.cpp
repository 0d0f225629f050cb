// expect: relate: a model must be an aggregate
// expect-first-error
// A model with a user-declared constructor is not an aggregate: relate cannot reflect its fields.
#include <relate/relate.hpp>

#include <cstdint>
#include <string>
#include <utility>

struct Account {
    Account(std::int64_t account_id, std::string account_name) : id(account_id), name(std::move(account_name)) {}
    std::int64_t id = 0;
    std::string name;
};

int main() {
    relate::database db{":memory:"};
    db.create_tables<Account>();
}
