#pragma once
// Relation members: has_one, has_many, belongs_to, belongs_to_many, with their options.
//
//   struct User {
//       std::int64_t id = 0;
//       relate::has_one<Profile> profile;                 // profiles.userId
//       relate::has_many<Post, relate::cascade> posts;    // posts.userId; deleting a user deletes its posts
//   };
//
// A relation holds what was loaded into it. Reading one that is not loaded throws
// relate::not_loaded, whose message says how to load it. Relations are values: copying a model
// copies what its relations hold. The target type may be incomplete where the member is declared.

#include <relate/detail/fixed_string.hpp>
#include <relate/detail/reflect.hpp>
#include <relate/error.hpp>

#include <relate/detail/text.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace relate {

/// What deleting a parent does to the rows of a has_one / has_many relation.
enum class delete_policy {
    restrict,  ///< refuse while children exist (relate::restrict_error); the default
    cascade,   ///< delete the children too
    set_null,  ///< set the children's foreign key to NULL (it must be std::optional)
};
inline constexpr delete_policy restrict = delete_policy::restrict;
inline constexpr delete_policy cascade = delete_policy::cascade;
inline constexpr delete_policy set_null = delete_policy::set_null;

template <detail::fixed_string Name>
struct foreign_key_option {
    static constexpr std::string_view value = Name.view();
};
template <detail::fixed_string Name>
struct junction_option {
    static constexpr std::string_view value = Name.view();
};

/// Names the foreign-key field: relate::has_many<Post, relate::foreign_key<"authorId">>.
template <detail::fixed_string Name>
inline constexpr foreign_key_option<Name> foreign_key{};
/// Names the junction table of a belongs_to_many: relate::junction<"article_labels">.
template <detail::fixed_string Name>
inline constexpr junction_option<Name> junction{};

namespace detail {

enum class relation_kind { has_one, has_many, belongs_to, belongs_to_many };

template <class O>
struct option_traits {
    static constexpr bool is_foreign_key = false;
    static constexpr bool is_junction = false;
};
template <fixed_string N>
struct option_traits<foreign_key_option<N>> {
    static constexpr bool is_foreign_key = true;
    static constexpr bool is_junction = false;
};
template <fixed_string N>
struct option_traits<junction_option<N>> {
    static constexpr bool is_foreign_key = false;
    static constexpr bool is_junction = true;
};

template <class O>
constexpr std::string_view foreign_key_of_option(const O&) {
    if constexpr (option_traits<O>::is_foreign_key)
        return O::value;
    else
        return {};
}
template <class O>
constexpr std::string_view junction_of_option(const O&) {
    if constexpr (option_traits<O>::is_junction)
        return O::value;
    else
        return {};
}

template <class O>
constexpr delete_policy policy_of_option(const O& option, delete_policy otherwise) {
    if constexpr (std::is_same_v<O, delete_policy>)
        return option;
    else
        return otherwise;
}

template <auto... Options>
struct relation_options {
    static constexpr delete_policy policy = [] {
        delete_policy out = delete_policy::restrict;
        ((out = policy_of_option(Options, out)), ...);
        return out;
    }();
    static constexpr std::string_view foreign_key = [] {
        std::string_view out;
        ((out = foreign_key_of_option(Options).empty() ? out : foreign_key_of_option(Options)), ...);
        return out;
    }();
    static constexpr std::string_view junction = [] {
        std::string_view out;
        ((out = junction_of_option(Options).empty() ? out : junction_of_option(Options)), ...);
        return out;
    }();
};

/// Where a relation lives (User::posts), stamped on relations of rows read from the database so
/// messages can name it.
struct relation_origin {
    std::string_view owner;
    std::string_view member;
};

/// What every relation member keeps besides its rows: the origin and two flags in one word,
/// since every model read carries one per relation and scans move them all.
class relation_state {
public:
    constexpr relation_state() noexcept = default;
    relation_state(const relation_origin* origin, bool from_multi_row_query) noexcept
        : bits_(reinterpret_cast<std::uintptr_t>(origin) | (from_multi_row_query ? multi_row_bit : 0)) {}

