#pragma once
// Strings usable at compile time: fixed_string is a template argument (foreign_key<"authorId">),
// small_string is scratch space for consteval name building, and frozen<> stores a computed
// name in a static array sized exactly, so the string_views handed out live for the program.

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

namespace relate::detail {

/// A string literal as a structural value, so it can be a template argument.
template <std::size_t N>
struct fixed_string {
    char data[N]{};

    consteval fixed_string(const char (&text)[N]) { std::copy_n(text, N, data); }

    [[nodiscard]] constexpr std::string_view view() const { return {data, N - 1}; }
};

/// A bounded string for consteval computations (names are short; 255 characters is plenty).
class small_string {
public:
    static constexpr std::size_t capacity = 255;

    constexpr small_string() = default;
    constexpr small_string(std::string_view text) { append(text); }

    constexpr small_string& append(std::string_view text) {
        for (char c : text) push_back(c);
        return *this;
    }
    constexpr void push_back(char c) {
        if (size_ == capacity) throw "relate: a generated name is longer than 255 characters";
        data_[size_++] = c;
    }
    constexpr void pop_back() { --size_; }
    constexpr char& back() { return data_[size_ - 1]; }

    [[nodiscard]] constexpr std::size_t size() const { return size_; }
    [[nodiscard]] constexpr std::string_view view() const { return {data_.data(), size_}; }

private:
    std::array<char, capacity> data_{};
    std::size_t size_ = 0;
};

/// Freezes Maker::make() (a consteval function returning small_string) into static storage.
template <class Maker>
struct frozen {
    static constexpr small_string computed = Maker::make();
    static constexpr auto storage = [] {
        std::array<char, computed.size() + 1> out{};
        std::copy_n(computed.view().data(), computed.size(), out.data());
        return out;
    }();
    static constexpr std::string_view value{storage.data(), computed.size()};
};

}  // namespace relate::detail
