// expect: relate: a belongs_to_many's two junction columns have the same name
// expect-first-error
// A model related to itself through a junction whose two columns would both be userId.
#include <relate/relate.hpp>

#include <cstdint>

struct User {
    std::int64_t id = 0;
    relate::belongs_to_many<User, relate::junction<"friendships">> friends;
};

int main() {
    relate::database db{":memory:"};
    db.create_tables<User>();
}
