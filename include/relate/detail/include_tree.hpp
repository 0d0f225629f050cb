#pragma once
// The include tree and the batched loader: one node per relation edge, one keyed statement per
// node whatever the number of parents, children matched to parents through hash maps.

#include <relate/detail/edge.hpp>
#include <relate/detail/keyed_fetch.hpp>
#include <relate/detail/relation_access.hpp>
#include <relate/detail/row.hpp>
#include <relate/expr.hpp>

#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace relate::detail {

template <class Parent>
class include_base {
public:
    include_base() = default;
    include_base(const include_base&) = default;
    include_base& operator=(const include_base&) = default;
    virtual ~include_base() = default;

    /// The field index of the relation this node loads.
    [[nodiscard]] virtual std::size_t field() const noexcept = 0;
    /// Loads the relation into every parent; depth is this node's depth in the tree (top = 1).
    virtual void load(session& s, const std::vector<Parent*>& parents, std::size_t depth) const = 0;
    /// Sets the parent columns this edge needs to match rows (a belongs_to's foreign key).
    virtual void require_columns(column_mask<Parent>& mask) const = 0;
    [[nodiscard]] virtual std::shared_ptr<include_base> clone() const = 0;
    /// Takes the other node's constraints and nested includes (same field).
    virtual void merge_from(const include_base& other) = 0;
};

/// The includes on one model: at most one node per relation, merged as includes are added.
template <class T>
class include_list {
public:
    void add(const std::shared_ptr<include_base<T>>& node) {
        for (auto& existing : nodes_) {
            if (existing->field() != node->field()) continue;
            existing = existing->clone();  // nodes may be shared by copies of a query
            existing->merge_from(*node);
            return;
        }
        nodes_.push_back(node);
    }
    void merge(const include_list& other) {
        for (const auto& node : other.nodes_) add(node);
    }
    /// Resolves a dotted path ("posts.tags") at run time: relate::unknown_relation for a bad name.
    /// Only paths instantiate the nodes of every edge reachable from T; member pointers do not.
    void add_path(std::string_view path, std::size_t depth, std::size_t limit);

    void load(session& s, const std::vector<T*>& parents, std::size_t depth) const {
        for (const auto& node : nodes_) node->load(s, parents, depth);
    }
    void require_columns(column_mask<T>& mask) const {
        for (const auto& node : nodes_) node->require_columns(mask);
    }
    [[nodiscard]] bool empty() const noexcept { return nodes_.empty(); }

private:
    std::vector<std::shared_ptr<include_base<T>>> nodes_;
};

/// The distinct parent keys, in first-seen order, each with its slot (its place in that order):
/// where the related rows of that key are gathered. One hash map serves both.
template <class K>
class key_slots {
public:
    static constexpr std::size_t none = static_cast<std::size_t>(-1);

    template <class Parent>
    explicit key_slots(const std::vector<Parent*>& parents) {
        keys_.reserve(parents.size());
        slot_.reserve(parents.size());
        for (const Parent* p : parents) {
            const K& key = primary_key_of(*p);
            if (slot_.try_emplace(key, keys_.size()).second)
                keys_.push_back(key);
            else
                repeated_ = true;
        }
    }
    /// The slot of a key, or none.
    template <class F>
    [[nodiscard]] std::size_t of(const F& key) const {
        const std::optional<K> k = key_value<K>(key);
        const auto found = k ? slot_.find(*k) : slot_.end();
        return found == slot_.end() ? none : found->second;
    }
    [[nodiscard]] const std::vector<K>& keys() const noexcept { return keys_; }
    /// Whether a key came from more than one parent (then groups are copied, not moved).
    [[nodiscard]] bool repeated() const noexcept { return repeated_; }

private:
    std::vector<K> keys_;
    std::unordered_map<K, std::size_t> slot_;
    bool repeated_ = false;
};

[[noreturn]] inline void throw_include_too_deep(std::size_t limit, std::string_view owner, std::string_view member) {
    throw depth_limit_error(fmt::format(
        "relate: the include tree is deeper than the limit of {} at {}::{} (database_options::include_depth_limit)",
        limit, owner, member));
}

