#pragma once
// The SQLite backend: what relate's engine is instantiated with for relate::database. The engine
// reaches the database only through these types (a connection with its statement cache, a
// statement, a transaction), so a second backend brings its own and shares the rest.

#include <relate/sqlite/connection.hpp>
#include <relate/sqlite/statement.hpp>
#include <relate/sqlite/transaction.hpp>

#include <string>

namespace relate::sqlite {

struct backend {
    using connection = sqlite::connection;
    using statement = sqlite::statement;
    using transaction = sqlite::transaction;
    using transaction_mode = sqlite::transaction_mode;

    /// Opens the connection with relate's settings: foreign keys enforced, WAL for a file.
    static void configure(connection& conn, const std::string& path) {
        conn.execute("PRAGMA foreign_keys = ON");
        const bool in_memory = path.empty() || path == ":memory:" || path.find("mode=memory") != std::string::npos;
        if (!in_memory) conn.execute("PRAGMA journal_mode = WAL");
    }
};

}  // namespace relate::sqlite
