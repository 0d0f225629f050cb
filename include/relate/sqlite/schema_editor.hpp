#pragma once
// relate::schema's changes on SQLite: CREATE TABLE in SQLite's dialect, and schema::table through
// ALTER TABLE where it can and the table rebuild where it cannot (detail/schema/table_change.hpp).

#include <relate/blueprint.hpp>
#include <relate/detail/schema/ddl_runner.hpp>
#include <relate/detail/schema/live_schema.hpp>
#include <relate/detail/schema/schema_editor.hpp>
#include <relate/detail/schema/table_change.hpp>
#include <relate/detail/schema/table_creation.hpp>
#include <relate/detail/sql/identifier.hpp>
#include <relate/sqlite/connection.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace relate::sqlite {

/// A template on the backend: only a program that migrates compiles it.
template <class B>
class schema_editor final : public detail::schema_editor {
public:
    /// `log`, when given, receives every statement that changes the schema (db.pretend_migrate).
    explicit schema_editor(connection& conn, std::vector<std::string>* log = nullptr) : run_(conn, log) {}

    std::size_t longest_name() const noexcept override { return detail::max_identifier_length; }

    bool has_table(std::string_view table) override { return detail::table_exists(run_.conn(), table); }

    bool has_column(std::string_view table, std::string_view column) override {
        const auto live = detail::read_live_table(run_.conn(), table);
        return live && live->column(column) != nullptr;
    }

    void create(const blueprint& t) override {
        for (const auto& sql : detail::table_creation<B>(t).statements()) run_.run(sql);
    }

    void change(const blueprint& t) override { detail::table_change<B>(run_, t).apply(); }

    void run(const std::string& sql) override { run_.run(sql); }

private:
    detail::ddl_runner<connection> run_;
};

}  // namespace relate::sqlite