/// Relation member I of Parent, loaded in one batched statement, with its constraints and
/// nested includes.
template <class Parent, std::size_t I>
class include_node final : public include_base<Parent> {
public:
    using E = edge<Parent, I>;
    using Target = typename E::target;
    using PL = model_layout<Parent>;
    using TL = model_layout<Target>;

    std::optional<predicate<Target>> where;
    std::vector<order_spec> order;
    std::optional<std::int64_t> limit;
    std::optional<column_mask<Target>> select;
    include_list<Target> nested;

    [[nodiscard]] std::size_t field() const noexcept override { return I; }

    void load(session& s, const std::vector<Parent*>& parents, std::size_t depth) const override {
        if (depth > s.options.include_depth_limit) throw_include_too_deep(s.options.include_depth_limit, E::origin.owner, E::member);
        if (parents.empty()) return;
        if constexpr (E::kind == relation_kind::belongs_to)
            load_belongs_to(s, parents, depth);
        else if constexpr (E::kind == relation_kind::belongs_to_many)
            load_belongs_to_many(s, parents, depth);
        else
            load_has(s, parents, depth);
    }

    void require_columns(column_mask<Parent>& mask) const override {
        if constexpr (E::kind == relation_kind::belongs_to) mask.set(PL::find_column(E::foreign_key));
    }

    [[nodiscard]] std::shared_ptr<include_base<Parent>> clone() const override {
        return std::make_shared<include_node>(*this);
    }

    void merge_from(const include_base<Parent>& other) override {
        const auto& o = static_cast<const include_node&>(other);
        if (o.where) where = o.where;
        if (!o.order.empty()) order = o.order;
        if (o.limit) limit = o.limit;
        if (o.select) select = o.select;
        nested.merge(o.nested);
    }

private:
    /// The target columns to read: the selected ones plus every key matching needs.
    [[nodiscard]] column_mask<Target> target_columns() const {
        column_mask<Target> mask = select.value_or(column_mask<Target>{}.set());
        mask.set(TL::primary_key_column);
        if constexpr (E::kind == relation_kind::has_one || E::kind == relation_kind::has_many)
            mask.set(TL::find_column(E::foreign_key));
        nested.require_columns(mask);
        return mask;
    }

    [[nodiscard]] keyed_query target_query(const column_mask<Target>& mask, std::string match) const {
        keyed_query q;
        q.select = select_list<Target>(TL::table, mask);
        q.from = sql_identifier(TL::table);
        q.match = std::move(match);
        q.where = where ? &where->sql() : nullptr;
        q.own_table = TL::table;
        std::string terms = order_terms(TL::table, order);
        if (!terms.empty()) q.order_by = " ORDER BY " + terms;
        if (limit) {
            q.per_key_limit = limit;
            q.window_order = terms.empty() ? qualified_column(TL::table, TL::primary_key_name) : terms;
        }
        return q;
    }

    /// Stamps the loaded rows and loads the nested includes into them.
    void load_nested(session& s, std::vector<Target>& rows, std::size_t depth) const {
        stamp_rows(rows);
        if (nested.empty()) return;
        std::vector<Target*> pointers;
        pointers.reserve(rows.size());
        for (auto& row : rows) pointers.push_back(&row);
        nested.load(s, pointers, depth + 1);
    }

    /// The same for `count` rows already gathered in groups.
    void load_nested(session& s, std::vector<std::vector<Target>>& groups, std::size_t count, std::size_t depth) const {
        std::vector<Target*> pointers;
        if (!nested.empty()) pointers.reserve(count);
        for (auto& group : groups)
            for (auto& row : group) {
                stamp_relations(row, count > 1);
                if (!nested.empty()) pointers.push_back(&row);
            }
        if (!nested.empty()) nested.load(s, pointers, depth + 1);
    }

