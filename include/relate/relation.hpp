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
// relate::not_loaded, whose message says how to load it. A relation member is one word: what it
// loaded lives on the heap. Copying a model copies what its relations hold. One load shares a
// belongs_to row among the children that name it (the posts of one user loaded with their author
// point at one User), as Eloquent does; every other relation owns its rows. The target type may be
// incomplete where the member is declared.

#include <relate/detail/core/fixed_string.hpp>
#include <relate/detail/model/aggregate_result.hpp>
#include <relate/detail/model/reflect.hpp>
#include <relate/detail/core/text.hpp>
#include <relate/error.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
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
template <detail::fixed_string Name, detail::fixed_string OwnerKey, detail::fixed_string TargetKey>
struct junction_option {
    static constexpr std::string_view value = Name.view();
    static constexpr std::string_view owner_key = OwnerKey.view();
    static constexpr std::string_view target_key = TargetKey.view();
};

/// Names the foreign-key field: relate::has_many<Post, relate::foreign_key<"authorId">>.
template <detail::fixed_string Name>
inline constexpr foreign_key_option<Name> foreign_key{};
/// Names the junction table of a belongs_to_many, and optionally its two key columns (the one
/// naming this model first): relate::junction<"article_labels">, or for a relation of a model to
/// itself relate::junction<"friendships", "userId", "friendId">.
template <detail::fixed_string Name, detail::fixed_string OwnerKey = "", detail::fixed_string TargetKey = "">
inline constexpr junction_option<Name, OwnerKey, TargetKey> junction{};

template <detail::fixed_string FirstKey, detail::fixed_string SecondKey>
struct through_keys_option {
    static constexpr std::string_view first = FirstKey.view();
    static constexpr std::string_view second = SecondKey.view();
};
/// Names the two foreign keys of a has_many_through / has_one_through: the intermediate model's
/// key to this one (users.countryId), then the target's key to the intermediate (posts.userId).
template <detail::fixed_string FirstKey, detail::fixed_string SecondKey>
inline constexpr through_keys_option<FirstKey, SecondKey> through_keys{};

template <class Pivot>
struct through_option {
    using pivot = Pivot;
};
/// The junction of a belongs_to_many as a struct of its own (pivot data): its table is the
/// struct's (Membership -> memberships), its other columns are read with the related rows and
/// written by connect: relate::belongs_to_many<Role, relate::through<Membership>>.
template <class Pivot>
inline constexpr through_option<Pivot> through{};

