#pragma once
// One row between a model object and a statement, through the model's description: reading
// result columns into its fields, stamping its relations, binding its fields, and the statements
// that find, insert, update and delete one row by primary key.

#include <relate/detail/model/model_desc.hpp>
#include <relate/detail/session.hpp>
#include <relate/detail/core/text.hpp>
#include <relate/error.hpp>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relate::detail {

/// Reads the columns `read` selects (every one when empty) from result columns first, first + 1,
/// ... into the object; the others keep their defaults.
template <class B>
void read_row(const typename B::statement& st, const model_desc<B>& m, void* object, int first = 0,
              const std::vector<bool>& read = {}) {
    int index = first;
    for (std::size_t k = 0; k < m.columns.size(); ++k) {
        if (!read.empty() && !read[k]) continue;
        const column_desc<B>& c = m.columns[k];
        c.type->read(st, index++, model_desc<B>::at(object, c.offset), {m.table, c.name});
    }
}

/// Marks every relation of a row read from the database with where it lives, and whether it came
/// from a query that returned several rows (strict mode's N+1 detector reads this).
template <class B>
void stamp_row(const model_desc<B>& m, void* object, bool from_multi_row_query) {
    for (const relation_desc<B>& r : m.relations) r.ops->stamp(model_desc<B>::at(object, r.offset), r.origin, from_multi_row_query);
}

/// Binds every column, or every column but the key, from parameter 1; returns the next index.
template <class B>
int bind_row(typename B::statement& st, const model_desc<B>& m, const void* object, bool skip_key) {
    int index = 1;
    for (std::size_t k = 0; k < m.columns.size(); ++k) {
        if (skip_key && k == m.key) continue;
        const column_desc<B>& c = m.columns[k];
        c.type->bind(st, index++, model_desc<B>::at(object, c.offset), {m.table, c.name});
    }
    return index;
}

[[noreturn]] inline void throw_no_row(std::string_view table, std::string_view key, const sqlite::value& value) {
    throw not_found(detail::format("relate: no {} row with {} = {}", table, key, describe(value)));
}

/// Reads the row whose key is `*key` (a value of the key field's type) into `out`; false when
/// there is none.
template <class B>
bool find_row(session<B>& s, const model_desc<B>& m, const void* key, void* out) {
    auto st = s.conn.prepare_static(m.sql.find);
    m.key_column().type->bind(*st, 1, key, m.where(m.key));
    if (!st->step()) return false;
    read_row(*st, m, out);
    stamp_row(m, out, false);
    return true;
}

/// Whether the object's key is left for SQLite to assign (an integer key still 0).
template <class B>
bool key_unassigned(const model_desc<B>& m, const void* object) {
    if (!m.key_assigned) return false;
    const sqlite::value key = m.key_value(object);
    return std::get<std::int64_t>(key) == 0;
}

/// Writes the key SQLite gave a row back into the object; a key the field cannot hold (an int32_t
/// id after row 2147483647) is a relate::type_error, so the commit rolls back instead of leaving a
/// wrapped key that names another row or none.
template <class B>
void write_back_key(const model_desc<B>& m, void* object, const sqlite::value& key) {
    const column_desc<B>& column = m.key_column();
    try {
        column.type->assign(model_desc<B>::at(object, column.offset), key, m.where(m.key));
    } catch (const type_error&) {
        throw type_error(detail::format("relate: {}.{}: the database assigned the key {}, which does not fit the "
                                        "field's integer type; nothing was written (widen the field to std::int64_t)",
                                        m.table, column.name, describe(key)));
    }
}

/// Inserts the row; an integer key left at 0 is assigned by SQLite and written back.
template <class B>
void insert_row(session<B>& s, const model_desc<B>& m, void* object) {
    const bool assign_key = key_unassigned(m, object);
    auto st = s.conn.prepare_static(assign_key ? m.sql.insert_without_key : m.sql.insert_with_key);
    bind_row(*st, m, object, assign_key);
    st->step();
    if (!assign_key) return;
    if constexpr (B::returns_inserted_key)
        write_back_key(m, object, st->column_value(0));  // insert_without_key ends RETURNING the key
    else
        write_back_key(m, object, s.conn.last_insert_rowid());
}

/// The statement of an upsert: the insert, then ON CONFLICT (the conflict columns) DO UPDATE SET
/// every other column but the key, RETURNING the key of the row inserted or updated.
template <class B>
std::string upsert_sql(const model_desc<B>& m, std::span<const std::size_t> conflict, bool with_key) {
    std::string target;
    for (const std::size_t k : conflict) target += (target.empty() ? "" : ", ") + sql_identifier(m.columns[k].name);
    std::string set;
    for (std::size_t k = 0; k < m.columns.size(); ++k) {
        if (k == m.key || std::find(conflict.begin(), conflict.end(), k) != conflict.end()) continue;
        const std::string name = sql_identifier(m.columns[k].name);
        set += (set.empty() ? "" : ", ") + name + " = excluded." + name;
    }
    // Nothing else to update: the row is still "updated", so that RETURNING gives its key.
    if (set.empty()) set = sql_identifier(m.columns[conflict.front()].name) + " = excluded." +
                           sql_identifier(m.columns[conflict.front()].name);
    std::string_view insert = with_key ? m.sql.insert_with_key : m.sql.insert_without_key;
    if constexpr (B::returns_inserted_key)
        if (!with_key) insert = insert.substr(0, insert.rfind(" RETURNING "));  // it comes after ON CONFLICT
    return detail::format("{} ON CONFLICT ({}) DO UPDATE SET {} RETURNING {}", insert, target, set,
                          sql_identifier(m.key_column().name));
}

/// Inserts the row, or updates the row holding the same values in the conflict columns (which a
/// primary key or unique index must cover); the key of the row written goes back into the object.
template <class B>
void upsert_row(session<B>& s, const model_desc<B>& m, void* object, std::span<const std::size_t> conflict) {
    const bool assign_key = key_unassigned(m, object);
    const std::string sql = upsert_sql(m, conflict, !assign_key);
    // SQLite matches the conflict columns with an index when it prepares the statement,
    // PostgreSQL when it first runs it: either refusal becomes the same schema_mismatch.
    sqlite::value key;
    try {
        auto st = s.conn.prepare(sql);
        bind_row(*st, m, object, assign_key);
        st->step();
        key = st->column_value(0);
        while (st->step()) {
        }
    } catch (const sql_error& e) {
        if (!B::is_missing_conflict_target(e)) throw;
        std::string columns;
        for (const std::size_t k : conflict) columns += (columns.empty() ? "" : ", ") + std::string(m.columns[k].name);
        const std::string why = detail::format("{} has no primary key or unique index on exactly ({})", m.table, columns);
        throw schema_mismatch(detail::format("relate: cannot upsert {}: {}; add one (t.unique(...)) or name the "
                                             "columns of one",
                                             m.model, why),
                              {why});
    }
    write_back_key(m, object, key);
}

template <class B>
void update_row(session<B>& s, const model_desc<B>& m, const void* object) {
    auto st = s.conn.prepare_static(m.sql.update);
    const int key_index = bind_row(*st, m, object, true);
    m.key_column().type->bind(*st, key_index, model_desc<B>::at(object, m.key_column().offset), m.where(m.key));
    st->step();
    if (s.conn.changes() == 0) throw_no_row(m.table, m.key_column().name, m.key_value(object));
}

}  // namespace relate::detail
