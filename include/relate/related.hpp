#pragma once
// Writes through a relation: db.related(model, &Model::member) commits each call as its own unit
// of work; uow.related(model, &Model::member) stages it in the unit instead.
//
//   db.related(user, &User::posts).save(post);          // post.userId = user.id, then insert or update
//   db.related(post, &Post::user).dissociate();         // post.userId = nullopt (in memory)
//   db.related(post, &Post::tags).connect({t1.id, t2.id});
//   db.related(user, &User::posts).query().where(col<&Post::title>.like("A%")).count();

#include <relate/detail/model/model_desc.hpp>
#include <relate/detail/model/rows.hpp>
#include <relate/detail/session.hpp>
#include <relate/detail/core/range.hpp>
#include <relate/detail/core/text.hpp>
#include <relate/detail/writing/committer.hpp>
#include <relate/error.hpp>
#include <relate/expr.hpp>
#include <relate/query.hpp>
#include <relate/sqlite/backend.hpp>

#include <array>
#include <initializer_list>
#include <utility>
#include <vector>

namespace relate {

/// The writer for relation R of one model object. Immediate: each call commits on its own.
template <class M, class R, bool Immediate, class B = sqlite::backend>
class related {
    static constexpr std::size_t index = detail::relation_index<M, R>();
    using edge = detail::edge<M, index>;
    using target = typename edge::target;
    using target_key = typename detail::model_layout<target>::key_type;
    static constexpr bool has_children =
        edge::kind == detail::relation_kind::has_one || edge::kind == detail::relation_kind::has_many;

    template <class Keys>
    static constexpr bool key_range = std::convertible_to<detail::range_reference_t<const Keys>, target_key>;

    using pivot_type = typename edge::pivot;
    static constexpr bool has_pivot = !std::is_void_v<pivot_type>;
    /// The pivot struct, or (without one) a type no call can name, so signatures stay valid.
    using pivot = std::conditional_t<has_pivot, pivot_type, detail::no_pivot>;
    /// A range of (target key, pivot values) pairs.
    template <class Links>
    static constexpr bool link_range =
        has_pivot && requires(detail::range_reference_t<const Links> link) {
            { link.first } -> std::convertible_to<target_key>;
            { link.second } -> std::convertible_to<const pivot&>;
        };
    using link_kind = typename detail::junction_write<B>::kind;

public:
    related(detail::session<B>& s, detail::committer<B>* staged, M& model, R M::*member)
        : session_(&s), staged_(staged), model_(&model), member_(member) {}

    /// has_one / has_many: sets the child's foreign key to this model's key, then inserts the child
    /// (an integer key still 0) or updates it. The model's relation is marked not loaded.
    void save(target& child)
        requires has_children
    {
        const auto& child_model = detail::describe<B, target>();
        name_type(child_model, child);
        run([&](detail::committer<B>& c) {
            c.write(child_model, &child, is_new(child_model, child),
                    detail::parent_link<B>{relation().foreign_key_column, model_, &detail::describe<B, M>()});
            forget_after(c);
        });
    }

    /// has_one / has_many: inserts a new child of this model and returns it with its key.
    target create(target child)
        requires(has_children && Immediate)
    {
        save(child);
        return child;
    }

    /// has_many: save for every child, in one unit of work: all are written, or none.
    template <class Range>
    void save_many(Range&& children)
        requires(edge::kind == detail::relation_kind::has_many)
    {
        const auto& child_model = detail::describe<B, target>();
        const detail::parent_link<B> link{relation().foreign_key_column, model_, &detail::describe<B, M>()};
        run([&](detail::committer<B>& c) {
            for (target& child : children) {
                name_type(child_model, child);
                c.write(child_model, &child, is_new(child_model, child), link);
            }
            forget_after(c);
        });
    }

    /// has_many: inserts new children of this model in one unit of work and returns them with their keys.
    std::vector<target> create_many(std::vector<target> children)
        requires(edge::kind == detail::relation_kind::has_many && Immediate)
    {
        save_many(children);
        return children;
    }

