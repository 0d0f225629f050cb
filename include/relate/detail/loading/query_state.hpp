#pragma once
// What a query<T> holds without its row type, and what it does with it on a backend: render its
// SELECT, read the rows through the model's description, load the includes and counts, count,
// test for existence, and remove with the delete policies.

#include <relate/detail/loading/aggregates.hpp>
#include <relate/detail/loading/include_tree.hpp>
#include <relate/detail/loading/loader.hpp>
#include <relate/detail/model/model_desc.hpp>
#include <relate/detail/model/rows.hpp>
#include <relate/detail/session.hpp>
#include <relate/detail/sql/sql_text.hpp>
#include <relate/detail/writing/committer.hpp>
#include <relate/detail/writing/database_policies.hpp>
#include <relate/detail/writing/key_check.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace relate::detail {

struct query_state {
    std::optional<fragment> where;
    std::vector<order_spec> order;
    std::optional<std::int64_t> limit;
    std::optional<std::int64_t> offset;
    include_list includes;
    std::vector<aggregate_spec> aggregates;  ///< with_count, with_sum, ...

    [[nodiscard]] sql_statement select(const std::string& what, std::string_view table) const {
        return select_statement(what, table, where ? &*where : nullptr, order, limit, offset);
    }
};

template <class B>
std::int64_t scalar(session<B>& s, const sql_statement& sql) {
    auto st = s.conn.prepare(sql.sql);
    sql.bind(*st);
    st->step();
    return st->column_int64(0);
}

/// Reads every matching row into `rows` (a std::vector of the model) through m.emplace.
template <class B>
void read_rows(session<B>& s, const model_desc<B>& m, const query_state& q, void* rows) {
    const sql_statement sql = q.select(m.sql.select_list, m.table);
    auto st = s.conn.prepare(sql.sql);
    sql.bind(*st);
    void* last = nullptr;
    std::size_t count = 0;
    while (st->step()) {
        last = m.emplace(rows, st->rows_known());  // a server's result is whole: one allocation
        read_row(*st, m, last);
        stamp_row(m, last, true);  // while the row is in cache, not in a second pass
        ++count;
    }
    if (count == 1) stamp_row(m, last, false);
}

/// Loads the query's includes and aggregates into the rows it read, in the caller's transaction.
template <class B>
void load_into(session<B>& s, const model_desc<B>& m, const query_state& q, std::span<void* const> rows) {
    load_list(s, m, q.includes, rows, 1);
    load_aggregates(s, m, q.aggregates, rows);
}

/// How many rows match (after limit and offset). Without either, the order changes nothing and is
/// left out (PostgreSQL refuses an ORDER BY column beside COUNT(*)).
template <class B>
std::int64_t count_rows(session<B>& s, std::string_view table, const query_state& q) {
    if (!q.limit && !q.offset)
        return scalar(s, select_statement("COUNT(*)", table, q.where ? &*q.where : nullptr, {}, {}, {}));
    sql_statement inner = q.select("1", table);
    return scalar(s, sql_statement{"SELECT COUNT(*) FROM (" + inner.sql + ") AS \"relate_counted\"", std::move(inner.args)});
}

template <class B>
bool any_row(session<B>& s, std::string_view table, const query_state& q) {
    sql_statement inner = q.select("1", table);
    return scalar(s, sql_statement{"SELECT EXISTS (" + inner.sql + ")", std::move(inner.args)}) != 0;
}

/// Deletes the matching rows with their delete policies; returns how many rows of the model it
/// deleted. All or nothing: a restrict policy blocking one row removes none.
template <class B>
std::int64_t remove_rows(session<B>& s, const model_desc<B>& m, const query_state& q) {
    const std::string key = qualified_column(m.table, m.key_column().name);
    if (!has_dependents(m) || database_applies_policies(s, {&m})) {
        // No policy to apply (no has_one, has_many or belongs_to_many relation), or the database
        // applies them all: one statement.
        require_key_behaviour(s, m);
        sql_statement inner = q.select(key, m.table);
        const sql_statement sql{detail::format("DELETE FROM {} WHERE {} IN ({})", sql_identifier(m.table),
                                               sql_identifier(m.key_column().name), inner.sql),
                                std::move(inner.args)};
        auto st = s.conn.prepare(sql.sql);
        sql.bind(*st);
        st->step();
        return s.conn.changes();
    }
    typename B::transaction tx(s.conn, B::transaction_mode::immediate);
    std::vector<sqlite::value> keys;
    {
        const sql_statement sql = q.select(key, m.table);
        auto st = s.conn.prepare(sql.sql);
        sql.bind(*st);
        while (st->step()) keys.push_back(st->column_value(0));
    }
    const auto removed = static_cast<std::int64_t>(keys.size());
    committer<B> c(s);
    c.remove_keys(m, std::move(keys));
    c.commit(&tx);
    tx.commit();
    return removed;
}

}  // namespace relate::detail
