#pragma once
// The inserts and updates a unit of work stages, one batch per model: the rows of a batch sit in
// one array, so staging 100,000 rows allocates a few times, not 100,000 times, and the commit
// writes a batch in one loop.

#include <relate/detail/crud.hpp>
#include <relate/detail/edge.hpp>
#include <relate/detail/pointer_set.hpp>
#include <relate/detail/reference_check.hpp>
#include <relate/detail/session.hpp>
#include <relate/detail/table_info.hpp>
#include <relate/error.hpp>

#include <relate/detail/text.hpp>

#include <optional>
#include <unordered_set>
#include <utility>
#include <vector>

namespace relate::detail {

using object_set = std::unordered_set<const void*>;

/// A foreign key a write takes from a parent object when the commit writes it (the parent may
/// be inserted by the same unit, so its key is not known before). Without the child's type, so
/// the batches of every model share the code that keeps links.
struct parent_link {
    std::size_t foreign_key_field;  ///< the field of the child that receives the parent's key
    const void* parent;
    void (*assign)(void* child, const void* parent);
    sqlite::value (*parent_key)(const void* parent);
    sqlite::value (*field_value)(const void* child);  ///< the field's value, saved before the commit
    void (*restore)(void* child, const sqlite::value& saved);  ///< puts the saved value back
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
void assign_parent_key(void* child, const void* parent) {
    auto& field = get_field<Field>(*static_cast<Child*>(child));
    field = static_cast<column_value_t<std::remove_cvref_t<decltype(field)>>>(
        primary_key_of(*static_cast<const Parent*>(parent)));
}

template <class Child, std::size_t Field>
sqlite::value field_value_at(const void* child) {
    return to_value(get_field<Field>(*static_cast<const Child*>(child)));
}

template <class Child, std::size_t Field>
void restore_field(void* child, const sqlite::value& saved) {
    auto& field = get_field<Field>(*static_cast<Child*>(child));
    field = from_value<std::remove_cvref_t<decltype(field)>>(saved);
}

/// Child's field `Field` takes the key of `parent` on commit.
template <class Child, std::size_t Field, class Parent>
parent_link link_to(const Parent& parent) {
    return {Field,
            &parent,
            &assign_parent_key<Child, Field, Parent>,
            &key_value_of<Parent>,
            &field_value_at<Child, Field>,
            &restore_field<Child, Field>};
}

/// A link as a batch keeps it, with the field's value from before the commit (save_state runs
/// before anything that restore_state undoes).
struct kept_link {
    parent_link link;
    sqlite::value saved;
};

/// The staged writes of one model, in staging order. Rows are addressed by their index.
class write_batch {
public:
    explicit write_batch(const table_info& table) : table_(&table) {}
    write_batch(const write_batch&) = delete;
    write_batch& operator=(const write_batch&) = delete;
    virtual ~write_batch() = default;

    [[nodiscard]] const table_info& table() const noexcept { return *table_; }
    [[nodiscard]] virtual std::size_t size() const noexcept = 0;
    [[nodiscard]] virtual const void* object(std::size_t row) const = 0;
    [[nodiscard]] virtual bool inserts(std::size_t row) const = 0;
    /// Whether some row takes a foreign key from a parent object.
    [[nodiscard]] virtual bool has_links() const noexcept = 0;
    /// The parent object a row takes a foreign key from, or nullptr.
    [[nodiscard]] virtual const void* parent(std::size_t row) const = 0;
    /// Drops every staged write of the object (its insert was cancelled by a remove).
    virtual void cancel(const void* object) = 0;
    /// Remembers what the commit may change in the objects (keys, linked foreign keys)...
    virtual void save_state() = 0;
    /// ...and puts it back after a failed commit.
    virtual void restore_state() = 0;
    /// Tells the check every foreign key the rows will store.
    virtual void expect_references(reference_check& check, const pointer_set& pending_inserts) const = 0;
    /// Tells the check the keys the rows are inserted under.
    virtual void report_inserts(reference_check& check) const = 0;
    /// Writes every row in order; only for batches without links.
    virtual void write_all(session& s) = 0;
    /// Takes the row's parent's key, then inserts or updates it. `unwritten` holds the linked
    /// parents the unit inserts and has not written yet.
    virtual void write(session& s, std::size_t row, const object_set& unwritten) = 0;

private:
    const table_info* table_;
};

template <class M>
class model_batch final : public write_batch {
    using layout = model_layout<M>;
    static constexpr std::size_t no_link = static_cast<std::size_t>(-1);

