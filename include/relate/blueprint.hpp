#pragma once
// relate::blueprint: what a migration says about one table, in the spirit of Superflare's
// Schema.create("posts", table => ...). It only records; relate::schema turns it into SQL.
//
//   s.create("posts", [](relate::blueprint& t) {
//       t.id();
//       t.integer("userId").references("users").on_delete(relate::cascade);
//       t.text("title");
//       t.timestamps();
//   });
//
// Names are checked when they are given (relate::schema_error) and always quoted in SQL.

#include <relate/column_type.hpp>
#include <relate/detail/column_io.hpp>
#include <relate/detail/identifier.hpp>
#include <relate/detail/sql_literal.hpp>
#include <relate/error.hpp>
#include <relate/relation.hpp>

#include <fmt/format.h>

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relate {

namespace detail {

/// Where a foreign key points, and what deleting the parent row does to its rows.
struct foreign_reference {
    std::string table;
    std::string column;
    delete_policy on_delete = delete_policy::restrict;  // relate's default, as for relations
};

struct column_spec {
    std::string name;
    std::string_view type;  ///< INTEGER, REAL, TEXT or BLOB: the affinity relate's models expect
    bool primary_key = false;
    bool nullable = false;
    std::optional<std::string> default_sql;  ///< a literal
    bool unique = false;
    std::optional<foreign_reference> reference;
    bool change = false;  ///< redefines an existing column (schema::table only)
};

struct index_spec {
    std::string name;
    std::vector<std::string> columns;
    bool unique = false;
};

struct foreign_key_spec {
    std::string column;
    foreign_reference reference;
};

}  // namespace detail

/// One column of a blueprint; its modifiers chain: t.text("bio").nullable().default_value("").
class column_blueprint {
public:
    column_blueprint(std::string_view table, std::string_view name, std::string_view type) : table_(table) {
        detail::validate_identifier(name, "column");
        spec_.name = std::string(name);
        spec_.type = type;
    }

    /// NULL allowed (columns are NOT NULL unless they say otherwise, as non-optional fields are).
    column_blueprint& nullable(bool allowed = true) {
        spec_.nullable = allowed;
        return *this;
    }

    /// DEFAULT for rows that give no value: any column type (42, "draft", true, a sys_time...).
    template <class V>
        requires column_value<V>
    column_blueprint& default_value(const V& value) {
        spec_.default_sql = detail::sql_literal(detail::to_value(value));
        return *this;
    }
    column_blueprint& default_value(std::string_view text) { return default_value(std::string(text)); }

    /// A unique index on this column alone, named <table>_<column>_unique.
    column_blueprint& unique() {
        spec_.unique = true;
        return *this;
    }

    /// A foreign key to table(column), ON DELETE RESTRICT unless on_delete says otherwise. The
    /// column also gets an index, as relate's own tables do.
    column_blueprint& references(std::string_view table, std::string_view column = "id") {
        detail::validate_identifier(table, "table");
        detail::validate_identifier(column, "column");
        spec_.reference = detail::foreign_reference{std::string(table), std::string(column)};
        return *this;
    }

    /// What deleting the parent row does: relate::cascade, relate::set_null or relate::restrict.
    column_blueprint& on_delete(delete_policy policy) {
        if (!spec_.reference)
            throw schema_error(fmt::format("relate: on_delete on {}.{} needs references(...) before it", table_,
                                           spec_.name));
        spec_.reference->on_delete = policy;
        return *this;
    }

    /// Redefines an existing column of the same name (type, NULL, default; a references() given
    /// here replaces the column's foreign key). Only in schema::table; rebuilds the table.
    column_blueprint& change() {
        spec_.change = true;
        return *this;
    }

    [[nodiscard]] const detail::column_spec& spec() const noexcept { return spec_; }

private:
    friend class blueprint;
    std::string table_;
    detail::column_spec spec_;
};

/// A foreign key added to an existing column: t.foreign("userId").references("users").
class foreign_key_blueprint {
public:
    explicit foreign_key_blueprint(std::string_view column) {
        detail::validate_identifier(column, "column");
        spec_.column = std::string(column);
        spec_.reference.column = "id";
    }

    foreign_key_blueprint& references(std::string_view table, std::string_view column = "id") {
        detail::validate_identifier(table, "table");
        detail::validate_identifier(column, "column");
        spec_.reference.table = std::string(table);
        spec_.reference.column = std::string(column);
        return *this;
    }

    foreign_key_blueprint& on_delete(delete_policy policy) {
        spec_.reference.on_delete = policy;
        return *this;
    }

    [[nodiscard]] const detail::foreign_key_spec& spec() const noexcept { return spec_; }

private:
    detail::foreign_key_spec spec_;
};

/// What a migration says about one table. In schema::create every call adds to the new table;
/// in schema::table columns are added (or changed with change()), and columns, indexes and
/// foreign keys can be dropped or renamed.
class blueprint {
public:
    explicit blueprint(std::string_view table) : table_(table) { detail::validate_identifier(table, "table"); }

    /// The integer primary key SQLite assigns on insert (a model's `std::int64_t id`).
    column_blueprint& id(std::string_view name = "id") {
        column_blueprint& column = add(name, "INTEGER");
        column.spec_.primary_key = true;
        return column;
    }
    column_blueprint& integer(std::string_view name) { return add(name, "INTEGER"); }
    column_blueprint& real(std::string_view name) { return add(name, "REAL"); }
    column_blueprint& text(std::string_view name) { return add(name, "TEXT"); }
    column_blueprint& blob(std::string_view name) { return add(name, "BLOB"); }
    /// Stored as 0 / 1, as relate stores bool.
    column_blueprint& boolean(std::string_view name) { return add(name, "INTEGER"); }
    /// Stored as ISO-8601 text, as relate stores std::chrono::sys_time.
    column_blueprint& timestamp(std::string_view name) { return add(name, "TEXT"); }
    /// createdAt and updatedAt, nullable timestamps (std::optional<std::chrono::sys_seconds> fields).
    void timestamps() {
        timestamp("createdAt").nullable();
        timestamp("updatedAt").nullable();
    }

    /// A primary key over several columns (a junction table's pair). schema::create only.
    void primary(std::vector<std::string> columns) {
        validate_columns(columns);
        primary_key_ = std::move(columns);
    }
    /// An index named <table>_<columns>_index.
    void index(std::vector<std::string> columns) { add_index(std::move(columns), false); }
    /// A unique index named <table>_<columns>_unique.
    void unique(std::vector<std::string> columns) { add_index(std::move(columns), true); }

    /// A foreign key on an existing column. schema::table only; rebuilds the table.
    foreign_key_blueprint& foreign(std::string_view column) { return foreign_keys_.emplace_back(column); }
    /// Drops the foreign key on `column`. schema::table only; rebuilds the table.
    void drop_foreign(std::string_view column) { dropped_foreign_keys_.push_back(checked(column, "column")); }
    /// Drops a column, with the indexes, unique constraints and foreign keys that use it.
    /// schema::table only; rebuilds the table.
    void drop_column(std::string_view name) { dropped_columns_.push_back(checked(name, "column")); }
    void rename_column(std::string_view from, std::string_view to) {
        renamed_columns_.emplace_back(checked(from, "column"), checked(to, "column"));
    }
    void drop_index(std::string_view name) { dropped_indexes_.push_back(checked(name, "index")); }

    [[nodiscard]] const std::string& table() const noexcept { return table_; }
    [[nodiscard]] const std::deque<column_blueprint>& columns() const noexcept { return columns_; }
    [[nodiscard]] const std::vector<std::string>& primary_key() const noexcept { return primary_key_; }
    [[nodiscard]] const std::vector<detail::index_spec>& indexes() const noexcept { return indexes_; }
    [[nodiscard]] const std::deque<foreign_key_blueprint>& foreign_keys() const noexcept { return foreign_keys_; }
    [[nodiscard]] const std::vector<std::string>& dropped_foreign_keys() const noexcept {
        return dropped_foreign_keys_;
    }
    [[nodiscard]] const std::vector<std::string>& dropped_columns() const noexcept { return dropped_columns_; }
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& renamed_columns() const noexcept {
        return renamed_columns_;
    }
    [[nodiscard]] const std::vector<std::string>& dropped_indexes() const noexcept { return dropped_indexes_; }

private:
    static std::string checked(std::string_view name, std::string_view what) {
        detail::validate_identifier(name, what);
        return std::string(name);
    }

    void validate_columns(const std::vector<std::string>& columns) const {
        if (columns.empty()) throw schema_error(fmt::format("relate: an index or key of {} needs a column", table_));
        for (const auto& column : columns) detail::validate_identifier(column, "column");
    }

    column_blueprint& add(std::string_view name, std::string_view type) {
        // A deque: references returned earlier stay valid as columns are added.
        return columns_.emplace_back(table_, name, type);
    }

    void add_index(std::vector<std::string> columns, bool unique) {
        validate_columns(columns);
        std::string name = fmt::format("{}_{}_{}", table_, fmt::join(columns, "_"), unique ? "unique" : "index");
        detail::validate_identifier(name, "index");
        indexes_.push_back({std::move(name), std::move(columns), unique});
    }

    std::string table_;
    std::deque<column_blueprint> columns_;
    std::vector<std::string> primary_key_;
    std::vector<detail::index_spec> indexes_;
    std::deque<foreign_key_blueprint> foreign_keys_;
    std::vector<std::string> dropped_foreign_keys_;
    std::vector<std::string> dropped_columns_;
    std::vector<std::pair<std::string, std::string>> renamed_columns_;
    std::vector<std::string> dropped_indexes_;
};

}  // namespace relate
