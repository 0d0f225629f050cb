#pragma once
// Binds a field to a statement parameter and reads a result column into a field, through
// relate::column_type, with the checks that make a bad value a relate::type_error naming the
// table, the column and the value.

#include <relate/column_type.hpp>
#include <relate/error.hpp>
#include <relate/sqlite/statement.hpp>

#include <relate/detail/core/text.hpp>

#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace relate::detail {

template <class T>
struct optional_traits {
    static constexpr bool is_optional = false;
    using value_type = T;
};
template <class T>
struct optional_traits<std::optional<T>> {
    static constexpr bool is_optional = true;
    using value_type = T;
};

/// The column type behind a field: T for T and for std::optional<T>.
template <class F>
using column_value_t = typename optional_traits<F>::value_type;

template <class F>
inline constexpr bool is_nullable = optional_traits<F>::is_optional;

template <class V>
using storage_t = typename column_type<V>::storage;

/// SQLite type name (and so affinity) of a storage type.
template <class S>
consteval std::string_view sql_type_name() {
    if constexpr (std::is_same_v<S, std::int64_t>)
        return "INTEGER";
    else if constexpr (std::is_same_v<S, double>)
        return "REAL";
    else if constexpr (std::is_same_v<S, std::string>)
        return "TEXT";
    else {
        static_assert(std::is_same_v<S, blob>,
                      "relate: column_type<T>::storage must be std::int64_t, double, std::string or relate::blob");
        return "BLOB";
    }
}

/// Where a value lives, for messages.
struct column_context {
    std::string_view table;
    std::string_view column;
};

/// A result cell for messages; St is a backend's statement, whose column types are SQLite's
/// storage classes (the engine's vocabulary on every backend).
template <class St>
std::string describe_column_value(const St& st, int index) {
    switch (st.column_type(index)) {
        case SQLITE_INTEGER: return std::to_string(st.column_int64(index));
        case SQLITE_FLOAT: return detail::format("{}", st.column_double(index));
        case SQLITE_NULL: return "NULL";
        case SQLITE_BLOB: return detail::format("a {}-byte BLOB", st.column_blob(index).size());
        default: {
            const std::string_view text = st.column_text(index);
            return detail::format("'{}'", text.size() > 40 ? std::string(text.substr(0, 40)) + "..." : std::string(text));
        }
    }
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
        std::string operator()(const std::vector<std::byte>& x) const {
            return detail::format("a {}-byte BLOB", x.size());
        }
    };
    return std::visit(describer{}, v);
}

/// Where a value is written, for messages: samples.d; with no table, the column says it all
/// ("an argument of relate::raw").
inline std::string describe_place(column_context where) {
    if (where.table.empty()) return std::string(where.column.empty() ? "a value" : where.column);
    return detail::format("{}.{}", where.table, where.column);
}

[[noreturn]] inline void throw_unstorable(column_context where, std::string_view value, std::string_view why) {
    throw type_error(detail::format("relate: cannot store {} = {}: {}", describe_place(where), value, why));
}

/// A stored value, refused when SQLite would not keep it: SQLite binds NaN as NULL.
template <class S>
const S& refuse_nan(const S& stored, column_context where) {
    if constexpr (std::is_floating_point_v<S>) {
        if (std::isnan(stored))
            throw_unstorable(where, "NaN", "SQLite stores NaN as NULL, so it would not come back; refused");
    }
    return stored;
}

/// Calls use(stored) with what column_type<F>::to_storage makes of the field, refusing with
/// relate::type_error naming the place what SQLite would not store exactly: NaN, a std::uint64_t
/// above INT64_MAX, and what the column type itself refuses (a time outside the years 0000-9999).
template <class F, class Use>
decltype(auto) with_storage(const F& field, column_context where, Use&& use) {
    if constexpr (std::is_integral_v<F> && std::is_unsigned_v<F> && sizeof(F) >= sizeof(std::int64_t)) {
        if (field > static_cast<F>(std::numeric_limits<std::int64_t>::max()))
            throw_unstorable(where, std::to_string(field), "it does not fit a signed 64-bit integer, the widest the database stores");
    }
    if constexpr (noexcept(column_type<F>::to_storage(field))) {
        return use(refuse_nan(column_type<F>::to_storage(field), where));
    } else {
        try {
            return use(refuse_nan(column_type<F>::to_storage(field), where));
        } catch (const error&) {
            throw;
        } catch (const std::exception& e) {
            throw type_error(detail::format("relate: cannot store {}: {}", describe_place(where), e.what()));
        }
    }
}

/// Binds what to_storage returned. A view (std::string_view, std::span) points into the field or
/// into static data, which outlive the step, so SQLite borrows it; an owned string is copied.
template <class St, class S>
void bind_storage(St& st, int index, const S& stored) {
    constexpr auto lifetime = std::is_same_v<S, std::string_view> || std::is_same_v<S, std::span<const std::byte>>
                                  ? sqlite::bind_lifetime::lent
                                  : sqlite::bind_lifetime::copied;
    if constexpr (std::is_integral_v<S>)
        st.bind_int64(index, static_cast<std::int64_t>(stored));
    else if constexpr (std::is_floating_point_v<S>)
        st.bind_double(index, static_cast<double>(stored));
    else if constexpr (std::is_convertible_v<const S&, std::string_view>)
        st.bind_text(index, std::string_view(stored), lifetime);
    else
        st.bind_blob(index, std::span<const std::byte>(stored), lifetime);
}

