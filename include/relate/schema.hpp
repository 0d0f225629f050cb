#pragma once
// DDL from models: CREATE TABLE IF NOT EXISTS with NOT NULL for every non-optional field, an
// index on every column named like a foreign key (userId, blogPostId), REFERENCES clauses whose
// ON DELETE action is the policy the parent declares, and junction tables.

#include <relate/detail/model/column_io.hpp>
#include <relate/detail/model/edge.hpp>
#include <relate/detail/sql/sql_text.hpp>
#include <relate/detail/sql/value_kind.hpp>
#include <relate/model.hpp>

#include <relate/detail/core/text.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace relate::detail {

/// A column named like a foreign key: lowerCamel name ending in "Id" (userId), not the key.
constexpr bool looks_like_foreign_key(std::string_view column) {
    return column.size() > 2 && column.ends_with("Id") && column[0] >= 'a' && column[0] <= 'z';
}

template <class Parent, class Child, std::size_t I>
constexpr void take_policy_if_declared(std::string_view key, delete_policy& out) {
    using E = edge<Parent, I>;
    if constexpr ((E::kind == relation_kind::has_one || E::kind == relation_kind::has_many) &&
                  std::is_same_v<typename E::target, Child>) {
        if (E::foreign_key == key) out = E::policy;
    }
}

/// The policy Parent declares (has_one / has_many) for Child rows pointing at it through `key`;
/// restrict when Parent declares none.
template <class Parent, class Child>
constexpr delete_policy declared_policy(std::string_view key) {
    using L = model_layout<Parent>;
    delete_policy out = delete_policy::restrict;
    [&]<std::size_t... R>(std::index_sequence<R...>) {
        (take_policy_if_declared<Parent, Child, L::relation_fields[R]>(key, out), ...);
    }(std::make_index_sequence<L::relation_count>{});
    return out;
}

template <class B, class T, std::size_t K, std::size_t I>
void append_reference_if_foreign_key(std::string& out) {
    using E = edge<T, I>;
    using L = model_layout<T>;
    if constexpr (E::kind == relation_kind::belongs_to) {
        using TL = model_layout<typename E::target>;
        if (E::foreign_key == L::column_names[K])
            out = detail::format(" REFERENCES {} ({}) ON DELETE {}{}", sql_identifier(TL::table),
                              sql_identifier(TL::primary_key_name),
                              on_delete_sql(declared_policy<typename E::target, T>(E::foreign_key)), B::reference_options);
    }
}

/// " REFERENCES ..." for column K of T when a belongs_to of T uses it as its foreign key.
template <class B, class T, std::size_t K>
std::string references_clause() {
    using L = model_layout<T>;
    std::string out;
    [&]<std::size_t... R>(std::index_sequence<R...>) {
        (append_reference_if_foreign_key<B, T, K, L::relation_fields[R]>(out), ...);
    }(std::make_index_sequence<L::relation_count>{});
    return out;
}

template <class V>
constexpr value_kind value_kind_of = std::is_same_v<V, bool> ? value_kind::boolean : value_kind::plain;
template <class Duration>
constexpr value_kind value_kind_of<std::chrono::sys_time<Duration>> =
    fraction_digits<Duration>() <= 6 ? value_kind::time : value_kind::plain;

/// The backend's SQL type of a column holding values of type V.
template <class B, class V>
constexpr std::string_view column_sql_type() {
    return B::column_type(sql_type_name<storage_t<V>>(), value_kind_of<V>);
}

/// Calls f(name, SQL type, nullable) for each field of pivot struct P but the junction's keys.
template <class B, class P, class E, class F>
void for_each_pivot_column(F&& f) {
    [&]<std::size_t... K>(std::index_sequence<K...>) {
        const auto one = [&](std::string_view name, std::string_view type, bool nullable) {
            if (name != E::junction_owner_key && name != E::junction_target_key) f(name, type, nullable);
        };
        (one(field_name<P, K>, column_sql_type<B, column_value_t<field_t<P, K>>>(), is_nullable<field_t<P, K>>), ...);
    }(std::make_index_sequence<field_count<P>>{});
}

