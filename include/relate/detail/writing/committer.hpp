#pragma once
// The committer behind every write: a unit of work's staged inserts, updates, junction changes
// and removes, written in one transaction (BEGIN IMMEDIATE). Foreign keys are validated before
// anything is written; inserts run parents first; removes follow the delete policies, children
// first. On any error the transaction rolls back, the objects get their keys back, and the error
// is thrown.

#include <relate/detail/core/pointer_set.hpp>
#include <relate/detail/core/run_again.hpp>
#include <relate/detail/loading/keyed.hpp>
#include <relate/detail/model/model_desc.hpp>
#include <relate/detail/session.hpp>
#include <relate/detail/sql/sql_literal.hpp>
#include <relate/detail/core/text.hpp>
#include <relate/detail/writing/database_policies.hpp>
#include <relate/detail/writing/delete_planner.hpp>
#include <relate/detail/writing/key_check.hpp>
#include <relate/detail/writing/reference_check.hpp>
#include <relate/detail/writing/write_batch.hpp>
#include <relate/error.hpp>
#include <relate/remove_plan.hpp>

#include <algorithm>
#include <optional>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

namespace relate::detail {

/// A staged change to the junction rows of one belongs_to_many relation of one owner object.
template <class B>
struct junction_write {
    enum class kind { connect, disconnect, replace, update_pivot };
    kind what;
    const void* owner;  ///< read when the commit writes: it may be inserted by the same unit
    const model_desc<B>* owner_model;
    const relation_desc<B>* relation;
    /// Values per link: the target key, then (through a pivot struct, but for a disconnect) the
    /// pivot's other columns.
    std::size_t stride = 1;
    std::size_t first_key = 0;  ///< its values: link_keys[first_key, first_key + link_count * stride)
    std::size_t link_count = 0;

    [[nodiscard]] std::size_t key_at(std::size_t link) const noexcept { return first_key + link * stride; }
};

/// A relation whose contents a write made stale: marked not loaded after the commit.
struct stale_relation {
    void* relation;
    const relation_ops* ops;
    const relation_origin* origin;
};

/// Rows to remove by key.
template <class B>
struct row_removal {
    const model_desc<B>* model;
    std::vector<sqlite::value> keys;
};

template <class B>
class committer {
public:
    explicit committer(session<B>& s) : session_(&s) {}

    /// Stages an insert (key written back on commit) or an update, maybe taking a foreign key
    /// from a parent object.
    void write(const model_desc<B>& m, void* object, bool insert, const std::optional<parent_link<B>>& link = {}) {
        if (insert) claim_insert(m, object);
        batch_of(m).add(object, insert, link);
    }

    /// Stages an upsert: an insert, or the update of the row holding the same `conflict` values.
    void upsert(const model_desc<B>& m, void* object, std::span<const std::size_t> conflict) {
        claim_insert(m, object);
        batch_of(m).add_upsert(object, conflict);
    }

    /// Stages the removal of the object's row. An object the unit inserts is not written at all:
    /// the remove cancels its insert, its updates and its link changes.
    void remove(const model_desc<B>& m, const void* object) {
        if (inserts_.erase(object)) {
            if (write_batch<B>* b = find_batch(m)) b->cancel(object);
            std::erase_if(junctions_, [&](const junction_write<B>& change) { return change.owner == object; });
            return;
        }
        remove_keys(m, {m.key_value(object)});
    }
    /// Removes the rows of the model with these keys, as a bulk remove does.
    void remove_keys(const model_desc<B>& m, std::vector<sqlite::value> keys) {
        removals_.push_back({&m, std::move(keys)});
    }

    /// Stages a junction change with these values (change.stride per link).
    void change_links(junction_write<B> change, std::vector<sqlite::value> values) {
        change.first_key = link_keys_.size();
        change.link_count = values.size() / change.stride;
        for (auto& value : values) link_keys_.push_back(std::move(value));
        junctions_.push_back(change);
    }
    /// A relation to mark not loaded after a successful commit.
    void forget_after(stale_relation stale) { stale_.push_back(stale); }

