#pragma once
// Compile-time reflection of plain aggregates: the only header that includes Boost.PFR.
// Boost 1.81's PFR counts and reaches fields but has no names, so names come from
// __PRETTY_FUNCTION__ of a function templated on a pointer to a field of a never-constructed
// object (reflected_storage). Clang 14 rejects a bare subobject pointer as a
// template argument, so the pointer is wrapped in a class type (field_pointer).

#include <relate/detail/core/fixed_string.hpp>

#include <boost/pfr/core.hpp>
#include <boost/pfr/tuple_size.hpp>

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

namespace relate::detail {

template <class T>
inline constexpr std::size_t field_count = boost::pfr::tuple_size_v<T>;

template <class T, std::size_t I>
using field_t = boost::pfr::tuple_element_t<I, T>;

template <std::size_t I, class T>
constexpr decltype(auto) get_field(T& object) noexcept {
    return boost::pfr::get<I>(object);
}

/// Storage for a T that is never constructed: its fields' addresses name the fields. A union, not
/// an extern declaration, so models with internal linkage (anonymous namespaces) work on Clang.
template <class T>
union unconstructed {
    char none;
    T value;
    constexpr unconstructed() : none() {}
    constexpr ~unconstructed() {}
};

template <class T>
inline constexpr unconstructed<T> reflected_storage{};

template <class F>
struct field_pointer {
    const F* pointer;
};

template <auto Pointer>
consteval std::string_view pretty_name_of() {
    return __PRETTY_FUNCTION__;
}

template <class T>
consteval std::string_view pretty_name_of_type() {
    return __PRETTY_FUNCTION__;
}

template <class T, std::size_t I>
consteval std::string_view raw_field_name() {
    using F = std::remove_cvref_t<field_t<T, I>>;
    // g++: "... [with auto Pointer = field_pointer<long int>{(& reflected_storage<User>.unconstructed<User>::value.User::id)}; ...]"
    // clang: "... [Pointer = {&reflected_storage.value.id}]"
    const std::string_view text = pretty_name_of<field_pointer<F>{&boost::pfr::get<I>(reflected_storage<T>.value)}>();
    const std::size_t start = text.find("reflected_storage");
    // The access ends at ")}" (g++) or "}]" (clang); a lone '}' may belong to "{anonymous}".
    const std::size_t end = std::min(text.find(")}", start), text.find("}]", start));
    const std::string_view access = text.substr(start, end - start);
    return access.substr(access.find_last_of(".:") + 1);
}

/// True when MemberPointer designates field I of T.
template <class T, std::size_t I, auto MemberPointer>
consteval bool is_field() {
    using F = std::remove_cvref_t<field_t<T, I>>;
    using M = std::remove_cvref_t<decltype(reflected_storage<T>.value.*MemberPointer)>;
    if constexpr (std::is_same_v<F, M>)
        return &boost::pfr::get<I>(reflected_storage<T>.value) == &(reflected_storage<T>.value.*MemberPointer);
    else
        return false;
}


template <class T>
consteval std::string_view raw_type_name() {
    // g++: "... [with T = app::User; ...]"   clang: "... [T = app::User]"
    const std::string_view text = pretty_name_of_type<T>();
    const std::size_t start = text.find("T = ") + 4;
    const std::string_view qualified = text.substr(start, text.find_first_of(";]", start) - start);
    const std::size_t colon = qualified.rfind("::");
    return colon == std::string_view::npos ? qualified : qualified.substr(colon + 2);
}

template <class T, std::size_t I>
struct field_name_maker {
    static consteval small_string make() { return raw_field_name<T, I>(); }
};

template <class T>
struct type_name_maker {
    static consteval small_string make() { return raw_type_name<T>(); }
};

/// The name of field I of T, as written in the struct.
template <class T, std::size_t I>
inline constexpr std::string_view field_name = frozen<field_name_maker<T, I>>::value;

/// The unqualified name of T (app::BlogPost -> BlogPost).
template <class T>
inline constexpr std::string_view type_name = frozen<type_name_maker<T>>::value;

/// The index of the field a member pointer designates.
template <auto MemberPointer>
struct member_pointer_traits;

template <class C, class F, F C::*MemberPointer>
struct member_pointer_traits<MemberPointer> {
    using class_type = C;
    using field_type = F;
    static constexpr std::size_t index = [] {
        std::size_t found = 0;
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ((found = is_field<C, I, MemberPointer>() ? I : found), ...);
        }(std::make_index_sequence<field_count<C>>{});
        return found;
    }();
};

}  // namespace relate::detail