/// Binds an owned value as it is (keys the committer read back from the database).
template <class St>
void bind_field(St& st, int index, const sqlite::value& v, column_context) {
    st.bind_value(index, v);
}

/// Binds one field (NULL for an empty optional); what SQLite would not store exactly is a
/// relate::type_error (with_storage).
template <class St, class F>
void bind_field(St& st, int index, const F& field, column_context where) {
    if constexpr (is_nullable<F>) {
        if (!field) return st.bind_null(index);
        bind_field(st, index, *field, where);
    } else {
        with_storage(field, where, [&](const auto& stored) { bind_storage(st, index, stored); });
    }
}

/// The owned SQLite value of a field (for predicates and key sets), checked as bind_field checks.
template <class F>
sqlite::value to_value(const F& field, column_context where = {}) {
    if constexpr (is_nullable<F>) {
        if (!field) return nullptr;
        return to_value(*field, where);
    } else {
        using S = storage_t<F>;
        return with_storage(field, where, [](const auto& stored) -> sqlite::value {
            if constexpr (std::is_same_v<S, std::int64_t>)
                return static_cast<std::int64_t>(stored);
            else if constexpr (std::is_same_v<S, double>)
                return static_cast<double>(stored);
            else if constexpr (std::is_same_v<S, std::string>)
                return std::string(std::string_view(stored));
            else {
                std::span<const std::byte> bytes(stored);
                return blob(bytes.begin(), bytes.end());
            }
        });
    }
}

/// Whether integer type V (and SQLite's 64-bit integer) holds the integer operand; bool holds 0 and 1.
template <class V, class U>
constexpr bool integer_fits(U operand) {
    if constexpr (std::is_same_v<V, bool>) {
        return operand == 0 || operand == 1;
    } else {
        // Widened first: std::in_range takes neither bool nor the character types.
        const auto wide = static_cast<std::conditional_t<std::is_signed_v<U>, long long, unsigned long long>>(operand);
        return std::in_range<V>(wide) && std::in_range<std::int64_t>(wide);
    }
}

/// The value a condition compares a column of type V with, checked as a written value is and
/// converted without changing its meaning: an integer the field cannot hold is refused (it would
/// have wrapped), and a fraction compared with an integer column stays a fraction (SQLite compares
/// integers and reals exactly), where a cast to the field's type would have dropped it.
template <class V, class U>
sqlite::value operand_value(const U& operand, column_context where) {
    if constexpr (std::is_arithmetic_v<U> && std::is_arithmetic_v<V>) {
        if constexpr (std::is_floating_point_v<U>) {
            if (std::isnan(operand)) throw_unstorable(where, "NaN", "a condition cannot compare with NaN (SQLite binds it as NULL)");
            if constexpr (std::is_same_v<V, float>) {
                if (std::isfinite(operand) && std::fabs(operand) > std::numeric_limits<float>::max())
                    throw_unstorable(where, detail::format("{}", operand), "it is out of range for the field's type (float)");
                return static_cast<double>(static_cast<float>(operand));  // the value a float field stores
            } else {
                return static_cast<double>(operand);
            }
        } else {
            if (!integer_fits<std::conditional_t<std::is_integral_v<V>, V, std::int64_t>>(operand))
                throw_unstorable(where, detail::format("{}", operand),
                                 "it is out of range for the field's type, so the condition would not mean what it says");
            return static_cast<std::int64_t>(operand);
        }
    } else {
        return to_value(static_cast<V>(operand), where);
    }
}

/// A comparison as it is sent: the operator and the operand, or no operand when the comparison
/// is settled whatever the row holds (then `column = column` for always, `column <> column` for
/// never, which leave a NULL unmatched as the comparison would).
struct settled_comparison {
    const char* op;
    std::optional<sqlite::value> operand;
};

