// The table rebuild against what other tools leave in a database and what their users write:
// triggers and views that a change would break (refused, naming them), indexes of every form that
// use a dropped column (dropped with it), operations on one table composed in the order written,
// named and renamed indexes, composite foreign keys, primary key changes, and AUTOINCREMENT tables
// as Laravel's increments() makes them.

#include "migration_support.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

using Catch::Contains;
using namespace migration_support;

namespace {

/// users and posts as Laravel's schema builder writes them for SQLite: increments(), string(),
/// timestamps(), a unique index and a foreign key with ON DELETE CASCADE.
void create_laravel_tables(relate::database& db) {
    db.connection().execute(
        "create table \"users\" (\"id\" integer primary key autoincrement not null, \"name\" varchar not null, "
        "\"email\" varchar not null, \"created_at\" datetime, \"updated_at\" datetime)");
    db.connection().execute("create unique index \"users_email_unique\" on \"users\" (\"email\")");
    db.connection().execute(
        "create table \"posts\" (\"id\" integer primary key autoincrement not null, \"userId\" integer not null, "
        "\"title\" varchar not null, \"body\" text, foreign key(\"userId\") references \"users\"(\"id\") on delete "
        "cascade)");
    db.connection().execute(
        "insert into users (name, email) values ('ada', 'ada@example.com'), ('bob', 'bob@example.com'), "
        "('cy', 'cy@example.com')");
    db.connection().execute("insert into posts (userId, title, body) values (1, 'a', 'x'), (2, 'b', 'y'), (2, '', 'z')");
}

relate::migration on_posts(const std::string& name, std::function<void(relate::blueprint&)> change) {
    return single_step(name, [change](relate::schema& s) { s.table("posts", change); });
}

}  // namespace

TEST_CASE("a rebuild that would break a trigger is refused, naming the trigger and the column",
          "[migration][rebuild][trigger]") {
    relate::database db{":memory:"};
    create_laravel_tables(db);
    db.connection().execute("CREATE TABLE log (note TEXT)");
    const auto refused = [&](const std::string& trigger, const std::string& column) {
        db.connection().execute(trigger);
        const auto objects = schema_objects(db);
        const auto rows = strings(db, "SELECT id || userId || title || coalesce(body, '-') FROM posts ORDER BY id");
        const std::string message = schema_error_of([&] {
            db.migrate({on_posts("2026_12_01_drop", [&](relate::blueprint& t) { t.drop_column(column); })});
        });
        CHECK(schema_objects(db) == objects);
        CHECK(strings(db, "SELECT id || userId || title || coalesce(body, '-') FROM posts ORDER BY id") == rows);
        CHECK(strings(db, "SELECT name FROM sqlite_schema WHERE name = 'relate_migrations'").empty());
        return message;
    };

    SECTION("NEW.column in the body") {
        CHECK_THAT(refused("CREATE TRIGGER posts_log AFTER INSERT ON posts BEGIN INSERT INTO log VALUES (NEW.userId); "
                           "END",
                           "userId"),
                   Contains("migration '2026_12_01_drop' failed and was rolled back: cannot rebuild table posts: "
                            "trigger posts_log would no longer work (no such column: NEW.userId)"));
        // The trigger still works: nothing was committed.
        db.connection().execute("INSERT INTO posts (userId, title) VALUES (1, 'later')");
        CHECK(strings(db, "SELECT note FROM log") == std::vector<std::string>{"1"});
    }

    SECTION("the column in WHEN") {
        CHECK_THAT(refused("CREATE TRIGGER posts_when AFTER UPDATE ON posts WHEN old.body IS NOT new.body BEGIN INSERT "
                           "INTO log VALUES ('changed'); END",
                           "body"),
                   Contains("trigger posts_when would no longer work (no such column: old.body)"));
    }

    SECTION("a trigger on another table that writes the column (SQLite's own DROP COLUMN lets these through)") {
        CHECK_THAT(refused("CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN UPDATE posts SET body = 'touched' "
                           "WHERE userId = new.id; END",
                           "body"),
                   Contains("trigger users_touch would no longer work (no such column: body)"));
        db.connection().execute("DROP TRIGGER users_touch");
        CHECK_THAT(refused("CREATE TRIGGER users_welcome AFTER INSERT ON users BEGIN INSERT INTO posts (userId, title, "
                           "body) VALUES (new.id, 'welcome', 'hi'); END",
                           "body"),
                   Contains("trigger users_welcome would no longer work (table posts has no column named body)"));
    }

    SECTION("a trigger that watches the column (UPDATE OF)") {
        CHECK_THAT(refused("CREATE TRIGGER posts_retitled AFTER UPDATE OF title ON posts BEGIN INSERT INTO log VALUES "
                           "('retitled'); END",
                           "title"),
                   Contains("trigger posts_retitled would no longer work (no such column: title)"));
    }

    SECTION("triggers that do not use the column are kept, and still fire") {
        db.connection().execute("CREATE TRIGGER posts_log AFTER INSERT ON posts BEGIN INSERT INTO log VALUES "
                                "(new.title); END");
        db.connection().execute("CREATE VIEW titles AS SELECT id, title FROM posts");
        db.connection().execute("CREATE TRIGGER titles_insert INSTEAD OF INSERT ON titles BEGIN INSERT INTO posts "
                                "(userId, title) VALUES (1, new.title); END");
        db.connection().execute("CREATE TRIGGER users_gone AFTER DELETE ON users BEGIN INSERT INTO log VALUES "
                                "(old.name); END");
        db.migrate({on_posts("2026_12_01_drop_body", [](relate::blueprint& t) { t.drop_column("body"); })});
        db.connection().execute("INSERT INTO titles (title) VALUES ('through the view')");
        db.connection().execute("DELETE FROM users WHERE id = 3");
        CHECK(strings(db, "SELECT note FROM log") == std::vector<std::string>{"through the view", "cy"});
    }
}

