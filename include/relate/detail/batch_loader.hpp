#pragma once
// The batched loader: one keyed statement per include node whatever the number of parents,
// related rows matched to parents through hash maps. The matching is compiled once per key type;
// an edge adds only its typed parts: reading its target's rows and handing them to the parents.

#include <relate/detail/edge.hpp>
#include <relate/detail/function_ref.hpp>
#include <relate/detail/include_tree.hpp>
#include <relate/detail/keyed_fetch.hpp>
#include <relate/detail/relation_access.hpp>
#include <relate/detail/row.hpp>

#include <relate/detail/text.hpp>

#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace relate::detail {

inline constexpr std::size_t no_slot = static_cast<std::size_t>(-1);

/// Distinct keys in first-seen order, each with its slot (its place in that order): where the
/// related rows of that key are gathered. One hash map serves both.
template <class K>
class key_slots {
public:
    explicit key_slots(std::size_t expected) {
        keys_.reserve(expected);
        slot_.reserve(expected);
    }
    /// The slot of `key`, added if new.
    std::size_t add(const K& key) {
        const auto [at, inserted] = slot_.try_emplace(key, keys_.size());
        if (inserted)
            keys_.push_back(key);
        else
            repeated_ = true;
        return at->second;
    }
    [[nodiscard]] std::size_t of(const K& key) const {
        const auto found = slot_.find(key);
        return found == slot_.end() ? no_slot : found->second;
    }
    [[nodiscard]] const std::vector<K>& keys() const noexcept { return keys_; }
    /// Whether a key was added more than once.
    [[nodiscard]] bool repeated() const noexcept { return repeated_; }

private:
    std::vector<K> keys_;
    std::unordered_map<K, std::size_t> slot_;
    bool repeated_ = false;
};

/// The related rows of each parent: parent i's are rows[first[i] .. first[i + 1]).
struct parent_groups {
    std::vector<std::size_t> first;
    std::vector<std::size_t> rows;
    bool shared = false;  ///< a row may be in several groups: copy rows, never move them

    [[nodiscard]] std::span<const std::size_t> of(std::size_t parent) const {
        return {rows.data() + first[parent], rows.data() + first[parent + 1]};
    }
};

/// Gathers links (slot, row) by parent, parent i taking the rows of slot parent_slot[i]. A link's
/// row is link_row[link], or the link's own index when link_row is null.
inline parent_groups group_by_parent(const std::vector<std::size_t>& parent_slot, std::size_t slot_count,
                                     const std::vector<std::size_t>& link_slot, const std::vector<std::size_t>* link_row,
                                     bool shared) {
    std::vector<std::size_t> slot_first(slot_count + 1, 0);
    for (const std::size_t slot : link_slot)
        if (slot != no_slot) ++slot_first[slot + 1];
    for (std::size_t s = 0; s < slot_count; ++s) slot_first[s + 1] += slot_first[s];
    std::vector<std::size_t> slot_rows(slot_first[slot_count]);
    std::vector<std::size_t> next(slot_first.begin(), slot_first.end() - 1);
    for (std::size_t l = 0; l < link_slot.size(); ++l)
        if (link_slot[l] != no_slot) slot_rows[next[link_slot[l]]++] = link_row != nullptr ? (*link_row)[l] : l;

    parent_groups out;
    out.shared = shared;
    bool aligned = parent_slot.size() == slot_count;  // parent i has slot i: the slots' groups serve
    for (std::size_t i = 0; aligned && i < parent_slot.size(); ++i) aligned = parent_slot[i] == i;
    if (aligned) {
        out.first = std::move(slot_first);
        out.rows = std::move(slot_rows);
        return out;
    }
    out.first.reserve(parent_slot.size() + 1);
    out.first.push_back(0);
    for (const std::size_t slot : parent_slot) {
        if (slot != no_slot)
            out.rows.insert(out.rows.end(), slot_rows.begin() + static_cast<std::ptrdiff_t>(slot_first[slot]),
                            slot_rows.begin() + static_cast<std::ptrdiff_t>(slot_first[slot + 1]));
        out.first.push_back(out.rows.size());
    }
    return out;
}

