#pragma once
// db.check_schema<Models...>(): what create_tables<Models...>() would make (schema.hpp), compared
// with the live database. Every difference is listed; db.require_schema<Models...>() throws
// relate::schema_mismatch with all of them.
//
//   for (const relate::schema_difference& d : db.check_schema<User, Post>()) fmt::print("{}\n", d.description);

#include <relate/detail/model/edge.hpp>
#include <relate/detail/sql/identifier.hpp>
#include <relate/detail/model/layout.hpp>
#include <relate/detail/schema/schema_compare.hpp>
#include <relate/detail/session.hpp>
#include <relate/detail/model/model_desc.hpp>
#include <relate/model.hpp>
#include <relate/schema.hpp>
#include <relate/schema_difference.hpp>
#include <relate/sqlite/transaction.hpp>

#include <relate/detail/core/text.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace relate::detail {

template <class B, class T, std::size_t K>
expected_column expected_column_of() {
    using L = model_layout<T>;
    using F = typename L::template column_t<K>;
    const bool key = K == L::primary_key_column;
    std::optional<bool> not_null = !is_nullable<F>;
    if (key && L::key_is_assigned) not_null.reset();
    return {L::column_names[K], column_sql_type<B, column_value_t<F>>(), not_null, key};
}

/// The junction table of belongs_to_many member I of T, as junction_ddl makes it.
template <class B, class T, std::size_t I>
expected_table expected_junction() {
    using E = edge<T, I>;
    using OL = model_layout<T>;
    using TL = model_layout<typename E::target>;
    expected_table out{E::junction, detail::format("{}::{}", E::origin.owner, E::member), true, {}, {}, {}, {}};
    out.columns = {{E::junction_owner_key, column_sql_type<B, typename OL::key_type>(), true, true},
                   {E::junction_target_key, column_sql_type<B, typename TL::key_type>(), true, true}};
    if constexpr (!std::is_void_v<typename E::pivot>)
        for_each_pivot_column<B, typename E::pivot, E>([&](std::string_view name, std::string_view type, bool nullable) {
            out.columns.push_back({name, type, !nullable, false});
        });
    out.foreign_keys = {{E::junction_owner_key, OL::table, OL::primary_key_name, "CASCADE"},
                        {E::junction_target_key, TL::table, TL::primary_key_name, "CASCADE"}};
    out.indexed_columns = {E::junction_owner_key, E::junction_target_key};
    return out;
}

template <class B, class T, std::size_t I>
void expect_relation(expected_table& table, std::vector<expected_table>& junctions) {
    using E = edge<T, I>;
    if constexpr (E::kind == relation_kind::belongs_to) {
        using TL = model_layout<typename E::target>;
        table.foreign_keys.push_back({E::foreign_key, TL::table, TL::primary_key_name,
                                      on_delete_sql(declared_policy<typename E::target, T>(E::foreign_key))});
    } else if constexpr (E::kind == relation_kind::belongs_to_many) {
        junctions.push_back(expected_junction<B, T, I>());
    }
}

template <class B, class T>
void expect_model(std::vector<expected_table>& out) {
    using L = model_layout<T>;
    expected_table table{L::table, std::string(type_name<T>), false, {}, {}, {}, key_of(describe<B, T>())};
    [&]<std::size_t... K>(std::index_sequence<K...>) {
        (table.columns.push_back(expected_column_of<B, T, K>()), ...);
    }(std::make_index_sequence<L::column_count>{});
    // The same columns table_ddl indexes.
    for (std::size_t k = 0; k < L::column_count; ++k)
        if (k != L::primary_key_column && looks_like_foreign_key(L::column_names[k]))
            table.indexed_columns.push_back(L::column_names[k]);
    std::vector<expected_table> junctions;
    [&]<std::size_t... R>(std::index_sequence<R...>) {
        (expect_relation<B, T, L::relation_fields[R]>(table, junctions), ...);
    }(std::make_index_sequence<L::relation_count>{});

    out.push_back(std::move(table));
    for (auto& junction : junctions) {
        // Post::tags and Tag::posts share post_tags: expected once.
        const bool seen = std::any_of(out.begin(), out.end(),
                                      [&](const expected_table& t) { return same_identifier(t.name, junction.name); });
        if (!seen) out.push_back(std::move(junction));
    }
}

/// Every difference between the models and the live database, read in one snapshot.
template <class B, class... Models>
std::vector<schema_difference> check_schema(session<B>& s) {
    std::vector<expected_table> tables;
    (expect_model<B, Models>(tables), ...);
    std::vector<schema_difference> out;
    typename B::transaction snapshot(s.conn);
    for (const auto& table : tables) schema_comparison<B>(s.conn, table, out).run();
    snapshot.commit();
    return out;
}

template <class B, class... Models>
void require_schema(session<B>& s) {
    const auto differences = check_schema<B, Models...>(s);
    if (!differences.empty()) throw mismatch_error(differences);
}

}  // namespace relate::detail
