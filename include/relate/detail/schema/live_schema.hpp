#pragma once
// What the live database says about a table: its columns (PRAGMA table_xinfo), foreign keys
// (foreign_key_list) and indexes (index_list, index_info). Migrations rebuild tables from this
// and check_schema compares models with it.

#include <relate/detail/sql/identifier.hpp>
#include <relate/sqlite/connection.hpp>
#include <relate/sqlite/statement.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relate::detail {

/// A statement that reads the schema, kept out of db.stats() (it counts data statements only)
/// and out of the statement cache (schema reads are rare).
class schema_query {
public:
    schema_query(sqlite::connection& conn, std::string sql)
        : use_(conn), statement_(conn.handle(), std::move(sql), uncounted_) {}
    sqlite::statement& operator*() noexcept { return statement_; }
    sqlite::statement* operator->() noexcept { return &statement_; }

private:
    sqlite::connection_use use_;
    sqlite::statistics uncounted_;
    sqlite::statement statement_;
};

inline std::optional<std::string> optional_text(const sqlite::statement& st, int index) {
    if (st.column_type(index) == SQLITE_NULL) return std::nullopt;
    return std::string(st.column_text(index));
}

/// Every row a schema read returns, each column as text (NULL as empty).
inline std::vector<std::vector<std::string>> schema_rows(sqlite::connection& conn, std::string sql) {
    schema_query q(conn, std::move(sql));
    std::vector<std::vector<std::string>> rows;
    while (q->step()) {
        auto& row = rows.emplace_back();
        for (int i = 0; i < q->column_count(); ++i) row.emplace_back(q->column_text(i));
    }
    return rows;
}

struct live_column {
    std::string name;
    std::string type;  ///< as declared, possibly empty
    bool not_null = false;
    std::optional<std::string> default_sql;  ///< the DEFAULT expression's text, without parentheses
    int primary_key_position = 0;            ///< 1-based position in the primary key, 0 when not in it
    bool generated = false;
};

struct live_foreign_key {
    std::vector<std::string> from;
    std::string table;
    std::vector<std::optional<std::string>> to;  ///< nullopt: the parent's primary key
    std::string on_update;
    std::string on_delete;  ///< NO ACTION, RESTRICT, SET NULL, SET DEFAULT or CASCADE
};

/// A single-column foreign key of the schema, with the action its ON DELETE declares: what a
/// remove may leave to the database (detail/writing/database_policies.hpp).
struct live_delete_action {
    std::string table;
    std::string column;
    std::string parent;
    std::string parent_column;
    std::string on_delete;  ///< as in live_foreign_key
};

struct live_index {
    std::string name;
    std::string origin;  ///< c: CREATE INDEX, u: a UNIQUE constraint, pk: the primary key
    std::vector<std::optional<std::string>> columns;  ///< nullopt for an expression
};

struct live_table {
    std::string name;  ///< as the database spells it
    std::string sql;   ///< the CREATE TABLE statement
    std::vector<live_column> columns;
    std::vector<live_foreign_key> foreign_keys;
    std::vector<live_index> indexes;

    /// The primary key's columns, in the key's order; empty when it has none.
    [[nodiscard]] std::vector<std::string> primary_key() const {
        std::vector<const live_column*> key;
        for (const auto& c : columns)
            if (c.primary_key_position > 0) key.push_back(&c);
        std::sort(key.begin(), key.end(), [](const live_column* a, const live_column* b) {
            return a->primary_key_position < b->primary_key_position;
        });
        std::vector<std::string> names;
        for (const live_column* c : key) names.push_back(c->name);
        return names;
    }

    [[nodiscard]] const live_column* column(std::string_view wanted) const {
        const auto found = std::find_if(columns.begin(), columns.end(),
                                        [&](const live_column& c) { return same_identifier(c.name, wanted); });
        return found == columns.end() ? nullptr : &*found;
    }
};

/// Whether the table exists (names match without regard to case, as in SQL).
inline bool table_exists(sqlite::connection& conn, std::string_view name) {
    schema_query q(conn, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE");
    q->bind_text(1, name);
    return q->step();
}

inline std::vector<live_column> read_columns(sqlite::connection& conn, std::string_view table) {
    schema_query q(conn, "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid");
    q->bind_text(1, table);
    std::vector<live_column> out;
    while (q->step())
        out.push_back({std::string(q->column_text(0)), std::string(q->column_text(1)), q->column_int64(2) != 0,
                       optional_text(*q, 3), static_cast<int>(q->column_int64(4)), q->column_int64(5) >= 2});
    return out;
}

inline std::vector<live_foreign_key> read_foreign_keys(sqlite::connection& conn, std::string_view table) {
    schema_query q(conn,
                   "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?) "
                   "ORDER BY id, seq");
    q->bind_text(1, table);
    std::vector<live_foreign_key> out;
    std::int64_t current = -1;
    while (q->step()) {
        if (q->column_int64(0) != current) {
            current = q->column_int64(0);
            out.push_back({{}, std::string(q->column_text(1)), {}, std::string(q->column_text(4)),
                           std::string(q->column_text(5))});
        }
        out.back().from.emplace_back(q->column_text(2));
        out.back().to.push_back(optional_text(*q, 3));
    }
    return out;
}

inline std::vector<live_index> read_indexes(sqlite::connection& conn, std::string_view table) {
    std::vector<live_index> out;
    {
        schema_query q(conn, "SELECT name, origin FROM pragma_index_list(?)");
        q->bind_text(1, table);
        while (q->step()) out.push_back({std::string(q->column_text(0)), std::string(q->column_text(1)), {}});
    }
    for (auto& index : out) {
        schema_query q(conn, "SELECT name FROM pragma_index_info(?) ORDER BY seqno");
        q->bind_text(1, index.name);
        while (q->step()) index.columns.push_back(optional_text(*q, 0));
    }
    return out;
}

/// Everything about one table, or nullopt when it does not exist.
inline std::optional<live_table> read_live_table(sqlite::connection& conn, std::string_view name) {
    schema_query q(conn, "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE");
    q->bind_text(1, name);
    if (!q->step()) return std::nullopt;
    live_table out{std::string(q->column_text(0)), std::string(q->column_text(1)), {}, {}, {}};
    out.columns = read_columns(conn, out.name);
    out.foreign_keys = read_foreign_keys(conn, out.name);
    out.indexes = read_indexes(conn, out.name);
    return out;
}

/// SQLite's type affinity of a declared type (https://www.sqlite.org/datatype3.html, 3.1).
inline std::string_view type_affinity(std::string_view declared) {
    std::string upper;
    for (char c : declared) upper += c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    const auto has = [&](std::string_view part) { return upper.find(part) != std::string::npos; };
    if (has("INT")) return "INTEGER";
    if (has("CHAR") || has("CLOB") || has("TEXT")) return "TEXT";
    if (has("BLOB") || upper.empty()) return "BLOB";
    if (has("REAL") || has("FLOA") || has("DOUB")) return "REAL";
    return "NUMERIC";
}

}  // namespace relate::detail
