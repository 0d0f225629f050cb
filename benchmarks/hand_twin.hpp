#pragma once
// The hand-written twin: each workload as a careful C++ programmer writes it with the sqlite3 C API
// alone. Plain structs, its own connection, every statement prepared once and reused, text bound
// without a copy, children matched to parents through a hash map from key to position, IN lists
// chunked at 999 keys (as the yardstick's reference does: a list as long as the bound-variable
// limit, 32,766, is a statement SQLite takes long to prepare), one explicit transaction where a
// load should see one snapshot. It knows nothing of relate.

#include "checksum.hpp"
#include "data.hpp"
#include "hand_rows.hpp"
#include "state_checksum.hpp"
#include "twin.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bench::hand_written {

[[noreturn]] inline void fail(sqlite3* db, const std::string& what) {
    throw std::runtime_error(what + ": " + sqlite3_errmsg(db));
}

/// The twin's own connection, closed when it goes (the last close of a WAL file checkpoints it).
class connection {
public:
    explicit connection(const std::string& path) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
            const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
            sqlite3_close(db_);
            throw std::runtime_error("cannot open " + path + ": " + message);
        }
    }
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    ~connection() { sqlite3_close(db_); }

    [[nodiscard]] sqlite3* get() const noexcept { return db_; }

    void execute(const std::string& sql) {
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) fail(db_, sql);
    }

private:
    sqlite3* db_ = nullptr;
};

/// A prepared statement, finalized when it goes.
class statement {
public:
    statement(sqlite3* db, const std::string& sql) {
        if (sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &st_,
                               nullptr) != SQLITE_OK)
            fail(db, sql);
    }
    statement(statement&& other) noexcept : st_(std::exchange(other.st_, nullptr)) {}
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    statement& operator=(statement&&) = delete;
    ~statement() { sqlite3_finalize(st_); }

    /// Steps to the next row; false when done. Throws on an error.
    bool step() {
        const int rc = sqlite3_step(st_);
        if (rc == SQLITE_ROW) return true;
        if (rc != SQLITE_DONE) fail(sqlite3_db_handle(st_), sqlite3_sql(st_));
        return false;
    }
    void reset() { sqlite3_reset(st_); }
    /// Runs a statement that returns no rows, ready for the next run.
    void run() {
        step();
        reset();
    }

    void bind(int i, std::int64_t v) { sqlite3_bind_int64(st_, i, v); }
    /// The text must stay alive until the step that reads it.
    void bind(int i, const std::string& v) {
        sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    }
    void bind(int i, const std::optional<std::string>& v) {
        if (v)
            bind(i, *v);
        else
            sqlite3_bind_null(st_, i);
    }

    [[nodiscard]] std::int64_t integer(int i) const { return sqlite3_column_int64(st_, i); }
    [[nodiscard]] std::string text(int i) const {
        const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(st_, i));
        return data == nullptr ? std::string() : std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(st_, i)));
    }
    [[nodiscard]] std::optional<std::string> nullable_text(int i) const {
        if (sqlite3_column_type(st_, i) == SQLITE_NULL) return std::nullopt;
        return text(i);
    }

private:
    sqlite3_stmt* st_ = nullptr;
};

/// `<head> IN (?, ..., ?)<tail>` over any number of keys: one statement per chunk of at most 999
/// keys, each chunk length prepared once.
class in_list {
public:
    in_list(sqlite3* db, std::string head, std::string tail = "")
        : db_(db), head_(std::move(head)), tail_(std::move(tail)) {}

    /// Binds each chunk of keys and calls on_chunk(statement&), which steps it.
    template <class OnChunk>
    void run(const std::vector<std::int64_t>& keys, OnChunk on_chunk) {
        constexpr std::size_t limit = 999;
        for (std::size_t start = 0; start < keys.size(); start += limit) {
            const std::size_t count = std::min(limit, keys.size() - start);
            statement& st = of_length(count);
            for (std::size_t i = 0; i < count; ++i) st.bind(static_cast<int>(i + 1), keys[start + i]);
            on_chunk(st);
            st.reset();
        }
    }

private:
    statement& of_length(std::size_t n) {
        if (const auto found = by_length_.find(n); found != by_length_.end()) return found->second;
        std::string sql = head_ + " IN (?";
        for (std::size_t i = 1; i < n; ++i) sql += ", ?";
        sql += ")" + tail_;
        return by_length_.emplace(n, statement(db_, sql)).first->second;
    }

