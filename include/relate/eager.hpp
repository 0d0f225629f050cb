#pragma once
// Eager loading: what query<T>::with() accepts.
//
//   db.query<User>().with(&User::profile, &User::posts)            // member pointers
//   db.query<User>().with("posts.tags", "profile")                  // dotted paths, checked at compile time
//   db.query<User>().with(relate::runtime_path(text))               // checked at run time: unknown_relation
//   db.query<User>().with(relate::include(&User::posts)             // constrained and nested
//       .where(col<&Post::title> != "").order_by(col<&Post::id>.desc()).limit(3)
//       .select(&Post::id, &Post::title).with(&Post::tags))

#include <relate/detail/loading/aggregate_requests.hpp>
#include <relate/detail/loading/include_tree.hpp>
#include <relate/detail/model/edge.hpp>
#include <relate/detail/model/model_desc.hpp>
#include <relate/expr.hpp>
#include <relate/options.hpp>

#include <array>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace relate {

/// An include path known only at run time; a name that is not a relation throws
/// relate::unknown_relation. Names are compared with the model's relations, never put in SQL.
struct runtime_path {
    explicit runtime_path(std::string p) : text(std::move(p)) {}
    std::string text;
};

namespace detail {

enum class path_problem { none, unknown_name, names_a_column, empty_segment, too_deep };

/// Walks a dotted path through the models' relations (called from include_arg's consteval
/// constructor; constexpr rather than consteval because Clang 14 rejects the recursion otherwise).
template <class T>
constexpr path_problem check_path(std::string_view path, std::size_t depth) {
    using L = model_layout<T>;
    if (depth > max_include_depth) return path_problem::too_deep;
    const std::size_t dot = path.find('.');
    const std::string_view name = path.substr(0, dot);
    const std::string_view rest = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
    if (name.empty() || (dot != std::string_view::npos && rest.empty())) return path_problem::empty_segment;
    path_problem result = L::find_column(name) < L::column_count ? path_problem::names_a_column : path_problem::unknown_name;
    [&]<std::size_t... R>(std::index_sequence<R...>) {
        ((L::relation_names[R] == name
              ? void(result = rest.empty() ? path_problem::none
                                           : check_path<target_of<T, L::relation_fields[R]>>(rest, depth + 1))
              : void()),
         ...);
    }(std::make_index_sequence<L::relation_count>{});
    return result;
}

/// Called only when a compile-time include path is wrong. Being non-constexpr, it stops the
/// consteval constructor, and g++'s first error line prints its template argument: the sentence.
template <fixed_string Sentence>
void include_path_error() {}

template <class T, std::size_t N>
constexpr bool path_has(const char (&path)[N], path_problem problem) {
    return check_path<T>(std::string_view(path, N - 1), 1) == problem;
}

// Each problem with its sentence, once: diagnose_if needs the sentence as a literal.
#define RELATE_INCLUDE_PATH_PROBLEMS(X)                                               \
    X(unknown_name, "relate: include path names no relation of the model")          \
    X(names_a_column, "relate: include path names a column, not a relation")         \
    X(empty_segment, "relate: include path has an empty segment")                    \
    X(too_deep, "relate: include path is deeper than relate::max_include_depth")

template <class T>
void add_path_of(include_list& list, std::string_view path, std::size_t depth, std::size_t limit);

/// Every relation of T by name, for paths resolved at run time. Only paths instantiate it, and
/// with it the table of every model reachable from T; member pointers do not.
template <class T>
inline constexpr auto relations_of = []<std::size_t... R>(std::index_sequence<R...>) {
    using L = model_layout<T>;
    return std::array<relation_entry, sizeof...(R)>{relation_entry{L::relation_names[R], R,
                                                                    &edge<T, L::relation_fields[R]>::origin,
                                                                    &add_path_of<target_of<T, L::relation_fields[R]>>}...};
}(std::make_index_sequence<model_layout<T>::relation_count>{});

template <class T>
void add_path_of(include_list& list, std::string_view path, std::size_t depth, std::size_t limit) {
    add_path(list, type_name<T>, model_layout<T>::table, relations_of<T>, path, depth, limit);
}

/// The include node of relation member I of T, without constraints.
template <class T, std::size_t I>
include_node node_of() {
    return {relation_number<T, I>(), &edge<T, I>::origin, {}, {}, {}, {}, {}, {}, {}, {}};
}

/// Something with() can turn into an include node of T (relate::include(...) specs).
template <class T>
class include_source {
public:
    [[nodiscard]] virtual include_node node() const = 0;

protected:
    include_source() = default;
    include_source(const include_source&) = default;
    include_source& operator=(const include_source&) = default;
    ~include_source() = default;
};

}  // namespace detail