    void load_belongs_to(session& s, const std::vector<Parent*>& parents, std::size_t depth) const {
        using K = typename TL::key_type;
        constexpr std::size_t fk_field = PL::column_fields[PL::find_column(E::foreign_key)];
        const std::vector<K> keys =
            distinct_keys<K>(parents, [](const Parent& p) -> const auto& { return get_field<fk_field>(p); });

        const column_mask<Target> mask = target_columns();
        std::vector<Target> rows;
        if (!keys.empty()) {
            const keyed_query q = target_query(mask, qualified_column(TL::table, TL::primary_key_name));
            run_keyed(s, q, keys, column_context{TL::table, TL::primary_key_name},
                      [&](const sqlite::statement& st) { read_row(st, rows.emplace_back(), mask, 0); });
        }
        load_nested(s, rows, depth);

        std::unordered_map<K, const Target*> by_key;
        by_key.reserve(rows.size());
        for (const auto& row : rows) by_key.emplace(primary_key_of(row), &row);
        for (Parent* p : parents) {
            const auto k = key_value<K>(get_field<fk_field>(*p));
            const auto found = k ? by_key.find(*k) : by_key.end();
            relation_access::set(get_field<I>(*p),
                                 found == by_key.end() ? nullptr : std::make_unique<Target>(*found->second));
        }
    }

    void load_has(session& s, const std::vector<Parent*>& parents, std::size_t depth) const {
        using K = typename PL::key_type;
        const key_slots<K> slots(parents);
        const std::vector<K>& keys = slots.keys();
        constexpr std::size_t fk_field = TL::column_fields[TL::find_column(E::foreign_key)];

        const column_mask<Target> mask = target_columns();
        std::vector<Target> rows;
        std::vector<std::size_t> row_slots;  // the slot of each row's parent
        const keyed_query q = target_query(mask, qualified_column(TL::table, E::foreign_key));
        run_keyed(s, q, keys, column_context{PL::table, PL::primary_key_name}, [&](const sqlite::statement& st) {
            Target& row = rows.emplace_back();
            read_row(st, row, mask, 0);
            row_slots.push_back(slots.of(get_field<fk_field>(row)));
        });

        // Rows move to their parent's group, each group allocated once at its final size.
        std::vector<std::size_t> sizes(keys.size());
        for (const std::size_t slot : row_slots)
            if (slot != key_slots<K>::none) ++sizes[slot];
        std::vector<std::vector<Target>> groups(keys.size());
        for (std::size_t i = 0; i < groups.size(); ++i) groups[i].reserve(sizes[i]);
        for (std::size_t r = 0; r < rows.size(); ++r)
            if (row_slots[r] != key_slots<K>::none) groups[row_slots[r]].push_back(std::move(rows[r]));
        const std::size_t count = rows.size();
        load_nested(s, groups, count, depth);
        assign_groups(parents, slots, groups);
    }

    void load_belongs_to_many(session& s, const std::vector<Parent*>& parents, std::size_t depth) const {
        using K = typename PL::key_type;
        using TK = typename TL::key_type;
        const key_slots<K> slots(parents);
        const std::vector<K>& keys = slots.keys();

        const column_mask<Target> mask = target_columns();
        keyed_query q = target_query(mask, qualified_column("relate_junction", E::junction_owner_key));
        q.select = qualified_column("relate_junction", E::junction_owner_key) + ", " + q.select;
        q.from = fmt::format("{} JOIN {} AS \"relate_junction\" ON \"relate_junction\".{} = {}.{}", sql_identifier(TL::table),
                             sql_identifier(E::junction), sql_identifier(E::junction_target_key), sql_identifier(TL::table),
                             sql_identifier(TL::primary_key_name));

        // Each related row is read once, however many parents link to it: its key is read first.
        const int target_key_column = result_column<Target>(mask, TL::primary_key_column, 1);
        std::vector<Target> unique;                          // each related row once
        std::unordered_map<TK, std::size_t> index_of;        // its place in `unique`
        std::vector<std::pair<std::size_t, std::size_t>> links;  // parent slot -> place in `unique`
        run_keyed(s, q, keys, column_context{PL::table, PL::primary_key_name}, [&](const sqlite::statement& st) {
            K owner{};
            read_field(st, 0, owner, column_context{E::junction, E::junction_owner_key});
            const std::size_t slot = slots.of(owner);
            if (slot == key_slots<K>::none) return;
            TK target{};
            read_field(st, target_key_column, target, column_context{TL::table, TL::primary_key_name});
            const auto [at, inserted] = index_of.try_emplace(std::move(target), unique.size());
            if (inserted) read_row(st, unique.emplace_back(), mask, 1);
            links.emplace_back(slot, at->second);
        });
        load_nested(s, unique, depth);

        // Each group sized before it is filled: one allocation per parent.
        std::vector<std::size_t> sizes(keys.size());
        for (const auto& link : links) ++sizes[link.first];
        std::vector<std::vector<Target>> groups(keys.size());
        for (std::size_t i = 0; i < groups.size(); ++i) groups[i].reserve(sizes[i]);
        for (const auto& [slot, index] : links) groups[slot].push_back(unique[index]);
        assign_groups(parents, slots, groups);
    }

