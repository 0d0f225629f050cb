#pragma once
// The columns an upsert (or first_or_create) matches existing rows on, named as col<&T::f>:
// their ordinals, in a constant that outlives any unit of work staging the write.

#include <relate/detail/model/layout.hpp>
#include <relate/expr.hpp>

#include <array>
#include <cstddef>
#include <type_traits>

namespace relate::detail {

template <class T, auto... Members>
inline constexpr std::array<std::size_t, sizeof...(Members)> conflict_columns{
    model_layout<T>::find_column(column_ref<Members>::name)...};

/// The condition "this column holds the object's value" (IS NULL for an empty optional).
template <auto Member, class T>
predicate<T> holds_value_of(const T& object) {
    const auto& value = object.*Member;
    if constexpr (is_nullable<std::remove_cvref_t<decltype(value)>>)
        return value ? (col<Member> == *value) : col<Member>.is_null();
    else
        return col<Member> == value;
}

/// col<Members>... must name one or more columns of T.
template <class T, auto... Members>
consteval void check_conflict_target() {
    static_assert(sizeof...(Members) > 0 && (std::is_same_v<typename column_ref<Members>::model_type, T> && ...),
                  "relate: name the columns to match on as col<&Model::field> of the model written, one or more");
}

}  // namespace relate::detail
