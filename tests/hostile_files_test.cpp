// Files relate cannot use give a relate::error, never a crash or a half-done write: a file that
// is not a database (left untouched), a database whose pages are garbage or missing, a read-only
// database (every write refused, the file untouched, the objects as they were), and a database
// whose tables do not match the models (each error names the table or column involved).

#include "blog_models.hpp"
#include "db_dump.hpp"
#include "temp_file.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using namespace blog;
using Catch::Contains;
using Catch::StartsWith;
using relate::col;

namespace {

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// `size` pseudo-random bytes, the same every run.
std::string garbage(std::size_t size) {
    std::mt19937 random(20261101);
    std::string out(size, '\0');
    for (char& c : out) c = static_cast<char>(random() & 0xff);
    return out;
}

/// Runs action, which must throw E; returns what it threw. Any other exception fails the test.
template <class E>
E thrown_by(const std::function<void()>& action) {
    try {
        action();
    } catch (const E& e) {
        CHECK_THAT(e.what(), StartsWith("relate: "));
        return e;
    }
    throw std::runtime_error("expected a relate error, nothing was thrown");
}

using operations = std::vector<std::pair<std::string, std::function<void()>>>;

/// Every kind of read relate does.
operations reads(relate::database& db) {
    return {
        {"query", [&] { (void)db.query<User>().get(); }},
        {"eager load", [&] { (void)db.query<Post>().with(&Post::user, &Post::tags).get(); }},
        {"count", [&] { (void)db.query<Tag>().count(); }},
        {"find", [&] { (void)db.find<Profile>(1); }},
    };
}

/// Every kind of write relate does.
operations writes(relate::database& db) {
    return {
        {"insert", [&] { db.insert(User{.name = "Dee", .email = "dee@example.com"}); }},
        {"update", [&] { db.update(Tag{.id = 1, .name = "renamed"}); }},
        {"remove with cascade", [&] { db.remove(User{.id = 3}); }},
        {"bulk remove", [&] { (void)db.query<Post>().where(col<&Post::title> != "").remove(); }},
        {"connect",
         [&] {
             Post post{.id = 1};
             db.related(post, &Post::tags).connect({2});
         }},
    };
}

}  // namespace

TEST_CASE("a file that is not a database is refused and left as it was", "[hostile][file]") {
    const relate_test::temp_file file;
    const std::string content = garbage(64 << 10);
    std::ofstream(file.path(), std::ios::binary) << content;

    const auto e = thrown_by<relate::sql_error>([&] { relate::database db{file.path()}; });
    CHECK(e.code() == SQLITE_NOTADB);
    CHECK(file_bytes(file.path()) == content);
}

TEST_CASE("a database whose pages are garbage or missing gives sql_error SQLITE_CORRUPT", "[hostile][file]") {
    const relate_test::temp_file file;
    {
        relate::database db{file.path()};
        seed_many(db, 200);  // several pages per table
    }
    const std::string healthy = file_bytes(file.path());
    constexpr std::size_t page = 4096;  // SQLite's default page size; page 1 holds the schema
    REQUIRE(healthy.size() > 8 * page);

    SECTION("every page but the first overwritten: every operation fails") {
        std::ofstream(file.path(), std::ios::binary) << healthy.substr(0, page) + garbage(healthy.size() - page);
        relate::database db{file.path()};
        for (const operations& some : {reads(db), writes(db)}) {
            for (const auto& [name, operation] : some) {
                INFO(name);
                CHECK(thrown_by<relate::sql_error>(operation).code() == SQLITE_CORRUPT);
            }
        }
    }
    SECTION("the file cut short after three pages: opening fails") {
        std::ofstream(file.path(), std::ios::binary) << healthy.substr(0, 3 * page);
        CHECK(thrown_by<relate::sql_error>([&] { relate::database db{file.path()}; }).code() == SQLITE_CORRUPT);
    }
}

