// libFuzzer target: relate::runtime_path, the include paths a program takes from outside
// (?include=posts.tags). The input is one byte choosing where the paths start, then up to three
// comma-separated paths. Every input must be accepted exactly when each path is a dotted chain
// of relations within the depth limit (as relate's compile-time path check says), and otherwise
// rejected with relate::unknown_relation or relate::depth_limit_error before any statement runs;
// an accepted include then loads from a seeded database without error.

#include "blog_models.hpp"

#include <relate/relate.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using relate::detail::check_path;
using relate::detail::path_problem;

void require(bool condition, const char* what) {
    if (condition) return;
    std::fprintf(stderr, "runtime_path_fuzz: %s\n", what);
    std::abort();
}

relate::database& seeded_database() {
    static relate::database db{":memory:"};
    static const bool seeded = (blog::seed_blog(db), true);
    require(seeded, "seeding failed");
    return db;
}

std::vector<std::string> split_paths(std::string_view text) {
    std::vector<std::string> out;
    while (out.size() < 2) {
        const std::size_t comma = text.find(',');
        if (comma == std::string_view::npos) break;
        out.emplace_back(text.substr(0, comma));
        text.remove_prefix(comma + 1);
    }
    out.emplace_back(text);
    return out;
}

/// Runs the query that includes the paths (relative to model Root, at depth start_depth) and
/// checks that relate accepts exactly the paths the oracle accepts.
template <class Root>
void run(const std::vector<std::string>& paths, auto run_query, std::size_t start_depth) {
    bool valid = true;
    for (const auto& path : paths) valid = valid && check_path<Root>(path, start_depth) == path_problem::none;

    relate::database& db = seeded_database();
    const auto statements_before = db.stats().statements;
    std::vector<relate::runtime_path> args;
    for (const auto& path : paths) args.emplace_back(path);
    try {
        run_query(db, args);
    } catch (const relate::unknown_relation&) {
        require(!valid, "a valid path was refused as unknown_relation");
        require(db.stats().statements == statements_before, "a refused path ran a statement");
        return;
    } catch (const relate::depth_limit_error&) {
        require(!valid, "a valid path was refused as too deep");
        require(db.stats().statements == statements_before, "a refused path ran a statement");
        return;
    }
    require(valid, "an invalid path was accepted");
}

/// An absent argument of with() for the paths not given.
template <class T>
relate::include_arg<T> arg(const std::vector<relate::runtime_path>& paths, std::size_t i) {
    if (i < paths.size()) return paths[i];
    return {};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::vector<std::string> paths = split_paths({reinterpret_cast<const char*>(data + 1), size - 1});
    using namespace blog;
    switch (data[0] % 5) {
        case 0:
            run<User>(
                paths,
                [](relate::database& db, const auto& p) {
                    (void)db.query<User>().with(arg<User>(p, 0), arg<User>(p, 1), arg<User>(p, 2)).get();
                },
                1);
            break;
        case 1:
            run<Post>(
                paths,
                [](relate::database& db, const auto& p) {
                    (void)db.query<Post>().with(arg<Post>(p, 0), arg<Post>(p, 1), arg<Post>(p, 2)).get();
                },
                1);
            break;
        case 2:
            run<Tag>(
                paths,
                [](relate::database& db, const auto& p) {
                    (void)db.query<Tag>().with(arg<Tag>(p, 0), arg<Tag>(p, 1), arg<Tag>(p, 2)).first();
                },
                1);
            break;
        case 3:
            run<Category>(
                paths,
                [](relate::database& db, const auto& p) {
                    (void)db.query<Category>()
                        .with(arg<Category>(p, 0), arg<Category>(p, 1), arg<Category>(p, 2))
                        .get();
                },
                1);
            break;
        default:
            run<Post>(
                paths,
                [](relate::database& db, const auto& p) {
                    (void)db.query<User>()
                        .with(relate::include(&User::posts).with(arg<Post>(p, 0), arg<Post>(p, 1), arg<Post>(p, 2)))
                        .get();
                },
                2);
            break;
    }
    return 0;
}
