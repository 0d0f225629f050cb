#pragma once
// Turns a SQLite result code into relate::sql_error with codes, message and SQL text.

#include <relate/error.hpp>

#include <relate/detail/core/text.hpp>
#include <sqlite3.h>

#include <string>
#include <string_view>

namespace relate::sqlite {

/// PostgreSQL's SQLSTATE for the constraint violations both engines report, so a program can test
/// one code on either; empty for the rest.
constexpr std::string_view sqlstate_of(int extended) noexcept {
    switch (extended) {
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY: return "23505";
        case SQLITE_CONSTRAINT_FOREIGNKEY: return "23503";
        case SQLITE_CONSTRAINT_NOTNULL: return "23502";
        case SQLITE_CONSTRAINT_CHECK: return "23514";
        default: return "";
    }
}

[[noreturn]] inline void throw_error(sqlite3* db, int result, std::string_view sql) {
    const int extended = db != nullptr ? sqlite3_extended_errcode(db) : result;
    const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(result);
    std::string text = detail::format("relate: SQLite error {} ({}): {}", extended, sqlite3_errstr(result), message);
    if (!sql.empty()) text += detail::format("\n  in: {}", sql.size() > 500 ? std::string(sql.substr(0, 500)) + "..." : std::string(sql));
    throw sql_error(text, result & 0xff, extended, std::string(sql), std::string(sqlstate_of(extended)));
}

}  // namespace relate::sqlite