/// The target columns an include reads: its selection plus every key matching needs.
inline std::vector<bool> target_columns(const include_node& node) {
    const edge_loader& e = *node.edge;
    std::vector<bool> columns = node.select.empty() ? std::vector<bool>(e.target_columns.size(), true) : node.select;
    columns[e.target_key] = true;
    if (e.target_foreign_key != no_column) columns[e.target_foreign_key] = true;
    node.nested.require_columns(columns);
    return columns;
}

/// The result column of column `k` when the set columns are read from result column `first` on.
inline int result_column(const std::vector<bool>& columns, std::size_t k, int first) {
    int index = first;
    for (std::size_t j = 0; j < k; ++j) index += columns[j] ? 1 : 0;
    return index;
}

/// The keyed statement of an include: its target columns, matched on `match`, with the node's
/// condition, order and per-parent limit.
inline keyed_query target_query(const include_node& node, const std::vector<bool>& columns, std::string match) {
    const edge_loader& e = *node.edge;
    keyed_query q;
    q.select = select_list(e.target_table, e.target_columns, columns);
    q.from = sql_identifier(e.target_table);
    q.match = std::move(match);
    q.where = node.where ? &*node.where : nullptr;
    q.own_table = e.target_table;
    std::string terms = order_terms(e.target_table, node.order);
    if (!terms.empty()) q.order_by = " ORDER BY " + terms;
    if (node.limit) {
        q.per_key_limit = node.limit;
        q.window_order = terms.empty() ? qualified_column(e.target_table, e.target_columns[e.target_key]) : terms;
    }
    return q;
}

/// Reads one target row from result column `first` on, into the edge's row buffer; returns it.
using row_reader = function_ref<const void*(const sqlite::statement&, int first)>;

/// The parents' keys, each with its slot; parent_slot[i] is parent i's.
template <class K>
struct parent_keys {
    key_slots<K> slots;
    std::vector<std::size_t> parent_slot;

    parent_keys(std::span<void* const> parents, K (*key_of)(const void*)) : slots(parents.size()) {
        parent_slot.reserve(parents.size());
        for (const void* p : parents) parent_slot.push_back(slots.add(key_of(p)));
    }
};

/// has_one / has_many: the target rows whose foreign key holds a parent's key.
template <class K>
parent_groups load_has(session& s, const include_node& node, const std::vector<bool>& columns,
                       std::span<void* const> parents, K (*key_of)(const void*),
                       std::optional<K> (*foreign_key_of)(const void*), row_reader read) {
    const edge_loader& e = *node.edge;
    const parent_keys<K> keys(parents, key_of);
    const keyed_query q = target_query(node, columns, qualified_column(e.target_table, e.foreign_key));
    std::vector<std::size_t> row_slot;  // the slot of each row's parent
    run_keyed(s, q, keys.slots.keys(), column_context{e.parent_table, e.parent_key}, [&](const sqlite::statement& st) {
        const std::optional<K> owner = foreign_key_of(read(st, 0));
        row_slot.push_back(owner ? keys.slots.of(*owner) : no_slot);
    });
    return group_by_parent(keys.parent_slot, keys.slots.keys().size(), row_slot, nullptr, keys.slots.repeated());
}

/// belongs_to: the target rows whose key a parent's foreign key holds (copied: parents may share one).
template <class K>
parent_groups load_belongs_to(session& s, const include_node& node, const std::vector<bool>& columns,
                              std::span<void* const> parents, std::optional<K> (*foreign_key_of)(const void*),
                              K (*key_of)(const void*), row_reader read) {
    const edge_loader& e = *node.edge;
    key_slots<K> slots(parents.size());
    std::vector<std::size_t> parent_slot;
    parent_slot.reserve(parents.size());
    for (const void* p : parents) {
        const std::optional<K> key = foreign_key_of(p);
        parent_slot.push_back(key ? slots.add(*key) : no_slot);
    }
    std::vector<std::size_t> row_slot;
    if (!slots.keys().empty()) {
        const std::string_view key_name = e.target_columns[e.target_key];
        const keyed_query q = target_query(node, columns, qualified_column(e.target_table, key_name));
        run_keyed(s, q, slots.keys(), column_context{e.target_table, key_name},
                  [&](const sqlite::statement& st) { row_slot.push_back(slots.of(key_of(read(st, 0)))); });
    }
    return group_by_parent(parent_slot, slots.keys().size(), row_slot, nullptr, true);
}

