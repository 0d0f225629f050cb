#pragma once
// A connection's prepared statements, kept by SQL text: the same SQL is prepared once and reused
// (reset and rebound), never prepared again. relate's per-model SQL, which lives as long as the
// program, is also found by its address, without hashing the text.

#include <relate/detail/core/connection_use.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace relate::detail {

template <class Statement>
class statement_cache {
public:
    /// `make(std::string sql)` prepares a statement and returns it as a std::unique_ptr.
    template <class Make>
    Statement& find(std::string_view sql, Make&& make) {
        auto found = by_text_.find(sql);
        if (found == by_text_.end()) found = by_text_.emplace(std::string(sql), make(std::string(sql))).first;
        return *found->second;
    }

    /// A loop runs one statement over and over (finds by key, inserts): the last one found is
    /// checked first, without hashing.
    template <class Make>
    Statement& find_static(const std::string& sql, Make&& make) {
        if (&sql == last_sql_) return *last_;
        Statement*& slot = by_address_[&sql];
        if (slot == nullptr) slot = &find(sql, make);
        last_sql_ = &sql;
        last_ = slot;
        return *slot;
    }

    /// A lease of `cached`, or of a fresh statement when `cached` is already running (a nested use).
    template <class Make>
    static statement_lease<Statement> lease(connection_use use, Statement& cached, Make&& make) {
        if (cached.in_use()) return statement_lease<Statement>{std::move(use), make(cached.sql())};
        return statement_lease<Statement>{std::move(use), cached};
    }

    /// Finalizes every statement (before the connection closes).
    void clear() noexcept {
        last_sql_ = nullptr;
        by_address_.clear();
        by_text_.clear();
    }
    [[nodiscard]] std::size_t size() const noexcept { return by_text_.size(); }

private:
    std::unordered_map<std::string, std::unique_ptr<Statement>, sql_hash, std::equal_to<>> by_text_;
    std::unordered_map<const std::string*, Statement*> by_address_;  // into by_text_
    const std::string* last_sql_ = nullptr;  // find_static's last SQL, and its statement
    Statement* last_ = nullptr;
};

}  // namespace relate::detail
