#pragma once
// Whether a live table's primary key behaves as a model's key: a write by key changes exactly the
// row it names, and an integer key left at 0 is assigned by SQLite. A table relate did not create
// may differ: `id INT PRIMARY KEY` is not the rowid (SQLite stores NULL and assigns nothing), a
// key over two columns makes a remove by one of them remove several rows, a key column of another
// affinity changes the key ("007" becomes 7). check_schema reports these, and the first write to
// such a table on a connection is refused.

#include <relate/detail/sql/identifier.hpp>
#include <relate/detail/schema/live_schema.hpp>
#include <relate/detail/model/model_desc.hpp>
#include <relate/detail/session.hpp>
#include <relate/detail/core/text.hpp>
#include <relate/error.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relate::detail {

/// A model's key as the table must keep it.
struct model_key {
    std::string_view model;
    std::string_view table;
    std::string_view column;
    std::string_view affinity;  ///< INTEGER, REAL, TEXT or BLOB
    bool assigned = false;      ///< an integer key SQLite assigns on insert
};

/// Whether the table's single integer primary key is the rowid: SQLite then assigns it and never
/// stores NULL in it. Any other primary key has an index of its own (origin "pk"), a WITHOUT ROWID
/// table's too.
inline bool key_is_rowid(const live_table& live) {
    return std::none_of(live.indexes.begin(), live.indexes.end(), [](const live_index& i) { return i.origin == "pk"; });
}

/// One way a table's primary key differs from the model's: the column concerned and a sentence.
struct key_problem {
    std::string column;
    std::string description;
};

/// How the live table's primary key differs from the model's; empty when it behaves. The key
/// column's affinity is compared by check_schema with every column's. An assigned key must be
/// SQLite's rowid, or on PostgreSQL have a default (an identity column, a serial).
template <class B>
std::vector<key_problem> key_problems(const live_table& live, const model_key& key) {
    std::vector<key_problem> out;
    const live_column* column = live.column(key.column);
    if (column == nullptr) return out;  // a missing column, reported as such
    if (column->primary_key_position == 0)
        out.push_back({column->name, detail::format("{}.{} is not the table's primary key, but it is {}'s key: a write "
                                                 "by key could change several rows",
                                                 key.table, key.column, key.model)});
    for (const auto& other : live.columns)
        if (other.primary_key_position > 0 && !same_identifier(other.name, key.column))
            out.push_back({other.name, detail::format("{}.{} is part of the table's primary key, but not of {}'s key ({}): "
                                                   "a write by key would change every row sharing its {}",
                                                   key.table, other.name, key.model, key.column, key.column)});
    if (!out.empty() || !key.assigned) return out;
    if constexpr (B::checks_key_behaviour) {
        if (!key_is_rowid(live))
            out.push_back({column->name, detail::format("{}.{} is the primary key but not the rowid (declared '{}'; the "
                                                        "rowid needs exactly INTEGER PRIMARY KEY in a table with a "
                                                        "rowid): SQLite would not assign {}'s keys, an insert would "
                                                        "store NULL",
                                                        key.table, key.column, column->type, key.model)});
    } else if (!column->default_sql) {
        out.push_back({column->name, detail::format("{}.{} has no default (an identity column assigns one): the server "
                                                    "would not assign {}'s keys, an insert would store NULL",
                                                    key.table, key.column, key.model)});
    }
    return out;
}

/// The model's key as its description gives it.
template <class B>
model_key key_of(const model_desc<B>& m) {
    return {m.model, m.table, m.key_column().name, m.key_column().affinity, m.key_assigned};
}

/// What the key check needs of a live table: its columns, and whether its primary key has an
/// index of its own; nullopt when the table does not exist.
inline std::optional<live_table> read_key_facts(sqlite::connection& conn, std::string_view table) {
    live_table out;
    out.columns = read_columns(conn, table);
    if (out.columns.empty()) return std::nullopt;
    schema_query q(conn, "SELECT 1 FROM pragma_index_list(?) WHERE origin = 'pk'");
    q->bind_text(1, table);
    if (q->step()) out.indexes.push_back({"", "pk", {}});
    return out;
}

/// Refuses, once per table and connection, to write to a table whose key does not behave as the
/// model's: relate::schema_mismatch saying why. A table that does not exist is left to SQLite,
/// whose error names it.
template <class B>
void require_rowid_key(session<B>& s, const model_desc<B>& m) {
    if (std::find(s.keys_checked.begin(), s.keys_checked.end(), &m) != s.keys_checked.end()) return;
    if (const auto live = read_key_facts(s.conn, m.table)) {
        std::vector<std::string> problems;
        for (auto& problem : key_problems<B>(*live, key_of(m))) problems.push_back(std::move(problem.description));
        const std::string_view key = m.key_column().name;
        const live_column* column = live->column(key);
        if (column != nullptr && type_affinity(column->type) != m.key_column().affinity)
            problems.push_back(detail::format("{}.{} is declared '{}' ({} affinity), but {}'s key needs {} affinity: "
                                              "SQLite would change the keys it stores",
                                              m.table, key, column->type, type_affinity(column->type), m.model,
                                              m.key_column().affinity));
        if (!problems.empty()) {
            std::string message = detail::format("relate: refusing to write to {}: its primary key does not behave as "
                                                 "{}'s key:\n  - {}",
                                                 m.table, m.model, detail::join(problems, "\n  - "));
            throw schema_mismatch(message, std::move(problems));
        }
    }
    s.keys_checked.push_back(&m);
}

/// SQLite's check above, before a write; PostgreSQL's identity columns need none.
template <class B>
void require_key_behaviour(session<B>& s, const model_desc<B>& m) {
    if constexpr (B::checks_key_behaviour) require_rowid_key(s, m);
}

}  // namespace relate::detail
