#pragma once
// The hand-written twins of the write workloads, plain sqlite3 C API: one prepared statement per
// table and job, reused by every run, keys in IN lists, and one transaction per bulk write. Also
// the seeding of every other workload, so seeding depends on no relate write path.

#include "dataset.hpp"
#include "hand_sqlite.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bench::hand_written {

/// Text that stays alive until the step that reads it: bound without a copy.
inline void bind_text(sqlite3_stmt* st, int index, const std::string& text) {
    sqlite3_bind_text(st, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}
inline void bind_text(sqlite3_stmt* st, int index, const std::optional<std::string>& text) {
    if (text)
        bind_text(st, index, *text);
    else
        sqlite3_bind_null(st, index);
}

/// One writer per connection; its statements live as long as it does.
class writer {
public:
    explicit writer(sqlite3* db)
        : begin_(db, "BEGIN IMMEDIATE"),
          commit_(db, "COMMIT"),
          insert_tag_(db, "INSERT INTO tags (id, name) VALUES (?, ?)"),
          insert_user_(db, "INSERT INTO users (id, name, email) VALUES (?, ?, ?)"),
          insert_profile_(db, "INSERT INTO profiles (id, userId, bio) VALUES (?, ?, ?)"),
          insert_post_(db, "INSERT INTO posts (id, userId, title) VALUES (?, ?, ?)"),
          insert_link_(db, "INSERT INTO post_tags (postId, tagId) VALUES (?, ?)"),
          remove_links_(db, "DELETE FROM post_tags WHERE postId IN (SELECT id FROM posts WHERE userId", ")"),
          remove_posts_(db, "DELETE FROM posts WHERE userId"),
          remove_profiles_(db, "DELETE FROM profiles WHERE userId"),
          remove_users_(db, "DELETE FROM users WHERE id") {}

    /// W1: every row of the data set, table by table, in one transaction. Returns the rows written.
    std::uint64_t insert_all(const dataset_size& size) {
        begin_.run();
        std::uint64_t rows = 0;
        for (std::int64_t t = 1; t <= dataset_size::tags; ++t, ++rows) {
            const std::string name = data::tag_name(t);
            sqlite3_bind_int64(insert_tag_.get(), 1, t);
            bind_text(insert_tag_.get(), 2, name);
            insert_tag_.run();
        }
        for (std::int64_t u = 1; u <= size.users; ++u, ++rows) {
            const std::string name = data::user_name(u);
            const std::string email = data::user_email(u);
            sqlite3_bind_int64(insert_user_.get(), 1, u);
            bind_text(insert_user_.get(), 2, name);
            bind_text(insert_user_.get(), 3, email);
            insert_user_.run();
        }
        for (std::int64_t u = 1; u <= size.users; ++u, ++rows) {
            const std::optional<std::string> bio = data::bio(u);
            sqlite3_bind_int64(insert_profile_.get(), 1, u);
            sqlite3_bind_int64(insert_profile_.get(), 2, u);
            bind_text(insert_profile_.get(), 3, bio);
            insert_profile_.run();
        }
        for (std::int64_t p = 1; p <= size.posts(); ++p, ++rows) {
            const std::string title = data::post_title(p);
            sqlite3_bind_int64(insert_post_.get(), 1, p);
            sqlite3_bind_int64(insert_post_.get(), 2, data::post_author(p));
            bind_text(insert_post_.get(), 3, title);
            insert_post_.run();
        }
        for (std::int64_t p = 1; p <= size.posts(); ++p)
            for (std::int64_t k = 0; k < dataset_size::tags_per_post; ++k, ++rows) {
                sqlite3_bind_int64(insert_link_.get(), 1, p);
                sqlite3_bind_int64(insert_link_.get(), 2, data::post_tag(p, k));
                insert_link_.run();
            }
        commit_.run();
        return rows;
    }

    /// W6: the users by key and everything below them, children first, in one transaction.
    /// Returns the users asked for. Deleting only the users and leaving the rest to the schema's
    /// ON DELETE CASCADE is slower (8% more instructions): SQLite runs it as a trigger program per
    /// deleted row, nested a level for each table.
    std::uint64_t remove_users(const dataset_size& size) {
        const std::vector<std::int64_t> ids = removed_users(size);
        const auto no_rows = [](sqlite3_stmt*) {};
        begin_.run();
        remove_links_.run(ids, no_rows);
        remove_posts_.run(ids, no_rows);
        remove_profiles_.run(ids, no_rows);
        remove_users_.run(ids, no_rows);
        commit_.run();
        return ids.size();
    }

private:
    statement begin_;
    statement commit_;
    statement insert_tag_;
    statement insert_user_;
    statement insert_profile_;
    statement insert_post_;
    statement insert_link_;
    in_list_query remove_links_;
    in_list_query remove_posts_;
    in_list_query remove_profiles_;
    in_list_query remove_users_;
};

}  // namespace bench::hand_written
