#pragma once
// Relation existence and counts:
//   db.query<User>().where(relate::has(&User::posts, col<&Post::title>.like("A%")))
//   db.query<User>().where(relate::doesnt_have(&User::posts))
//   db.query<User>().with_count(&User::posts) ... user.posts.count()

#include <relate/detail/edge.hpp>
#include <relate/detail/keyed_fetch.hpp>
#include <relate/detail/relation_access.hpp>
#include <relate/expr.hpp>

#include <relate/detail/text.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace relate {

namespace detail {

/// EXISTS (SELECT 1 FROM related AS rN WHERE <link to the owner row> AND (condition)).
template <class Owner, std::size_t I>
fragment exists_related(const fragment* condition) {
    using E = edge<Owner, I>;
    using OL = model_layout<Owner>;
    using TL = model_layout<typename E::target>;
    const int scope = (condition != nullptr ? condition->max_scope : 0) + 1;
    const std::string alias = detail::format("\"r{}\"", scope);
    fragment f;
    if constexpr (E::kind == relation_kind::belongs_to_many) {
        const std::string junction = detail::format("\"r{}j\"", scope);
        f.text(detail::format("EXISTS (SELECT 1 FROM {} AS {} JOIN {} AS {} ON {}.{} = {}.{} WHERE {}.{} = ",
                           sql_identifier(TL::table), alias, sql_identifier(E::junction), junction, junction,
                           sql_identifier(E::junction_target_key), alias, sql_identifier(TL::primary_key_name), junction,
                           sql_identifier(E::junction_owner_key)))
            .column(OL::primary_key_name);
    } else if constexpr (E::kind == relation_kind::belongs_to) {
        f.text(detail::format("EXISTS (SELECT 1 FROM {} AS {} WHERE ", sql_identifier(TL::table), alias))
            .column(TL::primary_key_name, scope)
            .text(" = ")
            .column(E::foreign_key);
    } else {
        f.text(detail::format("EXISTS (SELECT 1 FROM {} AS {} WHERE ", sql_identifier(TL::table), alias))
            .column(E::foreign_key, scope)
            .text(" = ")
            .column(OL::primary_key_name);
    }
    if (condition != nullptr) {
        fragment inner = *condition;
        f.text(" AND (").append(inner.rescope(scope)).text(")");
    }
    f.text(")");
    f.max_scope = scope;
    return f;
}

/// How many rows of `table` have each of `keys` in column `key`: one grouped statement per chunk
/// of keys. Compiled once per key type, whichever relations are counted.
template <class K>
std::unordered_map<K, std::int64_t> count_by_key(session& s, std::string_view table, std::string_view key,
                                                 const std::vector<K>& keys, column_context owner) {
    keyed_query q;
    q.match = qualified_column(table, key);
    q.select = q.match + ", COUNT(*)";
    q.from = sql_identifier(table);
    q.own_table = table;
    q.group_by = " GROUP BY " + q.match;
    std::unordered_map<K, std::int64_t> counts;
    run_keyed(s, q, keys, owner, [&](const sqlite::statement& st) {
        K counted{};
        read_field(st, 0, counted, column_context{table, key});
        counts[counted] = st.column_int64(1);
    });
    return counts;
}

/// with_count: one grouped statement per relation, counts stored on each parent's relation.
template <class Parent, std::size_t I>
void load_count(session& s, const std::vector<Parent*>& parents) {
    using E = edge<Parent, I>;
    using PL = model_layout<Parent>;
    using K = typename PL::key_type;
    static_assert(E::kind == relation_kind::has_many || E::kind == relation_kind::belongs_to_many,
                  "relate: with_count counts has_many and belongs_to_many relations");
    constexpr bool has_many = E::kind == relation_kind::has_many;
    const auto counts = count_by_key<K>(s, has_many ? model_layout<typename E::target>::table : E::junction,
                                        has_many ? E::foreign_key : E::junction_owner_key,
                                        distinct_keys<K>(parents, primary_key_reader{}),
                                        column_context{PL::table, PL::primary_key_name});
    for (Parent* p : parents) {
        const auto found = counts.find(primary_key_of(*p));
        relation_access::set_count(get_field<I>(*p), found == counts.end() ? 0 : found->second);
    }
}

}  // namespace detail

/// Rows with at least one related row (matching condition, when given).
template <class Owner, class R>
    requires detail::relation_field<R>
predicate<Owner> has(R Owner::*) {
    return predicate<Owner>(detail::exists_related<Owner, detail::relation_index<Owner, R>()>(nullptr));
}
template <class Owner, class R>
    requires detail::relation_field<R>
predicate<Owner> has(R Owner::*, const predicate<typename R::target_type>& condition) {
    return predicate<Owner>(detail::exists_related<Owner, detail::relation_index<Owner, R>()>(&condition.sql()));
}

/// Rows with no related row (matching condition, when given).
template <class Owner, class R>
    requires detail::relation_field<R>
predicate<Owner> doesnt_have(R Owner::* member) {
    return !has(member);
}
template <class Owner, class R>
    requires detail::relation_field<R>
predicate<Owner> doesnt_have(R Owner::* member, const predicate<typename R::target_type>& condition) {
    return !has(member, condition);
}

}  // namespace relate
