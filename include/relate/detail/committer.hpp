#pragma once
// The committer behind every write: a unit of work's staged inserts, updates, junction changes
// and removes, written in one transaction (BEGIN IMMEDIATE). Foreign keys are validated before
// anything is written; inserts run parents first; removes follow the delete policies, children
// first. On any error the transaction rolls back, the objects get their keys back, and the error
// is thrown.

#include <relate/detail/delete_plan.hpp>
#include <relate/detail/edge.hpp>
#include <relate/detail/key_check.hpp>
#include <relate/detail/pointer_set.hpp>
#include <relate/detail/reference_check.hpp>
#include <relate/detail/session.hpp>
#include <relate/detail/table_info.hpp>
#include <relate/detail/write_batch.hpp>
#include <relate/error.hpp>
#include <relate/remove_plan.hpp>
#include <relate/sqlite/transaction.hpp>

#include <relate/detail/text.hpp>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace relate::detail {

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
                             detail::format("INSERT INTO {} ({}, {}) VALUES (?, ?) ON CONFLICT DO NOTHING", table, owner, target),
                             detail::format("DELETE FROM {} WHERE {} = ?", table, owner),
                             detail::format("DELETE FROM {} WHERE {} IN (", table, target),
                             detail::format(") AND {} = ?", owner)};
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
    std::size_t first_key = 0;  ///< its keys: link_keys[first_key, first_key + key_count)
    std::size_t key_count = 0;
};

/// The staged junction changes, their keys in one array (a unit may stage a connect per row).
struct junction_writes {
    std::vector<junction_write> changes;
    std::vector<sqlite::value> link_keys;

    [[nodiscard]] std::span<const sqlite::value> keys_of(const junction_write& change) const {
        return std::span<const sqlite::value>(link_keys).subspan(change.first_key, change.key_count);
    }
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

    /// Stages an insert (key written back on commit) or an update, maybe taking a foreign key
    /// from a parent object.
    template <class M>
    void write(M& object, bool insert, const std::optional<parent_link>& link = std::nullopt) {
        if (insert && !inserts_.insert(&object))
            throw error(detail::format("relate: this {} is already staged for insert in the unit of work", type_name<M>));
        batch_of<M>().add(object, insert, link);
    }

    /// Stages the removal of the object's row. An object the unit inserts is not written at all:
    /// the remove cancels its insert, its updates and its link changes.
    template <class M>
    void remove(const M& object) {
        using L = model_layout<M>;
        if (inserts_.erase(&object)) return cancel_insert(table_info_of<M>(), &object);
        remove_keys(table_info_of<M>(), {to_value(primary_key_of(object), {L::table, L::primary_key_name})});
    }
    /// Removes the rows of `table` with these keys, as a bulk remove does.
    void remove_keys(const table_info& table, std::vector<sqlite::value> keys) {
        removals_.push_back({&table, std::move(keys)});
        run_removals_ = &run_removals;
    }

    /// Stages a junction change with these target keys.
    template <class K>
    void change_links(junction_write change, const std::vector<K>& keys) {
        change.first_key = junctions_.link_keys.size();
        change.key_count = keys.size();
        for (const K& key : keys) junctions_.link_keys.push_back(to_value(key));
        junctions_.changes.push_back(change);
    }
    /// Runs after a successful commit (to mark relations whose rows changed as not loaded).
    void after_commit(std::function<void()> action) { after_commit_.push_back(std::move(action)); }

