#pragma once
// relate::database: the facade users hold. Opens the file (foreign_keys=ON, WAL for files, a busy
// timeout), creates tables from models, and reads and writes rows.
//
//   relate::database db{"app.db"};
//   db.create_tables<User, Post>();
//   User ada = db.insert(User{.name = "Ada"});
//
// relate::database is basic_database over the SQLite backend; the engine behind every member is
// a template over the backend, compiled in a file only when that file calls the member.

#include <relate/detail/loading/loader.hpp>
#include <relate/detail/loading/query_state.hpp>
#include <relate/detail/core/run_again.hpp>
#include <relate/detail/model/model_desc.hpp>
#include <relate/detail/model/rows.hpp>
#include <relate/detail/schema/create_order.hpp>
#include <relate/detail/schema/migrator.hpp>
#include <relate/detail/session.hpp>
#include <relate/detail/writing/committer.hpp>
#include <relate/detail/writing/conflict_target.hpp>
#include <relate/eager.hpp>
#include <relate/error.hpp>
#include <relate/migration.hpp>
#include <relate/migration_status.hpp>
#include <relate/model.hpp>
#include <relate/options.hpp>
#include <relate/query.hpp>
#include <relate/related.hpp>
#include <relate/remove_plan.hpp>
#include <relate/schema.hpp>
#include <relate/schema_check.hpp>
#include <relate/sqlite/backend.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace relate {

template <class B>
class basic_unit_of_work;

template <class B>
class basic_database {
public:
    using backend_type = B;

    /// Opens (creating if needed) the database file at path; ":memory:" for an in-memory one.
    explicit basic_database(const std::string& path, database_options options = {}) : session_(path, options) {}

    /// CREATE TABLE IF NOT EXISTS for each model, with its indexes, in one transaction.
    template <detail::valid_model... Models>
    void create_tables() {
        typename B::transaction tx(session_.conn, B::transaction_mode::immediate);
        if constexpr (B::checks_references_when_created) {
            std::vector<std::string> statements;
            for (const auto& ddl : {detail::table_ddl<B, Models>()...})
                statements.insert(statements.end(), ddl.begin(), ddl.end());
            for (const auto& sql : detail::referenced_first(std::move(statements))) session_.conn.execute(sql);
        } else {
            (create_table<Models>(), ...);
        }
        tx.commit();
    }

    /// Inserts the model and returns it with its primary key set. Its belongs_to foreign keys
    /// must name existing rows (relate::validation_error).
    template <detail::valid_model T>
    T insert(T object) {
        commit_one(detail::describe<B, T>(), &object, true);
        return object;
    }

    /// Inserts the model, or updates the row holding its values in the conflict columns (a
    /// primary key or unique index must cover exactly them): INSERT ... ON CONFLICT DO UPDATE, one
    /// statement. Returns the model with the key of the row written. db.upsert(tag, col<&Tag::name>).
    template <detail::valid_model T, auto... Members>
    T upsert(T object, column_ref<Members>...) {
        detail::check_conflict_target<T, Members...>();
        detail::committer<B> c(session_);
        c.upsert(detail::describe<B, T>(), &object, detail::conflict_columns<T, Members...>);
        c.commit();
        return object;
    }

    /// Eloquent's updateOrCreate on a unique key: the same as upsert.
    template <detail::valid_model T, auto... Members>
    T update_or_create(T object, column_ref<Members>... columns) {
        return upsert(std::move(object), columns...);
    }

    /// The first row holding the model's values in these columns, or else the model inserted
    /// (then returned with its key); one transaction, so no other writer slips in between.
    template <detail::valid_model T, auto... Members>
    T first_or_create(T object, column_ref<Members>...) {
        detail::check_conflict_target<T, Members...>();
        typename B::transaction tx(session_.conn, B::transaction_mode::immediate);
        relate::query<T, B> existing(session_);
        (existing.where(detail::holds_value_of<Members>(object)), ...);
        existing.order_by(order_term<T>{{detail::model_layout<T>::primary_key_name, false}});
        if (std::optional<T> found = existing.first()) {
            tx.commit();
            return std::move(*found);
        }
        detail::committer<B> c(session_);
        c.write(detail::describe<B, T>(), &object, true);
        c.commit(&tx);
        tx.commit();
        return object;
    }

    /// The row with this primary key, or nullopt.
    template <detail::valid_model T>
    std::optional<T> find(const typename detail::model_layout<T>::key_type& key) {
        std::optional<T> out{std::in_place};
        if (!detail::find_row(session_, detail::describe<B, T>(), &key, &*out)) out.reset();
        return out;
    }

