#pragma once
// The database the twins share: ":memory:" or a WAL file in the temporary directory, with the
// tables of the bench models, seeded by the hand-written writer (one transaction).

#include "bench_models.hpp"
#include "dataset.hpp"
#include "hand_writes.hpp"

#include <relate/relate.hpp>

#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

namespace bench {

enum class storage { memory, file };

inline const char* storage_name(storage s) { return s == storage::memory ? "memory" : "file"; }

/// Fills the empty tables of the bench models.
inline void seed(sqlite3* db, const dataset_size& size) { hand_written::writer(db).insert_all(size); }

/// A seeded database, removed (with its -wal and -shm companions) on destruction. relate opens it
/// (foreign_keys=ON, WAL for files); the hand-written twins use the same connection through its
/// sqlite3 handle, so both work on the same pages under the same pragmas.
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

    /// The state W1 starts from: every table empty. The schema stays, so prepared statements do.
    void start_empty() {
        db_->connection().execute(
            "BEGIN IMMEDIATE; DELETE FROM post_tags; DELETE FROM posts; DELETE FROM profiles; DELETE FROM users; "
            "DELETE FROM tags; COMMIT");
        checkpoint();
    }
    /// The state W6 starts from: the seeded data set.
    void start_seeded(const dataset_size& size) {
        start_empty();
        seed(handle(), size);
        checkpoint();
    }

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
    /// Every run starts with an empty WAL, so no run pays for the checkpoint of the one before.
    void checkpoint() {
        if (path_ != ":memory:") db_->connection().execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }

    std::string path_;
    std::unique_ptr<relate::database> db_;
};

}  // namespace bench