TEST_CASE("a rebuild that would break a view is refused, whatever part of the view uses the column",
          "[migration][rebuild][view]") {
    relate::database db{":memory:"};
    create_laravel_tables(db);
    for (const std::string view :
         {"CREATE VIEW v AS SELECT id FROM posts WHERE body IS NOT NULL",
          "CREATE VIEW v AS SELECT id, upper(body) AS shout FROM posts",
          "CREATE VIEW v AS SELECT userId, count(*) AS n FROM posts GROUP BY userId HAVING max(body) > ''",
          "CREATE VIEW v AS SELECT u.name FROM users u JOIN posts p ON p.userId = u.id AND p.body <> ''"}) {
        INFO(view);
        db.connection().execute(view);
        const auto objects = schema_objects(db);
        CHECK_THAT(schema_error_of([&] {
                       db.migrate({on_posts("2026_12_01_drop_body", [](relate::blueprint& t) { t.drop_column("body"); })});
                   }),
                   Contains("cannot rebuild table posts: view v would no longer work (no such column:") &&
                       Contains("body)"));
        CHECK(schema_objects(db) == objects);
        db.connection().execute("DROP VIEW v");
    }
}

TEST_CASE("indexes that use a dropped column go with it, whatever part of the index uses it",
          "[migration][rebuild][index]") {
    relate::database db{":memory:"};
    create_laravel_tables(db);
    db.connection().execute("CREATE INDEX posts_user_titled ON posts (userId) WHERE title <> ''");
    db.connection().execute("CREATE INDEX posts_title_lower ON posts (lower(title))");
    db.connection().execute("CREATE UNIQUE INDEX \"posts title and user\" ON posts (\"userId\", \"TITLE\" COLLATE "
                            "NOCASE DESC)");
    db.connection().execute("CREATE INDEX posts_title_cast ON posts (CAST(title AS TEXT))");
    // Kept: they name title only as a function, a collation or a type.
    db.connection().execute("CREATE TABLE words (id INTEGER PRIMARY KEY, word TEXT, title TEXT, nocase TEXT)");
    db.connection().execute("CREATE INDEX words_lower ON words (word COLLATE nocase, id) WHERE word <> 'title'");
    db.connection().execute("CREATE INDEX words_cast ON words (CAST(word AS title))");
    db.connection().execute("CREATE INDEX words_body ON posts (body) WHERE body IS NOT NULL");

    db.migrate({on_posts("2026_12_01_drop_title", [](relate::blueprint& t) { t.drop_column("title"); })});
    CHECK(indexes(db, "posts") == std::vector<std::string>{"words_body"});
    CHECK(scalar(db, "SELECT count(*) FROM posts") == 3);

    db.migrate({single_step("2026_12_02_drop_words_title", [](relate::schema& s) {
        s.table("words", [](relate::blueprint& t) {
            t.drop_column("title");
            t.drop_column("nocase");
        });
    })});
    CHECK(indexes(db, "words") == std::vector<std::string>{"words_cast", "words_lower"});
}