    [[nodiscard]] const relation_origin* origin() const noexcept {
        return reinterpret_cast<const relation_origin*>(bits_ & ~flag_bits);
    }
    [[nodiscard]] bool loaded() const noexcept { return (bits_ & loaded_bit) != 0; }
    void set_loaded(bool loaded) noexcept { bits_ = loaded ? bits_ | loaded_bit : bits_ & ~loaded_bit; }
    /// Strict mode refuses db.load on a model read by a multi-row query.
    [[nodiscard]] bool from_multi_row_query() const noexcept { return (bits_ & multi_row_bit) != 0; }

private:
    static constexpr std::uintptr_t loaded_bit = 1;
    static constexpr std::uintptr_t multi_row_bit = 2;
    static constexpr std::uintptr_t flag_bits = loaded_bit | multi_row_bit;
    static_assert(alignof(relation_origin) > flag_bits, "relate: the flags live in the low bits of the origin pointer");

    std::uintptr_t bits_ = 0;
};

[[noreturn]] inline void throw_not_loaded(const relation_state& state, std::string_view what) {
    if (state.origin() == nullptr)
        throw not_loaded(detail::format(
            "relate: {} is not loaded; load it with db.load(model, &Model::member) or eager-load it with "
            "db.query<Model>().with(&Model::member)",
            what));
    const auto& o = *state.origin();
    throw not_loaded(detail::format(
        "relate: {}::{} is not loaded; load it with db.load(model, &{}::{}) or eager-load it with "
        "db.query<{}>().with(&{}::{})",
        o.owner, o.member, o.owner, o.member, o.owner, o.owner, o.member));
}

/// Gives the loader and the committer access to a relation's storage.
struct relation_access;

/// Common part of every relation: the loaded flag, the origin, the count.
class relation_base {
public:
    using relation_tag = void;

    /// Whether the relation was loaded (eagerly, lazily, or by a write through it).
    [[nodiscard]] bool loaded() const noexcept { return state_.loaded(); }

protected:
    friend struct relation_access;
    relation_state state_;
};

/// A model held by value behind a pointer, so the target type may be incomplete here; copies deep.
/// A raw owning pointer rather than std::unique_ptr, whose destructor is not constexpr in C++20:
/// models must stay literal types for compile-time reflection.
template <class Target>
class optional_box {
public:
    constexpr optional_box() = default;
    optional_box(const optional_box& other) : ptr_(other.ptr_ != nullptr ? new Target(*other.ptr_) : nullptr) {}
    constexpr optional_box(optional_box&& other) noexcept : ptr_(std::exchange(other.ptr_, nullptr)) {}
    optional_box& operator=(const optional_box& other) {
        if (this != &other) reset(other.ptr_ != nullptr ? std::make_unique<Target>(*other.ptr_) : nullptr);
        return *this;
    }
    optional_box& operator=(optional_box&& other) noexcept {
        if (this != &other) reset(std::unique_ptr<Target>(std::exchange(other.ptr_, nullptr)));
        return *this;
    }
    constexpr ~optional_box() { delete ptr_; }

    [[nodiscard]] Target* get() const noexcept { return ptr_; }
    void reset(std::unique_ptr<Target> p) noexcept {
        delete ptr_;
        ptr_ = p.release();
    }

private:
    Target* ptr_ = nullptr;
};

/// has_one and belongs_to: a nullable pointer to the related model.
template <class Target, class Derived>
class single_relation : public relation_base {
public:
    using target_type = Target;

    /// The related model, or nullptr when loaded and absent. Throws relate::not_loaded.
    [[nodiscard]] const Target* get() const {
        if (!state_.loaded()) throw_not_loaded(state_, Derived::describe());
        return box_.get();
    }
    [[nodiscard]] Target* get() {
        if (!state_.loaded()) throw_not_loaded(state_, Derived::describe());
        return box_.get();
    }
    /// The related model. Throws relate::not_loaded, or relate::not_found when loaded and absent.
    [[nodiscard]] const Target& value() const { return *checked(); }
    [[nodiscard]] Target& value() { return *checked(); }
    const Target& operator*() const { return value(); }
    Target& operator*() { return value(); }
    const Target* operator->() const { return &value(); }
    Target* operator->() { return &value(); }
    /// Loaded and present.
    explicit operator bool() const { return get() != nullptr; }

private:
    friend struct relation_access;

