#include <relate/relate.hpp>

#include <fmt/core.h>

struct Post;

struct User {
    std::int64_t id = 0;
    std::string name;
    relate::has_many<Post, relate::cascade> posts;   // posts.userId
};

struct Post {
    std::int64_t id = 0;
    std::optional<std::int64_t> userId;
    std::string title;
    relate::belongs_to<User> user;                   // uses Post::userId
};

int main() {
    relate::database db{":memory:"};
    db.create_tables<User, Post>();

    User ada = db.insert(User{.name = "Ada"});
    db.insert(Post{.userId = ada.id, .title = "Notes on the Analytical Engine"});
    db.insert(Post{.userId = ada.id, .title = "Sketch of the Engine"});

    // Two statements, however many users: one for users, one for all their posts.
    using relate::col;
    for (const User& user : db.query<User>().where(col<&User::name>.like("A%")).with(&User::posts).get()) {
        fmt::print("{} wrote {} posts:\n", user.name, user.posts.size());
        for (const Post& post : user.posts) fmt::print("  - {}\n", post.title);
    }
    fmt::print("statements run: {}\n", db.stats().statements);
}
