#pragma once
// The table rebuild SQLite documents for the changes ALTER TABLE cannot make (drop or change a
// column, add or drop a foreign key): https://www.sqlite.org/lang_altertable.html, "Making Other
// Kinds Of Table Schema Changes". The migration runner does steps 1-2 and 10-12 (foreign keys
// off, BEGIN, foreign_key_check, COMMIT, foreign keys back on); this header does steps 3-9.

#include <relate/detail/identifier.hpp>
#include <relate/detail/live_schema.hpp>
#include <relate/detail/sql_text.hpp>
#include <relate/error.hpp>
#include <relate/sqlite/connection.hpp>

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
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

    [[nodiscard]] bool has_column(std::string_view name) const {
        return std::any_of(columns.begin(), columns.end(),
                           [&](const live_column& c) { return same_identifier(c.name, name); });
    }
};

/// A word of SQL text outside names, strings and comments, upper-cased, with its depth in
/// parentheses.
struct sql_word {
    std::string text;
    int depth = 0;
};

inline std::vector<sql_word> sql_words(std::string_view sql) {
    const auto word_char = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
    };
    std::vector<sql_word> out;
    int depth = 0;
    std::size_t i = 0;
    while (i < sql.size()) {
        const char c = sql[i];
        const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
        std::size_t skip_to = std::string_view::npos;
        if (c == '\'' || c == '"' || c == '`' || c == '[') {
            // A doubled quote inside reads as two quoted runs, which skips the same text.
            skip_to = sql.find(c == '[' ? ']' : c, i + 1);
        } else if (c == '-' && next == '-') {
            skip_to = sql.find('\n', i);
        } else if (c == '/' && next == '*') {
            skip_to = sql.find("*/", i + 2);
            if (skip_to != std::string_view::npos) ++skip_to;
        } else if (word_char(c) && !(c >= '0' && c <= '9')) {
            std::string word;
            for (; i < sql.size() && word_char(sql[i]); ++i)
                word += sql[i] >= 'a' && sql[i] <= 'z' ? static_cast<char>(sql[i] - 'a' + 'A') : sql[i];
            out.push_back({std::move(word), depth});
            continue;
        } else {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            ++i;
            continue;
        }
        if (skip_to == std::string_view::npos) break;
        i = skip_to + 1;
    }
    return out;
}

/// The shape of a live table, or relate::schema_error naming what a rebuild could not keep.
inline table_shape shape_of(const live_table& table) {
    const auto refuse = [&](std::string_view what) {
        throw schema_error(fmt::format("relate: cannot rebuild table {}: its definition uses {}, which the rebuild "
                                       "would not keep; make this change with s.execute(...) and SQL of your own",
                                       table.name, what));
    };
    table_shape shape;
    bool in_body = false;
    std::string_view previous;
    for (const auto& word : sql_words(table.sql)) {
        if (word.depth > 0) {
            in_body = true;
            for (std::string_view kept_out : {"CHECK", "COLLATE", "AUTOINCREMENT", "DEFERRABLE"})
                if (word.text == kept_out) refuse(kept_out);
            if (word.text == "CONFLICT" && previous == "ON") refuse("ON CONFLICT");
        } else if (in_body) {
            shape.without_rowid = shape.without_rowid || word.text == "ROWID";
            shape.strict = shape.strict || word.text == "STRICT";
        }
        previous = word.text;
    }
    for (const auto& column : table.columns) {
        if (column.generated) refuse(fmt::format("a generated column ({})", column.name));
        shape.columns.push_back(column);
    }
    std::vector<const live_column*> key;
    for (const auto& column : table.columns)
        if (column.primary_key_position > 0) key.push_back(&column);
    std::sort(key.begin(), key.end(), [](const live_column* a, const live_column* b) {
        return a->primary_key_position < b->primary_key_position;
    });
    for (const live_column* column : key) shape.primary_key.push_back(column->name);
    for (const auto& index : table.indexes) {
        if (index.origin != "u") continue;
        std::vector<std::string> columns;
        for (const auto& column : index.columns) columns.push_back(column.value_or(""));
        shape.unique_constraints.push_back(std::move(columns));
    }
    shape.foreign_keys = table.foreign_keys;
    return shape;
}

inline std::string quoted_list(const std::vector<std::string>& names) {
    std::vector<std::string> quoted_names;
    for (const auto& name : names) quoted_names.push_back(sql_identifier(name));
    return fmt::format("{}", fmt::join(quoted_names, ", "));
}

