#pragma once
// A full logical dump of a database: its schema and every row of every table, each value with its
// storage class, rows sorted. Two equal dumps mean equal content (tests of "nothing written").

#include <relate/relate.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <vector>

namespace test_support {

inline std::string dump_value(sqlite3_stmt* st, int i) {
    switch (sqlite3_column_type(st, i)) {
        case SQLITE_NULL: return "null";
        case SQLITE_INTEGER: return "i:" + std::to_string(sqlite3_column_int64(st, i));
        case SQLITE_FLOAT: return "f:" + std::to_string(sqlite3_column_double(st, i));
        default: {
            const auto* bytes = static_cast<const char*>(sqlite3_column_blob(st, i));
            const int size = sqlite3_column_bytes(st, i);
            const char* tag = sqlite3_column_type(st, i) == SQLITE_TEXT ? "t:" : "b:";
            return tag + std::string(bytes == nullptr ? "" : bytes, static_cast<std::size_t>(size));
        }
    }
}

/// Rows of one statement's result, each as its values joined by '|'.
inline std::vector<std::string> dump_rows(sqlite3* db, const std::string& sql) {
    std::vector<std::string> rows;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return {"cannot prepare " + sql};
    while (sqlite3_step(st) == SQLITE_ROW) {
        std::string row;
        for (int i = 0; i < sqlite3_column_count(st); ++i) row += dump_value(st, i) + "|";
        rows.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    return rows;
}

inline std::string dump(relate::database& db) {
    sqlite3* handle = db.connection().handle();
    std::string out;
    for (const auto& entry : dump_rows(handle, "SELECT type, name, sql FROM sqlite_schema ORDER BY type, name")) out += entry + "\n";
    for (const auto& table : dump_rows(handle, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")) {
        const std::string name = table.substr(2, table.size() - 3);  // "t:<name>|"
        std::vector<std::string> rows = dump_rows(handle, "SELECT * FROM \"" + name + "\"");
        std::sort(rows.begin(), rows.end());
        out += "== " + name + "\n";
        for (const auto& row : rows) out += row + "\n";
    }
    return out;
}

}  // namespace test_support
