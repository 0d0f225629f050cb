#pragma once
// schema::table for SQLite: a blueprint's operations applied to an existing table in the order
// the migration wrote them, each seeing the table as the ones before it left it. ALTER TABLE
// makes what it can (add or rename a column, indexes); the rest (drop or change a column, foreign
// keys, the primary key) is gathered into one table shape and made by one rebuild, which runs
// before the next operation that needs ALTER TABLE. The operations (blueprint.hpp) say nothing
// of how; another engine would apply them its own way.

#include <relate/blueprint.hpp>
#include <relate/detail/schema/blueprint_sql.hpp>
#include <relate/detail/schema/ddl_runner.hpp>
#include <relate/detail/sql/identifier.hpp>
#include <relate/detail/schema/live_schema.hpp>
#include <relate/detail/sql/sql_text.hpp>
#include <relate/detail/sql/sql_tokens.hpp>
#include <relate/detail/schema/table_rebuild.hpp>
#include <relate/error.hpp>

#include <relate/detail/core/text.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace relate::detail {

/// A template on the backend: compiled only by programs that migrate on SQLite.
template <class B>
class table_change {
public:
    table_change(ddl_runner<sqlite::connection>& run, const blueprint& t) : run_(run), t_(t), table_(t.table()) {}

    void apply() {
        for (const auto& operation : t_.operations()) std::visit([this](const auto& op) { this->apply(op); }, operation);
        flush();
    }

private:
    struct queued_index {
        index_spec index;
        bool if_not_exists = false;
    };

    // --- the columns ---------------------------------------------------------------------

    void apply(const add_column_op& op) {
        const column_spec& spec = t_.columns()[op.column].spec();
        if (spec.primary_key)
            throw schema_error(detail::format("relate: cannot add a primary key to the existing table {} with id(\"{}\"); "
                                           "change its key with drop_primary() and primary({{...}})",
                                           table_, spec.name));
        if (spec.reference) check_reference(table_, spec.name, spec.nullable, *spec.reference);
        if (spec.change)
            change_column(spec);
        else
            add_column(spec);
        if (auto index = column_index(table_, spec)) add_index(std::move(*index), true);
    }

    void add_column(const column_spec& spec) {
        if (has_column(spec.name))
            throw schema_error(
                detail::format("relate: cannot add {}.{}: the column exists; redefine it with change()", table_, spec.name));
        // On an empty table there is no row to lack a value: ALTER TABLE (SQLite 3.37 or later) and
        // the rebuild both accept it.
        if (!spec.nullable && !spec.default_sql && has_rows())
            throw schema_error(detail::format("relate: cannot add {}.{} as NOT NULL without a default: the rows already "
                                           "there would have no value; give it a default_value(...) or make it "
                                           "nullable()",
                                           table_, spec.name));
        if (!pending_) {
            run_.run(detail::format("ALTER TABLE {} ADD COLUMN {}", sql_identifier(table_), column_sql<B>(table_, spec)));
            return;
        }
        pending_->columns.push_back(definition_of(spec));
        pending_->added_columns.push_back(spec.name);
        if (spec.reference) replace_foreign_key(foreign_key_of(spec.name, *spec.reference));
    }

    void change_column(const column_spec& spec) {
        live_column& existing = column_of(spec.name, "change");
        existing = definition_of(spec);
        if (spec.reference) replace_foreign_key(foreign_key_of(spec.name, *spec.reference));
    }

    void apply(const drop_column_op& op) {
        const std::string name = column_of(op.name, "drop").name;
        table_shape& shape = pending();
        if (in(shape.primary_key, name))
            throw schema_error(detail::format("relate: cannot drop {}.{}: it is part of the primary key", table_, op.name));
        std::erase_if(shape.columns, [&](const live_column& c) { return same_identifier(c.name, name); });
        std::erase_if(shape.added_columns, [&](const std::string& c) { return same_identifier(c, name); });
        std::erase_if(shape.unique_constraints, [&](const std::vector<std::string>& columns) { return in(columns, name); });
        std::erase_if(shape.foreign_keys, [&](const live_foreign_key& key) { return in(key.from, name); });
        dropped_.push_back(name);
    }

