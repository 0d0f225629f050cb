#pragma once
// What the migration tests share: reading the schema and rows back, and catching the
// relate::schema_error a migration throws. The readers take either backend's database: SQLite's
// is read with its pragmas, PostgreSQL's from its catalog, in the connection's current schema
// (this header does not include relate/postgres.hpp: the SQLite-only suites do not use libpq).

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace migration_support {

/// True for SQLite's database; the other one the tests use is PostgreSQL's.
template <class Database>
inline constexpr bool on_sqlite = std::is_same_v<Database, relate::database>;

/// The current schema's oid, for PostgreSQL's catalog queries.
inline constexpr const char* current_namespace = "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())";

template <class Database>
std::int64_t scalar(Database& db, const std::string& sql) {
    auto st = db.connection().prepare(sql);
    REQUIRE(st->step());
    return st->column_int64(0);
}

/// The first column of each row; each ? of the SQL takes the next of `parameters`.
template <class Database>
std::vector<std::string> strings(Database& db, const std::string& sql,
                                 const std::vector<std::string>& parameters = {}) {
    auto st = db.connection().prepare(sql);
    for (std::size_t i = 0; i < parameters.size(); ++i) st->bind_text(static_cast<int>(i + 1), parameters[i]);
    std::vector<std::string> out;
    while (st->step()) out.emplace_back(st->column_text(0));
    return out;
}

/// Every object of the schema with its definition: equal before and after means nothing changed.
template <class Database>
std::vector<std::string> schema_objects(Database& db) {
    if constexpr (on_sqlite<Database>) {
        return strings(db, "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_schema ORDER BY name");
    } else {
        const std::string here = current_namespace;
        return strings(
            db, "SELECT kind || ' ' || name || ': ' || definition FROM ("
                "SELECT 'table' AS kind, c.relname::text AS name, string_agg(a.attname || ' ' || "
                "format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END || "
                "coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') || CASE a.attidentity WHEN '' THEN '' "
                "ELSE ' IDENTITY' END, ', ' ORDER BY a.attnum) AS definition FROM pg_class c "
                "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
                "LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum "
                "WHERE c.relnamespace = " + here + " AND c.relkind = 'r' GROUP BY c.relname "
                "UNION ALL SELECT 'constraint', conrelid::regclass::text || '.' || conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE connamespace = " + here + " "
                "UNION ALL SELECT 'index', indexname::text, indexdef FROM pg_indexes "
                "WHERE schemaname = current_schema()) objects ORDER BY name COLLATE \"C\", kind");
    }
}

/// The names of the schema's tables, relate_migrations among them once a migration ran.
template <class Database>
std::vector<std::string> tables(Database& db) {
    if constexpr (on_sqlite<Database>)
        return strings(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
    else
        return strings(db, "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = " +
                               std::string(current_namespace) + " ORDER BY relname COLLATE \"C\"");
}

template <class Database>
std::vector<std::string> applied(Database& db) {
    return strings(db, "SELECT name FROM relate_migrations ORDER BY id");
}

/// Whether the connection enforces foreign keys: SQLite's PRAGMA foreign_keys; on PostgreSQL,
/// the session_replication_role that would switch the foreign key triggers off.
template <class Database>
bool enforces_foreign_keys(Database& db) {
    if constexpr (on_sqlite<Database>)
        return scalar(db, "PRAGMA foreign_keys") == 1;
    else
        return strings(db, "SELECT current_setting('session_replication_role')") == std::vector<std::string>{"origin"};
}

/// One column: name, declared type (as PostgreSQL names it there), notnull, default (or '-'), and
/// its position in the primary key (0 outside it), as PRAGMA table_info has them.
using column_info = std::tuple<std::string, std::string, int, std::string, int>;

template <class Database>
std::vector<column_info> table_info(Database& db, const std::string& table) {
    std::string sql;
    if constexpr (on_sqlite<Database>)
        sql = "SELECT name, type, \"notnull\", coalesce(dflt_value, '-'), pk FROM pragma_table_info(?) ORDER BY cid";
    else
        sql = "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
              "coalesce(pg_get_expr(d.adbin, d.adrelid), '-'), coalesce(array_position(k.conkey, a.attnum), 0) "
              "FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
              "LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum "
              "LEFT JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'p' "
              "WHERE c.relname = ? AND c.relnamespace = " + std::string(current_namespace) + " ORDER BY a.attnum";
    auto st = db.connection().prepare(sql);
    st->bind_text(1, table);
    std::vector<column_info> out;
    while (st->step())
        out.emplace_back(std::string(st->column_text(0)), std::string(st->column_text(1)),
                         static_cast<int>(st->column_int64(2)), std::string(st->column_text(3)),
                         static_cast<int>(st->column_int64(4)));
    return out;
}

/// "userId -> users.id ON DELETE CASCADE" for each column of each foreign key of a table.
template <class Database>
std::vector<std::string> foreign_keys(Database& db, const std::string& table) {
    if constexpr (on_sqlite<Database>)
        return strings(db, "SELECT \"from\" || ' -> ' || \"table\" || '.' || coalesce(\"to\", '?') || ' ON DELETE ' || "
                           "on_delete FROM pragma_foreign_key_list('" + table + "') ORDER BY \"from\"");
    else
        return strings(db,
                       "SELECT a.attname || ' -> ' || p.relname || '.' || pa.attname || ' ON DELETE ' || "
                       "CASE k.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' "
                       "WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' END "
                       "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
                       "JOIN pg_class p ON p.oid = k.confrelid "
                       "CROSS JOIN LATERAL unnest(k.conkey, k.confkey) AS pair(child, parent) "
                       "JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = pair.child "
                       "JOIN pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = pair.parent "
                       "WHERE k.contype = 'f' AND c.relname = ? AND c.relnamespace = " +
                           std::string(current_namespace) + " ORDER BY a.attname COLLATE \"C\"",
                       {table});
}

/// The indexes a migration made on a table: on SQLite those of CREATE INDEX (origin 'c'), on
/// PostgreSQL all but the primary key's.
template <class Database>
std::vector<std::string> indexes(Database& db, const std::string& table) {
    if constexpr (on_sqlite<Database>)
        return strings(db, "SELECT name FROM pragma_index_list('" + table + "') WHERE origin = 'c' ORDER BY name");
    else
        return strings(db,
                       "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                       "JOIN pg_class c ON c.oid = x.indrelid WHERE NOT x.indisprimary AND c.relname = ? "
                       "AND c.relnamespace = " + std::string(current_namespace) + " ORDER BY i.relname COLLATE \"C\"",
                       {table});
}

/// The what() of the relate::schema_error f throws; the test fails when it throws nothing.
template <class F>
std::string schema_error_of(F&& f) {
    try {
        f();
    } catch (const relate::schema_error& e) {
        return e.what();
    }
    FAIL("no relate::schema_error was thrown");
    return {};
}

inline relate::migration single_step(std::string name, std::function<void(relate::schema&)> up) {
    return relate::migration{std::move(name), std::move(up), {}};
}

}  // namespace migration_support

/// A column_info as Catch prints it when a check fails: {"title", "TEXT", 1, "-", 0}.
template <>
struct Catch::StringMaker<migration_support::column_info> {
    static std::string convert(const migration_support::column_info& c) {
        return "{\"" + std::get<0>(c) + "\", \"" + std::get<1>(c) + "\", " + std::to_string(std::get<2>(c)) + ", \"" +
               std::get<3>(c) + "\", " + std::to_string(std::get<4>(c)) + "}";
    }
};