inline std::string create_table_sql(std::string_view name, const table_shape& shape) {
    std::vector<std::string> parts;
    for (const auto& column : shape.columns) {
        std::string part = sql_identifier(column.name);
        if (!column.type.empty()) part += ' ' + column.type;
        if (column.not_null) part += " NOT NULL";
        // table_info gives the expression without its parentheses; they make any expression valid here.
        if (column.default_sql) part += fmt::format(" DEFAULT ({})", *column.default_sql);
        parts.push_back(std::move(part));
    }
    if (!shape.primary_key.empty()) parts.push_back(fmt::format("PRIMARY KEY ({})", quoted_list(shape.primary_key)));
    for (const auto& columns : shape.unique_constraints) parts.push_back(fmt::format("UNIQUE ({})", quoted_list(columns)));
    for (const auto& key : shape.foreign_keys) {
        std::string part = fmt::format("FOREIGN KEY ({}) REFERENCES {}", quoted_list(key.from), sql_identifier(key.table));
        // A key written without parent columns points at the parent's primary key; keep it that way.
        if (std::all_of(key.to.begin(), key.to.end(), [](const auto& to) { return to.has_value(); })) {
            std::vector<std::string> to;
            for (const auto& column : key.to) to.push_back(*column);
            part += fmt::format(" ({})", quoted_list(to));
        }
        part += fmt::format(" ON UPDATE {} ON DELETE {}", key.on_update, key.on_delete);
        parts.push_back(std::move(part));
    }
    std::vector<std::string> options;
    if (shape.without_rowid) options.emplace_back("WITHOUT ROWID");
    if (shape.strict) options.emplace_back("STRICT");
    return fmt::format("CREATE TABLE {} ({}){}{}", sql_identifier(name), fmt::join(parts, ", "),
                       options.empty() ? "" : " ", fmt::join(options, ", "));
}

struct schema_object {
    std::string type;
    std::string name;
    std::string sql;
};

/// Steps 3-9: recreates `table` with `shape`, copying every row of the columns both have.
/// Indexes that use a column the shape no longer has are dropped with it. Needs foreign key
/// enforcement off and an open transaction (the migration runner's steps 1-2).
inline void rebuild_table(sqlite::connection& conn, const live_table& table, const table_shape& shape) {
    const std::string temporary = "relate_rebuild_" + table.name;
    if (table_exists(conn, temporary))
        throw schema_error(fmt::format("relate: cannot rebuild table {}: a table named {} is in the way", table.name,
                                       temporary));
    // Step 3. All triggers and views too: renaming the new table re-checks every one of them, and
    // they would name a table that is gone for a moment.
    std::vector<schema_object> saved;
    {
        schema_query q(conn,
                       "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND (type IN ('trigger', "
                       "'view') OR (type = 'index' AND tbl_name = ?))");
        q->bind_text(1, table.name);
        while (q->step())
            saved.push_back({std::string(q->column_text(0)), std::string(q->column_text(1)),
                             std::string(q->column_text(2))});
    }
    for (const auto& object : saved)
        if (object.type != "index") conn.execute(fmt::format("DROP {} {}", object.type == "view" ? "VIEW" : "TRIGGER",
                                                             sql_identifier(object.name)));

    conn.execute(create_table_sql(temporary, shape));  // step 4
    std::vector<std::string> copied;
    for (const auto& column : shape.columns)
        if (table.column(column.name) != nullptr) copied.push_back(column.name);
    conn.execute(fmt::format("INSERT INTO {} ({}) SELECT {} FROM {}", sql_identifier(temporary), quoted_list(copied),
                             quoted_list(copied), sql_identifier(table.name)));  // step 5
    conn.execute("DROP TABLE " + sql_identifier(table.name));                    // step 6
    conn.execute(fmt::format("ALTER TABLE {} RENAME TO {}", sql_identifier(temporary),
                             sql_identifier(table.name)));  // step 7

    const auto uses_gone_column = [&](const schema_object& index) {
        const auto live = std::find_if(table.indexes.begin(), table.indexes.end(),
                                       [&](const live_index& i) { return i.name == index.name; });
        return live != table.indexes.end() &&
               std::any_of(live->columns.begin(), live->columns.end(),
                           [&](const auto& column) { return column && !shape.has_column(*column); });
    };
    for (const auto& object : saved)  // steps 8-9
        if (object.type != "index" || !uses_gone_column(object)) conn.execute(object.sql);
    // CREATE VIEW does not look at the columns a view names; reading it does.
    for (const auto& object : saved) {
        if (object.type != "view") continue;
        try {
            const schema_query read_view(conn, fmt::format("SELECT * FROM {}", sql_identifier(object.name)));
        } catch (const sql_error&) {
            throw schema_error(fmt::format("relate: cannot rebuild table {}: view {} would no longer work ({})",
                                           table.name, object.name, sqlite3_errmsg(conn.handle())));
        }
    }
}

}  // namespace relate::detail
