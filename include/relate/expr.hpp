#pragma once
// Column references and predicates for where(): col<&User::name>.like("A%") && col<&User::id> > 10.
// Every value becomes a bound parameter; column names come from reflection and are quoted.

#include <relate/detail/core/range.hpp>
#include <relate/detail/model/column_io.hpp>
#include <relate/detail/model/reflect.hpp>
#include <relate/detail/sql/sql_text.hpp>
#include <relate/model.hpp>

#include <concepts>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace relate {

/// SQL written by hand, with `?` placeholders for args: relate::raw("length(name) > ?", 5).
/// Usable wherever a predicate is. The text is yours: put values in args, never in the text.
class raw_sql {
public:
    detail::fragment sql;
};

namespace detail {

template <class A>
sqlite::value literal_value(const A& arg) {
    if constexpr (std::is_same_v<A, std::nullptr_t>)
        return nullptr;
    else if constexpr (std::is_convertible_v<const A&, std::string_view> && !column_value<A>)
        return std::string(std::string_view(arg));
    else
        return to_value(arg, {"", "an argument of relate::raw"});  // checked as a field is
}

}  // namespace detail

template <class... A>
raw_sql raw(std::string sql, const A&... args) {
    raw_sql out;
    out.sql.text("(" + std::move(sql) + ")");
    (out.sql.value(detail::literal_value(args), false), ...);
    return out;
}

/// A condition on rows of model T.
template <class T>
class predicate {
public:
    explicit predicate(detail::fragment f) : sql_(std::move(f)) {}
    predicate(raw_sql r) : sql_(std::move(r.sql)) {}  // NOLINT(google-explicit-constructor): raw works anywhere

    [[nodiscard]] const detail::fragment& sql() const noexcept { return sql_; }

    friend predicate operator&&(const predicate& a, const predicate& b) {
        return predicate(detail::combined(a.sql_, " AND ", b.sql_));
    }
    friend predicate operator||(const predicate& a, const predicate& b) {
        return predicate(detail::combined(a.sql_, " OR ", b.sql_));
    }
    friend predicate operator!(const predicate& a) { return predicate(detail::negated(a.sql_)); }

private:
    detail::fragment sql_;
};

/// An ORDER BY term on a column of T (its SQL is rendered without the type).
template <class T>
struct order_term : detail::order_spec {};

/// A column of a model, named by member pointer: col<&User::name>.
template <auto MemberPointer>
class column_ref {
    using traits = detail::member_pointer_traits<MemberPointer>;

public:
    using model_type = typename traits::class_type;
    using field_type = typename traits::field_type;
    using value_type = detail::column_value_t<field_type>;

    static_assert(!detail::relation_field<field_type>,
                  "relate: col<&T::member> names a column; this member is a relation (use relate::has or with)");

    static constexpr std::string_view name = detail::field_name<model_type, traits::index>;

    template <std::convertible_to<value_type> U>
    predicate<model_type> operator==(const U& v) const { return compare(" = ", v); }
    template <std::convertible_to<value_type> U>
    predicate<model_type> operator!=(const U& v) const { return compare(" <> ", v); }
    template <std::convertible_to<value_type> U>
    predicate<model_type> operator<(const U& v) const { return compare(" < ", v); }
    template <std::convertible_to<value_type> U>
    predicate<model_type> operator<=(const U& v) const { return compare(" <= ", v); }
    template <std::convertible_to<value_type> U>
    predicate<model_type> operator>(const U& v) const { return compare(" > ", v); }
    template <std::convertible_to<value_type> U>
    predicate<model_type> operator>=(const U& v) const { return compare(" >= ", v); }

    /// SQL LIKE: col<&User::name>.like("A%"). Case-insensitive for ASCII on SQLite, case-sensitive on
    /// PostgreSQL.
    predicate<model_type> like(std::string_view pattern) const
        requires std::same_as<detail::storage_t<value_type>, std::string>
    {
        return predicate<model_type>(detail::column_condition(name, " LIKE ", std::string(pattern)));
    }

    /// The column's value is one of values (an empty list matches nothing).
    template <detail::input_range R>
        requires std::convertible_to<detail::range_value_t<R>, value_type>
    predicate<model_type> in(const R& values) const {
        detail::fragment f;
        f.column(name).text(" IN (");
        bool first = true;
        for (const auto& v : values) {
            if (!first) f.text(", ");
            first = false;
            f.value(detail::operand_value<value_type>(v, where()));
        }
        // An empty list is a constant false: PostgreSQL refuses `IN ()`, which SQLite takes.
        if (first) return predicate<model_type>(detail::fragment{}.text("1 = 0"));
        f.text(")");
        return predicate<model_type>(std::move(f));
    }
    predicate<model_type> in(std::initializer_list<value_type> values) const { return in<>(values); }

    predicate<model_type> is_null() const { return suffix(" IS NULL"); }
    predicate<model_type> is_not_null() const { return suffix(" IS NOT NULL"); }

    order_term<model_type> asc() const { return {name, false}; }
    order_term<model_type> desc() const { return {name, true}; }
    operator order_term<model_type>() const { return asc(); }  // NOLINT: order_by(col<&T::f>) sorts ascending

private:
    // The table's name alone: a pivot struct (relate::through) has columns but no key.
    static constexpr detail::column_context where() {
        return {detail::frozen<detail::table_name_maker<model_type>>::value, name};
    }

    template <class U>
    static predicate<model_type> compare(const char* op, const U& v) {
        detail::settled_comparison settled = detail::settle_comparison<value_type>(op, v, where());
        if (settled.operand)
            return predicate<model_type>(detail::column_condition(name, settled.op, std::move(settled.operand)));
        detail::fragment f;
        f.column(name).text(settled.op).column(name);
        return predicate<model_type>(std::move(f));
    }
    static predicate<model_type> suffix(const char* text) {
        return predicate<model_type>(detail::column_condition(name, text));
    }
};

/// col<&User::name>: a column for where() and order_by().
template <auto MemberPointer>
inline constexpr column_ref<MemberPointer> col{};

}  // namespace relate
