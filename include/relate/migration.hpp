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
// cannot make rebuild the table (detail/table_rebuild.hpp), keeping every row; the calls on one
// table's blueprint apply in the order written (detail/table_change.hpp).

#include <relate/blueprint.hpp>
#include <relate/detail/schema/ddl_runner.hpp>
#include <relate/detail/sql/identifier.hpp>
#include <relate/detail/schema/live_schema.hpp>
#include <relate/detail/sql/sql_text.hpp>
#include <relate/detail/schema/table_change.hpp>
#include <relate/detail/schema/table_creation.hpp>
#include <relate/error.hpp>
#include <relate/sqlite/backend.hpp>
#include <relate/sqlite/connection.hpp>

#include <relate/detail/core/text.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace relate {

namespace detail {
template <class B>
class migration_step;
inline constexpr std::string_view migrations_table = "relate_migrations";
}  // namespace detail

/// What a migration's steps use to change the schema. db.migrate and db.rollback make one.
/// Users name it relate::schema. A template on the backend whose statements it runs, so that only
/// a program that migrates compiles the code that changes tables.
template <class B>
class basic_schema {
public:
    /// Creates a table: s.create("posts", [](relate::blueprint& t) { t.id(); t.text("title"); }).
    void create(std::string_view table, const std::function<void(basic_blueprint<B>&)>& define) {
        validate_table(table);
        if (detail::table_exists(run_.conn(), table))
            throw schema_error(detail::format("relate: cannot create table {}: it already exists", table));
        basic_blueprint<B> t{table};
        define(t);
        for (const auto& sql : detail::table_creation<B>(t).statements()) run_.run(sql);
    }

    /// Changes an existing table, one call of the blueprint after the other, in the order written:
    /// columns are added and renamed with ALTER TABLE, and a drop or change of a column, a foreign
    /// key or the primary key rebuilds the table (detail/table_change.hpp).
    void table(std::string_view table, const std::function<void(basic_blueprint<B>&)>& define) {
        validate_table(table);
        if (!detail::table_exists(run_.conn(), table))
            throw schema_error(detail::format("relate: cannot change table {}: it does not exist", table));
        basic_blueprint<B> t{table};
        define(t);
        detail::table_change<B>(run_, t).apply();
    }

    /// Drops a table; relate::schema_error when there is none.
    void drop(std::string_view table) {
        validate_table(table);
        if (!detail::table_exists(run_.conn(), table))
            throw schema_error(detail::format("relate: cannot drop table {}: it does not exist", table));
        run_.run("DROP TABLE " + detail::sql_identifier(table));
    }

    void drop_if_exists(std::string_view table) {
        validate_table(table);
        run_.run("DROP TABLE IF EXISTS " + detail::sql_identifier(table));
    }

    /// Renames a table; foreign keys in other tables follow it.
    void rename(std::string_view from, std::string_view to) {
        validate_table(from);
        validate_table(to);
        if (!detail::table_exists(run_.conn(), from))
            throw schema_error(detail::format("relate: cannot rename table {}: it does not exist", from));
        if (detail::table_exists(run_.conn(), to))
            throw schema_error(detail::format("relate: cannot rename table {} to {}: {} already exists", from, to, to));
        run_.run(detail::format("ALTER TABLE {} RENAME TO {}", detail::sql_identifier(from), detail::sql_identifier(to)));
    }

    [[nodiscard]] bool has_table(std::string_view table) {
        validate_table(table);
        return detail::table_exists(run_.conn(), table);
    }

    [[nodiscard]] bool has_column(std::string_view table, std::string_view column) {
        validate_table(table);
        detail::validate_identifier(column, "column");
        const auto live = detail::read_live_table(run_.conn(), table);
        return live && live->column(column) != nullptr;
    }

    /// SQL of your own in the migration's transaction, such as an UPDATE that fills a new column.
    void execute(const std::string& sql) { run_.run(sql); }

private:
    friend class detail::migration_step<B>;
    /// `log`, when given, receives every statement the schema runs (db.pretend_migrate).
    explicit basic_schema(sqlite::connection& conn, std::vector<std::string>* log = nullptr) : run_(conn, log) {}

    static void validate_table(std::string_view table) {
        detail::validate_identifier(table, "table");
        if (detail::same_identifier(table, detail::migrations_table))
            throw schema_error(detail::format("relate: table name {} is reserved for relate's record of applied migrations",
                                           detail::migrations_table));
    }

    detail::ddl_runner run_;
};

using schema = basic_schema<sqlite::backend>;

/// A named change to the schema: `up` applies it, `down` (optional) undoes it for db.rollback.
/// Names are recorded in relate_migrations; give them a sortable prefix such as a date.
struct migration {
    std::string name;
    std::function<void(schema&)> up;
    std::function<void(schema&)> down;
};

}  // namespace relate