namespace detail {

enum class relation_kind { has_one, has_many, belongs_to, belongs_to_many, has_one_through, has_many_through, morph_to };

/// Whether a relation of this kind holds a range of rows.
constexpr bool is_many(relation_kind k) noexcept {
    return k == relation_kind::has_many || k == relation_kind::belongs_to_many || k == relation_kind::has_many_through;
}
/// Whether a relation of this kind reaches its rows through an intermediate model.
constexpr bool is_through(relation_kind k) noexcept {
    return k == relation_kind::has_one_through || k == relation_kind::has_many_through;
}

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
template <fixed_string N, fixed_string O, fixed_string T>
struct option_traits<junction_option<N, O, T>> {
    static constexpr bool is_foreign_key = false;
    static constexpr bool is_junction = true;
};

template <class O>
struct pivot_of_option {
    using type = void;
};
template <class P>
struct pivot_of_option<through_option<P>> {
    using type = P;
};
/// Stands for the pivot struct in the signatures of a relation that has none.
struct no_pivot {};

/// The pivot struct the options name (through<...>), or void.
template <class... Os>
struct pivot_of {
    using type = void;
};
template <class O, class... Os>
struct pivot_of<O, Os...> {
    using type = std::conditional_t<std::is_void_v<typename pivot_of_option<O>::type>, typename pivot_of<Os...>::type,
                                    typename pivot_of_option<O>::type>;
};

/// The key a through_keys option names: 0 the first, 1 the second; empty for other options.
template <int Which, class O>
constexpr std::string_view through_key_of_option(const O&) {
    if constexpr (!requires { O::first; })
        return {};
    else if constexpr (Which == 0)
        return O::first;
    else
        return O::second;
}

template <class O>
constexpr std::string_view foreign_key_of_option(const O&) {
    if constexpr (option_traits<O>::is_foreign_key)
        return O::value;
    else
        return {};
}
/// What a junction option names: part 0 the table, 1 this model's column, 2 the target's.
template <int Part, class O>
constexpr std::string_view junction_part(const O&) {
    if constexpr (!option_traits<O>::is_junction)
        return {};
    else if constexpr (Part == 0)
        return O::value;
    else if constexpr (Part == 1)
        return O::owner_key;
    else
        return O::target_key;
}
/// The last non-empty name the options give for that part.
template <int Part, auto... Options>
constexpr std::string_view junction_name() {
    std::string_view out;
    ((out = junction_part<Part>(Options).empty() ? out : junction_part<Part>(Options)), ...);
    return out;
}

/// The ON DELETE action that declares a policy in the schema.
constexpr std::string_view on_delete_sql(delete_policy policy) noexcept {
    switch (policy) {
        case delete_policy::cascade: return "CASCADE";
        case delete_policy::set_null: return "SET NULL";
        case delete_policy::restrict: break;
    }
    return "RESTRICT";
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
    static constexpr std::string_view junction = junction_name<0, Options...>();
    static constexpr std::string_view junction_owner_key = junction_name<1, Options...>();
    static constexpr std::string_view junction_target_key = junction_name<2, Options...>();
    using pivot = typename pivot_of<std::remove_cvref_t<decltype(Options)>...>::type;
    static constexpr std::string_view through_first_key = [] {
        std::string_view out;
        ((out = through_key_of_option<0>(Options).empty() ? out : through_key_of_option<0>(Options)), ...);
        return out;
    }();
    static constexpr std::string_view through_second_key = [] {
        std::string_view out;
        ((out = through_key_of_option<1>(Options).empty() ? out : through_key_of_option<1>(Options)), ...);
        return out;
    }();
};

/// Where a relation lives (User::posts), stamped on relations of rows read from the database so
/// messages can name it.
struct relation_origin {
    std::string_view owner;
    std::string_view member;
};

/// The heap part of a has_many / belongs_to_many: its rows (when loaded), its count (with_count)
/// and its other aggregates (with_sum, ..., with_exists).
template <class Target>
struct many_node {
    const relation_origin* origin = nullptr;
    bool loaded = false;
    bool from_multi_row_query = false;
    std::int64_t count = -1;  ///< set by with_count (a count is never negative)
    std::vector<Target> items;
    std::vector<aggregate_result> aggregates;
};

/// A many_node of a belongs_to_many through a pivot struct: pivots[i] is the junction row of items[i].
template <class Target, class Pivot>
struct pivot_node : many_node<Target> {
    std::vector<Pivot> pivots;
};

template <class Target, class Pivot>
using many_node_for = std::conditional_t<std::is_void_v<Pivot>, many_node<Target>, pivot_node<Target, Pivot>>;

/// The heap part of a loaded has_one / belongs_to: the row, with a count of the relations pointing
/// at it (several after one load of a belongs_to; atomic: those children may live in several threads).
template <class Target>
struct shared_node {
    std::size_t references = 1;
    Target value;

