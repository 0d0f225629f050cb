#pragma once
// What the loader and the committer do to a relation member, without its type: one constant per
// relation type. has_many / belongs_to_many take their rows one at a time, appended in place;
// has_one / belongs_to point at a node, which children loaded together share for a belongs_to.

#include <relate/polymorphic.hpp>
#include <relate/relation.hpp>

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <variant>

namespace relate::detail {

struct relation_ops {
    bool (*loaded)(const void* relation);
    /// Where the relation lives, and whether its row came from a multi-row query (not loaded).
    void (*stamp)(void* relation, const relation_origin* origin, bool from_multi_row_query);
    /// Not loaded any more (a write through it made what it held stale).
    void (*unload)(void* relation, const relation_origin* origin);
    /// Loaded, with nothing in it (yet).
    void (*load_empty)(void* relation, const relation_origin* origin);

    // has_many, belongs_to_many
    /// Appends a default-constructed row (and pivot) to the loaded relation and returns the row;
    /// the first makes room for `expected` rows.
    void* (*append)(void* relation, std::size_t expected);
    /// Appends a copy of the last row (and pivot) of `source`, a relation of the same type.
    void (*append_copy)(void* relation, const void* source);
    /// belongs_to_many through a pivot struct: the pivot of the last row appended; else nullptr.
    void* (*last_pivot)(void* relation);
    /// Keeps an aggregate (with_count, with_sum, ...), replacing one of the same function and column.
    void (*set_aggregate)(void* relation, const relation_origin* origin, const aggregate_result& result);
    std::size_t (*size)(const void* relation);
    void* (*at)(void* relation, std::size_t i);

    // has_one, belongs_to
    /// A new node holding a default-constructed row (one reference), and that row.
    std::pair<void*, void*> (*new_node)();
    /// Points the relation at the node (one more reference).
    void (*point_at)(void* relation, void* node);
    void (*release)(void* node);
    /// The relation holds a copy of `row`, which it returns.
    void* (*hold_copy)(void* relation, const void* row);
    /// The row a loaded relation holds, or nullptr when it is absent.
    void* (*row)(void* relation);

    // morph_to
    /// Holds a default-constructed row of target type `type` (by position) and returns it.
    void* (*hold_type)(void* relation, std::size_t type);
    /// Holds a copy of what `source`, a loaded relation of the same type, holds.
    void (*copy_from)(void* relation, const void* source);
};

template <class R>
struct relation_access {
    using target = typename R::target_type;
    static constexpr bool many = is_many(R::kind);
    static constexpr bool with_pivot = !std::is_void_v<typename R::options::pivot>;

    /// The relation as its base class, whose storage this class may touch.
    using base = std::conditional_t<many, many_relation<target, R, typename R::node_type>, single_relation<target, R>>;
    static base& of(void* relation) noexcept { return *static_cast<R*>(relation); }

    /// Whether the relation's row came from a multi-row query (strict mode refuses to load it).
    static bool from_multi_row_query(const R& relation) noexcept {
        return of(const_cast<R*>(&relation)).stamped_multi_row();
    }

    static auto& node_of(void* relation, const relation_origin* origin) {
        base& r = of(relation);
        if (!r.has_node()) {
            auto* fresh = new typename R::node_type{};
            fresh->origin = origin;
            fresh->from_multi_row_query = r.stamped_multi_row();
            r.word_ = reinterpret_cast<std::uintptr_t>(fresh) | relation_base::node_bit;
        }
        return *r.many();
    }

