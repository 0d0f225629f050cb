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
#include <relate/detail/model/column_io.hpp>
#include <relate/detail/sql/identifier.hpp>
#include <relate/detail/sql/sql_literal.hpp>
#include <relate/detail/sql/value_kind.hpp>
#include <relate/error.hpp>
#include <relate/relation.hpp>

#include <relate/detail/core/text.hpp>

#include <cstddef>
#include <deque>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
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
    value_kind kind = value_kind::plain;  ///< boolean() and timestamp(): BOOLEAN and TIMESTAMPTZ where there are
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

/// A foreign key over one column or several: t.foreign({"a", "b"}).references("parent", {"x", "y"}).
struct foreign_key_spec {
    std::vector<std::string> columns;
    std::string table;  ///< the parent; empty until references()
    std::vector<std::string> parent_columns;
    delete_policy on_delete = delete_policy::restrict;
};

// What a blueprint records: one operation per call, kept in the order the migration wrote them,
// since each one sees the table as the ones before it left it.
struct add_column_op {
    std::size_t column;  ///< in blueprint::columns(); added, or redefined when it says change()
};
struct drop_column_op {
    std::string name;
};
struct rename_column_op {
    std::string from;
    std::string to;
};
struct add_index_op {
    index_spec index;
};
struct drop_index_op {
    std::string name;
};
struct rename_index_op {
    std::string from;
    std::string to;
};
struct add_foreign_op {
    std::size_t key;  ///< in blueprint::foreign_keys()
};
struct drop_foreign_op {
    std::vector<std::string> columns;
};
struct set_primary_op {
    std::vector<std::string> columns;
};
struct drop_primary_op {};

using table_operation = std::variant<add_column_op, drop_column_op, rename_column_op, add_index_op, drop_index_op,
                                     rename_index_op, add_foreign_op, drop_foreign_op, set_primary_op, drop_primary_op>;