    /// Writes everything staged in one transaction, or nothing. The staged work is spent either way.
    /// `enclosing`: the transaction relate opened around this commit, which rolls back on error;
    /// the commit then opens no savepoint of its own (in WAL mode a savepoint copies every page
    /// the commit changes to a statement journal).
    void commit(const typename B::transaction* enclosing = nullptr) {
        auto batches = std::move(batches_);
        const pointer_set pending = std::move(inserts_);
        auto junctions = std::move(junctions_);
        auto link_keys = std::move(link_keys_);
        auto removals = std::move(removals_);
        auto stale = std::move(stale_);
        batches_.clear();
        inserts_ = {};
        junctions_.clear();
        link_keys_.clear();
        removals_.clear();
        stale_.clear();
        if (batches.empty() && junctions.empty() && removals.empty()) return;

        for (auto& b : batches) b.save_state();
        bool left_to_engine = false;
        bool written_once = false;
        const auto write = [&] {
            // Run again after a stale refusal (core/run_again.hpp): from the objects as they were.
            if (std::exchange(written_once, true))
                for (auto& b : batches) b.restore_state();
            std::optional<typename B::transaction> tx;
            if (enclosing == nullptr) tx.emplace(session_->conn, B::transaction_mode::immediate);
            for (const auto& b : batches) require_key_behaviour(*session_, b.model());
            engine_checks<B> engine(*session_);
            reference_check<B> check(&engine);
            validate(check, batches, junctions, link_keys, removals, pending);
            left_to_engine = check.leaves_keys_to_engine();
            // Rows the unit inserts may name each other in a cycle (A names B, B names A): SQLite
            // then checks foreign keys at COMMIT, once both are written. Validation has checked them.
            if (check.names_inserted_rows()) B::defer_foreign_keys(session_->conn);
            write_rows(in_table_order(batches), pending);
            write_links(junctions, link_keys);
            if (!removals.empty()) {
                delete_planner<B> planner = planned_removals(removals);
                if (database_applies_policies(*session_, planner.tables())) {
                    planner.delete_added_rows();
                } else {
                    planner.walk();
                    planner.check_restrict();
                    planner.execute();
                }
            }
            if (tx) tx->commit();
        };
        try {
            // `enclosing` is open on this connection: a unit inside it is not run again.
            run_again_if_stale(*session_, write);
        } catch (const sql_error& e) {
            for (auto& b : batches) b.restore_state();
            // SQLite refused a key relate left to it: check every key as before the writes (the
            // transaction is rolled back) for the error that names the model, field and value.
            if (left_to_engine && B::is_foreign_key_violation(e)) {
                reference_check<B> check;
                validate(check, batches, junctions, link_keys, removals, pending);
            }
            throw;
        } catch (...) {
            for (auto& b : batches) b.restore_state();
            throw;
        }
        for (const stale_relation& s : stale) s.ops->unload(s.relation, s.origin);
    }

    /// What the staged removes would do, read in a transaction that is rolled back.
    remove_plan plan() {
        typename B::transaction snapshot(session_->conn);
        delete_planner<B> planner = planned_removals(removals_);
        planner.walk();
        planner.require_rows();
        return planner.summary();
    }

private:
    /// An object is inserted once per unit.
    void claim_insert(const model_desc<B>& m, const void* object) {
        if (!inserts_.insert(object))
            throw error(detail::format("relate: this {} is already staged for insert in the unit of work", m.model));
    }

    /// The batch of the model's writes, made on its first write.
    write_batch<B>& batch_of(const model_desc<B>& m) {
        if (write_batch<B>* found = find_batch(m)) return *found;
        last_batch_ = batches_.size();
        return batches_.emplace_back(m);
    }

