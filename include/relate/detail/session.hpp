#pragma once
// What queries, loaders and the committer share: the connection and the database's options.
// Templated on the backend, as the whole engine is: nothing of it is compiled in a file until
// that file uses it.

#include <relate/options.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace relate::detail {

template <class B>
struct session {
    session(const std::string& path, database_options opts) : conn(path, opts.busy_timeout), options(opts) {
        B::configure(conn, path, options);
    }

    typename B::connection conn;
    database_options options;
    /// The tables (by their model description) whose key was found to behave as the model's.
    std::vector<const void*> keys_checked;
    /// Whether the engine itself checks that a column names a row of a parent, read from the
    /// schema once per schema version (see writing/engine_checks.hpp).
    struct engine_reference {
        std::string table;
        std::string column;
        const void* parent;  ///< the parent's model description
        bool enforced;
    };
    std::vector<engine_reference> engine_references;
    std::int64_t engine_references_schema = -1;  ///< the schema version they were read at
};

}  // namespace relate::detail
