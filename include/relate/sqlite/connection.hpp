#pragma once
// RAII connection with a statement cache keyed by SQL text: the same SQL is prepared once and
// reused (reset and rebound), never prepared again.

#include <relate/detail/core/connection_use.hpp>
#include <relate/detail/core/statement_cache.hpp>
#include <relate/sqlite/error.hpp>
#include <relate/sqlite/statement.hpp>
#include <relate/detail/core/chrono.hpp>

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace relate::sqlite {

class write_gate;

using detail::connection_use;
using statement_lease = detail::statement_lease<statement>;

class connection : public detail::thread_owner {
public:
    /// Opens (creating if needed) the database at path; ":memory:" for an in-memory one.
    connection(const std::string& path, std::chrono::milliseconds busy_timeout) : busy_timeout_(busy_timeout) {
        const int rc = sqlite3_open_v2(path.c_str(), &db_,
                                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                                       nullptr);
        if (rc != SQLITE_OK) {
            sqlite3* failed = std::exchange(db_, nullptr);
            try {
                throw_error(failed, rc, "");
            } catch (...) {
                sqlite3_close(failed);
                throw;
            }
        }
        sqlite3_extended_result_codes(db_, 1);
        has_json_each_ = sqlite3_libversion_number() >= 3038000 && sqlite3_compileoption_used("OMIT_JSON") == 0;
        sqlite3_busy_handler(db_, &poll_until_timeout, this);
    }
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    ~connection() {
        cache_.clear();  // finalize every statement before closing
        control_.clear();
        sqlite3_close(db_);
    }

    /// Runs SQL that is not a data statement (PRAGMA, DDL, transaction control): not counted.
    void execute(const std::string& sql) {
        const connection_use use(*this);
        char* message = nullptr;
        const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
        sqlite3_free(message);
        if (rc != SQLITE_OK) throw_error(db_, rc, sql);
    }

    /// Runs one transaction-control statement (BEGIN, COMMIT, SAVEPOINT ...), prepared on first
    /// use and kept, since every unit of work and every load runs two: not counted in stats().
    void control(std::string_view sql) {
        const connection_use use(*this);
        sqlite3_stmt* st = kept(sql);
        const int rc = sqlite3_step(st);
        sqlite3_reset(st);  // keeps the error's code and message on the connection
        if (rc != SQLITE_DONE) throw_error(db_, rc, sql);
    }

    /// SQLite's schema cookie, which every change of the schema moves: what relate read of the
    /// schema is stale once it has moved. A kept statement, not counted in stats().
    std::int64_t schema_version() {
        const connection_use use(*this);
        sqlite3_stmt* st = kept("PRAGMA schema_version");
        const int rc = sqlite3_step(st);
        const std::int64_t version = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
        sqlite3_reset(st);
        if (rc != SQLITE_ROW) throw_error(db_, rc, "PRAGMA schema_version");
        return version;
    }

    /// Whether SQLite enforces declared foreign keys now (PRAGMA foreign_keys), read without a statement.
    [[nodiscard]] bool enforces_foreign_keys() const noexcept {
        int on = 0;
        sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_FKEY, -1, &on);
        return on != 0;
    }

    /// The cached statement for this SQL text, prepared on first use.
    statement_lease prepare(std::string_view sql) {
        connection_use use(*this);
        return cache_.lease(std::move(use), cache_.find(sql, make_statement{this}), make_statement{this});
    }

    /// The same for SQL text that lives as long as the program (relate's per-model statements),
    /// found by its address rather than by hashing the text: finds by key run it once per call.
    statement_lease prepare_static(const std::string& sql) {
        connection_use use(*this);
        return cache_.lease(std::move(use), cache_.find_static(sql, make_statement{this}), make_statement{this});
    }

    /// How long a statement waits for another connection's lock before SQLITE_BUSY.
    [[nodiscard]] std::chrono::milliseconds busy_timeout() const noexcept { return busy_timeout_; }

    /// The gate this connection's write transactions pass before BEGIN IMMEDIATE (relate::pool
    /// sets its own); null, the default, leaves writers to the busy handler alone.
    void set_write_gate(write_gate* gate) noexcept { gate_ = gate; }
    [[nodiscard]] write_gate* gate() const noexcept { return gate_; }

    /// Calls `observer` with the SQL text and run time of every data statement relate runs on
    /// this connection (those stats() counts); an empty function stops it.
    void on_statement(statement_observer observer) { observer_ = std::move(observer); }

    [[nodiscard]] statistics& stats() noexcept { return stats_; }
    [[nodiscard]] const statistics& stats() const noexcept { return stats_; }
    [[nodiscard]] sqlite3* handle() const noexcept { return db_; }
    /// Whether json_each is built in (SQLite 3.38 and later, unless built without JSON).
    [[nodiscard]] bool has_json_each() const noexcept { return has_json_each_; }
    [[nodiscard]] bool in_transaction() const noexcept { return sqlite3_get_autocommit(db_) == 0; }
    /// Whether the connection can no longer be used: never for a file SQLite holds open.
    [[nodiscard]] bool broken() const noexcept { return false; }
    [[nodiscard]] std::int64_t last_insert_rowid() const noexcept { return sqlite3_last_insert_rowid(db_); }
    [[nodiscard]] int changes() const noexcept { return sqlite3_changes(db_); }
    /// SQLite's bound-variable limit, read now (sqlite3_limit may have lowered it).
    [[nodiscard]] int variable_limit() const noexcept { return sqlite3_limit(db_, SQLITE_LIMIT_VARIABLE_NUMBER, -1); }
    [[nodiscard]] std::size_t cached_statements() const noexcept { return cache_.size(); }

private:
    /// A statement of relate's own housekeeping, prepared on first use and kept.
    sqlite3_stmt* kept(std::string_view sql) {
        auto found = control_.find(sql);
        if (found == control_.end()) {
            sqlite3_stmt* prepared = nullptr;
            const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                              &prepared, nullptr);
            if (rc != SQLITE_OK) throw_error(db_, rc, sql);
            found = control_.emplace(std::string(sql), control_statement(prepared)).first;
        }
        return found->second.get();
    }

    /// What prepares a statement for the cache.
    struct make_statement {
        connection* self;
        std::unique_ptr<statement> operator()(std::string sql) const {
            return std::make_unique<statement>(self->db_, std::move(sql), self->stats_, &self->observer_);
        }
    };

    /// The busy handler: polls for the lock every millisecond until the timeout. SQLite's own
    /// handler backs off to 100 ms sleeps, so a writer rarely wakes in the short gap between two
    /// of another writer's transactions, and can wait out a whole run of them into SQLITE_BUSY.
    static int poll_until_timeout(void* self, int attempt) {
        auto& conn = *static_cast<connection*>(self);
        const auto now = std::chrono::steady_clock::now();
        if (attempt == 0) conn.busy_since_ = now;
        if (now - conn.busy_since_ >= conn.busy_timeout_) return 0;
        sqlite3_sleep(1);
        return 1;
    }

    struct finalizer {
        void operator()(sqlite3_stmt* st) const noexcept { sqlite3_finalize(st); }
    };
    using control_statement = std::unique_ptr<sqlite3_stmt, finalizer>;

    sqlite3* db_ = nullptr;
    std::chrono::milliseconds busy_timeout_;
    bool has_json_each_ = false;
    std::chrono::steady_clock::time_point busy_since_;
    write_gate* gate_ = nullptr;
    statistics stats_;
    statement_observer observer_;
    detail::statement_cache<statement> cache_;
    std::unordered_map<std::string, control_statement, detail::sql_hash, std::equal_to<>> control_;
};

}  // namespace relate::sqlite