    sqlite3* db_;
    std::string head_;
    std::string tail_;
    std::unordered_map<std::size_t, statement> by_length_;
};

inline post_row read_post(const statement& st) { return {st.integer(0), st.integer(1), st.text(2), st.text(3)}; }
inline profile_row read_profile(const statement& st) { return {st.integer(0), st.integer(1), st.nullable_text(2)}; }
inline user_row read_user(const statement& st) { return {st.integer(0), st.text(1), st.text(2), {}, {}}; }

inline std::vector<user_row> read_users(sqlite3* db) {
    statement st(db, "SELECT id, name, email FROM users");
    std::vector<user_row> users;
    while (st.step()) users.push_back(read_user(st));
    return users;
}

inline std::vector<post_row> read_posts(sqlite3* db) {
    statement st(db, "SELECT id, userId, title, body FROM posts");
    std::vector<post_row> posts;
    while (st.step()) posts.push_back(read_post(st));
    return posts;
}

/// Inserts every row of one table in one transaction: bind(statement&, row) binds a row.
template <class Row, class Bind>
void insert_each(connection& db, const std::string& insert, const std::vector<Row>& rows, Bind bind) {
    statement st(db.get(), insert);
    db.execute("BEGIN");
    for (const Row& row : rows) {
        bind(st, row);
        st.run();
    }
    db.execute("COMMIT");
}

/// W1. The rows are built before the timer starts, as objects an application already holds.
inline double insert_all(connection& db, const data_size& size) {
    const data_rows rows(size);
    const stopwatch timer;
    insert_each(db, "INSERT INTO users (id, name, email) VALUES (?, ?, ?)", rows.users,
                [](statement& st, const user_row& r) {
                    st.bind(1, r.id);
                    st.bind(2, r.name);
                    st.bind(3, r.email);
                });
    insert_each(db, "INSERT INTO profiles (id, userId, bio) VALUES (?, ?, ?)", rows.profiles,
                [](statement& st, const profile_row& r) {
                    st.bind(1, r.id);
                    st.bind(2, r.userId);
                    st.bind(3, r.bio);
                });
    insert_each(db, "INSERT INTO posts (id, userId, title, body) VALUES (?, ?, ?, ?)", rows.posts,
                [](statement& st, const post_row& r) {
                    st.bind(1, r.id);
                    st.bind(2, r.userId);
                    st.bind(3, r.title);
                    st.bind(4, r.body);
                });
    insert_each(db, "INSERT INTO tags (id, name) VALUES (?, ?)", rows.tags, [](statement& st, const tag_row& r) {
        st.bind(1, r.id);
        st.bind(2, r.name);
    });
    insert_each(db, "INSERT INTO post_tags (postId, tagId) VALUES (?, ?)", rows.links,
                [](statement& st, const link_row& r) {
                    st.bind(1, r.postId);
                    st.bind(2, r.tagId);
                });
    return timer.ms();
}

/// W3: every post by key, one find at a time.
inline twin_result find_each(connection& db, const data_size& size) {
    std::vector<post_row> found;
    found.reserve(static_cast<std::size_t>(size.posts()));
    const stopwatch timer;
    statement st(db.get(), "SELECT id, userId, title, body FROM posts WHERE id = ?");
    for (std::int64_t i = 0; i < size.posts(); ++i) {
        st.bind(1, lookup_key(i, size));
        if (st.step()) found.push_back(read_post(st));
        st.reset();
    }
    const double ms = timer.ms();
    return {ms, checksum::posts(found)};
}