TEST_CASE("operations on one table compose in the order written", "[migration][rebuild][order]") {
    relate::database db{":memory:"};
    create_laravel_tables(db);

    SECTION("drop_foreign, then drop_column: Laravel's order") {
        db.migrate({on_posts("2026_12_01_detach", [](relate::blueprint& t) {
            t.drop_foreign("userId");
            t.drop_column("userId");
        })});
        CHECK(foreign_keys(db, "posts").empty());
        CHECK(table_info(db, "posts").size() == 3);
        CHECK(scalar(db, "SELECT count(*) FROM posts") == 3);
    }

    SECTION("drop_column, then drop_foreign: the column took its key with it") {
        const auto objects = schema_objects(db);
        CHECK_THAT(schema_error_of([&] {
                       db.migrate({on_posts("2026_12_01_detach", [](relate::blueprint& t) {
                           t.drop_column("userId");
                           t.drop_foreign("userId");
                       })});
                   }),
                   Contains("cannot drop the foreign key on posts.userId: drop_column(\"userId\") before it already "
                            "dropped the column, with its foreign key"));
        CHECK(schema_objects(db) == objects);
    }

    SECTION("rename, then drop the new name") {
        db.migrate({on_posts("2026_12_01_rename_drop", [](relate::blueprint& t) {
            t.rename_column("body", "content");
            t.drop_column("content");
        })});
        CHECK(table_info(db, "posts").size() == 3);
    }

    SECTION("drop, then rename another column") {
        db.migrate({on_posts("2026_12_01_drop_rename", [](relate::blueprint& t) {
            t.drop_column("body");
            t.rename_column("title", "headline");
        })});
        CHECK(strings(db, "SELECT headline FROM posts ORDER BY id") == std::vector<std::string>{"a", "b", ""});
    }

    SECTION("a column dropped and added again under its name starts empty") {
        db.migrate({on_posts("2026_12_01_reset_body", [](relate::blueprint& t) {
            t.drop_column("body");
            t.text("body").nullable();
        })});
        CHECK(scalar(db, "SELECT count(*) FROM posts WHERE body IS NULL") == 3);
    }

    SECTION("an index made before a drop_column of its column goes with it; one made after the rebuild stays") {
        db.migrate({on_posts("2026_12_01_indexes", [](relate::blueprint& t) {
            t.index({"body"});
            t.text("slug").nullable();
            t.drop_column("body");
            t.index({"slug"});
            t.unique({"userId", "slug"});
        })});
        CHECK(indexes(db, "posts") == std::vector<std::string>{"posts_slug_index", "posts_userId_slug_unique"});
    }

    SECTION("change, then rename the changed column") {
        db.migrate({on_posts("2026_12_01_change_rename", [](relate::blueprint& t) {
            t.text("body").default_value("").change();
            t.rename_column("body", "content");
        })});
        CHECK(table_info(db, "posts")[3] == column_info{"content", "TEXT", 1, "''", 0});
    }

    SECTION("a column added before the table is changed is there for the change") {
        db.migrate({on_posts("2026_12_01_add_then_key", [](relate::blueprint& t) {
            t.integer("editorId").nullable();
            t.foreign("editorId").references("users").on_delete(relate::set_null);
        })});
        CHECK(foreign_keys(db, "posts") == std::vector<std::string>{"editorId -> users.id ON DELETE SET NULL",
                                                                    "userId -> users.id ON DELETE CASCADE"});
    }
}

