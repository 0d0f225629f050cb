#pragma once
// The batched loader: one keyed statement per include node, whatever the number of parents. Rows
// go straight into their parents: a has_many or belongs_to_many row is appended to its parent's
// relation and read in place, a has_one row into a node its parent points at, and a belongs_to
// row into one node that every child naming it points at. Nothing is read into a buffer first,
// and a parent row shared by many children exists once.

#include <relate/detail/core/key_index.hpp>
#include <relate/detail/loading/aggregates.hpp>
#include <relate/detail/loading/include_tree.hpp>
#include <relate/detail/loading/keyed.hpp>
#include <relate/detail/loading/room_per_key.hpp>
#include <relate/detail/model/model_desc.hpp>
#include <relate/detail/model/rows.hpp>
#include <relate/detail/session.hpp>
#include <relate/detail/sql/sql_text.hpp>
#include <relate/detail/core/text.hpp>

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace relate::detail {

/// The target columns an include reads: its selection plus every key matching needs.
template <class B>
std::vector<bool> columns_to_read(const include_node& node, const relation_desc<B>& r, const model_desc<B>& target) {
    std::vector<bool> read = node.select.empty() ? std::vector<bool>(target.columns.size(), true) : node.select;
    read[target.key] = true;
    if (r.has_children()) read[r.foreign_key_column] = true;
    for (const include_node& nested : node.nested.nodes()) {
        const relation_desc<B>& n = target.relations[nested.relation];
        if (n.kind == relation_kind::belongs_to) read[n.foreign_key_column] = true;
    }
    return read;
}

/// The result column of column `k` when the columns `read` selects are read from `first` on.
inline int result_column(const std::vector<bool>& read, std::size_t k, int first) {
    int index = first;
    for (std::size_t j = 0; j < k; ++j) index += read[j] ? 1 : 0;
    return index;
}

/// The keyed statement of an include: its target columns, matched on `match`, with the node's
/// condition, order and per-parent limit.
template <class B>
keyed_query target_query(const include_node& node, const model_desc<B>& target, const std::vector<bool>& read,
                         std::string match) {
    keyed_query q;
    q.select = select_list(target, target.table, read);
    q.from = sql_identifier(target.table);
    q.match = std::move(match);
    q.where = node.where ? &*node.where : nullptr;
    q.own_table = target.table;
    std::string terms = order_terms(target.table, node.order);
    if (!terms.empty()) q.order_by = " ORDER BY " + terms;
    if (node.limit || node.offset) {
        q.per_key_limit = node.limit;
        q.per_key_offset = node.offset;
        q.window_order = terms.empty() ? qualified_column(target.table, target.key_column().name) : terms;
        // The window numbered each parent's rows in that order; the outer query sees only the
        // selected columns, which may leave out the ordering ones.
        q.order_by = " ORDER BY \"relate_row\"";
    }
    return q;
}

/// Parents by key: the first parent of each key, and the next parent sharing a parent's key.
struct parent_index {
    key_index keys;
    std::vector<std::size_t> first;  ///< by slot
    std::vector<std::size_t> next;   ///< by parent: the next parent with its key, or key_index::none

    explicit parent_index(std::size_t parents) : keys(parents), next(parents, key_index::none) {
        first.reserve(parents);
    }
    /// Files parent i under `key`.
    void add(std::size_t i, const sqlite::value& key) {
        const std::size_t slot = keys.add(key);
        if (slot == first.size()) {
            first.push_back(i);
            return;
        }
        std::size_t last = first[slot];
        while (next[last] != key_index::none) last = next[last];
        next[last] = i;
    }
};

template <class B>
void load_list(session<B>& s, const model_desc<B>& model, const include_list& list, std::span<void* const> parents,
               std::size_t depth);

/// Unloads one relation of every parent unless the read finished: a load that fails (a
/// statement refused, a value that does not fit) leaves no relation looking loaded with part of
/// its rows, or none, and a later load or load_missing reads it again.
struct unload_unless_read {
    const relation_ops& ops;
    std::span<void* const> parents;
    std::size_t offset;
    const relation_origin* origin;
    bool read = false;

    unload_unless_read(const relation_ops& o, std::span<void* const> p, std::size_t off, const relation_origin* from)
        : ops(o), parents(p), offset(off), origin(from) {}
    unload_unless_read(const unload_unless_read&) = delete;
    unload_unless_read& operator=(const unload_unless_read&) = delete;
    ~unload_unless_read() {
        if (read) return;
        for (void* parent : parents) ops.unload(static_cast<char*>(parent) + offset, origin);
    }
};

/// The nodes a belongs_to load made, one per distinct row, released when the load ends, read or
/// failed: each child pointing at one holds its own reference.
struct made_nodes {
    const relation_ops& ops;
    std::vector<void*> nodes;

    made_nodes(const relation_ops& o, std::size_t n) : ops(o), nodes(n, nullptr) {}
    made_nodes(const made_nodes&) = delete;
    made_nodes& operator=(const made_nodes&) = delete;
    ~made_nodes() {
        for (void* node : nodes)
            if (node != nullptr) ops.release(node);
    }
};

/// A morph_to: the parents grouped by their type column, then one statement per target type
/// that some parent names. Each parent holds its own copy of the row it names.
template <class B>
void load_morph_to(session<B>& s, const model_desc<B>& model, const include_node& node, std::span<void* const> parents) {
    const relation_desc<B>& r = model.relations[node.relation];
    if (!node.nested.empty() || node.where || !node.order.empty() || node.limit || node.offset || !node.select.empty() ||
        !node.aggregates.empty())
        throw error(detail::format("relate: {}::{} is a morph_to, whose rows are of several models: include it "
                                   "without conditions, order, limit, select, aggregates or nested includes",
                                   r.origin->owner, r.origin->member));
    const relation_ops& ops = *r.ops;
    const auto relation_of = [&](std::size_t i) { return model_desc<B>::at(parents[i], r.offset); };
    // Each parent's target type, read once: the position of its type column's value among the
    // targets, or none. A parent naming no row of its type (or a type no target has) holds nothing.
    std::vector<std::size_t> type_of(parents.size(), r.morph_targets.size());
    unload_unless_read guard(ops, parents, r.offset, r.origin);
    for (std::size_t i = 0; i < parents.size(); ++i) {
        ops.load_empty(relation_of(i), r.origin);
        const sqlite::value type = model.value(parents[i], r.morph_type_column_index);
        if (const auto* name = std::get_if<std::string>(&type))
            for (std::size_t t = 0; t < r.morph_targets.size(); ++t)
                if (*name == r.morph_targets[t].type) type_of[i] = t;
    }
    for (std::size_t t = 0; t < r.morph_targets.size(); ++t) {
        const model_desc<B>& target = r.morph_targets[t].model();
        parent_index index(parents.size());
        for (std::size_t i = 0; i < parents.size(); ++i) {
            if (type_of[i] != t) continue;
            const sqlite::value key = model.value(parents[i], r.foreign_key_column);
            if (!std::holds_alternative<std::nullptr_t>(key)) index.add(i, key);
        }
        if (index.first.empty()) continue;
        const std::vector<bool> all(target.columns.size(), true);
        const keyed_query q = target_query(include_node{}, target, all, qualified_column(target.table, target.key_column().name));
        std::vector<void*> rows;
        run_keyed<B>(s, q, index.keys.keys(), [&](const typename B::statement& st) {
            const std::size_t slot = index.keys.find_in(st, static_cast<int>(target.key));
            if (slot == key_index::none) return;
            std::size_t parent = index.first[slot];
            void* row = ops.hold_type(relation_of(parent), t);
            read_row(st, target, row, 0);
            rows.push_back(row);
            for (std::size_t next = index.next[parent]; next != key_index::none; next = index.next[next]) {
                ops.copy_from(relation_of(next), relation_of(parent));
                rows.push_back(ops.row(relation_of(next)));
            }
        });
        for (void* row : rows) stamp_row(target, row, rows.size() > 1);
    }
    guard.read = true;
}

/// Loads relation `node.relation` of `model` into every parent; depth is the node's depth (top = 1).
template <class B>
void load_edge(session<B>& s, const model_desc<B>& model, const include_node& node, std::span<void* const> parents,
               std::size_t depth) {
    const std::size_t limit_depth = s.options.include_depth_limit;
    if (depth > limit_depth)
        throw depth_limit_error(detail::format(
            "relate: the include tree is deeper than the limit of {} at {}::{} (database_options::include_depth_limit)",
            limit_depth, node.origin->owner, node.origin->member));
    if (parents.empty()) return;
    const relation_desc<B>& r = model.relations[node.relation];
    if (r.load_by_type != nullptr) return r.load_by_type(s, model, node, parents);
    const model_desc<B>& target = r.target();
    const relation_ops& ops = *r.ops;
    const auto relation_of = [&](std::size_t i) { return model_desc<B>::at(parents[i], r.offset); };
    const std::vector<bool> read = columns_to_read(node, r, target);
    std::vector<void*> rows;  // the target rows now held by the parents, each once

    if (r.kind == relation_kind::belongs_to) {
        // One node per distinct parent row; every child naming it points at it.
        key_index keys(parents.size());
        std::vector<std::size_t> slot_of(parents.size(), key_index::none);
        for (std::size_t i = 0; i < parents.size(); ++i) {
            sqlite::value key = model.value(parents[i], r.foreign_key_column);
            if (!std::holds_alternative<std::nullptr_t>(key)) slot_of[i] = keys.add(key);
        }
        made_nodes made(ops, keys.size());
        std::vector<void*>& nodes = made.nodes;
        if (keys.size() > 0) {
            const keyed_query q = target_query(node, target, read, qualified_column(target.table, target.key_column().name));
            const int key_column = result_column(read, target.key, 0);
            run_keyed<B>(s, q, keys.keys(), [&](const typename B::statement& st) {
                const std::size_t slot = keys.find_in(st, key_column);
                if (slot == key_index::none || nodes[slot] != nullptr) return;
                const auto [created, row] = ops.new_node();
                nodes[slot] = created;
                read_row(st, target, row, 0, read);
                rows.push_back(row);
            });
        }
        for (std::size_t i = 0; i < parents.size(); ++i) {
            if (slot_of[i] != key_index::none && nodes[slot_of[i]] != nullptr)
                ops.point_at(relation_of(i), nodes[slot_of[i]]);
            else
                ops.load_empty(relation_of(i), r.origin);
        }
    } else {
        // The other kinds: rows of the target hold a parent's key, or are linked to it through a
        // junction or an intermediate table.
        parent_index index(parents.size());
        unload_unless_read guard(ops, parents, r.offset, r.origin);
        for (std::size_t i = 0; i < parents.size(); ++i) {
            index.add(i, model.key_value(parents[i]));
            ops.load_empty(relation_of(i), r.origin);
        }
        keyed_query q;
        int owner_column = 0;
        int first = 0;
        if (r.kind == relation_kind::belongs_to_many || r.through()) {
            const std::string owner = qualified_column(junction_alias, r.junction_owner_key);
            q = target_query(node, target, read, owner);
            q.select = owner + ", " + q.select;
            if (r.pivot != nullptr) q.select += ", " + select_list(*r.pivot, junction_alias);
            q.from = junction_join(r, target);
            first = 1;
        } else {
            q = target_query(node, target, read, qualified_column(target.table, r.foreign_key));
            q.filter = r.morph_filter(target.table);
            owner_column = result_column(read, r.foreign_key_column, 0);
        }
        const int pivot_column = result_column(read, read.size(), first);  // after the target's columns
        const bool single = !r.many();
        std::vector<char> taken(index.keys.size());  // a key's first row was read
        void* last_row = nullptr;   // has_many, belongs_to_many: the row appended last
        std::size_t appended = 0;  // and how many, copies included
        room_per_key room(index.keys.size());
        run_keyed<B>(s, q, index.keys.keys(), [&](const typename B::statement& st) {
            const std::size_t slot = index.keys.find_in(st, owner_column);
            if (slot == key_index::none) return;
            std::size_t parent = index.first[slot];
            const bool first_of_key = taken[slot] == 0;
            taken[slot] = 1;
            if (single) {
                if (!first_of_key) return;
                const auto [created, row] = ops.new_node();
                ops.point_at(relation_of(parent), created);  // held from here: a read that fails frees it
                ops.release(created);
                read_row(st, target, row, first, read);
                rows.push_back(row);
                // Parents sharing a key (a row loaded twice) each get their own copy.
                for (parent = index.next[parent]; parent != key_index::none; parent = index.next[parent])
                    rows.push_back(ops.hold_copy(relation_of(parent), row));
                return;
            }
            void* const relation = relation_of(parent);
            last_row = ops.append(relation, first_of_key ? room.at_first_row(st.rows_known()) : 0);
            room.row_read();
            read_row(st, target, last_row, first, read);
            if (r.pivot != nullptr) read_row(st, *r.pivot, ops.last_pivot(relation), pivot_column);
            stamp_row(target, last_row, true);  // while the row is in cache; one row alone is restamped below
            ++appended;
            // Parents sharing a key (a row loaded twice) each get their own copy.
            for (parent = index.next[parent]; parent != key_index::none; parent = index.next[parent]) {
                ops.append_copy(relation_of(parent), relation);
                ++appended;  // a copy of a stamped row
            }
        });
        guard.read = true;
        if (!single) {
            if (appended == 1) stamp_row(target, last_row, false);
            // Nested includes and aggregates read the rows, gathered once every row is in
            // (appending moves earlier rows).
            if (!node.nested.empty() || !node.aggregates.empty())
                for (std::size_t i = 0; i < parents.size(); ++i)
                    for (std::size_t k = 0, n = ops.size(relation_of(i)); k < n; ++k) rows.push_back(ops.at(relation_of(i), k));
        }
    }

    if (!r.many())  // the many kinds stamped each row as they read it
        for (void* row : rows) stamp_row(target, row, rows.size() > 1);
    if (!node.nested.empty()) load_list(s, target, node.nested, rows, depth + 1);
    load_aggregates(s, target, node.aggregates, rows);
}

template <class B>
void load_list(session<B>& s, const model_desc<B>& model, const include_list& list, std::span<void* const> parents,
               std::size_t depth) {
    for (const include_node& node : list.nodes()) load_edge(s, model, node, parents, depth);
}

/// The rows the loaded relations of the parents hold, each once (a belongs_to row is shared by
/// the children naming it), in the parents' order.
template <class B>
std::vector<void*> held_rows(const relation_desc<B>& r, std::span<void* const> parents) {
    const relation_ops& ops = *r.ops;
    const bool many = r.many();
    std::vector<std::pair<void*, std::size_t>> rows;  // row, position
    for (void* parent : parents) {
        void* relation = model_desc<B>::at(parent, r.offset);
        if (!ops.loaded(relation)) continue;
        if (many) {
            for (std::size_t k = 0, n = ops.size(relation); k < n; ++k) rows.emplace_back(ops.at(relation, k), rows.size());
        } else if (void* row = ops.row(relation)) {
            rows.emplace_back(row, rows.size());
        }
    }
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end(), [](const auto& x, const auto& y) { return x.first == y.first; }),
               rows.end());
    std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) { return x.second < y.second; });
    std::vector<void*> out;
    out.reserve(rows.size());
    for (const auto& row : rows) out.push_back(row.first);
    return out;
}

/// db.load_missing: each node is loaded only onto the parents that lack it, then its nested
/// nodes onto every row the parents hold, kept or just loaded: at most one statement per edge.
/// The snapshot transaction opens before the first statement, so nothing runs when nothing is
/// missing.
template <class B>
void load_missing_list(session<B>& s, const model_desc<B>& model, const include_list& list,
                       std::span<void* const> parents, std::size_t depth,
                       std::optional<typename B::transaction>& snapshot) {
    for (const include_node& node : list.nodes()) {
        const relation_desc<B>& r = model.relations[node.relation];
        std::vector<void*> lacking;
        for (void* parent : parents)
            if (!r.ops->loaded(model_desc<B>::at(parent, r.offset))) lacking.push_back(parent);
        if (!lacking.empty()) {
            if (!snapshot) snapshot.emplace(s.conn);
            include_node edge_only = node;
            edge_only.nested = {};
            load_edge(s, model, edge_only, lacking, depth);
        }
        if (node.nested.empty()) continue;
        const std::vector<void*> rows = held_rows(r, parents);
        if (!rows.empty()) load_missing_list(s, r.target(), node.nested, rows, depth + 1, snapshot);
    }
}

}  // namespace relate::detail
