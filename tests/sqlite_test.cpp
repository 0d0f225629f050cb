// The thin SQLite layer: the connection's statement cache, sql_error with SQLite's codes, message
// and SQL, RAII transactions and savepoints, and how relate::database opens a database.

#include <relate/relate.hpp>
#include <relate/sqlite/connection.hpp>
#include <relate/sqlite/transaction.hpp>

#include "temp_file.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <string>

namespace sqlite_models {

struct Note {
    std::int64_t id = 0;
    std::string body;
};

}  // namespace sqlite_models

using namespace sqlite_models;
using relate::sqlite::connection;
using relate::sqlite::transaction;

namespace {

constexpr std::chrono::milliseconds default_timeout{1000};

std::int64_t scalar(connection& conn, const std::string& sql) {
    auto st = conn.prepare(sql);
    REQUIRE(st->step());
    return st->column_int64(0);
}

std::string text(connection& conn, const std::string& sql) {
    auto st = conn.prepare(sql);
    REQUIRE(st->step());
    return std::string(st->column_text(0));
}

/// Runs sql through the cache and returns the sql_error it throws (fails the test if none).
relate::sql_error error_of(connection& conn, const std::string& sql) {
    try {
        auto st = conn.prepare(sql);
        while (st->step()) {
        }
    } catch (const relate::sql_error& e) {
        return e;
    }
    FAIL("no sql_error thrown by: " << sql);
    return relate::sql_error("", 0, 0, "");  // not reached: FAIL throws
}

}  // namespace

TEST_CASE("the connection prepares each SQL text once and reuses the cached statement", "[sqlite][cache]") {
    connection conn{":memory:", default_timeout};
    conn.execute("CREATE TABLE t (x INTEGER)");
    const std::string sql = "SELECT count(*) FROM t WHERE x > ?";
    REQUIRE(conn.cached_statements() == 0);

    sqlite3_stmt* first_handle = nullptr;
    {
        auto st = conn.prepare(sql);
        first_handle = st->handle();
        st->bind_int64(1, 0);
        REQUIRE(st->step());
    }
    CHECK(conn.cached_statements() == 1);

    SECTION("the same text gives back the same sqlite3_stmt") {
        auto again = conn.prepare(sql);
        CHECK(again->handle() == first_handle);
        CHECK(conn.cached_statements() == 1);
    }

    SECTION("a different text is a different cached statement") {
        auto other = conn.prepare("SELECT count(*) FROM t WHERE x < ?");
        CHECK(other->handle() != first_handle);
        CHECK(conn.cached_statements() == 2);
    }

    SECTION("a statement given back is reset and its bindings cleared") {
        conn.execute("INSERT INTO t VALUES (1), (2), (NULL)");
        {
            auto st = conn.prepare(sql);
            st->bind_int64(1, 1);
            REQUIRE(st->step());
            CHECK(st->column_int64(0) == 1);
        }
        auto st = conn.prepare(sql);
        REQUIRE(st->handle() == first_handle);
        REQUIRE(st->step());
        CHECK(st->column_int64(0) == 0);  // x > NULL matches nothing: the old binding is gone
    }

    SECTION("a statement still leased is not handed out twice: a fresh one is prepared, not cached") {
        auto busy = conn.prepare(sql);
        auto second = conn.prepare(sql);
        CHECK(busy->handle() == first_handle);
        CHECK(second->handle() != first_handle);
        CHECK(conn.cached_statements() == 1);

        SECTION("both run independently") {
            conn.execute("INSERT INTO t VALUES (5), (10)");
            busy->bind_int64(1, 7);
            second->bind_int64(1, 0);
            REQUIRE(busy->step());
            REQUIRE(second->step());
            CHECK(busy->column_int64(0) == 1);
            CHECK(second->column_int64(0) == 2);
        }
    }

    SECTION("once the lease ends, the cached statement is handed out again") {
        {
            auto busy = conn.prepare(sql);
            auto second = conn.prepare(sql);
        }
        auto st = conn.prepare(sql);
        CHECK(st->handle() == first_handle);
    }
}