    void apply(const rename_column_op& op) {
        flush();  // ALTER TABLE rewrites the indexes, views and triggers that name the column
        const auto columns = read_columns(run_.conn(), table_);
        const auto named = [&](std::string_view wanted) {
            return std::any_of(columns.begin(), columns.end(),
                               [&](const live_column& c) { return same_identifier(c.name, wanted); });
        };
        if (!named(op.from))
            throw schema_error(detail::format("relate: cannot rename {}.{}: there is no such column", table_, op.from));
        if (named(op.to) && !same_identifier(op.from, op.to))
            throw schema_error(
                detail::format("relate: cannot rename {}.{} to {}: {} already has a column {}", table_, op.from, op.to,
                            table_, op.to));
        run_.run(detail::format("ALTER TABLE {} RENAME COLUMN {} TO {}", sql_identifier(table_), sql_identifier(op.from),
                             sql_identifier(op.to)));
    }

    // --- indexes: made at once, or after the rebuild when one is gathering -------------

    void apply(const add_index_op& op) { add_index(op.index, false); }

    void add_index(index_spec index, bool if_not_exists) {
        for (const auto& column : index.columns)
            if (!has_column(column))
                throw schema_error(detail::format("relate: cannot index {}.{}: there is no such column", table_, column));
        if (pending_)
            queued_.push_back({std::move(index), if_not_exists});
        else
            run_.run(index_sql(table_, index, if_not_exists));
    }

    void apply(const drop_index_op& op) {
        if (std::erase_if(queued_, [&](const queued_index& q) { return same_identifier(q.index.name, op.name); }) > 0)
            return;
        live_index_sql(op.name, "drop");
        run_.run("DROP INDEX " + sql_identifier(op.name));
    }

    /// SQLite has no ALTER INDEX: the index is dropped and made again from its own SQL.
    void apply(const rename_index_op& op) {
        if (!same_identifier(op.from, op.to) && (queued(op.to) != queued_.end() || name_taken(op.to)))
            throw schema_error(
                detail::format("relate: cannot rename index {} to {}: {} already exists", op.from, op.to, op.to));
        if (const auto found = queued(op.from); found != queued_.end()) {
            found->index.name = op.to;
            return;
        }
        const std::string sql = live_index_sql(op.from, "rename");
        const auto tokens = sql_tokens(sql);
        const sql_token& name = tokens.at(name_after(tokens, "INDEX"));
        run_.run("DROP INDEX " + sql_identifier(op.from));
        run_.run(sql.substr(0, name.begin) + sql_identifier(op.to) + sql.substr(name.end));
    }

    // --- foreign keys and the primary key: always by the rebuild --------------------------

    void apply(const add_foreign_op& op) {
        const foreign_key_spec& key = t_.foreign_keys()[op.key].spec();
        check_foreign_key(table_, key, [&](const std::string& column) -> std::optional<bool> {
            const live_column* found = pending().column(column);
            if (found == nullptr) return std::nullopt;
            return !found->not_null;
        });
        replace_foreign_key(foreign_key_of(key));
    }

    void apply(const drop_foreign_op& op) {
        for (const auto& column : op.columns) {
            if (in(dropped_, column) && !pending().has_column(column))
                throw schema_error(detail::format("relate: cannot drop the foreign key on {}.{}: drop_column(\"{}\") "
                                               "before it already dropped the column, with its foreign key",
                                               table_, column, column));
            column_of(column, "drop the foreign key on");
        }
        if (std::erase_if(pending().foreign_keys, [&](const live_foreign_key& k) { return same_columns(k.from, op.columns); }) ==
            0)
            throw schema_error(detail::format("relate: cannot drop the foreign key on {}.{}: it has none", table_,
                                           detail::join(op.columns, ", ")));
    }

    void apply(const set_primary_op& op) {
        table_shape& shape = pending();
        if (!shape.primary_key.empty())
            throw schema_error(detail::format("relate: cannot give {} the primary key ({}): it has one ({}); "
                                           "drop_primary() first",
                                           table_, detail::join(op.columns, ", "), detail::join(shape.primary_key, ", ")));
        std::vector<std::string> key;
        for (const auto& column : op.columns) {
            const live_column* found = shape.column(column);
            if (found == nullptr)
                throw schema_error(detail::format("relate: cannot put {}.{} in the primary key: there is no such column",
                                               table_, column));
            key.push_back(found->name);
        }
        shape.primary_key = std::move(key);
    }