/// `column op operand`, with an operand that no value of the column's type V equals settled into
/// a comparison with the same meaning that every backend makes exactly: a fraction against an
/// integer column (`i < 2.5` is `i <= 2`, `i = 2.5` never holds), and an integer that no double
/// equals against a floating-point column (`d < 2^53 + 1` is `d <= 2^53`). SQLite would compare
/// them exactly as they are; PostgreSQL would take the operand as the column's type.
template <class V, class U>
settled_comparison settle_comparison(const char* op, const U& operand, column_context where) {
    const std::string_view name = op;
    const bool equal = name == " = ";
    const bool unequal = name == " <> ";
    const bool below = name == " < " || name == " <= ";
    settled_comparison always{" = ", std::nullopt};
    settled_comparison never{" <> ", std::nullopt};
    if constexpr (std::is_floating_point_v<U> && std::is_integral_v<V> && !std::is_same_v<V, bool>) {
        if (std::isnan(operand)) throw_unstorable(where, "NaN", "a condition cannot compare with NaN (SQLite binds it as NULL)");
        const long double f = operand;
        const long double whole = std::floor(f);
        constexpr long double limit = 9223372036854775808.0L;  // 2^63
        if (whole == f && f >= -limit && f < limit) return {op, static_cast<std::int64_t>(f)};
        if (equal) return never;
        if (unequal) return always;
        if (whole >= limit) return below ? always : never;
        if (whole < -limit) return below ? never : always;
        return {below ? " <= " : " > ", static_cast<std::int64_t>(whole)};  // i < 2.5: i <= 2; i > 2.5: i > 2
    } else if constexpr (std::is_integral_v<U> && !std::is_same_v<U, bool> && std::is_floating_point_v<V>) {
        sqlite::value exact = operand_value<V>(operand, where);  // refuses what no int64 holds
        const auto n = static_cast<long double>(std::get<std::int64_t>(exact));
        const double rounded = static_cast<double>(std::get<std::int64_t>(exact));
        if (static_cast<long double>(rounded) == n) return {op, std::move(exact)};
        if (equal) return never;
        if (unequal) return always;
        const double lower = static_cast<long double>(rounded) < n ? rounded : std::nextafter(rounded, -HUGE_VAL);
        const double upper = static_cast<long double>(rounded) > n ? rounded : std::nextafter(rounded, HUGE_VAL);
        return below ? settled_comparison{" <= ", lower} : settled_comparison{" >= ", upper};
    } else {
        return {op, operand_value<V>(operand, where)};
    }
}

/// The field value `v` holds, for a value to_value made from a field of type F (a saved
/// foreign key put back after a failed commit).
template <class F>
F from_value(const sqlite::value& v) {
    if constexpr (is_nullable<F>) {
        if (std::holds_alternative<std::nullptr_t>(v)) return std::nullopt;
        return from_value<column_value_t<F>>(v);
    } else {
        return column_type<F>::from_storage(std::get<storage_t<F>>(v));
    }
}

template <class V, class St>
[[noreturn]] void throw_unreadable(const St& st, int index, column_context where, std::string_view why) {
    throw type_error(detail::format("relate: cannot read {}.{} (value {}): {}", where.table, where.column,
                                 describe_column_value(st, index), why));
}

/// column_type<V>::from_storage, with a user conversion's exception turned into a type_error.
template <class V, class St, class S>
V from_storage_checked(const St& st, int index, column_context where, S&& stored) {
    try {
        return column_type<V>::from_storage(std::forward<S>(stored));
    } catch (const error&) {
        throw;
    } catch (const std::exception& e) {
        throw_unreadable<V>(st, index, where, e.what());
    }
}

/// The value of a non-NULL cell of SQLite type `type` as V, checked.
template <class V, class St, class Cell>
V read_value(const St& st, int index, const Cell& cell, int type, column_context where) {
    using S = storage_t<V>;
    if constexpr (std::is_same_v<S, std::int64_t>) {
        if (type != SQLITE_INTEGER) throw_unreadable<V>(st, index, where, "not an integer");
        const std::int64_t raw = cell.int64();
        if constexpr (std::is_same_v<V, bool>) {
            if (raw != 0 && raw != 1) throw_unreadable<V>(st, index, where, "a bool must be 0 or 1");
        } else if constexpr (std::is_integral_v<V>) {
            if (!std::in_range<V>(raw)) throw_unreadable<V>(st, index, where, "out of range for the field's integer type");
        } else if constexpr (std::is_enum_v<V>) {
            if (!std::in_range<std::underlying_type_t<V>>(raw))
                throw_unreadable<V>(st, index, where, "out of range for the enum's underlying type");
        }
        return from_storage_checked<V>(st, index, where, raw);
    } else if constexpr (std::is_same_v<S, double>) {
        if (type != SQLITE_INTEGER && type != SQLITE_FLOAT) throw_unreadable<V>(st, index, where, "not a number");
        return from_storage_checked<V>(st, index, where, cell.real());
    } else if constexpr (std::is_same_v<S, std::string>) {
        return from_storage_checked<V>(st, index, where, std::string(cell.text()));
    } else {
        const auto bytes = cell.blob();
        return from_storage_checked<V>(st, index, where, blob(bytes.begin(), bytes.end()));
    }
}

/// Reads result column `index` into `field`.
template <class St, class F>
void read_field(const St& st, int index, F& field, column_context where) {
    using V = column_value_t<F>;
    const auto cell = st.column(index);
    const int type = cell.type();
    if (type == SQLITE_NULL) {
        if constexpr (is_nullable<F>) {
            field.reset();
            return;
        } else {
            throw_unreadable<V>(st, index, where, "NULL in a field that is not std::optional");
        }
    }
    if constexpr (std::is_same_v<V, std::string>) {
        // Plain text goes straight into the field: no conversion, no try block.
        field = std::string(cell.text());
    } else {
        field = read_value<V>(st, index, cell, type, where);
    }
}

}  // namespace relate::detail