TEST_CASE("indexes can be named, and renamed", "[migration][index]") {
    relate::database db{":memory:"};
    create_laravel_tables(db);
    db.connection().execute("CREATE UNIQUE INDEX posts_title_partial ON posts (userId, title) WHERE title <> ''");

    db.migrate({on_posts("2026_12_01_named", [](relate::blueprint& t) {
        t.index({"userId", "title"}, "by_author");
        t.unique({"body"}, "one_body");
        t.rename_index("posts_title_partial", "titles_per_author");
    })});
    CHECK(indexes(db, "posts") == std::vector<std::string>{"by_author", "one_body", "titles_per_author"});
    CHECK(strings(db, "SELECT sql FROM sqlite_schema WHERE name = 'titles_per_author'") ==
          std::vector<std::string>{"CREATE UNIQUE INDEX \"titles_per_author\" ON posts (userId, title) WHERE title <> ''"});
    CHECK_THROWS_AS(db.connection().execute("INSERT INTO posts (userId, title, body) VALUES (1, 'c', 'x')"),
                    relate::sql_error);

    SECTION("an index the same s.table made is renamed before it is made") {
        db.migrate({on_posts("2026_12_02_renamed_early", [](relate::blueprint& t) {
            t.drop_column("body");  // gathers a rebuild, so the new index waits for it
            t.index({"title"}, "first_name");
            t.rename_index("first_name", "second_name");
        })});
        CHECK(indexes(db, "posts") == std::vector<std::string>{"by_author", "second_name", "titles_per_author"});
    }

    SECTION("renaming what is not there, or onto a name in use, is refused") {
        const auto objects = schema_objects(db);
        CHECK_THAT(schema_error_of([&] {
                       db.migrate({on_posts("2026_12_02_bad_rename", [](relate::blueprint& t) {
                           t.rename_index("no_such_index", "x");
                       })});
                   }),
                   Contains("cannot rename index no_such_index: table posts has no index of that name"));
        CHECK_THAT(schema_error_of([&] {
                       db.migrate({on_posts("2026_12_02_bad_rename", [](relate::blueprint& t) {
                           t.rename_index("by_author", "one_body");
                       })});
                   }),
                   Contains("cannot rename index by_author to one_body: one_body already exists"));
        CHECK_THAT(schema_error_of([&] {
                       db.migrate({on_posts("2026_12_02_bad_index", [](relate::blueprint& t) { t.index({"nope"}); })});
                   }),
                   Contains("cannot index posts.nope: there is no such column"));
        CHECK(schema_objects(db) == objects);
    }
}