    /// Hands each parent the group of its key: moved, or copied when a key appears in several parents.
    template <class K>
    static void assign_groups(const std::vector<Parent*>& parents, const key_slots<K>& slots,
                              std::vector<std::vector<Target>>& groups) {
        // Slots follow first-seen order: with one key per parent, parent i has slot i.
        const bool repeated = slots.repeated();
        const bool aligned = groups.size() == parents.size();
        for (std::size_t i = 0; i < parents.size(); ++i) {
            Parent& p = *parents[i];
            const std::size_t slot = aligned ? i : slots.of(primary_key_of(p));
            std::vector<Target>* group = slot == key_slots<K>::none ? nullptr : &groups[slot];
            auto& relation = get_field<I>(p);
            if constexpr (E::kind == relation_kind::has_one) {
                const bool present = group != nullptr && !group->empty();
                relation_access::set(relation, present ? std::make_unique<Target>(repeated ? group->front()
                                                                                            : std::move(group->front()))
                                                       : nullptr);
            } else if (group == nullptr) {
                relation_access::set(relation, std::vector<Target>{});
            } else {
                relation_access::set(relation, repeated ? *group : std::move(*group));
            }
        }
    }
};

template <class T, std::size_t I>
std::shared_ptr<include_base<T>> make_include_node() {
    return std::make_shared<include_node<T, I>>();
}

/// The node of relation member I of T with `rest` (a dotted path, maybe empty) below it.
template <class T, std::size_t I>
std::shared_ptr<include_base<T>> make_path_node(std::string_view rest, std::size_t depth, std::size_t limit) {
    auto node = std::make_shared<include_node<T, I>>();
    if (!rest.empty()) node->nested.add_path(rest, depth, limit);
    return node;
}

template <class T>
struct relation_entry {
    std::string_view name;
    std::shared_ptr<include_base<T>> (*make)(std::string_view rest, std::size_t depth, std::size_t limit);
};

/// Every relation of T by name, for paths resolved at run time.
template <class T>
const auto& relation_table() {
    using L = model_layout<T>;
    static const auto table = []<std::size_t... R>(std::index_sequence<R...>) {
        return std::array<relation_entry<T>, sizeof...(R)>{
            relation_entry<T>{L::relation_names[R], &make_path_node<T, L::relation_fields[R]>}...};
    }(std::make_index_sequence<L::relation_count>{});
    return table;
}

template <class T>
void include_list<T>::add_path(std::string_view path, std::size_t depth, std::size_t limit) {
    using L = model_layout<T>;
    const std::size_t dot = path.find('.');
    const std::string_view name = path.substr(0, dot);
    const std::string_view rest = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
    if (name.empty() || (dot != std::string_view::npos && rest.empty()))
        throw unknown_relation(fmt::format("relate: include path has an empty segment (in {})", L::table));
    if (depth > limit)
        throw depth_limit_error(fmt::format("relate: the include path is deeper than the limit of {} (at '{}')", limit, name));
    for (const auto& entry : relation_table<T>()) {
        if (entry.name != name) continue;
        add(entry.make(rest, depth + 1, limit));
        return;
    }
    std::string known;
    for (const auto& entry : relation_table<T>()) known += (known.empty() ? "" : ", ") + std::string(entry.name);
    throw unknown_relation(fmt::format("relate: {} has no relation named '{}' (its relations: {})", type_name<T>,
                                       name.size() > 60 ? std::string(name.substr(0, 60)) + "..." : std::string(name),
                                       known.empty() ? "none" : known));
}

}  // namespace relate::detail
