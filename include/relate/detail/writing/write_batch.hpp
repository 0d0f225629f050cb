#pragma once
// The inserts and updates a unit of work stages, one batch per model: the rows of a batch sit in
// one array, so staging 100,000 rows allocates a few times, not 100,000 times, and the commit
// writes a batch in one loop. Rows are objects seen through their model's description.

#include <relate/detail/core/pointer_set.hpp>
#include <relate/detail/model/model_desc.hpp>
#include <relate/detail/model/rows.hpp>
#include <relate/detail/session.hpp>
#include <relate/detail/core/text.hpp>
#include <relate/detail/writing/reference_check.hpp>
#include <relate/error.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <unordered_set>
#include <vector>

namespace relate::detail {

using object_set = std::unordered_set<const void*>;

/// A foreign key a write takes from a parent object when the commit writes it (the parent may be
/// inserted by the same unit, so its key is not known before).
template <class B>
struct parent_link {
    std::size_t foreign_key;  ///< the child's column that receives the parent's key
    const void* parent;
    const model_desc<B>* parent_model;
};

template <class B>
class write_batch {
    static constexpr std::size_t no_link = static_cast<std::size_t>(-1);
    static constexpr std::uint32_t no_conflict = static_cast<std::uint32_t>(-1);

    struct row {
        void* object;
        bool insert;
        std::uint32_t conflict;  ///< an upsert's entry in conflicts_, or no_conflict (fits the padding)
        std::size_t link;        ///< its entry in links_, or no_link
        sqlite::value saved;  ///< an insert's key from before the commit
    };
    struct kept_link {
        parent_link<B> link;
        sqlite::value saved;  ///< the foreign key's value from before the commit
    };

public:
    explicit write_batch(const model_desc<B>& model) : model_(&model) {}

    [[nodiscard]] const model_desc<B>& model() const noexcept { return *model_; }
    [[nodiscard]] std::size_t size() const noexcept { return rows_.size(); }
    [[nodiscard]] const void* object(std::size_t i) const noexcept { return rows_[i].object; }
    [[nodiscard]] bool inserts(std::size_t i) const noexcept { return rows_[i].insert; }
    [[nodiscard]] bool inserts_any() const noexcept {
        return std::any_of(rows_.begin(), rows_.end(), [](const row& r) { return r.insert; });
    }
    /// Whether some row takes a foreign key from a parent object.
    [[nodiscard]] bool has_links() const noexcept { return !links_.empty(); }
    /// The parent object a row takes a foreign key from, or nullptr.
    [[nodiscard]] const void* parent(std::size_t i) const noexcept {
        return rows_[i].link == no_link ? nullptr : links_[rows_[i].link].link.parent;
    }

    void add(void* object, bool insert, const std::optional<parent_link<B>>& link) {
        rows_.push_back({object, insert, no_conflict, link ? links_.size() : no_link, {}});
        if (link) links_.push_back({*link, {}});
    }
    /// An insert that updates the row already holding the object's values in the `conflict`
    /// columns instead (INSERT ... ON CONFLICT DO UPDATE); the span outlives the commit.
    void add_upsert(void* object, std::span<const std::size_t> conflict) {
        rows_.push_back({object, true, static_cast<std::uint32_t>(conflicts_.size()), no_link, {}});
        conflicts_.push_back(conflict);
        write_upsert_ = &upsert_row<B>;  // compiled only where a program upserts
    }
    /// Drops every staged write of the object (its insert was cancelled by a remove).
    void cancel(const void* object) {
        std::erase_if(rows_, [&](const row& r) { return r.object == object; });
    }

    /// Remembers what the commit may change in the objects (keys, linked foreign keys)...
    void save_state() {
        for (row& r : rows_) {
            if (r.insert) r.saved = model_->key_value(r.object);
            if (r.link != no_link) {
                kept_link& k = links_[r.link];
                k.saved = model_->value(r.object, k.link.foreign_key);
            }
        }
    }
    /// ...and puts it back after a failed commit.
    void restore_state() {
        for (row& r : rows_) {
            if (r.insert) assign(r.object, model_->key, r.saved);
            if (r.link != no_link) assign(r.object, links_[r.link].link.foreign_key, links_[r.link].saved);
        }
    }

    /// Tells the check every foreign key the rows will store.
    void expect_references(reference_check<B>& check, const pointer_set& pending_inserts) const {
        for (const row& r : rows_) {
            for (const relation_desc<B>& rel : model_->relations) {
                if (rel.kind != relation_kind::belongs_to) continue;
                sqlite::value key = model_->value(r.object, rel.foreign_key_column);
                if (r.link != no_link && links_[r.link].link.foreign_key == rel.foreign_key_column) {
                    const parent_link<B>& link = links_[r.link].link;
                    if (pending_inserts.contains(link.parent)) continue;  // its key exists once the parent is written
                    key = link.parent_model->key_value(link.parent);
                }
                check.expect(rel.target(), model_->model, rel.foreign_key, reference_role::foreign_key, key,
                             {model_->table, rel.foreign_key});
            }
        }
    }

    /// Tells the check the keys the rows are inserted under.
    void report_inserts(reference_check<B>& check) const {
        for (const row& r : rows_)
            if (r.insert && !key_unassigned(*model_, r.object)) check.inserting(*model_, model_->key_value(r.object));
    }

    /// Writes every row in order; only for batches without links.
    void write_all(session<B>& s) {
        for (row& r : rows_) write_row(s, r);
    }

    /// Takes the row's parent's key, then inserts or updates it. `unwritten` holds the linked
    /// parents the unit inserts and has not written yet.
    void write(session<B>& s, std::size_t i, const object_set& unwritten) {
        row& r = rows_[i];
        if (r.link != no_link) {
            const parent_link<B>& link = links_[r.link].link;
            if (unwritten.contains(link.parent))
                throw validation_error(detail::format(
                    "relate: {} takes its {} from a parent that is inserted after it: the relate::parent links of "
                    "this unit of work form a cycle",
                    model_->model, model_->columns[link.foreign_key].name));
            assign(r.object, link.foreign_key, link.parent_model->key_value(link.parent));
        }
        write_row(s, r);
    }

private:
    void assign(void* object, std::size_t column, const sqlite::value& v) const {
        const column_desc<B>& c = model_->columns[column];
        c.type->assign(model_desc<B>::at(object, c.offset), v, model_->where(column));
    }

    void write_row(session<B>& s, row& r) {
        if (r.conflict != no_conflict)
            write_upsert_(s, *model_, r.object, conflicts_[r.conflict]);
        else if (r.insert)
            insert_row(s, *model_, r.object);
        else
            update_row(s, *model_, r.object);
    }

    const model_desc<B>* model_;
    std::vector<row> rows_;
    std::vector<kept_link> links_;  ///< few rows take a key from a parent object: theirs are kept here
    std::vector<std::span<const std::size_t>> conflicts_;  ///< the conflict columns of upserts
    void (*write_upsert_)(session<B>&, const model_desc<B>&, void*, std::span<const std::size_t>) = nullptr;
};

}  // namespace relate::detail
