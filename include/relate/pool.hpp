#pragma once
// relate::pool: a fixed number of connections to one database, shared by threads.
//
//   relate::pool<relate::database> readers{"app.db", 4};
//   relate::pool<relate::postgres::database> servers{"postgresql:///app", 8};  // <relate/postgres.hpp> too
//   auto db = readers.acquire();            // waits while all 4 are out
//   auto users = db->query<User>().get();
//   // the connection goes back to the pool when db goes
//
// A handle is used by one thread at a time, as a relate::database is. On SQLite the pool's
// connections share a FIFO write gate: relate's write transactions (BEGIN IMMEDIATE) go through it
// in the order they arrive, where SQLite's busy handler, retrying on a timer, lets whoever polls
// first in and can keep an early writer waiting past its busy timeout. Reads (WAL) never wait for
// it. PostgreSQL locks rows, not the database: its writers need no gate. Not included by
// <relate/relate.hpp>: it brings <mutex> and <condition_variable>.

#include <relate/database.hpp>
#include <relate/detail/core/text.hpp>
#include <relate/error.hpp>
#include <relate/options.hpp>
#include <relate/sqlite/write_gate.hpp>

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace relate {

namespace detail {

/// SQLite counts every allocation of every connection under one process-wide lock (its memory
/// statistics, sqlite3_memory_used()), which keeps threads reading through their own connections
/// from running at once. The statistics can only be switched off before SQLite is first used: a
/// pool made first does so; otherwise SQLite refuses (SQLITE_MISUSE, which a SQLITE_CONFIG_LOG
/// callback sees) and nothing changes. Like any sqlite3_config call it must not race with another
/// thread starting SQLite: a pool is made before the threads that use it.
inline void stop_sqlite_memory_statistics() noexcept { static_cast<void>(sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0)); }

/// A ticket lock: writers are let through in the order they arrived. One whose turn does not come
/// within the busy timeout gives up as SQLite would, with SQLITE_BUSY, and its ticket is skipped.
class fifo_write_gate final : public sqlite::write_gate {
public:
    explicit fifo_write_gate(std::chrono::milliseconds timeout) : timeout_(timeout) {}

    void enter() override {
        std::unique_lock lock(mutex_);
        const std::uint64_t ticket = next_++;
        if (turn_.wait_for(lock, timeout_, [&] { return serving_ == ticket; })) return;
        abandoned_.push_back(ticket);
        throw sql_error(detail::format("relate: database is locked: the pool's other writers kept it for the whole "
                                       "busy timeout ({} ms)\n  in: BEGIN IMMEDIATE",
                                       timeout_.count()),
                        SQLITE_BUSY, SQLITE_BUSY, "BEGIN IMMEDIATE");
    }

    void leave() noexcept override {
        {
            const std::lock_guard lock(mutex_);
            ++serving_;
            while (std::erase(abandoned_, serving_) != 0) ++serving_;
        }
        turn_.notify_all();
    }

private:
    std::chrono::milliseconds timeout_;
    std::mutex mutex_;
    std::condition_variable turn_;
    std::uint64_t next_ = 0;                ///< the ticket the next writer draws
    std::uint64_t serving_ = 0;             ///< the ticket whose writer may go
    std::vector<std::uint64_t> abandoned_;  ///< tickets of writers that timed out, still ahead
};

}  // namespace detail

/// `size` connections to the database at `path` (a file, or a PostgreSQL connection string),
/// opened with `options`; acquire() lends one. The pool must outlive its handles.
template <class Database>
class pool {
    using backend = typename Database::backend_type;
    static_assert(std::is_same_v<Database, basic_database<backend>>,
                  "relate: relate::pool holds relate::database or relate::postgres::database connections");
    static constexpr bool on_sqlite = std::is_same_v<backend, sqlite::backend>;

public:
    /// A connection lent by the pool, used like a pointer to the relate::database; it goes back
    /// when the handle goes. Move-only; one thread at a time.
    class handle {
    public:
        handle(handle&& other) noexcept : pool_(std::exchange(other.pool_, nullptr)), slot_(other.slot_) {}
        handle& operator=(handle&& other) noexcept {
            if (this != &other) {
                give_back();
                pool_ = std::exchange(other.pool_, nullptr);
                slot_ = other.slot_;
            }
            return *this;
        }
        handle(const handle&) = delete;
        handle& operator=(const handle&) = delete;
        ~handle() { give_back(); }

