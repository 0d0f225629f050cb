#pragma once
// Moves a model's columns between C++ and statements: binding for writes, reading for rows.

#include <relate/detail/column_io.hpp>
#include <relate/detail/sql_text.hpp>
#include <relate/model.hpp>

#include <relate/detail/text.hpp>

#include <bitset>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace relate::detail {

/// Reads the model's columns from result columns first, first + 1, ... in declaration order.
template <class T>
void read_row(const sqlite::statement& st, T& out, int first = 0) {
    using L = model_layout<T>;
    [&]<std::size_t... K>(std::index_sequence<K...>) {
        (read_field(st, first + static_cast<int>(K), get_field<L::column_fields[K]>(out),
                    column_context{L::table, L::column_names[K]}),
         ...);
    }(std::make_index_sequence<L::column_count>{});
}

/// Which columns of T a statement reads (select() inside an include narrows it).
template <class T>
using column_mask = std::bitset<model_layout<T>::column_count>;

/// Reads the columns in `mask` from consecutive result columns; the others keep their defaults.
template <class T>
void read_row(const sqlite::statement& st, T& out, const column_mask<T>& mask, int first) {
    using L = model_layout<T>;
    int index = first;
    [&]<std::size_t... K>(std::index_sequence<K...>) {
        ((mask[K] ? read_field(st, index++, get_field<L::column_fields[K]>(out), column_context{L::table, L::column_names[K]})
                  : void()),
         ...);
    }(std::make_index_sequence<L::column_count>{});
}

/// Binds column K of the model to parameter `index`.
template <class T, std::size_t K>
void bind_column(sqlite::statement& st, int index, const T& object) {
    using L = model_layout<T>;
    bind_field(st, index, get_field<L::column_fields[K]>(object), column_context{L::table, L::column_names[K]});
}

/// Binds every column except (optionally) the primary key, from parameter 1; returns the next index.
template <class T>
int bind_columns(sqlite::statement& st, const T& object, bool skip_primary_key) {
    using L = model_layout<T>;
    int index = 1;
    [&]<std::size_t... K>(std::index_sequence<K...>) {
        ((skip_primary_key && K == L::primary_key_column ? void() : bind_column<T, K>(st, index++, object)), ...);
    }(std::make_index_sequence<L::column_count>{});
    return index;
}

/// A value for messages: 42, 'text', NULL.
inline std::string describe(const sqlite::value& v) {
    struct describer {
        std::string operator()(std::nullptr_t) const { return "NULL"; }
        std::string operator()(std::int64_t x) const { return std::to_string(x); }
        std::string operator()(double x) const { return detail::format("{}", x); }
        std::string operator()(const std::string& x) const {
            return "'" + (x.size() > 40 ? x.substr(0, 40) + "..." : x) + "'";
        }
        std::string operator()(const std::vector<std::byte>& x) const { return detail::format("a {}-byte BLOB", x.size()); }
    };
    return std::visit(describer{}, v);
}

/// The columns `names[k]` for which columns[k] is set (every one when `columns` is empty),
/// qualified by `qualifier`: "users"."id", "users"."name", ...
inline std::string select_list(std::string_view qualifier, std::span<const std::string_view> names,
                               const std::vector<bool>& columns = {}) {
    std::string out;
    for (std::size_t k = 0; k < names.size(); ++k) {
        if (!columns.empty() && !columns[k]) continue;
        if (!out.empty()) out += ", ";
        out += qualified_column(qualifier, names[k]);
    }
    return out;
}

/// Every column of T, qualified by `qualifier`.
template <class T>
std::string select_list(std::string_view qualifier) {
    return select_list(qualifier, model_layout<T>::column_names);
}

/// The statements that read and write one row by primary key, built once per model.
template <class T>
struct row_sql {
    using L = model_layout<T>;

    static const std::string& select_from() {
        static const std::string sql = detail::format("SELECT {} FROM {}", select_list<T>(L::table), sql_identifier(L::table));
        return sql;
    }
    static const std::string& find() {
        static const std::string sql =
            detail::format("{} WHERE {} = ?", select_from(), qualified_column(L::table, L::primary_key_name));
        return sql;
    }
    /// INSERT of every column, or of every column but an integer key SQLite assigns.
    static const std::string& insert(bool with_key) {
        static const std::string with = make_insert(true);
        static const std::string without = make_insert(false);
        return with_key ? with : without;
    }
    static const std::string& update() {
        static const std::string sql = [] {
            std::string set;
            for (std::size_t k = 0; k < L::column_count; ++k) {
                if (k == L::primary_key_column) continue;
                if (!set.empty()) set += ", ";
                set += sql_identifier(L::column_names[k]) + " = ?";
            }
            return detail::format("UPDATE {} SET {} WHERE {} = ?", sql_identifier(L::table), set, sql_identifier(L::primary_key_name));
        }();
        return sql;
    }
    static const std::string& remove() {
        static const std::string sql =
            detail::format("DELETE FROM {} WHERE {} = ?", sql_identifier(L::table), sql_identifier(L::primary_key_name));
        return sql;
    }

private:
    static std::string make_insert(bool with_key) {
        std::string columns;
        std::string values;
        for (std::size_t k = 0; k < L::column_count; ++k) {
            if (!with_key && k == L::primary_key_column) continue;
            if (!columns.empty()) {
                columns += ", ";
                values += ", ";
            }
            columns += sql_identifier(L::column_names[k]);
            values += '?';
        }
        if (columns.empty()) return detail::format("INSERT INTO {} DEFAULT VALUES", sql_identifier(L::table));
        return detail::format("INSERT INTO {} ({}) VALUES ({})", sql_identifier(L::table), columns, values);
    }
};

}  // namespace relate::detail