    void acquire() noexcept { __atomic_add_fetch(&references, 1, __ATOMIC_RELAXED); }
    /// Drops one reference; deletes the node with the last.
    void release() noexcept {
        if (__atomic_sub_fetch(&references, 1, __ATOMIC_ACQ_REL) == 0) delete this;
    }
};

[[noreturn]] inline void throw_not_loaded(const relation_origin* origin, std::string_view what) {
    if (origin == nullptr)
        throw not_loaded(detail::format(
            "relate: {} is not loaded; load it with db.load(model, &Model::member) or eager-load it with "
            "db.query<Model>().with(&Model::member)",
            what));
    throw not_loaded(detail::format(
        "relate: {}::{} is not loaded; load it with db.load(model, &{}::{}) or eager-load it with "
        "db.query<{}>().with(&{}::{})",
        origin->owner, origin->member, origin->owner, origin->member, origin->owner, origin->owner, origin->member));
}

[[noreturn]] inline void throw_loaded_empty(const relation_origin* origin, std::string_view what) {
    if (origin == nullptr)
        throw not_found(detail::format("relate: {} is loaded and empty (no related row)", what));
    throw not_found(detail::format("relate: {}::{} is loaded and empty (no related row)", origin->owner, origin->member));
}

/// Gives the loader and the committer access to a relation's storage.
template <class R>
struct relation_access;

/// What every relation holds: one word. Bit 0 clear: nothing on the heap, the rest is the
/// relation's origin (or null) with two flags. Bit 0 set: the rest points at the heap node.
class relation_base {
public:
    using relation_tag = void;

protected:
    template <class R>
    friend struct relation_access;

    static constexpr std::uintptr_t node_bit = 1;
    static constexpr std::uintptr_t multi_row_bit = 2;  ///< read by a multi-row query (strict mode)
    static constexpr std::uintptr_t absent_bit = 4;     ///< has_one / belongs_to: loaded, no row
    static constexpr std::uintptr_t flag_bits = 7;
    static_assert(alignof(relation_origin) > flag_bits, "relate: the flags live in the low bits of the origin pointer");

    [[nodiscard]] bool has_node() const noexcept { return (word_ & node_bit) != 0; }
    [[nodiscard]] void* node() const noexcept { return reinterpret_cast<void*>(word_ & ~flag_bits); }
    [[nodiscard]] const relation_origin* stamped_origin() const noexcept {
        return has_node() ? nullptr : reinterpret_cast<const relation_origin*>(word_ & ~flag_bits);
    }
    [[nodiscard]] bool stamped_multi_row() const noexcept { return !has_node() && (word_ & multi_row_bit) != 0; }

    /// Where the relation lives and whether its row came from a multi-row query (not loaded).
    void stamp(const relation_origin* origin, bool from_multi_row_query) noexcept {
        word_ = reinterpret_cast<std::uintptr_t>(origin) | (from_multi_row_query ? multi_row_bit : 0);
    }

    std::uintptr_t word_ = 0;
};

/// has_one and belongs_to: a nullable pointer to the related model.
template <class Target, class Derived>
class single_relation : public relation_base {
public:
    using target_type = Target;
    using node_type = shared_node<Target>;

    constexpr single_relation() noexcept = default;
    single_relation(const single_relation& other) : relation_base(other) {
        if (has_node()) word_ = reinterpret_cast<std::uintptr_t>(new shared_node<Target>{1, other.shared()->value}) | node_bit;
    }
    constexpr single_relation(single_relation&& other) noexcept : relation_base(other) { other.word_ = 0; }
    single_relation& operator=(const single_relation& other) {
        if (this != &other) *this = single_relation(other);
        return *this;
    }
    single_relation& operator=(single_relation&& other) noexcept {
        if (this != &other) {
            drop();
            word_ = std::exchange(other.word_, 0);
        }
        return *this;
    }
    constexpr ~single_relation() {
        if (word_ & node_bit) drop();
    }

    /// Whether the relation was loaded (eagerly, lazily, or by a write through it).
    [[nodiscard]] bool loaded() const noexcept { return has_node() || (word_ & absent_bit) != 0; }