        Database& operator*() const noexcept { return *pool_->slots_[slot_]; }
        Database* operator->() const noexcept { return pool_->slots_[slot_].get(); }

    private:
        friend class pool;
        handle(pool& owner, std::size_t slot) noexcept : pool_(&owner), slot_(slot) {}
        void give_back() noexcept {
            if (pool_ != nullptr) std::exchange(pool_, nullptr)->release(slot_);
        }

        pool* pool_;
        std::size_t slot_;
    };

    /// Opens the `size` connections now: a file that cannot be opened is the constructor's error.
    pool(std::string path, std::size_t size, database_options options = {})
        : path_(std::move(path)), options_(options), gate_(options.busy_timeout), slots_(size) {
        if (size == 0) throw error("relate: a pool needs at least one connection");
        if constexpr (on_sqlite) detail::stop_sqlite_memory_statistics();
        free_.reserve(size);  // release() pushes without allocating
        for (std::size_t slot = size; slot-- > 0;) {
            slots_[slot] = open();
            free_.push_back(slot);
        }
    }
    pool(const pool&) = delete;
    pool& operator=(const pool&) = delete;

    /// A connection; waits as long as it takes for one to come back when all are out.
    handle acquire() {
        std::unique_lock lock(mutex_);
        returned_.wait(lock, [&] { return !free_.empty(); });
        return take(lock);
    }

    /// A connection, waiting at most `timeout` for one to come back: relate::pool_timeout otherwise.
    handle acquire(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        if (!returned_.wait_for(lock, timeout, [&] { return !free_.empty(); }))
            throw pool_timeout(detail::format(
                "relate: all {} connections of the pool stayed in use for {} ms; hold handles for shorter spans or "
                "open the pool with more connections",
                slots_.size(), timeout.count()));
        return take(lock);
    }

    [[nodiscard]] std::size_t size() const noexcept { return slots_.size(); }

private:
    std::unique_ptr<Database> open() {
        auto db = std::make_unique<Database>(path_, options_);
        if constexpr (on_sqlite) db->connection().set_write_gate(&gate_);
        return db;
    }

    /// Lends a free slot, opening its connection first if it was closed or broke while it waited
    /// (a server that dropped it); a failure to open reaches the acquirer and leaves the slot
    /// free. Only the borrower touches slots_[slot].
    handle take(std::unique_lock<std::mutex>& lock) {
        const std::size_t slot = free_.back();
        free_.pop_back();
        lock.unlock();
        if (slots_[slot] != nullptr && slots_[slot]->connection().broken()) slots_[slot].reset();
        if (slots_[slot] == nullptr) {
            try {
                slots_[slot] = open();
            } catch (...) {
                release(slot);
                throw;
            }
        }
        return handle(*this, slot);
    }

    /// Takes a slot back. A connection left in a transaction is rolled back; one that cannot be
    /// made clean is closed (which rolls back what is left) and opened anew by the next acquire,
    /// as is one that broke (take() checks, once per lend).
    void release(std::size_t slot) noexcept {
        if (slots_[slot] != nullptr && !clean(slots_[slot]->connection())) slots_[slot].reset();
        {
            const std::lock_guard lock(mutex_);
            free_.push_back(slot);
        }
        returned_.notify_one();
    }

    static bool clean(typename backend::connection& conn) noexcept {
        if (!conn.in_transaction()) return true;
        try {
            conn.control("ROLLBACK");
        } catch (...) {
            return false;
        }
        return !conn.in_transaction();
    }

    std::string path_;
    database_options options_;
    detail::fifo_write_gate gate_;                 ///< SQLite's; outlives the connections pointing at it
    std::vector<std::unique_ptr<Database>> slots_;  ///< null: closed, opened by the next acquire
    std::mutex mutex_;
    std::condition_variable returned_;
    std::vector<std::size_t> free_;  ///< slots to lend, last returned first
};

}  // namespace relate
