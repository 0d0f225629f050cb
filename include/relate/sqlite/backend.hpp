#pragma once
// The SQLite backend: what relate's engine is instantiated with for relate::database. The engine
// reaches the database only through these types (a connection with its statement cache, a
// statement, a transaction), so a second backend brings its own and shares the rest.

#include <relate/options.hpp>
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

    /// Opens the connection with relate's settings: foreign keys enforced (always: the delete
    /// policies and a unit's cycles of keys rely on them), WAL for a file unless options.wal is
    /// false, and options.synchronous.
    static void configure(connection& conn, const std::string& path, const database_options& options) {
        conn.execute("PRAGMA foreign_keys = ON");
        const bool in_memory = path.empty() || path == ":memory:" || path.find("mode=memory") != std::string::npos;
        if (!in_memory && options.wal) conn.execute("PRAGMA journal_mode = WAL");
        conn.execute(options.synchronous == synchronous_mode::normal ? "PRAGMA synchronous = NORMAL"
                                                                     : "PRAGMA synchronous = FULL");
    }

    /// Whether SQLite refused a write because a foreign key names no row.
    static bool is_foreign_key_violation(const sql_error& e) noexcept {
        return e.extended_code() == SQLITE_CONSTRAINT_FOREIGNKEY;
    }
};

}  // namespace relate::sqlite
