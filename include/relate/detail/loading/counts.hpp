#pragma once
// with_count: how many related rows each parent has, in one grouped statement per relation
// (chunked by keys), whatever the number of parents.

#include <relate/detail/core/key_index.hpp>
#include <relate/detail/loading/keyed.hpp>
#include <relate/detail/model/model_desc.hpp>
#include <relate/detail/session.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace relate::detail {

/// Counts relation `relation` (a has_many or belongs_to_many) of every parent.
template <class B>
void load_count(session<B>& s, const model_desc<B>& model, std::size_t relation, std::span<void* const> parents) {
    const relation_desc<B>& r = model.relations[relation];
    const bool has_many = r.kind == relation_kind::has_many;
    const std::string_view table = has_many ? r.target().table : r.junction;
    key_index keys(parents.size());
    std::vector<std::size_t> slot_of;
    slot_of.reserve(parents.size());
    for (void* parent : parents) slot_of.push_back(keys.add(model.key_value(parent)));

    keyed_query q;
    q.match = qualified_column(table, has_many ? r.foreign_key : r.junction_owner_key);
    q.select = q.match + ", COUNT(*)";
    q.from = sql_identifier(table);
    q.own_table = table;
    q.group_by = " GROUP BY " + q.match;
    std::vector<std::int64_t> counts(keys.size(), 0);
    run_keyed<B>(s, q, keys.keys(), [&](const typename B::statement& st) {
        const std::size_t slot = keys.find(st.column_value(0));
        if (slot != key_index::none) counts[slot] = st.column_int64(1);
    });
    for (std::size_t i = 0; i < parents.size(); ++i)
        r.ops->set_count(model_desc<B>::at(parents[i], r.offset), r.origin, counts[slot_of[i]]);
}

}  // namespace relate::detail
