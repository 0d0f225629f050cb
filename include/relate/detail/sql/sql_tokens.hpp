#pragma once
// SQL text as tokens, for the little reading of stored CREATE statements that migrations need:
// which constraints a table uses, which columns an index or trigger names, where an index's name
// is. Not a parser: it tells words, quoted names, strings and punctuation apart, and how deep in
// parentheses each one is.

#include <relate/detail/sql/identifier.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace relate::detail {

struct sql_token {
    enum class kind {
        word,    ///< a bare word: keyword or name
        name,    ///< "quoted", `quoted` or [quoted]; `text` without the quotes
        string,  ///< a 'literal'
        number,
        symbol,  ///< one character of punctuation: ( ) , . ; = ...
    };
    kind type = kind::symbol;
    std::string text;
    std::size_t begin = 0;  ///< offsets in the SQL text, end excluded
    std::size_t end = 0;
    int depth = 0;  ///< parentheses around it; a parenthesis has the depth outside it

    /// This keyword, in any case.
    [[nodiscard]] bool is(std::string_view keyword) const {
        return type == kind::word && same_identifier(text, keyword);
    }
    [[nodiscard]] bool is_symbol(char c) const { return type == kind::symbol && text.size() == 1 && text[0] == c; }
    /// A word or a quoted name: what could name a column.
    [[nodiscard]] bool names_something() const { return type == kind::word || type == kind::name; }
};

inline std::vector<sql_token> sql_tokens(std::string_view sql) {
    const auto word_char = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
               static_cast<unsigned char>(c) >= 0x80;
    };
    std::vector<sql_token> out;
    int depth = 0;
    std::size_t i = 0;
    while (i < sql.size()) {
        const char c = sql[i];
        const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
        sql_token token;
        token.begin = i;
        token.depth = depth;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            ++i;
            continue;
        }
        if (c == '-' && next == '-') {
            const std::size_t line_end = sql.find('\n', i);
            i = line_end == std::string_view::npos ? sql.size() : line_end + 1;
            continue;
        }
        if (c == '/' && next == '*') {
            const std::size_t comment_end = sql.find("*/", i + 2);
            i = comment_end == std::string_view::npos ? sql.size() : comment_end + 2;
            continue;
        }
        if (c == '\'' || c == '"' || c == '`' || c == '[') {
            const char close = c == '[' ? ']' : c;
            token.type = c == '\'' ? sql_token::kind::string : sql_token::kind::name;
            std::size_t j = i + 1;
            for (; j < sql.size(); ++j) {
                if (sql[j] != close) {
                    token.text += sql[j];
                } else if (close != ']' && j + 1 < sql.size() && sql[j + 1] == close) {
                    token.text += close;  // a doubled quote stands for one
                    ++j;
                } else {
                    break;
                }
            }
            i = j < sql.size() ? j + 1 : sql.size();
        } else if (c >= '0' && c <= '9') {
            token.type = sql_token::kind::number;
            while (i < sql.size() && (word_char(sql[i]) || sql[i] == '.')) token.text += sql[i++];
        } else if (word_char(c)) {
            token.type = sql_token::kind::word;
            while (i < sql.size() && word_char(sql[i])) token.text += sql[i++];
        } else {
            token.text = std::string(1, c);
            if (c == ')') token.depth = --depth;
            if (c == '(') ++depth;
            ++i;
        }
        token.end = i;
        out.push_back(std::move(token));
    }
    return out;
}

}  // namespace relate::detail
