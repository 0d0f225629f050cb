// Migrations: relate::schema and relate::blueprint, db.migrate / db.rollback, and what happens to
// the database when something is refused or fails (it stays as it was, and the error says why and
// in which migration). The test cases that are not about SQLite itself (its table rebuild for what
// its ALTER TABLE cannot do) run on SQLite and on PostgreSQL (tests/backends.hpp).

#include "backends.hpp"
#include "migration_support.hpp"
#include "temp_file.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

using Catch::Contains;
using Catch::VectorContains;

namespace migration_models {

struct Post;

struct User {
    std::int64_t id = 0;
    std::string name;
    std::string email;
    relate::has_many<Post, relate::cascade> posts;
};

struct Post {
    std::int64_t id = 0;
    std::int64_t userId = 0;
    std::string title;
    std::optional<std::chrono::sys_seconds> createdAt;
    std::optional<std::chrono::sys_seconds> updatedAt;
    relate::belongs_to<User> user;
};

}  // namespace migration_models

using namespace migration_models;
using namespace migration_support;

namespace {

const relate::migration create_users{
    "2026_10_01_create_users",
    [](relate::schema& s) {
        s.create("users", [](relate::blueprint& t) {
            t.id();
            t.text("name");
            t.text("email").unique();
        });
    },
    [](relate::schema& s) { s.drop("users"); }};

// DESIGN.md's example, with a down step.
const relate::migration create_posts{
    "2026_11_01_create_posts",
    [](relate::schema& s) {
        s.create("posts", [](relate::blueprint& t) {
            t.id();
            t.integer("userId").references("users").on_delete(relate::cascade);
            t.text("title");
            t.timestamps();
        });
    },
    [](relate::schema& s) { s.drop("posts"); }};

/// Users with the ids 1 to `users` given (on PostgreSQL, the identity does not count them: insert
/// no user without an id after this), and posts whose ids the database assigns.
template <class Database>
void seed_users_and_posts(Database& db, int users, int posts_per_user) {
    typename Database::backend_type::transaction tx(db.connection());
    for (int u = 1; u <= users; ++u) {
        db.connection().execute("INSERT INTO users (id, name, email) VALUES (" + std::to_string(u) + ", 'user" +
                                std::to_string(u) + "', 'u" + std::to_string(u) + "@example.com')");
        for (int p = 0; p < posts_per_user; ++p)
            db.connection().execute("INSERT INTO posts (\"userId\", title, \"createdAt\") VALUES (" +
                                    std::to_string(u) + ", 'post ''" + std::to_string(p) + "'' of " +
                                    std::to_string(u) + "', " +
                                    (p % 3 == 0 ? "NULL" : "'2026-11-0" + std::to_string(p % 9 + 1) + "T10:00:00Z'") +
                                    ")");
    }
    tx.commit();
}

}  // namespace

BACKENDS_TEST_CASE("migrate applies the pending migrations in order and records each in relate_migrations",
                   "[migration]") {
    typename TestType::database db{TestType::open_target()};

    const auto ran = db.migrate({create_users, create_posts});

    CHECK(ran == std::vector<std::string>{"2026_10_01_create_users", "2026_11_01_create_posts"});
    CHECK(applied(db) == ran);
    CHECK(strings(db, "SELECT applied_at FROM relate_migrations WHERE applied_at LIKE '____-__-__T__:__:__.___Z'")
              .size() == 2);

    SECTION("the blueprint makes the columns, keys and indexes it describes") {
        if constexpr (std::is_same_v<TestType, backends::postgres_server>) {
            CHECK(table_info(db, "posts") ==
                  std::vector<column_info>{{"id", "bigint", 1, "-", 1},
                                           {"userId", "bigint", 1, "-", 0},
                                           {"title", "text", 1, "-", 0},
                                           {"createdAt", "timestamp with time zone", 0, "-", 0},
                                           {"updatedAt", "timestamp with time zone", 0, "-", 0}});
        } else {
            CHECK(table_info(db, "posts") == std::vector<column_info>{{"id", "INTEGER", 0, "-", 1},
                                                                      {"userId", "INTEGER", 1, "-", 0},
                                                                      {"title", "TEXT", 1, "-", 0},
                                                                      {"createdAt", "TEXT", 0, "-", 0},
                                                                      {"updatedAt", "TEXT", 0, "-", 0}});
        }
        CHECK(foreign_keys(db, "posts") == std::vector<std::string>{"userId -> users.id ON DELETE CASCADE"});
        CHECK(indexes(db, "posts") == std::vector<std::string>{"posts_userId_index"});
        CHECK(indexes(db, "users") == std::vector<std::string>{"users_email_unique"});
    }

    SECTION("foreign keys are enforced again afterwards") {
        CHECK(enforces_foreign_keys(db));
        CHECK_THROWS_AS(db.connection().execute("INSERT INTO posts (\"userId\", title) VALUES (42, 'orphan')"),
                        relate::sql_error);
    }

    SECTION("the models read and write the tables") {
        User ada = db.insert(User{.name = "Ada", .email = "ada@example.com"});
        db.insert(Post{.userId = ada.id, .title = "Notes"});
        const auto users = db.template query<User>().with(&User::posts).get();
        REQUIRE(users.size() == 1);
        REQUIRE(users[0].posts.size() == 1);
        CHECK(users[0].posts.begin()->title == "Notes");
        CHECK(db.template check_schema<User, Post>().empty());
    }
}

BACKENDS_TEST_CASE("migrate skips the migrations relate_migrations already lists", "[migration]") {
    const std::string target = TestType::open_target();
    typename TestType::database db{target};
    int runs = 0;
    const relate::migration counted{"2026_12_01_add_bio", [&runs](relate::schema& s) {
                                        ++runs;
                                        s.table("users", [](relate::blueprint& t) { t.text("bio").nullable(); });
                                    }};

    db.migrate({create_users, create_posts});
    CHECK(db.migrate({create_users, create_posts}).empty());

    CHECK(db.migrate({create_users, create_posts, counted}) == std::vector<std::string>{"2026_12_01_add_bio"});
    CHECK(db.migrate({create_users, create_posts, counted}).empty());
    CHECK(runs == 1);
    CHECK(applied(db) ==
          std::vector<std::string>{"2026_10_01_create_users", "2026_11_01_create_posts", "2026_12_01_add_bio"});

    SECTION("a database opened again remembers them") {
        if constexpr (std::is_same_v<TestType, backends::postgres_server>) {  // a second connection to the schema
            typename TestType::database again{target};
            CHECK(again.migrate({create_users, create_posts, counted}).empty());
        } else {  // ":memory:" is one connection's own: a file
            relate_test::temp_file file;
            {
                relate::database first{file.path()};
                first.migrate({create_users, create_posts});
            }
            relate::database again{file.path()};
            CHECK(again.migrate({create_users, create_posts}).empty());
        }
    }
}

