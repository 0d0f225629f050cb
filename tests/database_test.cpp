// relate::database: DDL from models, insert / find / find_or_throw / update / remove by primary
// key (integer and string keys), and the statement counter.

#include "temp_file.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace database_models {

struct User {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::string> email;
    int age = 0;
};

struct Comment {
    std::int64_t id = 0;
    std::int64_t postId = 0;
    std::optional<std::int64_t> authorId;
    std::string body;
    std::string paid;  // ends in "id", not "Id": not a foreign key
};

struct Country {
    static constexpr std::string_view table_name = "nations";
    static constexpr std::string_view primary_key = "code";
    std::string code;
    std::string name;
    std::optional<std::int64_t> population;
};

struct Marker {
    std::int64_t id = 0;
};

struct Keyword {
    std::int64_t id = 0;
    std::string order;
    std::string group;
    std::string select;
};

}  // namespace database_models

using namespace database_models;

namespace {

std::int64_t scalar(relate::database& db, const std::string& sql) {
    auto st = db.connection().prepare(sql);
    REQUIRE(st->step());
    return st->column_int64(0);
}

std::vector<std::string> strings(relate::database& db, const std::string& sql) {
    auto st = db.connection().prepare(sql);
    std::vector<std::string> out;
    while (st->step()) out.emplace_back(st->column_text(0));
    return out;
}

/// One row of PRAGMA table_info: name, declared type, notnull, pk.
using column_info = std::tuple<std::string, std::string, int, int>;

std::vector<column_info> table_info(relate::database& db, const std::string& table) {
    auto st = db.connection().prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid");
    st->bind_text(1, table);
    std::vector<column_info> out;
    while (st->step())
        out.emplace_back(std::string(st->column_text(0)), std::string(st->column_text(1)),
                         static_cast<int>(st->column_int64(2)), static_cast<int>(st->column_int64(3)));
    return out;
}

/// The indexed column of each index relate created on a table, sorted.
std::vector<std::string> indexed_columns(relate::database& db, const std::string& table) {
    return strings(db, "SELECT ii.name FROM pragma_index_list('" + table +
                           "') AS il, pragma_index_info(il.name) AS ii WHERE il.origin = 'c' ORDER BY ii.name");
}

std::int64_t schema_objects(relate::database& db) {
    return scalar(db, "SELECT count(*) FROM sqlite_master");
}

}  // namespace

TEST_CASE("create_tables declares non-optional fields NOT NULL and optional fields nullable", "[database][ddl]") {
    relate::database db{":memory:"};
    db.create_tables<User, Comment>();

    CHECK(table_info(db, "users") ==
          std::vector<column_info>{
              {"id", "INTEGER", 0, 1}, {"name", "TEXT", 1, 0}, {"email", "TEXT", 0, 0}, {"age", "INTEGER", 1, 0}});
    CHECK(table_info(db, "comments") == std::vector<column_info>{{"id", "INTEGER", 0, 1},
                                                                 {"postId", "INTEGER", 1, 0},
                                                                 {"authorId", "INTEGER", 0, 0},
                                                                 {"body", "TEXT", 1, 0},
                                                                 {"paid", "TEXT", 1, 0}});

    SECTION("SQLite enforces NOT NULL") {
        try {
            db.connection().execute("INSERT INTO users (name, age) VALUES (NULL, 1)");
            FAIL("NULL accepted in a NOT NULL column");
        } catch (const relate::sql_error& e) {
            CHECK(e.extended_code() == SQLITE_CONSTRAINT_NOTNULL);
            CHECK_THAT(e.what(), Catch::Contains("users.name"));
        }
    }

    SECTION("the integer primary key is the rowid") {
        db.connection().execute("INSERT INTO users (name, age) VALUES ('a', 1)");
        CHECK(scalar(db, "SELECT id = rowid FROM users") == 1);
    }
}

TEST_CASE("create_tables adds an index on every column named like a foreign key", "[database][ddl]") {
    relate::database db{":memory:"};
    db.create_tables<User, Comment>();

    CHECK(indexed_columns(db, "comments") == std::vector<std::string>{"authorId", "postId"});
    CHECK(indexed_columns(db, "users").empty());

    SECTION("the index is used for lookups by that column") {
        auto plan = db.connection().prepare("EXPLAIN QUERY PLAN SELECT * FROM comments WHERE postId = 1");
        REQUIRE(plan->step());
        CHECK_THAT(std::string(plan->column_text(3)), Catch::Contains("USING INDEX comments_postId_index"));
    }
}