    /// The query of this model's related rows, read when it runs: where, order_by, limit, get,
    /// first, count, exists, and remove with the delete policies see only them.
    [[nodiscard]] ::relate::query<target, B> query() const {
        const auto& m = detail::describe<B, M>();
        const auto& t = detail::describe<B, target>();
        const detail::relation_desc<B>& r = relation();
        detail::fragment own;
        if constexpr (has_children) {
            own.column(r.foreign_key).text(" = ").value(m.key_value(model_));
            if (!r.morph_type.empty())  // morph_many: only the rows naming this model's type
                own.text(" AND ").column(r.morph_type_column).text(" = ").value(std::string(r.morph_type));
        } else if constexpr (edge::kind == detail::relation_kind::belongs_to) {
            own.column(t.key_column().name).text(" = ").value(m.value(model_, r.foreign_key_column));  // NULL: none
        } else {
            // A junction's target key names the row; an intermediate row is named by the row's foreign key.
            own.column(r.through() ? r.foreign_key : t.key_column().name)
                .text(detail::format(" IN (SELECT {} FROM {} WHERE {} = ", detail::sql_identifier(r.junction_target_key),
                                     detail::sql_identifier(r.junction), detail::sql_identifier(r.junction_owner_key)))
                .value(m.key_value(model_))
                .text(")");
        }
        ::relate::query<target, B> q(*session_);
        q.where(predicate<target>(std::move(own)));
        return q;
    }

    /// belongs_to: sets this model's foreign key to the parent's key, in memory (persist it with
    /// db.update); the relation then holds the parent.
    void associate(const target& parent)
        requires(edge::kind == detail::relation_kind::belongs_to)
    {
        const auto& parent_model = detail::describe<B, target>();
        if (detail::key_unassigned(parent_model, &parent))
            throw validation_error(detail::format(
                "relate: cannot associate {}::{} with a {} that has no {} yet; insert it first, or use "
                "relate::parent(&{}::{}, parent) in a unit of work",
                edge::origin.owner, edge::member, detail::type_name<target>, parent_model.key_column().name,
                edge::origin.owner, edge::member));
        const auto& m = detail::describe<B, M>();
        const auto& fk = m.columns[relation().foreign_key_column];
        fk.type->assign(detail::model_desc<B>::at(model_, fk.offset), parent_model.key_value(&parent),
                        m.where(relation().foreign_key_column));
        relation().ops->hold_copy(&(model_->*member_), &parent);
    }

    /// morph_to: sets this model's type and id columns to name the parent, in memory (persist
    /// them with db.update); the relation then holds the parent.
    template <class Parent>
        requires(edge::kind == detail::relation_kind::morph_to)
    void associate(const Parent& parent) {
        const auto& parent_model = detail::describe<B, Parent>();
        if (detail::key_unassigned(parent_model, &parent))
            throw validation_error(detail::format("relate: cannot associate {}::{} with a {} that has no {} yet; insert "
                                                  "it first",
                                                  edge::origin.owner, edge::member, detail::type_name<Parent>,
                                                  parent_model.key_column().name));
        const auto& m = detail::describe<B, M>();
        const detail::relation_desc<B>& r = relation();
        constexpr std::size_t type = detail::morph_target_index<Parent>(std::type_identity<R>{});
        static_assert(type != static_cast<std::size_t>(-1),
                      "relate: associate takes a model the morph_to names among its targets");
        const auto& id = m.columns[r.foreign_key_column];
        const auto& kind = m.columns[r.morph_type_column_index];
        kind.type->assign(detail::model_desc<B>::at(model_, kind.offset), std::string(r.morph_targets[type].type),
                          m.where(r.morph_type_column_index));
        id.type->assign(detail::model_desc<B>::at(model_, id.offset), parent_model.key_value(&parent),
                        m.where(r.foreign_key_column));
        void* row = r.ops->hold_type(&(model_->*member_), type);
        *static_cast<Parent*>(row) = parent;
    }

    /// belongs_to: clears this model's foreign key, in memory (persist it with db.update).
    void dissociate()
        requires(edge::kind == detail::relation_kind::belongs_to)
    {
        auto& key = detail::get_field<detail::model_layout<M>::column_fields[detail::model_layout<M>::find_column(
            edge::foreign_key)]>(*model_);
        static_assert(detail::is_nullable<std::remove_cvref_t<decltype(key)>>,
                      "relate: dissociate needs the foreign-key field to be std::optional");
        key.reset();
        relation().ops->load_empty(&(model_->*member_), &edge::origin);
    }

