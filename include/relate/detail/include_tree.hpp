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
    /// Adds a dotted path below this node, checked at run time.
    virtual void add_path(std::string_view path, std::size_t depth, std::size_t limit) = 0;
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
    std::vector<order_term<Target>> order;
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

    void add_path(std::string_view path, std::size_t depth, std::size_t max_depth) override {
        nested.add_path(path, depth, max_depth);
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
        std::string terms;
        for (const auto& term : order)
            terms += fmt::format("{}{}.{} {}", terms.empty() ? "" : ", ", sql_identifier(TL::table), sql_identifier(term.column),
                                 term.descending ? "DESC" : "ASC");
        if (!terms.empty()) q.order_by = " ORDER BY " + terms;
        if (limit) {
            q.per_key_limit = limit;
            q.window_order = terms.empty() ? qualified_column(TL::table, TL::primary_key_name) : terms;
        }
        return q;
    }

    void load_nested(session& s, std::vector<Target>& rows, std::size_t depth) const {
        stamp_rows(rows);
        if (nested.empty()) return;
        std::vector<Target*> pointers;
        pointers.reserve(rows.size());
        for (auto& row : rows) pointers.push_back(&row);
        nested.load(s, pointers, depth + 1);
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
        constexpr std::size_t fk_column = TL::find_column(E::foreign_key);
        bool repeated = false;
        const std::vector<K> keys = distinct_keys<K>(parents, primary_key_reader{}, &repeated);

        const column_mask<Target> mask = target_columns();
        std::vector<Target> rows;
        const keyed_query q = target_query(mask, qualified_column(TL::table, E::foreign_key));
        run_keyed(s, q, keys, column_context{PL::table, PL::primary_key_name},
                  [&](const sqlite::statement& st) { read_row(st, rows.emplace_back(), mask, 0); });
        load_nested(s, rows, depth);

        std::unordered_map<K, std::vector<Target>> groups;
        groups.reserve(keys.size());
        for (auto& row : rows)
            if (const auto k = key_value<K>(get_field<TL::column_fields[fk_column]>(row)))
                groups[*k].push_back(std::move(row));
        assign_groups(parents, groups, repeated);
    }

    void load_belongs_to_many(session& s, const std::vector<Parent*>& parents, std::size_t depth) const {
        using K = typename PL::key_type;
        using TK = typename TL::key_type;
        bool repeated = false;
        const std::vector<K> keys = distinct_keys<K>(parents, primary_key_reader{}, &repeated);

        const column_mask<Target> mask = target_columns();
        keyed_query q = target_query(mask, qualified_column("relate_junction", E::junction_owner_key));
        q.select = qualified_column("relate_junction", E::junction_owner_key) + ", " + q.select;
        q.from = fmt::format("{} JOIN {} AS \"relate_junction\" ON \"relate_junction\".{} = {}.{}", sql_identifier(TL::table),
                             sql_identifier(E::junction), sql_identifier(E::junction_target_key), sql_identifier(TL::table),
                             sql_identifier(TL::primary_key_name));

        std::vector<Target> unique;                         // each related row once
        std::unordered_map<TK, std::size_t> index_of;       // its place in `unique`
        std::vector<std::pair<K, std::size_t>> links;       // parent key -> row
        run_keyed(s, q, keys, column_context{PL::table, PL::primary_key_name}, [&](const sqlite::statement& st) {
            K owner{};
            read_field(st, 0, owner, column_context{E::junction, E::junction_owner_key});
            Target row{};
            read_row(st, row, mask, 1);
            const auto [at, inserted] = index_of.emplace(primary_key_of(row), unique.size());
            if (inserted) unique.push_back(std::move(row));
            links.emplace_back(std::move(owner), at->second);
        });
        load_nested(s, unique, depth);

        std::unordered_map<K, std::vector<Target>> groups;
        groups.reserve(keys.size());
        for (const auto& [owner, index] : links) groups[owner].push_back(unique[index]);
        assign_groups(parents, groups, repeated);
    }

    /// Hands each parent its group: moved, or copied when a key appears in several parents.
    template <class K>
    static void assign_groups(const std::vector<Parent*>& parents, std::unordered_map<K, std::vector<Target>>& groups,
                              bool repeated) {
        for (Parent* p : parents) {
            auto found = groups.find(primary_key_of(*p));
            auto& relation = get_field<I>(*p);
            if constexpr (E::kind == relation_kind::has_one) {
                const bool present = found != groups.end() && !found->second.empty();
                relation_access::set(relation, present ? std::make_unique<Target>(repeated ? found->second.front()
                                                                                            : std::move(found->second.front()))
                                                       : nullptr);
            } else if (found == groups.end()) {
                relation_access::set(relation, std::vector<Target>{});
            } else {
                relation_access::set(relation, repeated ? found->second : std::move(found->second));
            }
        }
    }
};

template <class T, std::size_t I>
std::shared_ptr<include_base<T>> make_include_node() {
    return std::make_shared<include_node<T, I>>();
}

template <class T>
struct relation_entry {
    std::string_view name;
    std::shared_ptr<include_base<T>> (*make)();
};

/// Every relation of T by name, for paths resolved at run time.
template <class T>
const auto& relation_table() {
    using L = model_layout<T>;
    static const auto table = []<std::size_t... R>(std::index_sequence<R...>) {
        return std::array<relation_entry<T>, sizeof...(R)>{
            relation_entry<T>{L::relation_names[R], &make_include_node<T, L::relation_fields[R]>}...};
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
        auto node = entry.make();
        if (!rest.empty()) node->add_path(rest, depth + 1, limit);
        add(node);
        return;
    }
    std::string known;
    for (const auto& entry : relation_table<T>()) known += (known.empty() ? "" : ", ") + std::string(entry.name);
    throw unknown_relation(fmt::format("relate: {} has no relation named '{}' (its relations: {})", type_name<T>,
                                       name.size() > 60 ? std::string(name.substr(0, 60)) + "..." : std::string(name),
                                       known.empty() ? "none" : known));
}

}  // namespace relate::detail
