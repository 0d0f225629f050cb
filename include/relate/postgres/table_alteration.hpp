#pragma once
// schema::table on PostgreSQL: each of a blueprint's operations is one ALTER TABLE (or CREATE,
// DROP, ALTER INDEX), run when its turn comes, so each one sees the table as the ones before it
// left it. No rebuild: PostgreSQL drops, retypes and constrains columns in place. relate checks
// what it can name first (the column is there, the key is not), with the same sentences as on
// SQLite; the server refuses the rest (rows that break a new NOT NULL or foreign key).

#include <relate/blueprint.hpp>
#include <relate/detail/core/text.hpp>
#include <relate/detail/schema/blueprint_sql.hpp>
#include <relate/detail/schema/ddl_runner.hpp>
#include <relate/detail/schema/live_schema.hpp>
#include <relate/detail/schema/table_rebuild.hpp>
#include <relate/detail/sql/identifier.hpp>
#include <relate/error.hpp>
#include <relate/postgres/catalog.hpp>
#include <relate/postgres/connection.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace relate::postgres {

/// A template on the backend, whose dialect it writes: compiled only by programs that migrate.
template <class B>
class table_alteration {
public:
    table_alteration(detail::ddl_runner<connection>& run, const blueprint& t) : run_(run), t_(t), table_(t.table()) {}

    void apply() {
        for (const auto& operation : t_.operations()) std::visit([this](const auto& op) { this->apply(op); }, operation);
    }

private:
    // --- the columns ---------------------------------------------------------------------

    void apply(const detail::add_column_op& op) {
        const detail::column_spec& spec = t_.columns()[op.column].spec();
        if (spec.primary_key)
            throw schema_error(detail::format("relate: cannot add a primary key to the existing table {} with id(\"{}\"); "
                                              "change its key with drop_primary() and primary({{...}})",
                                              table_, spec.name));
        if (spec.reference) detail::check_reference(table_, spec.name, spec.nullable, *spec.reference);
        if (spec.change)
            change_column(spec);
        else
            add_column(spec);
        if (auto index = detail::column_index(table_, spec)) run_.run(detail::index_sql(table_, *index, true));
    }

    void add_column(const detail::column_spec& spec) {
        if (column_named(live(), spec.name) != nullptr)
            throw schema_error(detail::format("relate: cannot add {}.{}: the column exists; redefine it with change()",
                                              table_, spec.name));
        if (!spec.nullable && !spec.default_sql && has_rows())
            throw schema_error(detail::format("relate: cannot add {}.{} as NOT NULL without a default: the rows already "
                                              "there would have no value; give it a default_value(...) or make it "
                                              "nullable()",
                                              table_, spec.name));
        alter(detail::format("ADD COLUMN {}", detail::column_sql<B>(table_, spec)));
    }

    /// Type, NULL and default in one ALTER TABLE; a references() given replaces the column's
    /// foreign key, and one not given keeps it.
    void change_column(const detail::column_spec& spec) {
        const detail::live_column& existing = column_of(spec.name, "change");
        const std::string column = detail::sql_identifier(existing.name);
        const std::string_view type = B::column_type(spec.type, spec.kind);
        std::vector<std::string> changes;
        if (existing.type != type)
            changes.push_back(detail::format("ALTER COLUMN {} TYPE {} USING {}::{}", column, type, column, type));
        changes.push_back(detail::format("ALTER COLUMN {} {} NOT NULL", column, spec.nullable ? "DROP" : "SET"));
        changes.push_back(spec.default_sql
                              ? detail::format("ALTER COLUMN {} SET DEFAULT {}", column, detail::default_sql<B>(spec))
                              : detail::format("ALTER COLUMN {} DROP DEFAULT", column));
        alter(detail::join(changes, ", "));
        if (spec.reference)
            replace_foreign_key(detail::foreign_key_spec{{existing.name}, spec.reference->table, {spec.reference->column},
                                                         spec.reference->on_delete});
    }

    /// Its indexes, unique constraints and foreign keys go with it.
    void apply(const detail::drop_column_op& op) {
        const detail::live_column& column = column_of(op.name, "drop");
        if (column.primary_key_position > 0)
            throw schema_error(detail::format("relate: cannot drop {}.{}: it is part of the primary key", table_, op.name));
        alter("DROP COLUMN " + detail::sql_identifier(column.name));
        dropped_.push_back(column.name);
    }

    void apply(const detail::rename_column_op& op) {
        const detail::live_table table = live();
        if (column_named(table, op.from) == nullptr)
            throw schema_error(detail::format("relate: cannot rename {}.{}: there is no such column", table_, op.from));
        if (column_named(table, op.to) != nullptr && op.from != op.to)
            throw schema_error(detail::format("relate: cannot rename {}.{} to {}: {} already has a column {}", table_,
                                              op.from, op.to, table_, op.to));
        alter(detail::format("RENAME COLUMN {} TO {}", detail::sql_identifier(op.from), detail::sql_identifier(op.to)));
    }

    // --- indexes ---------------------------------------------------------------------------

    void apply(const detail::add_index_op& op) {
        const detail::live_table table = live();
        for (const auto& column : op.index.columns)
            if (column_named(table, column) == nullptr)
                throw schema_error(detail::format("relate: cannot index {}.{}: there is no such column", table_, column));
        run_.run(detail::index_sql(table_, op.index));
    }

    void apply(const detail::drop_index_op& op) {
        require_index(op.name, "drop");
        run_.run("DROP INDEX " + detail::sql_identifier(op.name));
    }

