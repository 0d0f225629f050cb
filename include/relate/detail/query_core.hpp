#pragma once
// What a query<T> holds and does without its row type: its conditions, order and limits, the
// SQL they render, and the statements that read no rows (count, exists, remove). Compiled once
// per translation unit, not once per model.

#include <relate/detail/committer.hpp>
#include <relate/detail/include_tree.hpp>
#include <relate/detail/key_check.hpp>
#include <relate/detail/session.hpp>
#include <relate/detail/sql_text.hpp>
#include <relate/detail/table_info.hpp>
#include <relate/sqlite/transaction.hpp>

#include <relate/detail/text.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relate::detail {

class query_core {
public:
    /// How many rows match (after limit and offset).
    std::int64_t count() {
        sql_statement sql;
        if (limit_ || offset_) {
            sql_statement inner = select_statement("1");
            sql.sql = "SELECT COUNT(*) FROM (" + inner.sql + ")";
            sql.args = std::move(inner.args);
        } else {
            sql = select_statement("COUNT(*)");
        }
        return scalar(sql);
    }

    /// Whether any row matches.
    bool exists() {
        sql_statement inner = select_statement("1");
        const sql_statement sql{"SELECT EXISTS (" + inner.sql + ")", std::move(inner.args)};
        return scalar(sql) != 0;
    }

protected:
    query_core(session& s, std::string_view table, std::string_view primary_key)
        : session_(&s), table_(table), primary_key_(primary_key) {}

    void add_condition(const fragment& condition) { and_where(where_, condition); }

    /// `primary key = key`.
    void add_key_condition(sqlite::value key) { add_condition(column_condition(primary_key_, " = ", std::move(key))); }

    [[nodiscard]] sql_statement select_statement(const std::string& what) const {
        return detail::select_statement(what, table_, where_ ? &*where_ : nullptr, order_, limit_, offset_);
    }

    /// Deletes the matching rows of `table` with its delete policies; returns how many it deleted.
    std::int64_t remove_rows(const table_info& table) {
        if (table.children.empty() && table.junctions.empty()) {
            require_key_behaviour(*session_, table);
            return remove_directly();
        }
        sqlite::transaction tx(session_->conn, sqlite::transaction_mode::immediate);
        std::vector<sqlite::value> keys = matching_keys();
        const auto removed = static_cast<std::int64_t>(keys.size());
        committer c(*session_);
        c.remove_keys(table, std::move(keys));
        c.commit(&tx);
        tx.commit();
        return removed;
    }

    session* session_;
    std::string_view table_;
    std::string_view primary_key_;
    std::optional<fragment> where_;
    std::vector<order_spec> order_;
    std::optional<std::int64_t> limit_;
    std::optional<std::int64_t> offset_;
    include_list includes_;

private:
    /// A table without has_one, has_many or belongs_to_many relations has no policy to apply:
    /// one DELETE does it.
    std::int64_t remove_directly() {
        sql_statement inner = select_statement(key_column());
        const sql_statement sql{detail::format("DELETE FROM {} WHERE {} IN ({})", sql_identifier(table_),
                                            sql_identifier(primary_key_), inner.sql),
                                std::move(inner.args)};
        auto st = session_->conn.prepare(sql.sql);
        sql.bind(*st);
        st->step();
        return session_->conn.changes();
    }

    std::vector<sqlite::value> matching_keys() {
        const sql_statement sql = select_statement(key_column());
        auto st = session_->conn.prepare(sql.sql);
        sql.bind(*st);
        std::vector<sqlite::value> keys;
        while (st->step()) keys.push_back(st->column_value(0));
        return keys;
    }

    [[nodiscard]] std::string key_column() const { return qualified_column(table_, primary_key_); }

    std::int64_t scalar(const sql_statement& sql) {
        auto st = session_->conn.prepare(sql.sql);
        sql.bind(*st);
        st->step();
        return st->column_int64(0);
    }
};

}  // namespace relate::detail
