#pragma once
// The loader's and committer's door into relation members, and the stamping of rows read from
// the database (where each relation lives, whether the row came from a multi-row query).

#include <relate/detail/edge.hpp>
#include <relate/detail/layout.hpp>
#include <relate/relation.hpp>

#include <memory>
#include <utility>
#include <vector>

namespace relate::detail {

struct relation_access {
    static relation_state& state(relation_base& r) noexcept { return r.state_; }
    static const relation_state& state(const relation_base& r) noexcept { return r.state_; }

    template <class Target, class D>
    static void set(single_relation<Target, D>& r, std::unique_ptr<Target> value) {
        r.box_.reset(std::move(value));
        r.state_.set_loaded(true);
    }
    template <class Target, class D>
    static void set(many_relation<Target, D>& r, std::vector<Target> values) {
        r.items_ = std::move(values);
        r.state_.set_loaded(true);
    }
    /// Marks the relation not loaded: a write through it made what it held stale.
    template <class Target, class D>
    static void unload(single_relation<Target, D>& r) noexcept {
        r.box_.reset(nullptr);
        r.state_.set_loaded(false);
    }
    template <class Target, class D>
    static void unload(many_relation<Target, D>& r) noexcept {
        r.items_.clear();
        r.state_.set_loaded(false);
        r.count_ = r.no_count;
    }
    template <class Target, class D>
    static void set_count(many_relation<Target, D>& r, std::int64_t count) noexcept {
        r.count_ = count;
    }
};

/// Marks every relation of a row read from the database with where it lives, and whether the
/// row came from a query that returned several rows (strict mode's N+1 detector reads this).
template <class T>
void stamp_relations(T& row, bool from_multi_row_query) {
    using L = model_layout<T>;
    [&]<std::size_t... R>(std::index_sequence<R...>) {
        ((void)(relation_access::state(get_field<L::relation_fields[R]>(row)) =
                    relation_state{&edge<T, L::relation_fields[R]>::origin, from_multi_row_query}),
         ...);
    }(std::make_index_sequence<L::relation_count>{});
}

template <class T>
void stamp_rows(std::vector<T>& rows) {
    if constexpr (model_layout<T>::relation_count > 0)
        for (auto& row : rows) stamp_relations(row, rows.size() > 1);
}

}  // namespace relate::detail
