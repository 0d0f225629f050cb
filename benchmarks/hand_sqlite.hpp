#pragma once
// The few helpers the hand-written twins share: an owned prepared statement, nullable column
// reads, and IN-list statements chunked under SQLite's bound-variable limit. Plain sqlite3 C API.

#include <sqlite3.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
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

/// A prepared statement, finalized when it goes; prepared once and reset between runs.
class statement {
public:
    statement(sqlite3* db, const std::string& sql) {
        const int rc =
            sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &st_, nullptr);
        if (rc != SQLITE_OK) fail(db, sql);
    }
    statement(statement&& other) noexcept : st_(std::exchange(other.st_, nullptr)) {}
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    statement& operator=(statement&&) = delete;
    ~statement() { sqlite3_finalize(st_); }

    [[nodiscard]] sqlite3_stmt* get() const noexcept { return st_; }

    /// Steps to the next row; false when done. Throws on an error.
    bool step() {
        const int rc = sqlite3_step(st_);
        if (rc == SQLITE_ROW) return true;
        if (rc != SQLITE_DONE) fail(sqlite3_db_handle(st_), sqlite3_sql(st_));
        return false;
    }
    /// Runs a statement that returns no rows, ready for the next run.
    void run() {
        step();
        sqlite3_reset(st_);
    }

private:
    sqlite3_stmt* st_ = nullptr;
};

inline std::string text(sqlite3_stmt* st, int i) {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
    return data == nullptr ? std::string() : std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
}
inline std::optional<std::string> nullable_text(sqlite3_stmt* st, int i) {
    if (sqlite3_column_type(st, i) == SQLITE_NULL) return std::nullopt;
    return text(st, i);
}
inline std::optional<std::int64_t> nullable_int(sqlite3_stmt* st, int i) {
    if (sqlite3_column_type(st, i) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_int64(st, i);
}

/// `<head> IN (?, ..., ?)<tail>` over many keys: one statement per chunk of at most the
/// bound-variable limit, each length prepared once and kept for the next run.
class in_list_query {
public:
    in_list_query(sqlite3* db, std::string head, std::string tail = "")
        : db_(db), head_(std::move(head)), tail_(std::move(tail)) {}

    /// Calls on_row(st) for every row over every chunk of keys.
    template <class OnRow>
    void run(const std::vector<std::int64_t>& keys, OnRow&& on_row) {
        const auto limit = static_cast<std::size_t>(sqlite3_limit(db_, SQLITE_LIMIT_VARIABLE_NUMBER, -1));
        for (std::size_t start = 0; start < keys.size(); start += limit) {
            const std::size_t count = std::min(limit, keys.size() - start);
            sqlite3_stmt* st = for_length(count).get();
            for (std::size_t i = 0; i < count; ++i) sqlite3_bind_int64(st, static_cast<int>(i + 1), keys[start + i]);
            int rc;
            while ((rc = sqlite3_step(st)) == SQLITE_ROW) on_row(st);
            sqlite3_reset(st);
            if (rc != SQLITE_DONE) fail(db_, head_);
        }
    }

private:
    statement& for_length(std::size_t n) {
        auto found = by_length_.find(n);
        if (found != by_length_.end()) return found->second;
        std::string sql = head_ + " IN (";
        for (std::size_t i = 0; i < n; ++i) sql += i == 0 ? "?" : ", ?";
        sql += ")" + tail_;
        return by_length_.emplace(n, statement(db_, sql)).first->second;
    }

    sqlite3* db_;
    std::string head_;
    std::string tail_;
    std::unordered_map<std::size_t, statement> by_length_;
};

}  // namespace bench::hand_written
