#pragma once
// Whether the database applies a remove's delete policies by itself. relate declares each policy
// as its foreign key's ON DELETE action (create_tables, migrations), so where the backend asks for
// it (PostgreSQL: each statement of the walk is a round trip, and each key it reaches travels to
// the client and back) a remove whose reach holds only cascade and set_null edges, each declared
// so by the live schema, deletes the removed rows alone and the server cascades and clears the
// rest in the same statement. A restrict, a polymorphic child (no foreign key), a cycle, a reach
// deeper than the depth limit, or a schema that says otherwise keeps relate's walk: its errors
// name the model and the relation, and its depth limit holds.

#include <relate/detail/model/model_desc.hpp>
#include <relate/detail/schema/live_schema.hpp>
#include <relate/detail/session.hpp>
#include <relate/relation.hpp>

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <vector>

namespace relate::detail {

/// A foreign key whose ON DELETE action must be `on_delete` for the database to apply a policy.
struct needed_action {
    std::string_view table;
    std::string_view column;
    std::string_view parent;
    std::string_view parent_column;
    std::string_view on_delete;
};

/// Adds the actions a remove of `table`'s rows needs below them; false when the walk is needed.
/// `path`: the tables from a removed one down to `table`, whose depth is path.size() - 1.
template <class B>
bool add_needed_actions(const model_desc<B>& table, std::vector<const model_desc<B>*>& path,
                        const std::vector<const model_desc<B>*>& removed, std::size_t depth_limit,
                        std::vector<needed_action>& out) {
    const auto holds = [](const auto& tables, const model_desc<B>* t) {
        return std::find(tables.begin(), tables.end(), t) != tables.end();
    };
    const std::string_view key = table.key_column().name;
    for (const relation_desc<B>& r : table.relations) {
        if (r.kind == relation_kind::belongs_to_many)
            out.push_back({r.junction, r.junction_owner_key, table.table, key, on_delete_sql(delete_policy::cascade)});
        if (!r.has_children()) continue;
        if (r.policy == delete_policy::restrict || !r.morph_type.empty()) return false;
        const model_desc<B>& child = r.target();
        out.push_back({child.table, r.foreign_key, table.table, key, on_delete_sql(r.policy)});
        if (r.policy != delete_policy::cascade) continue;
        // A removed table reached again would delete rows the planner counts as asked for.
        if (holds(removed, &child) || holds(path, &child) || path.size() > depth_limit) return false;
        path.push_back(&child);
        const bool declarative = add_needed_actions(child, path, removed, depth_limit, out);
        path.pop_back();
        if (!declarative) return false;
    }
    return true;
}

/// Whether removing rows of the `removed` tables may leave every policy below them to the
/// database's ON DELETE actions: one catalog read, made only when the backend asks for it and the
/// models' reach allows it.
template <class B>
bool database_applies_policies(session<B>& s, const std::vector<const model_desc<B>*>& removed) {
    if constexpr (B::leaves_policies_to_database) {
        std::vector<needed_action> needed;
        for (const model_desc<B>* table : removed) {
            std::vector<const model_desc<B>*> path{table};
            if (!add_needed_actions(*table, path, removed, s.options.cascade_depth_limit, needed)) return false;
        }
        if (needed.empty()) return true;
        const std::vector<live_delete_action> declared = delete_actions(s.conn);
        return std::all_of(needed.begin(), needed.end(), [&](const needed_action& n) {
            return std::any_of(declared.begin(), declared.end(), [&](const live_delete_action& d) {
                return d.table == n.table && d.column == n.column && d.parent == n.parent &&
                       d.parent_column == n.parent_column && d.on_delete == n.on_delete;
            });
        });
    } else {
        (void)s;
        (void)removed;
        return false;
    }
}

}  // namespace relate::detail
