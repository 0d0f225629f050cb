#pragma once
// What the migration tests share: reading the schema and rows back, and catching the
// relate::schema_error a migration throws.

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace migration_support {

inline std::int64_t scalar(relate::database& db, const std::string& sql) {
    auto st = db.connection().prepare(sql);
    REQUIRE(st->step());
    return st->column_int64(0);
}

inline std::vector<std::string> strings(relate::database& db, const std::string& sql) {
    auto st = db.connection().prepare(sql);
    std::vector<std::string> out;
    while (st->step()) out.emplace_back(st->column_text(0));
    return out;
}

/// Every object of the schema with its SQL: equal before and after means nothing changed.
inline std::vector<std::string> schema_objects(relate::database& db) {
    return strings(db, "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_schema ORDER BY name");
}

inline std::vector<std::string> applied(relate::database& db) {
    return strings(db, "SELECT name FROM relate_migrations ORDER BY id");
}

/// One row of PRAGMA table_info: name, declared type, notnull, default, pk.
using column_info = std::tuple<std::string, std::string, int, std::string, int>;

inline std::vector<column_info> table_info(relate::database& db, const std::string& table) {
    auto st = db.connection().prepare(
        "SELECT name, type, \"notnull\", coalesce(dflt_value, '-'), pk FROM pragma_table_info(?) ORDER BY cid");
    st->bind_text(1, table);
    std::vector<column_info> out;
    while (st->step())
        out.emplace_back(std::string(st->column_text(0)), std::string(st->column_text(1)),
                         static_cast<int>(st->column_int64(2)), std::string(st->column_text(3)),
                         static_cast<int>(st->column_int64(4)));
    return out;
}

/// "userId -> users.id ON DELETE CASCADE" for each foreign key of a table.
inline std::vector<std::string> foreign_keys(relate::database& db, const std::string& table) {
    return strings(db, "SELECT \"from\" || ' -> ' || \"table\" || '.' || coalesce(\"to\", '?') || ' ON DELETE ' || "
                       "on_delete FROM pragma_foreign_key_list('" + table + "') ORDER BY \"from\"");
}

inline std::vector<std::string> indexes(relate::database& db, const std::string& table) {
    return strings(db, "SELECT name FROM pragma_index_list('" + table + "') WHERE origin = 'c' ORDER BY name");
}

/// The what() of the relate::schema_error f throws; the test fails when it throws nothing.
template <class F>
std::string schema_error_of(F&& f) {
    try {
        f();
    } catch (const relate::schema_error& e) {
        return e.what();
    }
    FAIL("no relate::schema_error was thrown");
    return {};
}

inline relate::migration single_step(std::string name, std::function<void(relate::schema&)> up) {
    return relate::migration{std::move(name), std::move(up), {}};
}

}  // namespace migration_support
