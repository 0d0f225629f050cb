#pragma once
// RAII prepared statement. Counts one execution per run in the connection's statistics.

#include <relate/sqlite/error.hpp>
#include <relate/sqlite/value.hpp>
#include <relate/detail/core/chrono.hpp>

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relate::sqlite {

/// Counters a connection keeps; `statements` counts executions of data statements.
struct statistics {
    std::uint64_t statements = 0;
};

/// Sees each statement run: its SQL text (placeholders, not values) and the time from its first
/// step to its reset, rows read included.
using statement_observer = std::function<void(std::string_view sql, std::chrono::nanoseconds duration)>;

/// One run of a statement of any backend, as its connection's statistics and observer see it:
/// counted when it starts, reported (SQL text and time, rows read included) when it ends.
class statement_run {
public:
    /// `observer`, when given, points at the connection's observer (which may be empty).
    statement_run(statistics& stats, const statement_observer* observer) noexcept
        : stats_(&stats), observer_(observer) {}

    /// Counts the run and starts its clock; later calls in the same run do nothing.
    void start() {
        if (running_) return;
        running_ = true;
        ++stats_->statements;
        if (observed()) started_ = std::chrono::steady_clock::now();
    }

    /// Reports the run, if one started. Runs in destructors (a statement's reset): an observer's
    /// exception is swallowed, a logger must not break it.
    void end(std::string_view sql) noexcept {
        if (running_ && observed()) {
            try {
                (*observer_)(sql, std::chrono::steady_clock::now() - started_);
            } catch (...) {  // NOLINT(bugprone-empty-catch): see above
            }
        }
        running_ = false;
    }

    [[nodiscard]] bool running() const noexcept { return running_; }

private:
    [[nodiscard]] bool observed() const noexcept { return observer_ != nullptr && *observer_; }

    statistics* stats_;
    const statement_observer* observer_;
    std::chrono::steady_clock::time_point started_;
    bool running_ = false;
};

/// One result cell, read with sqlite3_value_* calls: one statement API call per column instead
/// of two (type, then value). The value is what SQLite calls unprotected: valid until the next
/// step or reset, and safe to read because a connection is used by one thread at a time.
class cell {
public:
    explicit cell(sqlite3_value* v) noexcept : v_(v) {}
    [[nodiscard]] int type() const noexcept { return sqlite3_value_type(v_); }
    [[nodiscard]] std::int64_t int64() const noexcept { return sqlite3_value_int64(v_); }
    [[nodiscard]] double real() const noexcept { return sqlite3_value_double(v_); }
    /// The text (empty for NULL); sqlite3_value_text before _bytes, as SQLite asks.
    [[nodiscard]] std::string_view text() const noexcept {
        const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(v_));
        return {text == nullptr ? "" : text, static_cast<std::size_t>(sqlite3_value_bytes(v_))};
    }
    /// The bytes (empty for NULL and for a zero-length BLOB, whose pointer is null).
    [[nodiscard]] std::span<const std::byte> blob() const noexcept {
        const auto* data = static_cast<const std::byte*>(sqlite3_value_blob(v_));
        return {data, data == nullptr ? 0 : static_cast<std::size_t>(sqlite3_value_bytes(v_))};
    }

private:
    sqlite3_value* v_;
};

/// A cell (of any backend's statement) as an owned value, whatever its storage class.
template <class Cell>
value owned(const Cell& c) {
    switch (c.type()) {
        case SQLITE_INTEGER: return c.int64();
        case SQLITE_FLOAT: return c.real();
        case SQLITE_NULL: return nullptr;
        case SQLITE_BLOB: {
            const auto bytes = c.blob();
            return std::vector<std::byte>(bytes.begin(), bytes.end());
        }
        default: return std::string(c.text());
    }
}

/// Binds an owned value to parameter `index` of any backend's statement.
template <class St>
void bind_owned(St& st, int index, const value& v) {
    struct binder {
        St& s;
        int i;
        void operator()(std::nullptr_t) const { s.bind_null(i); }
        void operator()(std::int64_t x) const { s.bind_int64(i, x); }
        void operator()(double x) const { s.bind_double(i, x); }
        void operator()(const std::string& x) const { s.bind_text(i, x); }
        void operator()(const std::vector<std::byte>& x) const { s.bind_blob(i, x); }
    };
    std::visit(binder{st, index}, v);
}

