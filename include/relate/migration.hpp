#pragma once
// relate::migration and relate::schema: hand-written schema changes, applied by db.migrate.
//
//   relate::migration create_posts{"2026_11_01_create_posts",
//       [](relate::schema& s) {
//           s.create("posts", [](relate::blueprint& t) {
//               t.id();
//               t.integer("userId").references("users").on_delete(relate::cascade);
//               t.text("title");
//               t.timestamps();
//           });
//       },
//       [](relate::schema& s) { s.drop("posts"); }};
//   db.migrate({create_users, create_posts});
//
// Every change runs when it is called, inside the migration's transaction. Changes ALTER TABLE
// cannot make rebuild the table (detail/table_rebuild.hpp), keeping every row.

#include <relate/blueprint.hpp>
#include <relate/detail/blueprint_sql.hpp>
#include <relate/detail/identifier.hpp>
#include <relate/detail/live_schema.hpp>
#include <relate/detail/sql_text.hpp>
#include <relate/detail/table_rebuild.hpp>
#include <relate/error.hpp>
#include <relate/schema.hpp>
#include <relate/sqlite/connection.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace relate {

namespace detail {
class migration_step;
inline constexpr std::string_view migrations_table = "relate_migrations";
}  // namespace detail

/// What a migration's steps use to change the schema. db.migrate and db.rollback make one.
class schema {
public:
    /// Creates a table: s.create("posts", [](relate::blueprint& t) { t.id(); t.text("title"); }).
    void create(std::string_view table, const std::function<void(blueprint&)>& define) {
        validate_table(table);
        if (detail::table_exists(conn_, table))
            throw schema_error(fmt::format("relate: cannot create table {}: it already exists", table));
        blueprint t{table};
        define(t);
        if (!t.dropped_columns().empty() || !t.renamed_columns().empty() || !t.dropped_indexes().empty() ||
            !t.foreign_keys().empty() || !t.dropped_foreign_keys().empty() ||
            std::any_of(t.columns().begin(), t.columns().end(), [](const auto& c) { return c.spec().change; }))
            throw schema_error(fmt::format("relate: s.create(\"{}\") adds columns and indexes only; drop_column, "
                                           "rename_column, drop_index, foreign, drop_foreign and change() belong in "
                                           "s.table(\"{}\", ...)",
                                           table, table));
        if (t.columns().empty()) throw schema_error(fmt::format("relate: table {} needs at least one column", table));

        std::vector<std::string> definitions;
        for (const auto& column : t.columns()) definitions.push_back(detail::column_sql(table, column.spec()));
        if (!t.primary_key().empty()) {
            if (std::any_of(t.columns().begin(), t.columns().end(), [](const auto& c) { return c.spec().primary_key; }))
                throw schema_error(fmt::format("relate: table {} has both id() and primary(...)", table));
            definitions.push_back(fmt::format("PRIMARY KEY ({})", detail::quoted_list(t.primary_key())));
        }
        conn_.execute(fmt::format("CREATE TABLE {} ({})", detail::sql_identifier(table), fmt::join(definitions, ", ")));
        create_indexes(t);
    }

    /// Changes an existing table, in this order: drop_index, rename_column, then the columns
    /// (added with ALTER TABLE; dropped, changed or given a foreign key by rebuilding the table),
    /// then the new indexes.
    void table(std::string_view table, const std::function<void(blueprint&)>& define) {
        validate_table(table);
        if (!detail::table_exists(conn_, table))
            throw schema_error(fmt::format("relate: cannot change table {}: it does not exist", table));
        blueprint t{table};
        define(t);
        if (!t.primary_key().empty() ||
            std::any_of(t.columns().begin(), t.columns().end(), [](const auto& c) { return c.spec().primary_key; }))
            throw schema_error(fmt::format("relate: cannot add a primary key to the existing table {}; create a new "
                                           "table and copy the rows into it",
                                           table));
        for (const auto& key : t.foreign_keys())
            if (key.spec().reference.table.empty())
                throw schema_error(fmt::format("relate: foreign(\"{}\") on {} needs references(...)", key.spec().column,
                                               table));
        for (const auto& column : t.columns()) {
            const auto& spec = column.spec();
            if (!spec.change && !spec.nullable && !spec.default_sql)
                throw schema_error(fmt::format("relate: cannot add {}.{} as NOT NULL without a default: the rows "
                                               "already there would have no value; give it a default_value(...) or "
                                               "make it nullable()",
                                               table, spec.name));
        }

        for (const auto& index : t.dropped_indexes()) drop_index(table, index);
        for (const auto& [from, to] : t.renamed_columns())
            conn_.execute(fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {}", detail::sql_identifier(table),
                                      detail::sql_identifier(from), detail::sql_identifier(to)));