TEST_CASE("a statement counts once per run, not per row", "[sqlite][stats]") {
    connection conn{":memory:", default_timeout};
    conn.execute("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3)");
    REQUIRE(conn.stats().statements == 0);  // execute() is not counted

    {
        auto st = conn.prepare("SELECT x FROM t");
        int rows = 0;
        while (st->step()) ++rows;
        CHECK(rows == 3);
    }
    CHECK(conn.stats().statements == 1);
    {
        auto st = conn.prepare("SELECT x FROM t");
        REQUIRE(st->step());
    }
    CHECK(conn.stats().statements == 2);
}

TEST_CASE("every SQLite failure is a sql_error with the codes, the SQL text and SQLite's message",
          "[sqlite][sql_error]") {
    relate::database db{":memory:"};
    auto& conn = db.connection();
    conn.execute(
        "CREATE TABLE parents (id INTEGER PRIMARY KEY);"
        "CREATE TABLE children (id INTEGER PRIMARY KEY, parentId INTEGER NOT NULL REFERENCES parents (id),"
        "                       email TEXT UNIQUE);"
        "INSERT INTO parents (id) VALUES (1);"
        "INSERT INTO children (id, parentId, email) VALUES (1, 1, 'a@example.com')");

    SECTION("a syntax error from execute") {
        try {
            conn.execute("SELEC 1");
            FAIL("no exception");
        } catch (const relate::sql_error& e) {
            CHECK(e.code() == SQLITE_ERROR);
            CHECK(e.extended_code() == SQLITE_ERROR);
            CHECK(e.sql() == "SELEC 1");
            CHECK_THAT(e.what(), Catch::StartsWith("relate: ") && Catch::Contains("near \"SELEC\": syntax error") &&
                                     Catch::Contains("SELEC 1"));
        }
    }

    SECTION("a syntax error from prepare") {
        const std::string bad = "SELECT * FROM parents WHERE )";
        REQUIRE_THROWS_AS(conn.prepare(bad), relate::sql_error);
        REQUIRE_THROWS_WITH(conn.prepare(bad), Catch::Contains("syntax error") && Catch::Contains(bad));
        const relate::sql_error e = error_of(conn, bad);
        CHECK(e.code() == SQLITE_ERROR);
        CHECK(e.sql() == bad);
        CHECK(conn.cached_statements() == 0);  // a failed prepare leaves nothing in the cache
    }

    SECTION("a missing table") {
        const relate::sql_error e = error_of(conn, "SELECT * FROM nope");
        CHECK(e.code() == SQLITE_ERROR);
        CHECK_THAT(e.what(), Catch::Contains("no such table: nope"));
    }

    SECTION("a UNIQUE constraint") {
        const std::string sql = "INSERT INTO children (parentId, email) VALUES (1, 'a@example.com')";
        const relate::sql_error e = error_of(conn, sql);
        CHECK(e.code() == SQLITE_CONSTRAINT);
        CHECK(e.extended_code() == SQLITE_CONSTRAINT_UNIQUE);
        CHECK(e.sql() == sql);
        CHECK_THAT(e.what(), Catch::Contains("UNIQUE constraint failed: children.email") && Catch::Contains(sql));
    }

    SECTION("a FOREIGN KEY constraint (relate::database turns foreign keys on)") {
        const std::string sql = "INSERT INTO children (parentId) VALUES (42)";
        const relate::sql_error e = error_of(conn, sql);
        CHECK(e.code() == SQLITE_CONSTRAINT);
        CHECK(e.extended_code() == SQLITE_CONSTRAINT_FOREIGNKEY);
        CHECK_THAT(e.what(), Catch::Contains("FOREIGN KEY constraint failed"));
        CHECK(scalar(conn, "SELECT count(*) FROM children") == 1);
    }

    SECTION("a NOT NULL constraint") {
        const relate::sql_error e = error_of(conn, "INSERT INTO children (parentId) VALUES (NULL)");
        CHECK(e.code() == SQLITE_CONSTRAINT);
        CHECK(e.extended_code() == SQLITE_CONSTRAINT_NOTNULL);
        CHECK_THAT(e.what(), Catch::Contains("NOT NULL constraint failed: children.parentId"));
    }

    SECTION("a PRIMARY KEY constraint") {
        const relate::sql_error e = error_of(conn, "INSERT INTO parents (id) VALUES (1)");
        CHECK(e.extended_code() == SQLITE_CONSTRAINT_PRIMARYKEY);
    }

    SECTION("binding a parameter that does not exist") {
        auto st = conn.prepare("SELECT ?");
        try {
            st->bind_int64(2, 1);
            FAIL("no exception");
        } catch (const relate::sql_error& e) {
            CHECK(e.code() == SQLITE_RANGE);
            CHECK(e.sql() == "SELECT ?");
            CHECK_THAT(e.what(), Catch::Contains("index out of range"));
        }
    }

    SECTION("the connection stays usable after an error") {
        REQUIRE_THROWS_AS(conn.execute("SELEC 1"), relate::sql_error);
        CHECK(scalar(conn, "SELECT count(*) FROM parents") == 1);
    }
}

