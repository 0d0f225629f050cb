#pragma once
// The committer behind every write: a unit of work's staged inserts, updates, junction changes
// and removes, written in one transaction (BEGIN IMMEDIATE). Foreign keys are validated before
// anything is written; inserts run parents first; removes follow the delete policies, children
// first. On any error the transaction rolls back, the objects get their keys back, and the error
// is thrown.

#include <relate/detail/crud.hpp>
#include <relate/detail/delete_plan.hpp>
#include <relate/detail/edge.hpp>
#include <relate/detail/reference_check.hpp>
#include <relate/detail/session.hpp>
#include <relate/detail/table_info.hpp>
#include <relate/error.hpp>
#include <relate/remove_plan.hpp>
#include <relate/sqlite/transaction.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace relate::detail {

using object_set = std::unordered_set<const void*>;

/// A foreign key a write takes from a parent object when the commit writes it (the parent may
/// be inserted by the same unit, so its key is not known before).
template <class M>
struct parent_link {
    std::size_t foreign_key_field;  ///< the field of M that receives the parent's key
    const void* parent;
    void (*assign)(M& child, const void* parent);
    sqlite::value (*parent_key)(const void* parent);
};

template <class M>
sqlite::value key_value_of(const void* object) {
    return to_value(primary_key_of(*static_cast<const M*>(object)));
}

/// The field index of M's column named `column`.
template <class M>
constexpr std::size_t field_of_column(std::string_view column) {
    return model_layout<M>::column_fields[model_layout<M>::find_column(column)];
}

/// The field index of the foreign-key column of belongs_to member I of M.
template <class M, std::size_t I>
inline constexpr std::size_t foreign_key_field = field_of_column<M>(edge<M, I>::foreign_key);

template <class Child, std::size_t Field, class Parent>
void assign_parent_key(Child& child, const void* parent) {
    auto& field = get_field<Field>(child);
    field = static_cast<column_value_t<std::remove_cvref_t<decltype(field)>>>(
        primary_key_of(*static_cast<const Parent*>(parent)));
}

/// Child's field `Field` takes the key of `parent` on commit.
template <class Child, std::size_t Field, class Parent>
parent_link<Child> link_to(const Parent& parent) {
    return {Field, &parent, &assign_parent_key<Child, Field, Parent>, &key_value_of<Parent>};
}

/// One staged insert or update of a model object.
class row_write {
public:
    row_write() = default;
    row_write(const row_write&) = delete;
    row_write& operator=(const row_write&) = delete;
    virtual ~row_write() = default;

    [[nodiscard]] virtual const table_info& table() const = 0;
    [[nodiscard]] virtual const void* object() const = 0;
    [[nodiscard]] virtual bool inserts() const = 0;
    /// The parent objects this write takes foreign keys from.
    [[nodiscard]] virtual std::vector<const void*> parents() const = 0;
    [[nodiscard]] virtual bool has_parents() const = 0;
    /// Remembers what the commit may change in the object (its key, linked foreign keys)...
    virtual void save_state() = 0;
    /// ...and puts it back after a failed commit.
    virtual void restore_state() = 0;
    /// Tells the check every key this write will store, and the key it inserts under.
    virtual void expect_references(reference_check& check, const object_set& pending_inserts) const = 0;
    /// Takes the parents' keys, then inserts or updates the row.
    virtual void write(session& s, const object_set& unwritten_inserts) = 0;
};

template <class M>
class model_write final : public row_write {
    using layout = model_layout<M>;

public:
    model_write(M& object, bool insert) : object_(&object), insert_(insert) {}

    void add_link(const parent_link<M>& link) { links_.push_back(link); }

    [[nodiscard]] const table_info& table() const override { return table_info_of<M>(); }
    [[nodiscard]] const void* object() const override { return object_; }
    [[nodiscard]] bool inserts() const override { return insert_; }
    [[nodiscard]] bool has_parents() const override { return !links_.empty(); }
    [[nodiscard]] std::vector<const void*> parents() const override {
        std::vector<const void*> out;
        for (const auto& link : links_) out.push_back(link.parent);
        return out;
    }

