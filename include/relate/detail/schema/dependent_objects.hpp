#pragma once
// What a table rebuild must put back besides the table: the table's indexes, and every view and
// trigger of the database (renaming the new table re-checks all of them, so all are set aside).
// Each is made again from its own SQL and checked, so a rebuild never commits one that would fail
// later: an index that uses a dropped column goes with it, a view or trigger that no longer works
// fails the migration, naming it.

#include <relate/detail/schema/ddl_runner.hpp>
#include <relate/detail/sql/identifier.hpp>
#include <relate/detail/schema/live_schema.hpp>
#include <relate/detail/sql/sql_text.hpp>
#include <relate/detail/sql/sql_tokens.hpp>
#include <relate/error.hpp>
#include <relate/sqlite/connection.hpp>

#include <relate/detail/core/text.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace relate::detail {

struct schema_object {
    std::string type;   ///< index, view or trigger
    std::string name;
    std::string table;  ///< an index's or trigger's table (tbl_name)
    std::string sql;
};

/// The indexes of `table` made by CREATE INDEX, and every view and trigger, in the order they
/// were made.
inline std::vector<schema_object> dependent_objects(sqlite::connection& conn, std::string_view table) {
    schema_query q(conn,
                   "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND (type IN ('trigger', "
                   "'view') OR (type = 'index' AND tbl_name = ? COLLATE NOCASE)) ORDER BY rowid");
    q->bind_text(1, table);
    std::vector<schema_object> out;
    while (q->step())
        out.push_back({std::string(q->column_text(0)), std::string(q->column_text(1)), std::string(q->column_text(2)),
                       std::string(q->column_text(3))});
    return out;
}

/// The token after `keyword` at depth 0, skipping a schema name (main.x): the object it names.
inline std::size_t name_after(const std::vector<sql_token>& tokens, std::string_view keyword) {
    std::size_t i = 0;
    while (i < tokens.size() && !(tokens[i].depth == 0 && tokens[i].is(keyword))) ++i;
    ++i;
    if (i + 2 < tokens.size() && tokens[i].is("IF") && tokens[i + 1].is("NOT") && tokens[i + 2].is("EXISTS")) i += 3;
    if (i + 2 < tokens.size() && tokens[i + 1].is_symbol('.')) i += 2;
    return i;
}

/// Whether an index's definition (its columns, expressions or WHERE clause) names one of
/// `columns`. Function names, collations, type names and the keywords an index can use are not
/// column names.
inline bool index_names_column(std::string_view index_sql, const std::vector<std::string>& columns) {
    static constexpr std::string_view keywords[] = {
        "ASC",  "DESC", "COLLATE", "WHERE",  "AND", "OR",   "NOT",  "NULL", "IS",   "IN",      "LIKE",    "GLOB",
        "REGEXP", "MATCH", "BETWEEN", "CASE", "WHEN", "THEN", "ELSE", "END",  "CAST", "ESCAPE", "ISNULL", "NOTNULL"};
    const auto tokens = sql_tokens(index_sql);
    int type_name_depth = -1;  // inside CAST(... AS type)
    for (std::size_t i = name_after(tokens, "ON") + 1; i < tokens.size(); ++i) {
        const sql_token& token = tokens[i];
        if (token.is("AS")) type_name_depth = token.depth;
        if (token.is_symbol(')') && token.depth <= type_name_depth) type_name_depth = -1;
        if (!token.names_something() || type_name_depth >= 0) continue;
        const bool function = i + 1 < tokens.size() && tokens[i + 1].is_symbol('(');
        const bool qualifier = i + 1 < tokens.size() && tokens[i + 1].is_symbol('.');
        const bool collation = i > 0 && tokens[i - 1].is("COLLATE");
        const bool keyword = token.type == sql_token::kind::word &&
                             std::any_of(std::begin(keywords), std::end(keywords),
                                         [&](std::string_view k) { return token.is(k); });
        if (function || qualifier || collation || keyword) continue;
        if (std::any_of(columns.begin(), columns.end(),
                        [&](const std::string& column) { return same_identifier(column, token.text); }))
            return true;
    }
    return false;
}