    write_batch<B>* find_batch(const model_desc<B>& m) {
        // A unit stages many rows of one model in a row: the last batch used is the likely one.
        if (last_batch_ < batches_.size() && &batches_[last_batch_].model() == &m) return &batches_[last_batch_];
        for (last_batch_ = 0; last_batch_ < batches_.size(); ++last_batch_)
            if (&batches_[last_batch_].model() == &m) return &batches_[last_batch_];
        return nullptr;
    }

    /// The delete planner over the staged removals, not walked yet.
    delete_planner<B> planned_removals(const std::vector<row_removal<B>>& removals) {
        delete_planner<B> planner(*session_, session_->options.cascade_depth_limit);
        for (const auto& removal : removals) planner.add(*removal.model, removal.keys);
        return planner;
    }

    /// Throws relate::validation_error for a key that names no row, of those `check` does not
    /// leave to SQLite.
    void validate(reference_check<B>& check, const std::vector<write_batch<B>>& batches,
                  const std::vector<junction_write<B>>& junctions, const std::vector<sqlite::value>& link_keys,
                  const std::vector<row_removal<B>>& removals, const pointer_set& pending_inserts) {
        for (const auto& removal : removals)
            for (const auto& key : removal.keys) check.removing(*removal.model, key);
        for (const auto& b : batches)
            if (b.inserts_any()) check.inserts_into(b.model());
        for (const auto& b : batches) b.expect_references(check, pending_inserts);
        for (const auto& change : junctions) {
            const relation_desc<B>& r = *change.relation;
            if (!pending_inserts.contains(change.owner))
                check.expect(*change.owner_model, r.origin->owner, r.origin->member, reference_role::link_owner,
                             change.owner_model->key_value(change.owner), {r.junction, r.junction_owner_key});
            if (change.what == junction_write<B>::kind::disconnect) continue;
            for (std::size_t k = 0; k < change.link_count; ++k)
                check.expect(r.target(), r.origin->owner, r.origin->member, reference_role::link_target,
                             link_keys[change.key_at(k)], {r.junction, r.junction_target_key});
        }
        // Inserted keys matter only where a key must name a row: a unit inserting 100,000 rows
        // nothing refers to records none of them.
        for (const auto& b : batches)
            if (check.references(b.model())) b.report_inserts(check);
        check.verify(*session_);
    }

    /// The batches ordered so that every parent table is written before its children, by their
    /// belongs_to declarations.
    static std::vector<write_batch<B>*> in_table_order(std::vector<write_batch<B>>& batches) {
        std::vector<const model_desc<B>*> tables;
        for (const auto& b : batches) tables.push_back(&b.model());
        std::vector<write_batch<B>*> out;
        out.reserve(batches.size());
        for (const model_desc<B>* t : ordered_tables<B>(tables, declares_parent<B>))
            for (auto& b : batches)
                if (&b.model() == t) out.push_back(&b);
        return out;
    }

    /// Writes the rows, batch by batch in table order; when rows take keys from parent objects
    /// (relate::parent links), row by row so each parent object is written before its children.
    void write_rows(const std::vector<write_batch<B>*>& batches, const pointer_set& pending_inserts) {
        if (std::none_of(batches.begin(), batches.end(), [](const write_batch<B>* b) { return b->has_links(); })) {
            for (write_batch<B>* b : batches) b->write_all(*session_);
            return;
        }
        object_set unwritten;  // the linked parents the unit inserts, until written
        for (const write_batch<B>* b : batches)
            for (std::size_t i = 0; i < b->size(); ++i)
                if (const void* parent = b->parent(i); parent != nullptr && pending_inserts.contains(parent))
                    unwritten.insert(parent);
        for (const write_ref& w : parents_first(batches)) {
            w.batch->write(*session_, w.row, unwritten);
            if (w.batch->inserts(w.row)) unwritten.erase(w.batch->object(w.row));
        }
    }

