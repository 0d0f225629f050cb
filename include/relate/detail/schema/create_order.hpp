#pragma once
// The order create_tables runs its statements in on a backend that checks a REFERENCES clause
// when the table is created (PostgreSQL): a table after the tables it references, an index after
// its table. SQLite checks references only when rows are written, so it keeps the models' order.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace relate::detail {

/// The quoted name that follows `marker` in `sql` at or after `from`; empty when none.
inline std::string_view quoted_after(std::string_view sql, std::string_view marker, std::size_t& from) {
    const std::size_t at = sql.find(marker, from);
    if (at == std::string_view::npos) {
        from = sql.size();
        return {};
    }
    const std::size_t start = at + marker.size();
    const std::size_t end = sql.find('"', start);
    from = end == std::string_view::npos ? sql.size() : end + 1;
    return sql.substr(start, from - 1 - start);
}

/// The statements (relate's own DDL: CREATE TABLE IF NOT EXISTS "t" ..., CREATE INDEX ... ON "t"),
/// each after the tables it names that the list creates. A cycle of references keeps its order:
/// the server's error then names the table.
inline std::vector<std::string> referenced_first(std::vector<std::string> statements) {
    struct pending {
        std::string sql;
        std::string_view creates;  ///< the table a CREATE TABLE makes
        std::vector<std::string_view> needs;
    };
    std::vector<pending> left;
    for (auto& sql : statements) {
        pending p{std::move(sql), {}, {}};
        const std::string_view text = p.sql;
        std::size_t at = 0;
        if (text.starts_with("CREATE TABLE")) p.creates = quoted_after(text, "EXISTS \"", at);
        else p.needs.push_back(quoted_after(text, " ON \"", at));
        while (at < text.size())
            if (const std::string_view parent = quoted_after(text, "REFERENCES \"", at); !parent.empty()) p.needs.push_back(parent);
        left.push_back(std::move(p));
    }
    const auto created_later = [&](std::string_view table, const pending& self) {
        for (const pending& other : left)
            if (&other != &self && other.creates == table) return true;
        return false;
    };
    std::vector<std::string> out;
    while (!left.empty()) {
        std::size_t ready = 0;
        while (ready < left.size()) {
            bool waits = false;
            for (const std::string_view table : left[ready].needs) waits = waits || created_later(table, left[ready]);
            if (!waits) break;
            ++ready;
        }
        if (ready == left.size()) ready = 0;  // a cycle: the first goes, and the server says why
        out.push_back(std::move(left[ready].sql));
        left.erase(left.begin() + static_cast<std::ptrdiff_t>(ready));
    }
    return out;
}

}  // namespace relate::detail
