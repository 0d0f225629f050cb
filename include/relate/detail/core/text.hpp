#pragma once
// Text for messages and SQL: detail::format("relate: no {} row with {} = {}", table, key, value)
// replaces each {} with the next argument, as fmt::format does, and detail::join puts a separator
// between the items of a range. relate's headers use these instead of <fmt/format.h>, which alone
// takes longer to compile than all of relate: every file that includes relate paid for it. The
// loop is compiled once; each argument type adds one small appender.

#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

namespace relate::detail {

inline void append_text(std::string& out, std::string_view text) { out += text; }
inline void append_text(std::string& out, char c) { out += c; }
inline void append_text(std::string& out, bool b) { out += b ? "true" : "false"; }

template <std::integral I>
    requires(!std::is_same_v<I, bool> && !std::is_same_v<I, char>)
void append_text(std::string& out, I value) {
    char buffer[24];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    out.append(buffer, end);
}

/// The shortest text that reads back as the same double (1e+300, 0.1, inf, nan), as fmt writes it.
inline void append_text(std::string& out, double value) {
    char buffer[32];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    out.append(buffer, end);
}
inline void append_text(std::string& out, float value) { append_text(out, static_cast<double>(value)); }

/// Two hexadecimal digits for a byte: "0f" (or "0F").
inline void append_hex(std::string& out, unsigned char byte, bool upper = false) {
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    out += digits[byte >> 4];
    out += digits[byte & 0xf];
}

/// Something append_text can write.
template <class T>
concept printable_text = requires(std::string& out, const T& value) { append_text(out, value); };

/// One argument of format: its address and the appender of its type.
struct format_argument {
    const void* value;
    void (*append)(std::string& out, const void* value);
};

template <class T>
void append_argument(std::string& out, const void* value) {
    if constexpr (std::is_convertible_v<const T&, std::string_view>)
        append_text(out, std::string_view(*static_cast<const T*>(value)));
    else
        append_text(out, *static_cast<const T*>(value));
}

/// Writes `pattern` with each {} replaced by the next argument; {{ and }} write one brace.
inline void format_into(std::string& out, std::string_view pattern, std::initializer_list<format_argument> arguments) {
    const format_argument* next = arguments.begin();
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if ((c == '{' || c == '}') && i + 1 < pattern.size() && pattern[i + 1] == c) {
            out += c;
            ++i;
        } else if (c == '{' && i + 1 < pattern.size() && pattern[i + 1] == '}' && next != arguments.end()) {
            next->append(out, next->value);
            ++next;
            ++i;
        } else {
            out += c;
        }
    }
}

/// The pattern with each {} replaced by the next argument (text, characters, integers, doubles).
template <class... A>
std::string format(std::string_view pattern, const A&... arguments) {
    std::string out;
    out.reserve(pattern.size() + 16 * sizeof...(A));
    format_into(out, pattern, {format_argument{&arguments, &append_argument<A>}...});
    return out;
}

/// The items of a range, written as append_text writes them, with `separator` between them.
template <class Range>
std::string join(const Range& items, std::string_view separator) {
    std::string out;
    bool first = true;
    for (const auto& item : items) {
        if (!first) out += separator;
        first = false;
        append_argument<std::remove_cvref_t<decltype(item)>>(out, &item);
    }
    return out;
}

}  // namespace relate::detail
