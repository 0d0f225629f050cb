#pragma once
// An owned SQLite value: what a predicate binds and what a key set holds.

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace relate::sqlite {

/// One of SQLite's five storage classes, owned.
using value = std::variant<std::nullptr_t, std::int64_t, double, std::string, std::vector<std::byte>>;

}  // namespace relate::sqlite
