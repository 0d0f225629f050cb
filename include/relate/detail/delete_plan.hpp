#pragma once
// Delete policies, walked from the removed rows through has_one / has_many declarations, level
// by level: cascade collects the children to delete too, set_null the children to detach,
// restrict the children that block. Only reads until every rule has passed; then execute()
// writes: foreign keys set to NULL, junction rows, and the rows themselves, children first.

#include <relate/detail/crud.hpp>
#include <relate/detail/key_check.hpp>
#include <relate/detail/key_set.hpp>
#include <relate/detail/keyed_fetch.hpp>
#include <relate/detail/session.hpp>
#include <relate/detail/sql_text.hpp>
#include <relate/detail/table_info.hpp>
#include <relate/error.hpp>
#include <relate/remove_plan.hpp>

#include <relate/detail/text.hpp>

#include <cstdint>
#include <deque>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace relate::detail {

/// The rows of one table to delete; levels[d] holds the keys first reached at cascade depth d.
struct doomed_rows {
    const table_info* table;
    key_set keys;
    std::vector<std::vector<sqlite::value>> levels;
};

/// Children of removed rows that a has_one / has_many edge reaches, with their parents' keys.
struct reached_children {
    const table_info* owner;
    const child_edge* edge;
    std::vector<sqlite::value> keys;
    std::vector<sqlite::value> parent_keys;
};

inline std::string relation_name(const relation_origin& origin) {
    return detail::format("{}::{}", origin.owner, origin.member);
}

class delete_planner {
public:
    delete_planner(session& s, std::size_t depth_limit) : session_(s), depth_limit_(depth_limit) {}

    /// Rows to remove (depth 0). A key naming no row makes execute() throw relate::not_found.
    void add(const table_info& table, const std::vector<sqlite::value>& keys) {
        doomed_rows& rows = rows_of(table);
        if (rows.levels.empty()) rows.levels.resize(1);
        for (const auto& key : keys)
            if (rows.keys.insert(key).second) rows.levels[0].push_back(key);
    }

    /// Follows every policy from the added rows: one statement per edge and level.
    /// Throws relate::depth_limit_error when a cascade goes deeper than the limit.
    void walk() {
        std::vector<std::pair<const table_info*, std::vector<sqlite::value>>> frontier;
        for (const auto& rows : tables_)
            if (!rows.levels.empty() && !rows.levels[0].empty()) frontier.emplace_back(rows.table, rows.levels[0]);
        for (std::size_t depth = 0; !frontier.empty(); ++depth) {
            std::vector<std::pair<const table_info*, std::vector<sqlite::value>>> next;
            const relation_origin* deepest = nullptr;
            for (const auto& [table, keys] : frontier) {
                for (const child_edge& edge : table->children) {
                    reached_children reached = select_children(*table, edge, keys);
                    if (reached.keys.empty()) continue;
                    if (edge.policy == delete_policy::cascade) {
                        std::vector<sqlite::value> fresh;
                        doomed_rows& rows = rows_of(edge.child());
                        for (auto& key : reached.keys)
                            if (rows.keys.insert(key).second) fresh.push_back(std::move(key));
                        if (fresh.empty()) continue;
                        deepest = edge.origin;
                        next.emplace_back(&edge.child(), std::move(fresh));
                    } else {
                        (edge.policy == delete_policy::set_null ? detached_ : blocking_).push_back(std::move(reached));
                    }
                }
            }
            if (!next.empty() && depth + 1 > depth_limit_)
                throw depth_limit_error(detail::format(
                    "relate: removing {} rows cascades deeper than {} levels (through {}); raise "
                    "database_options::cascade_depth_limit or remove the deepest rows first",
                    tables_.front().table->model, depth_limit_, relation_name(*deepest)));
            for (auto& [table, keys] : next) {
                doomed_rows& rows = rows_of(*table);
                if (rows.levels.size() < depth + 2) rows.levels.resize(depth + 2);
                auto& level = rows.levels[depth + 1];
                level.insert(level.end(), keys.begin(), keys.end());
            }
            frontier = std::move(next);
        }
    }