    Target* checked() const {
        if (!state_.loaded()) throw_not_loaded(state_, Derived::describe());
        if (box_.get() == nullptr) {
            if (const relation_origin* o = state_.origin())
                throw not_found(detail::format("relate: {}::{} is loaded and empty (no related row)", o->owner, o->member));
            throw not_found(detail::format("relate: {} is loaded and empty (no related row)", Derived::describe()));
        }
        return box_.get();
    }

    optional_box<Target> box_;
};

/// has_many and belongs_to_many: a read-only range of the related models.
template <class Target, class Derived>
class many_relation : public relation_base {
public:
    using target_type = Target;
    using const_iterator = typename std::vector<Target>::const_iterator;

    /// The related models. Throws relate::not_loaded.
    [[nodiscard]] const std::vector<Target>& value() const {
        if (!state_.loaded()) throw_not_loaded(state_, Derived::describe());
        return items_;
    }
    [[nodiscard]] const_iterator begin() const { return value().begin(); }
    [[nodiscard]] const_iterator end() const { return value().end(); }
    [[nodiscard]] std::size_t size() const { return value().size(); }
    [[nodiscard]] bool empty() const { return value().empty(); }
    const Target& operator[](std::size_t i) const { return value()[i]; }
    const std::vector<Target>& operator*() const { return value(); }
    const std::vector<Target>* operator->() const { return &value(); }

    /// The number of related rows: from with_count, or the loaded rows. Throws relate::not_loaded.
    [[nodiscard]] std::int64_t count() const {
        if (count_ != no_count) return count_;
        if (state_.loaded()) return static_cast<std::int64_t>(items_.size());
        throw_not_loaded(state_, Derived::describe() + " (its count: use .with_count(&Model::member))");
    }

private:
    friend struct relation_access;
    static constexpr std::int64_t no_count = -1;

    std::vector<Target> items_;
    std::int64_t count_ = no_count;  ///< set by with_count (a count is never negative)
};

/// "has_many<Post>": how a relation describes itself before it knows its owner.
template <class T>
std::string relation_description(std::string_view kind) {
    return detail::format("{}<{}>", kind, type_name<T>);
}

}  // namespace detail

/// The other model holds a foreign key to this one (profiles.userId). Option: a delete_policy, foreign_key<"...">.
template <class Target, auto... Options>
class has_one : public detail::single_relation<Target, has_one<Target, Options...>> {
public:
    static constexpr detail::relation_kind kind = detail::relation_kind::has_one;
    using options = detail::relation_options<Options...>;
    static std::string describe() { return detail::relation_description<Target>("has_one"); }
};

/// Many rows of the other model hold a foreign key to this one (posts.userId).
template <class Target, auto... Options>
class has_many : public detail::many_relation<Target, has_many<Target, Options...>> {
public:
    static constexpr detail::relation_kind kind = detail::relation_kind::has_many;
    using options = detail::relation_options<Options...>;
    static std::string describe() { return detail::relation_description<Target>("has_many"); }
};

/// This model holds the foreign key (Profile::userId) to the other one.
template <class Target, auto... Options>
class belongs_to : public detail::single_relation<Target, belongs_to<Target, Options...>> {
public:
    static constexpr detail::relation_kind kind = detail::relation_kind::belongs_to;
    using options = detail::relation_options<Options...>;
    static std::string describe() { return detail::relation_description<Target>("belongs_to"); }
};

/// Linked through a junction table (post_tags(postId, tagId)). Option: junction<"...">.
template <class Target, auto... Options>
class belongs_to_many : public detail::many_relation<Target, belongs_to_many<Target, Options...>> {
public:
    static constexpr detail::relation_kind kind = detail::relation_kind::belongs_to_many;
    using options = detail::relation_options<Options...>;
    static std::string describe() { return detail::relation_description<Target>("belongs_to_many"); }
};

}  // namespace relate