BACKENDS_TEST_CASE("a failing migration is rolled back, named, and stops the ones after it", "[migration]") {
    constexpr bool postgres = std::is_same_v<TestType, backends::postgres_server>;
    typename TestType::database db{TestType::open_target()};
    bool third_ran = false;
    const relate::migration broken{"2026_11_02_broken", [](relate::schema& s) {
                                       s.create("drafts", [](relate::blueprint& t) {
                                           t.id();
                                           t.text("body");
                                       });
                                       s.execute("INSERT INTO drafts (body) VALUES ('kept only if committed')");
                                       s.execute("INSERT INTO no_such_table VALUES (1)");
                                   }};
    const relate::migration third{"2026_11_03_after", [&](relate::schema&) { third_ran = true; }};
    db.migrate({create_users});
    const auto before = schema_objects(db);

    try {
        db.migrate({create_users, create_posts, broken, third});
        FAIL("the broken migration did not throw");
    } catch (const relate::schema_error& e) {
        CHECK_THAT(e.what(), Contains("relate: migration '2026_11_02_broken' failed and was rolled back") &&
                                 Contains(postgres ? "relation \"no_such_table\" does not exist"
                                                   : "no such table: no_such_table"));
        // The cause is nested, with its codes.
        try {
            std::rethrow_if_nested(e);
            FAIL("no nested cause");
        } catch (const relate::sql_error& cause) {
            CHECK(cause.code() == SQLITE_ERROR);
            CHECK(cause.sqlstate() == (postgres ? "42P01" : ""));
            CHECK_THAT(cause.sql(), Contains("no_such_table"));
        }
    }

    CHECK(applied(db) == std::vector<std::string>{"2026_10_01_create_users", "2026_11_01_create_posts"});
    CHECK_THAT(tables(db), !VectorContains(std::string("drafts")));
    CHECK_FALSE(third_ran);
    CHECK(enforces_foreign_keys(db));
    CHECK_FALSE(db.connection().in_transaction());

    SECTION("the migrations before it stay applied") {
        CHECK(schema_objects(db) != before);
        CHECK_THAT(tables(db), VectorContains(std::string("posts")));
    }

    SECTION("an exception of the migration's own is named the same way") {
        const relate::migration throws{"2026_11_04_throws", [](relate::schema& s) {
                                           s.table("posts", [](relate::blueprint& t) { t.text("slug").nullable(); });
                                           throw std::runtime_error("no slugs today");
                                       }};
        const auto objects = schema_objects(db);
        CHECK_THAT(schema_error_of([&] { db.migrate({throws}); }),
                   Contains("migration '2026_11_04_throws' failed") && Contains("no slugs today"));
        CHECK(schema_objects(db) == objects);
    }

    SECTION("once fixed, it runs") {
        const relate::migration fixed{"2026_11_02_broken", [](relate::schema& s) {
                                          s.create("drafts", [](relate::blueprint& t) { t.id(); });
                                      }};
        CHECK(db.migrate({create_users, create_posts, fixed, third}) ==
              std::vector<std::string>{"2026_11_02_broken", "2026_11_03_after"});
    }
}

BACKENDS_TEST_CASE("names that are not plain identifiers are refused and change nothing", "[migration][identifier]") {
    typename TestType::database db{TestType::open_target()};
    // PostgreSQL keeps 63 bytes of a name (and would cut a longer one short).
    constexpr std::size_t longest_name = std::is_same_v<TestType, backends::postgres_server> ? 63 : 128;
    db.migrate({create_users});
    const auto before = schema_objects(db);

    const auto refused = [&](const std::function<void(relate::schema&)>& up) {
        const std::string message = schema_error_of([&] { db.migrate({single_step("2026_12_09_bad_name", up)}); });
        CHECK(schema_objects(db) == before);
        CHECK(applied(db) == std::vector<std::string>{"2026_10_01_create_users"});
        return message;
    };
    const auto one_column = [](relate::blueprint& t) { t.id(); };

    CHECK_THAT(refused([&](relate::schema& s) { s.create("user posts", one_column); }),
               Contains("migration '2026_12_09_bad_name' failed") &&
                   Contains("'user posts' is not a valid table name"));
    CHECK_THAT(refused([&](relate::schema& s) { s.create("1posts", one_column); }),
               Contains("'1posts' is not a valid table name"));
    CHECK_THAT(refused([&](relate::schema& s) { s.create("", one_column); }), Contains("'' is not a valid table name"));
    CHECK_THAT(refused([&](relate::schema& s) { s.create("sqlite_stuff", one_column); }),
               Contains("table name 'sqlite_stuff' is reserved"));
    CHECK_THAT(refused([&](relate::schema& s) { s.create("SQLite_Stuff", one_column); }), Contains("is reserved"));
    CHECK_THAT(refused([&](relate::schema& s) { s.create("relate_migrations", one_column); }),
               Contains("relate_migrations is reserved"));
    CHECK_THAT(refused([&](relate::schema& s) { s.create(std::string(longest_name + 1, 'a'), one_column); }),
               Contains("is " + std::to_string(longest_name + 1) + " characters long, over the limit of " +
                        std::to_string(longest_name)));
    CHECK_THAT(refused([&](relate::schema& s) {
                   s.create("posts", [](relate::blueprint& t) {
                       t.id();
                       t.text("title\"); DROP TABLE users; --");
                   });
               }),
               Contains("is not a valid column name"));
    CHECK_THAT(refused([&](relate::schema& s) {
                   s.table("users", [](relate::blueprint& t) { t.integer("teamId").nullable().references("te-ams"); });
               }),
               Contains("'te-ams' is not a valid table name"));
    CHECK_THAT(refused([&](relate::schema& s) {
                   s.table("users", [](relate::blueprint& t) { t.drop_index("users email"); });
               }),
               Contains("'users email' is not a valid index name"));
    CHECK_THAT(refused([&](relate::schema& s) { s.rename("users", "people;"); }),
               Contains("'people;' is not a valid table name"));
    // The names the newer blueprint calls take.
    CHECK_THAT(refused([&](relate::schema& s) {
                   s.table("users", [](relate::blueprint& t) { t.index({"name"}, "by name"); });
               }),
               Contains("'by name' is not a valid index name"));
    CHECK_THAT(refused([&](relate::schema& s) {
                   s.table("users", [](relate::blueprint& t) { t.rename_index("users_email_unique", "x;y"); });
               }),
               Contains("'x;y' is not a valid index name"));
    CHECK_THAT(refused([&](relate::schema& s) {
                   s.table("users", [](relate::blueprint& t) { t.foreign({"name", "e mail"}).references("users"); });
               }),
               Contains("'e mail' is not a valid column name"));
    CHECK_THAT(refused([&](relate::schema& s) {
                   s.table("users", [](relate::blueprint& t) {
                       t.foreign({"name", "email"}).references("users", {"name", "e-mail"});
                   });
               }),
               Contains("'e-mail' is not a valid column name"));
    CHECK_THAT(refused([&](relate::schema& s) {
                   s.table("users", [](relate::blueprint& t) { t.drop_foreign(std::vector<std::string>{}); });
               }),
               Contains("an index or key of users needs a column"));

    SECTION("a name as long as the limit is accepted") {
        const std::string longest(longest_name, 'a');
        db.migrate({single_step("2026_12_10_long", [&](relate::schema& s) { s.create(longest, one_column); })});
        CHECK_THAT(tables(db), VectorContains(longest));
    }
}

