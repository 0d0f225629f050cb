#pragma once
// The checksum of a write workload (W1, W6): every row of every table, read back by plain SQL
// after the timer stops and digested with the formulas of checksum.hpp. Rows are summed per
// table, so their order does not matter. Both twins call it on their own connection: SQLite's
// here, PostgreSQL's through state_checksum_of (postgres_hand_twin.hpp).

#include "checksum.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace bench {

namespace state_detail {

struct row {
    sqlite3_stmt* st;

    [[nodiscard]] std::int64_t integer(int i) const { return sqlite3_column_int64(st, i); }
    [[nodiscard]] std::optional<std::string> nullable_text(int i) const {
        const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
        if (data == nullptr) return std::nullopt;
        return std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
    }
    [[nodiscard]] std::string text(int i) const { return nullable_text(i).value_or(""); }
};

template <class Digest>
std::uint64_t sum_rows(sqlite3* db, const char* sql, Digest digest) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK)
        throw std::runtime_error(std::string("state checksum: ") + sqlite3_errmsg(db));
    const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> st(raw, sqlite3_finalize);
    std::uint64_t sum = 0;
    int rc;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) sum += digest(row{raw});
    if (rc != SQLITE_DONE) throw std::runtime_error(std::string("state checksum: ") + sqlite3_errmsg(db));
    return sum;
}

struct user_columns {
    std::int64_t id;
    std::string name, email;
};
struct profile_columns {
    std::int64_t id, userId;
    std::optional<std::string> bio;
};
struct post_columns {
    std::int64_t id, userId;
    std::string title, body;
};
struct tag_columns {
    std::int64_t id;
    std::string name;
};

}  // namespace state_detail

/// The checksum of every table, over `sum_rows(sql, digest)`, which runs the SELECT and returns the
/// sum of digest(row) over its rows (a row reads integer(i), text(i) and nullable_text(i)). The
/// column names are quoted, so the SQL reads the same tables on SQLite and on PostgreSQL.
template <class SumRows>
std::uint64_t state_checksum_of(SumRows sum_rows) {
    using namespace state_detail;
    std::uint64_t h = 0;
    h = checksum::mix(h, sum_rows("SELECT id, name, email FROM users", [](const auto& r) {
        return checksum::user(user_columns{r.integer(0), r.text(1), r.text(2)});
    }));
    h = checksum::mix(h, sum_rows("SELECT id, \"userId\", bio FROM profiles", [](const auto& r) {
        return checksum::profile(profile_columns{r.integer(0), r.integer(1), r.nullable_text(2)});
    }));
    h = checksum::mix(h, sum_rows("SELECT id, \"userId\", title, body FROM posts", [](const auto& r) {
        return checksum::post(post_columns{r.integer(0), r.integer(1), r.text(2), r.text(3)});
    }));
    h = checksum::mix(h, sum_rows("SELECT id, name FROM tags", [](const auto& r) {
        return checksum::tag(tag_columns{r.integer(0), r.text(1)});
    }));
    h = checksum::mix(h, sum_rows("SELECT \"postId\", \"tagId\" FROM post_tags",
                                  [](const auto& r) { return checksum::link(r.integer(0), r.integer(1)); }));
    return h;
}

inline std::uint64_t state_checksum(sqlite3* db) {
    return state_checksum_of([db](const char* sql, auto digest) { return state_detail::sum_rows(db, sql, digest); });
}

}  // namespace bench