    /// Writes everything staged in one transaction, or nothing. The staged work is spent either way.
    /// `enclosing`: the transaction relate opened around this commit, which rolls back on error;
    /// the commit then opens no savepoint of its own (in WAL mode a savepoint copies every page
    /// the commit changes to a statement journal).
    void commit(const sqlite::transaction* enclosing = nullptr) {
        auto batches = std::move(batches_);
        const pointer_set pending = std::move(inserts_);
        auto junctions = std::move(junctions_);
        auto removals = std::move(removals_);
        auto after = std::move(after_commit_);
        batches_.clear();
        inserts_ = {};
        junctions_ = {};
        removals_.clear();
        after_commit_.clear();
        if (batches.empty() && junctions.changes.empty() && removals.empty()) return;

        for (auto& b : batches) b->save_state();
        try {
            std::optional<sqlite::transaction> tx;
            if (enclosing == nullptr) tx.emplace(session_->conn, sqlite::transaction_mode::immediate);
            for (const auto& b : batches) require_key_behaviour(*session_, b->table());
            // Rows the unit inserts may name each other in a cycle (A names B, B names A): SQLite
            // then checks foreign keys at COMMIT, once both are written. Validation has checked them.
            if (validate(batches, junctions, removals, pending)) session_->conn.control("PRAGMA defer_foreign_keys = ON");
            write_rows(in_table_order(batches), pending);
            write_links(junctions);
            if (!removals.empty()) run_removals_(*session_, removals);
            if (tx) tx->commit();
        } catch (...) {
            for (auto& b : batches) b->restore_state();
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
    using batch_list = std::vector<std::unique_ptr<write_batch>>;

    /// The batch of M's writes, made on its first write.
    template <class M>
    model_batch<M>& batch_of() {
        write_batch* found = find_batch(table_info_of<M>());
        if (found == nullptr) found = batches_.emplace_back(std::make_unique<model_batch<M>>()).get();
        return static_cast<model_batch<M>&>(*found);
    }

    void cancel_insert(const table_info& table, const void* object) {
        if (write_batch* b = find_batch(table)) b->cancel(object);
        std::erase_if(junctions_.changes, [&](const junction_write& change) { return change.owner == object; });
    }

    write_batch* find_batch(const table_info& table) {
        // A unit stages many rows of one model in a row: the last batch used is the likely one.
        if (last_batch_ < batches_.size() && &batches_[last_batch_]->table() == &table) return batches_[last_batch_].get();
        for (last_batch_ = 0; last_batch_ < batches_.size(); ++last_batch_)
            if (&batches_[last_batch_]->table() == &table) return batches_[last_batch_].get();
        return nullptr;
    }

    /// Throws relate::validation_error for a key that names no row; returns whether some key
    /// names a row the unit inserts.
    bool validate(const batch_list& batches, const junction_writes& junctions, const std::vector<row_removal>& removals,
                  const pointer_set& pending_inserts) {
        reference_check check;
        for (const auto& removal : removals)
            for (const auto& key : removal.keys) check.removing(*removal.table, key);
        for (const auto& b : batches) b->expect_references(check, pending_inserts);
        for (const auto& change : junctions.changes) {
            const link_relation& r = *change.relation;
            if (!pending_inserts.contains(change.owner))
                check.expect(*r.owner_table, r.origin->owner, r.origin->member, reference_role::link_owner,
                             change.owner_key(change.owner));
            if (change.what == junction_write::kind::disconnect) continue;
            for (const auto& key : junctions.keys_of(change))
                check.expect(r.target_table(), r.origin->owner, r.origin->member, reference_role::link_target, key);
        }
        // Inserted keys matter only where a key must name a row: a unit inserting 100,000 rows
        // nothing refers to records none of them.
        for (const auto& b : batches)
            if (check.references(b->table())) b->report_inserts(check);
        check.verify(*session_);
        return check.names_inserted_rows();
    }

    /// The batches ordered so that every parent table is written before its children, by their
    /// belongs_to declarations.
    static std::vector<write_batch*> in_table_order(const batch_list& batches) {
        std::vector<const table_info*> tables;
        for (const auto& b : batches) tables.push_back(&b->table());
        std::vector<write_batch*> out;
        out.reserve(batches.size());
        for (const table_info* t : ordered_tables(tables, declares_parent))
            for (const auto& b : batches)
                if (&b->table() == t) out.push_back(b.get());
        return out;
    }

    /// Writes the rows, batch by batch in table order; when rows take keys from parent objects
    /// (relate::parent links), row by row so each parent object is written before its children.
    void write_rows(const std::vector<write_batch*>& batches, const pointer_set& pending_inserts) {
        if (std::none_of(batches.begin(), batches.end(), [](const write_batch* b) { return b->has_links(); })) {
            for (write_batch* b : batches) b->write_all(*session_);
            return;
        }
        object_set unwritten;  // the linked parents the unit inserts, until written
        for (const write_batch* b : batches)
            for (std::size_t i = 0; i < b->size(); ++i)
                if (const void* parent = b->parent(i); parent != nullptr && pending_inserts.contains(parent))
                    unwritten.insert(parent);
        for (const write_ref& w : parents_first(batches)) {
            w.batch->write(*session_, w.row, unwritten);
            if (w.batch->inserts(w.row)) unwritten.erase(w.batch->object(w.row));
        }
    }

    struct write_ref {
        write_batch* batch;
        std::size_t row;
        std::size_t number;  ///< its place among the rows of every batch, in table order
    };

    /// Every row, each after the row of the parent object it takes a key from. A row takes a key
    /// from one parent at most, so each row starts a chain up to a placed row; walked iteratively,
    /// as a chain may be as long as the unit (100,000 rows each linked to the one before).
    static std::vector<write_ref> parents_first(const std::vector<write_batch*>& batches) {
        std::vector<write_ref> rows;
        for (write_batch* b : batches)
            for (std::size_t i = 0; i < b->size(); ++i) rows.push_back({b, i, rows.size()});
        std::unordered_map<const void*, const write_ref*> inserting;
        for (const write_ref& w : rows)
            if (w.batch->inserts(w.row)) inserting.emplace(w.batch->object(w.row), &w);

        std::vector<write_ref> out;
        out.reserve(rows.size());
        std::vector<char> placed(rows.size());
        std::vector<const write_ref*> chain;  // a row, then the row of its parent, of that one's ...
        for (const write_ref& w : rows) {
            // Marked before its parent is looked at, so a cycle of links ends (and fails in write()).
            for (const write_ref* at = &w; at != nullptr && placed[at->number] == 0;) {
                placed[at->number] = 1;
                chain.push_back(at);
                const auto parent = inserting.find(at->batch->parent(at->row));
                at = parent == inserting.end() ? nullptr : parent->second;
            }
            for (auto row = chain.rbegin(); row != chain.rend(); ++row) out.push_back(**row);
            chain.clear();
        }
        return out;
    }

    /// Writes the junction changes in the order staged. Consecutive connects through the same
    /// relation share one statement, rebound per link.
    void write_links(const junction_writes& junctions) {
        std::optional<sqlite::statement_lease> connect;
        const link_relation* connecting = nullptr;
        for (const auto& change : junctions.changes) {
            const link_relation& r = *change.relation;
            const sqlite::value owner = change.owner_key(change.owner);
            const std::span<const sqlite::value> keys = junctions.keys_of(change);
            if (change.what == junction_write::kind::replace) {
                auto st = session_->conn.prepare(r.clear);
                st->bind_value(1, owner);
                st->step();
            }
            if (change.what == junction_write::kind::disconnect) {
                run_in_chunks(
                    *session_, std::vector<sqlite::value>(keys.begin(), keys.end()), 1,
                    column_context{r.junction, r.target_column},
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
            for (const auto& key : keys) {
                (*connect)->bind_value(1, owner);
                (*connect)->bind_value(2, key);
                (*connect)->step();
                (*connect)->reset();
            }
        }
    }

    session* session_;
    batch_list batches_;
    std::size_t last_batch_ = 0;  ///< the batch batch_of found last
    pointer_set inserts_;         ///< the objects staged for insert
    junction_writes junctions_;
    std::vector<row_removal> removals_;
    /// Set by staging a removal: a translation unit that never removes does not compile the planner.
    void (*run_removals_)(session&, const std::vector<row_removal>&) = nullptr;
    std::vector<std::function<void()>> after_commit_;
};

/// A write that database::insert, update and remove commit on its own: it stages itself into
/// the committer that commit_one builds.
using staged_write = void (*)(committer&, void* object);

template <class M>
void stage_insert(committer& c, void* object) {
    c.write(*static_cast<M*>(object), true);
}
template <class M>
void stage_update(committer& c, void* object) {
    c.write(*static_cast<M*>(object), false);
}
template <class M>
void stage_remove(committer& c, void* object) {
    c.remove(*static_cast<const M*>(object));
}

/// Commits one write in a unit of its own. The committer is built, committed and destroyed here,
/// in code shared by every model, not inlined into each model's insert, update and remove.
inline void commit_one(session& s, staged_write stage, void* object) {
    committer c(s);
    stage(c, object);
    c.commit();
}

}  // namespace relate::detail
