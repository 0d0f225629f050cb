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

#include <chrono>
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

template <class T>
    requires std::is_enum_v<T>
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

/// Digits after the decimal point that a duration needs (0 for seconds and coarser, at most 9).
template <class Duration>
constexpr int fraction_digits() {
    int digits = 0;
    for (std::intmax_t den = Duration::period::den; den > 1 && digits < 9; den /= 10) ++digits;
    return Duration::period::num == 1 ? digits : 0;
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

/// Parses "YYYY-MM-DDTHH:MM:SS[.fraction]Z" (the 'T' may be a space, the 'Z' may be absent).
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
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return false;
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

}  // namespace detail

/// std::chrono::sys_time is stored as ISO-8601 UTC text with the duration's precision, so text
/// order is time order: 2026-11-22T09:30:00.250Z.
template <class Duration>
struct column_type<std::chrono::sys_time<Duration>> {
    using storage = std::string;
    using time_point = std::chrono::sys_time<Duration>;

    static std::string to_storage(time_point t) {
        const auto seconds = std::chrono::floor<std::chrono::seconds>(t);
        const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(t - seconds).count();
        return detail::format_time_point(seconds.time_since_epoch().count(), nanos,
                                         detail::fraction_digits<Duration>());
    }
    static time_point from_storage(const std::string& text) {
        std::int64_t seconds = 0;
        std::int64_t nanos = 0;
        if (!detail::parse_time_point(text, seconds, nanos))
            throw std::invalid_argument("not an ISO-8601 time (YYYY-MM-DDTHH:MM:SS[.fff]Z)");
        // Whole seconds and the fraction apart: a nanosecond count would overflow outside 1678-2262.
        const std::chrono::sys_seconds whole{std::chrono::seconds{seconds}};
        if constexpr (std::is_convertible_v<std::chrono::seconds, Duration>)
            return time_point{Duration{whole.time_since_epoch()} +
                              std::chrono::duration_cast<Duration>(std::chrono::nanoseconds{nanos})};
        else
            return std::chrono::floor<Duration>(whole);
    }
};

/// True when T (not an optional) can be a column.
template <class T>
concept column_value = requires { typename column_type<T>::storage; };

}  // namespace relate
