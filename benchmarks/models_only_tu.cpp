// A translation unit that sees the models but not the database: it renders a loaded user, as a
// view or a log line would. The models header includes only <relate/relation.hpp>, so this file
// does not compile the query and write layers; bench.compile_time measures it at -O0 -g.

#include "bench_models.hpp"

#include <string>

namespace models_only_tu {

std::string headline(const bench::models::User& user) {
    std::string line = user.name + " <" + user.email + ">";
    if (user.profile.loaded() && user.profile) line += ": " + user.profile->bio.value_or("");
    if (user.posts.loaded())
        for (const bench::models::Post& post : user.posts) line += "\n  " + post.title;
    return line;
}

}  // namespace models_only_tu