    void save_state() override {
        if (insert_) saved_key_ = primary_key_of(*object_);
        if (!links_.empty()) saved_columns_ = std::make_unique<M>(columns_of(*object_));
    }
    void restore_state() override {
        if (saved_key_) primary_key_of(*object_) = *saved_key_;
        if (saved_columns_) copy_columns(*saved_columns_, *object_);
    }

    void expect_references(reference_check& check, const object_set& pending_inserts) const override {
        if (insert_ && !key_unassigned(*object_)) check.inserting(table(), to_value(primary_key_of(*object_)));
        [&]<std::size_t... R>(std::index_sequence<R...>) {
            (expect_parent<layout::relation_fields[R]>(check, pending_inserts), ...);
        }(std::make_index_sequence<layout::relation_count>{});
    }

    void write(session& s, const object_set& unwritten_inserts) override {
        for (const auto& link : links_) {
            if (unwritten_inserts.contains(link.parent))
                throw validation_error(fmt::format(
                    "relate: {} takes its {} from a parent that is inserted after it: the relate::parent links of "
                    "this unit of work form a cycle",
                    type_name<M>, layout::field_names[link.foreign_key_field]));
            link.assign(*object_, link.parent);
        }
        if (insert_)
            insert_row(s, *object_);
        else
            update_row(s, *object_);
    }

private:
    template <std::size_t I>
    void expect_parent(reference_check& check, const object_set& pending_inserts) const {
        using E = edge<M, I>;
        if constexpr (E::kind == relation_kind::belongs_to) {
            sqlite::value key = to_value(get_field<foreign_key_field<M, I>>(*object_));
            for (const auto& link : links_) {
                if (link.foreign_key_field != foreign_key_field<M, I>) continue;
                if (pending_inserts.contains(link.parent)) return;  // its key exists once the parent is written
                key = link.parent_key(link.parent);
            }
            check.expect(table_info_of<typename E::target>(), type_name<M>, E::foreign_key, reference_role::foreign_key,
                         key);
        }
    }

    static void copy_columns(const M& from, M& to) {
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            ((get_field<layout::column_fields[K]>(to) = get_field<layout::column_fields[K]>(from)), ...);
        }(std::make_index_sequence<layout::column_count>{});
    }
    static M columns_of(const M& object) {
        M out{};
        copy_columns(object, out);
        return out;
    }

    M* object_;
    bool insert_;
    std::vector<parent_link<M>> links_;
    std::optional<typename layout::key_type> saved_key_;
    std::unique_ptr<M> saved_columns_;  ///< on the heap: a unit stages many writes, few with links
};

/// One belongs_to_many relation as the committer writes it, built once per relation: its
/// tables, and the statements that change its junction rows.
struct link_relation {
    const table_info* owner_table;
    table_info_ref target_table;
    std::string_view junction;
    std::string_view target_column;
    const relation_origin* origin;
    std::string connect;          ///< one link; connecting an existing one is a no-op
    std::string clear;            ///< every link of one owner
    std::string disconnect_head;  ///< the target keys go between head and tail
    std::string disconnect_tail;
};

/// The link_relation of belongs_to_many edge E of model M.
template <class M, class E>
const link_relation& link_relation_of() {
    static const link_relation relation = [] {
        const auto table = sql_identifier(E::junction);
        const auto owner = sql_identifier(E::junction_owner_key);
        const auto target = sql_identifier(E::junction_target_key);
        // The pair is the junction's primary key, so an existing link is a conflict to ignore.
        return link_relation{&table_info_of<M>(),
                             &table_info_of<typename E::target>,
                             E::junction,
                             E::junction_target_key,
                             &E::origin,
                             fmt::format("INSERT INTO {} ({}, {}) VALUES (?, ?) ON CONFLICT DO NOTHING", table, owner, target),
                             fmt::format("DELETE FROM {} WHERE {} = ?", table, owner),
                             fmt::format("DELETE FROM {} WHERE {} IN (", table, target),
                             fmt::format(") AND {} = ?", owner)};
    }();
    return relation;
}