        const bool needs_rebuild =
            !t.dropped_columns().empty() || !t.foreign_keys().empty() || !t.dropped_foreign_keys().empty() ||
            std::any_of(t.columns().begin(), t.columns().end(), [](const auto& c) { return c.spec().change; });
        if (needs_rebuild) {
            const auto live = detail::read_live_table(conn_, table);
            detail::table_shape shape = detail::shape_of(*live);
            reshape(live->name, shape, t);
            detail::rebuild_table(conn_, *live, shape);
        } else {
            for (const auto& column : t.columns())
                conn_.execute(fmt::format("ALTER TABLE {} ADD COLUMN {}", detail::sql_identifier(table),
                                          detail::column_sql(table, column.spec())));
        }
        create_indexes(t);
    }

    /// Drops a table; relate::schema_error when there is none.
    void drop(std::string_view table) {
        validate_table(table);
        if (!detail::table_exists(conn_, table))
            throw schema_error(fmt::format("relate: cannot drop table {}: it does not exist", table));
        conn_.execute("DROP TABLE " + detail::sql_identifier(table));
    }

    void drop_if_exists(std::string_view table) {
        validate_table(table);
        conn_.execute("DROP TABLE IF EXISTS " + detail::sql_identifier(table));
    }

    /// Renames a table; foreign keys in other tables follow it.
    void rename(std::string_view from, std::string_view to) {
        validate_table(from);
        validate_table(to);
        if (!detail::table_exists(conn_, from))
            throw schema_error(fmt::format("relate: cannot rename table {}: it does not exist", from));
        if (detail::table_exists(conn_, to))
            throw schema_error(fmt::format("relate: cannot rename table {} to {}: {} already exists", from, to, to));
        conn_.execute(fmt::format("ALTER TABLE {} RENAME TO {}", detail::sql_identifier(from), detail::sql_identifier(to)));
    }

    [[nodiscard]] bool has_table(std::string_view table) {
        validate_table(table);
        return detail::table_exists(conn_, table);
    }

    [[nodiscard]] bool has_column(std::string_view table, std::string_view column) {
        validate_table(table);
        detail::validate_identifier(column, "column");
        const auto live = detail::read_live_table(conn_, table);
        return live && live->column(column) != nullptr;
    }

    /// SQL of your own in the migration's transaction, such as an UPDATE that fills a new column.
    void execute(const std::string& sql) { conn_.execute(sql); }

