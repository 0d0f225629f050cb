#pragma once
// What relate::schema asks of a backend to change tables. One migration runs on either backend:
// relate::schema checks names and what exists, and the backend's editor writes its own SQL
// (sqlite/schema_editor.hpp rebuilds a table where ALTER TABLE falls short; postgres/schema_editor.hpp
// alters it in place).

#include <relate/blueprint.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace relate::detail {

class schema_editor {
public:
    schema_editor() = default;
    schema_editor(const schema_editor&) = delete;
    schema_editor& operator=(const schema_editor&) = delete;
    virtual ~schema_editor() = default;

    /// The longest name the backend keeps whole.
    [[nodiscard]] virtual std::size_t longest_name() const noexcept = 0;
    [[nodiscard]] virtual bool has_table(std::string_view table) = 0;
    [[nodiscard]] virtual bool has_column(std::string_view table, std::string_view column) = 0;
    /// CREATE TABLE and the table's indexes; the table does not exist yet.
    virtual void create(const blueprint& t) = 0;
    /// The blueprint's operations on the existing table, in the order written.
    virtual void change(const blueprint& t) = 0;
    /// A statement of the change (DROP TABLE, a rename, the user's own SQL), written to the log.
    virtual void run(const std::string& sql) = 0;
};

}  // namespace relate::detail