    /// The related model, or nullptr when loaded and absent. Throws relate::not_loaded.
    [[nodiscard]] const Target* get() const { return target(); }
    [[nodiscard]] Target* get() { return target(); }
    /// The related model. Throws relate::not_loaded, or relate::not_found when loaded and absent.
    [[nodiscard]] const Target& value() const { return *present(); }
    [[nodiscard]] Target& value() { return *present(); }
    const Target& operator*() const { return value(); }
    Target& operator*() { return value(); }
    const Target* operator->() const { return &value(); }
    Target* operator->() { return &value(); }
    /// Loaded and present.
    explicit operator bool() const { return get() != nullptr; }

private:
    template <class R>
    friend struct relation_access;

    [[nodiscard]] shared_node<Target>* shared() const noexcept { return static_cast<shared_node<Target>*>(node()); }

    Target* target() const {
        if (has_node()) return &shared()->value;
        if ((word_ & absent_bit) == 0) throw_not_loaded(stamped_origin(), Derived::describe());
        return nullptr;
    }
    Target* present() const {
        if (Target* t = target()) return t;
        throw_loaded_empty(stamped_origin(), Derived::describe());
    }
    void drop() noexcept {
        if (has_node()) shared()->release();
        word_ = 0;
    }
};

/// has_many and belongs_to_many: a read-only range of the related models.
template <class Target, class Derived, class Node = many_node<Target>>
class many_relation : public relation_base {
public:
    using target_type = Target;
    using node_type = Node;
    using const_iterator = typename std::vector<Target>::const_iterator;

    constexpr many_relation() noexcept = default;
    many_relation(const many_relation& other) : relation_base(other) {
        if (has_node()) word_ = reinterpret_cast<std::uintptr_t>(new Node(*other.many())) | node_bit;
    }
    constexpr many_relation(many_relation&& other) noexcept : relation_base(other) { other.word_ = 0; }
    many_relation& operator=(const many_relation& other) {
        if (this != &other) *this = many_relation(other);
        return *this;
    }
    many_relation& operator=(many_relation&& other) noexcept {
        if (this != &other) {
            drop();
            word_ = std::exchange(other.word_, 0);
        }
        return *this;
    }
    constexpr ~many_relation() {
        if (word_ & node_bit) drop();
    }

    /// Whether the relation was loaded (eagerly, lazily, or by a write through it).
    [[nodiscard]] bool loaded() const noexcept { return has_node() && many()->loaded; }

    /// The related models. Throws relate::not_loaded.
    [[nodiscard]] const std::vector<Target>& value() const {
        if (!loaded()) throw_not_loaded(origin(), Derived::describe());
        return many()->items;
    }
    [[nodiscard]] const_iterator begin() const { return value().begin(); }
    [[nodiscard]] const_iterator end() const { return value().end(); }
    [[nodiscard]] std::size_t size() const { return value().size(); }
    [[nodiscard]] bool empty() const { return value().empty(); }
    const Target& operator[](std::size_t i) const { return value()[i]; }
    const std::vector<Target>& operator*() const { return value(); }
    const std::vector<Target>* operator->() const { return &value(); }

    /// belongs_to_many through a pivot struct: the junction row read with row i (same statement).
    /// Throws relate::not_loaded.
    template <class N = Node>
        requires requires(const N& n) { n.pivots; }
    [[nodiscard]] const auto& pivot(std::size_t i) const {
        if (!loaded()) throw_not_loaded(origin(), Derived::describe());
        return many()->pivots[i];
    }

    /// The number of related rows: from with_count, or the loaded rows. Throws relate::not_loaded.
    [[nodiscard]] std::int64_t count() const {
        if (has_node() && many()->count >= 0) return many()->count;
        if (loaded()) return static_cast<std::int64_t>(many()->items.size());
        throw_not_loaded(origin(), Derived::describe() + " (its count: use .with_count(&Model::member))");
    }
    /// Whether there is any related row: from with_exists, with_count, or the loaded rows.
    /// Throws relate::not_loaded.
    [[nodiscard]] bool exists() const {
        if (has_node())
            for (const aggregate_result& r : many()->aggregates)
                if (r.kind == aggregate_kind::exists) return r.integer != 0;
        return count() > 0;
    }

