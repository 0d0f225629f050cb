#pragma once
// C++ field type <-> SQLite storage. relate::column_type<T> is the specialisation point: map a
// type of yours onto one of the four storage types and it becomes a column type.
//
//   struct cents { std::int64_t value; };
//   template <> struct relate::column_type<cents> {
//       using storage = std::int64_t;                       // int64_t, double, std::string or blob
//       static std::int64_t to_storage(cents c) { return c.value; }
//       static cents from_storage(std::int64_t v) { return {v}; }
//   };
//
// std::optional<T> of any column type is a nullable column; it needs no specialisation.

#include <relate/detail/core/chrono.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace relate {

/// BLOB storage.
using blob = std::vector<std::byte>;

/// Specialise for a user type: `storage`, `to_storage(const T&)`, `from_storage(storage)`.
template <class T>
struct column_type;

template <std::integral T>
struct column_type<T> {
    using storage = std::int64_t;
    static std::int64_t to_storage(T v) noexcept { return static_cast<std::int64_t>(v); }
    static T from_storage(std::int64_t v) noexcept { return static_cast<T>(v); }  // range checked by the reader
};

template <std::floating_point T>
struct column_type<T> {
    using storage = double;
    static double to_storage(T v) noexcept { return static_cast<double>(v); }
    static T from_storage(double v) noexcept { return static_cast<T>(v); }
};

namespace detail {
/// An enum whose underlying type is fixed (enum class, or enum E : int): every value of that type
/// is one the enum can hold. Without a fixed type an enum holds only its enumerators' range, which
/// C++ cannot see, so reading another stored value would be undefined behaviour.
template <class T>
concept fixed_enum = std::is_enum_v<T> && requires { T{std::underlying_type_t<T>{}}; };
}  // namespace detail

template <detail::fixed_enum T>
struct column_type<T> {
    using storage = std::int64_t;
    static std::int64_t to_storage(T v) noexcept { return static_cast<std::int64_t>(v); }
    static T from_storage(std::int64_t v) noexcept { return static_cast<T>(v); }
};

template <>
struct column_type<std::string> {
    using storage = std::string;
    static std::string_view to_storage(const std::string& v) noexcept { return v; }
    static std::string from_storage(std::string&& v) noexcept { return std::move(v); }
};

template <>
struct column_type<blob> {
    using storage = blob;
    static std::span<const std::byte> to_storage(const blob& v) noexcept { return v; }
    static blob from_storage(blob&& v) noexcept { return std::move(v); }
};

namespace detail {

// Days since 1970-01-01 <-> civil date (the proleptic Gregorian calendar), after H. Hinnant's
// published algorithms; kept here so sys_time needs no calendar support from the library.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil_date {
    std::int64_t year;
    unsigned month;
    unsigned day;
};

