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
// Every change runs when it is called, inside the migration's transaction, and the calls on one
// table's blueprint apply in the order written. On SQLite, changes ALTER TABLE cannot make rebuild
// the table, keeping every row (sqlite/schema_editor.hpp); PostgreSQL alters it in place
// (postgres/schema_editor.hpp).

#include <relate/blueprint.hpp>
#include <relate/detail/schema/schema_editor.hpp>
#include <relate/detail/sql/identifier.hpp>
#include <relate/detail/sql/sql_text.hpp>
#include <relate/error.hpp>

#include <relate/detail/core/text.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace relate {

namespace detail {
inline constexpr std::string_view migrations_table = "relate_migrations";
}  // namespace detail

/// What a migration's steps use to change the schema. db.migrate and db.rollback make one, over
/// the backend's editor: the same migration runs on SQLite and on PostgreSQL. Users name it
/// relate::schema; a template only so that a program that does not migrate compiles none of it.
template <class = void>
class basic_schema {
public:
    explicit basic_schema(detail::schema_editor& editor) : editor_(editor) {}

    /// Creates a table: s.create("posts", [](relate::blueprint& t) { t.id(); t.text("title"); }).
    void create(std::string_view table, const std::function<void(blueprint&)>& define) {
        validate_table(table);
        if (editor_.has_table(table))
            throw schema_error(detail::format("relate: cannot create table {}: it already exists", table));
        blueprint t{table};
        define(t);
        editor_.create(t);
    }

    /// Changes an existing table, one call of the blueprint after the other, in the order written.
    /// On SQLite, columns are added and renamed with ALTER TABLE, and a drop or change of a column,
    /// a foreign key or the primary key rebuilds the table (detail/schema/table_change.hpp); on
    /// PostgreSQL, ALTER TABLE makes every change in place.
    void table(std::string_view table, const std::function<void(blueprint&)>& define) {
        validate_table(table);
        if (!editor_.has_table(table))
            throw schema_error(detail::format("relate: cannot change table {}: it does not exist", table));
        blueprint t{table};
        define(t);
        editor_.change(t);
    }

    /// Drops a table; relate::schema_error when there is none.
    void drop(std::string_view table) {
        validate_table(table);
        if (!editor_.has_table(table))
            throw schema_error(detail::format("relate: cannot drop table {}: it does not exist", table));
        editor_.run("DROP TABLE " + detail::sql_identifier(table));
    }

    void drop_if_exists(std::string_view table) {
        validate_table(table);
        editor_.run("DROP TABLE IF EXISTS " + detail::sql_identifier(table));
    }

    /// Renames a table; foreign keys in other tables follow it.
    void rename(std::string_view from, std::string_view to) {
        validate_table(from);
        validate_table(to);
        if (!editor_.has_table(from))
            throw schema_error(detail::format("relate: cannot rename table {}: it does not exist", from));
        if (editor_.has_table(to))
            throw schema_error(detail::format("relate: cannot rename table {} to {}: {} already exists", from, to, to));
        editor_.run(detail::format("ALTER TABLE {} RENAME TO {}", detail::sql_identifier(from), detail::sql_identifier(to)));
    }

    [[nodiscard]] bool has_table(std::string_view table) {
        validate_table(table);
        return editor_.has_table(table);
    }

    [[nodiscard]] bool has_column(std::string_view table, std::string_view column) {
        validate_table(table);
        detail::validate_identifier(column, "column");
        return editor_.has_column(table, column);
    }

    /// SQL of your own in the migration's transaction, such as an UPDATE that fills a new column.
    void execute(const std::string& sql) { editor_.run(sql); }

private:
    void validate_table(std::string_view table) const {
        detail::validate_identifier(table, "table", editor_.longest_name());
        if (detail::same_identifier(table, detail::migrations_table))
            throw schema_error(detail::format("relate: table name {} is reserved for relate's record of applied migrations",
                                           detail::migrations_table));
    }

    detail::schema_editor& editor_;
};

using schema = basic_schema<>;

/// A named change to the schema: `up` applies it, `down` (optional) undoes it for db.rollback.
/// Names are recorded in relate_migrations; give them a sortable prefix such as a date.
struct migration {
    std::string name;
    std::function<void(schema&)> up;
    std::function<void(schema&)> down;
};

}  // namespace relate
