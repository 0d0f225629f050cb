// expect: relate: with_count, with_exists and the other aggregates take has_many, belongs_to_many and has_many_through relations
// expect-first-error
// with_count of a belongs_to: a post has one author or none (relate::has tests that).
#include <relate/relate.hpp>

#include <cstdint>

struct User {
    std::int64_t id = 0;
};

struct Post {
    std::int64_t id = 0;
    std::int64_t userId = 0;
    relate::belongs_to<User> user;
};

int main() {
    relate::database db{":memory:"};
    (void)db.query<Post>().with_count(&Post::user).get();
}
