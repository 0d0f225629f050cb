#pragma once
// A value written into SQL text as a literal. Only DDL needs this (a column's DEFAULT cannot be a
// bound parameter); every other value relate sends is bound.

#include <relate/error.hpp>
#include <relate/sqlite/value.hpp>

#include <relate/detail/core/text.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace relate::detail {

struct sql_literal_writer {
    std::string operator()(std::nullptr_t) const { return "NULL"; }
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const {
        if (!std::isfinite(v)) throw schema_error(detail::format("relate: {} cannot be written as an SQL default", v));
        return detail::format("{}", v);
    }
    std::string operator()(const std::string& v) const {
        std::string out = "'";
        for (char c : v) {
            if (c == '\0') throw schema_error("relate: a text default cannot contain a NUL character");
            if (c == '\'') out += '\'';
            out += c;
        }
        return out + "'";
    }
    std::string operator()(const std::vector<std::byte>& v) const {
        std::string out = "X'";
        for (std::byte b : v) append_hex(out, static_cast<unsigned char>(b), true);
        return out + "'";
    }
};

/// 42, 0.5, 'it''s', X'00FF' or NULL.
inline std::string sql_literal(const sqlite::value& v) { return std::visit(sql_literal_writer{}, v); }

}  // namespace relate::detail