/// A staged change to the junction rows of one belongs_to_many relation of one owner object.
struct junction_write {
    enum class kind { connect, disconnect, replace };
    kind what;
    const void* owner;  ///< read when the commit writes: it may be inserted by the same unit
    sqlite::value (*owner_key)(const void*);
    const link_relation* relation;
    std::vector<sqlite::value> keys;
};

/// Rows to remove by key.
struct row_removal {
    const table_info* table;
    std::vector<sqlite::value> keys;
};

/// The delete planner over the staged removals, walked: its policies followed, nothing written.
inline delete_planner plan_removals(session& s, const std::vector<row_removal>& removals) {
    delete_planner planner(s, s.options.cascade_depth_limit);
    for (const auto& removal : removals) planner.add(*removal.table, removal.keys);
    planner.walk();
    return planner;
}

/// Checks the restrict policies, then deletes.
inline void run_removals(session& s, const std::vector<row_removal>& removals) {
    delete_planner planner = plan_removals(s, removals);
    planner.check_restrict();
    planner.execute();
}

class committer {
public:
    explicit committer(session& s) : session_(&s) {}

    /// Stages an insert (key written back on commit) or an update; returns it for parent links.
    template <class M>
    model_write<M>& write(M& object, bool insert) {
        if (insert && inserts_.contains(&object))
            throw error(fmt::format("relate: this {} is already staged for insert in the unit of work", type_name<M>));
        auto staged = std::make_unique<model_write<M>>(object, insert);
        model_write<M>& out = *staged;
        writes_.push_back(std::move(staged));
        if (insert) inserts_.insert(&object);
        return out;
    }

    template <class M>
    void remove(const M& object) {
        remove_keys<M>({to_value(primary_key_of(object))});
    }
    /// Removes the rows with these keys, as a bulk remove does.
    template <class M>
    void remove_keys(std::vector<sqlite::value> keys) {
        removals_.push_back({&table_info_of<M>(), std::move(keys)});
        run_removals_ = &run_removals;
    }

    void change_links(junction_write change) { junctions_.push_back(std::move(change)); }
    /// Runs after a successful commit (to mark relations whose rows changed as not loaded).
    void after_commit(std::function<void()> action) { after_commit_.push_back(std::move(action)); }

    /// Writes everything staged in one transaction, or nothing. The staged work is spent either way.
    void commit() {
        auto writes = std::move(writes_);
        object_set unwritten = std::move(inserts_);
        auto junctions = std::move(junctions_);
        auto removals = std::move(removals_);
        auto after = std::move(after_commit_);
        writes_.clear();
        inserts_.clear();
        junctions_.clear();
        removals_.clear();
        after_commit_.clear();
        if (writes.empty() && junctions.empty() && removals.empty()) return;

        for (auto& w : writes) w->save_state();
        try {
            sqlite::transaction tx(session_->conn, sqlite::transaction_mode::immediate);
            validate(writes, junctions, removals, unwritten);
            for (row_write* w : parents_first(writes)) {
                w->write(*session_, unwritten);
                if (w->inserts()) unwritten.erase(w->object());
            }
            write_links(junctions);
            if (!removals.empty()) run_removals_(*session_, removals);
            tx.commit();
        } catch (...) {
            for (auto& w : writes) w->restore_state();
            throw;
        }
        for (auto& action : after) action();
    }

