#pragma once
// query<T>: where / order_by / limit / offset, then get, first, find, count, exists or remove.
// What needs no row type (count, exists, the SQL text) is in detail::query_core.
//
//   auto rows = db.query<User>().where(col<&User::name>.like("A%")).order_by(col<&User::id>.desc())
//                   .limit(20).get();

#include <relate/detail/query_core.hpp>
#include <relate/detail/relation_access.hpp>
#include <relate/detail/row.hpp>
#include <relate/detail/session.hpp>
#include <relate/eager.hpp>
#include <relate/exists.hpp>
#include <relate/expr.hpp>
#include <relate/model.hpp>
#include <relate/sqlite/transaction.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relate {

template <class T>
class query : public detail::query_core {
    using layout = detail::model_layout<T>;

public:
    explicit query(detail::session& s) : query_core(s, layout::table, layout::primary_key_name) {}

    /// Adds a condition; several where() calls are joined with AND.
    query& where(const predicate<T>& condition) {
        add_condition(condition.sql());
        return *this;
    }

    /// Sorts by the terms in order: order_by(col<&User::name>, col<&User::id>.desc()).
    template <class... Terms>
        requires(std::convertible_to<Terms, order_term<T>> && ...)
    query& order_by(const Terms&... terms) {
        (order_.push_back(static_cast<order_term<T>>(terms)), ...);
        return *this;
    }

    query& limit(std::int64_t n) {
        limit_ = n;
        return *this;
    }
    query& offset(std::int64_t n) {
        offset_ = n;
        return *this;
    }

    /// Eager-loads relations with the rows: one statement per relation edge, whatever the
    /// number of rows. Takes up to eight includes per call; call it again for more.
    query& with(include_arg<T> a, include_arg<T> b = {}, include_arg<T> c = {}, include_arg<T> d = {},
                include_arg<T> e = {}, include_arg<T> f = {}, include_arg<T> g = {}, include_arg<T> h = {}) {
        for (const auto* arg : {&a, &b, &c, &d, &e, &f, &g, &h})
            arg->apply(includes_, 1, session_->options.include_depth_limit);
        return *this;
    }

    /// Counts related rows per row (one grouped statement per relation): then row.rel.count().
    template <class R>
        requires detail::relation_field<R>
    query& with_count(R T::*) {
        counts_.push_back(&detail::load_count<T, detail::relation_index<T, R>()>);
        return *this;
    }

    /// Every matching row, with the requested relations loaded.
    std::vector<T> get() {
        if (includes_.empty() && counts_.empty()) return read_rows();
        // One read transaction: the rows and every relation come from one snapshot.
        sqlite::transaction snapshot(session_->conn);
        std::vector<T> rows = read_rows();
        std::vector<T*> parents;
        parents.reserve(rows.size());
        for (auto& row : rows) parents.push_back(&row);
        includes_.load(*session_, detail::addresses_of(parents), 1);
        for (auto* count : counts_) count(*session_, parents);
        snapshot.commit();
        return rows;
    }

    /// The first matching row (in order_by order), if any.
    std::optional<T> first() {
        auto one = *this;
        one.limit_ = 1;
        auto rows = one.get();
        if (rows.empty()) return std::nullopt;
        return std::move(rows.front());
    }

    /// The matching row with this primary key, if any.
    std::optional<T> find(const typename layout::key_type& key) {
        auto one = *this;
        one.add_key_condition(detail::to_value(key, {layout::table, layout::primary_key_name}));
        return one.first();
    }

    /// Deletes every matching row with the delete policies of a single remove; returns how many
    /// rows of T it deleted. All or nothing: a restrict policy blocking one row removes none.
    std::int64_t remove() { return remove_rows(detail::table_info_of<T>()); }

private:
    std::vector<T> read_rows() {
        detail::sql_statement sql = select_statement(detail::select_list<T>(layout::table));
        auto st = session_->conn.prepare(sql.sql);
        sql.bind(*st);
        std::vector<T> rows;
        while (st->step()) {
            T& row = rows.emplace_back();
            detail::read_row(*st, row);
            detail::stamp_relations(row, true);  // while the row is in cache, not in a second pass
        }
        if (rows.size() == 1) detail::stamp_relations(rows.front(), false);
        return rows;
    }

    std::vector<void (*)(detail::session&, const std::vector<T*>&)> counts_;
};

}  // namespace relate