TEST_CASE("a transaction commits, and rolls back when destroyed without commit", "[sqlite][transaction]") {
    connection conn{":memory:", default_timeout};
    conn.execute("CREATE TABLE t (x INTEGER)");
    auto count = [&] { return scalar(conn, "SELECT count(*) FROM t"); };

    SECTION("commit keeps the work and ends the transaction") {
        {
            transaction tx{conn};
            CHECK(conn.in_transaction());
            conn.execute("INSERT INTO t VALUES (1)");
            tx.commit();
            CHECK_FALSE(conn.in_transaction());
        }
        CHECK(count() == 1);
    }

    SECTION("destruction without commit rolls back") {
        {
            transaction tx{conn};
            conn.execute("INSERT INTO t VALUES (1)");
            CHECK(count() == 1);
        }
        CHECK_FALSE(conn.in_transaction());
        CHECK(count() == 0);
    }

    SECTION("an exception leaving the scope rolls back") {
        try {
            transaction tx{conn};
            conn.execute("INSERT INTO t VALUES (1)");
            conn.execute("INSERT INTO nope VALUES (1)");
            tx.commit();
        } catch (const relate::sql_error&) {
        }
        CHECK_FALSE(conn.in_transaction());
        CHECK(count() == 0);
    }

    SECTION("immediate mode takes the write lock at BEGIN") {
        transaction tx{conn, relate::sqlite::transaction_mode::immediate};
        CHECK(conn.in_transaction());
        conn.execute("INSERT INTO t VALUES (1)");
        tx.commit();
        CHECK(count() == 1);
    }

    SECTION("the destructor does not throw when the transaction was already ended behind its back") {
        auto ended_elsewhere = [&] {
            transaction tx{conn};
            conn.execute("INSERT INTO t VALUES (1)");
            conn.execute("COMMIT");
        };
        REQUIRE_NOTHROW(ended_elsewhere());
        CHECK_FALSE(conn.in_transaction());
        CHECK(count() == 1);
    }
}

TEST_CASE("a transaction inside a transaction is a savepoint", "[sqlite][transaction]") {
    connection conn{":memory:", default_timeout};
    conn.execute("CREATE TABLE t (x INTEGER)");
    auto values = [&] {
        auto st = conn.prepare("SELECT group_concat(x, ',') FROM (SELECT x FROM t ORDER BY x)");
        REQUIRE(st->step());
        return std::string(st->column_text(0));
    };

    SECTION("an inner rollback keeps the outer work") {
        {
            transaction outer{conn};
            conn.execute("INSERT INTO t VALUES (1)");
            {
                transaction inner{conn};
                conn.execute("INSERT INTO t VALUES (2)");
            }
            CHECK(conn.in_transaction());
            conn.execute("INSERT INTO t VALUES (3)");
            outer.commit();
        }
        CHECK(values() == "1,3");
    }

    SECTION("an inner commit is undone by an outer rollback") {
        {
            transaction outer{conn};
            conn.execute("INSERT INTO t VALUES (1)");
            transaction inner{conn};
            conn.execute("INSERT INTO t VALUES (2)");
            inner.commit();
            CHECK(conn.in_transaction());
        }
        CHECK(values().empty());
    }

    SECTION("three levels: the middle one rolls back its own and the innermost work") {
        {
            transaction outer{conn};
            conn.execute("INSERT INTO t VALUES (1)");
            {
                transaction middle{conn};
                conn.execute("INSERT INTO t VALUES (2)");
                {
                    transaction inner{conn};
                    conn.execute("INSERT INTO t VALUES (3)");
                    inner.commit();
                }
            }
            {
                transaction sibling{conn};
                conn.execute("INSERT INTO t VALUES (4)");
                sibling.commit();
            }
            outer.commit();
        }
        CHECK(values() == "1,4");
    }
}