/// The junction table of belongs_to_many member I of T: both keys, the pair as primary key,
/// rows removed with either side, and an index on the second column.
template <class B, class T, std::size_t I>
std::vector<std::string> junction_ddl() {
    using E = edge<T, I>;
    using OL = model_layout<T>;
    using TL = model_layout<typename E::target>;
    const auto key_column = [](std::string_view name, std::string_view type, std::string_view table,
                               std::string_view key) {
        return detail::format("{} {} NOT NULL REFERENCES {} ({}) ON DELETE CASCADE{}", sql_identifier(name), type,
                              sql_identifier(table), sql_identifier(key), B::reference_options);
    };
    std::string owner = key_column(E::junction_owner_key, column_sql_type<B, typename OL::key_type>(), OL::table,
                                   OL::primary_key_name);
    std::string target = key_column(E::junction_target_key, column_sql_type<B, typename TL::key_type>(), TL::table,
                                    TL::primary_key_name);
    // Columns in the junction name's order: post_tags is (postId, tagId) from either side.
    const bool owner_first = snake_case(type_name<T>).view() <= snake_case(type_name<typename E::target>).view();
    const std::string_view first_key = owner_first ? E::junction_owner_key : E::junction_target_key;
    const std::string_view second_key = owner_first ? E::junction_target_key : E::junction_owner_key;
    std::string pivot_columns;  // through<P>: P's other fields, after the keys
    if constexpr (!std::is_void_v<typename E::pivot>)
        for_each_pivot_column<B, typename E::pivot, E>([&](std::string_view name, std::string_view type, bool nullable) {
            pivot_columns += detail::format(", {} {}{}", sql_identifier(name), type, nullable ? "" : " NOT NULL");
        });
    return {detail::format("CREATE TABLE IF NOT EXISTS {} ({}, {}{}, PRIMARY KEY ({}, {})){}",
                           sql_identifier(E::junction), owner_first ? owner : target, owner_first ? target : owner,
                           pivot_columns, sql_identifier(first_key), sql_identifier(second_key), B::junction_options),
            detail::format("CREATE INDEX IF NOT EXISTS {} ON {} ({})",
                        sql_identifier(detail::format("{}_{}_index", E::junction, second_key)), sql_identifier(E::junction),
                        sql_identifier(second_key))};
}

template <class B, class T, std::size_t I>
void append_junction_ddl(std::vector<std::string>& out) {
    if constexpr (edge<T, I>::kind == relation_kind::belongs_to_many)
        for (auto& sql : junction_ddl<B, T, I>()) out.push_back(std::move(sql));
}

template <class B, class T, std::size_t K>
std::string column_definition() {
    using L = model_layout<T>;
    using F = typename L::template column_t<K>;
    std::string out = sql_identifier(L::column_names[K]);
    out += ' ';
    if (K == L::primary_key_column && L::key_is_assigned) {
        out += B::assigned_key;
    } else {
        out += column_sql_type<B, column_value_t<F>>();
        if (K == L::primary_key_column) out += " PRIMARY KEY NOT NULL";
        else if (!is_nullable<F>) out += " NOT NULL";
    }
    out += references_clause<B, T, K>();
    return out;
}

/// The CREATE TABLE and CREATE INDEX statements of one model, in the backend's dialect.
template <class B, class T>
std::vector<std::string> table_ddl() {
    using L = model_layout<T>;
    std::vector<std::string> columns;
    [&]<std::size_t... K>(std::index_sequence<K...>) {
        (columns.push_back(column_definition<B, T, K>()), ...);
    }(std::make_index_sequence<L::column_count>{});

    std::vector<std::string> out{
        detail::format("CREATE TABLE IF NOT EXISTS {} ({})", sql_identifier(L::table), detail::join(columns, ", "))};
    for (std::size_t k = 0; k < L::column_count; ++k) {
        const std::string_view column = L::column_names[k];
        if (k == L::primary_key_column || !looks_like_foreign_key(column)) continue;
        out.push_back(detail::format("CREATE INDEX IF NOT EXISTS {} ON {} ({})",
                                  sql_identifier(detail::format("{}_{}_index", L::table, column)), sql_identifier(L::table),
                                  sql_identifier(column)));
    }
    [&]<std::size_t... R>(std::index_sequence<R...>) {
        (append_junction_ddl<B, T, L::relation_fields[R]>(out), ...);
    }(std::make_index_sequence<L::relation_count>{});
    return out;
}

}  // namespace relate::detail