/// "relate: cannot rebuild table posts: trigger posts_audit would no longer work (no such column:
/// NEW.userId)", SQLite's own words last.
[[noreturn]] inline void refuse_broken(sqlite::connection& conn, std::string_view table, const schema_object& object) {
    throw schema_error(detail::format("relate: cannot rebuild table {}: {} {} would no longer work ({})", printable(table),
                                   object.type, printable(object.name), sqlite3_errmsg(conn.handle())));
}

/// CREATE VIEW does not look at the columns a view names; reading it does.
inline void check_view(sqlite::connection& conn, std::string_view table, const schema_object& view) {
    try {
        const schema_query read_view(conn, "SELECT * FROM " + sql_identifier(view.name));
    } catch (const sql_error&) {
        refuse_broken(conn, table, view);
    }
}

/// The statement that fires the trigger, compiled but never run: SQLite builds the trigger's
/// program then (its WHEN, every statement of its body, the columns they write) and reports any
/// name that no longer resolves. CREATE TRIGGER checks none of that.
inline void check_trigger(sqlite::connection& conn, std::string_view table, const schema_object& trigger) {
    const auto tokens = sql_tokens(trigger.sql);
    std::size_t i = name_after(tokens, "TRIGGER") + 1;
    while (i < tokens.size() && !(tokens[i].is("DELETE") || tokens[i].is("INSERT") || tokens[i].is("UPDATE"))) ++i;
    if (i == tokens.size()) return;  // not a form SQLite accepts; it would not be in the schema
    const std::string target = sql_identifier(trigger.table);
    std::string firing;
    if (tokens[i].is("DELETE")) {
        firing = "DELETE FROM " + target;
    } else if (tokens[i].is("INSERT")) {
        firing = detail::format("INSERT INTO {} DEFAULT VALUES", target);
    } else {
        std::vector<std::string> set;  // UPDATE OF a, b fires on those columns only
        if (i + 1 < tokens.size() && tokens[i + 1].is("OF"))
            for (i += 2; i < tokens.size() && !tokens[i].is("ON"); ++i)
                if (tokens[i].names_something()) set.push_back(sql_identifier(tokens[i].text));
        if (set.empty()) {
            for (const auto& column : read_columns(conn, trigger.table))
                if (!column.generated) {
                    set.push_back(sql_identifier(column.name));
                    break;
                }
        }
        std::vector<std::string> assignments;
        for (const auto& column : set) assignments.push_back(detail::format("{} = {}", column, column));
        firing = detail::format("UPDATE {} SET {}", target, detail::join(assignments, ", "));
    }
    try {
        const schema_query compiled(conn, firing);
    } catch (const sql_error&) {
        refuse_broken(conn, table, trigger);
    }
}

/// Steps 8-9 for the objects `dependent_objects` saved: the table's indexes, except those naming
/// a column in `gone`, then the views, then the triggers (which may be on a view), each checked.
inline void restore_dependent_objects(ddl_runner<sqlite::connection>& run, std::string_view table, const std::vector<schema_object>& saved,
                                      const std::vector<std::string>& gone) {
    const auto each = [&](std::string_view type, const auto& action) {
        for (const auto& object : saved)
            if (object.type == type) action(object);
    };
    each("index", [&](const schema_object& index) {
        if (!index_names_column(index.sql, gone)) run.run(index.sql);
    });
    each("view", [&](const schema_object& view) { run.run(view.sql); });
    each("view", [&](const schema_object& view) { check_view(run.conn(), table, view); });
    each("trigger", [&](const schema_object& trigger) {
        run.run(trigger.sql);
        check_trigger(run.conn(), table, trigger);
    });
}

}  // namespace relate::detail