BACKENDS_TEST_CASE("blueprint column types, NULL, defaults and unique become the declared SQL",
                   "[migration][blueprint]") {
    constexpr bool postgres = std::is_same_v<TestType, backends::postgres_server>;
    typename TestType::database db{TestType::open_target()};
    using namespace std::chrono;
    db.migrate({single_step("2026_12_01_kinds", [](relate::schema& s) {
        s.create("kinds", [](relate::blueprint& t) {
            t.id();
            t.integer("count").default_value(0);
            t.real("ratio").default_value(0.5);
            t.text("status").default_value("it's new");
            t.blob("data").nullable();
            t.boolean("active").default_value(true);
            t.timestamp("due").default_value(sys_seconds{sys_days{2026y / 11 / 1}});
            t.text("code").unique();
            t.timestamps();
        });
    })});

    if constexpr (postgres) {
        CHECK(table_info(db, "kinds") ==
              std::vector<column_info>{{"id", "bigint", 1, "-", 1},
                                       {"count", "bigint", 1, "(0)::bigint", 0},
                                       {"ratio", "double precision", 1, "(0.5)::double precision", 0},
                                       {"status", "text", 1, "'it''s new'::text", 0},
                                       {"data", "bytea", 0, "-", 0},
                                       {"active", "boolean", 1, "(1)::boolean", 0},
                                       {"due", "timestamp with time zone", 1,
                                        "'2026-11-01 00:00:00+00'::timestamp with time zone", 0},
                                       {"code", "text", 1, "-", 0},
                                       {"createdAt", "timestamp with time zone", 0, "-", 0},
                                       {"updatedAt", "timestamp with time zone", 0, "-", 0}});
    } else {
        CHECK(table_info(db, "kinds") == std::vector<column_info>{{"id", "INTEGER", 0, "-", 1},
                                                                  {"count", "INTEGER", 1, "0", 0},
                                                                  {"ratio", "REAL", 1, "0.5", 0},
                                                                  {"status", "TEXT", 1, "'it''s new'", 0},
                                                                  {"data", "BLOB", 0, "-", 0},
                                                                  {"active", "INTEGER", 1, "1", 0},
                                                                  {"due", "TEXT", 1, "'2026-11-01T00:00:00Z'", 0},
                                                                  {"code", "TEXT", 1, "-", 0},
                                                                  {"createdAt", "TEXT", 0, "-", 0},
                                                                  {"updatedAt", "TEXT", 0, "-", 0}});
    }

    db.connection().execute("INSERT INTO kinds (code) VALUES ('a')");
    CHECK(strings(db, "SELECT CAST(count AS TEXT) || ratio || status || active || due FROM kinds") ==
          std::vector<std::string>{postgres ? "00.5it's newtrue2026-11-01 00:00:00+00"
                                            : "00.5it's new12026-11-01T00:00:00Z"});
    CHECK_THROWS_AS(db.connection().execute("INSERT INTO kinds (code) VALUES ('a')"), relate::sql_error);
    CHECK_THROWS_AS(db.connection().execute("INSERT INTO kinds (code, status) VALUES ('b', NULL)"), relate::sql_error);

    SECTION("indexes over several columns") {
        db.migrate({single_step("2026_12_02_indexes", [](relate::schema& s) {
            s.table("kinds", [](relate::blueprint& t) {
                t.index({"status", "due"});
                t.unique({"count", "ratio"});
            });
        })});
        CHECK(indexes(db, "kinds") ==
              std::vector<std::string>{"kinds_code_unique", "kinds_count_ratio_unique", "kinds_status_due_index"});

        db.migrate({single_step("2026_12_03_drop_index", [](relate::schema& s) {
            s.table("kinds", [](relate::blueprint& t) { t.drop_index("kinds_status_due_index"); });
        })});
        CHECK(indexes(db, "kinds") == std::vector<std::string>{"kinds_code_unique", "kinds_count_ratio_unique"});
    }

    SECTION("a composite primary key") {
        db.migrate({single_step("2026_12_02_pairs", [](relate::schema& s) {
            s.create("pairs", [](relate::blueprint& t) {
                t.integer("a");
                t.integer("b");
                t.primary({"a", "b"});
            });
        })});
        const auto pairs = table_info(db, "pairs");
        REQUIRE(pairs.size() == 2);
        CHECK(std::get<4>(pairs[0]) == 1);
        CHECK(std::get<4>(pairs[1]) == 2);
    }
}

