// db.pretend_migrate (the SQL the pending migrations would run, the database left exactly as it
// was) and db.migration_status (which migrations ran, when, and which are pending).

#include "migration_support.hpp"
#include "temp_file.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

using Catch::Contains;
using namespace migration_support;

namespace {

const relate::migration create_users{"2026_10_01_create_users", [](relate::schema& s) {
                                         s.create("users", [](relate::blueprint& t) {
                                             t.id();
                                             t.text("name");
                                         });
                                     }};

const relate::migration create_posts{"2026_11_01_create_posts", [](relate::schema& s) {
                                         s.create("posts", [](relate::blueprint& t) {
                                             t.id();
                                             t.integer("userId").references("users").on_delete(relate::cascade);
                                             t.text("title");
                                             t.text("body").nullable();
                                         });
                                     }};

const relate::migration drop_body{"2026_12_01_drop_body", [](relate::schema& s) {
                                      s.execute("UPDATE posts SET title = title || '!' WHERE body IS NULL");
                                      s.table("posts", [](relate::blueprint& t) {
                                          t.drop_column("body");
                                          t.index({"title"});
                                      });
                                  }};

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("pretend_migrate lists each pending migration's statements and changes nothing",
          "[migration][pretend]") {
    relate_test::temp_file file;
    {
        relate::database db{file.path()};
        db.migrate({create_users});
        db.connection().execute("INSERT INTO users (name) VALUES ('ada')");
    }
    const std::string before = file_bytes(file.path());

    std::vector<relate::migration_sql> pretended;
    {
        relate::database db{file.path()};
        pretended = db.pretend_migrate({create_users, create_posts, drop_body});
        CHECK(applied(db) == std::vector<std::string>{"2026_10_01_create_users"});
        CHECK(strings(db, "SELECT name FROM sqlite_schema WHERE name = 'posts'").empty());
        CHECK(scalar(db, "PRAGMA foreign_keys") == 1);
        CHECK_FALSE(db.connection().in_transaction());
    }
    CHECK(file_bytes(file.path()) == before);

    REQUIRE(pretended.size() == 2);
    CHECK(pretended[0].name == "2026_11_01_create_posts");
    CHECK(pretended[0].statements ==
          std::vector<std::string>{
              "CREATE TABLE \"posts\" (\"id\" INTEGER PRIMARY KEY, \"userId\" INTEGER NOT NULL REFERENCES \"users\" "
              "(\"id\") ON DELETE CASCADE, \"title\" TEXT NOT NULL, \"body\" TEXT)",
              "CREATE INDEX IF NOT EXISTS \"posts_userId_index\" ON \"posts\" (\"userId\")"});
    // The second one sees the table the first made, and its rebuild shows each of its steps.
    CHECK(pretended[1].name == "2026_12_01_drop_body");
    CHECK(pretended[1].statements ==
          std::vector<std::string>{
              "UPDATE posts SET title = title || '!' WHERE body IS NULL",
              "CREATE TABLE \"relate_rebuild_posts\" (\"id\" INTEGER, \"userId\" INTEGER NOT NULL, \"title\" TEXT NOT "
              "NULL, PRIMARY KEY (\"id\"), FOREIGN KEY (\"userId\") REFERENCES \"users\" (\"id\") ON DELETE CASCADE)",
              "INSERT INTO \"relate_rebuild_posts\" (\"id\", \"userId\", \"title\") SELECT \"id\", \"userId\", "
              "\"title\" FROM \"posts\"",
              "DROP TABLE \"posts\"", "ALTER TABLE \"relate_rebuild_posts\" RENAME TO \"posts\"",
              "CREATE INDEX \"posts_userId_index\" ON \"posts\" (\"userId\")",  // as sqlite_schema keeps it
              "CREATE INDEX \"posts_title_index\" ON \"posts\" (\"title\")"});

    SECTION("migrate then makes what pretend showed, and the file changes") {
        relate::database db{file.path()};
        CHECK(db.migrate({create_users, create_posts, drop_body}).size() == 2);
        CHECK(indexes(db, "posts") == std::vector<std::string>{"posts_title_index", "posts_userId_index"});
        CHECK(db.pretend_migrate({create_users, create_posts, drop_body}).empty());
        db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)");
        CHECK(file_bytes(file.path()) != before);
    }
}

TEST_CASE("pretend_migrate on a new database creates no relate_migrations table", "[migration][pretend]") {
    relate::database db{":memory:"};
    const auto pretended = db.pretend_migrate({create_users});
    REQUIRE(pretended.size() == 1);
    CHECK(pretended[0].statements ==
          std::vector<std::string>{"CREATE TABLE \"users\" (\"id\" INTEGER PRIMARY KEY, \"name\" TEXT NOT NULL)"});
    CHECK(schema_objects(db).empty());
}

