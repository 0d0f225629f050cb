#pragma once
// The layout of a model, computed at compile time from its fields: which are columns and which
// are relations, their names, the table, the primary key.

#include <relate/detail/column_io.hpp>
#include <relate/detail/naming.hpp>
#include <relate/detail/reflect.hpp>

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

template <class T, std::size_t... I>
consteval bool has_primary_key_field(std::index_sequence<I...>) {
    return ((!relation_field<field_t<T, I>> && field_name<T, I> == primary_key_field_name<T>()) || ...);
}

/// The layout of a valid model: which fields are columns and which are relations.
template <class T>
struct model_layout {
    static constexpr std::size_t field_count = detail::field_count<T>;

    template <std::size_t I>
    static constexpr bool is_relation = relation_field<field_t<T, I>>;

    static constexpr std::size_t column_count = [] {
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            return (std::size_t{0} + ... + (is_relation<I> ? 0 : 1));
        }(std::make_index_sequence<field_count>{});
    }();
    static constexpr std::size_t relation_count = field_count - column_count;

    /// Field index of each column, in declaration order.
    static constexpr auto column_fields = [] {
        std::array<std::size_t, column_count> out{};
        std::size_t next = 0;
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ((is_relation<I> ? void() : void(out[next++] = I)), ...);
        }(std::make_index_sequence<field_count>{});
        return out;
    }();

    /// Field index of each relation, in declaration order.
    static constexpr auto relation_fields = [] {
        std::array<std::size_t, relation_count> out{};
        std::size_t next = 0;
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ((is_relation<I> ? void(out[next++] = I) : void()), ...);
        }(std::make_index_sequence<field_count>{});
        return out;
    }();

    static constexpr auto column_names = [] {
        std::array<std::string_view, column_count> out{};
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            ((out[K] = field_name<T, column_fields[K]>), ...);
        }(std::make_index_sequence<column_count>{});
        return out;
    }();

    static constexpr auto relation_names = [] {
        std::array<std::string_view, relation_count> out{};
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            ((out[K] = field_name<T, relation_fields[K]>), ...);
        }(std::make_index_sequence<relation_count>{});
        return out;
    }();

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
    static constexpr bool key_is_assigned = std::is_integral_v<key_type>;

    static constexpr bool valid = true;
};

}  // namespace detail
}  // namespace relate