    /// The row with this primary key; relate::not_found when there is none.
    template <detail::valid_model T>
    T find_or_throw(const typename detail::model_layout<T>::key_type& key) {
        if (auto found = find<T>(key)) return std::move(*found);
        const auto& m = detail::describe<B, T>();
        detail::throw_no_row(m.table, m.key_column().name, detail::to_value(key, m.where(m.key)));
    }

    /// Writes every column by primary key; relate::not_found when the row is gone. Its belongs_to
    /// foreign keys must name existing rows (relate::validation_error).
    template <detail::valid_model T>
    void update(const T& object) {
        // An update without parent links never writes to the object.
        commit_one(detail::describe<B, T>(), const_cast<T*>(&object), false);
    }

    /// Deletes the row by primary key, applying the delete policies of its has_one / has_many
    /// relations (relate::restrict_error, cascade, set_null); relate::not_found when it is gone.
    template <detail::valid_model T>
    void remove(const T& object) {
        detail::committer<B> c(session_);
        c.remove(detail::describe<B, T>(), &object);
        c.commit();
    }

    /// What remove(object) would do, rows per table and action, without writing anything.
    template <detail::valid_model T>
    remove_plan plan_remove(const T& object) {
        detail::committer<B> c(session_);
        c.remove(detail::describe<B, T>(), &object);
        return c.plan();
    }

    /// Writes through a relation, each call committed on its own: save / create (has_one,
    /// has_many), associate / dissociate (belongs_to), connect / disconnect / set (belongs_to_many).
    template <detail::valid_model M, class R>
        requires detail::relation_field<R>
    relate::related<M, R, true, B> related(M& model, R M::*member) {
        return {session_, nullptr, model, member};
    }

    /// Loads one relation of one model, once: a second call runs no statement. Returns the
    /// relation. Strict mode refuses a model that came from a multi-row query (N+1).
    template <detail::valid_model M, class R>
        requires detail::relation_field<R>
    const R& load(M& object, R M::*member) {
        R& relation = object.*member;
        if (relation.loaded()) return relation;
        constexpr std::size_t index = detail::relation_index<M, R>();
        if (session_.options.prevent_lazy_loading && detail::relation_access<R>::from_multi_row_query(relation)) {
            using E = detail::edge<M, index>;
            throw lazy_loading_violation(detail::format(
                "relate: lazy loading {}::{} on a {} that came from a multi-row query (the N+1 pattern); eager-load it "
                "with db.query<{}>().with(&{}::{}), or load the whole vector with db.load(rows, &{}::{})",
                E::origin.owner, E::member, E::origin.owner, E::origin.owner, E::origin.owner, E::member,
                E::origin.owner, E::member));
        }
        void* const parent = &object;
        load_relation(detail::describe<B, M>(), detail::relation_number<M, index>(), {&parent, 1});
        return relation;
    }

    /// Loads one relation for every model of the vector that lacks it, in one batched statement.
    template <detail::valid_model M, class R>
        requires detail::relation_field<R>
    void load(std::vector<M>& objects, R M::*member) {
        std::vector<void*> pending;
        for (auto& object : objects)
            if (!(object.*member).loaded()) pending.push_back(&object);
        load_relation(detail::describe<B, M>(), detail::relation_number<M, detail::relation_index<M, R>()>(), pending);
    }

    /// Loads relations onto rows already read, named as with() names them (members, paths,
    /// include specs), nested: one statement per edge whatever the number of rows. A relation a
    /// row held is read again (Eloquent's load); load_missing keeps it.
    template <detail::valid_model M>
    void load(std::vector<M>& rows, detail::include_arg_of<M> a, detail::include_arg_of<M> b = {},
              detail::include_arg_of<M> c = {}, detail::include_arg_of<M> d = {}, detail::include_arg_of<M> e = {},
              detail::include_arg_of<M> f = {}, detail::include_arg_of<M> g = {}, detail::include_arg_of<M> h = {}) {
        load_includes(rows, {&a, &b, &c, &d, &e, &f, &g, &h}, false);
    }

    /// load, for only what is not loaded yet, at every depth: a row whose relation is loaded keeps
    /// it, and its rows get what they lack of the nested includes. Nothing missing: no statement.
    template <detail::valid_model M>
    void load_missing(std::vector<M>& rows, detail::include_arg_of<M> a, detail::include_arg_of<M> b = {},
                      detail::include_arg_of<M> c = {}, detail::include_arg_of<M> d = {},
                      detail::include_arg_of<M> e = {}, detail::include_arg_of<M> f = {},
                      detail::include_arg_of<M> g = {}, detail::include_arg_of<M> h = {}) {
        load_includes(rows, {&a, &b, &c, &d, &e, &f, &g, &h}, true);
    }

