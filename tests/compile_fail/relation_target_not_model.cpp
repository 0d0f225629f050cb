// expect: relate: a relation's target must be a model
// expect-first-error
// A relation to a type that is not a model.
#include <relate/relate.hpp>

#include <cstdint>
#include <string>

struct User {
    std::int64_t id = 0;
    relate::has_many<std::string> names;
};

int main() { return static_cast<int>(relate::model<User>::table_name().size()); }
