#pragma once
// Statements over a set of keys: `... WHERE match IN (...)`, or the backend's match for an array
// of keys (`= ANY(...)` on PostgreSQL), keys always bound, never formatted.
// Many integer keys are one bound array (SQLite: a JSON array read by json_each; PostgreSQL: a
// BIGINT[] compared with = ANY): one short statement whatever their number. A list of placeholders, each a
// key, would make SQLite parse and code a statement as long as the list (32,766 keys: a 100 KB
// statement and megabytes of program) for every new length. Other keys, and a few on SQLite, are
// a list padded to a power of two (unused slots repeat the last key, which adds no row) so the
// statement cache holds a few shapes per statement, chunked when the keys exceed the backend's
// bound-variable limit, read at run time.

#include <relate/detail/core/function_ref.hpp>
#include <relate/detail/model/codec.hpp>
#include <relate/detail/session.hpp>
#include <relate/detail/sql/sql_text.hpp>
#include <relate/detail/core/text.hpp>
#include <relate/error.hpp>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relate::detail {

/// "?, ?, ?" with n placeholders.
inline std::string placeholder_list(std::size_t n) {
    std::string out;
    out.reserve(n * 3);
    for (std::size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
    return out;
}

/// "IN (?, ?, ?)": n keys bound one by one.
inline std::string key_list(std::size_t n) { return "IN (" + placeholder_list(n) + ")"; }

/// Whether the keys go in one bound array: enough of them (B::fewest_array_keys), all integers,
/// and the backend able to read an array.
template <class B>
bool keys_as_array(const typename B::connection& conn, const std::vector<sqlite::value>& keys) {
    return keys.size() >= B::fewest_array_keys && B::takes_key_arrays(conn) &&
           std::all_of(keys.begin(), keys.end(), [](const sqlite::value& v) { return std::holds_alternative<std::int64_t>(v); });
}

/// "[1,2,3]" (JSON) or "{1,2,3}" (PostgreSQL): the integer keys as one array between `open` and `close`.
inline std::string integer_array(const std::vector<sqlite::value>& keys, char open, char close) {
    std::string out(keys.size() * 21 + 2, '\0');  // 20 characters for an int64, and a comma
    char* at = out.data();
    *at++ = open;
    for (const auto& key : keys) {
        at = std::to_chars(at, out.data() + out.size(), std::get<std::int64_t>(key)).ptr;
        *at++ = ',';
    }
    at[-1] = close;
    out.resize(static_cast<std::size_t>(at - out.data()));
    return out;
}

/// The parts of a keyed statement; keys go where `match IN (...)` is.
struct keyed_query {
    std::string select;               ///< the result columns
    std::string from;                 ///< FROM ... [JOIN ...]
    std::string match;                ///< the column compared with the keys
    std::string filter;               ///< a fixed condition (SQL text), or empty
    const fragment* where = nullptr;  ///< an extra condition (scope 0 is `own_table`)
    std::string_view own_table;
    std::string group_by;                       ///< " GROUP BY ..." or empty
    std::string order_by;                       ///< " ORDER BY ..." or empty
    std::optional<std::int64_t> per_key_limit;   ///< at most this many rows per key (ROW_NUMBER window)
    std::optional<std::int64_t> per_key_offset;  ///< skips this many rows per key (the same window)
    std::string window_order;                    ///< the window's ORDER BY terms when either is set

    /// The SQL with `keys` (IN and a parenthesised list, or the backend's array match) after
    /// `match`, plus the values bound after the keys.
    [[nodiscard]] sql_statement render(std::string_view keys) const {
        sql_statement out;
        const bool windowed = per_key_limit || per_key_offset;
        out.sql = windowed ? detail::format("SELECT {}, ROW_NUMBER() OVER (PARTITION BY {} ORDER BY {}) AS "
                                            "\"relate_row\" FROM {} WHERE {} {}",
                                            select, match, window_order, from, match, keys)
                           : detail::format("SELECT {} FROM {} WHERE {} {}", select, from, match, keys);
        if (!filter.empty()) out.sql += " AND " + filter;
        if (where != nullptr && !where->empty()) {
            out.sql += " AND (";
            out.append(*where, own_table);
            out.sql += ")";
        }
        out.sql += group_by;
        if (windowed) {
            // Rows offset + 1 to offset + limit of each key; the offset is subtracted rather than
            // added to the limit, which cannot overflow.
            const std::int64_t skip = per_key_offset.value_or(0);
            out.sql = detail::format("SELECT * FROM ({}) AS {} WHERE \"relate_row\" > ?", out.sql, sql_identifier(own_table));
            out.args.emplace_back(skip);
            if (per_key_limit) {
                out.sql += " AND \"relate_row\" - ? <= ?";
                out.args.emplace_back(skip);
                out.args.emplace_back(*per_key_limit);
            }
        }
        out.sql += order_by;
        return out;
    }

    [[nodiscard]] std::size_t extra_parameters() const {
        std::size_t n = per_key_limit ? 3 : per_key_offset ? 1 : 0;
        if (where != nullptr)
            for (const auto& p : where->pieces) n += p.what == piece::kind::value ? 1 : 0;
        return n;
    }
};

/// Runs the statement over every key: make_sql(keys) renders SQL with `keys` (what follows the
/// key column: `IN (?, ...)` or B::key_array_match) holding the first parameters, and its args after them. One statement for many integer
/// keys; otherwise one per chunk under the backend's bound-variable limit. Calls on_row(st) for each
/// result row. For a write (INSERT, UPDATE, DELETE), returns how many rows the statements changed.
template <class B>
std::int64_t run_in_chunks(session<B>& s, const std::vector<sqlite::value>& keys, std::size_t extra,
                           std::string_view table, function_ref<sql_statement(std::string_view)> make_sql,
                           function_ref<void(const typename B::statement&)> on_row) {
    const std::size_t limit = static_cast<std::size_t>(std::max(s.conn.variable_limit(), 1));
    if (extra >= limit)
        throw error(detail::format("relate: a statement on {} needs {} bound values besides its keys, over SQLite's "
                                   "limit of {}",
                                   table, extra, limit));
    if (keys_as_array<B>(s.conn, keys)) {
        const sql_statement sql = make_sql(B::key_array_match);
        auto st = s.conn.prepare(sql.sql);
        st->bind_text(1, integer_array(keys, B::key_array_brackets[0], B::key_array_brackets[1]));
        for (std::size_t i = 0; i < sql.args.size(); ++i) st->bind_value(static_cast<int>(i + 2), sql.args[i]);
        while (st->step()) on_row(*st);
        return s.conn.changes();
    }
    const std::size_t per_chunk = limit - extra;
    std::int64_t changed = 0;
    for (std::size_t start = 0; start < keys.size(); start += per_chunk) {
        const std::size_t count = std::min(per_chunk, keys.size() - start);
        const std::size_t placeholders = std::min(std::bit_ceil(count), per_chunk);
        const sql_statement sql = make_sql(key_list(placeholders));
        auto st = s.conn.prepare(sql.sql);
        for (std::size_t i = 0; i < count; ++i) st->bind_value(static_cast<int>(i + 1), keys[start + i]);
        // Not NULL: SQLite puts every IN value in a temporary index and seeks each one, so a NULL
        // costs an insert out of order and a seek, while a repeated key is one cheap insert.
        for (std::size_t i = count; i < placeholders; ++i) st->bind_value(static_cast<int>(i + 1), keys[start + count - 1]);
        for (std::size_t i = 0; i < sql.args.size(); ++i) st->bind_value(static_cast<int>(placeholders + i + 1), sql.args[i]);
        while (st->step()) on_row(*st);
        changed += s.conn.changes();
    }
    return changed;
}

/// Runs `head IN (?, ?, ...)` (head ends with the column) over the keys, chunked; on_row sees each result row; returns the rows changed.
template <class B>
std::int64_t for_keys(session<B>& s, std::string_view table, const std::vector<sqlite::value>& keys,
                      const std::string& head, function_ref<void(const typename B::statement&)> on_row) {
    return run_in_chunks<B>(
        s, keys, 0, table, [&](std::string_view list) { return sql_statement{head + std::string(list), {}}; }, on_row);
}

/// The keyed query over every key, chunked under the bound-variable limit; on_row sees each row.
template <class B>
void run_keyed(session<B>& s, const keyed_query& q, const std::vector<sqlite::value>& keys,
               function_ref<void(const typename B::statement&)> on_row) {
    run_in_chunks<B>(
        s, keys, q.extra_parameters(), q.own_table, [&](std::string_view list) { return q.render(list); }, on_row);
}

}  // namespace relate::detail
