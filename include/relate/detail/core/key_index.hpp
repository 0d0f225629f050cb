#pragma once
// Distinct keys in first-seen order, each with its slot (its place in that order). Integer keys,
// nearly all keys, are found through an open-addressing table of their own; others (text, blobs)
// through a hash map of values. The loader matches every related row to its parent through one.

#include <relate/sqlite/value.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <type_traits>
#include <unordered_map>
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

class key_index {
public:
    static constexpr std::size_t none = static_cast<std::size_t>(-1);

    explicit key_index(std::size_t expected = 0) { keys_.reserve(expected); }

    /// The slot of `key`, added if new.
    std::size_t add(const sqlite::value& key) {
        if (const auto* integer = std::get_if<std::int64_t>(&key)) {
            if ((ints_ + 1) * 2 > table_.size()) grow();
            std::size_t i = home(*integer);
            for (; table_[i] != 0; i = (i + 1) & (table_.size() - 1))
                if (std::get<std::int64_t>(keys_[table_[i] - 1]) == *integer) return table_[i] - 1;
            table_[i] = keys_.size() + 1;
            ++ints_;
        } else {
            const auto [at, inserted] = others_.try_emplace(key, keys_.size());
            if (!inserted) return at->second;
        }
        keys_.push_back(key);
        return keys_.size() - 1;
    }

    /// The slot of `key`, or none.
    [[nodiscard]] std::size_t find(const sqlite::value& key) const {
        if (const auto* integer = std::get_if<std::int64_t>(&key)) {
            if (table_.empty()) return none;
            for (std::size_t i = home(*integer); table_[i] != 0; i = (i + 1) & (table_.size() - 1))
                if (std::get<std::int64_t>(keys_[table_[i] - 1]) == *integer) return table_[i] - 1;
            return none;
        }
        const auto found = others_.find(key);
        return found == others_.end() ? none : found->second;
    }

    [[nodiscard]] const std::vector<sqlite::value>& keys() const noexcept { return keys_; }
    [[nodiscard]] std::size_t size() const noexcept { return keys_.size(); }

private:
    [[nodiscard]] std::size_t home(std::int64_t key) const noexcept {
        auto x = static_cast<std::uint64_t>(key);
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdULL;
        x ^= x >> 33;
        return static_cast<std::size_t>(x) & (table_.size() - 1);
    }

    void grow() {
        std::vector<std::size_t> old = std::move(table_);
        table_.assign(old.empty() ? 64 : old.size() * 2, 0);
        for (const std::size_t entry : old) {
            if (entry == 0) continue;
            std::size_t i = home(std::get<std::int64_t>(keys_[entry - 1]));
            while (table_[i] != 0) i = (i + 1) & (table_.size() - 1);
            table_[i] = entry;
        }
    }

    std::vector<sqlite::value> keys_;
    std::vector<std::size_t> table_;  ///< slot + 1 of an integer key, 0 when free; a power of two in size
    std::size_t ints_ = 0;
    std::unordered_map<sqlite::value, std::size_t, value_hash> others_;
};

}  // namespace relate::detail
