// expect: relate: with_sum, with_avg, with_min and with_max take a numeric column
// expect-first-error
// with_sum over a text column of the related rows.
#include <relate/relate.hpp>

#include <cstdint>
#include <string>

struct Post;

struct User {
    std::int64_t id = 0;
    relate::has_many<Post> posts;
};

struct Post {
    std::int64_t id = 0;
    std::int64_t userId = 0;
    std::string title;
};

int main() {
    relate::database db{":memory:"};
    (void)db.query<User>().with_sum(&User::posts, &Post::title).get();
}