private:
    friend class detail::migration_step;
    explicit schema(sqlite::connection& conn) : conn_(conn) {}

    static void validate_table(std::string_view table) {
        detail::validate_identifier(table, "table");
        if (detail::same_identifier(table, detail::migrations_table))
            throw schema_error(fmt::format("relate: table name {} is reserved for relate's record of applied migrations",
                                           detail::migrations_table));
    }

    void create_indexes(const blueprint& t) {
        for (const auto& column : t.columns())
            if (auto sql = detail::column_index_sql(t.table(), column.spec())) conn_.execute(*sql);
        for (const auto& index : t.indexes()) conn_.execute(detail::index_sql(t.table(), index));
    }

    void drop_index(std::string_view table, const std::string& index) {
        bool found = false;
        {  // finished before DROP INDEX, which a running statement would block
            detail::schema_query q(conn_, "SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ? COLLATE "
                                          "NOCASE AND tbl_name = ? COLLATE NOCASE AND sql IS NOT NULL");
            q->bind_text(1, index);
            q->bind_text(2, table);
            found = q->step();
        }
        if (!found)
            throw schema_error(fmt::format("relate: cannot drop index {}: table {} has no index of that name", index,
                                           table));
        conn_.execute("DROP INDEX " + detail::sql_identifier(index));
    }

    static detail::live_foreign_key foreign_key_of(const std::string& column, const detail::foreign_reference& to) {
        return {{column}, to.table, {to.column}, "NO ACTION", std::string(detail::on_delete_sql(to.on_delete))};
    }

    static void drop_foreign_keys_on(detail::table_shape& shape, std::string_view column) {
        std::erase_if(shape.foreign_keys, [&](const detail::live_foreign_key& key) {
            return std::any_of(key.from.begin(), key.from.end(),
                               [&](const std::string& from) { return detail::same_identifier(from, column); });
        });
    }

    static detail::live_column& column_of(detail::table_shape& shape, std::string_view table, std::string_view column,
                                          std::string_view doing) {
        const auto found = std::find_if(shape.columns.begin(), shape.columns.end(), [&](const detail::live_column& c) {
            return detail::same_identifier(c.name, column);
        });
        if (found == shape.columns.end())
            throw schema_error(fmt::format("relate: cannot {} {}.{}: there is no such column", doing, table, column));
        return *found;
    }

    /// The blueprint's column changes applied to the shape of the live table.
    static void reshape(std::string_view table, detail::table_shape& shape, const blueprint& t) {
        for (const auto& name : t.dropped_columns()) {
            const detail::live_column& column = column_of(shape, table, name, "drop");
            if (column.primary_key_position > 0)
                throw schema_error(fmt::format("relate: cannot drop {}.{}: it is part of the primary key", table, name));
            std::erase_if(shape.columns, [&](const detail::live_column& c) { return detail::same_identifier(c.name, name); });
            std::erase_if(shape.unique_constraints, [&](const std::vector<std::string>& columns) {
                return std::any_of(columns.begin(), columns.end(),
                                   [&](const std::string& c) { return detail::same_identifier(c, name); });
            });
            drop_foreign_keys_on(shape, name);
        }
        for (const auto& column : t.columns()) {
            const auto& spec = column.spec();
            detail::live_column defined{spec.name, std::string(spec.type), !spec.nullable, spec.default_sql, 0, false};
            if (spec.change) {
                detail::live_column& existing = column_of(shape, table, spec.name, "change");
                defined.primary_key_position = existing.primary_key_position;
                existing = std::move(defined);
            } else if (shape.has_column(spec.name)) {
                throw schema_error(fmt::format("relate: cannot add {}.{}: the column exists; redefine it with change()",
                                               table, spec.name));
            } else {
                shape.columns.push_back(std::move(defined));
            }
            if (spec.reference) {
                detail::check_reference(table, spec.name, spec.nullable, *spec.reference);
                drop_foreign_keys_on(shape, spec.name);
                shape.foreign_keys.push_back(foreign_key_of(spec.name, *spec.reference));
            }
        }
        for (const auto& key : t.foreign_keys()) {
            const auto& spec = key.spec();
            const detail::live_column& column = column_of(shape, table, spec.column, "add a foreign key to");
            detail::check_reference(table, spec.column, !column.not_null, spec.reference);
            drop_foreign_keys_on(shape, spec.column);
            shape.foreign_keys.push_back(foreign_key_of(spec.column, spec.reference));
        }
        for (const auto& name : t.dropped_foreign_keys()) {
            const auto before = shape.foreign_keys.size();
            drop_foreign_keys_on(shape, name);
            if (shape.foreign_keys.size() == before)
                throw schema_error(fmt::format("relate: cannot drop the foreign key on {}.{}: it has none", table, name));
        }
    }

    sqlite::connection& conn_;
};

/// A named change to the schema: `up` applies it, `down` (optional) undoes it for db.rollback.
/// Names are recorded in relate_migrations; give them a sortable prefix such as a date.
struct migration {
    std::string name;
    std::function<void(schema&)> up;
    std::function<void(schema&)> down;
};

}  // namespace relate
