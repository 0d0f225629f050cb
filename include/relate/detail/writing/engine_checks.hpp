#pragma once
// Which foreign keys SQLite checks by itself: with foreign keys on, a column declared
// REFERENCES parent(key) cannot be written with a key that names no row. A unit of work leaves
// those to SQLite instead of reading the keys first, and reads which key failed only when SQLite
// refuses one (committer.hpp), so the error still names the model, the field and the value.

#include <relate/detail/model/model_desc.hpp>
#include <relate/detail/schema/live_schema.hpp>
#include <relate/detail/session.hpp>
#include <relate/detail/sql/identifier.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

namespace relate::detail {

template <class B>
class engine_checks {
public:
    /// Made inside the commit's transaction: the schema is stable while it lives.
    explicit engine_checks(session<B>& s) : session_(&s) {
        if constexpr (B::leaves_references_to_database) on_ = s.conn.enforces_foreign_keys();
    }

    /// Whether SQLite refuses a write of `table.column` that names no row of `parent` by its key.
    bool enforces(std::string_view table, std::string_view column, const model_desc<B>& parent) {
        if constexpr (B::leaves_references_to_database) return enforced(table, column, parent);
        return false;
    }

private:
    bool enforced(std::string_view table, std::string_view column, const model_desc<B>& parent) {
        if (!on_) return false;
        if (!schema_read_) {  // once per commit that stores a key
            schema_read_ = true;
            const std::int64_t version = session_->conn.schema_version();
            if (version != session_->engine_references_schema) {
                session_->engine_references.clear();
                session_->engine_references_schema = version;
            }
        }
        auto& known = session_->engine_references;
        const auto found = std::find_if(known.begin(), known.end(), [&](const auto& r) {
            return r.parent == &parent && same_identifier(r.table, table) && same_identifier(r.column, column);
        });
        if (found != known.end()) return found->enforced;
        const bool enforced = declares_reference(table, column, parent);
        known.push_back({std::string(table), std::string(column), &parent, enforced});
        return enforced;
    }

    /// A single-column REFERENCES from table.column to the parent's key column: named, or left
    /// to the parent's primary key when that key is the model's key alone.
    bool declares_reference(std::string_view table, std::string_view column, const model_desc<B>& parent) {
        const std::string_view key = parent.key_column().name;
        for (const live_foreign_key& fk : read_foreign_keys(session_->conn, table)) {
            if (fk.from.size() != 1 || !same_identifier(fk.from[0], column) || !same_identifier(fk.table, parent.table))
                continue;
            if (fk.to[0]) return same_identifier(*fk.to[0], key);
            return primary_key_is(parent.table, key);
        }
        return false;
    }

    bool primary_key_is(std::string_view table, std::string_view key) {
        const auto columns = read_columns(session_->conn, table);
        return std::count_if(columns.begin(), columns.end(), [](const live_column& c) { return c.primary_key_position > 0; }) == 1 &&
               std::any_of(columns.begin(), columns.end(), [&](const live_column& c) {
                   return c.primary_key_position > 0 && same_identifier(c.name, key);
               });
    }

    session<B>* session_;
    bool on_ = false;
    bool schema_read_ = false;
};

}  // namespace relate::detail
