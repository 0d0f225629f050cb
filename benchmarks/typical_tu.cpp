// A typical application translation unit, measured next to compile_time.cpp: a handler that
// inserts a user and a post, finds the user, and lists users with their posts. An application has
// many files like this one, and few that use every feature at once.

#include "bench_models.hpp"

#include <relate/relate.hpp>

#include <cstddef>

namespace typical_tu {

std::size_t handle(relate::database& db) {
    using bench::Post;
    using bench::User;
    using relate::col;

    User ada = db.insert(User{.name = "Ada", .email = "ada@example.com"});
    db.insert(Post{.userId = ada.id, .title = "Notes"});
    std::size_t seen = db.find<User>(ada.id).has_value();
    for (const User& u : db.query<User>().where(col<&User::name>.like("A%")).with(&User::posts).limit(20).get())
        seen += u.posts->size();
    return seen;
}

}  // namespace typical_tu
