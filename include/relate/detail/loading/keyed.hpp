#pragma once
// Statements over a set of keys: `... WHERE match IN (?, ?, ...)`, keys always bound, never
// formatted. The list is padded to a power of two (unused slots repeat the last key, which adds
// no row) so the statement cache holds a few shapes per statement, and chunked when the keys
// exceed SQLite's bound-variable limit, read at run time.

#include <relate/detail/core/function_ref.hpp>
#include <relate/detail/model/codec.hpp>
#include <relate/detail/session.hpp>
#include <relate/detail/sql/sql_text.hpp>
#include <relate/detail/core/text.hpp>
#include <relate/error.hpp>

#include <algorithm>
#include <bit>
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

    /// The SQL for `placeholders` keys, plus the values bound after the keys.
    [[nodiscard]] sql_statement render(std::size_t placeholders) const {
        sql_statement out;
        const std::string in_list = placeholder_list(placeholders);
        const bool windowed = per_key_limit || per_key_offset;
        out.sql = windowed ? detail::format("SELECT {}, ROW_NUMBER() OVER (PARTITION BY {} ORDER BY {}) AS "
                                            "\"relate_row\" FROM {} WHERE {} IN ({})",
                                            select, match, window_order, from, match, in_list)
                           : detail::format("SELECT {} FROM {} WHERE {} IN ({})", select, from, match, in_list);
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
            for (const auto& p : where->pieces) n += std::holds_alternative<value_piece>(p) ? 1 : 0;
        return n;
    }
};

/// Runs one statement per chunk of keys, each chunk under SQLite's bound-variable limit:
/// make_sql(placeholders) renders SQL whose first `placeholders` parameters are the keys (unused
/// slots repeat the last key) and whose args follow them. Calls on_row(st) for each result row.
/// For a write (INSERT, UPDATE, DELETE), returns how many rows the statements changed.
template <class B>
std::int64_t run_in_chunks(session<B>& s, const std::vector<sqlite::value>& keys, std::size_t extra,
                           std::string_view table, function_ref<sql_statement(std::size_t)> make_sql,
                           function_ref<void(const typename B::statement&)> on_row) {
    const std::size_t limit = static_cast<std::size_t>(std::max(s.conn.variable_limit(), 1));
    if (extra >= limit)
        throw error(detail::format("relate: a statement on {} needs {} bound values besides its keys, over SQLite's "
                                   "limit of {}",
                                   table, extra, limit));
    const std::size_t per_chunk = limit - extra;
    std::int64_t changed = 0;
    for (std::size_t start = 0; start < keys.size(); start += per_chunk) {
        const std::size_t count = std::min(per_chunk, keys.size() - start);
        const std::size_t placeholders = std::min(std::bit_ceil(count), per_chunk);
        const sql_statement sql = make_sql(placeholders);
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

/// Runs `head (?, ?, ...)` over the keys, chunked; on_row sees each result row; returns the rows changed.
template <class B>
std::int64_t for_keys(session<B>& s, std::string_view table, const std::vector<sqlite::value>& keys,
                      const std::string& head, function_ref<void(const typename B::statement&)> on_row) {
    return run_in_chunks<B>(
        s, keys, 0, table, [&](std::size_t n) { return sql_statement{head + "(" + placeholder_list(n) + ")", {}}; },
        on_row);
}

/// The keyed query over every key, chunked under the bound-variable limit; on_row sees each row.
template <class B>
void run_keyed(session<B>& s, const keyed_query& q, const std::vector<sqlite::value>& keys,
               function_ref<void(const typename B::statement&)> on_row) {
    run_in_chunks<B>(
        s, keys, q.extra_parameters(), q.own_table, [&](std::size_t placeholders) { return q.render(placeholders); },
        on_row);
}

}  // namespace relate::detail