TEST_CASE("a read-only database refuses every write, and the file and the objects stay as they were",
          "[hostile][file]") {
    const relate_test::temp_file file;
    {
        relate::database db{file.path()};
        seed_blog(db);
    }
    const std::string before = file_bytes(file.path());
    {
        relate::database db{"file:" + file.path() + "?mode=ro"};
        CHECK(db.query<User>().with(&User::posts).find(1)->posts.size() == 3);
        for (const auto& [name, operation] : reads(db)) {
            INFO(name);
            CHECK_NOTHROW(operation());
        }
        for (const auto& [name, operation] : writes(db)) {
            INFO(name);
            CHECK(thrown_by<relate::sql_error>(operation).code() == SQLITE_READONLY);
        }

        User dee{.name = "Dee", .email = "dee@example.com"};
        Post post{.title = "Dee's"};
        relate::unit_of_work uow{db};
        uow.insert(dee);
        uow.insert(post, relate::parent(&Post::user, dee));
        CHECK(thrown_by<relate::sql_error>([&] { uow.commit(); }).code() == SQLITE_READONLY);
        CHECK(dee.id == 0);
        CHECK(post.id == 0);
        CHECK(post.userId == std::nullopt);

        const relate::migration add_table{
            "2026_11_01_add", [](relate::schema& s) { s.create("extras", [](relate::blueprint& t) { t.id(); }); }};
        CHECK_THAT(thrown_by<relate::schema_error>([&] { db.migrate({add_table}); }).what(),
                   Contains("failed and was rolled back") && Contains("readonly"));
    }
    CHECK(file_bytes(file.path()) == before);
}

TEST_CASE("a database whose tables do not match the models gives errors naming the table or column",
          "[hostile][schema]") {
    relate::database db{":memory:"};
    db.connection().execute(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"                      // no email
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, userId INTEGER, title TEXT NOT NULL);"     // as the model
        "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL, color TEXT NOT NULL);"  // an extra column
        "INSERT INTO users VALUES (1, 'Ada');"
        "INSERT INTO posts VALUES (1, 1, 'fine'), (2, 'one', 'text in an integer column');"
        "INSERT INTO tags VALUES (1, 'c++', 'red');");  // no profiles, no post_tags
    const std::string before = test_support::dump(db);

    CHECK_THAT(thrown_by<relate::sql_error>([&] { (void)db.query<User>().get(); }).what(),
               Contains("no such column") && Contains("email"));
    CHECK_THAT(thrown_by<relate::sql_error>([&] { db.insert(User{.name = "Bob", .email = "b@x.y"}); }).what(),
               Contains("users") && Contains("email"));
    CHECK_THAT(thrown_by<relate::sql_error>([&] { (void)db.find<Profile>(1); }).what(),
               Contains("no such table: profiles"));
    CHECK_THAT(thrown_by<relate::type_error>([&] { (void)db.query<Post>().get(); }).what(),
               Contains("posts.userId") && Contains("'one'"));
    CHECK_THAT(thrown_by<relate::sql_error>([&] {
                   (void)db.query<Post>().where(col<&Post::id> == 1).with(&Post::tags).get();
               }).what(),
               Contains("no such table: post_tags"));
    CHECK_THAT(thrown_by<relate::sql_error>([&] { db.remove(User{.id = 1}); }).what(), Contains("profiles"));

    Post post{.title = "new"};
    Tag tag{.name = "new"};
    relate::unit_of_work uow{db};
    uow.insert(post);
    uow.insert(tag);
    CHECK_THAT(thrown_by<relate::sql_error>([&] { uow.commit(); }).what(),
               Contains("NOT NULL constraint failed: tags.color"));
    CHECK(post.id == 0);
    CHECK(tag.id == 0);

    const auto mismatch = thrown_by<relate::schema_mismatch>([&] { db.require_schema<User, Profile, Post, Tag>(); });
    CHECK_THAT(mismatch.what(), Contains("users.email") && Contains("profiles") && Contains("tags.color"));
    CHECK(test_support::dump(db) == before);
}
