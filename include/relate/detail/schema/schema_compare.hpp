#pragma once
// Compares the tables the models expect (plain run-time data, built by schema_check.hpp) with
// the live database, and lists every difference.

#include <relate/detail/sql/identifier.hpp>
#include <relate/detail/writing/key_check.hpp>
#include <relate/detail/schema/live_schema.hpp>
#include <relate/error.hpp>
#include <relate/schema_difference.hpp>
#include <relate/sqlite/connection.hpp>

#include <relate/detail/core/text.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relate::detail {

struct expected_column {
    std::string_view name;
    std::string_view affinity;      ///< INTEGER, REAL, TEXT or BLOB; on PostgreSQL the column's type (BIGINT...)
    std::optional<bool> not_null;   ///< nullopt: either (an INTEGER PRIMARY KEY never holds NULL)
    bool primary_key = false;
};

struct expected_foreign_key {
    std::string_view column;
    std::string_view parent_table;
    std::string_view parent_column;
    std::string_view on_delete;  ///< as foreign_key_list spells it: CASCADE, SET NULL, RESTRICT
};

struct expected_table {
    std::string_view name;
    std::string owner;  ///< the model (User) or, for a junction table, the relation (Post::tags)
    bool junction = false;
    std::vector<expected_column> columns;
    std::vector<expected_foreign_key> foreign_keys;
    std::vector<std::string_view> indexed_columns;
    std::optional<model_key> key;  ///< a model's table: the key its writes rely on

    [[nodiscard]] bool has_column(std::string_view column) const {
        return std::any_of(columns.begin(), columns.end(),
                           [&](const expected_column& c) { return same_identifier(c.name, column); });
    }
};

/// The live table against what the models expect. A template on the backend, as the migrator is:
/// only a program that checks its schema compiles it.
template <class B>
class schema_comparison {
public:
    schema_comparison(typename B::connection& conn, const expected_table& want, std::vector<schema_difference>& out)
        : conn_(conn), want_(want), out_(out) {}

    void run() {
        const auto live = read_live_table(conn_, want_.name);
        if (!live) {
            report(want_.junction ? schema_drift::missing_junction_table : schema_drift::missing_table, "",
                   want_.junction ? detail::format("junction table {} of {} is missing", want_.name, want_.owner)
                                  : detail::format("table {} of {} is missing", want_.name, want_.owner));
            return;
        }
        for (const auto& column : want_.columns) compare_column(*live, column);
        if (want_.key)
            for (auto& problem : key_problems<B>(*live, *want_.key))
                report(schema_drift::wrong_primary_key, problem.column, std::move(problem.description));
        for (const auto& key : want_.foreign_keys) compare_foreign_key(*live, key);
        for (const auto column : want_.indexed_columns) {
            const bool indexed = std::any_of(live->indexes.begin(), live->indexes.end(), [&](const live_index& i) {
                return !i.columns.empty() && i.columns.front() && same_identifier(*i.columns.front(), column);
            });
            if (!indexed && live->column(column) != nullptr)
                report(schema_drift::missing_index, column,
                       detail::format("{}.{} has no index; relate indexes foreign keys so loading a relation does not "
                                   "scan the table",
                                   want_.name, column));
        }
        for (const auto& column : live->columns)
            if (!want_.has_column(column.name) && column.not_null && !has_default(column) &&
                column.primary_key_position == 0 && !column.generated)
                report(schema_drift::unexpected_required_column, column.name,
                       detail::format("{}.{} is NOT NULL {}, but {} has no field for it: inserting one would fail",
                                   want_.name, column.name,
                                   column.default_sql ? "with DEFAULT NULL" : "without a default", want_.owner));
    }

private:
    /// A default that gives a value: `NOT NULL DEFAULT NULL` makes every insert without the column fail.
    static bool has_default(const live_column& column) {
        return column.default_sql && !same_identifier(*column.default_sql, "NULL");
    }

    void report(schema_drift kind, std::string_view column, std::string description) {
        out_.push_back({kind, std::string(want_.name), std::string(column), std::move(description)});
    }

