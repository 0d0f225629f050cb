#pragma once
// The table rebuild SQLite documents for the changes ALTER TABLE cannot make (drop or change a
// column, add or drop a foreign key): https://www.sqlite.org/lang_altertable.html, "Making Other
// Kinds Of Table Schema Changes". The migration runner does steps 1-2 and 10-12 (foreign keys
// off, BEGIN, foreign_key_check, COMMIT, foreign keys back on); this header does steps 3-9.

#include <relate/detail/schema/ddl_runner.hpp>
#include <relate/detail/schema/dependent_objects.hpp>
#include <relate/detail/sql/identifier.hpp>
#include <relate/detail/schema/live_schema.hpp>
#include <relate/detail/sql/sql_literal.hpp>
#include <relate/detail/sql/sql_text.hpp>
#include <relate/detail/sql/sql_tokens.hpp>
#include <relate/error.hpp>
#include <relate/sqlite/connection.hpp>

#include <relate/detail/core/text.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relate::detail {

/// A table as a rebuild recreates it. A definition using anything else is refused, so a rebuild
/// never drops a constraint without saying so.
struct table_shape {
    std::vector<live_column> columns;
    std::vector<std::string> primary_key;
    std::vector<std::vector<std::string>> unique_constraints;
    std::vector<live_foreign_key> foreign_keys;
    bool without_rowid = false;
    bool strict = false;
    bool autoincrement = false;  ///< kept while the key is the same INTEGER PRIMARY KEY
    /// Columns this change added: they start empty, even where a dropped column had the same name.
    std::vector<std::string> added_columns;

    [[nodiscard]] live_column* column(std::string_view name) {
        const auto found = std::find_if(columns.begin(), columns.end(),
                                        [&](const live_column& c) { return same_identifier(c.name, name); });
        return found == columns.end() ? nullptr : &*found;
    }
    [[nodiscard]] bool has_column(std::string_view name) const {
        return std::any_of(columns.begin(), columns.end(),
                           [&](const live_column& c) { return same_identifier(c.name, name); });
    }
    [[nodiscard]] bool added(std::string_view name) const {
        return std::any_of(added_columns.begin(), added_columns.end(),
                           [&](const std::string& c) { return same_identifier(c, name); });
    }
};

/// The shape of a live table, or relate::schema_error naming what a rebuild could not keep.
inline table_shape shape_of(const live_table& table) {
    const auto refuse = [&](std::string_view what) {
        throw schema_error(detail::format("relate: cannot rebuild table {}: its definition uses {}, which the rebuild "
                                       "would not keep; make this change with s.execute(...) and SQL of your own",
                                       printable(table.name), what));
    };
    table_shape shape;
    bool in_body = false;
    const auto tokens = sql_tokens(table.sql);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const sql_token& word = tokens[i];
        if (word.type != sql_token::kind::word) continue;
        if (word.depth > 0) {
            in_body = true;
            for (std::string_view kept_out : {"CHECK", "COLLATE", "DEFERRABLE"})
                if (word.is(kept_out)) refuse(kept_out);
            if (word.is("CONFLICT") && i > 0 && tokens[i - 1].is("ON")) refuse("ON CONFLICT");
            shape.autoincrement = shape.autoincrement || word.is("AUTOINCREMENT");
        } else if (in_body) {
            shape.without_rowid = shape.without_rowid || word.is("ROWID");
            shape.strict = shape.strict || word.is("STRICT");
        }
    }
    for (const auto& column : table.columns) {
        if (column.generated) refuse(detail::format("a generated column ({})", printable(column.name)));
        shape.columns.push_back(column);
    }
    shape.primary_key = table.primary_key();
    for (const auto& index : table.indexes) {
        if (index.origin != "u") continue;
        std::vector<std::string> columns;
        for (const auto& column : index.columns) columns.push_back(column.value_or(""));
        shape.unique_constraints.push_back(std::move(columns));
    }
    shape.foreign_keys = table.foreign_keys;
    return shape;
}

/// The INTEGER PRIMARY KEY column (the rowid) AUTOINCREMENT stays on, or nullptr when the shape
/// no longer has one.
inline const live_column* autoincrement_column(const table_shape& shape) {
    if (!shape.autoincrement || shape.primary_key.size() != 1) return nullptr;
    const auto found = std::find_if(shape.columns.begin(), shape.columns.end(), [&](const live_column& c) {
        return same_identifier(c.name, shape.primary_key.front());
    });
    return found != shape.columns.end() && same_identifier(found->type, "INTEGER") ? &*found : nullptr;
}

inline std::string quoted_list(const std::vector<std::string>& names) {
    std::vector<std::string> quoted_names;
    for (const auto& name : names) quoted_names.push_back(sql_identifier(name));
    return detail::format("{}", detail::join(quoted_names, ", "));
}

/// FOREIGN KEY ("a", "b") REFERENCES "parent" ("x", "y") ON DELETE CASCADE
inline std::string foreign_key_sql(const live_foreign_key& key) {
    std::string out = detail::format("FOREIGN KEY ({}) REFERENCES {}", quoted_list(key.from), sql_identifier(key.table));
    // A key written without parent columns points at the parent's primary key; keep it that way.
    if (std::all_of(key.to.begin(), key.to.end(), [](const auto& to) { return to.has_value(); })) {
        std::vector<std::string> to;
        for (const auto& column : key.to) to.push_back(*column);
        out += detail::format(" ({})", quoted_list(to));
    }
    if (key.on_update != "NO ACTION") out += " ON UPDATE " + key.on_update;
    if (key.on_delete != "NO ACTION") out += " ON DELETE " + key.on_delete;
    return out;
}

