#pragma once
// A model as the engine sees it, built once at run time from its compile-time layout: its table,
// its columns (name, offset in the struct, codec), its key and its relations (offset, kind,
// foreign key, target, operations), and the SQL that reads and writes one row. The engine works
// on these descriptions, so everything it does is compiled once per backend, not once per model;
// a model adds its description and a function that appends one to a std::vector.

#include <relate/detail/model/edge.hpp>
#include <relate/detail/model/layout.hpp>
#include <relate/detail/model/codec.hpp>
#include <relate/detail/model/relation_ops.hpp>
#include <relate/detail/sql/sql_literal.hpp>
#include <relate/detail/sql/sql_text.hpp>
#include <relate/relation.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relate::detail {

/// A column index that is not there (an edge that needs no such column).
inline constexpr std::size_t no_column = static_cast<std::size_t>(-1);

template <class B>
struct column_desc {
    std::string_view name;
    std::size_t offset;
    const codec<B>* type;
    std::string_view affinity;  ///< INTEGER, REAL, TEXT or BLOB
    bool nullable;
};

template <class B>
struct model_desc;
template <class B>
struct session;
struct include_node;

/// Loads a morph_to edge, one statement per target type. Defined by the loader; a relation takes
/// its address only when it is a morph_to, so a program without one never compiles it.
template <class B>
void load_morph_to(session<B>& s, const model_desc<B>& model, const include_node& node, std::span<void* const> parents);

/// A function rather than a pointer, so models that name each other can point at each other.
template <class B>
using model_desc_ref = const model_desc<B>& (*)();

/// The statements that change the junction rows of a belongs_to_many relation.
struct link_statements {
    std::string connect;          ///< one link (and its pivot values); connecting an existing one is a no-op
    std::string clear;            ///< every link of one owner
    std::string disconnect_head;  ///< the target keys go between head and tail
    std::string disconnect_tail;
    std::string update_pivot;     ///< through a pivot struct: its values, then the owner and target keys
};

/// A target type of a morph_to: the value naming it in the type column, and its model.
template <class B>
struct morph_target {
    std::string_view type;
    model_desc_ref<B> model;
};

template <class B>
struct relation_desc {
    std::string_view member;
    std::size_t offset;
    relation_kind kind;
    delete_policy policy;
    const relation_origin* origin;
    /// The foreign-key column: the owner's (belongs_to) or the target's (has_one, has_many, and
    /// the through kinds, whose target names the intermediate row).
    std::string_view foreign_key;
    std::size_t foreign_key_column;  ///< its index in the model holding it; no_column for belongs_to_many
    /// belongs_to_many: the junction table and its two key columns. The through kinds: the
    /// intermediate table, its foreign key to the owner and its own key.
    std::string_view junction;
    std::string_view junction_owner_key;
    std::string_view junction_target_key;
    model_desc_ref<B> target;
    const relation_ops* ops;
    link_statements link_sql;  ///< belongs_to_many only
    /// belongs_to_many through a pivot struct: its columns (no key, no relation), else nullptr.
    const model_desc<B>* pivot = nullptr;
    /// The pivot's columns other than the two keys: what connect writes besides them.
    std::vector<std::size_t> pivot_values;
    /// Polymorphic relations: the type column (on the target of a morph_many, on this model for
    /// a morph_to) and its index there; morph_many: the value naming this model in it.
    std::string_view morph_type_column;
    std::size_t morph_type_column_index = no_column;
    std::string_view morph_type;
    std::vector<morph_target<B>> morph_targets;  ///< morph_to: its target types, in declaration order
    /// morph_to: load_morph_to<B>; else nullptr.
    void (*load_by_type)(session<B>&, const model_desc<B>&, const include_node&, std::span<void* const>) = nullptr;

    [[nodiscard]] bool many() const noexcept { return is_many(kind); }
    /// has_many_through / has_one_through: read through the intermediate table `junction`.
    [[nodiscard]] bool through() const noexcept { return is_through(kind); }
    /// morph_many: the condition that keeps the target's rows naming this model's type.
    [[nodiscard]] std::string morph_filter(std::string_view target_table) const {
        return morph_type.empty() ? std::string()
                                  : qualified_column(target_table, morph_type_column) + " = " + sql_literal(std::string(morph_type));
    }
    /// has_one / has_many: rows of the target hold this model's key.
    [[nodiscard]] bool has_children() const noexcept {
        return kind == relation_kind::has_one || kind == relation_kind::has_many;
    }
};

/// The statements that read and write one row by primary key.
struct row_statements {
    std::string select_list;  ///< every column, qualified by the table
    std::string find;
    std::string insert_with_key;
    std::string insert_without_key;  ///< for a key SQLite assigns
    std::string update;
    std::string remove;
};

template <class B>
struct model_desc {
    std::string_view model;
    std::string_view table;
    std::vector<column_desc<B>> columns;
    std::size_t key;    ///< the primary key's column
    bool key_assigned;  ///< an integer key SQLite assigns on insert
    std::vector<relation_desc<B>> relations;
    /// Appends a default-constructed model to a std::vector of them and returns it; room for
    /// `expected` rows is made at once when the vector is full (0: not known).
    void* (*emplace)(void* rows, std::size_t expected);
    row_statements sql;