    static constexpr relation_ops ops = [] {
        relation_ops o{};
        o.loaded = [](const void* relation) { return static_cast<const R*>(relation)->loaded(); };
        o.stamp = [](void* relation, const relation_origin* origin, bool multi_row) {
            of(relation).stamp(origin, multi_row);
        };
        if constexpr (many) {
            o.unload = [](void* relation, const relation_origin* origin) {
                base& r = of(relation);
                r.drop();
                r.stamp(origin, false);
            };
            o.load_empty = [](void* relation, const relation_origin* origin) {
                auto& node = node_of(relation, origin);
                node.items.clear();  // a reload replaces what was loaded
                if constexpr (with_pivot) node.pivots.clear();
                node.loaded = true;
            };
            o.append = [](void* relation, std::size_t expected) -> void* {
                auto& node = *of(relation).many();
                if (node.items.empty()) {
                    node.items.reserve(expected);
                    if constexpr (with_pivot) node.pivots.reserve(expected);
                }
                if constexpr (with_pivot) node.pivots.emplace_back();
                return &node.items.emplace_back();
            };
            o.append_copy = [](void* relation, const void* source) {
                auto& node = *of(relation).many();
                const auto& from = *of(const_cast<void*>(source)).many();
                node.items.push_back(from.items.back());
                if constexpr (with_pivot) node.pivots.push_back(from.pivots.back());
            };
            o.last_pivot = [](void* relation) -> void* {
                if constexpr (with_pivot)
                    return &of(relation).many()->pivots.back();
                else
                    return nullptr;
            };
            o.set_aggregate = [](void* relation, const relation_origin* origin, const aggregate_result& result) {
                auto& node = node_of(relation, origin);
                if (result.kind == aggregate_kind::count) {
                    node.count = result.integer;
                    return;
                }
                for (aggregate_result& kept : node.aggregates)
                    if (kept.kind == result.kind && kept.column == result.column) {
                        kept = result;
                        return;
                    }
                node.aggregates.push_back(result);
            };
            o.size = [](const void* relation) { return of(const_cast<void*>(relation)).many()->items.size(); };
            o.at = [](void* relation, std::size_t i) -> void* { return &of(relation).many()->items[i]; };
        } else {
            o.unload = [](void* relation, const relation_origin* origin) {
                base& r = of(relation);
                r.drop();
                r.stamp(origin, false);
            };
            o.load_empty = [](void* relation, const relation_origin* origin) {
                base& r = of(relation);
                r.drop();
                r.word_ = reinterpret_cast<std::uintptr_t>(origin) | relation_base::absent_bit;
            };
            o.new_node = []() -> std::pair<void*, void*> {
                auto* node = new shared_node<target>{};
                return {node, &node->value};
            };
            o.point_at = [](void* relation, void* node) {
                base& r = of(relation);
                static_cast<shared_node<target>*>(node)->acquire();
                r.drop();
                r.word_ = reinterpret_cast<std::uintptr_t>(node) | relation_base::node_bit;
            };
            o.release = [](void* node) { static_cast<shared_node<target>*>(node)->release(); };
            o.hold_copy = [](void* relation, const void* row) -> void* {
                base& r = of(relation);
                auto* node = new shared_node<target>{1, *static_cast<const target*>(row)};
                r.drop();
                r.word_ = reinterpret_cast<std::uintptr_t>(node) | relation_base::node_bit;
                return &node->value;
            };
            o.row = [](void* relation) -> void* { return of(relation).target(); };
        }
        return o;
    }();
};

template <class R>
    requires(R::kind == relation_kind::morph_to)
struct relation_access<R> {
    using node = typename R::node_type;

    static R& of(void* relation) noexcept { return *static_cast<R*>(relation); }

    static bool from_multi_row_query(const R& relation) noexcept {
        return static_cast<const relation_base&>(relation).stamped_multi_row();
    }

    template <std::size_t... T>
    static void* hold(R& r, std::size_t type, std::index_sequence<T...>) {
        void* row = nullptr;
        auto* fresh = new node{};
        ((type == T ? (void)(row = &fresh->value.template emplace<T>()) : void()), ...);
        r.drop();
        r.word_ = reinterpret_cast<std::uintptr_t>(fresh) | relation_base::node_bit;
        return row;
    }

    static constexpr relation_ops ops = [] {
        relation_ops o{};
        o.loaded = [](const void* relation) { return static_cast<const R*>(relation)->loaded(); };
        o.stamp = [](void* relation, const relation_origin* origin, bool multi_row) { of(relation).stamp(origin, multi_row); };
        o.unload = [](void* relation, const relation_origin* origin) {
            R& r = of(relation);
            r.drop();
            r.stamp(origin, false);
        };
        o.load_empty = [](void* relation, const relation_origin* origin) {
            R& r = of(relation);
            r.drop();
            r.word_ = reinterpret_cast<std::uintptr_t>(origin) | relation_base::absent_bit;
        };
        o.hold_type = [](void* relation, std::size_t type) {
            return hold(of(relation), type, std::make_index_sequence<std::variant_size_v<decltype(node::value)>>{});
        };
        o.copy_from = [](void* relation, const void* source) {
            R& r = of(relation);
            auto* copy = new node(*of(const_cast<void*>(source)).held());
            r.drop();
            r.word_ = reinterpret_cast<std::uintptr_t>(copy) | relation_base::node_bit;
        };
        o.row = [](void* relation) -> void* {
            R& r = of(relation);
            return r.has_node() ? std::visit([](auto& row) -> void* { return &row; }, r.held()->value) : nullptr;
        };
        return o;
    }();
};

}  // namespace relate::detail