inline std::string create_table_sql(std::string_view name, const table_shape& shape) {
    const live_column* autoincrement = autoincrement_column(shape);
    std::vector<std::string> parts;
    for (const auto& column : shape.columns) {
        std::string part = sql_identifier(column.name);
        if (!column.type.empty()) part += ' ' + column.type;
        // AUTOINCREMENT is only allowed on the column itself, not on a table's PRIMARY KEY (...).
        if (&column == autoincrement) part += " PRIMARY KEY AUTOINCREMENT";
        if (column.not_null) part += " NOT NULL";
        // table_info gives the expression without its parentheses; they make any expression valid here.
        if (column.default_sql) part += detail::format(" DEFAULT ({})", *column.default_sql);
        parts.push_back(std::move(part));
    }
    if (!shape.primary_key.empty() && autoincrement == nullptr)
        parts.push_back(detail::format("PRIMARY KEY ({})", quoted_list(shape.primary_key)));
    for (const auto& columns : shape.unique_constraints) parts.push_back(detail::format("UNIQUE ({})", quoted_list(columns)));
    for (const auto& key : shape.foreign_keys) parts.push_back(foreign_key_sql(key));
    std::vector<std::string> options;
    if (shape.without_rowid) options.emplace_back("WITHOUT ROWID");
    if (shape.strict) options.emplace_back("STRICT");
    return detail::format("CREATE TABLE {} ({}){}{}", sql_identifier(name), detail::join(parts, ", "),
                       options.empty() ? "" : " ", detail::join(options, ", "));
}

/// The table's row in sqlite_sequence: the largest id AUTOINCREMENT ever gave out.
inline std::optional<std::int64_t> autoincrement_sequence(sqlite::connection& conn, std::string_view table) {
    if (!table_exists(conn, "sqlite_sequence")) return std::nullopt;
    schema_query q(conn, "SELECT seq FROM sqlite_sequence WHERE name = ?");
    q->bind_text(1, table);
    if (!q->step()) return std::nullopt;
    return q->column_int64(0);
}

/// Steps 3-9: recreates `table` with `shape`, copying every row of the columns both have (not
/// those the change added). Indexes that use a column the shape no longer has are dropped with
/// it; views and triggers must still work. AUTOINCREMENT keeps its sqlite_sequence row, so ids
/// are never given out twice. Needs foreign key enforcement off and an open transaction (the
/// migration runner's steps 1-2).
inline void rebuild_table(ddl_runner<sqlite::connection>& run, const live_table& table, const table_shape& shape) {
    sqlite::connection& conn = run.conn();
    const std::string shown = printable(table.name);
    const std::string temporary = "relate_rebuild_" + table.name;
    if (table_exists(conn, temporary))
        throw schema_error(detail::format("relate: cannot rebuild table {}: a table named {} is in the way", shown,
                                       printable(temporary)));
    if (shape.without_rowid && shape.primary_key.empty())
        throw schema_error(detail::format("relate: cannot rebuild table {} without a primary key: it is a WITHOUT ROWID "
                                       "table; give it one with primary({{...}})",
                                       shown));
    std::vector<std::string> copied;
    for (const auto& column : shape.columns)
        if (table.column(column.name) != nullptr && !shape.added(column.name)) copied.push_back(column.name);
    if (copied.empty())
        throw schema_error(detail::format("relate: cannot rebuild table {}: none of its columns would be kept; drop it "
                                       "and create it again instead",
                                       shown));
    std::vector<std::string> gone;
    for (const auto& column : table.columns)
        if (!shape.has_column(column.name) || shape.added(column.name)) gone.push_back(column.name);

    const auto saved = dependent_objects(conn, table.name);  // step 3
    for (std::string_view type : {"trigger", "view"})  // triggers first: dropping a view drops its own
        for (const auto& object : saved)
            if (object.type == type)
                run.run(detail::format("DROP {} {}", type == "view" ? "VIEW" : "TRIGGER", sql_identifier(object.name)));

    run.run(create_table_sql(temporary, shape));  // step 4
    run.run(detail::format("INSERT INTO {} ({}) SELECT {} FROM {}", sql_identifier(temporary), quoted_list(copied),
                        quoted_list(copied), sql_identifier(table.name)));  // step 5
    const bool autoincrement = autoincrement_column(shape) != nullptr;
    const auto sequence = autoincrement ? autoincrement_sequence(conn, table.name) : std::nullopt;
    run.run("DROP TABLE " + sql_identifier(table.name));  // step 6
    run.run(detail::format("ALTER TABLE {} RENAME TO {}", sql_identifier(temporary), sql_identifier(table.name)));  // 7
    if (autoincrement) {
        // Dropping the table took its row; the new table's row only knows the ids still present.
        const std::string name = sql_literal(table.name);
        run.run("DELETE FROM sqlite_sequence WHERE name = " + name);
        if (sequence) run.run(detail::format("INSERT INTO sqlite_sequence (name, seq) VALUES ({}, {})", name, *sequence));
    }
    restore_dependent_objects(run, table.name, saved, gone);  // steps 8-9
}

}  // namespace relate::detail