    [[nodiscard]] const column_desc<B>& key_column() const noexcept { return columns[key]; }
    [[nodiscard]] column_context where(std::size_t column) const noexcept { return {table, columns[column].name}; }
    static void* at(void* object, std::size_t offset) noexcept { return static_cast<char*>(object) + offset; }
    static const void* at(const void* object, std::size_t offset) noexcept {
        return static_cast<const char*>(object) + offset;
    }
    [[nodiscard]] sqlite::value value(const void* object, std::size_t column) const {
        return columns[column].type->value(at(object, columns[column].offset), where(column));
    }
    [[nodiscard]] sqlite::value key_value(const void* object) const { return value(object, key); }
    /// The column named `name`, or no_column.
    [[nodiscard]] std::size_t find_column(std::string_view name) const noexcept {
        for (std::size_t k = 0; k < columns.size(); ++k)
            if (columns[k].name == name) return k;
        return no_column;
    }
};

template <class B, class T>
const model_desc<B>& describe();

/// "users"."id", "users"."name", ...: the columns for which `read[k]` is set (every one when empty).
template <class B>
std::string select_list(const model_desc<B>& m, std::string_view qualifier, const std::vector<bool>& read = {}) {
    std::string out;
    for (std::size_t k = 0; k < m.columns.size(); ++k) {
        if (!read.empty() && !read[k]) continue;
        if (!out.empty()) out += ", ";
        out += qualified_column(qualifier, m.columns[k].name);
    }
    return out;
}

template <class B>
row_statements make_row_statements(const model_desc<B>& m) {
    const std::string table = sql_identifier(m.table);
    const std::string key = sql_identifier(m.key_column().name);
    row_statements out;
    out.select_list = select_list(m, m.table);
    out.find = detail::format("SELECT {} FROM {} WHERE {}.{} = ?", out.select_list, table, table, key);
    const auto insert = [&](bool with_key) {
        std::string columns;
        std::string values;
        for (std::size_t k = 0; k < m.columns.size(); ++k) {
            if (!with_key && k == m.key) continue;
            columns += (columns.empty() ? "" : ", ") + sql_identifier(m.columns[k].name);
            values += values.empty() ? "?" : ", ?";
        }
        if (columns.empty()) return detail::format("INSERT INTO {} DEFAULT VALUES", table);
        return detail::format("INSERT INTO {} ({}) VALUES ({})", table, columns, values);
    };
    out.insert_with_key = insert(true);
    out.insert_without_key = insert(false);
    if constexpr (B::returns_inserted_key) out.insert_without_key += " RETURNING " + key;
    std::string set;
    for (std::size_t k = 0; k < m.columns.size(); ++k)
        if (k != m.key) set += (set.empty() ? "" : ", ") + sql_identifier(m.columns[k].name) + " = ?";
    // A model with no column but its key: an update writes nothing, it only checks the row is there.
    out.update = set.empty() ? detail::format("UPDATE {} SET {} = {} WHERE {} = ?", table, key, key, key)
                             : detail::format("UPDATE {} SET {} WHERE {} = ?", table, set, key);
    out.remove = detail::format("DELETE FROM {} WHERE {} = ?", table, key);
    return out;
}

template <class T>
void* emplace_model(void* rows, std::size_t expected) {
    auto& v = *static_cast<std::vector<T>*>(rows);
    if (v.size() == v.capacity() && expected > v.size()) v.reserve(expected);
    return &v.emplace_back();
}

/// `pivot_columns` are the junction's columns besides its two keys (a pivot struct's).
template <class B>
link_statements make_link_statements(std::string_view junction, std::string_view owner_key, std::string_view target_key,
                                     const std::vector<const column_desc<B>*>& pivot_columns = {}) {
    const auto table = sql_identifier(junction);
    const auto owner = sql_identifier(owner_key);
    const auto target = sql_identifier(target_key);
    std::string columns;
    std::string values;
    std::string set;
    for (const column_desc<B>* c : pivot_columns) {
        columns += ", " + sql_identifier(c->name);
        values += ", ?";
        set += (set.empty() ? "" : ", ") + sql_identifier(c->name) + " = ?";
    }
    // The pair is the junction's primary key, so an existing link is a conflict to ignore.
    return {detail::format("INSERT INTO {} ({}, {}{}) VALUES (?, ?{}) ON CONFLICT DO NOTHING", table, owner, target,
                           columns, values),
            detail::format("DELETE FROM {} WHERE {} = ?", table, owner),
            detail::format("DELETE FROM {} WHERE {} ", table, target), detail::format(" AND {} = ?", owner),
            set.empty() ? std::string()
                        : detail::format("UPDATE {} SET {} WHERE {} = ? AND {} = ?", table, set, owner, target)};
}

