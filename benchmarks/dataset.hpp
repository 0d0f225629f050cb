#pragma once
// The benchmark data, deterministic and scaled by one number (users): one profile per user (every
// fifth without a bio), ten posts per user, a hundred tags, three tags per post. Seeded with
// hand-written sqlite3 code in one transaction, so seeding depends on no relate write path.

#include "bench_models.hpp"

#include <relate/relate.hpp>

#include <sqlite3.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace bench {

struct dataset_size {
    static constexpr std::int64_t posts_per_user = 10;
    static constexpr std::int64_t tags = 100;
    static constexpr std::int64_t tags_per_post = 3;

    std::int64_t users = 10'000;

    [[nodiscard]] std::int64_t posts() const noexcept { return users * posts_per_user; }
};

/// The i-th key W3 looks up (i from 0): every post once, in a scattered order (1,000,003 is a
/// prime larger than any post count, so the stride visits every key).
inline std::int64_t point_key(std::int64_t i, const dataset_size& size) { return (i * 1'000'003) % size.posts() + 1; }

namespace detail {

inline void check(sqlite3* db, int rc, const char* what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE) throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

/// Runs an INSERT once per call of `row`, which binds its parameters.
class inserter {
public:
    inserter(sqlite3* db, const char* sql) : db_(db) {
        check(db, sqlite3_prepare_v2(db, sql, -1, &st_, nullptr), sql);
    }
    inserter(const inserter&) = delete;
    inserter& operator=(const inserter&) = delete;
    ~inserter() { sqlite3_finalize(st_); }

    template <class Bind>
    void row(Bind&& bind) {
        bind(st_);
        check(db_, sqlite3_step(st_), sqlite3_sql(st_));
        sqlite3_reset(st_);
    }

private:
    sqlite3* db_;
    sqlite3_stmt* st_ = nullptr;
};

inline void bind_text(sqlite3_stmt* st, int index, const std::string& text) {
    sqlite3_bind_text(st, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

}  // namespace detail

/// Fills the empty tables of the DESIGN.md models.
inline void seed(sqlite3* db, const dataset_size& size) {
    detail::check(db, sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), "BEGIN");
    {
        detail::inserter users(db, "INSERT INTO users (id, name, email) VALUES (?, ?, ?)");
        detail::inserter profiles(db, "INSERT INTO profiles (id, userId, bio) VALUES (?, ?, ?)");
        detail::inserter posts(db, "INSERT INTO posts (id, userId, title) VALUES (?, ?, ?)");
        detail::inserter tags(db, "INSERT INTO tags (id, name) VALUES (?, ?)");
        detail::inserter links(db, "INSERT INTO post_tags (postId, tagId) VALUES (?, ?)");

        for (std::int64_t t = 1; t <= dataset_size::tags; ++t)
            tags.row([&](sqlite3_stmt* st) {
                sqlite3_bind_int64(st, 1, t);
                detail::bind_text(st, 2, "tag-" + std::to_string(t));
            });
        for (std::int64_t u = 1; u <= size.users; ++u) {
            users.row([&](sqlite3_stmt* st) {
                sqlite3_bind_int64(st, 1, u);
                detail::bind_text(st, 2, "user " + std::to_string(u));
                detail::bind_text(st, 3, "user" + std::to_string(u) + "@example.com");
            });
            profiles.row([&](sqlite3_stmt* st) {
                sqlite3_bind_int64(st, 1, u);
                sqlite3_bind_int64(st, 2, u);
                if (u % 5 == 0)
                    sqlite3_bind_null(st, 3);
                else
                    detail::bind_text(st, 3, "the biography of user " + std::to_string(u));
            });
        }
        for (std::int64_t p = 1; p <= size.posts(); ++p) {
            posts.row([&](sqlite3_stmt* st) {
                sqlite3_bind_int64(st, 1, p);
                sqlite3_bind_int64(st, 2, (p - 1) / dataset_size::posts_per_user + 1);
                // Titles of different lengths, so the checksums see every byte count.
                const auto bangs = static_cast<std::size_t>(p % 17);
                detail::bind_text(st, 3, "Post number " + std::to_string(p) + std::string(bangs, '!'));
            });
            // Three distinct tags per post (offsets 0, 31, 62 modulo 100).
            for (std::int64_t k = 0; k < dataset_size::tags_per_post; ++k)
                links.row([&](sqlite3_stmt* st) {
                    sqlite3_bind_int64(st, 1, p);
                    sqlite3_bind_int64(st, 2, (p * 7 + k * 31) % dataset_size::tags + 1);
                });
        }
    }
    detail::check(db, sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), "COMMIT");
}

enum class storage { memory, file };

inline const char* storage_name(storage s) { return s == storage::memory ? "memory" : "file"; }

/// A seeded database: ":memory:" or a WAL file in the temporary directory, removed (with its -wal
/// and -shm companions) on destruction. relate opens it (foreign_keys=ON, WAL for files); the
/// hand-written twins use the same connection through its sqlite3 handle, so both read the same
/// pages under the same pragmas.
class bench_database {
public:
    bench_database(storage where, const dataset_size& size) : path_(make_path(where)) {
        remove_files();
        db_ = std::make_unique<relate::database>(path_);
        db_->create_tables<User, Profile, Post, Tag>();
        seed(handle(), size);
    }
    bench_database(const bench_database&) = delete;
    bench_database& operator=(const bench_database&) = delete;
    ~bench_database() {
        db_.reset();  // close before removing the files
        remove_files();
    }

    [[nodiscard]] relate::database& db() noexcept { return *db_; }
    [[nodiscard]] sqlite3* handle() noexcept { return db_->connection().handle(); }

private:
    static std::string make_path(storage where) {
        if (where == storage::memory) return ":memory:";
        static int next = 0;
        const auto name = "relate-bench-" + std::to_string(::getpid()) + "-" + std::to_string(next++) + ".db";
        return (std::filesystem::temp_directory_path() / name).string();
    }
    void remove_files() const {
        if (path_ == ":memory:") return;
        for (const char* companion : {"", "-wal", "-shm", "-journal"}) std::remove((path_ + companion).c_str());
    }

    std::string path_;
    std::unique_ptr<relate::database> db_;
};

}  // namespace bench
