#pragma once
// with_count, with_exists, with_sum, with_avg, with_min, with_max: aggregates of each parent's
// related rows, in one grouped statement per relation and condition (chunked by keys), whatever
// the number of parents and of aggregates asked of that relation.

#include <relate/detail/core/key_index.hpp>
#include <relate/detail/loading/include_tree.hpp>
#include <relate/detail/loading/keyed.hpp>
#include <relate/detail/model/model_desc.hpp>
#include <relate/detail/session.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace relate::detail {

/// Whether two aggregates can share one statement: the same relation and the same condition.
inline bool same_statement(const aggregate_spec& a, const aggregate_spec& b) {
    if (a.relation != b.relation || a.where.has_value() != b.where.has_value()) return false;
    if (!a.where) return true;
    sql_statement x;
    sql_statement y;
    x.append(*a.where, "");
    y.append(*b.where, "");
    return x.sql == y.sql && x.args == y.args;
}

/// The SQL function of one aggregate over the target table.
inline std::string aggregate_expression(const aggregate_spec& a, std::string_view table) {
    switch (a.kind) {
        case aggregate_kind::count: return "COUNT(*)";
        case aggregate_kind::exists: return "1";
        case aggregate_kind::sum: return "SUM(" + qualified_column(table, a.column) + ")";
        case aggregate_kind::avg: return "AVG(" + qualified_column(table, a.column) + ")";
        case aggregate_kind::min: return "MIN(" + qualified_column(table, a.column) + ")";
        case aggregate_kind::max: return "MAX(" + qualified_column(table, a.column) + ")";
    }
    return {};
}

/// What a parent without related rows gets: count and exists 0, the other functions NULL.
inline aggregate_result no_rows_result(const aggregate_spec& a) {
    const bool zero = a.kind == aggregate_kind::count || a.kind == aggregate_kind::exists;
    return {a.kind, a.column, !zero, zero, 0, 0};
}

/// Runs the aggregates `group` (one relation, one condition) over every parent's related rows.
/// The target's table joined with the junction table of belongs_to_many r, or with the
/// intermediate table of a through relation (as junction_alias).
template <class B>
std::string junction_join(const relation_desc<B>& r, const model_desc<B>& target) {
    const std::string_view target_column = r.through() ? r.foreign_key : target.key_column().name;
    return detail::format("{} JOIN {} AS {} ON {} = {}", sql_identifier(target.table), sql_identifier(r.junction),
                          sql_identifier(junction_alias), qualified_column(junction_alias, r.junction_target_key),
                          qualified_column(target.table, target_column));
}

template <class B>
void load_aggregate_group(session<B>& s, const model_desc<B>& model, std::span<const aggregate_spec* const> group,
                          std::span<void* const> parents) {
    const aggregate_spec& first = *group.front();
    const relation_desc<B>& r = model.relations[first.relation];
    const model_desc<B>& target = r.target();
    key_index keys(parents.size());
    std::vector<std::size_t> slot_of;
    slot_of.reserve(parents.size());
    for (void* parent : parents) slot_of.push_back(keys.add(model.key_value(parent)));

    keyed_query q;
    if (r.kind == relation_kind::has_many) {
        q.match = qualified_column(target.table, r.foreign_key);
        q.filter = r.morph_filter(target.table);
        q.from = sql_identifier(target.table);
    } else {
        q.match = qualified_column(junction_alias, r.junction_owner_key);
        q.from = junction_join(r, target);
    }
    q.select = q.match;
    for (const aggregate_spec* a : group) q.select += ", " + aggregate_expression(*a, target.table);
    q.where = first.where ? &*first.where : nullptr;
    q.own_table = target.table;
    q.group_by = " GROUP BY " + q.match;

    // results[slot * n + k]: aggregate k of the parents with that key.
    const std::size_t n = group.size();
    std::vector<aggregate_result> results;
    results.reserve(keys.size() * n);
    for (std::size_t slot = 0; slot < keys.size(); ++slot)
        for (const aggregate_spec* a : group) results.push_back(no_rows_result(*a));
    run_keyed<B>(s, q, keys.keys(), [&](const typename B::statement& st) {
        const std::size_t slot = keys.find_in(st, 0);
        if (slot == key_index::none) return;
        for (std::size_t k = 0; k < n; ++k) {
            aggregate_result& out = results[slot * n + k];
            const sqlite::value v = st.column_value(static_cast<int>(k + 1));
            out.null = std::holds_alternative<std::nullptr_t>(v);
            out.integral = std::holds_alternative<std::int64_t>(v);
            if (out.integral) out.integer = std::get<std::int64_t>(v);
            if (const double* d = std::get_if<double>(&v)) out.real = *d;
        }
    });
    for (std::size_t i = 0; i < parents.size(); ++i)
        for (std::size_t k = 0; k < n; ++k)
            r.ops->set_aggregate(model_desc<B>::at(parents[i], r.offset), r.origin, results[slot_of[i] * n + k]);
}

/// Loads every aggregate of `specs` into the parents: one statement per relation and condition.
template <class B>
void load_aggregates(session<B>& s, const model_desc<B>& model, const std::vector<aggregate_spec>& specs,
                     std::span<void* const> parents) {
    std::vector<char> done(specs.size(), 0);
    std::vector<const aggregate_spec*> group;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        if (done[i] != 0) continue;
        group.clear();
        for (std::size_t j = i; j < specs.size(); ++j)
            if (done[j] == 0 && same_statement(specs[i], specs[j])) {
                group.push_back(&specs[j]);
                done[j] = 1;
            }
        load_aggregate_group(s, model, group, parents);
    }
}

}  // namespace relate::detail