/// The columns of a pivot struct P (every field is one), as a model description without key
/// or relations, so rows.hpp reads and binds it like a model.
template <class B, class P>
const model_desc<B>& describe_pivot() {
    static const model_desc<B> desc = [] {
        const P probe{};
        model_desc<B> out{type_name<P>, frozen<table_name_maker<P>>::value, {}, no_column, false, {}, nullptr, {}};
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            out.columns = {column_desc<B>{
                field_name<P, K>,
                static_cast<std::size_t>(reinterpret_cast<const char*>(&get_field<K>(probe)) -
                                         reinterpret_cast<const char*>(&probe)),
                &codec_of<B, field_t<P, K>>, sql_type_name<storage_t<column_value_t<field_t<P, K>>>>(),
                is_nullable<field_t<P, K>>}...};
        }(std::make_index_sequence<field_count<P>>{});
        return out;
    }();
    return desc;
}

template <class B, template <class...> class M, class... Targets>
std::vector<morph_target<B>> morph_targets_of(std::type_identity<M<Targets...>>) {
    return {morph_target<B>{morph_name_of<Targets>(), &describe<B, Targets>}...};
}

template <class B, class T, std::size_t I>
relation_desc<B> describe_relation(const T& probe) {
    using E = edge<T, I>;
    using L = model_layout<T>;
    using TL = model_layout<typename E::target>;
    std::size_t fk = no_column;
    std::size_t type_column = no_column;
    std::vector<morph_target<B>> morph_targets;
    if constexpr (E::kind == relation_kind::morph_to) {
        fk = L::find_column(E::foreign_key);
        type_column = L::find_column(E::morph_type_column);
        morph_targets = morph_targets_of<B>(std::type_identity<typename E::relation>{});
    } else if constexpr (E::kind == relation_kind::belongs_to)
        fk = L::find_column(E::foreign_key);
    else if constexpr (E::kind != relation_kind::belongs_to_many)  // has_one, has_many, the through kinds
        fk = TL::find_column(E::foreign_key);
    link_statements links;
    const model_desc<B>* pivot = nullptr;
    std::vector<std::size_t> pivot_values;
    if constexpr (E::kind == relation_kind::belongs_to_many) {
        std::vector<const column_desc<B>*> extra;
        if constexpr (!std::is_void_v<typename E::pivot>) {
            pivot = &describe_pivot<B, typename E::pivot>();
            for (std::size_t k = 0; k < pivot->columns.size(); ++k) {
                const std::string_view name = pivot->columns[k].name;
                if (name == E::junction_owner_key || name == E::junction_target_key) continue;
                pivot_values.push_back(k);
                extra.push_back(&pivot->columns[k]);
            }
        }
        links = make_link_statements<B>(E::junction, E::junction_owner_key, E::junction_target_key, extra);
    }
    relation_desc<B> out{
            E::member,
            static_cast<std::size_t>(reinterpret_cast<const char*>(&get_field<I>(probe)) -
                                     reinterpret_cast<const char*>(&probe)),
            E::kind,
            E::policy,
            &E::origin,
            E::foreign_key,
            fk,
            E::junction,
            E::junction_owner_key,
            E::junction_target_key,
            &describe<B, typename E::target>,
            &relation_access<typename E::relation>::ops,
            std::move(links),
            pivot,
            std::move(pivot_values),
            E::morph_type_column,
            E::kind == relation_kind::morph_to ? type_column
            : E::morph_type_column.empty()     ? no_column
                                               : TL::find_column(E::morph_type_column),
            E::morph_type,
            std::move(morph_targets)};
    if constexpr (E::kind == relation_kind::morph_to) out.load_by_type = &load_morph_to<B>;
    return out;
}

template <class B, class T, std::size_t K>
column_desc<B> describe_column(const T& probe) {
    using L = model_layout<T>;
    using F = typename L::template column_t<K>;
    return {L::column_names[K],
            static_cast<std::size_t>(reinterpret_cast<const char*>(&get_field<L::column_fields[K]>(probe)) -
                                     reinterpret_cast<const char*>(&probe)),
            &codec_of<B, F>, sql_type_name<storage_t<column_value_t<F>>>(), is_nullable<F>};
}

/// The description of model T, made on first use.
template <class B, class T>
const model_desc<B>& describe() {
    static const model_desc<B> desc = [] {
        using L = model_layout<T>;
        const T probe{};  // offsets are measured on it
        model_desc<B> out{type_name<T>, L::table, {}, L::primary_key_column, L::key_is_assigned, {}, &emplace_model<T>, {}};
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            out.columns = {describe_column<B, T, K>(probe)...};
        }(std::make_index_sequence<L::column_count>{});
        [&]<std::size_t... R>(std::index_sequence<R...>) {
            out.relations = {describe_relation<B, T, L::relation_fields[R]>(probe)...};
        }(std::make_index_sequence<L::relation_count>{});
        out.sql = make_row_statements(out);
        return out;
    }();
    return desc;
}

/// The relation of model T at field I, by its index among T's relations.
template <class T, std::size_t I>
constexpr std::size_t relation_number() {
    using L = model_layout<T>;
    for (std::size_t r = 0; r < L::relation_count; ++r)
        if (L::relation_fields[r] == I) return r;
    return L::relation_count;
}

}  // namespace relate::detail
