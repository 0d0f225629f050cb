#pragma once
// The include tree: one node per relation edge to load, with its constraints and nested
// includes. Nodes and lists are plain data; what an edge does comes from its edge_loader, a
// constant per edge, so the tree is compiled once rather than once per edge (batch_loader.hpp
// has the loading itself).

#include <relate/detail/session.hpp>
#include <relate/detail/sql_text.hpp>
#include <relate/error.hpp>
#include <relate/relation.hpp>

#include <relate/detail/text.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace relate::detail {

class include_node;

/// A column index that is not there (an edge that needs no such column).
inline constexpr std::size_t no_column = static_cast<std::size_t>(-1);

/// One relation edge as the loader sees it: the SQL names it needs and its typed loading function.
struct edge_loader {
    relation_kind kind;
    const relation_origin* origin;  ///< the owner model and member, for messages
    std::string_view parent_table;
    std::string_view parent_key;        ///< the parent's primary-key column
    std::size_t parent_foreign_key;     ///< belongs_to: the parent's column matched with the target's key
    std::string_view target_table;
    std::span<const std::string_view> target_columns;
    std::size_t target_key;             ///< the target's primary-key column
    std::size_t target_foreign_key;     ///< has_one / has_many: the target's column holding the parent's key
    std::string_view foreign_key;
    std::string_view junction;          ///< belongs_to_many: the junction table and its two key columns
    std::string_view junction_owner_key;
    std::string_view junction_target_key;
    /// Loads the relation into every parent (objects of the owner model).
    void (*load)(session& s, const include_node& node, std::span<void* const> parents, std::size_t depth);
};

/// The includes on one model: at most one node per relation, merged as includes are added.
class include_list {
public:
    inline void add(const std::shared_ptr<const include_node>& node);
    void merge(const include_list& other) {
        for (const auto& node : other.nodes_) add(node);
    }
    /// Loads every included relation into the parents (objects of the list's model).
    inline void load(session& s, std::span<void* const> parents, std::size_t depth) const;
    /// Sets the parent columns the edges need to match rows (a belongs_to's foreign key).
    inline void require_columns(std::vector<bool>& columns) const;
    [[nodiscard]] bool empty() const noexcept { return nodes_.empty(); }

private:
    std::vector<std::shared_ptr<const include_node>> nodes_;  // shared by copies of a query
};

/// Relation edge `edge`, loaded in one batched statement, with its constraints and nested includes.
class include_node {
public:
    explicit include_node(const edge_loader& e) : edge(&e) {}

    const edge_loader* edge;
    std::optional<fragment> where;
    std::vector<order_spec> order;
    std::optional<std::int64_t> limit;  ///< per parent
    std::vector<bool> select;           ///< the target columns to read; empty: every one
    include_list nested;

    /// Takes the other node's constraints and nested includes (same edge).
    void merge_from(const include_node& other) {
        if (other.where) where = other.where;
        if (!other.order.empty()) order = other.order;
        if (other.limit) limit = other.limit;
        if (!other.select.empty()) select = other.select;
        nested.merge(other.nested);
    }

    /// Loads the relation into every parent; depth is this node's depth in the tree (top = 1).
    void load(session& s, std::span<void* const> parents, std::size_t depth) const {
        const std::size_t limit_depth = s.options.include_depth_limit;
        if (depth > limit_depth)
            throw depth_limit_error(detail::format(
                "relate: the include tree is deeper than the limit of {} at {}::{} (database_options::include_depth_limit)",
                limit_depth, edge->origin->owner, edge->origin->member));
        if (!parents.empty()) edge->load(s, *this, parents, depth);
    }
};

void include_list::add(const std::shared_ptr<const include_node>& node) {
    for (auto& existing : nodes_) {
        if (existing->edge != node->edge) continue;
        auto merged = std::make_shared<include_node>(*existing);  // the old one may be shared
        merged->merge_from(*node);
        existing = std::move(merged);
        return;
    }
    nodes_.push_back(node);
}

void include_list::load(session& s, std::span<void* const> parents, std::size_t depth) const {
    for (const auto& node : nodes_) node->load(s, parents, depth);
}

void include_list::require_columns(std::vector<bool>& columns) const {
    for (const auto& node : nodes_)
        if (node->edge->parent_foreign_key != no_column) columns[node->edge->parent_foreign_key] = true;
}

/// The objects' addresses, as the include tree takes its parents.
template <class T>
std::vector<void*> addresses_of(const std::vector<T*>& objects) {
    return {objects.begin(), objects.end()};
}

/// A relation a path can name: its edge, and how to resolve the rest of the path on its target.
struct relation_entry {
    std::string_view name;
    const edge_loader* edge;
    void (*add_path)(include_list& list, std::string_view path, std::size_t depth, std::size_t limit);
};

/// Resolves a dotted path ("posts.tags") against a model's relations and adds its nodes to the
/// list: relate::unknown_relation for a bad name.
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
        auto node = std::make_shared<include_node>(*entry.edge);
        if (!rest.empty()) entry.add_path(node->nested, rest, depth + 1, limit);
        list.add(node);
        return;
    }
    std::string known;
    for (const auto& entry : relations) known += (known.empty() ? "" : ", ") + std::string(entry.name);
    throw unknown_relation(detail::format("relate: {} has no relation named '{}' (its relations: {})", model,
                                       name.size() > 60 ? std::string(name.substr(0, 60)) + "..." : std::string(name),
                                       known.empty() ? "none" : known));
}

}  // namespace relate::detail
