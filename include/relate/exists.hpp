#pragma once
// Relation existence and counts, as conditions:
//   db.query<User>().where(relate::has(&User::posts, col<&Post::title>.like("A%")))
//   db.query<User>().where(relate::doesnt_have(&User::posts))
//   db.query<User>().where(relate::has(&User::posts, relate::at_least(2)))

#include <relate/detail/model/edge.hpp>
#include <relate/detail/core/text.hpp>
#include <relate/expr.hpp>

#include <cstdint>
#include <string>

namespace relate {

/// A number of related rows, for relate::has: at_least(2), at_most(5), exactly(0).
struct related_count {
    const char* op;
    std::int64_t n;
};

namespace detail {

inline related_count count_bound(const char* op, const char* name, std::int64_t n) {
    if (n < 0) throw error(detail::format("relate: {}({}) needs a count of zero or more", name, n));
    return {op, n};
}

/// EXISTS (SELECT 1 FROM related AS rN WHERE <link to the owner row> AND (condition)), or with a
/// count: (SELECT COUNT(*) FROM ... ) >= n.
template <class Owner, std::size_t I>
fragment exists_related(const fragment* condition, const related_count* count = nullptr) {
    using E = edge<Owner, I>;
    using OL = model_layout<Owner>;
    using TL = model_layout<typename E::target>;
    static_assert(E::kind != relation_kind::morph_to,
                  "relate: has() and doesnt_have() take the relations of one target model; for a morph_to, test "
                  "its type and id columns with col<>");
    const int scope = (condition != nullptr ? condition->max_scope : 0) + 1;
    const std::string alias = detail::format("\"r{}\"", scope);
    fragment f;
    f.text(count != nullptr ? "(SELECT COUNT(*) FROM " : "EXISTS (SELECT 1 FROM ");
    if constexpr (E::kind == relation_kind::belongs_to_many || is_through(E::kind)) {
        // Through a junction (its target key names the row) or an intermediate table (the row names its key).
        const std::string junction = detail::format("\"r{}j\"", scope);
        const std::string_view joined = is_through(E::kind) ? E::foreign_key : TL::primary_key_name;
        f.text(detail::format("{} AS {} JOIN {} AS {} ON {}.{} = {}.{} WHERE {}.{} = ",
                           sql_identifier(TL::table), alias, sql_identifier(E::junction), junction, junction,
                           sql_identifier(E::junction_target_key), alias, sql_identifier(joined), junction,
                           sql_identifier(E::junction_owner_key)))
            .column(OL::primary_key_name);
    } else if constexpr (E::kind == relation_kind::belongs_to) {
        f.text(detail::format("{} AS {} WHERE ", sql_identifier(TL::table), alias))
            .column(TL::primary_key_name, scope)
            .text(" = ")
            .column(E::foreign_key);
    } else {
        f.text(detail::format("{} AS {} WHERE ", sql_identifier(TL::table), alias))
            .column(E::foreign_key, scope)
            .text(" = ")
            .column(OL::primary_key_name);
        if constexpr (!E::morph_type.empty())  // morph_many: only the rows naming this model's type
            f.text(" AND ").column(E::morph_type_column, scope).text(" = ").value(std::string(E::morph_type));
    }
    if (condition != nullptr) {
        fragment inner = *condition;
        f.text(" AND (").append(inner.rescope(scope)).text(")");
    }
    f.text(")");
    if (count != nullptr) f.text(count->op).value(count->n);
    f.max_scope = scope;
    return f;
}

}  // namespace detail

inline related_count at_least(std::int64_t n) { return detail::count_bound(" >= ", "at_least", n); }
inline related_count at_most(std::int64_t n) { return detail::count_bound(" <= ", "at_most", n); }
inline related_count exactly(std::int64_t n) { return detail::count_bound(" = ", "exactly", n); }

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

/// Rows with that many related rows (matching condition, when given): has(&User::posts, at_least(2)).
template <class Owner, class R>
    requires detail::relation_field<R>
predicate<Owner> has(R Owner::*, related_count count) {
    return predicate<Owner>(detail::exists_related<Owner, detail::relation_index<Owner, R>()>(nullptr, &count));
}
template <class Owner, class R>
    requires detail::relation_field<R>
predicate<Owner> has(R Owner::*, const predicate<typename R::target_type>& condition, related_count count) {
    return predicate<Owner>(detail::exists_related<Owner, detail::relation_index<Owner, R>()>(&condition.sql(), &count));
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
