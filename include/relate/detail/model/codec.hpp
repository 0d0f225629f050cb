#pragma once
// What the engine does with one field, whatever model it belongs to: read a result column into it,
// bind it, take its value (keys, messages) and set it from one (a parent's key, a saved foreign
// key). One codec per field type and backend, so a model adds no reading or writing code of its
// own: its description (model_desc.hpp) lists each field's offset and codec.

#include <relate/detail/model/column_io.hpp>

#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace relate::detail {

template <class B>
struct codec {
    void (*read)(const typename B::statement& st, int column, void* field, column_context where);
    void (*bind)(typename B::statement& st, int index, const void* field, column_context where);
    sqlite::value (*value)(const void* field, column_context where);
    /// Sets the field from a value of another field (a parent's key into a foreign key), checked:
    /// relate::type_error when the field cannot hold it.
    void (*assign)(void* field, const sqlite::value& v, column_context where);
};

[[noreturn]] inline void throw_unassignable(const sqlite::value& v, column_context where) {
    throw type_error(detail::format("relate: cannot set {}.{} to {}: the field's type cannot hold it", where.table,
                                    where.column, describe(v)));
}

/// The field `field` set from `v`, checked.
template <class F>
void assign_field(F& field, const sqlite::value& v, column_context where) {
    if constexpr (is_nullable<F>) {
        if (std::holds_alternative<std::nullptr_t>(v)) return field.reset();
        column_value_t<F> inner{};
        assign_field(inner, v, where);
        field = std::move(inner);
    } else {
        using S = storage_t<F>;
        const S* stored = std::get_if<S>(&v);
        if (stored == nullptr) throw_unassignable(v, where);
        if constexpr (std::is_integral_v<F>) {
            if (!integer_fits<F>(*stored)) throw_unassignable(v, where);
        }
        field = column_type<F>::from_storage(S(*stored));
    }
}

template <class B, class F>
inline constexpr codec<B> codec_of{
    [](const typename B::statement& st, int column, void* field, column_context where) {
        read_field(st, column, *static_cast<F*>(field), where);
    },
    [](typename B::statement& st, int index, const void* field, column_context where) {
        bind_field(st, index, *static_cast<const F*>(field), where);
    },
    [](const void* field, column_context where) { return to_value(*static_cast<const F*>(field), where); },
    [](void* field, const sqlite::value& v, column_context where) { assign_field(*static_cast<F*>(field), v, where); },
};

}  // namespace relate::detail
