#pragma once
// A model's table and relations as plain run-time data, so the committer can walk delete
// policies and order writes across models without instantiating a template per path.

#include <relate/detail/edge.hpp>
#include <relate/detail/layout.hpp>
#include <relate/relation.hpp>

#include <algorithm>
#include <string_view>
#include <vector>

namespace relate::detail {

struct table_info;
/// A function rather than a pointer, so mutually related models can refer to each other.
using table_info_ref = const table_info& (*)();

/// has_one / has_many: child rows whose foreign_key column holds the owner's key.
struct child_edge {
    table_info_ref child;
    std::string_view foreign_key;
    delete_policy policy;
    const relation_origin* origin;
};

/// belongs_to: the owner's foreign_key column holds a parent's key.
struct parent_edge {
    table_info_ref parent;
    std::string_view foreign_key;
};

/// belongs_to_many: junction rows whose own_key column holds the owner's key.
struct junction_edge {
    std::string_view junction;
    std::string_view own_key;
    const relation_origin* origin;
};

struct table_info {
    std::string_view model;
    std::string_view table;
    std::string_view primary_key;
    std::string_view key_affinity;  ///< INTEGER, REAL, TEXT or BLOB
    bool key_assigned;              ///< an integer key SQLite assigns on insert
    std::vector<child_edge> children;
    std::vector<parent_edge> parents;
    std::vector<junction_edge> junctions;
};

template <class M>
const table_info& table_info_of();

template <class M, std::size_t I>
void describe_edge(table_info& info) {
    using E = edge<M, I>;
    if constexpr (E::kind == relation_kind::has_one || E::kind == relation_kind::has_many)
        info.children.push_back({&table_info_of<typename E::target>, E::foreign_key, E::policy, &E::origin});
    else if constexpr (E::kind == relation_kind::belongs_to)
        info.parents.push_back({&table_info_of<typename E::target>, E::foreign_key});
    else
        info.junctions.push_back({E::junction, E::junction_owner_key, &E::origin});
}

template <class M>
const table_info& table_info_of() {
    static const table_info info = [] {
        using L = model_layout<M>;
        table_info out{type_name<M>, L::table, L::primary_key_name, sql_type_name<storage_t<typename L::key_type>>(),
                       L::key_is_assigned, {}, {}, {}};
        [&]<std::size_t... R>(std::index_sequence<R...>) {
            (describe_edge<M, L::relation_fields[R]>(out), ...);
        }(std::make_index_sequence<L::relation_count>{});
        return out;
    }();
    return info;
}

/// `tables` ordered so that each comes after every other one it follows (`follows(t, other)`);
/// a cycle is broken where it closes.
template <class Follows>
std::vector<const table_info*> ordered_tables(const std::vector<const table_info*>& tables, Follows follows) {
    std::vector<const table_info*> out;
    std::vector<const table_info*> seen;  // marked before what it follows, so a cycle ends
    const auto visit = [&](auto& self, const table_info* t) -> void {
        if (std::find(seen.begin(), seen.end(), t) != seen.end()) return;
        seen.push_back(t);
        for (const table_info* other : tables)
            if (other != t && follows(*t, *other)) self(self, other);
        out.push_back(t);
    };
    for (const table_info* t : tables) visit(visit, t);
    return out;
}

/// Whether rows of `from` can point at rows of `to` (a foreign key either model declares).
inline bool points_at(const table_info& from, const table_info& to) {
    for (const auto& p : from.parents)
        if (&p.parent() == &to) return true;
    for (const auto& c : to.children)
        if (&c.child() == &from) return true;
    return false;
}

/// Whether `child` declares a belongs_to to `parent`.
inline bool declares_parent(const table_info& child, const table_info& parent) {
    for (const auto& p : child.parents)
        if (&p.parent() == &parent) return true;
    return false;
}

}  // namespace relate::detail
