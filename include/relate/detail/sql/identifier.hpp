#pragma once
// The names migrations accept for tables, columns and indexes, and how SQLite compares them.
// Names are still quoted in SQL (sql_identifier); the rules keep them portable and readable.

#include <relate/error.hpp>

#include <relate/detail/core/text.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace relate::detail {

inline constexpr std::size_t max_identifier_length = 128;

constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

/// SQLite matches identifiers without regard to ASCII case: "Users" names the table users.
constexpr bool same_identifier(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

/// A name as an error message shows it: control characters (a NUL above all, which would end
/// what() early) written as \x00 ... \x1f and \x7f.
inline std::string printable(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    for (char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
            out += "\\x";
            append_hex(out, byte);
        } else {
            out += c;
        }
    }
    return out;
}

/// A name cut to 40 characters for a message.
inline std::string shown_name(std::string_view name) {
    return name.size() > 40 ? printable(name.substr(0, 40)) + "..." : printable(name);
}

/// relate::schema_error unless `name` is at most `longest` characters long.
inline void check_name_length(std::string_view name, std::string_view what, std::size_t longest) {
    if (name.size() > longest)
        throw schema_error(detail::format("relate: {} name '{}' is {} characters long, over the limit of {}", what,
                                          shown_name(name), name.size(), longest));
}

/// Throws relate::schema_error unless `name` is [A-Za-z_][A-Za-z0-9_]*, at most `longest` long,
/// and not SQLite's (sqlite_...). `what` is "table", "column", ...
inline void validate_identifier(std::string_view name, std::string_view what,
                                std::size_t longest = max_identifier_length) {
    const auto shown = [&] { return shown_name(name); };
    check_name_length(name, what, longest);
    const auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
    bool valid = !name.empty() && letter(name.front());
    for (char c : name) valid = valid && (letter(c) || (c >= '0' && c <= '9'));
    if (!valid)
        throw schema_error(detail::format("relate: '{}' is not a valid {} name: use letters, digits and _, not starting "
                                       "with a digit",
                                       shown(), what));
    if (name.size() >= 7 && same_identifier(name.substr(0, 7), "sqlite_"))
        throw schema_error(
            detail::format("relate: {} name '{}' is reserved: names starting with sqlite_ belong to SQLite", what, name));
}

}  // namespace relate::detail