    /// What the staged removes would do, read in a transaction that is rolled back.
    remove_plan plan() {
        sqlite::transaction snapshot(session_->conn);
        delete_planner planner = plan_removals(*session_, removals_);
        planner.require_rows();
        return planner.summary();
    }

private:
    void validate(const std::vector<std::unique_ptr<row_write>>& writes, const std::vector<junction_write>& junctions,
                  const std::vector<row_removal>& removals, const object_set& pending_inserts) {
        reference_check check;
        for (const auto& removal : removals)
            for (const auto& key : removal.keys) check.removing(*removal.table, key);
        for (const auto& w : writes) w->expect_references(check, pending_inserts);
        for (const auto& change : junctions) {
            const link_relation& r = *change.relation;
            if (!pending_inserts.contains(change.owner))
                check.expect(*r.owner_table, r.origin->owner, r.origin->member, reference_role::link_owner,
                             change.owner_key(change.owner));
            if (change.what == junction_write::kind::disconnect) continue;
            for (const auto& key : change.keys)
                check.expect(r.target_table(), r.origin->owner, r.origin->member, reference_role::link_target, key);
        }
        check.verify(*session_);
    }

    /// Writes ordered so that every parent is written before its children: tables by their
    /// belongs_to declarations, then objects by their relate::parent links.
    static std::vector<row_write*> parents_first(const std::vector<std::unique_ptr<row_write>>& writes) {
        std::vector<const table_info*> tables;
        for (const auto& w : writes)
            if (std::find(tables.begin(), tables.end(), &w->table()) == tables.end()) tables.push_back(&w->table());
        const std::vector<const table_info*> table_order = ordered_tables(tables, declares_parent);

        std::vector<row_write*> by_table;
        by_table.reserve(writes.size());
        for (const table_info* t : table_order)
            for (const auto& w : writes)
                if (&w->table() == t) by_table.push_back(w.get());
        if (std::none_of(by_table.begin(), by_table.end(), [](const row_write* w) { return w->has_parents(); }))
            return by_table;

        std::unordered_map<const void*, row_write*> inserting;
        for (row_write* w : by_table)
            if (w->inserts()) inserting.emplace(w->object(), w);
        std::vector<row_write*> out;
        std::unordered_set<row_write*> placed;
        const auto place = [&](auto& self, row_write* w) -> void {
            if (!placed.insert(w).second) return;
            for (const void* parent : w->parents())
                if (auto it = inserting.find(parent); it != inserting.end()) self(self, it->second);
            out.push_back(w);
        };
        for (row_write* w : by_table) place(place, w);
        return out;
    }

    /// Writes the junction changes in the order staged. Consecutive connects through the same
    /// relation share one statement, rebound per link.
    void write_links(const std::vector<junction_write>& changes) {
        std::optional<sqlite::statement_lease> connect;
        const link_relation* connecting = nullptr;
        for (const auto& change : changes) {
            const link_relation& r = *change.relation;
            const sqlite::value owner = change.owner_key(change.owner);
            if (change.what == junction_write::kind::replace) {
                auto st = session_->conn.prepare(r.clear);
                st->bind_value(1, owner);
                st->step();
            }
            if (change.what == junction_write::kind::disconnect) {
                run_in_chunks(
                    *session_, change.keys, 1, column_context{r.junction, r.target_column},
                    [&](std::size_t n) {
                        return sql_statement{r.disconnect_head + placeholder_list(n) + r.disconnect_tail, {owner}};
                    },
                    [](const sqlite::statement&) {});
                continue;
            }
            if (connecting != &r) {
                connect.reset();  // gives the last relation's statement back first
                connect.emplace(session_->conn.prepare(r.connect));
                connecting = &r;
            }
            for (const auto& key : change.keys) {
                (*connect)->bind_value(1, owner);
                (*connect)->bind_value(2, key);
                (*connect)->step();
                (*connect)->reset();
            }
        }
    }

    session* session_;
    std::vector<std::unique_ptr<row_write>> writes_;
    object_set inserts_;  ///< the objects of writes_ staged for insert
    std::vector<junction_write> junctions_;
    std::vector<row_removal> removals_;
    /// Set by staging a removal: a translation unit that never removes does not compile the planner.
    void (*run_removals_)(session&, const std::vector<row_removal>&) = nullptr;
    std::vector<std::function<void()>> after_commit_;
};

}  // namespace relate::detail