BACKENDS_TEST_CASE("a migration's foreign keys act with the policy on_delete names", "[migration][blueprint]") {
    typename TestType::database db{TestType::open_target()};
    db.migrate({create_users, single_step("2026_11_05_children", [](relate::schema& s) {
                    s.create("cascaded", [](relate::blueprint& t) {
                        t.id();
                        t.integer("userId").references("users").on_delete(relate::cascade);
                    });
                    s.create("nulled", [](relate::blueprint& t) {
                        t.id();
                        t.integer("userId").nullable().references("users").on_delete(relate::set_null);
                    });
                    s.create("restricted", [](relate::blueprint& t) {
                        t.id();
                        t.integer("userId").references("users");  // restrict unless told otherwise
                    });
                })});
    CHECK(foreign_keys(db, "restricted") == std::vector<std::string>{"userId -> users.id ON DELETE RESTRICT"});
    for (int id : {1, 2}) {
        const std::string user = std::to_string(id);
        db.connection().execute("INSERT INTO users (id, name, email) VALUES (" + user + ", 'u', 'u" + user + "')");
        db.connection().execute("INSERT INTO cascaded (\"userId\") VALUES (" + user + ")");
        db.connection().execute("INSERT INTO nulled (\"userId\") VALUES (" + user + ")");
    }
    db.connection().execute("INSERT INTO restricted (\"userId\") VALUES (2)");

    db.connection().execute("DELETE FROM users WHERE id = 1");
    CHECK(scalar(db, "SELECT count(*) FROM cascaded") == 1);
    CHECK(scalar(db, "SELECT count(*) FROM nulled WHERE \"userId\" IS NULL") == 1);
    CHECK_THROWS_AS(db.connection().execute("DELETE FROM users WHERE id = 2"), relate::sql_error);

    SECTION("set_null on a column that is not nullable is refused") {
        const auto before = schema_objects(db);
        CHECK_THAT(schema_error_of([&] {
                       db.migrate({single_step("2026_11_06_bad_policy", [](relate::schema& s) {
                           s.create("bad", [](relate::blueprint& t) {
                               t.id();
                               t.integer("userId").references("users").on_delete(relate::set_null);
                           });
                       })});
                   }),
                   Contains("bad.userId cannot use on_delete(relate::set_null): the column is not nullable()"));
        CHECK(schema_objects(db) == before);
    }

    SECTION("on_delete without references is refused") {
        CHECK_THAT(schema_error_of([&] {
                       db.migrate({single_step("2026_11_06_no_reference", [](relate::schema& s) {
                           s.create("bad", [](relate::blueprint& t) { t.integer("userId").on_delete(relate::cascade); });
                       })});
                   }),
                   Contains("on_delete on bad.userId needs references(...) before it"));
    }
}

TEST_CASE("dropping a column rebuilds the table and keeps every row", "[migration][rebuild]") {
    relate_test::temp_file file;
    relate::database db{file.path()};
    db.migrate({create_users, create_posts});
    seed_users_and_posts(db, 40, 25);
    // What goes with the table and must come back: an index of its own, a trigger, a view, and a
    // child table whose foreign key points at it.
    db.connection().execute("CREATE INDEX posts_title_index ON posts (title)");
    db.connection().execute("CREATE TABLE audit (postId INTEGER, note TEXT)");
    db.connection().execute(
        "CREATE TRIGGER posts_audit AFTER UPDATE ON posts BEGIN INSERT INTO audit VALUES (new.id, new.title); END");
    db.connection().execute("CREATE VIEW post_titles AS SELECT id, title FROM posts");
    db.connection().execute(
        "CREATE TABLE comments (id INTEGER PRIMARY KEY, postId INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE)");
    db.connection().execute("INSERT INTO comments (postId) SELECT id FROM posts WHERE id % 7 = 0");

    const std::string kept_columns = "SELECT id || '|' || userId || '|' || title || '|' || coalesce(createdAt, 'NULL') "
                                     "FROM posts ORDER BY id";
    const auto rows_before = strings(db, kept_columns);
    REQUIRE(rows_before.size() == 1000);
    const auto comments_before = scalar(db, "SELECT count(*) FROM comments");

    const relate::migration drop_updated_at{"2026_12_01_drop_updated_at", [](relate::schema& s) {
                                                s.table("posts", [](relate::blueprint& t) { t.drop_column("updatedAt"); });
                                            }};
    db.migrate({create_users, create_posts, drop_updated_at});

    CHECK(strings(db, kept_columns) == rows_before);
    CHECK(table_info(db, "posts") == std::vector<column_info>{{"id", "INTEGER", 0, "-", 1},
                                                              {"userId", "INTEGER", 1, "-", 0},
                                                              {"title", "TEXT", 1, "-", 0},
                                                              {"createdAt", "TEXT", 0, "-", 0}});
    CHECK(foreign_keys(db, "posts") == std::vector<std::string>{"userId -> users.id ON DELETE CASCADE"});
    CHECK(indexes(db, "posts") == std::vector<std::string>{"posts_title_index", "posts_userId_index"});
    CHECK(scalar(db, "SELECT count(*) FROM post_titles") == 1000);
    CHECK(scalar(db, "SELECT count(*) FROM comments") == comments_before);
    CHECK(strings(db, "SELECT name FROM sqlite_schema WHERE name LIKE 'relate_rebuild%'").empty());

    SECTION("the trigger still fires") {
        db.connection().execute("UPDATE posts SET title = 'renamed' WHERE id = 3");
        CHECK(strings(db, "SELECT postId || note FROM audit") == std::vector<std::string>{"3renamed"});
    }

    SECTION("foreign keys pointing at the rebuilt table still act") {
        db.connection().execute("DELETE FROM posts WHERE id = 7");
        CHECK(scalar(db, "SELECT count(*) FROM comments WHERE postId = 7") == 0);
        db.connection().execute("DELETE FROM users WHERE id = 1");
        CHECK(scalar(db, "SELECT count(*) FROM posts WHERE userId = 1") == 0);
    }

    SECTION("the rows survive reopening the file") {
        relate::database reopened{file.path()};
        CHECK(strings(reopened, kept_columns) == rows_before);
    }

    SECTION("a view that uses the dropped column fails the migration, which changes nothing") {
        const auto objects = schema_objects(db);
        CHECK_THAT(schema_error_of([&] {
                       db.migrate({single_step("2026_12_02_drop_title", [](relate::schema& s) {
                           s.table("posts", [](relate::blueprint& t) { t.drop_column("title"); });
                       })});
                   }),
                   Contains("migration '2026_12_02_drop_title' failed") &&
                       Contains("cannot rebuild table posts: view post_titles would no longer work (no such column: "
                                "title)"));
        CHECK(schema_objects(db) == objects);
        CHECK(strings(db, kept_columns) == rows_before);
    }
}

