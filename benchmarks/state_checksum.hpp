#pragma once
// The checksum of a write workload: every row of every table, read back by plain SQL after the
// write and digested with the formulas of checksum.hpp. Rows are summed per table, so their order
// does not matter; a post_tags link is digested as a pair, so moving it changes the sum.

#include "checksum.hpp"
#include "hand_workloads.hpp"

#include <sqlite3.h>

#include <cstdint>

namespace bench {

inline std::uint64_t state_checksum(sqlite3* db) {
    using namespace hand_written;
    const auto sum_rows = [&](const char* sql, auto digest_row) {
        statement st(db, sql);
        std::uint64_t sum = 0;
        while (st.step()) sum += digest_row(st.get());
        return sum;
    };
    std::uint64_t h = 0;
    h = checksum::mix(h, sum_rows("SELECT id, name, email FROM users",
                                  [](sqlite3_stmt* st) { return checksum::user(read_user(st)); }));
    h = checksum::mix(h, sum_rows("SELECT id, userId, bio FROM profiles",
                                  [](sqlite3_stmt* st) { return checksum::profile(read_profile(st)); }));
    h = checksum::mix(h, sum_rows("SELECT id, userId, title FROM posts",
                                  [](sqlite3_stmt* st) { return checksum::post(read_post(st)); }));
    h = checksum::mix(h, sum_rows("SELECT id, name FROM tags", [](sqlite3_stmt* st) {
        return checksum::tag(tag_row{sqlite3_column_int64(st, 0), text(st, 1)});
    }));
    h = checksum::mix(h, sum_rows("SELECT postId, tagId FROM post_tags", [](sqlite3_stmt* st) {
        return checksum::child(checksum::value(sqlite3_column_int64(st, 0)), checksum::value(sqlite3_column_int64(st, 1)));
    }));
    return h;
}

}  // namespace bench
