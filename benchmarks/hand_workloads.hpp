#pragma once
// The hand-written twins: what a careful programmer writes with the sqlite3 C API alone.
// Statements are prepared once per reader and reused; children are matched to parents through
// a hash map from key to position; IN lists are chunked under the bound-variable limit.

#include "checksum.hpp"
#include "dataset.hpp"
#include "hand_sqlite.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace bench::hand_written {

struct post_row {
    std::int64_t id = 0;
    std::optional<std::int64_t> userId;
    std::string title;
};

struct profile_row {
    std::int64_t id = 0;
    std::int64_t userId = 0;
    std::optional<std::string> bio;
};

struct tag_row {
    std::int64_t id = 0;
    std::string name;
};

struct user_row {
    std::int64_t id = 0;
    std::string name;
    std::string email;
    std::optional<profile_row> profile;
    std::vector<post_row> posts;
};

struct tagged_post_row {
    std::int64_t id = 0;
    std::optional<std::int64_t> userId;
    std::string title;
    std::vector<tag_row> tags;
};

inline post_row read_post(sqlite3_stmt* st, int first = 0) {
    return {sqlite3_column_int64(st, first), nullable_int(st, first + 1), text(st, first + 2)};
}
inline profile_row read_profile(sqlite3_stmt* st) {
    return {sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), nullable_text(st, 2)};
}
inline user_row read_user(sqlite3_stmt* st) { return {sqlite3_column_int64(st, 0), text(st, 1), text(st, 2), {}, {}}; }

inline std::uint64_t digest(const user_row& u) {
    const std::uint64_t parent = checksum::user(u);
    std::uint64_t sum = parent;
    if (u.profile) sum += checksum::child(parent, checksum::profile(*u.profile));
    for (const post_row& p : u.posts) sum += checksum::child(parent, checksum::post(p));
    return sum;
}

/// One reader per connection; its statements live as long as it does.
class reader {
public:
    explicit reader(sqlite3* db)
        : begin_(db, "BEGIN"),
          commit_(db, "COMMIT"),
          all_posts_(db, "SELECT id, userId, title FROM posts"),
          post_by_id_(db, "SELECT id, userId, title FROM posts WHERE id = ?"),
          all_users_(db, "SELECT id, name, email FROM users"),
          profile_of_user_(db, "SELECT id, userId, bio FROM profiles WHERE userId = ?"),
          posts_of_user_(db, "SELECT id, userId, title FROM posts WHERE userId = ?"),
          profiles_of_users_(db, "SELECT id, userId, bio FROM profiles WHERE userId"),
          posts_of_users_(db, "SELECT id, userId, title FROM posts WHERE userId"),
          tags_of_posts_(db,
                         "SELECT post_tags.postId, tags.id, tags.name FROM tags "
                         "JOIN post_tags ON post_tags.tagId = tags.id WHERE post_tags.postId") {}

    /// W2: every post into a vector.
    std::uint64_t scan() {
        std::vector<post_row> posts;
        while (all_posts_.step()) posts.push_back(read_post(all_posts_.get()));
        sqlite3_reset(all_posts_.get());
        std::uint64_t sum = 0;
        for (const post_row& p : posts) sum += checksum::post(p);
        return sum;
    }

    /// W3: every post by primary key, one find at a time.
    std::uint64_t point(const dataset_size& size) {
        std::uint64_t sum = 0;
        sqlite3_stmt* st = post_by_id_.get();
        for (std::int64_t i = 0; i < size.posts(); ++i) {
            sqlite3_bind_int64(st, 1, point_key(i, size));
            if (post_by_id_.step()) sum += checksum::post(read_post(st));
            sqlite3_reset(st);
        }
        return sum;
    }

    /// W4: every user with profile and posts, one statement per table, in one read transaction.
    std::uint64_t eager() {
        begin_.run();
        std::vector<user_row> users;
        while (all_users_.step()) users.push_back(read_user(all_users_.get()));
        sqlite3_reset(all_users_.get());

        std::vector<std::int64_t> keys;
        std::unordered_map<std::int64_t, std::size_t> position;
        keys.reserve(users.size());
        position.reserve(users.size());
        for (std::size_t i = 0; i < users.size(); ++i) {
            keys.push_back(users[i].id);
            position.emplace(users[i].id, i);
        }
        profiles_of_users_.run(keys, [&](sqlite3_stmt* st) {
            profile_row p = read_profile(st);
            users[position.at(p.userId)].profile = std::move(p);
        });
        posts_of_users_.run(keys, [&](sqlite3_stmt* st) {
            post_row p = read_post(st);
            users[position.at(*p.userId)].posts.push_back(std::move(p));
        });
        commit_.run();

        std::uint64_t sum = 0;
        for (const user_row& u : users) sum += digest(u);
        return sum;
    }

    /// W4n: the same with one statement per user and relation (the N+1 pattern).
    std::uint64_t lazy() {
        std::vector<user_row> users;
        while (all_users_.step()) users.push_back(read_user(all_users_.get()));
        sqlite3_reset(all_users_.get());
        for (user_row& u : users) {
            sqlite3_bind_int64(profile_of_user_.get(), 1, u.id);
            if (profile_of_user_.step()) u.profile = read_profile(profile_of_user_.get());
            sqlite3_reset(profile_of_user_.get());

            sqlite3_bind_int64(posts_of_user_.get(), 1, u.id);
            while (posts_of_user_.step()) u.posts.push_back(read_post(posts_of_user_.get()));
            sqlite3_reset(posts_of_user_.get());
        }
        std::uint64_t sum = 0;
        for (const user_row& u : users) sum += digest(u);
        return sum;
    }

    /// W5: every post with its tags, through the junction, in one read transaction.
    std::uint64_t many_to_many() {
        begin_.run();
        std::vector<tagged_post_row> posts;
        while (all_posts_.step()) {
            post_row p = read_post(all_posts_.get());
            posts.push_back({p.id, p.userId, std::move(p.title), {}});
        }
        sqlite3_reset(all_posts_.get());

        std::vector<std::int64_t> keys;
        std::unordered_map<std::int64_t, std::size_t> position;
        keys.reserve(posts.size());
        position.reserve(posts.size());
        for (std::size_t i = 0; i < posts.size(); ++i) {
            keys.push_back(posts[i].id);
            position.emplace(posts[i].id, i);
        }
        tags_of_posts_.run(keys, [&](sqlite3_stmt* st) {
            posts[position.at(sqlite3_column_int64(st, 0))].tags.push_back({sqlite3_column_int64(st, 1), text(st, 2)});
        });
        commit_.run();

        std::uint64_t sum = 0;
        for (const tagged_post_row& p : posts) {
            const std::uint64_t parent = checksum::post(p);
            sum += parent;
            for (const tag_row& t : p.tags) sum += checksum::child(parent, checksum::tag(t));
        }
        return sum;
    }

private:
    statement begin_;
    statement commit_;
    statement all_posts_;
    statement post_by_id_;
    statement all_users_;
    statement profile_of_user_;
    statement posts_of_user_;
    in_list_query profiles_of_users_;
    in_list_query posts_of_users_;
    in_list_query tags_of_posts_;
};

}  // namespace bench::hand_written
