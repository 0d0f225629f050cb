// expect: relate: relate::parent takes a belongs_to member
// relate::parent names the child's belongs_to, not the parent's has_many.
#include <relate/relate.hpp>

#include <cstdint>
#include <optional>

struct Post;

struct User {
    std::int64_t id = 0;
    relate::has_many<Post> posts;
};

struct Post {
    std::int64_t id = 0;
    std::optional<std::int64_t> userId;
    relate::belongs_to<User> user;
};

int main() {
    relate::database db{":memory:"};
    User user;
    Post post;
    relate::unit_of_work uow{db};
    uow.insert(user, relate::parent(&User::posts, post));
}