BACKENDS_TEST_CASE("drop_column drops the column with its indexes and keeps the rows, keys and other indexes",
                   "[migration]") {
    typename TestType::database db{TestType::open_target()};
    db.migrate({create_users, create_posts});
    seed_users_and_posts(db, 3, 4);
    db.connection().execute("CREATE INDEX posts_title_index ON posts (title)");
    const std::string kept_columns =
        "SELECT id || '|' || \"userId\" || '|' || coalesce(CAST(\"createdAt\" AS TEXT), 'NULL') FROM posts ORDER BY id";
    const auto rows_before = strings(db, kept_columns);
    REQUIRE(rows_before.size() == 12);

    db.migrate({create_users, create_posts, single_step("2026_12_01_drop_title", [](relate::schema& s) {
                    s.table("posts", [](relate::blueprint& t) { t.drop_column("title"); });
                })});

    CHECK(strings(db, kept_columns) == rows_before);
    if constexpr (std::is_same_v<TestType, backends::postgres_server>) {
        CHECK(table_info(db, "posts") ==
              std::vector<column_info>{{"id", "bigint", 1, "-", 1},
                                       {"userId", "bigint", 1, "-", 0},
                                       {"createdAt", "timestamp with time zone", 0, "-", 0},
                                       {"updatedAt", "timestamp with time zone", 0, "-", 0}});
    } else {
        CHECK(table_info(db, "posts") == std::vector<column_info>{{"id", "INTEGER", 0, "-", 1},
                                                                  {"userId", "INTEGER", 1, "-", 0},
                                                                  {"createdAt", "TEXT", 0, "-", 0},
                                                                  {"updatedAt", "TEXT", 0, "-", 0}});
    }
    CHECK(foreign_keys(db, "posts") == std::vector<std::string>{"userId -> users.id ON DELETE CASCADE"});
    CHECK(indexes(db, "posts") == std::vector<std::string>{"posts_userId_index"});

    SECTION("the primary key cannot be dropped") {
        CHECK_THAT(schema_error_of([&] {
                       db.migrate({single_step("2026_12_02_drop_id", [](relate::schema& s) {
                           s.table("posts", [](relate::blueprint& t) { t.drop_column("id"); });
                       })});
                   }),
                   Contains("cannot drop posts.id: it is part of the primary key"));
    }

    SECTION("a column that is not there cannot be dropped") {
        CHECK_THAT(schema_error_of([&] {
                       db.migrate({single_step("2026_12_02_drop_missing", [](relate::schema& s) {
                           s.table("posts", [](relate::blueprint& t) { t.drop_column("subtitle"); });
                       })});
                   }),
                   Contains("cannot drop posts.subtitle: there is no such column"));
    }
}

BACKENDS_TEST_CASE("change() redefines a column and keeps the rows", "[migration]") {
    typename TestType::database db{TestType::open_target()};
    db.migrate({create_users, create_posts});
    seed_users_and_posts(db, 3, 4);
    const auto titles = strings(db, "SELECT title FROM posts ORDER BY id");

    db.migrate({single_step("2026_12_01_optional_user", [](relate::schema& s) {
        s.table("posts", [](relate::blueprint& t) {
            t.integer("userId").nullable().references("users").on_delete(relate::set_null).change();
        });
    })});
    CHECK(std::get<2>(table_info(db, "posts")[1]) == 0);
    CHECK(foreign_keys(db, "posts") == std::vector<std::string>{"userId -> users.id ON DELETE SET NULL"});
    CHECK(strings(db, "SELECT title FROM posts ORDER BY id") == titles);

    SECTION("a NOT NULL column that holds NULL fails the migration, which changes nothing") {
        db.connection().execute("UPDATE posts SET \"userId\" = NULL WHERE id = 2");
        const auto objects = schema_objects(db);
        CHECK_THAT(schema_error_of([&] {
                       db.migrate({single_step("2026_12_02_required_user", [](relate::schema& s) {
                           s.table("posts", [](relate::blueprint& t) { t.integer("userId").change(); });
                       })});
                   }),
                   Contains("migration '2026_12_02_required_user' failed") &&
                       Contains(std::is_same_v<TestType, backends::postgres_server>
                                    ? "column \"userId\" of relation \"posts\" contains null values"
                                    : "NOT NULL constraint failed"));
        CHECK(schema_objects(db) == objects);
        CHECK(strings(db, "SELECT title FROM posts ORDER BY id") == titles);
    }

    SECTION("a column that is not there cannot be changed") {
        CHECK_THAT(schema_error_of([&] {
                       db.migrate({single_step("2026_12_02_change_missing", [](relate::schema& s) {
                           s.table("posts", [](relate::blueprint& t) { t.text("subtitle").change(); });
                       })});
                   }),
                   Contains("cannot change posts.subtitle: there is no such column"));
    }
}

// Laravel's usual three steps in one migration: a nullable column, filled, then made NOT NULL.
// PostgreSQL refuses an ALTER TABLE while checks of rows written in the transaction wait, so a
// migration must not defer them.
BACKENDS_TEST_CASE("a column added, filled with an UPDATE, then made NOT NULL in one migration", "[migration]") {
    typename TestType::database db{TestType::open_target()};
    db.migrate({create_users, create_posts});
    seed_users_and_posts(db, 2, 2);

    db.migrate({single_step("2026_12_03_slugs", [](relate::schema& s) {
        s.table("posts", [](relate::blueprint& t) { t.text("slug").nullable(); });
        s.execute("UPDATE posts SET slug = 'post-' || id");
        s.table("posts", [](relate::blueprint& t) { t.text("slug").change(); });
    })});
    CHECK(strings(db, "SELECT slug FROM posts ORDER BY id") ==
          std::vector<std::string>{"post-1", "post-2", "post-3", "post-4"});
    CHECK_THROWS_AS(db.connection().execute("INSERT INTO posts (\"userId\", title) VALUES (1, 'no slug')"),
                    relate::sql_error);
}