TEST_CASE("relate::database opens with foreign keys on, WAL for files and a busy timeout", "[sqlite][database]") {
    SECTION("in memory") {
        relate::database db{":memory:"};
        CHECK(scalar(db.connection(), "PRAGMA foreign_keys") == 1);
        CHECK(text(db.connection(), "PRAGMA journal_mode") == "memory");
        // relate's own busy handler (it polls every millisecond) replaces SQLite's, so PRAGMA
        // busy_timeout reads 0; the timeout is the connection's.
        CHECK(db.connection().busy_timeout() == std::chrono::milliseconds{5000});
    }

    SECTION("a file") {
        const relate_test::temp_file file;
        relate::database db{file.path()};
        CHECK(scalar(db.connection(), "PRAGMA foreign_keys") == 1);
        CHECK(text(db.connection(), "PRAGMA journal_mode") == "wal");
        CHECK(file.exists());
    }

    SECTION("the busy timeout comes from the options") {
        relate::database db{":memory:", {.busy_timeout = std::chrono::milliseconds{250}}};
        CHECK(db.options().busy_timeout == std::chrono::milliseconds{250});
        CHECK(db.connection().busy_timeout() == std::chrono::milliseconds{250});
    }

    SECTION("PRAGMAs relate runs are not counted as statements") {
        relate::database db{":memory:"};
        CHECK(db.stats().statements == 0);
    }
}

TEST_CASE("a writer waits for the busy timeout, then fails with SQLITE_BUSY", "[sqlite][database]") {
    const relate_test::temp_file file;
    relate::database db{file.path(), {.busy_timeout = std::chrono::milliseconds{200}}};
    db.create_tables<Note>();

    connection other{file.path(), std::chrono::milliseconds{0}};
    transaction lock{other, relate::sqlite::transaction_mode::immediate};  // holds the write lock

    const auto start = std::chrono::steady_clock::now();
    try {
        db.insert(Note{.body = "blocked"});
        FAIL("the insert did not wait for the lock");
    } catch (const relate::sql_error& e) {
        CHECK(e.code() == SQLITE_BUSY);
        CHECK_THAT(e.what(), Catch::Contains("database is locked"));
    }
    const auto waited = std::chrono::steady_clock::now() - start;
    CHECK(waited >= std::chrono::milliseconds{150});

    SECTION("and succeeds once the lock is released") {
        lock.commit();
        const Note n = db.insert(Note{.body = "free"});
        CHECK(db.find_or_throw<Note>(n.id).body == "free");
    }
}

TEST_CASE("a file database is shared by two connections", "[sqlite][database]") {
    const relate_test::temp_file file;
    {
        relate::database writer{file.path()};
        writer.create_tables<Note>();
        writer.insert(Note{.body = "persisted"});
    }
    relate::database reader{file.path()};
    const auto notes = reader.query<Note>().get();
    REQUIRE(notes.size() == 1);
    CHECK(notes.front().body == "persisted");
}

TEST_CASE("opening a file that is not a database is a sql_error, not a crash", "[sqlite][sql_error]") {
    SECTION("a text file") {
        const relate_test::temp_file file;
        {
            std::ofstream out(file.path(), std::ios::binary);
            for (int i = 0; i < 100; ++i) out << "this is certainly not an SQLite database file\n";
        }
        try {
            relate::database db{file.path()};
            db.create_tables<Note>();
            FAIL("no exception");
        } catch (const relate::sql_error& e) {
            CHECK(e.code() == SQLITE_NOTADB);
            CHECK_THAT(e.what(), Catch::StartsWith("relate: ") && Catch::Contains("file is not a database"));
        }
    }

    SECTION("a path in a directory that does not exist") {
        const relate_test::temp_file dir;
        const std::string path = dir.path() + "/sub/x.db";
        try {
            relate::database db{path};
            FAIL("no exception");
        } catch (const relate::sql_error& e) {
            CHECK(e.code() == SQLITE_CANTOPEN);
            CHECK(e.sql().empty());
            CHECK_THAT(e.what(), Catch::StartsWith("relate: ") && Catch::Contains("unable to open database file"));
        }
    }
}
