#pragma once
// Foreign-key validation before a commit writes: every key a unit of work stores must name a row
// that exists and is not being removed, or a row the same unit inserts. Checked in batches: one
// statement per referenced table, whatever the number of rows.

#include <relate/detail/core/key_index.hpp>
#include <relate/detail/loading/keyed.hpp>
#include <relate/detail/model/model_desc.hpp>
#include <relate/detail/session.hpp>
#include <relate/detail/core/text.hpp>
#include <relate/detail/writing/engine_checks.hpp>
#include <relate/error.hpp>

#include <algorithm>
#include <unordered_set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace relate::detail {

/// Where the keys of a group come from, for the message when one names nothing.
enum class reference_role {
    foreign_key,  ///< model.field is a belongs_to foreign key
    link_target,  ///< connect() of model::field (a belongs_to_many) to rows of the target
    link_owner,   ///< connect() from a model::field owner that must exist
};

using key_set = std::unordered_set<sqlite::value, value_hash>;

/// Where a key is stored: a foreign-key column, or a junction's key column.
struct key_column {
    std::string_view table;
    std::string_view column;
};

/// The keys that name a row of the model's table: one statement per chunk of keys.
template <class B>
key_set existing_keys(session<B>& s, const model_desc<B>& m, const std::vector<sqlite::value>& keys) {
    key_set found;
    const std::string key = sql_identifier(m.key_column().name);
    for_keys<B>(s, m.table, keys, detail::format("SELECT {} FROM {} WHERE {} ", key, sql_identifier(m.table), key),
                [&](const typename B::statement& st) { found.insert(st.column_value(0)); });
    return found;
}

template <class B>
class reference_check {
public:
    /// `engine`: the foreign keys SQLite checks itself, left to it; nullptr checks every key here.
    explicit reference_check(engine_checks<B>* engine = nullptr) : engine_(engine) {}

    /// The unit inserts rows of `table`. Keys naming its rows stay checked here, whatever SQLite
    /// checks: one may name a row the unit writes after it (names_inserted_rows).
    void inserts_into(const model_desc<B>& table) { inserted_tables_.push_back(&table); }

    /// `value`, stored in `stored_in`, must name a row of `target` when the commit writes.
    void expect(const model_desc<B>& target, std::string_view model, std::string_view field, reference_role role,
                const sqlite::value& value, key_column stored_in) {
        if (std::holds_alternative<std::nullptr_t>(value)) return;
        group& g = group_of(target, model, field, role, stored_in);
        if (g.left_to_engine) return;
        if (g.seen.insert(value).second) g.values.push_back(value);
    }

    /// Whether some keys were left to SQLite: a foreign-key failure then needs them checked here
    /// to say which key names nothing.
    [[nodiscard]] bool leaves_keys_to_engine() const {
        return std::any_of(groups_.begin(), groups_.end(), [](const group& g) { return g.left_to_engine; });
    }

    /// Whether some expected key names a row of `table`: only then do its inserts matter.
    [[nodiscard]] bool references(const model_desc<B>& table) const {
        return std::any_of(groups_.begin(), groups_.end(), [&](const group& g) { return g.target == &table; });
    }

    /// The unit inserts a row of `table` with this key.
    void inserting(const model_desc<B>& table, const sqlite::value& key) { keys_of(inserted_, table).insert(key); }
    /// The unit removes the row of `table` with this key.
    void removing(const model_desc<B>& table, const sqlite::value& key) { keys_of(removed_, table).insert(key); }

    /// Throws relate::validation_error for the first key that names no row.
    void verify(session<B>& s) {
        std::vector<const model_desc<B>*> targets;
        for (const auto& g : groups_)
            if (std::find(targets.begin(), targets.end(), g.target) == targets.end()) targets.push_back(g.target);
        for (const model_desc<B>* target : targets) {
            const key_set existing = existing_rows(s, *target);
            for (const auto& g : groups_)
                if (g.target == target)
                    for (const auto& value : g.values) check(g, value, existing);
        }
    }

    /// Whether some key names a row the unit inserts: the unit may then insert a row before the
    /// row it names (a cycle of explicit keys), so SQLite must check foreign keys at COMMIT.
    [[nodiscard]] bool names_inserted_rows() const noexcept { return names_inserted_rows_; }

private:
    struct group {
        const model_desc<B>* target;
        std::string_view model;
        std::string_view field;
        reference_role role;
        bool left_to_engine;  ///< SQLite checks these keys itself: none is collected
        std::vector<sqlite::value> values;
        key_set seen;
    };
    struct table_keys {
        const model_desc<B>* table;
        key_set keys;
    };

