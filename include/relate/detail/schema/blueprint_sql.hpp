#pragma once
// A blueprint's columns, indexes and foreign keys as SQL, in the form relate's own DDL uses
// (schema.hpp), so a table a migration creates matches the one create_tables would; and the
// checks a foreign key passes before any SQL is written for it.

#include <relate/blueprint.hpp>
#include <relate/detail/sql/identifier.hpp>
#include <relate/detail/schema/live_schema.hpp>
#include <relate/detail/sql/sql_text.hpp>
#include <relate/error.hpp>
#include <relate/schema.hpp>

#include <relate/detail/core/text.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relate::detail {

inline std::string reference_sql(const foreign_reference& reference) {
    return detail::format("REFERENCES {} ({}) ON DELETE {}", sql_identifier(reference.table),
                       sql_identifier(reference.column), on_delete_sql(reference.on_delete));
}

/// set_null on a NOT NULL column would fail on the first delete of a parent: refused up front.
inline void check_on_delete(std::string_view table, std::string_view column, bool nullable, delete_policy policy) {
    if (policy == delete_policy::set_null && !nullable)
        throw schema_error(detail::format("relate: {}.{} cannot use on_delete(relate::set_null): the column is not "
                                       "nullable()",
                                       table, column));
}

inline void check_reference(std::string_view table, std::string_view column, bool nullable,
                            const foreign_reference& reference) {
    check_on_delete(table, column, nullable, reference.on_delete);
}

/// foreign("userId") or foreign({"a", "b"}), as the migration wrote it.
inline std::string foreign_call(const std::vector<std::string>& columns) {
    if (columns.size() == 1) return detail::format("foreign(\"{}\")", columns.front());
    return detail::format("foreign({{\"{}\"}})", detail::join(columns, "\", \""));
}

/// A foreign key of t.foreign(...) checked against the table: references() given, one parent
/// column for each column, and each column there (`nullable_of` says whether it allows NULL, or
/// nullopt when the table has no such column).
inline void check_foreign_key(std::string_view table, const foreign_key_spec& key,
                              const std::function<std::optional<bool>(const std::string&)>& nullable_of) {
    if (key.table.empty())
        throw schema_error(detail::format("relate: {} on {} needs references(...)", foreign_call(key.columns), table));
    if (key.parent_columns.size() != key.columns.size())
        throw schema_error(detail::format("relate: {} on {} names {} column{} but references {} ({}) names {}",
                                       foreign_call(key.columns), table, key.columns.size(),
                                       key.columns.size() == 1 ? "" : "s", key.table,
                                       detail::join(key.parent_columns, ", "), key.parent_columns.size()));
    for (const auto& column : key.columns) {
        const std::optional<bool> nullable = nullable_of(column);
        if (!nullable)
            throw schema_error(detail::format("relate: cannot add a foreign key to {}.{}: there is no such column", table,
                                           column));
        check_on_delete(table, column, *nullable, key.on_delete);
    }
}

/// The foreign key as the live schema describes one, which is how a rebuild writes it.
inline live_foreign_key foreign_key_of(const foreign_key_spec& key) {
    return {key.columns, key.table, {key.parent_columns.begin(), key.parent_columns.end()}, "NO ACTION",
            std::string(on_delete_sql(key.on_delete))};
}
inline live_foreign_key foreign_key_of(const std::string& column, const foreign_reference& to) {
    return foreign_key_of(foreign_key_spec{{column}, to.table, {to.column}, to.on_delete});
}

/// A column's DEFAULT in backend B's dialect: a literal, cast where B stores the kind in a type
/// of its own (PostgreSQL takes no 1 for a BOOLEAN).
template <class B>
std::string default_sql(const column_spec& column) {
    const std::string_view type = B::column_type(column.type, column.kind);
    if (type == column.type) return *column.default_sql;
    return detail::format("CAST({} AS {})", *column.default_sql, type);
}

/// "userId" INTEGER NOT NULL DEFAULT 0 REFERENCES "users" ("id") ON DELETE CASCADE, in backend
/// B's dialect (BIGINT on PostgreSQL).
template <class B>
std::string column_sql(std::string_view table, const column_spec& column) {
    if (column.reference) check_reference(table, column.name, column.nullable, *column.reference);
    std::string out = sql_identifier(column.name);
    out += ' ';
    if (column.primary_key)
        out += B::assigned_key;  // the key the database assigns, never NULL
    else
        out += B::column_type(column.type, column.kind);
    if (!column.primary_key && !column.nullable) out += " NOT NULL";
    if (column.default_sql) out += " DEFAULT " + default_sql<B>(column);
    if (column.reference) out += detail::format(" {}{}", reference_sql(*column.reference), B::reference_options);
    return out;
}

inline std::string index_sql(std::string_view table, const index_spec& index, bool if_not_exists = false) {
    validate_identifier(index.name, "index");
    std::vector<std::string> columns;
    for (const auto& column : index.columns) columns.push_back(sql_identifier(column));
    return detail::format("CREATE {}INDEX {}{} ON {} ({})", index.unique ? "UNIQUE " : "",
                       if_not_exists ? "IF NOT EXISTS " : "", sql_identifier(index.name), sql_identifier(table),
                       detail::join(columns, ", "));
}

/// The index a column asks for: <table>_<column>_unique for unique(), else <table>_<column>_index
/// for a foreign key (as create_tables makes for its foreign keys). Made with IF NOT EXISTS: a
/// changed column keeps the index it already had.
inline std::optional<index_spec> column_index(std::string_view table, const column_spec& column) {
    if (!column.unique && !column.reference) return std::nullopt;
    return index_spec{detail::format("{}_{}_{}", table, column.name, column.unique ? "unique" : "index"),
                      {column.name},
                      column.unique};
}

}  // namespace relate::detail