    void apply(const drop_primary_op&) {
        table_shape& shape = pending();
        if (shape.primary_key.empty())
            throw schema_error(detail::format("relate: cannot drop the primary key of {}: it has none", table_));
        shape.primary_key.clear();
        shape.autoincrement = false;  // it only exists on an INTEGER PRIMARY KEY
    }

    // --- the gathered rebuild ----------------------------------------------------------

    table_shape& pending() {
        if (!pending_) {
            live_ = read_live_table(run_.conn(), table_);
            pending_ = shape_of(*live_);
        }
        return *pending_;
    }

    void flush() {
        if (!pending_) return;
        rebuild_table(run_, *live_, *pending_);
        const table_shape shape = std::move(*pending_);
        pending_.reset();
        live_.reset();
        for (const auto& q : queued_)  // an index a later drop_column took away is not made
            if (std::all_of(q.index.columns.begin(), q.index.columns.end(),
                            [&](const std::string& column) { return shape.has_column(column); }))
                run_.run(index_sql(table_, q.index, q.if_not_exists));
        queued_.clear();
    }

    void replace_foreign_key(live_foreign_key key) {
        std::erase_if(pending().foreign_keys, [&](const live_foreign_key& k) { return same_columns(k.from, key.from); });
        pending().foreign_keys.push_back(std::move(key));
    }

    // --- reading the table as the operations so far left it ----------------------------

    live_column& column_of(std::string_view column, std::string_view doing) {
        live_column* found = pending().column(column);
        if (found == nullptr)
            throw schema_error(detail::format("relate: cannot {} {}.{}: there is no such column", doing, table_, column));
        return *found;
    }

    bool has_column(std::string_view column) {
        if (pending_) return pending_->has_column(column);
        const auto columns = read_columns(run_.conn(), table_);
        return std::any_of(columns.begin(), columns.end(),
                           [&](const live_column& c) { return same_identifier(c.name, column); });
    }

    bool has_rows() {
        schema_query q(run_.conn(), detail::format("SELECT EXISTS (SELECT 1 FROM {})", sql_identifier(table_)));
        return q->step() && q->column_int64(0) != 0;
    }

    /// The SQL of an index of this table made by CREATE INDEX, or relate::schema_error.
    std::string live_index_sql(std::string_view index, std::string_view doing) {
        schema_query q(run_.conn(), "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ? COLLATE NOCASE "
                                    "AND tbl_name = ? COLLATE NOCASE AND sql IS NOT NULL");
        q->bind_text(1, index);
        q->bind_text(2, table_);
        if (!q->step())
            throw schema_error(detail::format("relate: cannot {} index {}: table {} has no index of that name", doing, index,
                                           table_));
        return std::string(q->column_text(0));
    }

    bool name_taken(std::string_view name) {
        schema_query q(run_.conn(), "SELECT 1 FROM sqlite_schema WHERE name = ? COLLATE NOCASE");
        q->bind_text(1, name);
        return q->step();
    }

    typename std::vector<queued_index>::iterator queued(std::string_view index) {
        return std::find_if(queued_.begin(), queued_.end(),
                            [&](const queued_index& q) { return same_identifier(q.index.name, index); });
    }

    static live_column definition_of(const column_spec& spec) {
        return {spec.name, std::string(spec.type), !spec.nullable, spec.default_sql, 0, false};
    }

    static bool in(const std::vector<std::string>& names, std::string_view name) {
        return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return same_identifier(n, name); });
    }

    static bool same_columns(const std::vector<std::string>& a, const std::vector<std::string>& b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                          [](const std::string& x, const std::string& y) { return same_identifier(x, y); });
    }

    ddl_runner<sqlite::connection>& run_;
    const blueprint& t_;
    std::string table_;
    std::optional<live_table> live_;      ///< the table as the gathered rebuild found it
    std::optional<table_shape> pending_;  ///< what the gathered rebuild will make
    std::vector<queued_index> queued_;    ///< indexes made once the rebuild has run
    std::vector<std::string> dropped_;    ///< columns drop_column took, for a clearer message
};

}  // namespace relate::detail
