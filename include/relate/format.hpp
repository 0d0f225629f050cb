#pragma once
// fmt support for models: fmt::print("{}", user) prints the columns and the relations that are
// loaded, nested; relations that are not loaded are left out.
//
//   User{id: 1, name: "Ada", posts: [Post{id: 1, userId: 1, title: "Notes"}]}

#include <relate/detail/model/column_io.hpp>
#include <relate/detail/model/edge.hpp>
#include <relate/detail/model/layout.hpp>
#include <relate/detail/model/reflect.hpp>
#include <relate/relation.hpp>

#include <fmt/format.h>

#include <array>
#include <iterator>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace relate::detail {

template <class T>
struct is_std_array : std::false_type {};
template <class T, std::size_t N>
struct is_std_array<std::array<T, N>> : std::true_type {};

template <class T>
struct is_model_trait : std::bool_constant<is_model_v<T>> {};

/// Whether fmt should format T as a model. std::conjunction stops at the first false, so an
/// unrelated type never reaches the model checks.
template <class T>
struct formats_as_model
    : std::conjunction<std::is_class<T>, std::is_aggregate<T>, std::negation<is_std_array<T>>, is_model_trait<T>> {};

template <class Out>
Out format_value(Out out, const sqlite::value& v) {
    struct printer {
        Out out;
        Out operator()(std::nullptr_t) const { return fmt::format_to(out, "null"); }
        Out operator()(std::int64_t x) const { return fmt::format_to(out, "{}", x); }
        Out operator()(double x) const { return fmt::format_to(out, "{}", x); }
        Out operator()(const std::string& x) const { return fmt::format_to(out, "{:?}", x); }
        Out operator()(const std::vector<std::byte>& x) const { return fmt::format_to(out, "<{}-byte blob>", x.size()); }
    };
    return std::visit(printer{out}, v);
}

template <class Out, class F>
Out format_column(Out out, const F& field) {
    if constexpr (std::is_arithmetic_v<F>)
        return fmt::format_to(out, "{}", field);  // as it is: NaN and the largest std::uint64_t included
    else
        return format_value(out, to_value(field));
}

template <class Out, class M>
Out format_model(Out out, const M& model);

template <class Out, class M, std::size_t I>
Out format_relation(Out out, const M& model) {
    const auto& relation = get_field<I>(model);
    if (!relation.loaded()) return out;
    out = fmt::format_to(out, ", {}: ", field_name<M, I>);
    using R = std::remove_cvref_t<decltype(relation)>;
    if constexpr (is_many(R::kind)) {
        *out++ = '[';
        bool first = true;
        for (const auto& item : relation) {
            if (!std::exchange(first, false)) out = fmt::format_to(out, ", ");
            out = format_model(out, item);
        }
        *out++ = ']';
        return out;
    } else if constexpr (R::kind == relation_kind::morph_to) {
        if (!relation) return fmt::format_to(out, "null");
        return relation.visit([&](const auto& row) { return format_model(out, row); });
    } else {
        return relation.get() == nullptr ? fmt::format_to(out, "null") : format_model(out, *relation.get());
    }
}

template <class Out, class M, std::size_t K>
Out format_column_at(Out out, const M& model) {
    using L = model_layout<M>;
    out = fmt::format_to(out, "{}{}: ", K == 0 ? "" : ", ", L::column_names[K]);
    return format_column(out, get_field<L::column_fields[K]>(model));
}

template <class Out, class M>
Out format_model(Out out, const M& model) {
    using L = model_layout<M>;
    out = fmt::format_to(out, "{}{{", type_name<M>);
    [&]<std::size_t... K>(std::index_sequence<K...>) {
        ((out = format_column_at<Out, M, K>(out, model)), ...);
    }(std::make_index_sequence<L::column_count>{});
    [&]<std::size_t... R>(std::index_sequence<R...>) {
        ((out = format_relation<Out, M, L::relation_fields[R]>(out, model)), ...);
    }(std::make_index_sequence<L::relation_count>{});
    *out++ = '}';
    return out;
}

}  // namespace relate::detail

template <class T>
struct fmt::formatter<T, char, std::enable_if_t<relate::detail::formats_as_model<T>::value>> {
    constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }

    template <class FormatContext>
    auto format(const T& model, FormatContext& ctx) const {
        return relate::detail::format_model(ctx.out(), model);
    }
};
