#pragma once
// Polymorphic relations (Eloquent's morphMany / morphTo): comments that belong to a post or to a
// video through a type column and an id column.
//
//   struct Comment {
//       std::int64_t id = 0;
//       std::string commentableType;              // "Post" or "Video" (a model's morph name)
//       std::int64_t commentableId = 0;
//       relate::morph_to<Post, Video> commentable;
//   };
//   struct Post  { std::int64_t id = 0; relate::morph_many<Comment, "commentable", relate::cascade> comments; };
//   struct Video { std::int64_t id = 0; relate::morph_many<Comment, "commentable"> comments; };
//
// The type column holds the owner's morph name: its type name ("Post"), or the value of a
// `static constexpr std::string_view morph_name = "post";` it declares (stable across renames).

#include <relate/relation.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

namespace relate {

namespace detail {

template <class T>
concept has_morph_name = requires {
    { T::morph_name } -> std::convertible_to<std::string_view>;
};

/// What a model's rows are called in a polymorphic type column.
template <class T>
constexpr std::string_view morph_name_of() {
    if constexpr (has_morph_name<T>)
        return std::string_view{T::morph_name};
    else
        return type_name<T>;
}

/// The heap part of a loaded, present morph_to: the row, of one of the target types.
template <class... Targets>
struct morph_node {
    std::variant<Targets...> value;
};

template <class... Ts>
using first_of = std::tuple_element_t<0, std::tuple<Ts...>>;

/// The position of T among a morph_to's targets, or -1.
template <class T, template <class...> class M, class... Targets>
constexpr std::size_t morph_target_index(std::type_identity<M<Targets...>>) {
    std::size_t out = static_cast<std::size_t>(-1);
    std::size_t i = 0;
    ((out = std::is_same_v<T, Targets> && out == static_cast<std::size_t>(-1) ? i : out, ++i), ...);
    return out;
}

}  // namespace detail

/// Many rows of Target name this model through Name + "Type" and Name + "Id" columns
/// (commentableType = "Post", commentableId = post.id). Options: a delete_policy.
template <class Target, detail::fixed_string Name, auto... Options>
class morph_many : public detail::many_relation<Target, morph_many<Target, Name, Options...>> {
public:
    static constexpr detail::relation_kind kind = detail::relation_kind::has_many;
    static constexpr std::string_view morph_prefix = Name.view();
    using options = detail::relation_options<Options...>;
    static std::string describe() { return detail::relation_description<Target>("morph_many"); }
};

/// The row this model names through its <member>Type and <member>Id columns, one of Targets.
/// Eager loading reads it with one statement per target type.
template <class... Targets>
class morph_to : public detail::relation_base {
public:
    static constexpr detail::relation_kind kind = detail::relation_kind::morph_to;
    using options = detail::relation_options<>;
    /// The first target: what code naming one target (an include path) sees.
    using target_type = detail::first_of<Targets...>;
    using node_type = detail::morph_node<Targets...>;

    constexpr morph_to() noexcept = default;
    morph_to(const morph_to& other) : relation_base(other) {
        if (has_node()) word_ = reinterpret_cast<std::uintptr_t>(new node_type(*other.held())) | node_bit;
    }
    constexpr morph_to(morph_to&& other) noexcept : relation_base(other) { other.word_ = 0; }
    morph_to& operator=(const morph_to& other) {
        if (this != &other) *this = morph_to(other);
        return *this;
    }
    morph_to& operator=(morph_to&& other) noexcept {
        if (this != &other) {
            drop();
            word_ = std::exchange(other.word_, 0);
        }
        return *this;
    }
    constexpr ~morph_to() {
        if (word_ & node_bit) drop();
    }

    /// Whether the relation was loaded.
    [[nodiscard]] bool loaded() const noexcept { return has_node() || (word_ & absent_bit) != 0; }
    /// Loaded and present.
    explicit operator bool() const {
        require_loaded();
        return has_node();
    }

    /// The related row when it is a T, else nullptr. Throws relate::not_loaded.
    template <class T>
    [[nodiscard]] const T* get() const {
        require_loaded();
        return has_node() ? std::get_if<T>(&held()->value) : nullptr;
    }
    template <class T>
    [[nodiscard]] T* get() {
        require_loaded();
        return has_node() ? std::get_if<T>(&held()->value) : nullptr;
    }
    /// Whether the related row is a T. Throws relate::not_loaded.
    template <class T>
    [[nodiscard]] bool is() const {
        return get<T>() != nullptr;
    }
    /// Calls f with the related row, whatever its type. Throws relate::not_loaded, or
    /// relate::not_found when loaded and absent.
    template <class F>
    decltype(auto) visit(F&& f) const {
        require_loaded();
        if (!has_node()) detail::throw_loaded_empty(stamped_origin(), describe());
        return std::visit(std::forward<F>(f), held()->value);
    }

    static std::string describe() {
        std::string out = "morph_to<";
        ((out += detail::type_name<Targets>, out += ", "), ...);
        out.resize(out.size() - 2);
        return out + ">";
    }

private:
    template <class R>
    friend struct detail::relation_access;

    [[nodiscard]] node_type* held() const noexcept { return static_cast<node_type*>(node()); }
    void require_loaded() const {
        if (!loaded()) detail::throw_not_loaded(stamped_origin(), describe());
    }
    void drop() noexcept {
        if (has_node()) delete held();
        word_ = 0;
    }
};

}  // namespace relate