TEST_CASE("create_tables is idempotent and keeps existing rows", "[database][ddl]") {
    relate::database db{":memory:"};
    db.create_tables<User, Comment, Country>();
    const auto objects = schema_objects(db);
    const User ada = db.insert(User{.name = "Ada", .age = 36});

    REQUIRE_NOTHROW(db.create_tables<User, Comment, Country>());
    CHECK(schema_objects(db) == objects);
    CHECK(db.find_or_throw<User>(ada.id).name == "Ada");

    SECTION("tables can be added in a later call") {
        db.create_tables<Marker>();
        CHECK(schema_objects(db) == objects + 1);
        CHECK(db.find_or_throw<User>(ada.id).name == "Ada");
    }
}

TEST_CASE("insert returns the model with the id SQLite assigned", "[database][crud]") {
    relate::database db{":memory:"};
    db.create_tables<User>();

    const User draft{.name = "Ada", .email = "ada@example.com", .age = 36};
    const User ada = db.insert(draft);
    const User bob = db.insert(User{.name = "Bob", .age = 40});

    CHECK(ada.id == 1);
    CHECK(bob.id == 2);
    CHECK(draft.id == 0);  // the argument is a copy
    CHECK(ada.name == "Ada");
    CHECK(ada.email == "ada@example.com");

    const User read = db.find_or_throw<User>(ada.id);
    CHECK(read.name == "Ada");
    CHECK(read.email == "ada@example.com");
    CHECK(read.age == 36);
    CHECK_FALSE(db.find_or_throw<User>(bob.id).email.has_value());
}

TEST_CASE("insert keeps an explicit non-zero id", "[database][crud]") {
    relate::database db{":memory:"};
    db.create_tables<User>();

    const User chosen = db.insert(User{.id = 42, .name = "Chosen"});
    CHECK(chosen.id == 42);
    CHECK(db.find_or_throw<User>(42).name == "Chosen");

    SECTION("the next assigned id follows it") {
        CHECK(db.insert(User{.name = "Next"}).id == 43);
    }

    SECTION("a negative id is kept too") {
        CHECK(db.insert(User{.id = -5, .name = "Negative"}).id == -5);
        CHECK(db.find_or_throw<User>(-5).name == "Negative");
    }

    SECTION("an id that is taken is a sql_error and nothing changes") {
        try {
            db.insert(User{.id = 42, .name = "Duplicate"});
            FAIL("duplicate id accepted");
        } catch (const relate::sql_error& e) {
            CHECK(e.code() == SQLITE_CONSTRAINT);
            CHECK(e.extended_code() == SQLITE_CONSTRAINT_PRIMARYKEY);
            CHECK_THAT(e.what(), Catch::Contains("users.id"));
        }
        CHECK(db.find_or_throw<User>(42).name == "Chosen");
        CHECK(db.query<User>().count() == 1);
    }
}

TEST_CASE("find returns the row or nullopt, find_or_throw throws not_found naming table, key and value",
          "[database][crud]") {
    relate::database db{":memory:"};
    db.create_tables<User>();
    const User ada = db.insert(User{.name = "Ada", .age = 36});

    const std::optional<User> found = db.find<User>(ada.id);
    REQUIRE(found.has_value());
    CHECK(found->id == ada.id);
    CHECK(found->name == "Ada");
    CHECK_FALSE(db.find<User>(ada.id + 1).has_value());

    CHECK(db.find_or_throw<User>(ada.id).name == "Ada");
    REQUIRE_THROWS_AS(db.find_or_throw<User>(404), relate::not_found);
    REQUIRE_THROWS_WITH(db.find_or_throw<User>(404), "relate: no users row with id = 404");
}

