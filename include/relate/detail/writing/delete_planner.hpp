#pragma once
// Delete policies, walked from the removed rows through has_one / has_many declarations, level
// by level: cascade collects the children to delete too, set_null the children to detach,
// restrict the children that block. Only reads until every rule has passed; then execute()
// writes: foreign keys set to NULL, junction rows, and the rows themselves, children first. When
// the database's ON DELETE actions apply every policy (database_policies.hpp), nothing is walked
// and delete_added_rows() deletes the removed rows alone.

#include <relate/detail/loading/keyed.hpp>
#include <relate/detail/model/model_desc.hpp>
#include <relate/detail/model/rows.hpp>
#include <relate/detail/session.hpp>
#include <relate/detail/sql/sql_text.hpp>
#include <relate/detail/core/text.hpp>
#include <relate/detail/writing/key_check.hpp>
#include <relate/detail/writing/reference_check.hpp>
#include <relate/error.hpp>
#include <relate/remove_plan.hpp>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace relate::detail {

/// The rows of one table to delete; levels[d] holds the keys first reached at cascade depth d.
template <class B>
struct doomed_rows {
    const model_desc<B>* table;
    key_set keys;
    std::vector<std::vector<sqlite::value>> levels;
};

/// Children of removed rows that a has_one / has_many edge reaches, with their parents' keys.
template <class B>
struct reached_children {
    const model_desc<B>* owner;
    const relation_desc<B>* edge;
    std::vector<sqlite::value> keys;
    std::vector<sqlite::value> parent_keys;
};

inline std::string relation_name(const relation_origin& origin) {
    return detail::format("{}::{}", origin.owner, origin.member);
}

/// The tables `tables` ordered so that each comes after every other one it follows
/// (`follows(t, other)`); a cycle is broken where it closes.
template <class B, class Follows>
std::vector<const model_desc<B>*> ordered_tables(const std::vector<const model_desc<B>*>& tables, Follows follows) {
    std::vector<const model_desc<B>*> out;
    std::vector<const model_desc<B>*> seen;  // marked before what it follows, so a cycle ends
    const auto visit = [&](auto& self, const model_desc<B>* t) -> void {
        if (std::find(seen.begin(), seen.end(), t) != seen.end()) return;
        seen.push_back(t);
        for (const model_desc<B>* other : tables)
            if (other != t && follows(*t, *other)) self(self, other);
        out.push_back(t);
    };
    for (const model_desc<B>* t : tables) visit(visit, t);
    return out;
}

/// Whether `child` declares a belongs_to to `parent`.
template <class B>
bool declares_parent(const model_desc<B>& child, const model_desc<B>& parent) {
    for (const relation_desc<B>& r : child.relations)
        if (r.kind == relation_kind::belongs_to && &r.target() == &parent) return true;
    return false;
}

/// Whether rows of `from` can point at rows of `to` (a foreign key either model declares).
template <class B>
bool points_at(const model_desc<B>& from, const model_desc<B>& to) {
    if (declares_parent(from, to)) return true;
    for (const relation_desc<B>& r : to.relations)
        if (r.has_children() && &r.target() == &from) return true;
    return false;
}

/// Whether removing rows of the model has policies to apply (has_one, has_many or
/// belongs_to_many relations).
template <class B>
bool has_dependents(const model_desc<B>& m) {
    for (const relation_desc<B>& r : m.relations)
        if (r.has_children() || r.kind == relation_kind::belongs_to_many) return true;
    return false;
}

template <class B>
class delete_planner {
public:
    delete_planner(session<B>& s, std::size_t depth_limit) : session_(s), depth_limit_(depth_limit) {}

    /// Rows to remove (depth 0). A key naming no row makes execute() throw relate::not_found.
    void add(const model_desc<B>& table, const std::vector<sqlite::value>& keys) {
        doomed_rows<B>& rows = rows_of(table);
        if (rows.levels.empty()) rows.levels.resize(1);
        for (const auto& key : keys)
            if (rows.keys.insert(key).second) rows.levels[0].push_back(key);
    }

    /// The tables of the rows added so far.
    [[nodiscard]] std::vector<const model_desc<B>*> tables() const {
        std::vector<const model_desc<B>*> out;
        for (const auto& rows : tables_) out.push_back(rows.table);
        return out;
    }

