// expect: relate: a model needs a primary key
// expect-first-error
// primary_key names a field the model does not have.
#include <relate/relate.hpp>

#include <string>
#include <string_view>

struct Country {
    static constexpr std::string_view primary_key = "iso";
    std::string code;
    std::string name;
};

int main() {
    relate::database db{":memory:"};
    db.create_tables<Country>();
}