/// One argument of with(): a relation member pointer, a dotted path literal, a runtime_path, or
/// a relate::include(...) spec. Literal paths are checked by the compiler.
template <class T>
class include_arg {
public:
    constexpr include_arg() = default;

    // Clang's first error line would be "call to consteval function ... is not a constant
    // expression"; diagnose_if puts the sentence before it. g++ ignores the attribute and prints
    // the sentence as include_path_error's template argument.
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wgcc-compat"  // diagnose_if is the point, on clang only
#define RELATE_PATH_DIAGNOSE_IF(problem, sentence) \
    __attribute__((diagnose_if(detail::path_has<T>(path, detail::path_problem::problem), sentence, "error")))
#else
#define RELATE_PATH_DIAGNOSE_IF(problem, sentence)
#endif
#define RELATE_PATH_CASE(problem, sentence) \
    case detail::path_problem::problem: detail::include_path_error<sentence>(); break;

    template <std::size_t N>
    consteval include_arg(const char (&path)[N])  // NOLINT: a literal path is an include
        RELATE_INCLUDE_PATH_PROBLEMS(RELATE_PATH_DIAGNOSE_IF)
        : text_(path, N - 1), add_path_(&detail::add_path_of<T>) {
        switch (detail::check_path<T>(text_, 1)) {
            case detail::path_problem::none: break;
            RELATE_INCLUDE_PATH_PROBLEMS(RELATE_PATH_CASE)
        }
    }
#undef RELATE_PATH_CASE
#undef RELATE_PATH_DIAGNOSE_IF
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

    include_arg(const runtime_path& path) : text_(path.text), add_path_(&detail::add_path_of<T>) {}  // NOLINT

    template <class R>
        requires detail::relation_field<R>
    constexpr include_arg(R T::*) : node_(&detail::node_of<T, detail::relation_index<T, R>()>) {}  // NOLINT

    constexpr include_arg(const detail::include_source<T>& source) : source_(&source) {}  // NOLINT

    /// Adds this include to the list (no-op for an empty argument).
    void apply(detail::include_list& list, std::size_t depth, std::size_t limit) const {
        if (node_ != nullptr) {
            list.add(node_());
        } else if (source_ != nullptr) {
            list.add(source_->node());
        } else if (add_path_ != nullptr) {
            add_path_(list, text_, depth, limit);
        }
    }
    /// Adds this include under `parent`; a path waits for the query (include_list::resolve).
    void nest_into(detail::include_node& parent) const {
        if (add_path_ != nullptr)
            parent.paths.push_back({std::string(text_), add_path_});
        else
            apply(parent.nested, 0, 0);
    }

private:
    std::string_view text_;
    /// Set only by the path constructors, so that member pointers do not instantiate path
    /// resolution (and with it a loader for every edge reachable from T).
    void (*add_path_)(detail::include_list&, std::string_view, std::size_t, std::size_t) = nullptr;
    detail::include_node (*node_)() = nullptr;
    const detail::include_source<T>* source_ = nullptr;
};
#undef RELATE_INCLUDE_PATH_PROBLEMS

