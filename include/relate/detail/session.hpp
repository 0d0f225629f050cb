#pragma once
// What queries, loaders and the committer share: the connection and the database's options.

#include <relate/options.hpp>
#include <relate/sqlite/connection.hpp>

#include <string>
#include <vector>

namespace relate::detail {

struct session {
    session(const std::string& path, database_options opts) : conn(path, opts.busy_timeout), options(opts) {
        conn.execute("PRAGMA foreign_keys = ON");
        const bool in_memory = path.empty() || path == ":memory:" || path.find("mode=memory") != std::string::npos;
        if (!in_memory) conn.execute("PRAGMA journal_mode = WAL");
    }

    sqlite::connection conn;
    database_options options;
    /// The tables (by their table_info) whose key was found to behave as the model's.
    std::vector<const void*> keys_checked;
};

}  // namespace relate::detail
