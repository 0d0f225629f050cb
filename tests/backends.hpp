#pragma once
// The backends a parameterised test runs on (Catch2's TEMPLATE_TEST_CASE): SQLite in memory, and
// a fresh schema on the throwaway PostgreSQL server that ctest's `postgres` fixture starts. A test
// that cannot reach the server fails: it is never skipped.

#include <relate/postgres.hpp>
#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace backends {

struct sqlite_memory {
    using database = relate::database;
    static std::string open_target() { return ":memory:"; }
};

struct postgres_server {
    using database = relate::postgres::database;

    /// The server's connection string, from $RELATE_PG_DIR/conninfo (tools/pg_server.sh).
    static std::string conninfo() {
        const char* dir = std::getenv("RELATE_PG_DIR");
        if (dir == nullptr) FAIL("RELATE_PG_DIR is not set: run the tests through ctest, whose fixture starts PostgreSQL");
        std::ifstream in(std::string(dir) + "/conninfo");
        std::string line;
        if (!std::getline(in, line) || line.empty()) FAIL("no connection string in " << dir << "/conninfo");
        return line;
    }

    /// A connection string whose search_path is a new, empty schema: each test starts clean,
    /// and test programs running at once do not meet.
    static std::string open_target() {
        static int made = 0;
        const std::string schema = "t" + std::to_string(::getpid()) + "_" + std::to_string(++made);
        const std::string server = conninfo();
        relate::postgres::connection admin(server, std::chrono::milliseconds(5000));
        admin.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
        return server + " options='-csearch_path=" + schema + "'";
    }
};

}  // namespace backends

/// A test case run once per backend; TestType names the backend, `typename TestType::database`
/// its database.
#define BACKENDS_TEST_CASE(name, tags) \
    TEMPLATE_TEST_CASE(name, tags, backends::sqlite_memory, backends::postgres_server)
