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
#include <relate/detail/writing/committer.hpp>
#include <relate/detail/writing/conflict_target.hpp>
#include <relate/related.hpp>

#include <type_traits>
#include <utility>
#include <vector>

namespace relate {

namespace detail {

/// An object the unit keeps alive until it commits, whatever its type.
class kept_copy {
public:
    template <class M>
    static kept_copy of(M object) {
        return kept_copy(new M(std::move(object)), [](void* p) { delete static_cast<M*>(p); });
    }
    kept_copy(kept_copy&& other) noexcept : object_(std::exchange(other.object_, nullptr)), destroy_(other.destroy_) {}
    kept_copy(const kept_copy&) = delete;
    kept_copy& operator=(const kept_copy&) = delete;
    kept_copy& operator=(kept_copy&&) = delete;
    ~kept_copy() {
        if (object_ != nullptr) destroy_(object_);
    }
    [[nodiscard]] void* get() const noexcept { return object_; }

private:
    kept_copy(void* object, void (*destroy)(void*)) : object_(object), destroy_(destroy) {}
    void* object_;
    void (*destroy_)(void*);
};

}  // namespace detail

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

template <class B>
class basic_unit_of_work {
public:
    explicit basic_unit_of_work(basic_database<B>& db) : session_(&db.session_), committer_(db.session_) {}
    basic_unit_of_work(const basic_unit_of_work&) = delete;
    basic_unit_of_work& operator=(const basic_unit_of_work&) = delete;

    /// Inserts the object on commit and writes its key back into it. The unit keeps its address
    /// until then: stage elements of a vector once the vector stops growing, or pass a temporary.
    template <detail::valid_model M>
    void insert(M& object) {
        committer_.write(detail::describe<B, M>(), &object, true);
    }

    /// Inserts a temporary (uow.insert(User{...})): the unit keeps it, and the object returned,
    /// which lives as long as the unit, receives its key on commit.
    template <class M>
        requires(!std::is_lvalue_reference_v<M> && detail::valid_model<M>)  // an lvalue takes insert(M&)
    const M& insert(M&& object) {
        auto& kept = kept_.emplace_back(detail::kept_copy::of(std::move(object)));
        M& staged = *static_cast<M*>(kept.get());
        insert(staged);
        return staged;
    }

    /// Inserts the object on commit, its foreign key taken from the parent (inserted first).
    template <detail::valid_model M, class R>
    void insert(M& object, parent_ref<M, R> parent) {
        using P = typename R::target_type;
        const auto& m = detail::describe<B, M>();
        const std::size_t relation = detail::relation_number<M, detail::relation_index<M, R>()>();
        committer_.write(m, &object, true,
                         detail::parent_link<B>{m.relations[relation].foreign_key_column, parent.object,
                                                &detail::describe<B, P>()});
    }

    /// On commit, inserts the object or updates the row holding its values in the conflict
    /// columns (db.upsert), and writes the key of the row written back into it.
    template <detail::valid_model M, auto... Members>
    void upsert(M& object, column_ref<Members>...) {
        detail::check_conflict_target<M, Members...>();
        committer_.upsert(detail::describe<B, M>(), &object, detail::conflict_columns<M, Members...>);
    }

    /// Writes every column by primary key on commit; relate::not_found when the row is gone.
    template <detail::valid_model M>
    void update(const M& object) {
        // An update without parent links never writes to the object.
        committer_.write(detail::describe<B, M>(), const_cast<M*>(&object), false);
    }

    /// The same for a temporary (uow.update(User{.id = 3, ...})): the unit stages a copy it keeps,
    /// as the temporary is gone before commit.
    template <detail::valid_model M>
    void update(const M&& object) {
        auto& kept = kept_.emplace_back(detail::kept_copy::of(object));
        update(*static_cast<const M*>(kept.get()));
    }

    /// Removes the row on commit, applying the delete policies; relate::not_found when it is gone.
    template <detail::valid_model M>
    void remove(const M& object) {
        committer_.remove(detail::describe<B, M>(), &object);
    }

    /// Writes through a relation, staged in this unit: save, associate, dissociate, connect,
    /// disconnect, set.
    template <detail::valid_model M, class R>
        requires detail::relation_field<R>
    relate::related<M, R, false, B> related(M& model, R M::*member) {
        return {*session_, &committer_, model, member};
    }

    /// Writes everything in one transaction (BEGIN IMMEDIATE), or nothing. The unit is spent
    /// either way: staging again starts a new batch.
    void commit() { committer_.commit(); }

private:
    detail::session<B>* session_;
    std::vector<detail::kept_copy> kept_;  ///< temporaries staged for insert or update
    detail::committer<B> committer_;
};

/// A unit of work on a relate::database.
using unit_of_work = basic_unit_of_work<sqlite::backend>;

}  // namespace relate