    /// Applies the migrations not yet recorded in relate_migrations, in list order, each in its
    /// own transaction; returns the names applied. A failure rolls that migration back and throws
    /// relate::schema_error naming it.
    std::vector<std::string> migrate(const std::vector<migration>& migrations) {
        return detail::migrate(session_, migrations);
    }

    /// Runs `down` of the last `steps` applied migrations, newest first; returns their names.
    std::vector<std::string> rollback(const std::vector<migration>& migrations, std::size_t steps = 1) {
        return detail::rollback(session_, migrations, steps);
    }

    /// What migrate(migrations) would run, without changing the database: each pending
    /// migration's statements, run and then rolled back (Laravel's --pretend).
    std::vector<migration_sql> pretend_migrate(const std::vector<migration>& migrations) {
        return detail::pretend_migrate(session_, migrations);
    }

    /// Each migration of the list, applied (and when) or pending, then any the database records
    /// that the list lacks.
    std::vector<migration_state> migration_status(const std::vector<migration>& migrations) {
        return detail::migration_status(session_, migrations);
    }

    /// Every difference between the models' tables (as create_tables makes them) and the database.
    template <detail::valid_model... Models>
    std::vector<schema_difference> check_schema() {
        return detail::check_schema<B, Models...>(session_);
    }

    /// check_schema, throwing relate::schema_mismatch that lists every difference.
    template <detail::valid_model... Models>
    void require_schema() {
        detail::require_schema<B, Models...>(session_);
    }

    /// A query over T's table.
    template <detail::valid_model T>
    relate::query<T, B> query() {
        return relate::query<T, B>(session_);
    }

    /// Counters: stats().statements is the number of data statements run so far.
    [[nodiscard]] const sqlite::statistics& stats() const noexcept { return session_.conn.stats(); }
    /// Calls `observer(sql, duration)` for every data statement relate runs (those stats()
    /// counts), for logging and N+1 hunting; `db.on_statement({})` stops it. Exceptions from it
    /// are ignored.
    void on_statement(sqlite::statement_observer observer) { session_.conn.on_statement(std::move(observer)); }
    [[nodiscard]] const database_options& options() const noexcept { return session_.options; }
    /// The underlying connection, for what relate does not cover.
    [[nodiscard]] typename B::connection& connection() noexcept { return session_.conn; }

private:
    friend class basic_unit_of_work<B>;

    /// Commits one insert or update in a unit of its own.
    void commit_one(const detail::model_desc<B>& m, void* object, bool insert) {
        detail::committer<B> c(session_);
        c.write(m, object, insert);
        c.commit();
    }

    void load_relation(const detail::model_desc<B>& m, std::size_t relation, std::span<void* const> objects) {
        if (objects.empty()) return;
        const detail::relation_desc<B>& r = m.relations[relation];
        // One parent's relation is one statement (a morph_to may be one per type), a snapshot by
        // itself: on a server, where BEGIN and COMMIT are a round trip each, they are left out.
        detail::run_again_if_stale(session_, [&] {  // a failed load leaves the relation not loaded
            std::optional<typename B::transaction> snapshot;
            if (!B::round_trip_per_statement || objects.size() > 1 || r.load_by_type != nullptr)
                snapshot.emplace(session_.conn);
            detail::load_edge(session_, m, detail::include_node{relation, r.origin, {}, {}, {}, {}, {}, {}, {}}, objects, 1);
            if (snapshot) snapshot->commit();
        });
    }

    template <class M>
    void load_includes(std::vector<M>& rows, std::initializer_list<const include_arg<M>*> args, bool missing_only) {
        detail::include_list includes;
        detail::add_includes(includes, args, session_.options.include_depth_limit);
        if (rows.empty()) return;
        const detail::model_desc<B>& m = detail::describe<B, M>();
        std::vector<void*> parents;
        parents.reserve(rows.size());
        for (M& row : rows) parents.push_back(&row);
        // A load that fails leaves what it was reading not loaded, so running it again reads
        // what the first run did not finish.
        detail::run_again_if_stale(session_, [&] {
            if (missing_only) {
                std::optional<typename B::transaction> snapshot;  // opened by the first statement
                detail::load_missing_list(session_, m, includes, parents, 1, snapshot);
                if (snapshot) snapshot->commit();
                return;
            }
            typename B::transaction snapshot(session_.conn);  // one snapshot for every edge
            detail::load_list(session_, m, includes, parents, 1);
            snapshot.commit();
        });
    }

    template <class T>
    void create_table() {
        for (const auto& sql : detail::table_ddl<B, T>()) session_.conn.execute(sql);
    }

    detail::session<B> session_;
};

/// A database on an SQLite file (or ":memory:").
using database = basic_database<sqlite::backend>;

}  // namespace relate
