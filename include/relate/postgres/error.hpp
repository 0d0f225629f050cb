#pragma once
// Turns a PostgreSQL failure into relate::sql_error: its SQLSTATE, the SQLite result codes of the
// same failure where one matches (so a program tests one code on either backend), the message
// and the SQL text.

#include <relate/error.hpp>

#include <relate/detail/core/text.hpp>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>

namespace relate::postgres {

struct clear_result {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
};
/// A libpq result, cleared when it goes.
using owned_result = std::unique_ptr<PGresult, clear_result>;

/// SQLite's primary and extended result codes for a SQLSTATE.
struct sqlite_codes {
    int code;
    int extended;
};

constexpr sqlite_codes codes_of(std::string_view sqlstate) noexcept {
    if (sqlstate == "23505") return {SQLITE_CONSTRAINT, SQLITE_CONSTRAINT_UNIQUE};
    if (sqlstate == "23503") return {SQLITE_CONSTRAINT, SQLITE_CONSTRAINT_FOREIGNKEY};
    if (sqlstate == "23502") return {SQLITE_CONSTRAINT, SQLITE_CONSTRAINT_NOTNULL};
    if (sqlstate == "23514") return {SQLITE_CONSTRAINT, SQLITE_CONSTRAINT_CHECK};
    if (sqlstate.starts_with("23")) return {SQLITE_CONSTRAINT, SQLITE_CONSTRAINT};
    // Lock and statement timeouts, serialization failures and deadlocks: try again later.
    if (sqlstate == "55P03" || sqlstate == "57014" || sqlstate == "40001" || sqlstate == "40P01") return {SQLITE_BUSY, SQLITE_BUSY};
    if (sqlstate.starts_with("08") || sqlstate.starts_with("57P")) return {SQLITE_IOERR, SQLITE_IOERR};
    return {SQLITE_ERROR, SQLITE_ERROR};
}

inline std::string with_statement(std::string text, std::string_view sql) {
    if (!sql.empty())
        text += detail::format("\n  in: {}", sql.size() > 500 ? std::string(sql.substr(0, 500)) + "..." : std::string(sql));
    return text;
}

/// The failure `result` reports (or, with no result, the connection's last error).
[[noreturn]] inline void throw_error(PGconn* conn, const PGresult* result, std::string_view sql) {
    const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    // A lost connection leaves no SQLSTATE: libpq's own class 08, connection exception.
    const std::string sqlstate = state != nullptr ? state : "08006";
    const char* primary = result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string message = primary != nullptr ? primary : (conn != nullptr ? PQerrorMessage(conn) : "no connection");
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    if (const char* detail = result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL) : nullptr)
        message += detail::format(" ({})", detail);
    const sqlite_codes codes = codes_of(sqlstate);
    throw sql_error(with_statement(detail::format("relate: PostgreSQL error {}: {}", sqlstate, message), sql), codes.code,
                    codes.extended, std::string(sql), sqlstate);
}

}  // namespace relate::postgres