    /// Throws relate::restrict_error when a restrict policy has children that are not removed too.
    void check_restrict() const {
        for (const auto& reached : blocking_) {
            std::int64_t count = 0;
            const sqlite::value* first_parent = nullptr;
            for (std::size_t i = 0; i < reached.keys.size(); ++i) {
                if (removes(reached.edge->child(), reached.keys[i])) continue;
                ++count;
                if (first_parent == nullptr) first_parent = &reached.parent_keys[i];
            }
            if (count == 0) continue;
            const std::string relation = relation_name(*reached.edge->origin);
            throw restrict_error(detail::format(
                "relate: cannot remove {} {} = {}: {} row{} of {} still point{} at it through {} (delete policy "
                "restrict); remove or reassign {} first, or declare relate::cascade or relate::set_null on {}",
                reached.owner->model, reached.owner->primary_key, describe(*first_parent), count, count == 1 ? "" : "s",
                reached.edge->child().table, count == 1 ? "s" : "", relation, count == 1 ? "it" : "them", relation));
        }
    }

    /// What execute() would do, without writing (junction rows are counted with one statement
    /// per junction edge).
    [[nodiscard]] remove_plan summary() {
        remove_plan plan;
        for (const auto& rows : tables_)
            plan.steps.push_back({std::string(rows.table->table), remove_action::remove,
                                  static_cast<std::int64_t>(rows.keys.size()), {}});
        for (const auto& rows : tables_) {
            for (const junction_edge& j : rows.table->junctions) {
                std::int64_t linked = 0;
                for_keys(j.junction, j.own_key, keys_of(rows),
                         detail::format("SELECT COUNT(*) FROM {} WHERE {} IN ", sql_identifier(j.junction),
                                     sql_identifier(j.own_key)),
                         [&](const sqlite::statement& st) { linked += st.column_int64(0); });
                if (linked > 0)
                    plan.steps.push_back({std::string(j.junction), remove_action::unlink, linked, relation_name(*j.origin)});
            }
        }
        add_steps(plan, detached_, remove_action::nullify);
        add_steps(plan, blocking_, remove_action::block);
        return plan;
    }

    /// Writes the plan: foreign keys set to NULL, junction rows removed, then the rows, each table
    /// after the tables that point at it and, within a table, the deepest level first.
    void execute() {
        for (const auto& rows : tables_) require_key_behaviour(session_, *rows.table);
        for (const auto& reached : detached_) {
            const std::vector<sqlite::value> keys = survivors(reached);
            const table_info& child = reached.edge->child();
            for_keys(child.table, child.primary_key, keys,
                     detail::format("UPDATE {} SET {} = NULL WHERE {} IN ", sql_identifier(child.table),
                                 sql_identifier(reached.edge->foreign_key), sql_identifier(child.primary_key)));
        }
        for (const auto& rows : tables_)
            for (const junction_edge& j : rows.table->junctions)
                for_keys(j.junction, j.own_key, keys_of(rows),
                         detail::format("DELETE FROM {} WHERE {} IN ", sql_identifier(j.junction), sql_identifier(j.own_key)));
        for (const doomed_rows* rows : children_first()) {
            const std::string head = detail::format("DELETE FROM {} WHERE {} IN ", sql_identifier(rows->table->table),
                                                 sql_identifier(rows->table->primary_key));
            for (auto level = rows->levels.rbegin(); level != rows->levels.rend(); ++level) {
                const std::int64_t deleted = for_keys(rows->table->table, rows->table->primary_key, *level, head);
                // The rows asked for are deleted last, so a shortfall there is a row that was gone.
                if (level == std::prev(rows->levels.rend()) && deleted < static_cast<std::int64_t>(level->size()))
                    throw_missing(*rows->table, *level);
            }
        }
    }

    /// Whether the plan deletes this row.
    [[nodiscard]] bool removes(const table_info& table, const sqlite::value& key) const {
        const doomed_rows* rows = find(table);
        return rows != nullptr && rows->keys.contains(key);
    }