BACKENDS_TEST_CASE("adding columns to a table that has rows", "[migration]") {
    typename TestType::database db{TestType::open_target()};
    db.migrate({create_users, create_posts});
    seed_users_and_posts(db, 2, 3);

    SECTION("with a default or nullable") {
        db.migrate({single_step("2026_12_01_add", [](relate::schema& s) {
            s.table("posts", [](relate::blueprint& t) {
                t.integer("views").default_value(0);
                t.text("summary").nullable();
                t.integer("editorId").nullable().references("users").on_delete(relate::set_null);
            });
        })});
        CHECK(scalar(db, "SELECT count(*) FROM posts WHERE views = 0 AND summary IS NULL") == 6);
        CHECK(foreign_keys(db, "posts") == std::vector<std::string>{"editorId -> users.id ON DELETE SET NULL",
                                                                    "userId -> users.id ON DELETE CASCADE"});
        CHECK(indexes(db, "posts") == std::vector<std::string>{"posts_editorId_index", "posts_userId_index"});
    }

    SECTION("NOT NULL without a default is refused") {
        const auto objects = schema_objects(db);
        CHECK_THAT(schema_error_of([&] {
                       db.migrate({single_step("2026_12_01_add_slug", [](relate::schema& s) {
                           s.table("posts", [](relate::blueprint& t) { t.text("slug"); });
                       })});
                   }),
                   Contains("cannot add posts.slug as NOT NULL without a default"));
        CHECK(schema_objects(db) == objects);
    }

    SECTION("a column that exists is refused") {
        CHECK_THAT(schema_error_of([&] {
                       db.migrate({single_step("2026_12_01_add_title", [](relate::schema& s) {
                           s.table("posts", [](relate::blueprint& t) {
                               t.text("title").default_value("");
                               t.drop_column("createdAt");  // on SQLite, a rebuild, which checks too
                           });
                       })});
                   }),
                   Contains("cannot add posts.title: the column exists; redefine it with change()"));
        const relate::migration add_capital_title = single_step("2026_12_01_add_title", [](relate::schema& s) {
            s.table("posts", [](relate::blueprint& t) { t.text("Title").nullable(); });
        });
        if constexpr (std::is_same_v<TestType, backends::postgres_server>) {  // names are case-sensitive there
            db.migrate({add_capital_title});
            CHECK(std::get<0>(table_info(db, "posts").back()) == "Title");
        } else {
            CHECK_THAT(schema_error_of([&] { db.migrate({add_capital_title}); }),
                       Contains("cannot add posts.Title: the column exists; redefine it with change()"));
        }
    }
}

BACKENDS_TEST_CASE("a NOT NULL column without a default is added to an empty table, and refused on one with rows",
                   "[migration]") {
    typename TestType::database db{TestType::open_target()};
    const column_info slug{"slug", std::is_same_v<TestType, backends::postgres_server> ? "text" : "TEXT", 1, "-", 0};
    db.migrate({create_users, create_posts});
    const relate::migration add_slug{"2026_12_01_add_slug", [](relate::schema& s) {
                                         s.table("posts", [](relate::blueprint& t) { t.text("slug"); });
                                     }};

    SECTION("an empty table has no row to lack a value") {
        db.migrate({add_slug});
        CHECK(table_info(db, "posts").back() == slug);
        CHECK_THROWS_AS(db.connection().execute("INSERT INTO posts (\"userId\", title) VALUES (1, 'no slug')"),
                        relate::sql_error);
    }

    SECTION("also beside another change to the table (on SQLite, a rebuild)") {
        db.migrate({single_step("2026_12_01_add_slug", [](relate::schema& s) {
            s.table("posts", [](relate::blueprint& t) {
                t.drop_column("updatedAt");
                t.text("slug");
            });
        })});
        CHECK(table_info(db, "posts").back() == slug);
    }

    SECTION("rows are counted when the column is added, after what the migration did before") {
        seed_users_and_posts(db, 1, 2);
        const auto objects = schema_objects(db);
        CHECK_THAT(schema_error_of([&] { db.migrate({add_slug}); }),
                   Contains("cannot add posts.slug as NOT NULL without a default: the rows already there would have "
                            "no value"));
        CHECK(schema_objects(db) == objects);

        db.migrate({single_step("2026_12_01_start_over", [](relate::schema& s) {
            s.execute("DELETE FROM posts");
            s.table("posts", [](relate::blueprint& t) { t.text("slug"); });
        })});
        CHECK(std::get<0>(table_info(db, "posts").back()) == "slug");
    }
}

BACKENDS_TEST_CASE("names holding a NUL or another control character are printed escaped in errors",
                   "[migration][identifier]") {
    typename TestType::database db{TestType::open_target()};
    const std::string nul_table("us\0ers", 6);
    const std::string nul_migration("2026_12_01\0_bad", 15);
    const auto error_of = [&](const relate::migration& m) { return schema_error_of([&] { db.migrate({m}); }); };

    CHECK_THAT(error_of(single_step("2026_12_01_bad", [&](relate::schema& s) {
                   s.create(nul_table, [](relate::blueprint& t) { t.id(); });
               })),
               Contains("'us\\x00ers' is not a valid table name: use letters"));
    CHECK_THAT(error_of(single_step("2026_12_01_bad", [](relate::schema& s) {
                   s.create("users", [](relate::blueprint& t) { t.text("line\nbreak\x7f"); });
               })),
               Contains("'line\\x0abreak\\x7f' is not a valid column name"));
    CHECK_THAT(error_of(single_step(nul_migration, [](relate::schema& s) { s.drop("nothing"); })),
               Contains("migration '2026_12_01\\x00_bad' failed and was rolled back: cannot drop table nothing"));
    CHECK_THAT(schema_error_of([&] {
                   db.migrate({single_step(nul_migration, [](relate::schema&) {}),
                               single_step(nul_migration, [](relate::schema&) {})});
               }),
               Contains("migration '2026_12_01\\x00_bad' appears twice in the list"));
    CHECK(schema_objects(db).empty());
}