    /// belongs_to_many: links the rows with these keys; an existing link is left as it is. The
    /// keys: a braced list, or any range of them (a vector, an array, a span, a view). Through a
    /// pivot struct, each new link takes a default-constructed pivot's values.
    template <detail::input_range Keys>
        requires(edge::kind == detail::relation_kind::belongs_to_many && key_range<Keys>)
    void connect(const Keys& keys) {
        change_links(link_kind::connect, keys);
    }
    void connect(std::initializer_list<target_key> keys)
        requires(edge::kind == detail::relation_kind::belongs_to_many)
    {
        change_links(link_kind::connect, keys);
    }
    /// Through a pivot struct: links the row with this key, with these pivot values (its two
    /// key fields are ignored: the link's keys are written); an existing link is left as it is.
    void connect(const target_key& key, const pivot& values)
        requires has_pivot
    {
        change_links(link_kind::connect, std::array{std::pair<target_key, const pivot&>{key, values}});
    }
    /// Through a pivot struct: connect for each (key, pivot values) pair.
    template <detail::input_range Links>
        requires link_range<Links>
    void connect(const Links& links) {
        change_links(link_kind::connect, links);
    }
    /// belongs_to_many: removes the links to these keys.
    template <detail::input_range Keys>
        requires(edge::kind == detail::relation_kind::belongs_to_many && key_range<Keys>)
    void disconnect(const Keys& keys) {
        change_links(link_kind::disconnect, keys);
    }
    void disconnect(std::initializer_list<target_key> keys)
        requires(edge::kind == detail::relation_kind::belongs_to_many)
    {
        change_links(link_kind::disconnect, keys);
    }
    /// belongs_to_many: replaces every link with links to these keys.
    template <detail::input_range Keys>
        requires(edge::kind == detail::relation_kind::belongs_to_many && key_range<Keys>)
    void set(const Keys& keys) {
        change_links(link_kind::replace, keys);
    }
    void set(std::initializer_list<target_key> keys)
        requires(edge::kind == detail::relation_kind::belongs_to_many)
    {
        change_links(link_kind::replace, keys);
    }
    /// Through a pivot struct: replaces every link with these (key, pivot values) pairs.
    template <detail::input_range Links>
        requires link_range<Links>
    void set(const Links& links) {
        change_links(link_kind::replace, links);
    }
    /// Through a pivot struct: writes new pivot values on the existing link to this key
    /// (Eloquent's updateExistingPivot); relate::not_found when there is no such link.
    void update_pivot(const target_key& key, const pivot& values)
        requires has_pivot
    {
        change_links(link_kind::update_pivot, std::array{std::pair<target_key, const pivot&>{key, values}});
    }

private:
    static const detail::relation_desc<B>& relation() {
        return detail::describe<B, M>().relations[detail::relation_number<M, index>()];
    }

    template <class Stage>
    void run(Stage&& stage) {
        if constexpr (Immediate) {
            detail::committer<B> c(*session_);
            stage(c);
            c.commit();
        } else {
            stage(*staged_);
        }
    }

    /// A write through the relation leaves what it holds stale: it is not loaded after the commit.
    void forget_after(detail::committer<B>& c) {
        c.forget_after({&(model_->*member_), relation().ops, relation().origin});
    }

    /// morph_many: writes this model's morph name into the child's type column, in memory.
    void name_type(const detail::model_desc<B>& child_model, target& child) const {
        const detail::relation_desc<B>& r = relation();
        if (r.morph_type.empty()) return;
        const auto& column = child_model.columns[r.morph_type_column_index];
        column.type->assign(detail::model_desc<B>::at(&child, column.offset), std::string(r.morph_type),
                            child_model.where(r.morph_type_column_index));
    }

    bool is_new(const detail::model_desc<B>& child_model, const target& child) {
        if (child_model.key_assigned) return detail::key_unassigned(child_model, &child);
        target found{};
        return !detail::find_row(*session_, child_model, &detail::primary_key_of(child), &found);
    }

    /// Stages a junction change over keys, or over (key, pivot values) pairs.
    template <class Links>
    void change_links(link_kind what, const Links& links) {
        const auto& target_model = detail::describe<B, target>();
        const detail::relation_desc<B>& r = relation();
        // A disconnect names links by key alone; every other change writes the pivot's values.
        const bool with_values = has_pivot && what != link_kind::disconnect;
        const std::size_t stride = with_values ? 1 + r.pivot_values.size() : 1;
        std::vector<sqlite::value> values;
        if constexpr (detail::sized_range<const Links>) values.reserve(detail::size_of(links) * stride);
        for (const auto& link : links) {
            const pivot* given = nullptr;
            target_key key;
            if constexpr (link_range<Links>) {
                key = static_cast<target_key>(link.first);
                given = &static_cast<const pivot&>(link.second);
            } else {
                key = static_cast<target_key>(link);
            }
            values.push_back(detail::to_value(key, target_model.where(target_model.key)));
            if constexpr (has_pivot) {
                static const pivot defaults{};
                if (with_values)
                    for (std::size_t k : r.pivot_values) values.push_back(r.pivot->value(given ? given : &defaults, k));
            }
        }
        // Connecting or disconnecting no keys changes nothing, so it runs nothing; set({}) removes
        // every link.
        if (values.empty() && what != link_kind::replace) return;
        run([&](detail::committer<B>& c) {
            c.change_links({what, model_, &detail::describe<B, M>(), &r, stride}, std::move(values));
            forget_after(c);
        });
    }

    detail::session<B>* session_;
    detail::committer<B>* staged_;
    M* model_;
    R M::*member_;
};

}  // namespace relate