    struct write_ref {
        write_batch<B>* batch;
        std::size_t row;
        std::size_t number;  ///< its place among the rows of every batch, in table order
    };

    /// Every row, each after the row of the parent object it takes a key from. A row takes a key
    /// from one parent at most, so each row starts a chain up to a placed row; walked iteratively,
    /// as a chain may be as long as the unit (100,000 rows each linked to the one before).
    static std::vector<write_ref> parents_first(const std::vector<write_batch<B>*>& batches) {
        std::vector<write_ref> rows;
        for (write_batch<B>* b : batches)
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
    void write_links(const std::vector<junction_write<B>>& junctions, const std::vector<sqlite::value>& link_keys) {
        std::optional<decltype(session_->conn.prepare(""))> connect;
        const relation_desc<B>* connecting = nullptr;
        for (const auto& change : junctions) {
            const relation_desc<B>& r = *change.relation;
            const link_statements& sql = r.link_sql;
            const sqlite::value owner = change.owner_model->key_value(change.owner);
            if (change.what == junction_write<B>::kind::replace) {
                auto st = session_->conn.prepare(sql.clear);
                st->bind_value(1, owner);
                st->step();
            }
            const auto first = link_keys.begin() + static_cast<std::ptrdiff_t>(change.first_key);
            if (change.what == junction_write<B>::kind::update_pivot) {
                update_pivots(change, owner, link_keys);
                continue;
            }
            if (change.what == junction_write<B>::kind::disconnect) {
                run_in_chunks<B>(
                    *session_, std::vector<sqlite::value>(first, first + static_cast<std::ptrdiff_t>(change.link_count)), 1,
                    r.junction,
                    [&](std::string_view list) {
                        return sql_statement{sql.disconnect_head + std::string(list) + sql.disconnect_tail, {owner}};
                    },
                    [](const typename B::statement&) {});
                continue;
            }
            if (connecting != &r) {
                connect.reset();  // gives the last relation's statement back first
                connect.emplace(session_->conn.prepare(sql.connect));
                connecting = &r;
            }
            for (std::size_t k = 0; k < change.link_count; ++k) {
                (*connect)->bind_value(1, owner);
                for (std::size_t v = 0; v < change.stride; ++v)
                    (*connect)->bind_value(static_cast<int>(v + 2), link_keys[change.key_at(k) + v]);
                (*connect)->step();
                (*connect)->reset();
            }
        }
    }

    /// Writes new pivot values on existing links; a link that is not there is relate::not_found.
    void update_pivots(const junction_write<B>& change, const sqlite::value& owner,
                       const std::vector<sqlite::value>& link_keys) {
        const relation_desc<B>& r = *change.relation;
        auto st = session_->conn.prepare(r.link_sql.update_pivot);
        for (std::size_t k = 0; k < change.link_count; ++k) {
            const std::size_t at = change.key_at(k);
            int parameter = 1;
            for (std::size_t v = 1; v < change.stride; ++v) st->bind_value(parameter++, link_keys[at + v]);
            st->bind_value(parameter++, owner);
            st->bind_value(parameter, link_keys[at]);
            st->step();
            st->reset();
            if (session_->conn.changes() == 0)
                throw not_found(detail::format("relate: {}::{} has no link from {} {} to {} {}; connect it first",
                                               r.origin->owner, r.origin->member, change.owner_model->model,
                                               sql_literal(owner), r.target().model, sql_literal(link_keys[at])));
        }
    }

    session<B>* session_;
    std::vector<write_batch<B>> batches_;
    std::size_t last_batch_ = 0;  ///< the batch batch_of found last
    pointer_set inserts_;         ///< the objects staged for insert
    std::vector<junction_write<B>> junctions_;
    std::vector<sqlite::value> link_keys_;  ///< the keys of every junction change, in one array
    std::vector<row_removal<B>> removals_;
    std::vector<stale_relation> stale_;
};

}  // namespace relate::detail
