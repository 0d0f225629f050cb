#pragma once
// A blueprint's columns and indexes as SQL, in the form relate's own DDL uses (schema.hpp), so a
// table a migration creates matches the one create_tables would.

#include <relate/blueprint.hpp>
#include <relate/detail/identifier.hpp>
#include <relate/detail/sql_text.hpp>
#include <relate/error.hpp>
#include <relate/schema.hpp>

#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>

namespace relate::detail {

inline std::string reference_sql(const foreign_reference& reference) {
    return fmt::format("REFERENCES {} ({}) ON DELETE {}", sql_identifier(reference.table),
                       sql_identifier(reference.column), on_delete_sql(reference.on_delete));
}

/// set_null on a NOT NULL column would fail on the first delete of a parent: refused up front.
inline void check_reference(std::string_view table, std::string_view column, bool nullable,
                            const foreign_reference& reference) {
    if (reference.on_delete == delete_policy::set_null && !nullable)
        throw schema_error(fmt::format("relate: {}.{} cannot use on_delete(relate::set_null): the column is not "
                                       "nullable()",
                                       table, column));
}

/// "userId" INTEGER NOT NULL DEFAULT 0 REFERENCES "users" ("id") ON DELETE CASCADE
inline std::string column_sql(std::string_view table, const column_spec& column) {
    if (column.reference) check_reference(table, column.name, column.nullable, *column.reference);
    std::string out = fmt::format("{} {}", sql_identifier(column.name), column.type);
    if (column.primary_key)
        out += " PRIMARY KEY";  // INTEGER PRIMARY KEY: the rowid, never NULL
    else if (!column.nullable)
        out += " NOT NULL";
    if (column.default_sql) out += " DEFAULT " + *column.default_sql;
    if (column.reference) out += ' ' + reference_sql(*column.reference);
    return out;
}

inline std::string index_sql(std::string_view table, const index_spec& index, bool if_not_exists = false) {
    validate_identifier(index.name, "index");
    std::vector<std::string> columns;
    for (const auto& column : index.columns) columns.push_back(sql_identifier(column));
    return fmt::format("CREATE {}INDEX {}{} ON {} ({})", index.unique ? "UNIQUE " : "",
                       if_not_exists ? "IF NOT EXISTS " : "", sql_identifier(index.name), sql_identifier(table),
                       fmt::join(columns, ", "));
}

/// The index a column asks for: <table>_<column>_unique for unique(), else <table>_<column>_index
/// for a foreign key (as create_tables makes for its foreign keys).
inline std::optional<std::string> column_index_sql(std::string_view table, const column_spec& column) {
    if (!column.unique && !column.reference) return std::nullopt;
    const index_spec index{fmt::format("{}_{}_{}", table, column.name, column.unique ? "unique" : "index"),
                           {column.name},
                           column.unique};
    // IF NOT EXISTS: a changed column keeps the index it already had.
    return index_sql(table, index, true);
}

}  // namespace relate::detail
