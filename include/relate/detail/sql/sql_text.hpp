#pragma once
// SQL text building: quoted identifiers, fragments with bound values, and the renderer that
// turns a fragment into text plus the values to bind. Values never enter the text.

#include <relate/sqlite/statement.hpp>
#include <relate/sqlite/value.hpp>

#include <relate/detail/core/text.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relate::detail {

/// "name" with embedded quotes doubled: identifiers always go through here.
inline void append_quoted(std::string& out, std::string_view identifier) {
    out += '"';
    for (char c : identifier) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

inline std::string sql_identifier(std::string_view identifier) {
    std::string out;
    append_quoted(out, identifier);
    return out;
}

/// "table"."column".
inline std::string qualified_column(std::string_view table, std::string_view column) {
    std::string out;
    append_quoted(out, table);
    out += '.';
    append_quoted(out, column);
    return out;
}

/// One piece of a fragment: text; a reference to a column of the table in `scope` (0 is the
/// statement's own table, k > 0 the k-th correlated subquery alias "r1", "r2", ... that relate::has
/// introduces); or a bound value, with `placeholder` saying whether the piece itself renders as "?"
/// (false for values of relate::raw, whose text carries its own placeholders). A tagged struct
/// rather than a std::variant, whose copy, move and visiting code every file that builds a query
/// would compile (386 functions at -O0 in the yardstick's workloads).
struct piece {
    enum class kind : unsigned char { text, column, value };
    kind what = kind::text;
    bool placeholder = true;
    int scope = 0;
    // {}: a piece names only the members it uses, and -Wmissing-field-initializers (-Wextra) asks
    // that every member it leaves out have an initializer.
    std::string text{};
    std::string_view column{};
    sqlite::value value{};
};

/// A piece of SQL: text, column references and bound values, in order.
struct fragment {
    std::vector<piece> pieces;
    int max_scope = 0;  ///< the deepest subquery alias used inside

    fragment& text(std::string t) {
        pieces.push_back({.what = piece::kind::text, .text = std::move(t)});
        return *this;
    }
    fragment& column(std::string_view name, int scope = 0) {
        pieces.push_back({.what = piece::kind::column, .scope = scope, .column = name});
        return *this;
    }
    fragment& value(sqlite::value v, bool placeholder = true) {
        pieces.push_back({.what = piece::kind::value, .placeholder = placeholder, .value = std::move(v)});
        return *this;
    }
    fragment& append(const fragment& other) {
        pieces.insert(pieces.end(), other.pieces.begin(), other.pieces.end());
        max_scope = std::max(max_scope, other.max_scope);
        return *this;
    }
    /// Moves the references to the own table (scope 0) into subquery scope `scope`.
    fragment& rescope(int scope) {
        for (auto& p : pieces)
            if (p.what == piece::kind::column && p.scope == 0) p.scope = scope;
        max_scope = std::max(max_scope, scope);
        return *this;
    }
    /// Names `table` in the references to the own table: a condition on a joined table.
    fragment& qualify(std::string_view table) {
        for (auto& p : pieces)
            if (p.what == piece::kind::column && p.scope == 0) p = {.text = qualified_column(table, p.column)};
        return *this;
    }
    [[nodiscard]] bool empty() const noexcept { return pieces.empty(); }
};

/// (a op b): how predicates combine, in code shared by every model.
inline fragment combined(const fragment& a, const char* op, const fragment& b) {
    fragment f;
    f.text("(").append(a).text(op).append(b).text(")");
    return f;
}

/// Joins `condition` to `where` with AND; the first condition becomes `where`. How query::where
/// and include(...).where add up.
inline void and_where(std::optional<fragment>& where, const fragment& condition) {
    where = where ? combined(*where, " AND ", condition) : condition;
}

/// NOT (a).
inline fragment negated(const fragment& a) {
    fragment f;
    f.text("NOT (").append(a).text(")");
    return f;
}

/// `column op` and, unless `operand` is empty, a bound value: "name" = ?, "name" IS NULL.
inline fragment column_condition(std::string_view column, const char* op, std::optional<sqlite::value> operand = {}) {
    fragment f;
    f.column(column).text(op);
    if (operand) f.value(std::move(*operand));
    return f;
}

/// An ORDER BY term without its model type, so the SQL is rendered by code shared by every model.
struct order_spec {
    std::string_view column;
    bool descending = false;
    std::string_view table{};  ///< a joined table's name, or empty for the statement's own table
};

/// `"table"."column" ASC, ...` for the terms; empty for none.
inline std::string order_terms(std::string_view table, const std::vector<order_spec>& terms) {
    std::string out;
    for (const auto& term : terms) {
        if (!out.empty()) out += ", ";
        append_quoted(out, term.table.empty() ? table : term.table);
        out += '.';
        append_quoted(out, term.column);
        out += term.descending ? " DESC" : " ASC";
    }
    return out;
}

/// SQL text plus the values to bind to its placeholders, in order.
struct sql_statement {
    std::string sql;
    std::vector<sqlite::value> args;

    /// Renders a fragment; `own_table` qualifies scope-0 columns.
    void append(const fragment& f, std::string_view own_table) {
        for (const auto& p : f.pieces) {
            switch (p.what) {
            case piece::kind::text:
                sql += p.text;
                break;
            case piece::kind::column:
                if (p.scope == 0)
                    append_quoted(sql, own_table);
                else
                    sql += detail::format("\"r{}\"", p.scope);
                sql += '.';
                append_quoted(sql, p.column);
                break;
            case piece::kind::value:
                if (p.placeholder) sql += '?';
                args.push_back(p.value);
                break;
            }
        }
    }

    /// Binds args to the statement, from parameter 1.
    template <class Statement>
    void bind(Statement& st) const {
        for (std::size_t i = 0; i < args.size(); ++i) st.bind_value(static_cast<int>(i + 1), args[i]);
    }
};

/// SELECT what FROM table [WHERE ...] [ORDER BY ...] [LIMIT ? [OFFSET ?]].
inline sql_statement select_statement(const std::string& what, std::string_view table, const fragment* where,
                                      const std::vector<order_spec>& order, std::optional<std::int64_t> limit,
                                      std::optional<std::int64_t> offset) {
    sql_statement out;
    out.sql = "SELECT " + what + " FROM " + sql_identifier(table);
    if (where != nullptr) {
        out.sql += " WHERE ";
        out.append(*where, table);
    }
    if (!order.empty()) out.sql += " ORDER BY " + order_terms(table, order);
    if (limit || offset) {
        out.sql += " LIMIT ?";
        // No limit but an offset: the largest count, which both SQLite and PostgreSQL take.
        out.args.emplace_back(limit.value_or(std::numeric_limits<std::int64_t>::max()));
        if (offset) {
            out.sql += " OFFSET ?";
            out.args.emplace_back(*offset);
        }
    }
    return out;
}

}  // namespace relate::detail
