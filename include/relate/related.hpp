#pragma once
// Writes through a relation: db.related(model, &Model::member) commits each call as its own unit
// of work; uow.related(model, &Model::member) stages it in the unit instead.
//
//   db.related(user, &User::posts).save(post);          // post.userId = user.id, then insert or update
//   db.related(post, &Post::user).dissociate();         // post.userId = nullopt (in memory)
//   db.related(post, &Post::tags).connect({t1.id, t2.id});

#include <relate/detail/committer.hpp>
#include <relate/detail/relation_access.hpp>
#include <relate/detail/session.hpp>
#include <relate/error.hpp>

#include <relate/detail/text.hpp>

#include <memory>
#include <utility>
#include <vector>

namespace relate {

/// The writer for relation R of one model object. Immediate: each call commits on its own.
template <class M, class R, bool Immediate>
class related {
    static constexpr std::size_t index = detail::relation_index<M, R>();
    using edge = detail::edge<M, index>;
    using target = typename edge::target;
    using target_key = typename detail::model_layout<target>::key_type;
    static constexpr bool has_children =
        edge::kind == detail::relation_kind::has_one || edge::kind == detail::relation_kind::has_many;

public:
    related(detail::session& s, detail::committer* staged, M& model, R M::*member)
        : session_(&s), staged_(staged), model_(&model), member_(member) {}

    /// has_one / has_many: sets the child's foreign key to this model's key, then inserts the child
    /// (an integer key still 0) or updates it. The model's relation is marked not loaded.
    void save(target& child)
        requires has_children
    {
        constexpr std::size_t fk = detail::field_of_column<target>(edge::foreign_key);
        run([&](detail::committer& c) {
            c.write(child, is_new(child), detail::link_to<target, fk, M>(*model_));
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

    /// belongs_to: sets this model's foreign key to the parent's key, in memory (persist it with
    /// db.update); the relation then holds the parent.
    void associate(const target& parent)
        requires(edge::kind == detail::relation_kind::belongs_to)
    {
        if (detail::key_unassigned(parent))
            throw validation_error(detail::format(
                "relate: cannot associate {}::{} with a {} that has no {} yet; insert it first, or use "
                "relate::parent(&{}::{}, parent) in a unit of work",
                edge::origin.owner, edge::member, detail::type_name<target>, detail::model_layout<target>::primary_key_name,
                edge::origin.owner, edge::member));
        detail::assign_parent_key<M, detail::foreign_key_field<M, index>, target>(model_, &parent);
        detail::relation_access::set(model_->*member_, std::make_unique<target>(parent));
    }

    /// belongs_to: clears this model's foreign key, in memory (persist it with db.update).
    void dissociate()
        requires(edge::kind == detail::relation_kind::belongs_to)
    {
        auto& key = detail::get_field<detail::foreign_key_field<M, index>>(*model_);
        static_assert(detail::is_nullable<std::remove_cvref_t<decltype(key)>>,
                      "relate: dissociate needs the foreign-key field to be std::optional");
        key.reset();
        detail::relation_access::set(model_->*member_, std::unique_ptr<target>{});
    }

    /// belongs_to_many: links the rows with these keys; an existing link is left as it is.
    void connect(const std::vector<target_key>& keys)
        requires(edge::kind == detail::relation_kind::belongs_to_many)
    {
        change_links(detail::junction_write::kind::connect, keys);
    }
    /// belongs_to_many: removes the links to these keys.
    void disconnect(const std::vector<target_key>& keys)
        requires(edge::kind == detail::relation_kind::belongs_to_many)
    {
        change_links(detail::junction_write::kind::disconnect, keys);
    }
    /// belongs_to_many: replaces every link with links to these keys.
    void set(const std::vector<target_key>& keys)
        requires(edge::kind == detail::relation_kind::belongs_to_many)
    {
        change_links(detail::junction_write::kind::replace, keys);
    }

private:
    template <class Stage>
    void run(Stage&& stage) {
        if constexpr (Immediate) {
            detail::committer c(*session_);
            stage(c);
            c.commit();
        } else {
            stage(*staged_);
        }
    }

    /// A write through the relation leaves what it holds stale: it is not loaded after the commit.
    void forget_after(detail::committer& c) {
        c.after_commit([model = model_, member = member_] { detail::relation_access::unload(model->*member); });
    }

    bool is_new(const target& child) {
        if constexpr (detail::model_layout<target>::key_is_assigned)
            return detail::key_unassigned(child);
        else
            return !detail::find_row<target>(*session_, detail::primary_key_of(child)).has_value();
    }

    void change_links(detail::junction_write::kind what, const std::vector<target_key>& keys) {
        run([&](detail::committer& c) {
            c.change_links({what, model_, &detail::key_value_of<M>, &detail::link_relation_of<M, edge>()}, keys);
            forget_after(c);
        });
    }

    detail::session* session_;
    detail::committer* staged_;
    M* model_;
    R M::*member_;
};

}  // namespace relate
