#pragma once
// The naming conventions of DESIGN.md, all consteval: User -> users (table), User -> userId
// (foreign key), Post + Tag -> post_tags (junction).

#include <relate/detail/core/fixed_string.hpp>

#include <string_view>

namespace relate::detail {

consteval bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
consteval bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
consteval bool is_digit(char c) { return c >= '0' && c <= '9'; }
consteval char to_lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

/// BlogPost -> blog_post, HTTPRequest -> http_request.
consteval small_string snake_case(std::string_view name) {
    small_string out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (is_upper(c) && i > 0) {
            const char prev = name[i - 1];
            const bool next_lower = i + 1 < name.size() && is_lower(name[i + 1]);
            if (is_lower(prev) || is_digit(prev) || (is_upper(prev) && next_lower)) out.push_back('_');
        }
        out.push_back(to_lower(c));
    }
    return out;
}

/// English plural of a snake_case word: post -> posts, category -> categories, status -> statuses.
consteval small_string plural(std::string_view word) {
    small_string out{word};
    const auto ends_with = [&](std::string_view tail) { return word.ends_with(tail); };
    if (word.size() >= 2 && word.back() == 'y' && std::string_view{"aeiou"}.find(word[word.size() - 2]) ==
                                                      std::string_view::npos) {
        out.pop_back();
        out.append("ies");
    } else if (ends_with("s") || ends_with("x") || ends_with("z") || ends_with("ch") || ends_with("sh")) {
        out.append("es");
    } else {
        out.push_back('s');
    }
    return out;
}

/// BlogPost -> blogPostId: the default name of a foreign key pointing at a model.
consteval small_string foreign_key_for(std::string_view type_name) {
    small_string result;
    for (std::size_t i = 0; i < type_name.size(); ++i)
        result.push_back(i == 0 ? to_lower(type_name[i]) : type_name[i]);
    result.append("Id");
    return result;
}

/// Post + Tag -> post_tags: the two snake names in alphabetical order, the second plural.
consteval small_string junction_for(std::string_view type_a, std::string_view type_b) {
    const small_string a = snake_case(type_a);
    const small_string b = snake_case(type_b);
    const bool a_first = a.view() <= b.view();
    small_string out{a_first ? a.view() : b.view()};
    out.push_back('_');
    out.append(plural(a_first ? b.view() : a.view()).view());
    return out;
}

}  // namespace relate::detail
