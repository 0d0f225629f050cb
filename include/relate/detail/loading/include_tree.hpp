#pragma once
// The include tree: one node per relation edge to load, with its constraints and nested
// includes. Plain data naming each relation by its index among its model's relations, so the
// same tree loads on any backend (loader.hpp).

#include <relate/detail/model/aggregate_result.hpp>
#include <relate/detail/sql/sql_text.hpp>
#include <relate/detail/core/text.hpp>
#include <relate/error.hpp>
#include <relate/relation.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relate::detail {

struct include_node;

/// The name a belongs_to_many's junction table has in the statements that load through it, so
/// include(...).where_pivot can name its columns.
inline constexpr std::string_view junction_alias = "relate_junction";

/// with_count, with_exists, with_sum, ... of relation number `relation` of a model: over
/// `column` of the related rows (empty for count and exists), with an optional condition on them.
struct aggregate_spec {
    std::size_t relation;
    aggregate_kind kind;
    std::string_view column;
    std::optional<fragment> where;
};

/// Adds an aggregate to the list, replacing an earlier one of the same relation, function and column.
inline void add_aggregate(std::vector<aggregate_spec>& list, aggregate_spec spec) {
    for (aggregate_spec& kept : list)
        if (kept.relation == spec.relation && kept.kind == spec.kind && kept.column == spec.column) {
            kept = std::move(spec);
            return;
        }
    list.push_back(std::move(spec));
}

/// The includes on one model: at most one node per relation, merged as includes are added.
class include_list {
public:
    inline void add(include_node node);
    void merge(const include_list& other);
    [[nodiscard]] bool empty() const noexcept { return nodes_.empty(); }
    [[nodiscard]] const std::vector<include_node>& nodes() const noexcept { return nodes_; }
    /// Resolves the run-time paths nested in include(...).with(...) and checks that no node is
    /// deeper than `limit` (relate::depth_limit_error), before anything is loaded; `depth` is
    /// this list's depth (a query's own includes: 1).
    inline void resolve(std::size_t depth, std::size_t limit);

private:
    std::vector<include_node> nodes_;
};

/// A run-time path named in relate::include(...).with(...): resolved when the include reaches a
/// query, since only then is its depth, and the database's include_depth_limit, known.
struct pending_path {
    std::string text;
    void (*add)(include_list& list, std::string_view path, std::size_t depth, std::size_t limit);
};

/// Relation number `relation` of the model, loaded in one batched statement, with its
/// constraints and nested includes.
struct include_node {
    std::size_t relation;
    const relation_origin* origin;  ///< the owner model and member, for messages
    std::optional<fragment> where;
    std::vector<order_spec> order;
    std::optional<std::int64_t> limit;   ///< per parent
    std::optional<std::int64_t> offset;  ///< per parent
    std::vector<bool> select;           ///< the target columns to read; empty: every one
    std::vector<aggregate_spec> aggregates;  ///< of the target rows' relations
    include_list nested;
    std::vector<pending_path> paths{};  ///< to add to `nested` once resolved

    /// Takes the other node's constraints and nested includes (same relation).
    void merge_from(const include_node& other) {
        if (other.where) where = other.where;
        if (!other.order.empty()) order = other.order;
        if (other.limit) limit = other.limit;
        if (other.offset) offset = other.offset;
        if (!other.select.empty()) select = other.select;
        for (const aggregate_spec& a : other.aggregates) add_aggregate(aggregates, a);
        nested.merge(other.nested);
        paths.insert(paths.end(), other.paths.begin(), other.paths.end());
    }
};

void include_list::add(include_node node) {
    for (auto& existing : nodes_) {
        if (existing.relation != node.relation) continue;
        existing.merge_from(node);
        return;
    }
    nodes_.push_back(std::move(node));
}

inline void include_list::merge(const include_list& other) {
    for (const auto& node : other.nodes_) add(node);
}

void include_list::resolve(std::size_t depth, std::size_t limit) {
    for (include_node& node : nodes_) {
        if (depth > limit)
            throw depth_limit_error(detail::format(
                "relate: the include tree is deeper than the limit of {} at {}::{} (database_options::include_depth_limit)",
                limit, node.origin->owner, node.origin->member));
        for (const pending_path& path : std::exchange(node.paths, {})) path.add(node.nested, path.text, depth + 1, limit);
        node.nested.resolve(depth + 1, limit);
    }
}

/// A relation a path can name: its number, and how to resolve the rest of the path on its target.
struct relation_entry {
    std::string_view name;
    std::size_t relation;
    const relation_origin* origin;
    void (*add_path)(include_list& list, std::string_view path, std::size_t depth, std::size_t limit);
};

/// Resolves a dotted path ("posts.tags") against a model's relations and adds its nodes to the
/// list: relate::unknown_relation for a bad name, relate::depth_limit_error past the limit.
inline void add_path(include_list& list, std::string_view model, std::string_view table,
                     std::span<const relation_entry> relations, std::string_view path, std::size_t depth,
                     std::size_t limit) {
    const std::size_t dot = path.find('.');
    const std::string_view name = path.substr(0, dot);
    const std::string_view rest = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
    if (name.empty() || (dot != std::string_view::npos && rest.empty()))
        throw unknown_relation(detail::format("relate: include path has an empty segment (in {})", table));
    if (depth > limit)
        throw depth_limit_error(detail::format("relate: the include path is deeper than the limit of {} (at '{}')", limit, name));
    for (const auto& entry : relations) {
        if (entry.name != name) continue;
        include_node node{entry.relation, entry.origin, {}, {}, {}, {}, {}, {}, {}, {}};
        if (!rest.empty()) entry.add_path(node.nested, rest, depth + 1, limit);
        list.add(std::move(node));
        return;
    }
    std::string known;
    for (const auto& entry : relations) known += (known.empty() ? "" : ", ") + std::string(entry.name);
    throw unknown_relation(detail::format("relate: {} has no relation named '{}' (its relations: {})", model,
                                          name.size() > 60 ? std::string(name.substr(0, 60)) + "..." : std::string(name),
                                          known.empty() ? "none" : known));
}

}  // namespace relate::detail
