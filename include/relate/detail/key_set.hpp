#pragma once
// Sets of primary-key values of any storage class: what the committer tracks per table (rows to
// delete, keys to validate, keys pending insert).

#include <relate/sqlite/value.hpp>

#include <cstddef>
#include <functional>
#include <string_view>
#include <unordered_set>
#include <type_traits>
#include <variant>
#include <vector>

namespace relate::detail {

struct value_hash {
    std::size_t operator()(const sqlite::value& v) const noexcept {
        const std::size_t h = std::visit(
            [](const auto& x) -> std::size_t {
                using X = std::remove_cvref_t<decltype(x)>;
                if constexpr (std::is_same_v<X, std::vector<std::byte>>)
                    return std::hash<std::string_view>{}(
                        std::string_view(reinterpret_cast<const char*>(x.data()), x.size()));
                else
                    return std::hash<X>{}(x);
            },
            v);
        return h ^ (v.index() * 0x9e3779b97f4a7c15ULL);
    }
};

using key_set = std::unordered_set<sqlite::value, value_hash>;

}  // namespace relate::detail
