#pragma once
// test_support::dump for a relate::postgres::database: what db_dump.hpp's dump is for SQLite, the
// schema (columns, constraints, indexes, triggers) and every row of every table of the
// connection's current schema, rows sorted. Two equal dumps mean equal content. Identity
// sequences are left out: PostgreSQL does not roll them back, and they are not rows.
// Only test programs linked with libpq include this header.

#include "db_dump.hpp"

#include <relate/postgres.hpp>

#include <libpq-fe.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace test_support {

/// Rows of one statement's result, each as its values joined by '|' (null, or t: and the text).
inline std::vector<std::string> dump_rows(PGconn* conn, const std::string& sql) {
    const std::unique_ptr<PGresult, void (*)(PGresult*)> result(PQexec(conn, sql.c_str()), PQclear);
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK)
        return {"cannot run " + sql + ": " + PQresultErrorMessage(result.get())};
    std::vector<std::string> rows;
    for (int r = 0; r < PQntuples(result.get()); ++r) {
        std::string row;
        for (int i = 0; i < PQnfields(result.get()); ++i) {
            const bool null = PQgetisnull(result.get(), r, i) != 0;
            row += (null ? std::string("null") : "t:" + std::string(PQgetvalue(result.get(), r, i))) + "|";
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

inline std::string dump(relate::postgres::database& db) {
    PGconn* conn = db.connection().handle();
    const std::string here = "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())";
    std::string out;
    const std::string schema_queries[] = {
        // columns
        "SELECT 'column', c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
        "a.attidentity, pg_get_expr(d.adbin, d.adrelid) FROM pg_class c "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
        "LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum "
        "WHERE c.relnamespace = " + here + " AND c.relkind IN ('r', 'v', 'm', 'p') ORDER BY c.relname, a.attnum",
        // constraints: keys, foreign keys with their actions, checks
        "SELECT 'constraint', conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE connamespace = " + here + " ORDER BY 2, 3",
        "SELECT 'index', tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "ORDER BY 2, 3",
        "SELECT 'trigger', tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger "
        "WHERE NOT tgisinternal AND tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = " + here + ") "
        "ORDER BY 2, 3",
    };
    for (const std::string& sql : schema_queries)
        for (const auto& entry : dump_rows(conn, sql)) out += entry + "\n";
    const std::string tables =
        "SELECT relname FROM pg_class WHERE relnamespace = " + here + " AND relkind = 'r' ORDER BY relname";
    for (const auto& table : dump_rows(conn, tables)) {
        const std::string name = table.substr(2, table.size() - 3);  // "t:<name>|"
        std::vector<std::string> rows = dump_rows(conn, "SELECT * FROM \"" + name + "\"");
        std::sort(rows.begin(), rows.end());
        out += "== " + name + "\n";
        for (const auto& row : rows) out += row + "\n";
    }
    return out;
}

}  // namespace test_support