TEST_CASE("a foreign key over several columns is created, enforced, checked and kept through rebuilds",
          "[migration][foreign_key]") {
    relate::database db{":memory:"};
    db.migrate({single_step("2026_12_01_editions", [](relate::schema& s) {
        s.create("books", [](relate::blueprint& t) {
            t.text("isbn");
            t.integer("edition");
            t.text("title");
            t.primary({"isbn", "edition"});
        });
        s.create("reviews", [](relate::blueprint& t) {
            t.id();
            t.text("isbn");
            t.integer("edition");
            t.text("note").nullable();
            t.foreign({"isbn", "edition"}).references("books", {"isbn", "edition"}).on_delete(relate::cascade);
        });
    })});
    db.connection().execute("INSERT INTO books VALUES ('978', 1, 'first'), ('978', 2, 'second')");
    db.connection().execute("INSERT INTO reviews (isbn, edition) VALUES ('978', 1), ('978', 2)");
    CHECK(foreign_keys(db, "reviews") ==
          std::vector<std::string>{"edition -> books.edition ON DELETE CASCADE", "isbn -> books.isbn ON DELETE CASCADE"});
    CHECK_THROWS_AS(db.connection().execute("INSERT INTO reviews (isbn, edition) VALUES ('978', 3)"), relate::sql_error);

    db.migrate({single_step("2026_12_02_drop_note", [](relate::schema& s) {
        s.table("reviews", [](relate::blueprint& t) { t.drop_column("note"); });
    })});
    CHECK(scalar(db, "SELECT count(*) FROM pragma_foreign_key_list('reviews') WHERE id = 0") == 2);
    db.connection().execute("DELETE FROM books WHERE edition = 1");
    CHECK(scalar(db, "SELECT count(*) FROM reviews") == 1);

    SECTION("rows that break it fail the migration, naming each column's value") {
        db.migrate({single_step("2026_12_03_loose", [](relate::schema& s) {
            s.table("reviews", [](relate::blueprint& t) { t.drop_foreign({"isbn", "edition"}); });
        })});
        CHECK(foreign_keys(db, "reviews").empty());
        db.connection().execute("INSERT INTO reviews (id, isbn, edition) VALUES (9, '978', 7)");
        const auto objects = schema_objects(db);
        CHECK_THAT(schema_error_of([&] {
                       db.migrate({single_step("2026_12_04_strict", [](relate::schema& s) {
                           s.table("reviews", [](relate::blueprint& t) {
                               t.foreign({"isbn", "edition"}).references("books", {"isbn", "edition"});
                           });
                       })});
                   }),
                   Contains("foreign key check failed, 1 row points nowhere: reviews row 9 has isbn = '978', "
                            "edition = 7 but books has no such row"));
        CHECK(schema_objects(db) == objects);
    }

    SECTION("a key whose column counts differ, or without references, is refused") {
        CHECK_THAT(schema_error_of([&] {
                       db.migrate({single_step("2026_12_03_bad_key", [](relate::schema& s) {
                           s.table("reviews", [](relate::blueprint& t) {
                               t.foreign({"isbn", "edition"}).references("books", {"isbn"});
                           });
                       })});
                   }),
                   Contains("foreign({\"isbn\", \"edition\"}) on reviews names 2 columns but references books (isbn) "
                            "names 1"));
        CHECK_THAT(schema_error_of([&] {
                       db.migrate({single_step("2026_12_03_bad_key", [](relate::schema& s) {
                           s.create("notes", [](relate::blueprint& t) {
                               t.id();
                               t.integer("bookId");
                               t.foreign("bookId");
                           });
                       })});
                   }),
                   Contains("foreign(\"bookId\") on notes needs references(...)"));
        CHECK_THAT(schema_error_of([&] {
                       db.migrate({single_step("2026_12_03_bad_key", [](relate::schema& s) {
                           s.table("reviews", [](relate::blueprint& t) { t.drop_foreign({"isbn", "id"}); });
                       })});
                   }),
                   Contains("cannot drop the foreign key on reviews.isbn, id: it has none"));
    }
}

TEST_CASE("the primary key changes through the rebuild", "[migration][rebuild][primary_key]") {
    relate::database db{":memory:"};
    db.migrate({single_step("2026_12_01_memberships", [](relate::schema& s) {
        s.create("memberships", [](relate::blueprint& t) {
            t.integer("userId");
            t.integer("teamId");
            t.text("role");
            t.primary({"userId", "teamId"});
        });
    })});
    db.connection().execute("INSERT INTO memberships VALUES (1, 1, 'a'), (1, 2, 'b'), (2, 1, 'a')");
    const auto key = [&] {
        return strings(db, "SELECT name FROM pragma_table_info('memberships') WHERE pk > 0 ORDER BY pk");
    };

    db.migrate({single_step("2026_12_02_rekey", [](relate::schema& s) {
        s.table("memberships", [](relate::blueprint& t) {
            t.drop_primary();
            t.primary({"teamId", "userId", "role"});
        });
    })});
    CHECK(key() == std::vector<std::string>{"teamId", "userId", "role"});
    CHECK(scalar(db, "SELECT count(*) FROM memberships") == 3);

    SECTION("a column of the old key can be dropped once the key is") {
        db.migrate({single_step("2026_12_03_unkeyed", [](relate::schema& s) {
            s.table("memberships", [](relate::blueprint& t) {
                t.drop_primary();
                t.drop_column("role");
            });
        })});
        CHECK(key().empty());
    }

    SECTION("a second key, a key dropped twice, or a key on a missing column is refused") {
        const auto objects = schema_objects(db);
        const auto refused = [&](const std::function<void(relate::blueprint&)>& change) {
            return schema_error_of([&] {
                db.migrate({single_step("2026_12_03_bad_key", [&](relate::schema& s) { s.table("memberships", change); })});
            });
        };
        CHECK_THAT(refused([](relate::blueprint& t) { t.primary({"role"}); }),
                   Contains("cannot give memberships the primary key (role): it has one (teamId, userId, role); "
                            "drop_primary() first"));
        CHECK_THAT(refused([](relate::blueprint& t) {
                       t.drop_primary();
                       t.drop_primary();
                   }),
                   Contains("cannot drop the primary key of memberships: it has none"));
        CHECK_THAT(refused([](relate::blueprint& t) {
                       t.drop_primary();
                       t.primary({"nope"});
                   }),
                   Contains("cannot put memberships.nope in the primary key: there is no such column"));
        CHECK(schema_objects(db) == objects);
    }
}

