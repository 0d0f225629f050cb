#pragma once
// Model metadata, all computed at compile time: the table, the columns (the fields that are not
// relations, in declaration order), the primary key, and the relations.
//
//   static_assert(relate::model<User>::table_name() == "users");
//   static_assert(relate::model<User>::primary_key_name() == "id");

#include <relate/detail/model/edge.hpp>
#include <relate/detail/model/layout.hpp>

#include <string_view>
#include <type_traits>

namespace relate {

namespace detail {

/// Checks a model in order and stops at the first problem, so the compiler shows one
/// "relate:" sentence rather than a cascade from Boost.PFR.
template <class T>
consteval bool check_model() {
    if constexpr (!std::is_class_v<T> || !std::is_aggregate_v<T> || std::is_polymorphic_v<T>) {
        static_assert(dependent_false<T>,
                      "relate: a model must be an aggregate: a plain struct with public fields, no user-declared "
                      "constructors and no virtual functions");
        return false;
    } else if constexpr (has_unfixed_enum<T>(std::make_index_sequence<field_count<T>>{})) {
        static_assert(dependent_false<T>,
                      "relate: an enum column needs a fixed underlying type (enum class, or enum Color : int); "
                      "without one the enum holds only its enumerators' range, and reading another stored value "
                      "would be undefined behaviour");
        return false;
    } else if constexpr (!all_columns_supported<T>(std::make_index_sequence<field_count<T>>{})) {
        static_assert(dependent_false<T>,
                      "relate: unsupported field type: a column must be an integer, bool, float, double, std::string, "
                      "relate::blob, std::chrono::sys_time, an enum, std::optional of one of these, or a type with a "
                      "relate::column_type<T> specialisation");
        return false;
    } else if constexpr (!has_primary_key_field<T>(std::make_index_sequence<field_count<T>>{})) {
        static_assert(dependent_false<T>,
                      "relate: a model needs a primary key: a field named id, or static constexpr std::string_view "
                      "primary_key = \"field\"; naming one of its fields");
        return false;
    } else {
        return check_relations<T>();
    }
}

struct invalid_model_layout {
    static constexpr bool valid = false;
};

template <class T>
using layout_of = std::conditional_t<check_model<T>(), model_layout<T>, invalid_model_layout>;

/// A model whose metadata can be used; anything else fails with a "relate:" sentence.
template <class T>
concept valid_model = layout_of<T>::valid;

}  // namespace detail

/// The public, compile-time metadata of a model.
template <class T>
struct model {
    using layout = detail::layout_of<T>;

    static constexpr std::string_view table_name() { return layout::table; }
    static constexpr const auto& column_names() { return layout::column_names; }
    static constexpr std::string_view primary_key_name() { return layout::primary_key_name; }
    static constexpr const auto& relation_names() { return layout::relation_names; }
    /// The default foreign-key name other models use to point here (User -> userId).
    static constexpr std::string_view foreign_key_name() { return layout::foreign_key_name; }
};

}  // namespace relate
