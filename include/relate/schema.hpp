#pragma once
// DDL from models: CREATE TABLE IF NOT EXISTS with NOT NULL for every non-optional field and an
// index on every column named like a foreign key (userId, blogPostId).

#include <relate/detail/column_io.hpp>
#include <relate/detail/sql_text.hpp>
#include <relate/model.hpp>

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

namespace relate::detail {

/// A column named like a foreign key: lowerCamel name ending in "Id" (userId), not the key.
constexpr bool looks_like_foreign_key(std::string_view column) {
    return column.size() > 2 && column.ends_with("Id") && column[0] >= 'a' && column[0] <= 'z';
}

template <class T, std::size_t K>
std::string column_definition() {
    using L = model_layout<T>;
    using F = typename L::template column_t<K>;
    std::string out = quoted(L::column_names[K]);
    out += ' ';
    out += sql_type_name<storage_t<column_value_t<F>>>();
    if (K == L::primary_key_column) {
        out += " PRIMARY KEY";
        if (!L::key_is_assigned) out += " NOT NULL";
    } else if (!is_nullable<F>) {
        out += " NOT NULL";
    }
    return out;
}

/// The CREATE TABLE and CREATE INDEX statements of one model.
template <class T>
std::vector<std::string> table_ddl() {
    using L = model_layout<T>;
    std::vector<std::string> columns;
    [&]<std::size_t... K>(std::index_sequence<K...>) {
        (columns.push_back(column_definition<T, K>()), ...);
    }(std::make_index_sequence<L::column_count>{});

    std::vector<std::string> out{
        fmt::format("CREATE TABLE IF NOT EXISTS {} ({})", quoted(L::table), fmt::join(columns, ", "))};
    for (std::size_t k = 0; k < L::column_count; ++k) {
        const std::string_view column = L::column_names[k];
        if (k == L::primary_key_column || !looks_like_foreign_key(column)) continue;
        out.push_back(fmt::format("CREATE INDEX IF NOT EXISTS {} ON {} ({})",
                                  quoted(fmt::format("{}_{}_index", L::table, column)), quoted(L::table),
                                  quoted(column)));
    }
    return out;
}

}  // namespace relate::detail