BACKENDS_TEST_CASE("adding a foreign key to an existing column checks the rows already there", "[migration]") {
    constexpr bool postgres = std::is_same_v<TestType, backends::postgres_server>;
    typename TestType::database db{TestType::open_target()};
    db.migrate({create_users, single_step("2026_11_01_loose_posts", [](relate::schema& s) {
                    s.create("posts", [](relate::blueprint& t) {
                        t.id();
                        t.integer("userId");
                        t.text("title");
                    });
                })});
    db.connection().execute("INSERT INTO users (id, name, email) VALUES (1, 'Ada', 'ada@example.com')");
    db.connection().execute("INSERT INTO posts (\"userId\", title) VALUES (1, 'a'), (1, 'b')");
    const relate::migration constrain{"2026_12_01_constrain_posts", [](relate::schema& s) {
                                          s.table("posts", [](relate::blueprint& t) {
                                              t.foreign("userId").references("users").on_delete(relate::cascade);
                                          });
                                      }};

    SECTION("rows that satisfy it are kept") {
        db.migrate({constrain});
        CHECK(foreign_keys(db, "posts") == std::vector<std::string>{"userId -> users.id ON DELETE CASCADE"});
        CHECK(strings(db, "SELECT title FROM posts ORDER BY id") == std::vector<std::string>{"a", "b"});

        SECTION("and drop_foreign removes it again") {
            db.migrate({single_step("2026_12_02_loosen", [](relate::schema& s) {
                s.table("posts", [](relate::blueprint& t) { t.drop_foreign("userId"); });
            })});
            CHECK(foreign_keys(db, "posts").empty());
            CHECK(scalar(db, "SELECT count(*) FROM posts") == 2);
        }
    }

    SECTION("rows that break it fail the migration, which changes nothing") {
        db.connection().execute("INSERT INTO posts (id, \"userId\", title) VALUES (7, 99, 'orphan')");
        const auto objects = schema_objects(db);
        const std::string message = schema_error_of([&] { db.migrate({constrain}); });
        CHECK_THAT(message, Contains("migration '2026_12_01_constrain_posts' failed and was rolled back"));
        if constexpr (postgres) {  // the server's message
            CHECK_THAT(message, Contains("violates foreign key constraint"));
        } else {
            CHECK_THAT(message, Contains("foreign key check failed, 1 row points nowhere: posts row 7 has userId = 99 "
                                         "but users has no such row"));
        }
        CHECK(schema_objects(db) == objects);
        CHECK(foreign_keys(db, "posts").empty());
        CHECK(scalar(db, "SELECT count(*) FROM posts") == 3);
        CHECK(applied(db) == std::vector<std::string>{"2026_10_01_create_users", "2026_11_01_loose_posts"});
        CHECK(enforces_foreign_keys(db));
    }

    SECTION("a foreign key without references() is refused") {
        CHECK_THAT(schema_error_of([&] {
                       db.migrate({single_step("2026_12_01_half_key", [](relate::schema& s) {
                           s.table("posts", [](relate::blueprint& t) { t.foreign("userId"); });
                       })});
                   }),
                   Contains("foreign(\"userId\") on posts needs references(...)"));
    }
}

BACKENDS_TEST_CASE("dropping a table that rows still point at fails the migration, which changes nothing",
                   "[migration]") {
    typename TestType::database db{TestType::open_target()};
    db.migrate({create_users, create_posts});
    seed_users_and_posts(db, 2, 4);
    const auto objects = schema_objects(db);

    const std::string message = schema_error_of([&] {
        db.migrate({single_step("2026_12_01_drop_users", [](relate::schema& s) { s.drop("users"); })});
    });
    if constexpr (std::is_same_v<TestType, backends::postgres_server>) {  // the server's message
        CHECK_THAT(message, Contains("migration '2026_12_01_drop_users' failed and was rolled back: ") &&
                                Contains("cannot drop table users because other objects depend on it"));
    } else {
        CHECK_THAT(message, Contains("migration '2026_12_01_drop_users' failed and was rolled back: foreign key check "
                                     "failed, 8 rows point nowhere: posts row 1 has userId = 1 but table users does "
                                     "not exist; ") &&
                                Contains("; and 3 more"));
    }
    CHECK(schema_objects(db) == objects);
    CHECK(scalar(db, "SELECT count(*) FROM users") == 2);

    SECTION("dropping the children first works") {
        db.migrate({single_step("2026_12_01_drop_both", [](relate::schema& s) {
            s.drop("posts");
            s.drop("users");
        })});
        CHECK(tables(db) == std::vector<std::string>{"relate_migrations"});
    }
}

TEST_CASE("a table whose definition a rebuild would not keep is refused", "[migration][rebuild]") {
    relate::database db{":memory:"};
    db.connection().execute(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL CHECK (body <> ''), extra TEXT)");
    db.connection().execute("INSERT INTO notes (body) VALUES ('a')");
    const auto objects = schema_objects(db);

    CHECK_THAT(schema_error_of([&] {
                   db.migrate({single_step("2026_12_01_drop_extra", [](relate::schema& s) {
                       s.table("notes", [](relate::blueprint& t) { t.drop_column("extra"); });
                   })});
               }),
               Contains("cannot rebuild table notes: its definition uses CHECK"));
    CHECK(schema_objects(db) == objects);

    SECTION("words inside quotes are names, not constraints") {
        db.connection().execute(
            "CREATE TABLE \"quoted\" (id INTEGER PRIMARY KEY, \"check\" TEXT DEFAULT 'COLLATE', extra TEXT) "
            "WITHOUT ROWID");
        db.connection().execute("INSERT INTO quoted (id) VALUES (1)");
        db.migrate({single_step("2026_12_02_drop_extra", [](relate::schema& s) {
            s.table("quoted", [](relate::blueprint& t) { t.drop_column("extra"); });
        })});
        CHECK(strings(db, "SELECT \"check\" FROM quoted") == std::vector<std::string>{"COLLATE"});
        CHECK_THAT(strings(db, "SELECT sql FROM sqlite_schema WHERE name = 'quoted'").at(0), Contains("WITHOUT ROWID"));
    }
}

BACKENDS_TEST_CASE("rollback(steps) runs down for the newest migrations", "[migration][rollback]") {
    typename TestType::database db{TestType::open_target()};
    const relate::migration add_bio{"2026_12_01_add_bio",
                                    [](relate::schema& s) {
                                        s.table("users", [](relate::blueprint& t) { t.text("bio").nullable(); });
                                    },
                                    [](relate::schema& s) {
                                        s.table("users", [](relate::blueprint& t) { t.drop_column("bio"); });
                                    }};
    const std::vector<relate::migration> all{create_users, create_posts, add_bio};
    db.migrate(all);
    db.connection().execute("INSERT INTO users (name, email) VALUES ('Ada', 'ada@example.com')");

    CHECK(db.rollback(all) == std::vector<std::string>{"2026_12_01_add_bio"});
    CHECK(table_info(db, "users").size() == 3);
    CHECK(scalar(db, "SELECT count(*) FROM users") == 1);
    CHECK(applied(db) == std::vector<std::string>{"2026_10_01_create_users", "2026_11_01_create_posts"});

    CHECK(db.rollback(all, 5) == std::vector<std::string>{"2026_11_01_create_posts", "2026_10_01_create_users"});
    CHECK(tables(db) == std::vector<std::string>{"relate_migrations"});
    CHECK(applied(db).empty());
    CHECK(db.rollback(all, 1).empty());

    SECTION("migrate applies them again") {
        CHECK(db.migrate(all).size() == 3);
    }
}

