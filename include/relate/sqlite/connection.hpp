#pragma once
// RAII connection with a statement cache keyed by SQL text: the same SQL is prepared once and
// reused (reset and rebound), never prepared again.

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

class connection;
class write_gate;

/// One thread's use of a connection, from the first call until the last statement lease and
/// transaction end: another thread that starts using the connection meanwhile gets
/// relate::concurrent_use_error instead of corrupting it. Nested uses by the same thread count.
class connection_use {
public:
    inline explicit connection_use(connection& conn);
    connection_use(connection_use&& other) noexcept : conn_(std::exchange(other.conn_, nullptr)) {}
    connection_use(const connection_use&) = delete;
    connection_use& operator=(const connection_use&) = delete;
    connection_use& operator=(connection_use&&) = delete;
    inline ~connection_use();

private:
    connection* conn_;
};

/// A statement borrowed from the cache; it is reset and given back when the lease ends.
class statement_lease {
public:
    statement_lease(connection_use use, statement& cached) : use_(std::move(use)), statement_(&cached) {
        cached.set_in_use(true);
    }
    statement_lease(connection_use use, std::unique_ptr<statement> owned)
        : use_(std::move(use)), owned_(std::move(owned)), statement_(owned_.get()) {}
    statement_lease(statement_lease&& other) noexcept
        : use_(std::move(other.use_)), owned_(std::move(other.owned_)), statement_(std::exchange(other.statement_, nullptr)) {}
    statement_lease(const statement_lease&) = delete;
    statement_lease& operator=(const statement_lease&) = delete;
    statement_lease& operator=(statement_lease&&) = delete;
    ~statement_lease() {
        if (statement_ == nullptr) return;
        statement_->reset();
        statement_->set_in_use(false);
    }

    statement& operator*() const noexcept { return *statement_; }
    statement* operator->() const noexcept { return statement_; }

private:
    connection_use use_;                // released last, after the reset
    std::unique_ptr<statement> owned_;  // set only when the cached one was already busy
    statement* statement_;
};

class connection {
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
        return lease(std::move(use), cached(sql));
    }

    /// The same for SQL text that lives as long as the program (relate's per-model statements),
    /// found by its address rather than by hashing the text: finds by key run it once per call.
    statement_lease prepare_static(const std::string& sql) {
        connection_use use(*this);
        statement*& slot = by_address_[&sql];
        if (slot == nullptr) slot = &cached(sql);
        return lease(std::move(use), *slot);
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

    statement& cached(std::string_view sql) {
        auto found = cache_.find(sql);
        if (found == cache_.end())
            found = cache_.emplace(std::string(sql), std::make_unique<statement>(db_, std::string(sql), stats_, &observer_)).first;
        return *found->second;
    }

    /// The cached statement, or a fresh one when it is already running (a nested use).
    statement_lease lease(connection_use use, statement& st) {
        if (st.in_use())
            return statement_lease{std::move(use), std::make_unique<statement>(db_, st.sql(), stats_, &observer_)};
        return statement_lease{std::move(use), st};
    }

    friend class connection_use;

    /// A different address in each thread: who uses the connection, without <thread>.
    static const void* this_thread_mark() noexcept {
        static thread_local const char mark = 0;
        return &mark;
    }

    /// connection_use's count: the thread using the connection, and how many uses it holds. The
    /// owner is exchanged with GCC's atomic builtins (g++ and clang++ have them), not std::atomic,
    /// whose header every file including relate would parse.
    void enter() {
        const void* const me = this_thread_mark();
        const void* user = nullptr;
        if (!__atomic_compare_exchange_n(&user_, &user, me, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED) && user != me)
            throw concurrent_use_error(
                "relate: this relate::database is in use by another thread; a database is one connection for one "
                "thread at a time: open a relate::database per thread");
        ++uses_;
    }
    void leave() noexcept {
        if (--uses_ == 0) __atomic_store_n(&user_, nullptr, __ATOMIC_RELEASE);
    }

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

    struct sql_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view sql) const noexcept { return std::hash<std::string_view>{}(sql); }
    };

    sqlite3* db_ = nullptr;
    std::chrono::milliseconds busy_timeout_;
    bool has_json_each_ = false;
    std::chrono::steady_clock::time_point busy_since_;
    write_gate* gate_ = nullptr;
    const void* user_ = nullptr;  ///< this_thread_mark() of the thread using the connection
    int uses_ = 0;  ///< touched only by the thread in user_
    statistics stats_;
    statement_observer observer_;
    std::unordered_map<std::string, std::unique_ptr<statement>, sql_hash, std::equal_to<>> cache_;
    std::unordered_map<const std::string*, statement*> by_address_;  // into cache_
    std::unordered_map<std::string, control_statement, sql_hash, std::equal_to<>> control_;
};

connection_use::connection_use(connection& conn) : conn_(&conn) { conn.enter(); }
connection_use::~connection_use() {
    if (conn_ != nullptr) conn_->leave();
}

}  // namespace relate::sqlite