TEST_CASE("pretend_migrate of a migration that would fail names it and changes nothing", "[migration][pretend]") {
    relate::database db{":memory:"};
    db.migrate({create_users});
    const auto objects = schema_objects(db);
    const relate::migration broken{"2026_12_02_broken", [](relate::schema& s) { s.drop("nothing"); }};

    CHECK_THAT(schema_error_of([&] { db.pretend_migrate({create_users, create_posts, broken}); }),
               Contains("relate: migration '2026_12_02_broken' would fail; pretend_migrate changed nothing: cannot "
                        "drop table nothing: it does not exist"));
    CHECK(schema_objects(db) == objects);
    CHECK(scalar(db, "PRAGMA foreign_keys") == 1);
    CHECK_FALSE(db.connection().in_transaction());

    SECTION("as does a foreign key check that would fail") {
        db.connection().execute("INSERT INTO users (id, name) VALUES (1, 'ada')");
        const relate::migration orphan{"2026_12_03_orphan", [](relate::schema& s) {
                                           s.execute("INSERT INTO posts (userId, title) VALUES (7, 'orphan')");
                                       }};
        CHECK_THAT(schema_error_of([&] { db.pretend_migrate({create_posts, orphan}); }),
                   Contains("migration '2026_12_03_orphan' would fail") &&
                       Contains("posts row 1 has userId = 7 but users has no such row"));
        CHECK(schema_objects(db) == objects);
    }

    SECTION("inside an open transaction, or without an up step, it is refused") {
        CHECK_THAT(schema_error_of([&] { db.pretend_migrate({relate::migration{"2026_12_04_empty", {}, {}}}); }),
                   Contains("migration '2026_12_04_empty' has no up step"));
        relate::sqlite::transaction tx(db.connection());
        CHECK_THAT(schema_error_of([&] { db.pretend_migrate({create_posts}); }),
                   Contains("db.pretend_migrate cannot run inside an open transaction"));
    }
}

TEST_CASE("migration_status says which migrations ran, when, and which are pending", "[migration][status]") {
    relate::database db{":memory:"};
    const std::vector<relate::migration> all{create_users, create_posts, drop_body};

    const auto fresh = db.migration_status(all);
    REQUIRE(fresh.size() == 3);
    for (const auto& m : fresh) {
        CHECK_FALSE(m.applied);
        CHECK_FALSE(m.applied_at.has_value());
        CHECK(m.listed);
    }
    CHECK(fresh[2].name == "2026_12_01_drop_body");
    CHECK(schema_objects(db).empty());  // reading made nothing

    using std::chrono::milliseconds;
    const auto start = std::chrono::floor<milliseconds>(std::chrono::system_clock::now());
    db.migrate({create_users, create_posts});
    const auto end = std::chrono::ceil<milliseconds>(std::chrono::system_clock::now());

    const auto status = db.migration_status(all);
    REQUIRE(status.size() == 3);
    CHECK(status[0].name == "2026_10_01_create_users");
    CHECK(status[0].applied);
    REQUIRE(status[0].applied_at.has_value());
    CHECK(*status[0].applied_at >= start);
    CHECK(*status[0].applied_at <= end);
    CHECK(status[1].applied);
    CHECK(status[2].name == "2026_12_01_drop_body");
    CHECK_FALSE(status[2].applied);
    CHECK_FALSE(status[2].applied_at.has_value());

    SECTION("migrations the database records but the list lacks come last") {
        const auto partial = db.migration_status({drop_body});
        REQUIRE(partial.size() == 3);
        CHECK(partial[0].name == "2026_12_01_drop_body");
        CHECK_FALSE(partial[0].applied);
        CHECK(partial[1].name == "2026_10_01_create_users");
        CHECK(partial[1].applied);
        CHECK_FALSE(partial[1].listed);
        CHECK(partial[2].name == "2026_11_01_create_posts");
        CHECK_FALSE(partial[2].listed);
    }

    SECTION("an applied_at that is not a time is named") {
        db.connection().execute("UPDATE relate_migrations SET applied_at = 'yesterday' WHERE id = 2");
        CHECK_THAT(schema_error_of([&] { (void)db.migration_status(all); }),
                   Contains("relate: relate_migrations.applied_at of migration '2026_11_01_create_posts' is "
                            "'yesterday': not an ISO-8601 time"));
    }

    SECTION("the list is checked as migrate checks it") {
        CHECK_THAT(schema_error_of([&] { (void)db.migration_status({create_users, create_users}); }),
                   Contains("migration '2026_10_01_create_users' appears twice in the list"));
    }
}