/// "target" JOIN "junction" AS "relate_junction" ON the junction's target key = the target's key.
inline std::string junction_join(const edge_loader& e) {
    return detail::format("{} JOIN {} AS \"relate_junction\" ON \"relate_junction\".{} = {}.{}", sql_identifier(e.target_table),
                       sql_identifier(e.junction), sql_identifier(e.junction_target_key), sql_identifier(e.target_table),
                       sql_identifier(e.target_columns[e.target_key]));
}

/// belongs_to_many: the target rows linked to each parent through the junction. Each target row
/// is read once, however many parents link to it (copied into each).
template <class K, class TK>
parent_groups load_belongs_to_many(session& s, const include_node& node, const std::vector<bool>& columns,
                                   std::span<void* const> parents, K (*key_of)(const void*), row_reader read) {
    const edge_loader& e = *node.edge;
    const parent_keys<K> keys(parents, key_of);
    keyed_query q = target_query(node, columns, qualified_column("relate_junction", e.junction_owner_key));
    q.select = qualified_column("relate_junction", e.junction_owner_key) + ", " + q.select;
    q.from = junction_join(e);

    const int target_key_column = result_column(columns, e.target_key, 1);  // the row's key, read first
    const column_context owner_context{e.junction, e.junction_owner_key};
    const column_context target_context{e.target_table, e.target_columns[e.target_key]};
    std::unordered_map<TK, std::size_t> row_of;  // each target row's place in the buffer
    std::vector<std::size_t> link_slot;
    std::vector<std::size_t> link_row;
    run_keyed(s, q, keys.slots.keys(), column_context{e.parent_table, e.parent_key}, [&](const sqlite::statement& st) {
        K owner{};
        read_field(st, 0, owner, owner_context);
        const std::size_t slot = keys.slots.of(owner);
        if (slot == no_slot) return;
        TK target{};
        read_field(st, target_key_column, target, target_context);
        const auto [at, inserted] = row_of.try_emplace(std::move(target), row_of.size());
        if (inserted) read(st, 1);
        link_slot.push_back(slot);
        link_row.push_back(at->second);
    });
    return group_by_parent(keys.parent_slot, keys.slots.keys().size(), link_slot, &link_row, true);
}

/// The rows of an edge's target model, read into one buffer before they go to the parents.
template <class Target>
class target_rows {
public:
    explicit target_rows(const std::vector<bool>& columns) {
        for (std::size_t k = 0; k < columns.size(); ++k) mask_.set(k, columns[k]);
    }
    const void* operator()(const sqlite::statement& st, int first) {
        Target& row = rows.emplace_back();
        read_row(st, row, mask_, first);
        return &row;
    }

    /// Stamps the rows and loads the nested includes into them.
    void load_nested(session& s, const include_list& nested, std::size_t depth) {
        stamp_rows(rows);
        if (nested.empty()) return;
        std::vector<void*> pointers;
        pointers.reserve(rows.size());
        for (auto& row : rows) pointers.push_back(&row);
        nested.load(s, pointers, depth);
    }

    std::vector<Target> rows;

private:
    column_mask<Target> mask_;
};

template <class T>
typename model_layout<T>::key_type primary_key_at(const void* object) {
    return primary_key_of(*static_cast<const T*>(object));
}

/// A foreign key (column `Column` of T) as the key type of the model it names; empty when null.
template <class T, std::size_t Column, class K>
std::optional<K> foreign_key_at(const void* object) {
    return key_value<K>(get_field<model_layout<T>::column_fields[Column]>(*static_cast<const T*>(object)));
}

/// The rows of one parent's group: moved, or copied when rows are shared. Compiled once per
/// target model, whichever relations lead to it.
template <class Target>
std::vector<Target> take_rows(std::span<const std::size_t> group, std::vector<Target>& rows, bool shared) {
    std::vector<Target> items;
    items.reserve(group.size());
    for (const std::size_t r : group) {
        if (shared)
            items.push_back(rows[r]);
        else
            items.push_back(std::move(rows[r]));
    }
    return items;
}