/// W4: users, then their profiles and their posts by key lists, in one read transaction.
inline twin_result users_eager(connection& db) {
    const stopwatch timer;
    db.execute("BEGIN");
    std::vector<user_row> users = read_users(db.get());
    const parent_index parents(users);
    in_list(db.get(), "SELECT id, userId, bio FROM profiles WHERE userId").run(parents.keys, [&](statement& st) {
        while (st.step()) {
            profile_row p = read_profile(st);
            users[parents.position.at(p.userId)].profile = std::move(p);
        }
    });
    in_list(db.get(), "SELECT id, userId, title, body FROM posts WHERE userId").run(parents.keys, [&](statement& st) {
        while (st.step()) {
            post_row p = read_post(st);
            users[parents.position.at(p.userId)].posts.push_back(std::move(p));
        }
    });
    db.execute("COMMIT");
    const double ms = timer.ms();
    return {ms, digest(users)};
}

/// W4n: the same, with one statement per user and relation (the N+1 pattern).
inline twin_result users_lazy(connection& db) {
    const stopwatch timer;
    std::vector<user_row> users = read_users(db.get());
    statement profile_of(db.get(), "SELECT id, userId, bio FROM profiles WHERE userId = ?");
    statement posts_of(db.get(), "SELECT id, userId, title, body FROM posts WHERE userId = ?");
    for (user_row& u : users) {
        profile_of.bind(1, u.id);
        if (profile_of.step()) u.profile = read_profile(profile_of);
        profile_of.reset();
        posts_of.bind(1, u.id);
        while (posts_of.step()) u.posts.push_back(read_post(posts_of));
        posts_of.reset();
    }
    const double ms = timer.ms();
    return {ms, digest(users)};
}

/// W5: posts, then their tags through the junction by key lists, in one read transaction.
inline twin_result posts_with_tags(connection& db) {
    const stopwatch timer;
    db.execute("BEGIN");
    std::vector<tagged_post_row> posts;
    {
        statement st(db.get(), "SELECT id, userId, title, body FROM posts");
        while (st.step()) posts.push_back({st.integer(0), st.integer(1), st.text(2), st.text(3), {}});
    }
    const parent_index parents(posts);
    in_list(db.get(), "SELECT post_tags.postId, tags.id, tags.name FROM post_tags JOIN tags ON tags.id = post_tags.tagId "
                      "WHERE post_tags.postId")
        .run(parents.keys, [&](statement& st) {
            while (st.step()) posts[parents.position.at(st.integer(0))].tags.push_back({st.integer(1), st.text(2)});
        });
    db.execute("COMMIT");
    const double ms = timer.ms();
    return {ms, checksum::posts_with_tags(posts)};
}

/// W6: the users' links, posts, profiles and then the users, each table by key lists, in one
/// transaction: children first, so it works with foreign keys enforced too.
inline double remove_users(connection& db, const data_size& size) {
    const std::vector<std::int64_t> ids = removed_users(size);
    const auto done = [](statement& st) { st.step(); };
    const stopwatch timer;
    db.execute("BEGIN");
    in_list(db.get(), "DELETE FROM post_tags WHERE postId IN (SELECT id FROM posts WHERE userId", ")").run(ids, done);
    in_list(db.get(), "DELETE FROM posts WHERE userId").run(ids, done);
    in_list(db.get(), "DELETE FROM profiles WHERE userId").run(ids, done);
    in_list(db.get(), "DELETE FROM users WHERE id").run(ids, done);
    db.execute("COMMIT");
    return timer.ms();
}

inline twin_result run(const twin_args& args) {
    connection db(args.database);
    if (!args.in_memory()) db.execute("PRAGMA journal_mode = WAL");
    db.execute("PRAGMA synchronous = NORMAL");
    if (args.foreign_keys) db.execute("PRAGMA foreign_keys = ON");
    for (const std::string& sql : setup_statements(args)) db.execute(sql);

    switch (args.job) {
        case workload::W1: {
            const double ms = insert_all(db, args.size);
            return {ms, state_checksum(db.get())};
        }
        case workload::W2:
            return timed([&] { return read_posts(db.get()); },
                         [](const std::vector<post_row>& rows) { return checksum::posts(rows); });
        case workload::W3: return find_each(db, args.size);
        case workload::W4: return users_eager(db);
        case workload::W4n: return users_lazy(db);
        case workload::W5: return posts_with_tags(db);
        case workload::W6: {
            const double ms = remove_users(db, args.size);
            return {ms, state_checksum(db.get())};
        }
    }
    throw std::logic_error("unknown workload");
}

}  // namespace bench::hand_written
