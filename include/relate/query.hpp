#pragma once
// query<T>: where / order_by / limit / offset, with (eager loading), with_count and the other
// aggregates of its relations (detail/loading/aggregate_requests.hpp), then get, first, find,
// count, exists or remove.
// What needs no row type (the SQL, counting, removing) is in detail::query_state.
//
//   auto rows = db.query<User>().where(col<&User::name>.like("A%")).order_by(col<&User::id>.desc())
//                   .limit(20).get();

#include <relate/detail/model/model_desc.hpp>
#include <relate/detail/loading/query_state.hpp>
#include <relate/detail/core/run_again.hpp>
#include <relate/detail/session.hpp>
#include <relate/eager.hpp>
#include <relate/exists.hpp>
#include <relate/expr.hpp>
#include <relate/model.hpp>
#include <relate/sqlite/backend.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relate {

template <class T, class B = sqlite::backend>
class query : public detail::aggregate_requests<query<T, B>, T> {
    using layout = detail::model_layout<T>;
    friend class detail::aggregate_requests<query, T>;

public:
    explicit query(detail::session<B>& s) : session_(&s) {}

    /// Adds a condition; several where() calls are joined with AND.
    query& where(const predicate<T>& condition) {
        detail::and_where(state_.where, condition.sql());
        return *this;
    }

    /// Sorts by the terms in order: order_by(col<&User::name>, col<&User::id>.desc()).
    template <class... Terms>
        requires(std::convertible_to<Terms, order_term<T>> && ...)
    query& order_by(const Terms&... terms) {
        (state_.order.push_back(static_cast<order_term<T>>(terms)), ...);
        return *this;
    }

    query& limit(std::int64_t n) {
        state_.limit = n;
        return *this;
    }
    query& offset(std::int64_t n) {
        state_.offset = n;
        return *this;
    }

    /// Eager-loads relations with the rows: one statement per relation edge, whatever the
    /// number of rows. Takes up to eight includes per call; call it again for more.
    query& with(include_arg<T> a, include_arg<T> b = {}, include_arg<T> c = {}, include_arg<T> d = {},
                include_arg<T> e = {}, include_arg<T> f = {}, include_arg<T> g = {}, include_arg<T> h = {}) {
        detail::add_includes(state_.includes, {&a, &b, &c, &d, &e, &f, &g, &h}, session_->options.include_depth_limit);
        return *this;
    }

    /// Every matching row, with the requested relations loaded.
    std::vector<T> get() {
        const auto& m = detail::describe<B, T>();
        if (state_.includes.empty() && state_.aggregates.empty()) {
            std::vector<T> rows;
            detail::read_rows(*session_, m, state_, &rows);
            return rows;
        }
        return detail::run_again_if_stale(*session_, [&] {
            // One read transaction: the rows and every relation come from one snapshot.
            std::vector<T> rows;
            typename B::transaction snapshot(session_->conn);
            detail::read_rows(*session_, m, state_, &rows);
            std::vector<void*> parents;
            parents.reserve(rows.size());
            for (T& row : rows) parents.push_back(&row);
            detail::load_into(*session_, m, state_, parents);
            snapshot.commit();
            return rows;
        });
    }

    /// The first matching row (in order_by order), if any.
    std::optional<T> first() {
        auto one = *this;
        one.state_.limit = 1;
        auto rows = one.get();
        if (rows.empty()) return std::nullopt;
        return std::move(rows.front());
    }

    /// The matching row with this primary key, if any.
    std::optional<T> find(const typename layout::key_type& key) {
        auto one = *this;
        one.where(predicate<T>(detail::column_condition(
            layout::primary_key_name, " = ", detail::to_value(key, {layout::table, layout::primary_key_name}))));
        return one.first();
    }

    /// How many rows match (after limit and offset).
    std::int64_t count() { return detail::count_rows(*session_, layout::table, state_); }

    /// Whether any row matches.
    bool exists() { return detail::any_row(*session_, layout::table, state_); }

    /// Deletes every matching row with the delete policies of a single remove; returns how many
    /// rows of T it deleted. All or nothing: a restrict policy blocking one row removes none.
    std::int64_t remove() { return detail::remove_rows(*session_, detail::describe<B, T>(), state_); }

private:
    std::vector<detail::aggregate_spec>& aggregate_list() { return state_.aggregates; }

    detail::session<B>* session_;
    detail::query_state state_;
};

}  // namespace relate
