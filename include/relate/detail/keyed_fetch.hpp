#pragma once
// One batched statement per relation edge: `... WHERE match IN (?, ?, ...)` over a de-duplicated
// key set. Keys are always bound, never formatted. The list is padded to a power of two (unused
// slots repeat the last key, which adds no row) so the statement cache holds a few shapes per
// edge, and chunked when the keys exceed SQLite's bound-variable limit, read at run time.

#include <relate/detail/column_io.hpp>
#include <relate/detail/function_ref.hpp>
#include <relate/detail/key_set.hpp>
#include <relate/detail/layout.hpp>
#include <relate/detail/session.hpp>
#include <relate/detail/sql_text.hpp>
#include <relate/error.hpp>

#include <relate/detail/text.hpp>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
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
    std::string select;              ///< the result columns
    std::string from;                ///< FROM ... [JOIN ...]
    std::string match;               ///< the column compared with the keys
    const fragment* where = nullptr; ///< an extra condition (scope 0 is `own_table`)
    std::string_view own_table;
    std::string group_by;            ///< " GROUP BY ..." or empty
    std::string order_by;            ///< " ORDER BY ..." or empty
    std::optional<std::int64_t> per_key_limit;  ///< at most this many rows per key (ROW_NUMBER window)
    std::string window_order;        ///< the window's ORDER BY terms when per_key_limit is set

    /// The SQL for `placeholders` keys, plus the values bound after the keys.
    [[nodiscard]] sql_statement render(std::size_t placeholders) const {
        sql_statement out;
        const std::string in_list = placeholder_list(placeholders);

        std::string core = per_key_limit ? detail::format("SELECT {}, ROW_NUMBER() OVER (PARTITION BY {} ORDER BY {}) AS "
                                                       "\"relate_row\" FROM {} WHERE {} IN ({})",
                                                       select, match, window_order, from, match, in_list)
                                          : detail::format("SELECT {} FROM {} WHERE {} IN ({})", select, from, match, in_list);
        out.sql = std::move(core);
        if (where != nullptr && !where->empty()) {
            out.sql += " AND (";
            out.append(*where, own_table);
            out.sql += ")";
        }
        out.sql += group_by;
        if (per_key_limit) {
            out.sql = detail::format("SELECT * FROM ({}) AS {} WHERE \"relate_row\" <= ?", out.sql, sql_identifier(own_table));
            out.args.emplace_back(*per_key_limit);
        }
        out.sql += order_by;
        return out;
    }

    [[nodiscard]] std::size_t extra_parameters() const {
        std::size_t n = per_key_limit ? 1 : 0;
        if (where != nullptr)
            for (const auto& p : where->pieces) n += std::holds_alternative<value_piece>(p) ? 1 : 0;
        return n;
    }
};

/// A key's value as the hash-map key type K (nullptr when an optional key is empty).
template <class K, class F>
std::optional<K> key_value(const F& field) {
    if constexpr (is_nullable<F>) {
        if (!field) return std::nullopt;
        return static_cast<K>(*field);
    } else {
        return static_cast<K>(field);
    }
}

/// Reads a row's primary key (the key of has_one, has_many and belongs_to_many edges).
struct primary_key_reader {
    template <class Row>
    const auto& operator()(const Row& row) const {
        return primary_key_of(row);
    }
};

/// The distinct non-null keys `key_of` reads from the rows, in first-seen order.
template <class K, class Row, class KeyOf>
std::vector<K> distinct_keys(const std::vector<Row*>& rows, KeyOf key_of) {
    std::vector<K> keys;
    keys.reserve(rows.size());
    std::unordered_set<K> seen;
    seen.reserve(rows.size());
    for (const Row* row : rows) {
        const std::optional<K> k = key_value<K>(key_of(*row));
        if (k && seen.insert(*k).second) keys.push_back(*k);
    }
    return keys;
}

/// Runs one statement per chunk of keys, each chunk under SQLite's bound-variable limit:
/// make_sql(placeholders) renders SQL whose first `placeholders` parameters are the keys (unused
/// slots repeat the last key) and whose args follow them. Calls on_row(st) for each result row.
/// For a write (INSERT, UPDATE, DELETE), returns how many rows the statements changed.
template <class K>
std::int64_t run_in_chunks(session& s, const std::vector<K>& keys, std::size_t extra, column_context key_context,
                           function_ref<sql_statement(std::size_t)> make_sql,
                           function_ref<void(const sqlite::statement&)> on_row) {
    const std::size_t limit = static_cast<std::size_t>(std::max(s.conn.variable_limit(), 1));
    if (extra >= limit)
        throw error(detail::format("relate: a statement on {} needs {} bound values besides its keys, over SQLite's limit of {}",
                                key_context.table, extra, limit));
    const std::size_t per_chunk = limit - extra;
    std::int64_t changed = 0;
    for (std::size_t start = 0; start < keys.size(); start += per_chunk) {
        const std::size_t count = std::min(per_chunk, keys.size() - start);
        const std::size_t placeholders = std::min(std::bit_ceil(count), per_chunk);
        const sql_statement sql = make_sql(placeholders);
        auto st = s.conn.prepare(sql.sql);
        for (std::size_t i = 0; i < count; ++i) bind_field(*st, static_cast<int>(i + 1), keys[start + i], key_context);
        // Not NULL: SQLite puts every IN value in a temporary index and seeks each one, so a NULL
        // costs an insert out of order and a seek, while a repeated key is one cheap insert.
        for (std::size_t i = count; i < placeholders; ++i)
            bind_field(*st, static_cast<int>(i + 1), keys[start + count - 1], key_context);
        for (std::size_t i = 0; i < sql.args.size(); ++i)
            st->bind_value(static_cast<int>(placeholders + i + 1), sql.args[i]);
        while (st->step()) on_row(*st);
        changed += s.conn.changes();
    }
    return changed;
}

/// The keys that name a row of `table`: one statement per chunk of keys.
inline key_set existing_keys(session& s, std::string_view table, std::string_view primary_key,
                             const std::vector<sqlite::value>& keys) {
    key_set found;
    const std::string head = detail::format("SELECT {} FROM {} WHERE {} IN (", sql_identifier(primary_key),
                                         sql_identifier(table), sql_identifier(primary_key));
    run_in_chunks(
        s, keys, 0, column_context{table, primary_key},
        [&](std::size_t n) { return sql_statement{head + placeholder_list(n) + ")", {}}; },
        [&](const sqlite::statement& st) { found.insert(st.column_value(0)); });
    return found;
}

/// Runs the keyed query over every key, chunked under the bound-variable limit; calls on_row(st)
/// for each result row.
template <class K>
void run_keyed(session& s, const keyed_query& q, const std::vector<K>& keys, column_context key_context,
               function_ref<void(const sqlite::statement&)> on_row) {
    run_in_chunks(
        s, keys, q.extra_parameters(), key_context, [&](std::size_t placeholders) { return q.render(placeholders); },
        on_row);
}

}  // namespace relate::detail