    struct row {
        M* object;
        bool insert;
        std::size_t link;  ///< its entry in links_, or no_link
        std::optional<typename layout::key_type> saved_key;
    };

public:
    model_batch() : write_batch(table_info_of<M>()) {}

    void add(M& object, bool insert, const std::optional<parent_link>& link) {
        rows_.push_back({&object, insert, link ? links_.size() : no_link, {}});
        if (link) links_.push_back({*link, {}});
    }

    [[nodiscard]] std::size_t size() const noexcept override { return rows_.size(); }
    [[nodiscard]] const void* object(std::size_t i) const override { return rows_[i].object; }
    [[nodiscard]] bool inserts(std::size_t i) const override { return rows_[i].insert; }
    [[nodiscard]] bool has_links() const noexcept override { return !links_.empty(); }
    [[nodiscard]] const void* parent(std::size_t i) const override {
        const parent_link* link = link_of(rows_[i]);
        return link == nullptr ? nullptr : link->parent;
    }

    void cancel(const void* object) override {
        std::erase_if(rows_, [&](const row& r) { return r.object == object; });
    }

    void save_state() override {
        for (row& r : rows_) {
            if (r.insert) r.saved_key = primary_key_of(*r.object);
            if (r.link != no_link) links_[r.link].saved = links_[r.link].link.field_value(r.object);
        }
    }
    void restore_state() override {
        for (row& r : rows_) {
            if (r.saved_key) primary_key_of(*r.object) = *r.saved_key;
            if (r.link != no_link) links_[r.link].link.restore(r.object, links_[r.link].saved);
        }
    }

    void expect_references(reference_check& check, const pointer_set& pending_inserts) const override {
        for (const row& r : rows_)
            [&]<std::size_t... R>(std::index_sequence<R...>) {
                (expect_parent<layout::relation_fields[R]>(r, check, pending_inserts), ...);
            }(std::make_index_sequence<layout::relation_count>{});
    }

    void report_inserts(reference_check& check) const override {
        for (const row& r : rows_)
            if (r.insert && !key_unassigned(*r.object)) check.inserting(table(), to_value(primary_key_of(*r.object)));
    }

    void write_all(session& s) override {
        for (row& r : rows_) write_row(s, r);
    }

    void write(session& s, std::size_t i, const object_set& unwritten) override {
        row& r = rows_[i];
        if (const parent_link* link = link_of(r)) {
            if (unwritten.contains(link->parent))
                throw validation_error(detail::format(
                    "relate: {} takes its {} from a parent that is inserted after it: the relate::parent links of "
                    "this unit of work form a cycle",
                    type_name<M>, layout::field_names[link->foreign_key_field]));
            link->assign(r.object, link->parent);
        }
        write_row(s, r);
    }

private:
    [[nodiscard]] const parent_link* link_of(const row& r) const {
        return r.link == no_link ? nullptr : &links_[r.link].link;
    }

    static void write_row(session& s, row& r) {
        if (r.insert)
            insert_row(s, *r.object);
        else
            update_row(s, *r.object);
    }

    template <std::size_t I>
    void expect_parent(const row& r, reference_check& check, const pointer_set& pending_inserts) const {
        using E = edge<M, I>;
        if constexpr (E::kind == relation_kind::belongs_to) {
            sqlite::value key = to_value(get_field<foreign_key_field<M, I>>(*r.object));
            if (const parent_link* link = link_of(r); link != nullptr && link->foreign_key_field == foreign_key_field<M, I>) {
                if (pending_inserts.contains(link->parent)) return;  // its key exists once the parent is written
                key = link->parent_key(link->parent);
            }
            check.expect(table_info_of<typename E::target>(), type_name<M>, E::foreign_key, reference_role::foreign_key,
                         key);
        }
    }

    std::vector<row> rows_;
    std::vector<kept_link> links_;  ///< few rows take a key from a parent object: theirs are kept here
};

}  // namespace relate::detail
