// Eager loading with query<T>::with(): member pointers, checked literal paths, runtime paths,
// constrained includes, statement counts per include tree, chunking under SQLite's variable
// limit, depth limits, self-referential trees, strict mode and the read transaction. The cases run
// on both backends (tests/backends.hpp), except those about SQLite itself: its variable limit, its
// key arrays (json_each) and its read transaction, watched with sqlite3_trace_v2 on a file.

#include "backends.hpp"
#include "blog_models.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

using blog::Category;
using blog::Post;
using blog::Profile;
using blog::Tag;
using blog::User;
using Catch::Contains;
using relate::col;

namespace {

std::vector<std::string> post_titles(const User& u) {
    std::vector<std::string> out;
    for (const Post& p : u.posts) out.push_back(p.title);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> tag_names(const Post& p) {
    std::vector<std::string> out;
    for (const Tag& t : p.tags) out.push_back(t.name);
    std::sort(out.begin(), out.end());
    return out;
}

const Post& post_titled(const User& u, const std::string& title) {
    for (const Post& p : u.posts)
        if (p.title == title) return p;
    FAIL("no post titled " << title);
    throw;
}

/// A comparable picture of users with profile, posts, and the posts' tags and user.
std::map<std::int64_t, std::string> picture(const std::vector<User>& users) {
    std::map<std::int64_t, std::string> out;
    for (const User& u : users) {
        std::string s = u.name + "|" +
                        (!u.profile.loaded() ? "unloaded" : u.profile.get() ? u.profile->bio.value_or("-") : "none") + "|";
        std::vector<std::string> posts;
        for (const Post& p : u.posts) {
            std::string one = std::to_string(p.id) + ":" + p.title + ":" + (!p.user.loaded() ? "unloaded" : p.user.get() ? p.user->name : "?");
            for (const Tag& t : p.tags) one += "," + t.name;
            posts.push_back(one);
        }
        std::sort(posts.begin(), posts.end());
        for (const auto& p : posts) s += p + ";";
        out[u.id] = s;
    }
    return out;
}

}  // namespace

BACKENDS_TEST_CASE("with() by member pointers loads every named relation of every row", "[eager]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);

    std::vector<User> users;
    const auto statements = blog::statements_of(db, [&] {
        users = db.template query<User>().with(&User::profile, &User::posts).order_by(col<&User::id>).get();
    });
    CHECK(statements == 3);
    REQUIRE(users.size() == 3);

    CHECK(users[0].profile->bio == std::optional<std::string>{"math"});
    CHECK(post_titles(users[0]) == std::vector<std::string>{"Algorithms", "Analytical Engine", "Notes"});
    REQUIRE(users[1].profile.get() != nullptr);
    CHECK_FALSE(users[1].profile->bio.has_value());
    CHECK(post_titles(users[1]) == std::vector<std::string>{"Bees"});
    CHECK(users[2].profile.loaded());
    CHECK(users[2].profile.get() == nullptr);
    CHECK(users[2].posts.loaded());
    CHECK(users[2].posts.empty());
    for (const User& u : users)
        for (const Post& p : u.posts) {
            CHECK(p.userId == u.id);
            CHECK_FALSE(p.tags.loaded());
        }
}

BACKENDS_TEST_CASE("with() by dotted literal paths loads nested relations", "[eager]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);

    std::optional<User> ada;
    const auto statements =
        blog::statements_of(db, [&] { ada = db.template query<User>().with("posts.tags", "profile").find(1); });
    CHECK(statements == 4);
    REQUIRE(ada);
    CHECK(ada->name == "Ada");
    REQUIRE(ada->profile.get() != nullptr);
    CHECK(ada->profile->userId == 1);
    REQUIRE(ada->posts.size() == 3);
    CHECK(tag_names(post_titled(*ada, "Analytical Engine")) == std::vector<std::string>{"c++", "math"});
    CHECK(tag_names(post_titled(*ada, "Algorithms")) == std::vector<std::string>{"c++", "sql"});
    CHECK(post_titled(*ada, "Notes").tags.loaded());
    CHECK(post_titled(*ada, "Notes").tags.empty());
    CHECK_FALSE(post_titled(*ada, "Notes").user.loaded());
}

BACKENDS_TEST_CASE("with() by runtime_path loads the same as the literal path", "[eager]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);

    auto by_literal = db.template query<User>().with("posts.tags").order_by(col<&User::id>).get();
    std::vector<User> by_runtime;
    const auto statements = blog::statements_of(db, [&] {
        by_runtime = db.template query<User>().with(relate::runtime_path("posts.tags")).order_by(col<&User::id>).get();
    });
    CHECK(statements == 3);
    REQUIRE(by_runtime.size() == 3);
    CHECK(picture(by_runtime) == picture(by_literal));
    CHECK(tag_names(post_titled(by_runtime[1], "Bees")) == std::vector<std::string>{"sql"});
    CHECK_FALSE(by_runtime[0].profile.loaded());

    auto tags = db.template query<Tag>().with(relate::runtime_path("posts.user.profile")).order_by(col<&Tag::id>).get();
    REQUIRE(tags.size() == 4);
    CHECK(tags[3].posts.empty());
    for (const Post& p : tags[1].posts) {  // sql: Algorithms (Ada) and Bees (Bob)
        REQUIRE(p.user.get() != nullptr);
        CHECK(p.user->profile.loaded());
    }
}

BACKENDS_TEST_CASE("a runtime_path naming no relation throws unknown_relation and never reaches SQL",
                   "[eager]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);
    const auto before = db.stats().statements;

    SECTION("an unknown name") {
        REQUIRE_THROWS_AS(db.template query<User>().with(relate::runtime_path("postz")), relate::unknown_relation);
        REQUIRE_THROWS_WITH(db.template query<User>().with(relate::runtime_path("postz")),
                            Contains("postz") && Contains("posts"));
    }
    SECTION("an unknown name below a relation") {
        REQUIRE_THROWS_AS(db.template query<User>().with(relate::runtime_path("posts.tagz")), relate::unknown_relation);
        REQUIRE_THROWS_WITH(db.template query<User>().with(relate::runtime_path("posts.tagz")),
                            Contains("tagz") && Contains("Post"));
    }
    SECTION("a column name") {
        REQUIRE_THROWS_AS(db.template query<User>().with(relate::runtime_path("name")), relate::unknown_relation);
        REQUIRE_THROWS_WITH(db.template query<User>().with(relate::runtime_path("name")), Contains("'name'"));
        REQUIRE_THROWS_AS(db.template query<User>().with(relate::runtime_path("posts.title")),
                          relate::unknown_relation);
    }
    SECTION("an empty segment") {
        for (const char* path : {"posts..tags", "posts.", ".posts", "."}) {
            INFO(path);
            REQUIRE_THROWS_AS(db.template query<User>().with(relate::runtime_path(path)), relate::unknown_relation);
            REQUIRE_THROWS_WITH(db.template query<User>().with(relate::runtime_path(path)), Contains("empty segment"));
        }
    }
    SECTION("SQL text") {
        for (const char* path : {"posts; DROP TABLE users", "posts\"; DROP TABLE users; --", "profile) OR 1=1 --"}) {
            INFO(path);
            REQUIRE_THROWS_AS(db.template query<User>().with(relate::runtime_path(path)).get(),
                              relate::unknown_relation);
            REQUIRE_THROWS_WITH(db.template query<User>().with(relate::runtime_path(path)), Contains(path));
        }
        CHECK(db.template query<User>().count() == 3);
        CHECK(db.template query<Post>().count() == 5);
    }
    CHECK(db.stats().statements - before <= 2);  // only the two counts of the last section
}

BACKENDS_TEST_CASE("include() with where, order_by and limit gives at most n rows per parent, in order",
                   "[eager]") {
    typename TestType::database db{TestType::open_target()};
    blog::create_blog_tables(db);
    // user 1: posts 1..5, user 2: posts 6..9, user 3: posts 10..11, user 4: none; every third is "skip".
    std::map<std::int64_t, std::vector<std::int64_t>> kept;
    std::int64_t next_post = 0;
    for (int u = 1; u <= 4; ++u) {
        db.insert(User{.name = "u" + std::to_string(u), .email = "e"});
        const int n = u == 1 ? 5 : u == 2 ? 4 : u == 3 ? 2 : 0;
        for (int k = 0; k < n; ++k) {
            ++next_post;
            const bool skip = next_post % 3 == 0;
            db.insert(Post{.userId = u, .title = (skip ? "skip " : "keep ") + std::to_string(next_post)});
            if (!skip) kept[u].push_back(next_post);
        }
    }

    std::vector<User> users;
    const auto statements = blog::statements_of(db, [&] {
        users = db.template query<User>()
                    .with(relate::include(&User::posts)
                              .where(col<&Post::title>.like("keep%"))
                              .order_by(col<&Post::id>.desc())
                              .limit(3))
                    .order_by(col<&User::id>)
                    .get();
    });
    CHECK(statements == 2);
    REQUIRE(users.size() == 4);
    std::size_t total = 0;
    for (const User& u : users) {
        INFO("user " << u.id);
        std::vector<std::int64_t> expected = kept[u.id];
        std::reverse(expected.begin(), expected.end());
        if (expected.size() > 3) expected.resize(3);
        std::vector<std::int64_t> got;
        for (const Post& p : u.posts) got.push_back(p.id);
        CHECK(got == expected);
        total += got.size();
    }
    CHECK(total > 3);  // three per user, not three in total
    CHECK(total == 7);
    REQUIRE(users[0].posts.size() == 3);  // keeps 1 2 4 5: the last three, newest first
    CHECK(users[0].posts[0].id == 5);
    CHECK(users[0].posts[1].id == 4);
    CHECK(users[0].posts[2].id == 2);
    CHECK(users[1].posts.size() == 2);    // keeps 7 8
    CHECK(users[2].posts.size() == 2);    // keeps 10 11
    CHECK(users[3].posts.empty());

    SECTION("ascending order without a limit") {
        auto asc = db.template query<User>().with(relate::include(&User::posts).order_by(col<&Post::id>)).find(1);
        REQUIRE(asc);
        std::vector<std::int64_t> ids;
        for (const Post& p : asc->posts) ids.push_back(p.id);
        CHECK(ids == std::vector<std::int64_t>{1, 2, 3, 4, 5});
    }
    SECTION("two where() calls both hold") {
        auto both = db.template query<User>()
                        .with(relate::include(&User::posts).where(col<&Post::title>.like("keep%")).where(col<&Post::id> > 2))
                        .find(1);
        REQUIRE(both);
        std::vector<std::int64_t> ids;
        for (const Post& p : both->posts) ids.push_back(p.id);
        CHECK(ids == std::vector<std::int64_t>{4, 5});
    }
}

BACKENDS_TEST_CASE("include().select() reads only the named fields and the keys that match rows",
                   "[eager]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);

    SECTION("id and title") {
        auto users = db.template query<User>()
                         .with(relate::include(&User::posts).select(&Post::id, &Post::title))
                         .order_by(col<&User::id>)  // users[0] is Ada: a query without ORDER BY has no order
                         .get();
        REQUIRE(users.size() == 3);
        for (const User& u : users)
            for (const Post& p : u.posts) CHECK(p.userId == u.id);
        CHECK(post_titles(users[0]) == std::vector<std::string>{"Algorithms", "Analytical Engine", "Notes"});
    }
    SECTION("id only: the title keeps its default") {
        auto ada = db.template query<User>().with(relate::include(&User::posts).select(&Post::id)).find(1);
        REQUIRE(ada);
        REQUIRE(ada->posts.size() == 3);
        for (const Post& p : ada->posts) {
            CHECK(p.title.empty());
            CHECK(p.id > 0);
            CHECK(p.userId == 1);
        }
    }
    SECTION("title only: the primary key is still read") {
        auto ada = db.template query<User>().with(relate::include(&User::posts).select(&Post::title)).find(1);
        REQUIRE(ada);
        std::vector<std::int64_t> ids;
        for (const Post& p : ada->posts) ids.push_back(p.id);
        std::sort(ids.begin(), ids.end());
        CHECK(ids == std::vector<std::int64_t>{1, 2, 3});
    }
    SECTION("a nested belongs_to still finds its foreign key") {
        auto tags = db.template query<Tag>()
                        .with(relate::include(&Tag::posts).select(&Post::title).with(&Post::user))
                        .order_by(col<&Tag::id>)
                        .get();
        REQUIRE(tags.size() == 4);
        std::vector<std::string> authors;
        for (const Post& p : tags[1].posts) {  // sql: Algorithms (Ada), Bees (Bob)
            REQUIRE(p.user.loaded());
            REQUIRE(p.user.get() != nullptr);
            CHECK(p.userId == p.user->id);
            authors.push_back(p.user->name);
        }
        std::sort(authors.begin(), authors.end());
        CHECK(authors == std::vector<std::string>{"Ada", "Bob"});
    }
}

BACKENDS_TEST_CASE("nested with() inside include() loads below the constrained relation", "[eager]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);

    std::optional<User> ada;
    const auto statements = blog::statements_of(db, [&] {
        ada = db.template query<User>()
                  .with(relate::include(&User::posts)
                            .where(col<&Post::title> != "Notes")
                            .with(relate::include(&Post::tags).where(col<&Tag::name> != "math"), &Post::user))
                  .find(1);
    });
    CHECK(statements == 4);
    REQUIRE(ada);
    REQUIRE(ada->posts.size() == 2);
    CHECK(tag_names(post_titled(*ada, "Analytical Engine")) == std::vector<std::string>{"c++"});
    CHECK(tag_names(post_titled(*ada, "Algorithms")) == std::vector<std::string>{"c++", "sql"});
    for (const Post& p : ada->posts) CHECK(p.user->name == "Ada");
}

BACKENDS_TEST_CASE("an include tree of E edges costs 1 + E statements whatever the number of rows",
                   "[eager]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_many(db, 500);

    for (const std::int64_t n : {1, 10, 500}) {
        INFO(n << " users");
        std::vector<User> users;
        const auto statements = blog::statements_of(db, [&] {
            users = db.template query<User>()
                        .where(col<&User::id> <= n)
                        .with(&User::profile, relate::include(&User::posts).with(&Post::tags, &Post::user))
                        .get();
        });
        CHECK(statements == 5);  // users, profiles, posts, post tags, post users
        REQUIRE(users.size() == static_cast<std::size_t>(n));
        for (const User& u : users) {
            CHECK(u.posts.size() == static_cast<std::size_t>(u.id % 4));
            CHECK((u.profile.get() != nullptr) == (u.id % 2 == 0));
            for (const Post& p : u.posts) {
                CHECK(p.tags.size() == 1);
                REQUIRE(p.user.get() != nullptr);
                CHECK(p.user->id == u.id);
            }
        }

        // The same tree as merged literal paths costs the same.
        std::vector<User> again;
        const auto by_paths = blog::statements_of(db, [&] {
            again = db.template query<User>()
                        .where(col<&User::id> <= n)
                        .with("profile", "posts.tags", "posts.user")
                        .get();
        });
        CHECK(by_paths == 5);
        CHECK(picture(again) == picture(users));
    }
}

namespace {

std::vector<User> load_users_posts_tags(relate::database& db) {
    return db.query<User>().with(&User::profile, relate::include(&User::posts).with(&Post::tags, &Post::user)).get();
}

/// Posts of at most two per user, newest first, with a condition of two bound values.
std::vector<User> load_two_posts_each(relate::database& db) {
    return db.query<User>()
        .with(relate::include(&User::posts)
                  .where(col<&Post::title> != "none" && col<&Post::id> > 0)
                  .order_by(col<&Post::id>.desc())
                  .limit(2))
        .get();
}

/// `loaded` holds what `reference` holds, each user every post that names it; and a per-parent
/// limit with a condition of bound values loads on the same connection.
void check_same_rows(relate::database& db, const std::vector<User>& loaded, const std::vector<User>& reference) {
    REQUIRE(loaded.size() == reference.size());
    CHECK(picture(loaded) == picture(reference));
    for (const User& u : loaded) {
        INFO("user " << u.id);
        CHECK(static_cast<std::int64_t>(u.posts.size()) == db.query<Post>().where(col<&Post::userId> == u.id).count());
    }
    const auto two = load_two_posts_each(db);
    REQUIRE(two.size() == reference.size());
    for (const User& u : two) {
        INFO("user " << u.id);
        CHECK(u.posts.size() == std::min<std::size_t>(2, static_cast<std::size_t>(u.id % 4)));
        if (u.posts.size() == 2) CHECK(u.posts[0].id > u.posts[1].id);
    }
}

}  // namespace

TEST_CASE("many integer keys are one statement per edge, whatever SQLite's variable limit", "[eager]") {
    relate::database db{":memory:"};
    blog::seed_many(db, 500);
    std::vector<std::string> sql;
    db.on_statement([&](std::string_view text, std::chrono::nanoseconds) { sql.emplace_back(text); });
    const std::vector<User> unlimited = load_users_posts_tags(db);
    REQUIRE(sql.size() == 5);
    // 500 user keys, then the posts' keys: each edge binds them as one JSON array.
    for (std::size_t i = 1; i < sql.size(); ++i) {
        INFO(sql[i]);
        CHECK(sql[i].find("IN (SELECT value FROM json_each(?))") != std::string::npos);
    }

    sqlite3_limit(db.connection().handle(), SQLITE_LIMIT_VARIABLE_NUMBER, 50);
    sql.clear();
    const std::vector<User> limited = load_users_posts_tags(db);
    CHECK(sql.size() == 5);
    check_same_rows(db, limited, unlimited);
}

TEST_CASE("lists of keys beyond SQLite's variable limit are chunked and load the same rows", "[eager]") {
    relate::database db{":memory:"};
    blog::seed_many(db, 40);  // at most 64 keys per edge: each edge binds a list of them
    std::vector<User> unchunked;
    CHECK(blog::statements_of(db, [&] { unchunked = load_users_posts_tags(db); }) == 5);

    sqlite3_limit(db.connection().handle(), SQLITE_LIMIT_VARIABLE_NUMBER, 10);
    REQUIRE(sqlite3_limit(db.connection().handle(), SQLITE_LIMIT_VARIABLE_NUMBER, -1) == 10);

    std::vector<User> chunked;
    const auto statements = blog::statements_of(db, [&] { chunked = load_users_posts_tags(db); });
    CHECK(statements > 5);
    check_same_rows(db, chunked, unchunked);
}

BACKENDS_TEST_CASE("an include path deeper than the depth limit throws depth_limit_error", "[eager]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);
    const auto repeated = [](int n) {
        std::string path = "children";
        for (int i = 1; i < n; ++i) path += ".children";
        return path;
    };
    STATIC_REQUIRE(relate::max_include_depth == 10);

    REQUIRE_THROWS_AS(db.template query<Category>().with(relate::runtime_path(repeated(11))).get(),
                      relate::depth_limit_error);
    REQUIRE_THROWS_WITH(db.template query<Category>().with(relate::runtime_path(repeated(11))), Contains("10"));

    std::vector<Category> roots;
    REQUIRE_NOTHROW(roots = db.template query<Category>()
                                .where(col<&Category::id> == 1)
                                .with(relate::runtime_path(repeated(10)))
                                .get());
    REQUIRE(roots.size() == 1);
    CHECK(roots[0].children.size() == 2);

    SECTION("the database option lowers the limit") {
        typename TestType::database shallow{TestType::open_target(), {.include_depth_limit = 2}};
        blog::seed_blog(shallow);
        REQUIRE_NOTHROW(shallow.template query<Category>().with("children.children").get());
        REQUIRE_THROWS_AS(shallow.template query<Category>()
                              .with(relate::runtime_path("children.children.children"))
                              .get(),
                          relate::depth_limit_error);
        REQUIRE_THROWS_AS(shallow.template query<Category>().with("children.children.children").get(),
                          relate::depth_limit_error);
        REQUIRE_THROWS_AS(
            shallow.template query<Category>()
                .with(relate::include(&Category::children).with(relate::include(&Category::children).with(&Category::children)))
                .get(),
            relate::depth_limit_error);
    }
}

BACKENDS_TEST_CASE("a run-time path inside include(...).with(...) is checked against the database's depth limit",
                   "[eager]") {
    const auto nested = [](const std::string& path) {
        return relate::include(&Category::children).with(relate::runtime_path(path));
    };
    const std::string nine = "children.children.children.children.children.children.children.children.children";

    SECTION("a higher limit allows it past relate::max_include_depth") {
        typename TestType::database deep{TestType::open_target(), {.include_depth_limit = 12}};
        blog::seed_blog(deep);
        std::vector<Category> roots;
        // depth 12
        REQUIRE_NOTHROW(roots = deep.template query<Category>().with(nested(nine + ".children.children")).get());
        CHECK_FALSE(roots.empty());
        REQUIRE_THROWS_AS(deep.template query<Category>().with(nested(nine + ".children.children.children")),
                          relate::depth_limit_error);
    }
    SECTION("a lower limit refuses it before any statement runs") {
        typename TestType::database shallow{TestType::open_target(), {.include_depth_limit = 2}};
        blog::seed_blog(shallow);
        REQUIRE_NOTHROW(shallow.template query<Category>().with(nested("children")).get());
        const std::uint64_t before = shallow.stats().statements;
        REQUIRE_THROWS_WITH(shallow.template query<Category>().with(nested("children.children")).get(),
                            "relate: the include path is deeper than the limit of 2 (at 'children')");
        // A tree of member pointers too deep is refused as early, naming the relation.
        REQUIRE_THROWS_WITH(
            shallow.template query<Category>()
                .with(relate::include(&Category::children).with(relate::include(&Category::children).with(&Category::children)))
                .get(),
            "relate: the include tree is deeper than the limit of 2 at Category::children "
            "(database_options::include_depth_limit)");
        CHECK(shallow.stats().statements == before);
    }
    SECTION("a bad name in it is an unknown_relation") {
        typename TestType::database db{TestType::open_target()};
        REQUIRE_THROWS_AS(db.template query<Category>().with(nested("children.nope")), relate::unknown_relation);
    }
}

BACKENDS_TEST_CASE("a self-referential tree loads to the requested depth and stops", "[eager]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);

    SECTION("children.children") {
        std::vector<Category> roots;
        const auto statements = blog::statements_of(db, [&] {
            roots = db.template query<Category>()
                        .where(col<&Category::parentId>.is_null())
                        .with("children.children")
                        .order_by(col<&Category::id>)
                        .get();
        });
        CHECK(statements == 3);
        REQUIRE(roots.size() == 2);
        const Category& root = roots[0];
        CHECK(root.name == "Root");
        REQUIRE(root.children.size() == 2);
        for (const Category& child : root.children) {
            CHECK(child.parentId == 1);
            REQUIRE(child.children.loaded());
            for (const Category& grandchild : child.children) {
                CHECK(grandchild.name == "Novels");
                CHECK_FALSE(grandchild.children.loaded());  // depth 3 was not asked for
                CHECK_FALSE(grandchild.parent.loaded());
            }
            CHECK(child.children.size() == (child.name == "Books" ? 1u : 0u));
        }
        CHECK(roots[1].name == "Loose");
        CHECK(roots[1].children.empty());
    }
    SECTION("parent.parent") {
        auto novels = db.template query<Category>().with("parent.parent").find(4);
        REQUIRE(novels);
        REQUIRE(novels->parent.get() != nullptr);
        CHECK(novels->parent->name == "Books");
        REQUIRE(novels->parent->parent.get() != nullptr);
        CHECK(novels->parent->parent->name == "Root");
        CHECK_FALSE(novels->parent->parent->parent.loaded());

        auto root = db.template query<Category>().with("parent.parent").find(1);
        REQUIRE(root);
        CHECK(root->parent.loaded());
        CHECK(root->parent.get() == nullptr);
    }
    SECTION("both directions at once") {
        auto books = db.template query<Category>().with("parent.children", "children.parent").find(2);
        REQUIRE(books);
        CHECK(books->parent->children.size() == 2);
        REQUIRE(books->children.size() == 1);
        CHECK(books->children[0].parent->name == "Books");
    }
}

BACKENDS_TEST_CASE("strict mode refuses lazy loading on rows from a multi-row query", "[eager]") {
    typename TestType::database db{TestType::open_target(), {.prevent_lazy_loading = true}};
    blog::seed_blog(db);

    auto rows = db.template query<User>().order_by(col<&User::id>).get();
    REQUIRE(rows.size() == 3);
    REQUIRE_THROWS_AS(db.load(rows[0], &User::posts), relate::lazy_loading_violation);
    REQUIRE_THROWS_WITH(db.load(rows[0], &User::posts), Contains("N+1") && Contains("User::posts"));
    REQUIRE_THROWS_AS(db.load(rows[1], &User::profile), relate::lazy_loading_violation);
    CHECK_FALSE(rows[0].posts.loaded());

    SECTION("a row from find() or first() loads") {
        auto one = db.template query<User>().find(1);
        REQUIRE(one);
        CHECK(db.load(*one, &User::posts).size() == 3);
        auto first = db.template query<User>().order_by(col<&User::id>.desc()).first();
        REQUIRE(first);
        CHECK(db.load(*first, &User::posts).empty());
        auto found = db.template find<User>(2);
        REQUIRE(found);
        CHECK(db.load(*found, &User::posts).size() == 1);
    }
    SECTION("loading the whole vector is allowed") {
        REQUIRE_NOTHROW(db.load(rows, &User::posts));
        CHECK(rows[0].posts.size() == 3);
        CHECK(rows[2].posts.empty());
    }
    SECTION("without strict mode the same load is allowed") {
        typename TestType::database lenient{TestType::open_target()};
        blog::seed_blog(lenient);
        auto lenient_rows = lenient.template query<User>().order_by(col<&User::id>).get();
        CHECK(lenient.load(lenient_rows[0], &User::posts).size() == 3);
    }
}

BACKENDS_TEST_CASE("a relation keeps its origin and flags through copies and moves of its model",
                   "[eager]") {
    // A relation is one word (its origin and flags, or its heap node); each must survive the vector
    // growth of a read.
    STATIC_REQUIRE(sizeof(relate::has_one<Profile>) == sizeof(void*));
    STATIC_REQUIRE(sizeof(relate::has_many<Post>) == sizeof(void*));
    typename TestType::database db{TestType::open_target(), {.prevent_lazy_loading = true}};
    blog::seed_blog(db);

    std::vector<User> users = db.template query<User>().with(&User::profile).order_by(col<&User::id>).get();
    REQUIRE(users.size() == 3);
    std::vector<User> copies = users;
    for (const std::vector<User>* rows : {&users, &copies}) {
        const User& cy = (*rows)[2];
        CHECK(cy.profile.loaded());
        CHECK(cy.profile.get() == nullptr);
        REQUIRE_THROWS_AS(cy.profile.value(), relate::not_found);
        REQUIRE_THROWS_WITH(cy.profile.value(), Contains("User::profile") && Contains("loaded and empty"));
        CHECK_FALSE(cy.posts.loaded());
        REQUIRE_THROWS_AS(cy.posts.size(), relate::not_loaded);
        REQUIRE_THROWS_WITH(cy.posts.size(), Contains("User::posts is not loaded"));
    }
    User moved = std::move(copies[2]);
    REQUIRE_THROWS_WITH(db.load(moved, &User::posts), Contains("N+1") && Contains("User::posts"));
    auto one = db.template find<User>(3);
    REQUIRE(one);
    CHECK(db.load(*one, &User::posts).empty());
    CHECK(one->posts.loaded());
}

namespace {

struct trace_log {
    sqlite3* db = nullptr;
    std::vector<std::string> sql;
    std::vector<bool> in_transaction;
    sqlite3* writer = nullptr;  // writes a post for user 3 when the profiles statement starts
    bool wrote = false;
};

int trace(unsigned type, void* context, void*, void* x) {
    if (type != SQLITE_TRACE_STMT) return 0;
    auto& log = *static_cast<trace_log*>(context);
    const std::string text = static_cast<const char*>(x);
    log.sql.push_back(text);
    log.in_transaction.push_back(sqlite3_get_autocommit(log.db) == 0);
    if (log.writer != nullptr && !log.wrote && text.rfind("SELECT", 0) == 0 &&
        text.find("\"profiles\"") != std::string::npos) {
        log.wrote = true;
        REQUIRE(sqlite3_exec(log.writer, "INSERT INTO posts (userId, title) VALUES (3, 'late')", nullptr, nullptr,
                             nullptr) == SQLITE_OK);
    }
    return 0;
}

}  // namespace

TEST_CASE("all statements of one load run in one read transaction", "[eager]") {
    blog::local_file file;
    relate::database db{file.path()};
    blog::seed_blog(db);

    trace_log log;
    log.db = db.connection().handle();
    sqlite3_trace_v2(log.db, SQLITE_TRACE_STMT, &trace, &log);

    SECTION("every data statement sees an open transaction, and the connection is back in autocommit after") {
        auto users = db.query<User>().with(&User::profile, "posts.tags").get();
        std::size_t selects = 0;
        for (std::size_t i = 0; i < log.sql.size(); ++i)
            if (log.sql[i].rfind("SELECT", 0) == 0) {
                ++selects;
                CHECK(log.in_transaction[i]);
            }
        CHECK(selects == 4);
        CHECK(std::count(log.sql.begin(), log.sql.end(), "BEGIN") == 1);
        CHECK(sqlite3_get_autocommit(log.db) != 0);

        log.sql.clear();
        log.in_transaction.clear();
        db.load(users, &User::profile);  // already loaded: nothing runs
        auto plain = db.query<User>().get();
        REQUIRE(plain.size() == 3);
        db.load(plain, &User::posts);
        for (std::size_t i = 0; i < log.sql.size(); ++i)
            if (log.sql[i].rfind("SELECT", 0) == 0 && log.sql[i].find("\"posts\"") != std::string::npos)
                CHECK(log.in_transaction[i]);
        CHECK(sqlite3_get_autocommit(log.db) != 0);
    }
    SECTION("a write by another connection during the load is not seen by its later statements") {
        sqlite3* writer = nullptr;
        REQUIRE(sqlite3_open(file.path().c_str(), &writer) == SQLITE_OK);
        sqlite3_busy_timeout(writer, 2000);
        log.writer = writer;

        auto users = db.query<User>().with(&User::profile, &User::posts).order_by(col<&User::id>).get();
        sqlite3_close(writer);
        REQUIRE(log.wrote);
        REQUIRE(users.size() == 3);
        CHECK(users[2].posts.empty());  // the snapshot predates the write

        log.writer = nullptr;
        auto after = db.query<User>().with(&User::posts).find(3);
        REQUIRE(after);
        CHECK(after->posts.size() == 1);  // the write did happen
    }
    sqlite3_trace_v2(log.db, 0, nullptr, nullptr);
}

namespace {

/// Runs db.query<Parent>().with(spec) for each of the 64 subsets of the include options (where,
/// order_by, limit(1), offset(1), a select that leaves out the ordering column, a nested with)
/// and checks every parent's rows against the unconstrained load `full`, filtered, sorted and
/// sliced in C++. `Options` builds the spec; `keeps`, `before` and `related` are the C++ side.
template <class Db, class Parent, class Options, class Keeps, class Before, class Related, class Checks>
void check_every_combination(Db& db, const std::vector<Parent>& full, Options options, Keeps keeps, Before before,
                             Related related, Checks check_row) {
    for (unsigned mask = 0; mask < 64; ++mask) {
        const bool where = (mask & 1) != 0, order = (mask & 2) != 0, limit = (mask & 4) != 0;
        const bool offset = (mask & 8) != 0, select = (mask & 16) != 0, nested = (mask & 32) != 0;
        INFO("where " << where << ", order_by " << order << ", limit " << limit << ", offset " << offset
                      << ", select " << select << ", with " << nested);
        std::vector<Parent> got;
        const std::uint64_t statements = blog::statements_of(db, [&] {
            auto spec = options(where, order, select, nested);
            if (limit) spec.limit(1);
            if (offset) spec.offset(1);
            got = db.template query<Parent>().with(spec).order_by(col<&Parent::id>).get();
        });
        REQUIRE(got.size() == full.size());
        std::size_t loaded = 0;
        for (const Parent& parent : got) loaded += related(parent).size();
        CHECK(statements == (nested && loaded > 0 ? 3u : 2u));  // a nested edge with no parents runs nothing
        for (std::size_t i = 0; i < full.size(); ++i) {
            auto expected = related(full[i]);
            if (where) std::erase_if(expected, [&](const auto& row) { return !keeps(row); });
            std::stable_sort(expected.begin(), expected.end(), [&](const auto& a, const auto& b) {
                return order ? before(a, b) : a.id < b.id;
            });
            const std::size_t skip = offset ? std::min<std::size_t>(1, expected.size()) : 0;
            expected.erase(expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(skip));
            if (limit && expected.size() > 1) expected.resize(1);

            auto rows = related(got[i]);
            if (!order && !limit && !offset)  // no order asked: compare as sets
                std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
            INFO("parent " << full[i].id);
            REQUIRE(rows.size() == expected.size());
            for (std::size_t k = 0; k < rows.size(); ++k) {
                CHECK(rows[k].id == expected[k].id);
                check_row(rows[k], expected[k], select, nested);
            }
        }
    }
}

template <class T>
std::vector<T> rows_of(const relate::has_many<T, relate::cascade>& r) { return {r.begin(), r.end()}; }
template <class T>
std::vector<T> rows_of(const relate::belongs_to_many<T>& r) { return {r.begin(), r.end()}; }
template <class R>
auto row_of(const R& r) {
    std::vector<typename R::target_type> out;
    if (r.get() != nullptr) out.push_back(*r);
    return out;
}

}  // namespace

BACKENDS_TEST_CASE("every combination of include options gives valid SQL and the right rows, on every relation kind",
                   "[eager][include]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);
    // Ada's posts and some tags hold two rows or more, so order, limit and offset each change them.
    db.insert(Profile{.userId = 3, .bio = "late"});

    SECTION("has_many") {
        const auto full = db.template query<User>().with("posts.tags").order_by(col<&User::id>).get();
        check_every_combination(
            db, full,
            [](bool where, bool order, bool select, bool nested) {
                auto spec = relate::include(&User::posts);
                if (where) spec.where(col<&Post::title> != "Notes");
                if (order) spec.order_by(col<&Post::title>.desc());
                if (select) spec.select(&Post::id);  // leaves out title, the ordering column
                if (nested) spec.with(&Post::tags);
                return spec;
            },
            [](const Post& p) { return p.title != "Notes"; },
            [](const Post& a, const Post& b) { return a.title > b.title; },
            [](const User& u) { return rows_of(u.posts); },
            [](const Post& got, const Post& expected, bool select, bool nested) {
                CHECK(got.title == (select ? "" : expected.title));
                CHECK(got.userId == expected.userId);  // the key matching needs is always read
                CHECK(got.tags.loaded() == nested);
                if (nested) CHECK(got.tags.size() == expected.tags.size());
            });
    }
    SECTION("belongs_to_many") {
        const auto full = db.template query<Post>().with("tags.posts").order_by(col<&Post::id>).get();
        check_every_combination(
            db, full,
            [](bool where, bool order, bool select, bool nested) {
                auto spec = relate::include(&Post::tags);
                if (where) spec.where(col<&Tag::name> != "sql");
                if (order) spec.order_by(col<&Tag::name>.desc());
                if (select) spec.select(&Tag::id);
                if (nested) spec.with(&Tag::posts);
                return spec;
            },
            [](const Tag& t) { return t.name != "sql"; },
            [](const Tag& a, const Tag& b) { return a.name > b.name; },
            [](const Post& p) { return rows_of(p.tags); },
            [](const Tag& got, const Tag& expected, bool select, bool nested) {
                CHECK(got.name == (select ? "" : expected.name));
                CHECK(got.posts.loaded() == nested);
                if (nested) CHECK(got.posts.size() == expected.posts.size());
            });
    }
    SECTION("has_one") {
        const auto full = db.template query<User>().with("profile.user").order_by(col<&User::id>).get();
        check_every_combination(
            db, full,
            [](bool where, bool order, bool select, bool nested) {
                auto spec = relate::include(&User::profile);
                if (where) spec.where(col<&Profile::bio> != "math");
                if (order) spec.order_by(col<&Profile::bio>.desc());
                if (select) spec.select(&Profile::id);
                if (nested) spec.with(&Profile::user);
                return spec;
            },
            [](const Profile& p) { return p.bio.has_value() && *p.bio != "math"; },  // NULL <> 'math' is not true
            [](const Profile& a, const Profile& b) { return a.bio > b.bio; },
            [](const User& u) { return row_of(u.profile); },
            [](const Profile& got, const Profile& expected, bool select, bool nested) {
                CHECK(got.bio == (select ? std::nullopt : expected.bio));
                CHECK(got.user.loaded() == nested);
                if (nested) CHECK(got.user->id == expected.userId);
            });
    }
    SECTION("belongs_to") {
        const auto full = db.template query<Post>().with("user.profile").order_by(col<&Post::id>).get();
        check_every_combination(
            db, full,
            [](bool where, bool order, bool select, bool nested) {
                auto spec = relate::include(&Post::user);
                if (where) spec.where(col<&User::name> != "Bob");
                if (order) spec.order_by(col<&User::name>.desc());
                if (select) spec.select(&User::id);
                if (nested) spec.with(&User::profile);
                return spec;
            },
            [](const User& u) { return u.name != "Bob"; },
            [](const User& a, const User& b) { return a.name > b.name; },
            [](const Post& p) { return row_of(p.user); },
            [](const User& got, const User& expected, bool select, bool nested) {
                CHECK(got.name == (select ? "" : expected.name));
                CHECK(got.profile.loaded() == nested);
                if (nested) CHECK(static_cast<bool>(got.profile) == static_cast<bool>(expected.profile));
            });
    }
}

TEST_CASE("a per-parent limit or offset below zero is refused", "[eager][include]") {
    REQUIRE_THROWS_WITH(relate::include(&User::posts).limit(-1),
                        "relate: include(&User::posts).limit(-1) needs a count of zero or more");
    REQUIRE_THROWS_AS(relate::include(&Post::tags).offset(-2), relate::error);
}

BACKENDS_TEST_CASE("children reach their parents whatever the spread of the parents' keys", "[eager]") {
    const auto load_and_check = [](const std::vector<std::int64_t>& ids) {
        typename TestType::database db{TestType::open_target()};
        blog::create_blog_tables(db);
        relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
        std::vector<User> users;
        std::vector<Post> posts;
        users.reserve(ids.size());
        posts.reserve(ids.size() * 2);
        for (const std::int64_t id : ids) {
            users.push_back(User{.id = id, .name = "u" + std::to_string(id)});
            for (int k = 0; k < static_cast<int>(users.size() % 3); ++k)
                posts.push_back(Post{.userId = id, .title = std::to_string(id) + "/" + std::to_string(k)});
        }
        for (auto& u : users) uow.insert(u);
        for (auto& p : posts) uow.insert(p);
        uow.commit();
        const auto loaded = db.template query<User>().with(&User::posts, &User::profile).get();
        REQUIRE(loaded.size() == ids.size());
        for (const User& u : loaded) {
            INFO("user " << u.id);
            REQUIRE(u.posts.loaded());
            CHECK(static_cast<std::int64_t>(u.posts.size()) ==
                  db.template query<Post>().where(col<&Post::userId> == u.id).count());
            for (const Post& p : u.posts) CHECK(p.userId == u.id);
        }
    };
    std::vector<std::int64_t> ids;
    SECTION("dense: every key of a range") {
        for (std::int64_t i = 1; i <= 300; ++i) ids.push_back(i);
    }
    SECTION("dense with gaps, in no order") {
        for (std::int64_t i = 300; i >= 1; --i)
            if (i % 3 != 0) ids.push_back(i);
    }
    SECTION("sparse") {
        for (std::int64_t i = 1; i <= 300; ++i) ids.push_back(i * 1000003);
    }
    SECTION("negative, and the ends of the range") {
        ids = {std::numeric_limits<std::int64_t>::min(), -70, -69, -3, 5, std::numeric_limits<std::int64_t>::max()};
        for (std::int64_t i = -60; i < -50; ++i) ids.push_back(i);
    }
    load_and_check(ids);
}
