#pragma once
// What with_sum, with_avg, with_min, with_max and with_exists leave on a has_many or
// belongs_to_many relation: one result per function and column, read back as a double that holds
// SQLite's result exactly (an integer a double cannot hold is refused, never rounded).

#include <relate/detail/core/text.hpp>
#include <relate/error.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relate::detail {

enum class aggregate_kind : unsigned char { count, exists, sum, avg, min, max };

inline constexpr std::string_view aggregate_name(aggregate_kind kind) {
    constexpr std::string_view names[] = {"count", "exists", "sum", "avg", "min", "max"};
    return names[static_cast<int>(kind)];
}

/// One aggregate of one parent's related rows; `column` names a column of the related model
/// (empty for exists). A function over no rows is NULL, except count and exists.
struct aggregate_result {
    aggregate_kind kind = aggregate_kind::sum;
    std::string_view column;
    bool null = true;
    bool integral = false;
    std::int64_t integer = 0;
    double real = 0;
};

/// The result of `kind` over `column` (any column when empty: then there must be only one).
/// `relation` names the relation for messages ("User::posts").
inline const aggregate_result* find_aggregate(const std::vector<aggregate_result>& results, aggregate_kind kind,
                                              std::string_view column, const std::string& relation) {
    const aggregate_result* found = nullptr;
    for (const aggregate_result& r : results) {
        if (r.kind != kind) continue;
        if (!column.empty() && r.column != column) continue;
        if (found != nullptr)
            throw error(detail::format("relate: {} holds with_{} of several columns ({}, {}); name one: {}(\"{}\")",
                                       relation, aggregate_name(kind), found->column, r.column, aggregate_name(kind),
                                       found->column));
        found = &r;
    }
    if (found == nullptr)
        throw not_loaded(detail::format("relate: {} has no {}{}{}; load it with .with_{}(&Model::member, ...)", relation,
                                        aggregate_name(kind), column.empty() ? "" : " of ", column, aggregate_name(kind)));
    return found;
}

/// The result as a double, nullopt for NULL; relate::type_error for an integer a double cannot hold.
inline std::optional<double> aggregate_number(const aggregate_result& r, const std::string& relation) {
    if (r.null) return std::nullopt;
    if (!r.integral) return r.real;
    const auto real = static_cast<double>(r.integer);
    // 2^63 is out of range for the cast back; every other double the cast produced is exact or not.
    if (real >= 9223372036854775808.0 || static_cast<std::int64_t>(real) != r.integer)
        throw type_error(detail::format("relate: the {} of {}.{} is {}, which a double cannot hold exactly", aggregate_name(r.kind),
                                        relation, r.column, r.integer));
    return real;
}

}  // namespace relate::detail