    void apply(const detail::rename_index_op& op) {
        if (op.from != op.to && name_taken(op.to))
            throw schema_error(
                detail::format("relate: cannot rename index {} to {}: {} already exists", op.from, op.to, op.to));
        require_index(op.from, "rename");
        run_.run(detail::format("ALTER INDEX {} RENAME TO {}", detail::sql_identifier(op.from),
                                detail::sql_identifier(op.to)));
    }

    // --- foreign keys and the primary key ---------------------------------------------------

    void apply(const detail::add_foreign_op& op) {
        const detail::foreign_key_spec& key = t_.foreign_keys()[op.key].spec();
        const detail::live_table table = live();
        detail::check_foreign_key(table_, key, [&](const std::string& column) -> std::optional<bool> {
            const detail::live_column* found = column_named(table, column);
            if (found == nullptr) return std::nullopt;
            return !found->not_null;
        });
        replace_foreign_key(key);
    }

    void apply(const detail::drop_foreign_op& op) {
        for (const auto& column : op.columns) {
            if (std::find(dropped_.begin(), dropped_.end(), column) != dropped_.end() && column_named(live(), column) == nullptr)
                throw schema_error(detail::format("relate: cannot drop the foreign key on {}.{}: drop_column(\"{}\") "
                                                  "before it already dropped the column, with its foreign key",
                                                  table_, column, column));
            column_of(column, "drop the foreign key on");
        }
        const std::string name = constraint_on(op.columns);
        if (name.empty())
            throw schema_error(detail::format("relate: cannot drop the foreign key on {}.{}: it has none", table_,
                                              detail::join(op.columns, ", ")));
        alter("DROP CONSTRAINT " + detail::sql_identifier(name));
    }

    void apply(const detail::set_primary_op& op) {
        const detail::live_table table = live();
        if (const auto key = table.primary_key(); !key.empty())
            throw schema_error(detail::format("relate: cannot give {} the primary key ({}): it has one ({}); "
                                              "drop_primary() first",
                                              table_, detail::join(op.columns, ", "), detail::join(key, ", ")));
        for (const auto& column : op.columns)
            if (column_named(table, column) == nullptr)
                throw schema_error(detail::format("relate: cannot put {}.{} in the primary key: there is no such column",
                                                  table_, column));
        alter(detail::format("ADD PRIMARY KEY ({})", detail::quoted_list(op.columns)));
    }

    void apply(const detail::drop_primary_op&) {
        const std::string name = primary_key_constraint();
        if (name.empty())
            throw schema_error(detail::format("relate: cannot drop the primary key of {}: it has none", table_));
        alter("DROP CONSTRAINT " + detail::sql_identifier(name));
    }

    // --- the table as the operations so far left it ---------------------------------------

    void alter(const std::string& change) {
        run_.run(detail::format("ALTER TABLE {} {}", detail::sql_identifier(table_), change));
    }

    /// Drops the foreign key on the same columns, if any, and adds this one.
    void replace_foreign_key(const detail::foreign_key_spec& key) {
        if (const std::string name = constraint_on(key.columns); !name.empty())
            alter("DROP CONSTRAINT " + detail::sql_identifier(name));
        alter(detail::format("ADD {}{}", detail::foreign_key_sql(detail::foreign_key_of(key)), B::reference_options));
    }

    [[nodiscard]] detail::live_table live() const { return *read_live_table(run_.conn(), table_); }

    /// A copy: the live table is read again for every operation.
    detail::live_column column_of(std::string_view column, std::string_view doing) const {
        const detail::live_table table = live();
        const detail::live_column* found = column_named(table, column);
        if (found == nullptr)
            throw schema_error(detail::format("relate: cannot {} {}.{}: there is no such column", doing, table_, column));
        return *found;
    }

    [[nodiscard]] bool has_rows() const {
        return schema_rows(run_.conn(),
                                   detail::format("SELECT EXISTS (SELECT 1 FROM {})", detail::sql_identifier(table_)))
                   .front()
                   .front() == "t";
    }

    /// The name of the table's foreign key over exactly these columns, or "" when there is none.
    [[nodiscard]] std::string constraint_on(const std::vector<std::string>& columns) const {
        const catalog_rows keys(
            run_.conn(),
            "SELECT con.conname, array_to_string(ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS "
            "k(attnum, position) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY "
            "k.position), ',') FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON "
            "n.oid = c.relnamespace WHERE con.contype = 'f' AND n.nspname = current_schema() AND c.relname = $1",
            table_);
        for (int r = 0; r < keys.size(); ++r)
            if (keys.text(r, 1) == detail::join(columns, ",")) return keys.text(r, 0);
        return {};
    }

    [[nodiscard]] std::string primary_key_constraint() const {
        const catalog_rows key(run_.conn(),
                               "SELECT con.conname FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
                               "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE con.contype = 'p' AND "
                               "n.nspname = current_schema() AND c.relname = $1",
                               table_);
        return key.size() > 0 ? key.text(0, 0) : std::string();
    }

    /// An index of this table made by CREATE INDEX, or relate::schema_error.
    void require_index(std::string_view index, std::string_view doing) const {
        const detail::live_table table = live();
        if (std::none_of(table.indexes.begin(), table.indexes.end(),
                         [&](const detail::live_index& i) { return i.origin == "c" && i.name == index; }))
            throw schema_error(detail::format("relate: cannot {} index {}: table {} has no index of that name", doing,
                                              index, table_));
    }

    [[nodiscard]] bool name_taken(std::string_view name) const {
        return catalog_rows(run_.conn(),
                            "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                            "WHERE n.nspname = current_schema() AND c.relname = $1",
                            name)
                   .size() > 0;
    }

    detail::ddl_runner<connection>& run_;
    const blueprint& t_;
    std::string table_;
    std::vector<std::string> dropped_;  ///< columns drop_column took, for a clearer message
};

}  // namespace relate::postgres
