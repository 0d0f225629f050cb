#pragma once
// A migration's transaction on SQLite. Foreign keys are not enforced while a migration runs (a
// table rebuild drops and recreates tables that rows point at, steps 1 and 12 of SQLite's
// procedure) and are all checked before it commits (step 10), naming the rows that point nowhere.

#include <relate/detail/core/text.hpp>
#include <relate/detail/schema/live_schema.hpp>
#include <relate/detail/sql/identifier.hpp>
#include <relate/detail/sql/sql_text.hpp>
#include <relate/error.hpp>
#include <relate/sqlite/connection.hpp>
#include <relate/sqlite/transaction.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relate::sqlite {

// Templates on the backend, as the migrator is: only a program that migrates compiles them.

/// Foreign key enforcement off for the life of the object, then back to what it was. It must be
/// switched before BEGIN: inside a transaction PRAGMA foreign_keys does nothing.
template <class B>
class foreign_keys_suspended {
public:
    explicit foreign_keys_suspended(connection& conn) : conn_(conn) {
        detail::schema_query q(conn_, "PRAGMA foreign_keys");
        was_on_ = q->step() && q->column_int64(0) != 0;
        if (was_on_) conn_.execute("PRAGMA foreign_keys = OFF");
    }
    foreign_keys_suspended(const foreign_keys_suspended&) = delete;
    foreign_keys_suspended& operator=(const foreign_keys_suspended&) = delete;
    ~foreign_keys_suspended() {
        if (!was_on_) return;
        try {
            conn_.execute("PRAGMA foreign_keys = ON");
        } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
        }
    }

private:
    connection& conn_;
    bool was_on_ = false;
};

/// "posts row 3 has userId = 7 but users has no such row" (or "has a = 1, b = 2" for a key over
/// two columns), for a row foreign_key_check reports.
template <class B>
std::string describe_dangling_row(connection& conn, const std::string& table,
                                         std::optional<std::int64_t> rowid, const std::string& parent,
                                         std::int64_t key_id) {
    std::vector<std::string> columns;
    {
        detail::schema_query q(conn, "SELECT \"from\" FROM pragma_foreign_key_list(?) WHERE id = ? ORDER BY seq");
        q->bind_text(1, table);
        q->bind_int64(2, key_id);
        while (q->step()) columns.emplace_back(q->column_text(0));
    }
    std::vector<std::string> values;
    for (const auto& column : columns) {
        std::string shown = detail::printable(column);
        if (rowid) {
            detail::schema_query q(conn, detail::format("SELECT quote({}) FROM {} WHERE rowid = ?", detail::sql_identifier(column),
                                             detail::sql_identifier(table)));
            q->bind_int64(1, *rowid);
            if (q->step()) shown += detail::format(" = {}", detail::printable(q->column_text(0)));
        }
        values.push_back(std::move(shown));
    }
    return detail::format("{} {} has {} but {}", detail::printable(table),
                       rowid ? detail::format("row {}", *rowid) : std::string("a row"), detail::join(values, ", "),
                       detail::table_exists(conn, parent) ? detail::format("{} has no such row", detail::printable(parent))
                                                  : detail::format("table {} does not exist", detail::printable(parent)));
}

/// Step 10 of the rebuild, for the whole migration: relate::schema_error naming the rows whose
/// foreign keys point nowhere.
template <class B>
void check_foreign_keys(connection& conn) {
    constexpr std::size_t shown = 5;
    detail::schema_query q(conn, "SELECT \"table\", rowid, parent, fkid FROM pragma_foreign_key_check");
    std::vector<std::string> rows;
    std::size_t count = 0;
    while (q->step()) {
        if (++count > shown) continue;
        const std::optional<std::int64_t> rowid =
            q->column_type(1) == SQLITE_NULL ? std::nullopt : std::optional(q->column_int64(1));  // WITHOUT ROWID
        rows.push_back(describe_dangling_row<B>(conn, std::string(q->column_text(0)), rowid,
                                             std::string(q->column_text(2)), q->column_int64(3)));
    }
    if (count == 0) return;
    throw schema_error(detail::format("relate: foreign key check failed, {} row{} point{} nowhere: {}{}", count,
                                   count == 1 ? "" : "s", count == 1 ? "s" : "", detail::join(rows, "; "),
                                   count > shown ? detail::format("; and {} more", count - shown) : std::string()));
}

/// BEGIN IMMEDIATE with foreign keys suspended; check() runs the foreign key check.
template <class B>
class migration_transaction {
public:
    explicit migration_transaction(connection& conn) : conn_(conn), suspended_(conn), tx_(conn, transaction_mode::immediate) {}

    void check() { check_foreign_keys<B>(conn_); }
    void commit() { tx_.commit(); }

    /// relate_migrations, with applied_at as relate stores a time point.
    static constexpr std::string_view record_table =
        "(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
        "applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))";

private:
    connection& conn_;
    foreign_keys_suspended<B> suspended_;  // before BEGIN, and back on after the transaction ends
    transaction tx_;
};

}  // namespace relate::sqlite
