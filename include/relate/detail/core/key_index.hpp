#pragma once
// Distinct keys in first-seen order, each with its slot (its place in that order). Integer keys,
// nearly all keys, are found through an open-addressing table of their own; others (text, blobs)
// through a hash map of values. The loader matches every related row to its parent through one.
// Keys that fill most of their range (ids a table assigned) are found by their offset in it once
// every key is in: related rows arrive in key order, and a hash would scatter those reads.

#include <relate/sqlite/value.hpp>

#include <sqlite3.h>

#include <bit>
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
            if (!by_offset_.empty()) by_hash();
            if ((ints_ + 1) * 2 > table_.size()) grow();
            std::size_t i = home(*integer);
            for (; table_[i].slot != 0; i = (i + 1) & (table_.size() - 1))
                if (table_[i].key == *integer) return table_[i].slot - 1;
            table_[i] = {*integer, keys_.size() + 1};
            ++ints_;
            if (ints_ == 1 || *integer < low_) low_ = *integer;
            if (ints_ == 1 || *integer > high_) high_ = *integer;
        } else {
            const auto [at, inserted] = others_.try_emplace(key, keys_.size());
            if (!inserted) return at->second;
        }
        keys_.push_back(key);
        return keys_.size() - 1;
    }

    /// The slot of `key`, or none.
    [[nodiscard]] std::size_t find(const sqlite::value& key) const {
        if (const auto* integer = std::get_if<std::int64_t>(&key)) return find(*integer);
        const auto found = others_.find(key);
        return found == others_.end() ? none : found->second;
    }
    /// The slot of integer key `key`, or none.
    [[nodiscard]] std::size_t find(std::int64_t key) const {
        if (ints_ == 0) return none;
        if (dense()) {
            if (key < low_ || key > high_) return none;
            return by_offset_[static_cast<std::size_t>(key - low_)] - 1;
        }
        for (std::size_t i = home(key); table_[i].slot != 0; i = (i + 1) & (table_.size() - 1))
            if (table_[i].key == key) return table_[i].slot - 1;
        return none;
    }

    /// The slot of the key in column `column` of a statement's current row, or none.
    template <class Statement>
    [[nodiscard]] std::size_t find_in(const Statement& st, int column) const {
        // An integer, nearly every key, is read without making a value of it.
        if (st.column_type(column) == SQLITE_INTEGER) return find(st.column_int64(column));
        return find(st.column_value(column));
    }

    [[nodiscard]] const std::vector<sqlite::value>& keys() const noexcept { return keys_; }
    [[nodiscard]] std::size_t size() const noexcept { return keys_.size(); }

private:
    /// Whether the integer keys fill at least half their range: by_offset_, holding slot + 1 by
    /// key - low_ (0: no such key), then takes the place of the table on the first find.
    bool dense() const {
        if (!by_offset_.empty()) return true;
        if (!others_.empty() || static_cast<std::uint64_t>(high_) - static_cast<std::uint64_t>(low_) >= 2 * ints_)
            return false;
        by_offset_.assign(static_cast<std::size_t>(high_ - low_) + 1, 0);
        for (const entry& e : table_)
            if (e.slot != 0) by_offset_[static_cast<std::size_t>(e.key - low_)] = e.slot;
        std::vector<entry>().swap(table_);
        return true;
    }

    /// Back to the table, for a key added after a find.
    void by_hash() {
        by_offset_.clear();
        table_.assign(std::bit_ceil(2 * ints_ + 2), entry{});
        for (std::size_t slot = 0; slot < keys_.size(); ++slot)
            if (const auto* integer = std::get_if<std::int64_t>(&keys_[slot])) {
                std::size_t i = home(*integer);
                while (table_[i].slot != 0) i = (i + 1) & (table_.size() - 1);
                table_[i] = {*integer, slot + 1};
            }
    }

    [[nodiscard]] std::size_t home(std::int64_t key) const noexcept {
        auto x = static_cast<std::uint64_t>(key);
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdULL;
        x ^= x >> 33;
        return static_cast<std::size_t>(x) & (table_.size() - 1);
    }

    void grow() {
        std::vector<entry> old = std::move(table_);
        table_.assign(old.empty() ? 64 : old.size() * 2, entry{});
        for (const entry& e : old) {
            if (e.slot == 0) continue;
            std::size_t i = home(e.key);
            while (table_[i].slot != 0) i = (i + 1) & (table_.size() - 1);
            table_[i] = e;
        }
    }

    /// An integer key with its slot + 1, beside it so that a probe reads one cache line; slot 0: free.
    struct entry {
        std::int64_t key = 0;
        std::size_t slot = 0;
    };

    std::vector<sqlite::value> keys_;
    mutable std::vector<entry> table_;  ///< a power of two in size; released once by_offset_ is made
    std::size_t ints_ = 0;
    std::int64_t low_ = 0;   ///< the least integer key
    std::int64_t high_ = 0;  ///< the greatest
    mutable std::vector<std::size_t> by_offset_;
    std::unordered_map<sqlite::value, std::size_t, value_hash> others_;
};

}  // namespace relate::detail
