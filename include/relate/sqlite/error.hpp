#pragma once
// Turns a SQLite result code into relate::sql_error with codes, message and SQL text.

#include <relate/error.hpp>

#include <relate/detail/core/text.hpp>
#include <sqlite3.h>

#include <string>
#include <string_view>

namespace relate::sqlite {

[[noreturn]] inline void throw_error(sqlite3* db, int result, std::string_view sql) {
    const int extended = db != nullptr ? sqlite3_extended_errcode(db) : result;
    const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(result);
    std::string text = detail::format("relate: SQLite error {} ({}): {}", extended, sqlite3_errstr(result), message);
    if (!sql.empty()) text += detail::format("\n  in: {}", sql.size() > 500 ? std::string(sql.substr(0, 500)) + "..." : std::string(sql));
    throw sql_error(text, result & 0xff, extended, std::string(sql));
}

}  // namespace relate::sqlite