inline std::vector<std::string> checked_names(std::vector<std::string> names, std::string_view what) {
    for (const auto& name : names) validate_identifier(name, what);
    return names;
}

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
        spec_.default_sql = detail::sql_literal(detail::to_value(value, {table_, spec_.name}));
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
            throw schema_error(detail::format("relate: on_delete on {}.{} needs references(...) before it", table_,
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
    template <class>
    friend class basic_blueprint;
    std::string table_;
    detail::column_spec spec_;
};

/// A foreign key on columns of the table: t.foreign("userId").references("users"), or over several
/// columns, t.foreign({"a", "b"}).references("parent", {"x", "y"}).
class foreign_key_blueprint {
public:
    foreign_key_blueprint(std::string_view table, std::vector<std::string> columns) {
        if (columns.empty()) throw schema_error(detail::format("relate: foreign(...) on {} needs a column", table));
        spec_.columns = detail::checked_names(std::move(columns), "column");
    }

    /// The parent's column (its id unless told otherwise), for a key over one column.
    foreign_key_blueprint& references(std::string_view table, std::string_view column = "id") {
        return references(table, std::vector<std::string>{std::string(column)});
    }
    /// The parent's columns, one for each column of the key, in the same order.
    foreign_key_blueprint& references(std::string_view table, std::initializer_list<std::string> columns) {
        return references(table, std::vector<std::string>(columns));
    }
    foreign_key_blueprint& references(std::string_view table, std::vector<std::string> columns) {
        detail::validate_identifier(table, "table");
        spec_.table = std::string(table);
        spec_.parent_columns = detail::checked_names(std::move(columns), "column");
        return *this;
    }

    foreign_key_blueprint& on_delete(delete_policy policy) {
        spec_.on_delete = policy;
        return *this;
    }

    [[nodiscard]] const detail::foreign_key_spec& spec() const noexcept { return spec_; }

private:
    detail::foreign_key_spec spec_;
};

/// What a migration says about one table. In schema::create every call adds to the new table;
/// in schema::table the calls change the table in the order they are written: columns are added
/// (or changed with change()), and columns, indexes, keys and foreign keys dropped or renamed.
/// The same blueprint serves every backend: each writes the column types in its own dialect.
/// Users name it relate::blueprint; a template only so that a program that does not migrate
/// compiles none of it.
template <class = void>
class basic_blueprint {
public:
    explicit basic_blueprint(std::string_view table) : table_(table) { detail::validate_identifier(table, "table"); }

    /// The integer primary key the database assigns on insert (a model's `std::int64_t id`).
    column_blueprint& id(std::string_view name = "id") {
        column_blueprint& column = add(name, "INTEGER");
        column.spec_.primary_key = true;
        return column;
    }
    column_blueprint& integer(std::string_view name) { return add(name, "INTEGER"); }
    column_blueprint& real(std::string_view name) { return add(name, "REAL"); }
    column_blueprint& text(std::string_view name) { return add(name, "TEXT"); }
    column_blueprint& blob(std::string_view name) { return add(name, "BLOB"); }
    /// As relate stores bool: 0 / 1 on SQLite, BOOLEAN on PostgreSQL.
    column_blueprint& boolean(std::string_view name) { return add(name, "INTEGER", detail::value_kind::boolean); }
    /// As relate stores std::chrono::sys_time: ISO-8601 text on SQLite, TIMESTAMPTZ on PostgreSQL.
    column_blueprint& timestamp(std::string_view name) { return add(name, "TEXT", detail::value_kind::time); }
    /// createdAt and updatedAt, nullable timestamps (std::optional<std::chrono::sys_seconds> fields).
    void timestamps() {
        timestamp("createdAt").nullable();
        timestamp("updatedAt").nullable();
    }

    /// A primary key over these columns (a junction table's pair). In schema::table it replaces
    /// none: drop_primary() first when the table has one. Rebuilds the table.
    void primary(std::vector<std::string> columns) {
        validate_columns(columns);
        operations_.emplace_back(detail::set_primary_op{std::move(columns)});
    }
    /// Drops the primary key, keeping its columns. schema::table only; rebuilds the table.
    void drop_primary() { operations_.emplace_back(detail::drop_primary_op{}); }

    /// An index, named <table>_<columns>_index unless `name` is given.
    void index(std::vector<std::string> columns, std::string_view name = {}) {
        add_index(std::move(columns), name, false);
    }
    /// A unique index, named <table>_<columns>_unique unless `name` is given.
    void unique(std::vector<std::string> columns, std::string_view name = {}) {
        add_index(std::move(columns), name, true);
    }
    /// Renames an index of the table (dropped and made again from its own SQL). schema::table only.
    void rename_index(std::string_view from, std::string_view to) {
        operations_.emplace_back(detail::rename_index_op{checked(from, "index"), checked(to, "index")});
    }
    void drop_index(std::string_view name) { operations_.emplace_back(detail::drop_index_op{checked(name, "index")}); }

    /// A foreign key on a column of the table; in schema::table, on an existing one (rebuilds the
    /// table). Over several columns: foreign({"a", "b"}).references("parent", {"x", "y"}).
    foreign_key_blueprint& foreign(std::string_view column) { return foreign(std::vector{std::string(column)}); }
    foreign_key_blueprint& foreign(std::initializer_list<std::string> columns) {
        return foreign(std::vector<std::string>(columns));
    }
    foreign_key_blueprint& foreign(std::vector<std::string> columns) {
        foreign_key_blueprint& key = foreign_keys_.emplace_back(table_, std::move(columns));
        operations_.emplace_back(detail::add_foreign_op{foreign_keys_.size() - 1});
        return key;
    }
    /// Drops the foreign key on these columns. schema::table only; rebuilds the table.
    void drop_foreign(std::string_view column) { drop_foreign(std::vector{std::string(column)}); }
    void drop_foreign(std::initializer_list<std::string> columns) { drop_foreign(std::vector<std::string>(columns)); }
    void drop_foreign(std::vector<std::string> columns) {
        validate_columns(columns);
        operations_.emplace_back(detail::drop_foreign_op{std::move(columns)});
    }

    /// Drops a column, with the indexes, unique constraints and foreign keys that use it.
    /// schema::table only; rebuilds the table.
    void drop_column(std::string_view name) { operations_.emplace_back(detail::drop_column_op{checked(name, "column")}); }
    void rename_column(std::string_view from, std::string_view to) {
        operations_.emplace_back(detail::rename_column_op{checked(from, "column"), checked(to, "column")});
    }

    [[nodiscard]] const std::string& table() const noexcept { return table_; }
    /// Every call, in the order it was made.
    [[nodiscard]] const std::vector<detail::table_operation>& operations() const noexcept { return operations_; }
    [[nodiscard]] const std::deque<column_blueprint>& columns() const noexcept { return columns_; }
    [[nodiscard]] const std::deque<foreign_key_blueprint>& foreign_keys() const noexcept { return foreign_keys_; }

private:
    static std::string checked(std::string_view name, std::string_view what) {
        detail::validate_identifier(name, what);
        return std::string(name);
    }

    void validate_columns(const std::vector<std::string>& columns) const {
        if (columns.empty()) throw schema_error(detail::format("relate: an index or key of {} needs a column", table_));
        for (const auto& column : columns) detail::validate_identifier(column, "column");
    }

    column_blueprint& add(std::string_view name, std::string_view type,
                          detail::value_kind kind = detail::value_kind::plain) {
        // A deque: references returned earlier stay valid as columns are added.
        column_blueprint& column = columns_.emplace_back(table_, name, type);
        column.spec_.kind = kind;
        operations_.emplace_back(detail::add_column_op{columns_.size() - 1});
        return column;
    }

    void add_index(std::vector<std::string> columns, std::string_view name, bool unique) {
        validate_columns(columns);
        std::string index_name =
            name.empty() ? detail::format("{}_{}_{}", table_, detail::join(columns, "_"), unique ? "unique" : "index")
                         : std::string(name);
        detail::validate_identifier(index_name, "index");
        operations_.emplace_back(detail::add_index_op{{std::move(index_name), std::move(columns), unique}});
    }

    std::string table_;
    std::vector<detail::table_operation> operations_;
    std::deque<column_blueprint> columns_;
    std::deque<foreign_key_blueprint> foreign_keys_;
};

using blueprint = basic_blueprint<>;

}  // namespace relate