constexpr civil_date civil_from_days(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

/// The instants relate stores: the years 0000 to 9999 that four-digit ISO-8601 text can write,
/// so text order stays time order. Writing anything outside is refused; reading checks it too.
inline constexpr std::int64_t first_stored_second = days_from_civil(0, 1, 1) * 86400;
inline constexpr std::int64_t last_stored_second = days_from_civil(9999, 12, 31) * 86400 + 86399;

/// A power of ten (1 to 10^9): a fraction of a second that decimal digits write exactly.
constexpr bool is_decimal_fraction(std::intmax_t den) {
    for (std::intmax_t p = 1; p <= 1'000'000'000; p *= 10)
        if (den == p) return true;
    return false;
}

/// A duration relate can store exactly: an integer count of a decimal fraction of a second
/// (seconds, milliseconds, microseconds, nanoseconds) or of a whole number of seconds (minutes,
/// hours, days, ...).
template <class Duration>
concept storable_duration =
    std::is_integral_v<typename Duration::rep> && std::is_signed_v<typename Duration::rep> &&
    ((Duration::period::num == 1 && is_decimal_fraction(Duration::period::den)) || Duration::period::den == 1);

/// Digits after the decimal point that a duration needs (0 for seconds and coarser).
template <class Duration>
constexpr int fraction_digits() {
    int digits = 0;
    for (std::intmax_t den = Duration::period::den; den > 1; den /= 10) ++digits;
    return digits;
}

[[noreturn]] inline void throw_time_out_of_range(std::string_view what) {
    throw std::out_of_range(std::string(what) + " is outside the years 0000 to 9999 that relate stores");
}

/// Whole seconds since the epoch (floored) and the nanoseconds after them, without overflow.
template <class Duration>
void split_time(std::chrono::sys_time<Duration> t, std::int64_t& seconds, std::int64_t& nanos) {
    using period = typename Duration::period;
    const auto count = static_cast<std::int64_t>(t.time_since_epoch().count());
    if constexpr (period::den == 1) {
        // Minutes, days, years: count * num could overflow, so compare the count first.
        constexpr std::int64_t num = period::num;
        if (count > last_stored_second / num || count < -(-first_stored_second / num))
            throw_time_out_of_range("a time of " + std::to_string(count) + " units of " + std::to_string(num) + " s");
        seconds = count * num;
        nanos = 0;
    } else {
        constexpr std::int64_t den = period::den;
        const std::int64_t remainder = count % den;  // seconds * den could overflow near the clock's minimum
        seconds = count / den - (remainder < 0 ? 1 : 0);
        nanos = (remainder < 0 ? remainder + den : remainder) * (1'000'000'000 / den);
    }
    if (seconds < first_stored_second || seconds > last_stored_second)
        throw_time_out_of_range("a time " + std::to_string(seconds) + " s from 1970");
}

inline std::string format_time_point(std::int64_t seconds, std::int64_t nanos, int digits) {
    const std::int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
    const std::int64_t in_day = seconds - days * 86400;
    const civil_date date = civil_from_days(days);
    char buffer[64];
    int n = std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                          static_cast<long long>(date.year), date.month, date.day,
                          static_cast<long long>(in_day / 3600), static_cast<long long>(in_day / 60 % 60),
                          static_cast<long long>(in_day % 60));
    if (digits > 0) {
        std::int64_t scaled = nanos;
        for (int i = digits; i < 9; ++i) scaled /= 10;
        n += std::snprintf(buffer + n, sizeof buffer - static_cast<std::size_t>(n), ".%0*lld", digits,
                           static_cast<long long>(scaled));
    }
    return std::string(buffer, static_cast<std::size_t>(n)) + "Z";
}

constexpr unsigned days_in_month(std::int64_t year, std::int64_t month) {
    constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    return month == 2 && leap ? 29 : days[month - 1];
}

/// Parses "YYYY-MM-DDTHH:MM:SS[.fraction]Z" (the 'T' may be a space, the 'Z' may be absent): a
/// real date of the years 0000 to 9999, so the result is inside the stored range.
inline bool parse_time_point(std::string_view text, std::int64_t& seconds, std::int64_t& nanos) {
    std::size_t pos = 0;
    const auto number = [&](std::size_t width, std::int64_t& out) {
        if (pos + width > text.size()) return false;
        out = 0;
        for (std::size_t i = 0; i < width; ++i) {
            const char c = text[pos + i];
            if (c < '0' || c > '9') return false;
            out = out * 10 + (c - '0');
        }
        pos += width;
        return true;
    };
    const auto expect = [&](std::string_view any_of) {
        if (pos >= text.size() || any_of.find(text[pos]) == std::string_view::npos) return false;
        ++pos;
        return true;
    };
    std::int64_t y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (!(number(4, y) && expect("-") && number(2, mo) && expect("-") && number(2, d) && expect("T ") &&
          number(2, h) && expect(":") && number(2, mi) && expect(":") && number(2, s)))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59) return false;
    nanos = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        int digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (digits++ < 9) nanos = nanos * 10 + (text[pos] - '0');
            ++pos;
        }
        if (digits == 0) return false;
        for (; digits < 9; ++digits) nanos *= 10;
    }
    if (pos < text.size() && text[pos] == 'Z') ++pos;
    if (pos != text.size()) return false;
    seconds = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + s;
    return true;
}

/// The time point `seconds` + `nanos` as Duration (floored to its precision), or
/// std::out_of_range when Duration's count cannot hold it (a nanosecond clock ends in 2262).
template <class Duration>
std::chrono::sys_time<Duration> join_time(std::int64_t seconds, std::int64_t nanos) {
    using period = typename Duration::period;
    using rep = typename Duration::rep;
    std::int64_t count = 0;
    bool overflow = false;
    if constexpr (period::den == 1) {
        constexpr std::int64_t num = period::num;
        count = seconds / num - (seconds % num < 0 ? 1 : 0);
    } else {
        constexpr std::int64_t den = period::den;
        const std::int64_t fraction = nanos / (1'000'000'000 / den);
        // Before 1970 the fraction is taken from the next whole second, so a count near the
        // clock's minimum never passes through a product below it.
        if (seconds < 0 && fraction > 0)
            overflow = __builtin_mul_overflow(seconds + 1, den, &count) ||
                       __builtin_sub_overflow(count, den - fraction, &count);
        else
            overflow = __builtin_mul_overflow(seconds, den, &count) || __builtin_add_overflow(count, fraction, &count);
    }
    if (overflow || !std::in_range<rep>(count))
        throw std::out_of_range("the time " + std::to_string(seconds) + " s from 1970 does not fit the field's clock");
    return std::chrono::sys_time<Duration>{Duration{static_cast<rep>(count)}};
}

}  // namespace detail

/// std::chrono::sys_time is stored as ISO-8601 UTC text with the duration's precision, so text
/// order is time order: 2026-11-22T09:30:00.250Z. Years 0000 to 9999; a time outside them is
/// refused when written (std::out_of_range, reported as relate::type_error naming the field).
template <detail::storable_duration Duration>
struct column_type<std::chrono::sys_time<Duration>> {
    using storage = std::string;
    using time_point = std::chrono::sys_time<Duration>;

    static std::string to_storage(time_point t) {
        std::int64_t seconds = 0;
        std::int64_t nanos = 0;
        detail::split_time(t, seconds, nanos);
        return detail::format_time_point(seconds, nanos, detail::fraction_digits<Duration>());
    }
    static time_point from_storage(const std::string& text) {
        std::int64_t seconds = 0;
        std::int64_t nanos = 0;
        if (!detail::parse_time_point(text, seconds, nanos))
            throw std::invalid_argument("not an ISO-8601 time of the years 0000 to 9999 (YYYY-MM-DDTHH:MM:SS[.fff]Z)");
        return detail::join_time<Duration>(seconds, nanos);
    }
};

/// True when T (not an optional) can be a column.
template <class T>
concept column_value = requires { typename column_type<T>::storage; };

}  // namespace relate