    void compare_column(const live_table& live, const expected_column& want) {
        const live_column* have = live.column(want.name);
        if (have == nullptr) {
            report(schema_drift::missing_column, want.name,
                   detail::format("{}.{} is missing ({} needs a column with {} affinity)", want_.name, want.name,
                               want_.owner, want.affinity));
            return;
        }
        if constexpr (B::types_by_affinity) {
            const std::string_view affinity = type_affinity(have->type);
            if (affinity != want.affinity)
                report(schema_drift::wrong_type, want.name,
                       detail::format("{}.{} is declared '{}' ({} affinity); {} needs {} affinity", want_.name,
                                      want.name, have->type, affinity, want_.owner, want.affinity));
        } else if (have->type != want.affinity) {
            report(schema_drift::wrong_type, want.name,
                   detail::format("{}.{} is declared '{}'; {} needs {}", want_.name, want.name, have->type, want_.owner,
                                  want.affinity));
        }
        if (want.not_null && *want.not_null != have->not_null)
            report(schema_drift::wrong_nullability, want.name,
                   *want.not_null
                       ? detail::format("{}.{} allows NULL, but its field in {} is not std::optional: reading a NULL "
                                     "would throw relate::type_error",
                                     want_.name, want.name, want_.owner)
                       : detail::format("{}.{} is NOT NULL, but its field in {} is std::optional: writing std::nullopt "
                                     "would fail",
                                     want_.name, want.name, want_.owner));
        if (!want_.key && want.primary_key != (have->primary_key_position > 0))  // a model's key: key_problems
            report(schema_drift::wrong_primary_key, want.name,
                   want.primary_key ? detail::format("{}.{} is not the table's primary key, but it is {}'s key",
                                                  want_.name, want.name, want_.owner)
                                    : detail::format("{}.{} is part of the table's primary key, but not of {}'s key",
                                                  want_.name, want.name, want_.owner));
    }

    void compare_foreign_key(const live_table& live, const expected_foreign_key& want) {
        if (live.column(want.column) == nullptr) return;  // reported as a missing column
        const auto expected = detail::format("REFERENCES {} ({}) ON DELETE {}", want.parent_table, want.parent_column,
                                          want.on_delete);
        const auto have = std::find_if(live.foreign_keys.begin(), live.foreign_keys.end(), [&](const live_foreign_key& k) {
            return k.from.size() == 1 && same_identifier(k.from.front(), want.column);
        });
        if (have == live.foreign_keys.end()) {
            report(schema_drift::missing_foreign_key, want.column,
                   detail::format("{}.{} has no foreign key; {} expects {}", want_.name, want.column, want_.owner, expected));
            return;
        }
        const std::string parent_column = have->to.front().value_or(std::string(want.parent_column));
        if (!same_identifier(have->table, want.parent_table) || !same_identifier(parent_column, want.parent_column)) {
            report(schema_drift::wrong_foreign_key, want.column,
                   detail::format("{}.{} references {} ({}); {} expects {}", want_.name, want.column, have->table,
                               parent_column, want_.owner, expected));
        } else if (have->on_delete != want.on_delete) {
            report(schema_drift::wrong_on_delete, want.column,
                   detail::format("{}.{} has ON DELETE {}; the models declare ON DELETE {}", want_.name, want.column,
                               have->on_delete, want.on_delete));
        }
    }

    typename B::connection& conn_;
    const expected_table& want_;
    std::vector<schema_difference>& out_;
};

/// relate::schema_mismatch listing every difference, one per line.
inline schema_mismatch mismatch_error(const std::vector<schema_difference>& differences) {
    std::vector<std::string> descriptions;
    for (const auto& d : differences) descriptions.push_back(d.description);
    std::string message = detail::format("relate: the database does not match the models ({} difference{}):\n  - {}",
                                      differences.size(), differences.size() == 1 ? "" : "s",
                                      detail::join(descriptions, "\n  - "));
    return schema_mismatch(message, std::move(descriptions));
}

}  // namespace relate::detail
