// A translation unit that sees the models but not the database: it renders a loaded user, as a
// view or a log line would. The models header includes only <relate/relation.hpp>, so this file
// does not compile the query and write layers; bench.compile_time measures it next to the others.

#include "bench_models.hpp"

#include <fmt/format.h>

#include <string>

namespace models_only_tu {

std::string headline(const bench::User& user) {
    std::string line = fmt::format("{} <{}>", user.name, user.email);
    if (user.profile.loaded() && user.profile) line += fmt::format(": {}", user.profile->bio.value_or(""));
    if (user.posts.loaded())
        for (const bench::Post& post : user.posts) line += fmt::format("\n  {}", post.title);
    return line;
}

}  // namespace models_only_tu
