#pragma once
// Single-row reads and writes by primary key: what database and the committer build on.

#include <relate/detail/relation_access.hpp>
#include <relate/detail/row.hpp>
#include <relate/detail/session.hpp>
#include <relate/error.hpp>

#include <relate/detail/text.hpp>

#include <optional>
#include <utility>

namespace relate::detail {

inline not_found no_row(std::string_view table, std::string_view primary_key, const sqlite::value& key) {
    return not_found(detail::format("relate: no {} row with {} = {}", table, primary_key, describe(key)));
}

template <class T>
[[noreturn]] void throw_not_found(const typename model_layout<T>::key_type& key) {
    using L = model_layout<T>;
    throw no_row(L::table, L::primary_key_name, to_value(key));
}

template <class T>
std::optional<T> find_row(session& s, const typename model_layout<T>::key_type& key) {
    using L = model_layout<T>;
    auto st = s.conn.prepare_static(row_sql<T>::find());
    bind_field(*st, 1, key, column_context{L::table, L::primary_key_name});
    if (!st->step()) return std::nullopt;
    std::optional<T> out{std::in_place};
    read_row(*st, *out);
    if constexpr (model_layout<T>::relation_count > 0) stamp_relations(*out, false);
    return out;
}

/// Whether the key is left for SQLite to assign (an integer key still 0).
template <class M>
bool key_unassigned(const M& object) {
    if constexpr (model_layout<M>::key_is_assigned)
        return primary_key_of(object) == 0;
    else
        return false;
}

/// The key SQLite assigned, as the key field's type; relate::type_error when the field cannot
/// hold it (an int32_t id after row 2147483647), so the commit rolls back instead of writing back
/// a wrapped key that names another row or none.
template <class T>
typename model_layout<T>::key_type assigned_key(std::int64_t rowid) {
    using L = model_layout<T>;
    if (!std::in_range<typename L::key_type>(rowid))
        throw type_error(detail::format("relate: {}.{}: SQLite assigned the key {}, which does not fit the field's integer "
                                     "type; nothing was written (widen the field to std::int64_t)",
                                     L::table, L::primary_key_name, rowid));
    return static_cast<typename L::key_type>(rowid);
}

/// Inserts the row; an integer key left at 0 is assigned by SQLite and written back.
template <class T>
void insert_row(session& s, T& object) {
    using L = model_layout<T>;
    auto& key = primary_key_of(object);
    const bool assign_key = key_unassigned(object);
    auto st = s.conn.prepare_static(row_sql<T>::insert(!assign_key));
    bind_columns(*st, object, assign_key);
    st->step();
    if constexpr (L::key_is_assigned) {
        if (assign_key) key = assigned_key<T>(s.conn.last_insert_rowid());
    }
}

template <class T>
void update_row(session& s, const T& object) {
    using L = model_layout<T>;
    auto st = s.conn.prepare_static(row_sql<T>::update());
    const int key_index = bind_columns(*st, object, true);
    bind_column<T, L::primary_key_column>(*st, key_index, object);
    st->step();
    if (s.conn.changes() == 0) throw_not_found<T>(primary_key_of(object));
}

template <class T>
void delete_row(session& s, const T& object) {
    using L = model_layout<T>;
    auto st = s.conn.prepare_static(row_sql<T>::remove());
    bind_column<T, L::primary_key_column>(*st, 1, object);
    st->step();
    if (s.conn.changes() == 0) throw_not_found<T>(primary_key_of(object));
}

}  // namespace relate::detail