TEST_CASE("update writes every column by primary key", "[database][crud]") {
    relate::database db{":memory:"};
    db.create_tables<User>();
    User ada = db.insert(User{.name = "Ada", .email = "ada@example.com", .age = 36});
    const User bob = db.insert(User{.name = "Bob", .email = "bob@example.com", .age = 40});

    ada.name = "Ada Lovelace";
    ada.email.reset();
    ada.age = 37;
    db.update(ada);

    const User read = db.find_or_throw<User>(ada.id);
    CHECK(read.name == "Ada Lovelace");
    CHECK_FALSE(read.email.has_value());
    CHECK(read.age == 37);

    SECTION("other rows are untouched") {
        const User other = db.find_or_throw<User>(bob.id);
        CHECK(other.name == "Bob");
        CHECK(other.email == "bob@example.com");
        CHECK(other.age == 40);
    }

    SECTION("a row that is gone is not_found, and nothing is inserted") {
        const User ghost{.id = 999, .name = "Ghost"};
        REQUIRE_THROWS_AS(db.update(ghost), relate::not_found);
        REQUIRE_THROWS_WITH(db.update(ghost), Catch::Contains("users") && Catch::Contains("id = 999"));
        CHECK_FALSE(db.find<User>(999).has_value());
        CHECK(db.query<User>().count() == 2);
    }
}

TEST_CASE("remove deletes the row by primary key", "[database][crud]") {
    relate::database db{":memory:"};
    db.create_tables<User>();
    const User ada = db.insert(User{.name = "Ada"});
    const User bob = db.insert(User{.name = "Bob"});

    db.remove(ada);
    CHECK_FALSE(db.find<User>(ada.id).has_value());
    CHECK(db.find<User>(bob.id).has_value());

    SECTION("removing it again is not_found") {
        REQUIRE_THROWS_AS(db.remove(ada), relate::not_found);
        REQUIRE_THROWS_WITH(db.remove(ada), "relate: no users row with id = " + std::to_string(ada.id));
        CHECK(db.query<User>().count() == 1);
    }

    SECTION("only the key matters, not the other fields") {
        db.remove(User{.id = bob.id, .name = "not Bob's name"});
        CHECK(db.query<User>().count() == 0);
    }
}

TEST_CASE("a model with a string primary key and a table name override", "[database][crud]") {
    relate::database db{":memory:"};
    db.create_tables<Country>();

    CHECK(table_info(db, "nations") ==
          std::vector<column_info>{{"code", "TEXT", 1, 1}, {"name", "TEXT", 1, 0}, {"population", "INTEGER", 0, 0}});

    const Country fr = db.insert(Country{.code = "FR", .name = "France", .population = 68'000'000});
    db.insert(Country{.code = "IS", .name = "Iceland"});
    CHECK(fr.code == "FR");

    const auto read = db.find<Country>("FR");
    REQUIRE(read.has_value());
    CHECK(read->name == "France");
    CHECK(read->population == 68'000'000);
    CHECK_FALSE(db.find<Country>("fr").has_value());  // keys compare exactly

    SECTION("find_or_throw names the table, the key column and the quoted value") {
        REQUIRE_THROWS_AS(db.find_or_throw<Country>("XX"), relate::not_found);
        REQUIRE_THROWS_WITH(db.find_or_throw<Country>("XX"), "relate: no nations row with code = 'XX'");
    }

    SECTION("update and remove go by the string key") {
        Country changed = *read;
        changed.name = "République française";
        db.update(changed);
        CHECK(db.find_or_throw<Country>("FR").name == "République française");
        CHECK(db.find_or_throw<Country>("IS").name == "Iceland");

        db.remove(changed);
        CHECK_FALSE(db.find<Country>("FR").has_value());
        CHECK(db.find<Country>("IS").has_value());
        REQUIRE_THROWS_WITH(db.remove(changed), "relate: no nations row with code = 'FR'");
    }

    SECTION("a key that is taken is a sql_error") {
        try {
            db.insert(Country{.code = "FR", .name = "Again"});
            FAIL("duplicate key accepted");
        } catch (const relate::sql_error& e) {
            CHECK(e.code() == SQLITE_CONSTRAINT);
            CHECK_THAT(e.what(), Catch::Contains("nations.code"));
        }
    }
}

TEST_CASE("a model with only a primary key is inserted with default values", "[database][crud]") {
    relate::database db{":memory:"};
    db.create_tables<Marker>();
    CHECK(db.insert(Marker{}).id == 1);
    CHECK(db.insert(Marker{}).id == 2);
    CHECK(db.insert(Marker{.id = 10}).id == 10);
    CHECK(db.query<Marker>().count() == 3);
}