/// A constrained include of relation member I of Parent: where, order_by, limit and offset (per
/// parent), select, nested with, and aggregates of the related rows' own relations (with_count, ...).
template <class Parent, std::size_t I>
class include_spec final : public detail::include_source<Parent>,
                           public detail::aggregate_requests<include_spec<Parent, I>, detail::target_of<Parent, I>> {
    using Target = detail::target_of<Parent, I>;
    static constexpr bool has_pivot = !std::is_void_v<typename detail::edge<Parent, I>::pivot>;
    using Pivot = std::conditional_t<has_pivot, typename detail::edge<Parent, I>::pivot, Target>;
    friend class detail::aggregate_requests<include_spec, Target>;

public:
    include_spec() : node_(detail::node_of<Parent, I>()) {}

    include_spec& where(const predicate<Target>& condition) {
        detail::and_where(node_.where, condition.sql());
        return *this;
    }
    template <class... Terms>
        requires(std::convertible_to<Terms, order_term<Target>> && ...)
    include_spec& order_by(const Terms&... terms) {
        (node_.order.push_back(static_cast<order_term<Target>>(terms)), ...);
        return *this;
    }
    /// belongs_to_many through a pivot struct: a condition on the junction row (Eloquent's wherePivot).
    include_spec& where_pivot(const predicate<Pivot>& condition)
        requires has_pivot
    {
        detail::fragment on_junction = condition.sql();
        detail::and_where(node_.where, on_junction.qualify(detail::junction_alias));
        return *this;
    }
    /// belongs_to_many through a pivot struct: orders by junction columns, after any order_by.
    template <class... Terms>
        requires(has_pivot && (std::convertible_to<Terms, order_term<Pivot>> && ...))
    include_spec& order_by_pivot(const Terms&... terms) {
        ((node_.order.push_back(static_cast<order_term<Pivot>>(terms)), node_.order.back().table = detail::junction_alias),
         ...);
        return *this;
    }
    /// At most n related rows per parent (a ROW_NUMBER window), not n in total.
    include_spec& limit(std::int64_t n) {
        node_.limit = per_parent(n, "limit");
        return *this;
    }
    /// Skips the first n related rows of each parent (in order_by order, else by key).
    include_spec& offset(std::int64_t n) {
        node_.offset = per_parent(n, "offset");
        return *this;
    }
    /// Reads only these fields (and the keys matching needs); the others keep their defaults.
    template <class... F>
    include_spec& select(F Target::*... fields) {
        const Target probe{};  // member pointers are compared by the address they select in it
        std::vector<bool> columns(detail::model_layout<Target>::column_count, false);
        ((columns[detail::column_at(probe, &(probe.*fields))] = true), ...);
        node_.select = std::move(columns);
        return *this;
    }
    include_spec& with(include_arg<Target> a, include_arg<Target> b = {}, include_arg<Target> c = {},
                       include_arg<Target> d = {}, include_arg<Target> e = {}, include_arg<Target> f = {},
                       include_arg<Target> g = {}, include_arg<Target> h = {}) {
        for (const auto* arg : {&a, &b, &c, &d, &e, &f, &g, &h}) arg->nest_into(node_);
        return *this;
    }

    [[nodiscard]] detail::include_node node() const override { return node_; }

private:
    std::vector<detail::aggregate_spec>& aggregate_list() { return node_.aggregates; }

    static std::int64_t per_parent(std::int64_t n, std::string_view what) {
        if (n < 0)
            throw error(detail::format("relate: include(&{}::{}).{}({}) needs a count of zero or more",
                                       detail::edge<Parent, I>::origin.owner, detail::edge<Parent, I>::origin.member,
                                       what, n));
        return n;
    }

    detail::include_node node_;
};

namespace detail {

/// An include_arg<T> parameter whose T is deduced from another parameter (the rows), so that a
/// literal path converts to it.
template <class T>
using include_arg_of = std::type_identity_t<include_arg<T>>;

/// Adds includes as with() takes them to a query's (top-level) include list, then resolves its
/// run-time paths against the depth limit.
template <class T>
void add_includes(include_list& list, std::initializer_list<const include_arg<T>*> args, std::size_t limit) {
    for (const auto* arg : args) arg->apply(list, 1, limit);
    list.resolve(1, limit);
}

}  // namespace detail

/// Starts a constrained include: relate::include(&User::posts).where(...).limit(3).
template <class Parent, class R>
    requires detail::relation_field<R>
auto include(R Parent::*) {
    return include_spec<Parent, detail::relation_index<Parent, R>()>{};
}

}  // namespace relate