TEST_CASE("an AUTOINCREMENT table keeps AUTOINCREMENT and its sequence through a rebuild",
          "[migration][rebuild][autoincrement]") {
    relate::database db{":memory:"};
    create_laravel_tables(db);
    db.connection().execute("DELETE FROM users WHERE id = 3");  // the highest id ever given out stays 3

    db.migrate({single_step("2026_12_01_drop_updated_at", [](relate::schema& s) {
        s.table("users", [](relate::blueprint& t) { t.drop_column("updated_at"); });
    })});
    CHECK_THAT(strings(db, "SELECT sql FROM sqlite_schema WHERE name = 'users'").at(0),
               Contains("\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"));
    CHECK(strings(db, "SELECT name || '=' || seq FROM sqlite_sequence ORDER BY name") ==
          std::vector<std::string>{"posts=3", "users=3"});
    CHECK(indexes(db, "users") == std::vector<std::string>{"users_email_unique"});

    db.connection().execute("INSERT INTO users (name, email) VALUES ('dee', 'dee@example.com')");
    CHECK(scalar(db, "SELECT max(id) FROM users") == 4);  // not 3 again

    SECTION("an empty table that never had a row keeps none") {
        db.connection().execute("CREATE TABLE tags (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, extra TEXT)");
        db.migrate({single_step("2026_12_02_drop_extra", [](relate::schema& s) {
            s.table("tags", [](relate::blueprint& t) { t.drop_column("extra"); });
        })});
        CHECK(scalar(db, "SELECT count(*) FROM sqlite_sequence WHERE name = 'tags'") == 0);
        db.connection().execute("INSERT INTO tags (name) VALUES ('x')");
        CHECK(scalar(db, "SELECT id FROM tags") == 1);
    }

    SECTION("the posts the cascade still reaches after both tables were rebuilt") {
        db.migrate({on_posts("2026_12_02_drop_body", [](relate::blueprint& t) { t.drop_column("body"); })});
        db.connection().execute("DELETE FROM users WHERE id = 2");
        CHECK(scalar(db, "SELECT count(*) FROM posts") == 1);
        CHECK_THAT(strings(db, "SELECT sql FROM sqlite_schema WHERE name = 'posts'").at(0), Contains("AUTOINCREMENT"));
    }

    SECTION("dropping the key drops AUTOINCREMENT with it") {
        db.connection().execute("CREATE TABLE tags (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT)");
        db.connection().execute("INSERT INTO tags (name) VALUES ('x')");
        db.migrate({single_step("2026_12_02_unkey", [](relate::schema& s) {
            s.table("tags", [](relate::blueprint& t) { t.drop_primary(); });
        })});
        CHECK_THAT(strings(db, "SELECT sql FROM sqlite_schema WHERE name = 'tags'").at(0),
                   !Contains("AUTOINCREMENT") && !Contains("PRIMARY KEY"));
        CHECK(scalar(db, "SELECT count(*) FROM sqlite_sequence WHERE name = 'tags'") == 0);
        CHECK(scalar(db, "SELECT id FROM tags") == 1);
    }
}

TEST_CASE("names the database holds are printed escaped in errors", "[migration][rebuild][identifier]") {
    relate::database db{":memory:"};
    create_laravel_tables(db);
    db.connection().execute("CREATE VIEW \"bodies\x01\nview\" AS SELECT body FROM posts");
    CHECK_THAT(schema_error_of([&] {
                   db.migrate({on_posts("2026_12_01_drop_body", [](relate::blueprint& t) { t.drop_column("body"); })});
               }),
               Contains("view bodies\\x01\\x0aview would no longer work"));
}