TEST_CASE("columns named like SQL keywords work because identifiers are quoted", "[database][crud]") {
    relate::database db{":memory:"};
    db.create_tables<Keyword>();
    Keyword k = db.insert(Keyword{.order = "first", .group = "g", .select = "*"});
    db.insert(Keyword{.order = "second", .group = "a", .select = "x"});

    k.select = "updated";
    db.update(k);
    const Keyword read = db.find_or_throw<Keyword>(k.id);
    CHECK(read.order == "first");
    CHECK(read.group == "g");
    CHECK(read.select == "updated");

    const auto rows = db.query<Keyword>()
                          .where(relate::col<&Keyword::select> != "nothing")
                          .order_by(relate::col<&Keyword::group>)
                          .get();
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].order == "second");
    CHECK(rows[1].order == "first");
    db.remove(k);
    CHECK(db.query<Keyword>().count() == 1);
}

TEST_CASE("stats().statements counts each data statement once and never DDL or PRAGMAs", "[database][stats]") {
    relate::database db{":memory:"};
    CHECK(db.stats().statements == 0);
    db.create_tables<User, Comment>();
    CHECK(db.stats().statements == 0);
    db.connection().execute("PRAGMA optimize");
    CHECK(db.stats().statements == 0);

    std::uint64_t expected = 0;
    auto step = [&](const char* what, auto&& action) {
        INFO(what);
        action();
        ++expected;
        CHECK(db.stats().statements == expected);
    };

    User ada;
    step("insert", [&] { ada = db.insert(User{.name = "Ada"}); });
    step("find (hit)", [&] { CHECK(db.find<User>(ada.id).has_value()); });
    step("find (miss)", [&] { CHECK_FALSE(db.find<User>(ada.id + 1).has_value()); });
    step("find_or_throw (miss)", [&] { CHECK_THROWS_AS(db.find_or_throw<User>(ada.id + 1), relate::not_found); });
    step("update", [&] {
        ada.age = 1;
        db.update(ada);
    });
    step("update (missing row)", [&] { CHECK_THROWS_AS(db.update(User{.id = 99}), relate::not_found); });
    step("query get", [&] { CHECK(db.query<User>().get().size() == 1); });
    step("query first", [&] { CHECK(db.query<User>().first().has_value()); });
    step("query count", [&] { CHECK(db.query<User>().count() == 1); });
    step("query exists", [&] { CHECK(db.query<User>().exists()); });
    step("remove", [&] { db.remove(ada); });
    step("bulk remove", [&] { CHECK(db.query<User>().remove() == 0); });

    SECTION("repeated inserts reuse one cached statement") {
        const auto cached = db.connection().cached_statements();
        for (int i = 0; i < 50; ++i) db.insert(User{.name = "user " + std::to_string(i)});
        CHECK(db.stats().statements == expected + 50);
        CHECK(db.connection().cached_statements() == cached);
    }
}

TEST_CASE("the connection settings relate chooses, and the options that change them", "[database][options]") {
    relate_test::temp_file file;
    const auto pragma = [](relate::database& db, const std::string& name) {
        auto st = db.connection().prepare("PRAGMA " + name);
        REQUIRE(st->step());
        return std::string(st->column_text(0));
    };
    SECTION("by default: foreign keys on, WAL for a file, synchronous FULL") {
        relate::database db{file.path()};
        CHECK(pragma(db, "foreign_keys") == "1");
        CHECK(pragma(db, "journal_mode") == "wal");
        CHECK(pragma(db, "synchronous") == "2");
    }
    SECTION("wal = false keeps the file's journal mode; synchronous NORMAL") {
        relate::database db{file.path(), {.wal = false, .synchronous = relate::synchronous_mode::normal}};
        CHECK(pragma(db, "foreign_keys") == "1");
        CHECK(pragma(db, "journal_mode") == "delete");
        CHECK(pragma(db, "synchronous") == "1");
    }
    SECTION("an in-memory database has no WAL") {
        relate::database db{":memory:"};
        CHECK(pragma(db, "journal_mode") == "memory");
    }
}