/// Whether SQLite copies bound text and blobs, or borrows them from the caller.
enum class bind_lifetime { copied, lent };

class statement {
public:
    /// `observer`, when given, points at the connection's observer (which may be empty).
    statement(sqlite3* db, std::string sql, statistics& stats, const statement_observer* observer = nullptr)
        : db_(db), sql_(std::move(sql)), run_(stats, observer) {
        const int rc = sqlite3_prepare_v3(db_, sql_.data(), static_cast<int>(sql_.size()), SQLITE_PREPARE_PERSISTENT,
                                          &stmt_, nullptr);
        if (rc != SQLITE_OK) throw_error(db_, rc, sql_);
    }
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    ~statement() { sqlite3_finalize(stmt_); }

    void bind_null(int index) { check_bind(sqlite3_bind_null(stmt_, index)); }
    void bind_int64(int index, std::int64_t v) { check_bind(sqlite3_bind_int64(stmt_, index, v)); }
    void bind_double(int index, double v) { check_bind(sqlite3_bind_double(stmt_, index, v)); }
    /// Text and blobs are copied unless the caller lends them: `lent` saves a copy and is only for
    /// bytes that stay alive and unchanged until the statement is stepped and reset.
    void bind_text(int index, std::string_view v, bind_lifetime lifetime = bind_lifetime::copied) {
        check_bind(sqlite3_bind_text64(stmt_, index, v.data(), v.size(), destructor_for(lifetime), SQLITE_UTF8));
    }
    void bind_blob(int index, std::span<const std::byte> v, bind_lifetime lifetime = bind_lifetime::copied) {
        // A non-null pointer even for an empty blob, so it is stored as a zero-length BLOB, not NULL.
        static const std::byte empty{};
        check_bind(sqlite3_bind_blob64(stmt_, index, v.empty() ? &empty : v.data(), v.size(), destructor_for(lifetime)));
    }
    void bind_value(int index, const value& v) { bind_owned(*this, index, v); }

    /// Runs to the next row: true when a row is ready, false when done. Throws sql_error.
    bool step() {
        run_.start();
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        throw_error(db_, rc, sql_);
    }

    /// SQLite finds rows as it steps: how many there are is not known before the last one.
    [[nodiscard]] static constexpr std::size_t rows_known() noexcept { return 0; }

    /// Ready for the next run: rewinds and clears every binding.
    void reset() noexcept {
        run_.end(sql_);
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }

    [[nodiscard]] int column_count() const noexcept { return sqlite3_column_count(stmt_); }
    [[nodiscard]] int column_type(int i) const noexcept { return sqlite3_column_type(stmt_, i); }
    [[nodiscard]] std::int64_t column_int64(int i) const noexcept { return sqlite3_column_int64(stmt_, i); }
    [[nodiscard]] double column_double(int i) const noexcept { return sqlite3_column_double(stmt_, i); }
    [[nodiscard]] std::string_view column_text(int i) const noexcept { return column(i).text(); }
    [[nodiscard]] std::span<const std::byte> column_blob(int i) const noexcept { return column(i).blob(); }
    /// Result column i, its type and value read together.
    [[nodiscard]] cell column(int i) const noexcept { return cell(sqlite3_column_value(stmt_, i)); }
    /// Result column i as an owned value, whatever its storage class.
    [[nodiscard]] value column_value(int i) const { return owned(column(i)); }

    [[nodiscard]] const std::string& sql() const noexcept { return sql_; }
    [[nodiscard]] sqlite3_stmt* handle() const noexcept { return stmt_; }
    [[nodiscard]] bool in_use() const noexcept { return in_use_; }
    void set_in_use(bool in_use) noexcept { in_use_ = in_use; }

private:
    static sqlite3_destructor_type destructor_for(bind_lifetime lifetime) noexcept {
        return lifetime == bind_lifetime::lent ? SQLITE_STATIC : SQLITE_TRANSIENT;
    }
    void check_bind(int rc) {
        if (rc != SQLITE_OK) throw_error(db_, rc, sql_);
    }

    sqlite3* db_;
    std::string sql_;
    statement_run run_;
    sqlite3_stmt* stmt_ = nullptr;
    bool in_use_ = false;
};

}  // namespace relate::sqlite