    /// Runs `head (?, ?, ...)` over the keys, chunked; on_row sees each result row.
    std::int64_t for_keys(std::string_view table, std::string_view column, const std::vector<sqlite::value>& keys,
                          const std::string& head, function_ref<void(const sqlite::statement&)> on_row) {
        return run_in_chunks(
            session_, keys, 0, column_context{table, column},
            [&](std::size_t n) { return sql_statement{head + "(" + placeholder_list(n) + ")", {}}; }, on_row);
    }
    std::int64_t for_keys(std::string_view table, std::string_view column, const std::vector<sqlite::value>& keys,
                          const std::string& head) {
        return for_keys(table, column, keys, head, [](const sqlite::statement&) {});
    }

    /// Throws relate::not_found for the first of the removed rows (depth 0) that does not exist.
    void require_rows() {
        for (const auto& rows : tables_)
            if (!rows.levels.empty()) require_rows(*rows.table, rows.levels[0]);
    }

private:
    void require_rows(const table_info& table, const std::vector<sqlite::value>& keys) {
        const key_set found = existing_keys(session_, table.table, table.primary_key, keys);
        for (const auto& key : keys)
            if (!found.contains(key)) throw no_row(table.table, table.primary_key, key);
    }

    [[noreturn]] void throw_missing(const table_info& table, const std::vector<sqlite::value>& keys) {
        require_rows(table, keys);
        throw error(detail::format("relate: deleting from {} removed fewer rows than asked", table.table));
    }

    reached_children select_children(const table_info& owner, const child_edge& edge,
                                     const std::vector<sqlite::value>& parent_keys) {
        const table_info& child = edge.child();
        reached_children out{&owner, &edge, {}, {}};
        for_keys(child.table, edge.foreign_key, parent_keys,
                 detail::format("SELECT {}, {} FROM {} WHERE {} IN ", sql_identifier(child.primary_key),
                             sql_identifier(edge.foreign_key), sql_identifier(child.table), sql_identifier(edge.foreign_key)),
                 [&](const sqlite::statement& st) {
                     out.keys.push_back(st.column_value(0));
                     out.parent_keys.push_back(st.column_value(1));
                 });
        return out;
    }

    /// The reached children that are not deleted anyway.
    [[nodiscard]] std::vector<sqlite::value> survivors(const reached_children& reached) const {
        std::vector<sqlite::value> out;
        for (const auto& key : reached.keys)
            if (!removes(reached.edge->child(), key)) out.push_back(key);
        return out;
    }

    void add_steps(remove_plan& plan, const std::vector<reached_children>& all, remove_action action) const {
        for (const auto& reached : all) {
            const std::size_t n = survivors(reached).size();
            if (n > 0)
                plan.steps.push_back({std::string(reached.edge->child().table), action, static_cast<std::int64_t>(n),
                                      relation_name(*reached.edge->origin)});
        }
    }

    static std::vector<sqlite::value> keys_of(const doomed_rows& rows) {
        std::vector<sqlite::value> out;
        out.reserve(rows.keys.size());
        for (const auto& level : rows.levels) out.insert(out.end(), level.begin(), level.end());
        return out;
    }

    /// The tables to delete from, each after every other table whose rows point at it.
    [[nodiscard]] std::vector<const doomed_rows*> children_first() const {
        std::vector<const table_info*> tables;
        for (const auto& rows : tables_) tables.push_back(rows.table);
        std::vector<const doomed_rows*> out;
        for (const table_info* t : ordered_tables(tables, [](const table_info& t, const table_info& other) {
                 return points_at(other, t);
             }))
            out.push_back(find(*t));
        return out;
    }

    [[nodiscard]] const doomed_rows* find(const table_info& table) const {
        for (const auto& rows : tables_)
            if (rows.table == &table) return &rows;
        return nullptr;
    }

    doomed_rows& rows_of(const table_info& table) {
        for (auto& rows : tables_)
            if (rows.table == &table) return rows;
        tables_.push_back({&table, {}, {}});
        return tables_.back();
    }

    session& session_;
    std::size_t depth_limit_;
    std::deque<doomed_rows> tables_;  // a deque: references stay valid as tables are added
    std::vector<reached_children> detached_;
    std::vector<reached_children> blocking_;
};

}  // namespace relate::detail
