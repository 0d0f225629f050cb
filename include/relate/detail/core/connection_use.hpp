#pragma once
// One thread's use of a connection, from the first call until the last statement lease and
// transaction end: another thread that starts using the connection meanwhile gets
// relate::concurrent_use_error instead of corrupting it. Nested uses by the same thread count.
// Every backend's connection derives from thread_owner; statement_lease is its cached
// statements' handle, and sql_hash the hash of its cache's SQL text.

#include <relate/error.hpp>

#include <functional>
#include <memory>
#include <string_view>
#include <utility>

namespace relate::detail {

class connection_use;

/// The thread using a connection, and how many uses it holds.
class thread_owner {
protected:
    thread_owner() = default;
    ~thread_owner() = default;

private:
    friend class connection_use;

    /// A different address in each thread: who uses the connection, without <thread>.
    static const void* this_thread_mark() noexcept {
        static thread_local const char mark = 0;
        return &mark;
    }

    /// The owner is exchanged with GCC's atomic builtins (g++ and clang++ have them), not
    /// std::atomic, whose header every file including relate would parse.
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

    const void* user_ = nullptr;  ///< this_thread_mark() of the thread using the connection
    int uses_ = 0;                ///< touched only by the thread in user_
};

class connection_use {
public:
    explicit connection_use(thread_owner& owner) : owner_(&owner) { owner.enter(); }
    connection_use(connection_use&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
    connection_use(const connection_use&) = delete;
    connection_use& operator=(const connection_use&) = delete;
    connection_use& operator=(connection_use&&) = delete;
    ~connection_use() {
        if (owner_ != nullptr) owner_->leave();
    }

private:
    thread_owner* owner_;
};

/// A statement borrowed from a connection's cache; it is reset and given back when the lease ends.
template <class Statement>
class statement_lease {
public:
    statement_lease(connection_use use, Statement& cached) : use_(std::move(use)), statement_(&cached) {
        cached.set_in_use(true);
    }
    statement_lease(connection_use use, std::unique_ptr<Statement> owned)
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

    Statement& operator*() const noexcept { return *statement_; }
    Statement* operator->() const noexcept { return statement_; }

private:
    connection_use use_;                // released last, after the reset
    std::unique_ptr<Statement> owned_;  // set only when the cached one was already busy
    Statement* statement_;
};

/// Finds a cached statement by a string_view of its SQL, without making a std::string.
struct sql_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const noexcept { return std::hash<std::string_view>{}(sql); }
};

}  // namespace relate::detail
