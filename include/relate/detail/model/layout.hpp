#pragma once
// The layout of a model, computed at compile time from its fields: which are columns and which
// are relations, their names, the table, the primary key.

#include <relate/detail/model/column_io.hpp>
#include <relate/detail/model/naming.hpp>
#include <relate/detail/model/reflect.hpp>

#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>

namespace relate {

namespace detail {

/// Relation members (has_one, has_many, belongs_to, belongs_to_many) carry this tag.
template <class F>
concept relation_field = requires { typename F::relation_tag; };

template <class>
inline constexpr bool dependent_false = false;

template <class T>
concept has_table_name_override = requires {
    { T::table_name } -> std::convertible_to<std::string_view>;
};

template <class T>
concept has_primary_key_override = requires {
    { T::primary_key } -> std::convertible_to<std::string_view>;
};

template <class T>
struct table_name_maker {
    static consteval small_string make() {
        if constexpr (has_table_name_override<T>)
            return std::string_view{T::table_name};
        else
            return plural(snake_case(type_name<T>).view());
    }
};

template <class T>
struct foreign_key_name_maker {
    static consteval small_string make() { return foreign_key_for(type_name<T>); }
};

template <class T>
consteval std::string_view primary_key_field_name() {
    if constexpr (has_primary_key_override<T>)
        return std::string_view{T::primary_key};
    else
        return "id";
}

template <class T, std::size_t... I>
consteval bool all_columns_supported(std::index_sequence<I...>) {
    return ((relation_field<field_t<T, I>> || column_value<column_value_t<field_t<T, I>>>) && ...);
}

template <class F>
inline constexpr bool is_unfixed_enum = std::is_enum_v<F> && !fixed_enum<F>;

template <class T, std::size_t... I>
consteval bool has_unfixed_enum(std::index_sequence<I...>) {
    return (is_unfixed_enum<column_value_t<field_t<T, I>>> || ...);
}

template <class T, std::size_t... I>
consteval bool has_primary_key_field(std::index_sequence<I...>) {
    return ((!relation_field<field_t<T, I>> && field_name<T, I> == primary_key_field_name<T>()) || ...);
}

template <std::size_t M>
constexpr std::size_t count_of(const std::array<bool, M>& mask, bool value) {
    std::size_t n = 0;
    for (bool b : mask) n += b == value ? 1 : 0;
    return n;
}

/// The positions in `mask` that hold `value` (there are N of them).
template <std::size_t N, std::size_t M>
constexpr std::array<std::size_t, N> indices_where(const std::array<bool, M>& mask, bool value) {
    std::array<std::size_t, N> out{};
    std::size_t next = 0;
    for (std::size_t i = 0; i < M; ++i)
        if (mask[i] == value) out[next++] = i;
    return out;
}

template <std::size_t N, std::size_t M>
constexpr std::array<std::string_view, N> pick(const std::array<std::string_view, M>& all,
                                               const std::array<std::size_t, N>& at) {
    std::array<std::string_view, N> out{};
    for (std::size_t k = 0; k < N; ++k) out[k] = all[at[k]];
    return out;
}

/// The layout of a valid model: which fields are columns and which are relations.
template <class T>
struct model_layout {
    static constexpr std::size_t field_count = detail::field_count<T>;

    template <std::size_t I>
    static constexpr bool is_relation = relation_field<field_t<T, I>>;

    /// Whether each field is a relation, in declaration order.
    static constexpr auto relation_mask = [] {
        std::array<bool, field_count> out{};
        [&]<std::size_t... I>(std::index_sequence<I...>) { ((out[I] = is_relation<I>), ...); }(
            std::make_index_sequence<field_count>{});
        return out;
    }();

    static constexpr auto field_names = [] {
        std::array<std::string_view, field_count> out{};
        [&]<std::size_t... I>(std::index_sequence<I...>) { ((out[I] = field_name<T, I>), ...); }(
            std::make_index_sequence<field_count>{});
        return out;
    }();

    static constexpr std::size_t relation_count = count_of(relation_mask, true);
    static constexpr std::size_t column_count = field_count - relation_count;

    /// Field index of each column, and of each relation, in declaration order.
    static constexpr auto column_fields = indices_where<column_count>(relation_mask, false);
    static constexpr auto relation_fields = indices_where<relation_count>(relation_mask, true);

    static constexpr auto column_names = pick(field_names, column_fields);
    static constexpr auto relation_names = pick(field_names, relation_fields);

    /// The column ordinal named `name`, or column_count when there is none.
    static constexpr std::size_t find_column(std::string_view name) {
        for (std::size_t k = 0; k < column_count; ++k)
            if (column_names[k] == name) return k;
        return column_count;
    }

    static constexpr std::string_view table = frozen<table_name_maker<T>>::value;
    static constexpr std::string_view foreign_key_name = frozen<foreign_key_name_maker<T>>::value;
    static constexpr std::size_t primary_key_column = find_column(primary_key_field_name<T>());
    static constexpr std::size_t primary_key_field = column_fields[primary_key_column];
    static constexpr std::string_view primary_key_name = column_names[primary_key_column];

    template <std::size_t K>
    using column_t = field_t<T, column_fields[K]>;

    using key_type = column_value_t<column_t<primary_key_column>>;
    /// An integer key left at 0 is assigned by SQLite on insert.
    static constexpr bool key_is_assigned = std::is_integral_v<key_type> && !std::is_same_v<key_type, bool>;

    static constexpr bool valid = true;
};

/// The primary key field of a model object.
template <class T>
const auto& primary_key_of(const T& object) {
    return get_field<model_layout<T>::primary_key_field>(object);
}

template <class T>
auto& primary_key_of(T& object) {
    return get_field<model_layout<T>::primary_key_field>(object);
}

}  // namespace detail
}  // namespace relate