BACKENDS_TEST_CASE("rollback refuses what it cannot undo before undoing anything", "[migration][rollback]") {
    typename TestType::database db{TestType::open_target()};
    const relate::migration no_down = single_step("2026_12_01_no_down", [](relate::schema& s) {
        s.table("users", [](relate::blueprint& t) { t.text("bio").nullable(); });
    });
    db.migrate({create_users, create_posts, no_down});
    const auto objects = schema_objects(db);

    CHECK_THAT(schema_error_of([&] { db.rollback({create_users, create_posts, no_down}, 2); }),
               Contains("cannot roll back migration '2026_12_01_no_down': it has no down step"));
    CHECK_THAT(schema_error_of([&] { db.rollback({create_users, create_posts}, 2); }),
               Contains("cannot roll back migration '2026_12_01_no_down': it is not in the list given to rollback"));
    CHECK(schema_objects(db) == objects);
    CHECK(applied(db).size() == 3);

    SECTION("a down step that fails leaves the migration applied") {
        const relate::migration bad_down{"2026_12_01_no_down",
                                         [](relate::schema&) {},
                                         [](relate::schema& s) { s.drop("no_such_table"); }};
        CHECK_THAT(schema_error_of([&] { db.rollback({create_users, create_posts, bad_down}); }),
                   Contains("rolling back migration '2026_12_01_no_down' failed; it is still applied") &&
                       Contains("cannot drop table no_such_table: it does not exist"));
        CHECK(applied(db).size() == 3);
    }
}

BACKENDS_TEST_CASE("tables are renamed, dropped and looked up", "[migration]") {
    constexpr bool postgres = std::is_same_v<TestType, backends::postgres_server>;
    typename TestType::database db{TestType::open_target()};
    db.migrate({create_users, create_posts});

    SECTION("a renamed table keeps the foreign keys that point at it") {
        bool had_users = false;
        bool has_people = false;
        bool has_other_case = false;
        db.migrate({single_step("2026_12_01_people", [&](relate::schema& s) {
            had_users = s.has_table("users");
            s.rename("users", "people");
            has_people = s.has_table("people") && s.has_column("people", "email") && !s.has_column("people", "bio");
            has_other_case = s.has_table("People");
        })});
        CHECK(had_users);
        CHECK(has_people);
        CHECK(has_other_case == !postgres);  // SQLite's names ignore case, PostgreSQL's do not
        CHECK(foreign_keys(db, "posts") == std::vector<std::string>{"userId -> people.id ON DELETE CASCADE"});
    }

    SECTION("a column is renamed") {
        db.migrate({single_step("2026_12_01_headline", [](relate::schema& s) {
            s.table("posts", [](relate::blueprint& t) { t.rename_column("title", "headline"); });
        })});
        CHECK(std::get<0>(table_info(db, "posts")[2]) == "headline");
    }

    SECTION("what does not exist, or already does, is refused") {
        const auto refused = [&](const std::function<void(relate::schema&)>& up) {
            return schema_error_of([&] { db.migrate({single_step("2026_12_01_refused", up)}); });
        };
        CHECK_THAT(refused([](relate::schema& s) { s.drop("comments"); }),
                   Contains("cannot drop table comments: it does not exist"));
        CHECK_THAT(refused([](relate::schema& s) { s.rename("comments", "notes"); }),
                   Contains("cannot rename table comments: it does not exist"));
        CHECK_THAT(refused([](relate::schema& s) { s.rename("posts", "users"); }),
                   Contains("cannot rename table posts to users: users already exists"));
        if constexpr (postgres) {  // Users would be another table
            CHECK_THAT(refused([](relate::schema& s) { s.create("users", [](relate::blueprint& t) { t.id(); }); }),
                       Contains("cannot create table users: it already exists"));
        } else {
            CHECK_THAT(refused([](relate::schema& s) { s.create("Users", [](relate::blueprint& t) { t.id(); }); }),
                       Contains("cannot create table Users: it already exists"));
        }
        CHECK_THAT(refused([](relate::schema& s) { s.table("comments", [](relate::blueprint& t) { t.id(); }); }),
                   Contains("cannot change table comments: it does not exist"));
        CHECK_THAT(refused([](relate::schema& s) { s.table("posts", [](relate::blueprint& t) { t.id("uid"); }); }),
                   Contains("cannot add a primary key to the existing table posts"));
        CHECK_THAT(refused([](relate::schema& s) {
                       s.create("notes", [](relate::blueprint& t) {
                           t.id();
                           t.drop_column("id");
                       });
                   }),
                   Contains("s.create(\"notes\") adds columns, indexes, foreign keys and a primary key only") &&
                       Contains("drop_column, rename_column, drop_index, rename_index, drop_foreign, drop_primary and "
                                "change() belong in s.table(\"notes\", ...)"));
        CHECK_THAT(refused([](relate::schema& s) { s.create("empty", [](relate::blueprint&) {}); }),
                   Contains("table empty needs at least one column"));
        CHECK_THAT(refused([](relate::schema& s) {
                       s.table("posts", [](relate::blueprint& t) { t.drop_index("posts_title_index"); });
                   }),
                   Contains("cannot drop index posts_title_index: table posts has no index of that name"));
        CHECK(applied(db).size() == 2);
    }

    SECTION("drop_if_exists drops what is there and ignores what is not") {
        db.migrate({single_step("2026_12_01_cleanup", [](relate::schema& s) {
            s.drop_if_exists("posts");
            s.drop_if_exists("comments");
        })});
        CHECK(tables(db) == std::vector<std::string>{"relate_migrations", "users"});
    }
}

BACKENDS_TEST_CASE("the migration list itself is checked before anything runs", "[migration]") {
    typename TestType::database db{TestType::open_target()};

    CHECK_THAT(schema_error_of([&] { db.migrate({create_users, create_users}); }),
               Contains("migration '2026_10_01_create_users' appears twice in the list"));
    CHECK_THAT(schema_error_of([&] { db.migrate({create_users, relate::migration{"", create_users.up, {}}}); }),
               Contains("a migration needs a name"));
    CHECK_THAT(schema_error_of([&] { db.migrate({create_users, relate::migration{"2026_12_01_empty", {}, {}}}); }),
               Contains("migration '2026_12_01_empty' has no up step"));
    CHECK_THAT(tables(db), !VectorContains(std::string("users")));

    SECTION("migrate inside an open transaction is refused") {
        typename TestType::database::backend_type::transaction tx(db.connection());
        CHECK_THAT(schema_error_of([&] { db.migrate({create_users}); }),
                   Contains("db.migrate cannot run inside an open transaction"));
        CHECK_THAT(schema_error_of([&] { db.rollback({create_users}); }),
                   Contains("db.rollback cannot run inside an open transaction"));
    }
}