/// The one row of a group (has_one, belongs_to), or none.
template <class Target>
std::unique_ptr<Target> take_row(std::span<const std::size_t> group, std::vector<Target>& rows, bool shared) {
    if (group.empty()) return nullptr;
    Target& row = rows[group.front()];
    return shared ? std::make_unique<Target>(row) : std::make_unique<Target>(std::move(row));
}

/// Relation member I of each parent gets its group of rows.
template <class Parent, std::size_t I, class Target>
void hand_over(std::span<void* const> parents, const parent_groups& groups, std::vector<Target>& rows) {
    constexpr bool many = edge<Parent, I>::kind == relation_kind::has_many ||
                          edge<Parent, I>::kind == relation_kind::belongs_to_many;
    for (std::size_t i = 0; i < parents.size(); ++i) {
        auto& relation = get_field<I>(*static_cast<Parent*>(parents[i]));
        if constexpr (many)
            relation_access::set(relation, take_rows(groups.of(i), rows, groups.shared));
        else
            relation_access::set(relation, take_row(groups.of(i), rows, groups.shared));
    }
}

/// Loads relation member I of Parent into every parent.
template <class Parent, std::size_t I>
void load_edge(session& s, const include_node& node, std::span<void* const> parents, std::size_t depth) {
    using E = edge<Parent, I>;
    using Target = typename E::target;
    using PL = model_layout<Parent>;
    using TL = model_layout<Target>;
    using PK = typename PL::key_type;
    using TK = typename TL::key_type;
    const std::vector<bool> columns = target_columns(node);
    target_rows<Target> target(columns);
    parent_groups groups;
    if constexpr (E::kind == relation_kind::belongs_to)
        groups = load_belongs_to<TK>(s, node, columns, parents, &foreign_key_at<Parent, PL::find_column(E::foreign_key), TK>,
                                     &primary_key_at<Target>, target);
    else if constexpr (E::kind == relation_kind::belongs_to_many)
        groups = load_belongs_to_many<PK, TK>(s, node, columns, parents, &primary_key_at<Parent>, target);
    else
        groups = load_has<PK>(s, node, columns, parents, &primary_key_at<Parent>,
                              &foreign_key_at<Target, TL::find_column(E::foreign_key), PK>, target);
    target.load_nested(s, node.nested, depth + 1);
    hand_over<Parent, I>(parents, groups, target.rows);
}

/// Relation member I of Parent as the include tree sees it.
template <class Parent, std::size_t I>
inline constexpr edge_loader edge_loader_of = [] {
    using E = edge<Parent, I>;
    using PL = model_layout<Parent>;
    using TL = model_layout<typename E::target>;
    constexpr bool owner_holds_key = E::kind == relation_kind::belongs_to;
    constexpr bool target_holds_key = E::kind == relation_kind::has_one || E::kind == relation_kind::has_many;
    return edge_loader{E::kind,
                       &E::origin,
                       PL::table,
                       PL::primary_key_name,
                       owner_holds_key ? PL::find_column(E::foreign_key) : no_column,
                       TL::table,
                       TL::column_names,
                       TL::primary_key_column,
                       target_holds_key ? TL::find_column(E::foreign_key) : no_column,
                       E::foreign_key,
                       E::junction,
                       E::junction_owner_key,
                       E::junction_target_key,
                       &load_edge<Parent, I>};
}();

template <class T>
void add_path_of(include_list& list, std::string_view path, std::size_t depth, std::size_t limit);

/// Every relation of T by name, for paths resolved at run time. Only paths instantiate it, and
/// with it the loader of every edge reachable from T; member pointers do not.
template <class T>
inline constexpr auto relations_of = []<std::size_t... R>(std::index_sequence<R...>) {
    using L = model_layout<T>;
    return std::array<relation_entry, sizeof...(R)>{
        relation_entry{L::relation_names[R], &edge_loader_of<T, L::relation_fields[R]>,
                       &add_path_of<target_of<T, L::relation_fields[R]>>}...};
}(std::make_index_sequence<model_layout<T>::relation_count>{});

template <class T>
void add_path_of(include_list& list, std::string_view path, std::size_t depth, std::size_t limit) {
    add_path(list, type_name<T>, model_layout<T>::table, relations_of<T>, path, depth, limit);
}

}  // namespace relate::detail
