#pragma once
// Relation existence, as conditions:
//   db.query<User>().where(relate::has(&User::posts, col<&Post::title>.like("A%")))
//   db.query<User>().where(relate::doesnt_have(&User::posts))

#include <relate/detail/model/edge.hpp>
#include <relate/detail/core/text.hpp>
#include <relate/expr.hpp>

#include <cstdint>
#include <string>

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