    /// Follows every policy from the added rows: one statement per edge and level.
    /// Throws relate::depth_limit_error when a cascade goes deeper than the limit.
    void walk() {
        std::vector<std::pair<const model_desc<B>*, std::vector<sqlite::value>>> frontier;
        for (const auto& rows : tables_)
            if (!rows.levels.empty() && !rows.levels[0].empty()) frontier.emplace_back(rows.table, rows.levels[0]);
        for (std::size_t depth = 0; !frontier.empty(); ++depth) {
            std::vector<std::pair<const model_desc<B>*, std::vector<sqlite::value>>> next;
            const relation_origin* deepest = nullptr;
            for (const auto& [table, keys] : frontier) {
                for (const relation_desc<B>& edge : table->relations) {
                    if (!edge.has_children()) continue;
                    reached_children<B> reached = select_children(*table, edge, keys);
                    if (reached.keys.empty()) continue;
                    if (edge.policy == delete_policy::cascade) {
                        std::vector<sqlite::value> fresh;
                        doomed_rows<B>& rows = rows_of(edge.target());
                        for (auto& key : reached.keys)
                            if (rows.keys.insert(key).second) fresh.push_back(std::move(key));
                        if (fresh.empty()) continue;
                        deepest = edge.origin;
                        next.emplace_back(&edge.target(), std::move(fresh));
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
                doomed_rows<B>& rows = rows_of(*table);
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
                if (removes(reached.edge->target(), reached.keys[i])) continue;
                ++count;
                if (first_parent == nullptr) first_parent = &reached.parent_keys[i];
            }
            if (count == 0) continue;
            const std::string relation = relation_name(*reached.edge->origin);
            throw restrict_error(detail::format(
                "relate: cannot remove {} {} = {}: {} row{} of {} still point{} at it through {} (delete policy "
                "restrict); remove or reassign {} first, or declare relate::cascade or relate::set_null on {}",
                reached.owner->model, reached.owner->key_column().name, describe(*first_parent), count, count == 1 ? "" : "s",
                reached.edge->target().table, count == 1 ? "s" : "", relation, count == 1 ? "it" : "them", relation));
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
            for (const relation_desc<B>& j : rows.table->relations) {
                if (j.kind != relation_kind::belongs_to_many) continue;
                std::int64_t linked = 0;
                for_keys<B>(session_, j.junction, keys_of(rows),
                            detail::format("SELECT COUNT(*) FROM {} WHERE {} ", sql_identifier(j.junction),
                                           sql_identifier(j.junction_owner_key)),
                            [&](const typename B::statement& st) { linked += st.column_int64(0); });
                if (linked > 0)
                    plan.steps.push_back({std::string(j.junction), remove_action::unlink, linked, relation_name(*j.origin)});
            }
        }
        add_steps(plan, detached_, remove_action::nullify);
        add_steps(plan, blocking_, remove_action::block);
        return plan;
    }

    /// Writes the plan: foreign keys set to NULL, junction rows removed, then the rows.
    void execute() {
        for (const auto& rows : tables_) require_key_behaviour(session_, *rows.table);
        for (const auto& reached : detached_) {
            const std::vector<sqlite::value> keys = survivors(reached);
            const model_desc<B>& child = reached.edge->target();
            for_keys<B>(session_, child.table, keys,
                        detail::format("UPDATE {} SET {} = NULL WHERE {} ", sql_identifier(child.table),
                                       sql_identifier(reached.edge->foreign_key), sql_identifier(child.key_column().name)),
                        ignore_rows);
        }
        for (const auto& rows : tables_)
            for (const relation_desc<B>& j : rows.table->relations)
                if (j.kind == relation_kind::belongs_to_many)
                    for_keys<B>(session_, j.junction, keys_of(rows),
                                detail::format("DELETE FROM {} WHERE {} ", sql_identifier(j.junction),
                                               sql_identifier(j.junction_owner_key)),
                                ignore_rows);
        delete_rows();
    }

    /// Deletes the added rows alone, when the database's ON DELETE actions apply every policy
    /// below them (database_policies.hpp) and nothing was walked.
    void delete_added_rows() {
        for (const auto& rows : tables_) require_key_behaviour(session_, *rows.table);
        delete_rows();
    }

    /// Whether the plan deletes this row.
    [[nodiscard]] bool removes(const model_desc<B>& table, const sqlite::value& key) const {
        const doomed_rows<B>* rows = find(table);
        return rows != nullptr && rows->keys.contains(key);
    }

    /// Throws relate::not_found for the first of the removed rows (depth 0) that does not exist.
    void require_rows() {
        for (const auto& rows : tables_)
            if (!rows.levels.empty()) require_rows(*rows.table, rows.levels[0]);
    }

private:
    static constexpr auto ignore_rows = [](const typename B::statement&) {};

    /// The rows, each table after the tables that point at it and, within a table, the deepest
    /// level first.
    void delete_rows() {
        for (const doomed_rows<B>* rows : children_first()) {
            const std::string head = detail::format("DELETE FROM {} WHERE {} ", sql_identifier(rows->table->table),
                                                    sql_identifier(rows->table->key_column().name));
            for (auto level = rows->levels.rbegin(); level != rows->levels.rend(); ++level) {
                const std::int64_t deleted = for_keys<B>(session_, rows->table->table, *level, head, ignore_rows);
                // The rows asked for are deleted last, so a shortfall there is a row that was gone.
                if (level == std::prev(rows->levels.rend()) && deleted < static_cast<std::int64_t>(level->size()))
                    throw_missing(*rows->table, *level);
            }
        }
    }

    void require_rows(const model_desc<B>& table, const std::vector<sqlite::value>& keys) {
        const key_set found = existing_keys(session_, table, keys);
        for (const auto& key : keys)
            if (!found.contains(key)) throw_no_row(table.table, table.key_column().name, key);
    }

    [[noreturn]] void throw_missing(const model_desc<B>& table, const std::vector<sqlite::value>& keys) {
        require_rows(table, keys);
        throw error(detail::format("relate: deleting from {} removed fewer rows than asked", table.table));
    }

    reached_children<B> select_children(const model_desc<B>& owner, const relation_desc<B>& edge,
                                        const std::vector<sqlite::value>& parent_keys) {
        const model_desc<B>& child = edge.target();
        reached_children<B> out{&owner, &edge, {}, {}};
        const std::string morph = edge.morph_filter(child.table);  // morph_many: only the rows naming this type
        for_keys<B>(session_, child.table, parent_keys,
                    detail::format("SELECT {}, {} FROM {} WHERE {}{}{} ", sql_identifier(child.key_column().name),
                                   sql_identifier(edge.foreign_key), sql_identifier(child.table), morph,
                                   morph.empty() ? "" : " AND ", sql_identifier(edge.foreign_key)),
                    [&](const typename B::statement& st) {
                     out.keys.push_back(st.column_value(0));
                     out.parent_keys.push_back(st.column_value(1));
                 });
        return out;
    }

    /// The reached children that are not deleted anyway.
    [[nodiscard]] std::vector<sqlite::value> survivors(const reached_children<B>& reached) const {
        std::vector<sqlite::value> out;
        for (const auto& key : reached.keys)
            if (!removes(reached.edge->target(), key)) out.push_back(key);
        return out;
    }

    void add_steps(remove_plan& plan, const std::vector<reached_children<B>>& all, remove_action action) const {
        for (const auto& reached : all) {
            const std::size_t n = survivors(reached).size();
            if (n > 0)
                plan.steps.push_back({std::string(reached.edge->target().table), action, static_cast<std::int64_t>(n),
                                      relation_name(*reached.edge->origin)});
        }
    }

    static std::vector<sqlite::value> keys_of(const doomed_rows<B>& rows) {
        std::vector<sqlite::value> out;
        out.reserve(rows.keys.size());
        for (const auto& level : rows.levels) out.insert(out.end(), level.begin(), level.end());
        return out;
    }

    /// The tables to delete from, each after every other table whose rows point at it.
    [[nodiscard]] std::vector<const doomed_rows<B>*> children_first() const {
        std::vector<const doomed_rows<B>*> out;
        for (const model_desc<B>* t : ordered_tables<B>(tables(), [](const model_desc<B>& table, const model_desc<B>& other) {
                 return points_at(other, table);
             }))
            out.push_back(find(*t));
        return out;
    }

    [[nodiscard]] const doomed_rows<B>* find(const model_desc<B>& table) const {
        for (const auto& rows : tables_)
            if (rows.table == &table) return &rows;
        return nullptr;
    }

    doomed_rows<B>& rows_of(const model_desc<B>& table) {
        for (auto& rows : tables_)
            if (rows.table == &table) return rows;
        tables_.push_back({&table, {}, {}});
        return tables_.back();
    }

    session<B>& session_;
    std::size_t depth_limit_;
    std::deque<doomed_rows<B>> tables_;  // a deque: references stay valid as tables are added
    std::vector<reached_children<B>> detached_;
    std::vector<reached_children<B>> blocking_;
};

}  // namespace relate::detail
