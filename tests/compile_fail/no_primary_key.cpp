// expect: relate: a model needs a primary key
// expect-first-error
// No field named id and no `static constexpr std::string_view primary_key = "...";`.
#include <relate/relate.hpp>

#include <string>

struct Entry {
    std::string title;
    std::string text;
};

int main() {
    relate::database db{":memory:"};
    db.create_tables<Entry>();
}
