// expect: deleted function
// expect-first-error
// relate::parent keeps the parent's address until commit: a temporary parent is refused.
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
    Post post;
    relate::unit_of_work uow{db};
    uow.insert(post, relate::parent(&Post::user, User{.id = 1}));
}
