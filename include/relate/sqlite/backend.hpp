#pragma once
// The SQLite backend: what relate's engine is instantiated with for relate::database. The engine
// reaches the database only through these types (a connection with its statement cache, a
// statement, a transaction), so a second backend brings its own and shares the rest.

#include <relate/detail/sql/value_kind.hpp>
#include <relate/options.hpp>
#include <relate/sqlite/connection.hpp>
#include <relate/sqlite/statement.hpp>
#include <relate/sqlite/transaction.hpp>

#include <string>
#include <string_view>

namespace relate::sqlite {

template <class B>
class schema_editor;  // sqlite/schema_editor.hpp
template <class B>
class migration_transaction;  // sqlite/migration_transaction.hpp

struct backend {
    using connection = sqlite::connection;
    using statement = sqlite::statement;
    using transaction = sqlite::transaction;
    using transaction_mode = sqlite::transaction_mode;
    using schema_editor = sqlite::schema_editor<backend>;
    using migration_transaction = sqlite::migration_transaction<backend>;

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

    /// Whether an upsert's conflict columns match no primary key or unique index.
    static bool is_missing_conflict_target(const sql_error& e) noexcept {
        return std::string_view(e.what()).find("ON CONFLICT clause does not match") != std::string_view::npos;
    }

    /// The unit of work may leave a declared foreign key to SQLite (when foreign keys are on) and
    /// read which key failed after SQLite refuses it: the transaction goes on after a failed statement.
    static constexpr bool leaves_references_to_database = true;
    /// A remove walks its delete policies itself: the walk runs in the process, and a connection
    /// may have foreign keys (and so its ON DELETE actions) off (detail/writing/database_policies.hpp).
    static constexpr bool leaves_policies_to_database = false;

    /// Lets a unit's rows name each other: keys are checked at COMMIT.
    static void defer_foreign_keys(connection& conn) { conn.control("PRAGMA defer_foreign_keys = ON"); }

    /// An insert learns the key SQLite gave from last_insert_rowid, not from RETURNING.
    static constexpr bool returns_inserted_key = false;
    /// The table's key must be the rowid for SQLite to assign it: checked before the first write.
    static constexpr bool checks_key_behaviour = true;

    // DDL. The SQL type of a column whose storage is `type` (INTEGER, REAL, TEXT or BLOB).
    static constexpr std::string_view column_type(std::string_view type, detail::value_kind) noexcept { return type; }
    static constexpr std::string_view assigned_key = "INTEGER PRIMARY KEY";  ///< the rowid
    static constexpr std::string_view reference_options = "";
    static constexpr std::string_view junction_options = " WITHOUT ROWID";
    /// SQLite checks a REFERENCES clause when rows are written: tables go in the models' order.
    static constexpr bool checks_references_when_created = false;
    // Keyed statements: more than 64 integer keys go in one JSON array, read by json_each when
    // SQLite has it (3.38 and later, unless built without JSON).
    static constexpr std::size_t fewest_array_keys = 65;
    static constexpr std::string_view key_array_match = "IN (SELECT value FROM json_each(?))";
    static constexpr std::string_view key_array_brackets = "[]";
    static bool takes_key_arrays(const connection& conn) noexcept { return conn.has_json_each(); }
    /// Statements run in the program: a transaction around one costs no round trip.
    static constexpr bool round_trip_per_statement = false;
    /// SQLite prepares a statement again by itself when the schema changed under it.
    static bool refused_as_stale(const sql_error&) noexcept { return false; }
    /// check_schema compares a column's declared type by its affinity, as SQLite stores by it.
    static constexpr bool types_by_affinity = true;
};

}  // namespace relate::sqlite