    group& group_of(const model_desc<B>& target, std::string_view model, std::string_view field, reference_role role,
                    key_column stored_in) {
        // The names come from the same constants each time: equal pointers spare the compare.
        const auto same = [](std::string_view a, std::string_view b) {
            return (a.data() == b.data() && a.size() == b.size()) || a == b;
        };
        const auto is = [&](const group& g) {
            return g.target == &target && g.role == role && same(g.model, model) && same(g.field, field);
        };
        // A unit stages many rows of one kind in a row: the last group used is the likely one.
        if (last_ < groups_.size() && is(groups_[last_])) return groups_[last_];
        for (last_ = 0; last_ < groups_.size(); ++last_)
            if (is(groups_[last_])) return groups_[last_];
        groups_.push_back({&target, model, field, role, left_to_engine(target, stored_in), {}, {}});
        return groups_.back();
    }

    /// Keys naming rows the unit inserts or removes are always checked here: SQLite would accept
    /// a key of a row removed later in the unit, and could not say which rows form a cycle.
    bool left_to_engine(const model_desc<B>& target, key_column stored_in) const {
        const auto is_target = [&](const auto& entry) { return entry == &target; };
        return engine_ != nullptr && std::none_of(inserted_tables_.begin(), inserted_tables_.end(), is_target) &&
               std::none_of(removed_.begin(), removed_.end(), [&](const table_keys& t) { return t.table == &target; }) &&
               engine_->enforces(stored_in.table, stored_in.column, target);
    }

    static key_set& keys_of(std::vector<table_keys>& all, const model_desc<B>& table) {
        for (auto& entry : all)
            if (entry.table == &table) return entry.keys;
        all.push_back({&table, {}});
        return all.back().keys;
    }

    static bool contains(const std::vector<table_keys>& all, const model_desc<B>& table, const sqlite::value& key) {
        for (const auto& entry : all)
            if (entry.table == &table) return entry.keys.contains(key);
        return false;
    }

    /// The keys of every group on `target` that exist in the database: one statement per chunk.
    key_set existing_rows(session<B>& s, const model_desc<B>& target) const {
        std::vector<sqlite::value> keys;
        key_set distinct;
        for (const auto& g : groups_)
            if (g.target == &target)
                for (const auto& value : g.values)
                    if (!contains(inserted_, target, value) && distinct.insert(value).second) keys.push_back(value);
        return existing_keys(s, target, keys);
    }

    void check(const group& g, const sqlite::value& value, const key_set& existing) {
        if (contains(inserted_, *g.target, value)) {
            names_inserted_rows_ = true;
            return;
        }
        const bool removed = contains(removed_, *g.target, value);
        if (existing.contains(value) && !removed) return;
        const std::string why = removed ? detail::format("the {} with {} = {} is removed by the same unit of work",
                                                      g.target->model, g.target->key_column().name, describe(value))
                                        : detail::format("no row of {} has {} = {}", g.target->table,
                                                      g.target->key_column().name, describe(value));
        switch (g.role) {
            case reference_role::foreign_key:
                throw validation_error(detail::format("relate: {}.{} = {} names no {}: {}", g.model, g.field,
                                                   describe(value), g.target->model, why));
            case reference_role::link_target:
                throw validation_error(detail::format("relate: cannot connect {}::{} to {} {} = {}: {}", g.model, g.field,
                                                   g.target->model, g.target->key_column().name, describe(value), why));
            case reference_role::link_owner:
                throw validation_error(detail::format("relate: cannot change the links of {}::{} of {} {} = {}: {}",
                                                   g.model, g.field, g.target->model, g.target->key_column().name,
                                                   describe(value), why));
        }
    }

    engine_checks<B>* engine_;
    std::vector<const model_desc<B>*> inserted_tables_;
    std::vector<group> groups_;
    std::size_t last_ = 0;  ///< the group group_of found last
    std::vector<table_keys> inserted_;
    std::vector<table_keys> removed_;
    bool names_inserted_rows_ = false;
};

}  // namespace relate::detail
