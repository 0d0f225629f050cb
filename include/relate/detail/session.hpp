#pragma once
// What queries, loaders and the committer share: the connection and the database's options.
// Templated on the backend, as the whole engine is: nothing of it is compiled in a file until
// that file uses it.

#include <relate/options.hpp>

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
};

}  // namespace relate::detail
