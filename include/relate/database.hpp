#pragma once
// relate::database: the facade users hold. Opens the file (foreign_keys=ON, WAL for files, a busy
// timeout), creates tables from models, and reads and writes rows.
//
//   relate::database db{"app.db"};
//   db.create_tables<User, Post>();
//   User ada = db.insert(User{.name = "Ada"});

#include <relate/detail/crud.hpp>
#include <relate/detail/session.hpp>
#include <relate/error.hpp>
#include <relate/model.hpp>
#include <relate/options.hpp>
#include <relate/query.hpp>
#include <relate/schema.hpp>
#include <relate/sqlite/transaction.hpp>

#include <optional>
#include <string>

namespace relate {

class database {
public:
    /// Opens (creating if needed) the database file at path; ":memory:" for an in-memory one.
    explicit database(const std::string& path, database_options options = {}) : session_(path, options) {}

    /// CREATE TABLE IF NOT EXISTS for each model, with its indexes, in one transaction.
    template <detail::valid_model... Models>
    void create_tables() {
        sqlite::transaction tx(session_.conn, sqlite::transaction_mode::immediate);
        (create_table<Models>(), ...);
        tx.commit();
    }

    /// Inserts the model and returns it with its primary key set.
    template <detail::valid_model T>
    T insert(T object) {
        detail::insert_row(session_, object);
        return object;
    }

    /// The row with this primary key, or nullopt.
    template <detail::valid_model T>
    std::optional<T> find(const typename detail::model_layout<T>::key_type& key) {
        return detail::find_row<T>(session_, key);
    }

    /// The row with this primary key; relate::not_found when there is none.
    template <detail::valid_model T>
    T find_or_throw(const typename detail::model_layout<T>::key_type& key) {
        if (auto found = find<T>(key)) return std::move(*found);
        detail::throw_not_found<T>(key);
    }

    /// Writes every column by primary key; relate::not_found when the row is gone.
    template <detail::valid_model T>
    void update(const T& object) {
        detail::update_row(session_, object);
    }

    /// Deletes the row by primary key; relate::not_found when the row is gone.
    template <detail::valid_model T>
    void remove(const T& object) {
        detail::delete_row(session_, object);
    }

    /// A query over T's table.
    template <detail::valid_model T>
    relate::query<T> query() {
        return relate::query<T>(session_);
    }

    /// Counters: stats().statements is the number of data statements run so far.
    [[nodiscard]] const sqlite::statistics& stats() const noexcept { return session_.conn.stats(); }
    [[nodiscard]] const database_options& options() const noexcept { return session_.options; }
    /// The underlying SQLite connection, for what relate does not cover.
    [[nodiscard]] sqlite::connection& connection() noexcept { return session_.conn; }

private:
    template <class T>
    void create_table() {
        for (const auto& sql : detail::table_ddl<T>()) session_.conn.execute(sql);
    }

    detail::session session_;
};

}  // namespace relate
