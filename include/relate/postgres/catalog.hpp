#pragma once
// What PostgreSQL's catalog says about a table of the session's current schema, in the form
// check_schema compares with the models (detail/schema/live_schema.hpp): columns with their types
// as relate writes them (BIGINT, TIMESTAMPTZ...), foreign keys, indexes. Found by ADL from the
// engine's schema comparison, for a postgres::connection.

#include <relate/detail/schema/live_schema.hpp>
#include <relate/postgres/connection.hpp>
#include <relate/postgres/error.hpp>
#include <relate/postgres/statement.hpp>

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relate::postgres {

/// The rows of one catalog query about `table`, read as text. Not a data statement: not counted.
class catalog_rows {
public:
    catalog_rows(connection& conn, const char* sql, std::string_view table) : use_(conn) {
        const std::string name(table);
        const char* values[] = {name.c_str()};
        result_.reset(PQexecParams(conn.handle(), sql, 1, nullptr, values, nullptr, nullptr, 0));
        if (PQresultStatus(result_.get()) != PGRES_TUPLES_OK) throw_error(conn.handle(), result_.get(), sql);
    }
    catalog_rows(connection& conn, const char* sql) : use_(conn) {
        result_.reset(PQexecParams(conn.handle(), sql, 0, nullptr, nullptr, nullptr, nullptr, 0));
        if (PQresultStatus(result_.get()) != PGRES_TUPLES_OK) throw_error(conn.handle(), result_.get(), sql);
    }
    [[nodiscard]] int size() const noexcept { return PQntuples(result_.get()); }
    [[nodiscard]] int columns() const noexcept { return PQnfields(result_.get()); }
    [[nodiscard]] std::string text(int row, int column) const { return PQgetvalue(result_.get(), row, column); }
    [[nodiscard]] std::optional<std::string> optional(int row, int column) const {
        if (PQgetisnull(result_.get(), row, column) != 0) return std::nullopt;
        return text(row, column);
    }

private:
    detail::connection_use use_;
    owned_result result_;
};

/// A type as format_type spells it, in relate's DDL spelling where relate writes that type.
inline std::string ddl_type(std::string type) {
    if (type == "bigint") return "BIGINT";
    if (type == "double precision") return "DOUBLE PRECISION";
    if (type == "timestamp with time zone") return "TIMESTAMPTZ";
    if (type == "boolean") return "BOOLEAN";
    if (type == "text") return "TEXT";
    if (type == "bytea") return "BYTEA";
    return type;
}

/// A referential action as pg_constraint codes it, as check_schema names it.
inline std::string referential_action(const std::string& code) {
    if (code == "c") return "CASCADE";
    if (code == "n") return "SET NULL";
    if (code == "d") return "SET DEFAULT";
    if (code == "r") return "RESTRICT";
    return "NO ACTION";
}

/// Every row a schema read returns, each column as text (NULL as empty).
inline std::vector<std::vector<std::string>> schema_rows(connection& conn, const std::string& sql) {
    const catalog_rows rows(conn, sql.c_str());
    std::vector<std::vector<std::string>> out(static_cast<std::size_t>(rows.size()));
    for (int r = 0; r < rows.size(); ++r)
        for (int c = 0; c < rows.columns(); ++c) out[static_cast<std::size_t>(r)].push_back(rows.text(r, c));
    return out;
}

/// A column of a live table by its exact name: a quoted name keeps its case on PostgreSQL.
inline const detail::live_column* column_named(const detail::live_table& table, std::string_view name) {
    for (const auto& column : table.columns)
        if (column.name == name) return &column;
    return nullptr;
}

inline bool table_exists(connection& conn, std::string_view name) {
    return catalog_rows(conn,
                        "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE n.nspname = current_schema() AND c.relname = $1 AND c.relkind IN ('r', 'p')",
                        name)
               .size() > 0;
}

/// The single-column foreign keys between tables of the current schema, with their ON DELETE
/// actions: what a remove may leave to the server. A statement of the session's cache, so the
/// server plans it once per connection, and it is counted and observed as the others are.
inline std::vector<detail::live_delete_action> delete_actions(connection& conn) {
    auto st = conn.prepare(
        "SELECT c.relname, a.attname, pc.relname, pa.attname, con.confdeltype "
        "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_class pc ON pc.oid = con.confrelid "
        "JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1] "
        "JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = con.confkey[1] "
        "WHERE con.contype = 'f' AND cardinality(con.conkey) = 1 "
        "AND con.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) "
        "AND pc.relnamespace = con.connamespace");
    std::vector<detail::live_delete_action> out;
    while (st->step())
        out.push_back({std::string(st->column_text(0)), std::string(st->column_text(1)), std::string(st->column_text(2)),
                       std::string(st->column_text(3)), referential_action(std::string(st->column_text(4)))});
    return out;
}

/// Everything about one table, or nullopt when the current schema has none of that name. An
/// identity column's default reads "GENERATED ... AS IDENTITY".
inline std::optional<detail::live_table> read_live_table(connection& conn, std::string_view name) {
    if (!table_exists(conn, name)) return std::nullopt;
    detail::live_table out{std::string(name), {}, {}, {}, {}};
    const catalog_rows columns(
        conn,
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
        "CASE a.attidentity WHEN 'a' THEN 'GENERATED ALWAYS AS IDENTITY' WHEN 'd' THEN 'GENERATED BY DEFAULT AS "
        "IDENTITY' ELSE pg_get_expr(d.adbin, d.adrelid) END, COALESCE((SELECT k.position FROM "
        "unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position) WHERE k.attnum = a.attnum), 0), "
        "a.attgenerated <> '' "
        "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary "
        "WHERE n.nspname = current_schema() AND c.relname = $1 AND a.attnum > 0 AND NOT a.attisdropped "
        "ORDER BY a.attnum",
        name);
    for (int r = 0; r < columns.size(); ++r)
        out.columns.push_back({columns.text(r, 0), ddl_type(columns.text(r, 1)), columns.text(r, 2) == "t",
                               columns.optional(r, 3), std::stoi(columns.text(r, 4)), columns.text(r, 5) == "t"});
    const catalog_rows keys(
        conn,
        "SELECT con.conname, pc.relname, a.attname, pa.attname, con.confupdtype, con.confdeltype "
        "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_class pc ON pc.oid = con.confrelid "
        "CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, parent_attnum, position) "
        "JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum "
        "JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = k.parent_attnum "
        "WHERE con.contype = 'f' AND n.nspname = current_schema() AND c.relname = $1 ORDER BY con.conname, k.position",
        name);
    for (int r = 0; r < keys.size(); ++r) {
        if (r == 0 || keys.text(r, 0) != keys.text(r - 1, 0))
            out.foreign_keys.push_back({{}, keys.text(r, 1), {}, referential_action(keys.text(r, 4)),
                                        referential_action(keys.text(r, 5))});
        out.foreign_keys.back().from.push_back(keys.text(r, 2));
        out.foreign_keys.back().to.emplace_back(keys.text(r, 3));
    }
    const catalog_rows indexes(
        conn,
        "SELECT ic.relname, CASE WHEN i.indisprimary THEN 'pk' WHEN con.oid IS NOT NULL THEN 'u' ELSE 'c' END, "
        "a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_class ic ON ic.oid = i.indexrelid "
        "LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.contype = 'u' "
        "CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position) "
        "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum "
        "WHERE n.nspname = current_schema() AND c.relname = $1 ORDER BY ic.relname, k.position",
        name);
    for (int r = 0; r < indexes.size(); ++r) {
        if (r == 0 || indexes.text(r, 0) != indexes.text(r - 1, 0))
            out.indexes.push_back({indexes.text(r, 0), indexes.text(r, 1), {}});
        out.indexes.back().columns.push_back(indexes.optional(r, 2));  // null: an expression
    }
    return out;
}

}  // namespace relate::postgres
