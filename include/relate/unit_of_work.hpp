#pragma once
// relate::unit_of_work: writes staged together and committed in one transaction, or not at all.
//
//   relate::unit_of_work uow{db};
//   uow.insert(user);                                      // ids are written back on commit
//   uow.insert(post, relate::parent(&Post::user, user));   // post.userId = user.id once user has one
//   uow.remove(old_user);                                  // delete policies apply
//   uow.commit();
//
// Commit order: inserts and updates (parents first), junction changes, then removes (children
// first). Foreign keys are validated before anything is written. On any error: rollback, the
// objects get their keys back, the error is thrown. A unit destroyed without commit writes nothing.

#include <relate/database.hpp>
#include <relate/detail/committer.hpp>
#include <relate/related.hpp>

#include <memory>
#include <vector>

namespace relate {

/// A belongs_to member and the parent object whose key it takes on commit.
template <class M, class R>
struct parent_ref {
    R M::*member;
    const typename R::target_type* object;
};

/// For uow.insert(child, relate::parent(&Child::member, parent)): the parent may be inserted by
/// the same unit; the child's foreign key is set from its key when the commit writes.
template <class M, class R>
    requires detail::relation_field<R>
parent_ref<M, R> parent(R M::*member, const typename R::target_type& object) {
    static_assert(R::kind == detail::relation_kind::belongs_to,
                  "relate: relate::parent takes a belongs_to member (&Post::user), the side holding the foreign key");
    return {member, &object};
}

/// A temporary parent would be gone before the commit reads its key: set the child's foreign key
/// field instead.
template <class M, class R>
    requires detail::relation_field<R>
void parent(R M::*, const typename R::target_type&&) = delete;

class unit_of_work {
public:
    explicit unit_of_work(database& db) : session_(&db.session_), committer_(db.session_) {}
    unit_of_work(const unit_of_work&) = delete;
    unit_of_work& operator=(const unit_of_work&) = delete;

    /// Inserts the object on commit and writes its key back into it.
    template <detail::valid_model M>
    void insert(M& object) {
        committer_.write(object, true);
    }

    /// Inserts the object on commit, its foreign key taken from the parent (inserted first).
    template <detail::valid_model M, class R>
    void insert(M& object, parent_ref<M, R> parent) {
        constexpr std::size_t index = detail::relation_index<M, R>();
        using P = typename detail::edge<M, index>::target;
        committer_.write(object, true, detail::link_to<M, detail::foreign_key_field<M, index>, P>(*parent.object));
    }

    /// Writes every column by primary key on commit; relate::not_found when the row is gone.
    template <detail::valid_model M>
    void update(const M& object) {
        committer_.write(const_cast<M&>(object), false);  // an update without parent links never writes to it
    }

    /// The same for a temporary (uow.update(User{.id = 3, ...})): the unit stages a copy it keeps,
    /// as the temporary is gone before commit.
    template <detail::valid_model M>
    void update(const M&& object) {
        update(*static_cast<const M*>(kept_.emplace_back(std::make_shared<const M>(object)).get()));
    }

    /// Removes the row on commit, applying the delete policies; relate::not_found when it is gone.
    template <detail::valid_model M>
    void remove(const M& object) {
        committer_.remove(object);
    }

    /// Writes through a relation, staged in this unit: save, associate, dissociate, connect,
    /// disconnect, set.
    template <detail::valid_model M, class R>
        requires detail::relation_field<R>
    relate::related<M, R, false> related(M& model, R M::*member) {
        return {*session_, &committer_, model, member};
    }

    /// Writes everything in one transaction (BEGIN IMMEDIATE), or nothing. The unit is spent
    /// either way: staging again starts a new batch.
    void commit() { committer_.commit(); }

private:
    detail::session* session_;
    std::vector<std::shared_ptr<const void>> kept_;  ///< copies of temporaries staged for update
    detail::committer committer_;
};

}  // namespace relate