    /// with_sum: the sum of the related rows' column, 0 when there are none. Name the column
    /// when several were summed. Throws relate::not_loaded, or relate::type_error for an integer
    /// sum a double cannot hold exactly.
    [[nodiscard]] double sum(std::string_view column = {}) const {
        return aggregate(aggregate_kind::sum, column).value_or(0.0);
    }
    /// with_avg, with_min, with_max: nullopt when there is no related row (or every value is NULL).
    [[nodiscard]] std::optional<double> avg(std::string_view column = {}) const {
        return aggregate(aggregate_kind::avg, column);
    }
    [[nodiscard]] std::optional<double> min(std::string_view column = {}) const {
        return aggregate(aggregate_kind::min, column);
    }
    [[nodiscard]] std::optional<double> max(std::string_view column = {}) const {
        return aggregate(aggregate_kind::max, column);
    }

private:
    template <class R>
    friend struct relation_access;

    [[nodiscard]] Node* many() const noexcept { return static_cast<Node*>(node()); }
    [[nodiscard]] const relation_origin* origin() const noexcept {
        return has_node() ? many()->origin : stamped_origin();
    }
    /// "User::posts", or the relation's type when it was never read from the database.
    [[nodiscard]] std::string name() const {
        const relation_origin* o = origin();
        return o != nullptr ? detail::format("{}::{}", o->owner, o->member) : Derived::describe();
    }
    [[nodiscard]] std::optional<double> aggregate(aggregate_kind kind, std::string_view column) const {
        static const std::vector<aggregate_result> none;
        const std::string relation = name();
        return aggregate_number(*find_aggregate(has_node() ? many()->aggregates : none, kind, column, relation), relation);
    }
    void drop() noexcept {
        if (has_node()) delete many();
        word_ = 0;
    }
};

/// "has_many<Post>": how a relation describes itself before it knows its owner.
template <class T>
std::string relation_description(std::string_view kind) {
    return detail::format("{}<{}>", kind, type_name<T>);
}
/// "has_many_through<Post, User>".
template <class T, class Through>
std::string through_description(std::string_view kind) {
    return detail::format("{}<{}, {}>", kind, type_name<T>, type_name<Through>);
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

/// Linked through a junction table (post_tags(postId, tagId)). Options: junction<"...">, through<Pivot>.
template <class Target, auto... Options>
class belongs_to_many
    : public detail::many_relation<Target, belongs_to_many<Target, Options...>,
                                   detail::many_node_for<Target, typename detail::relation_options<Options...>::pivot>> {
public:
    static constexpr detail::relation_kind kind = detail::relation_kind::belongs_to_many;
    using options = detail::relation_options<Options...>;
    static std::string describe() { return detail::relation_description<Target>("belongs_to_many"); }
};

/// The rows of Target whose foreign key names a row of Through that names this one: a country's
/// posts through its users (users.countryId, posts.userId). Read-only: write through the two
/// relations it crosses. Option: through_keys<"countryId", "userId">.
template <class Target, class Through, auto... Options>
class has_many_through : public detail::many_relation<Target, has_many_through<Target, Through, Options...>> {
public:
    static constexpr detail::relation_kind kind = detail::relation_kind::has_many_through;
    using options = detail::relation_options<Options...>;
    using through_type = Through;
    static std::string describe() { return detail::through_description<Target, Through>("has_many_through"); }
};

/// has_many_through with at most one row: a mechanic's car's owner (cars.mechanicId, owners.carId).
template <class Target, class Through, auto... Options>
class has_one_through : public detail::single_relation<Target, has_one_through<Target, Through, Options...>> {
public:
    static constexpr detail::relation_kind kind = detail::relation_kind::has_one_through;
    using options = detail::relation_options<Options...>;
    using through_type = Through;
    static std::string describe() { return detail::through_description<Target, Through>("has_one_through"); }
};

}  // namespace relate
