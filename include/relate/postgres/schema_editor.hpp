#pragma once
// relate::schema's changes on PostgreSQL: CREATE TABLE in PostgreSQL's dialect (BIGINT, identity
// keys, TIMESTAMPTZ...), and schema::table by ALTER TABLE in place (postgres/table_alteration.hpp).

#include <relate/blueprint.hpp>
#include <relate/detail/schema/ddl_runner.hpp>
#include <relate/detail/schema/schema_editor.hpp>
#include <relate/detail/schema/table_creation.hpp>
#include <relate/postgres/catalog.hpp>
#include <relate/postgres/connection.hpp>
#include <relate/postgres/table_alteration.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace relate::postgres {

/// PostgreSQL keeps 63 bytes of a name (NAMEDATALEN - 1) and cuts a longer one short.
inline constexpr std::size_t longest_identifier = 63;

/// A template on the backend: only a program that migrates compiles it.
template <class B>
class schema_editor final : public detail::schema_editor {
public:
    /// `log`, when given, receives every statement that changes the schema (db.pretend_migrate).
    explicit schema_editor(connection& conn, std::vector<std::string>* log = nullptr)
        : run_(conn, log, longest_identifier) {}

    std::size_t longest_name() const noexcept override { return longest_identifier; }

    bool has_table(std::string_view table) override { return table_exists(run_.conn(), table); }

    bool has_column(std::string_view table, std::string_view column) override {
        const auto live = read_live_table(run_.conn(), table);
        return live && column_named(*live, column) != nullptr;
    }

    void create(const blueprint& t) override {
        for (const auto& sql : detail::table_creation<B>(t).statements()) run_.run(sql);
    }

    void change(const blueprint& t) override { table_alteration<B>(run_, t).apply(); }

    void run(const std::string& sql) override { run_.run(sql); }

private:
    detail::ddl_runner<connection> run_;
};

}  // namespace relate::postgres
