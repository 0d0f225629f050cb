#pragma once
// Options of a relate::database, set once when it opens:
//   relate::database db{"app.db", {.prevent_lazy_loading = true}};

#include <relate/detail/core/chrono.hpp>

#include <cstddef>

namespace relate {

/// Default limit on the depth of an include tree ("a.b.c" is depth 3).
inline constexpr std::size_t max_include_depth = 10;
/// Default limit on the depth of a cascading delete.
inline constexpr std::size_t max_cascade_depth = 50;

/// How SQLite makes a commit durable (PRAGMA synchronous).
enum class synchronous_mode {
    full,    ///< SQLite's default: a commit that returned survives a power loss
    normal,  ///< in WAL mode, fewer syncs: the last commits may be lost on power loss, never the file's consistency
};

struct database_options {
    /// db.load on a model that came from a multi-row query throws relate::lazy_loading_violation.
    bool prevent_lazy_loading = false;
    /// How long a statement waits for another connection's lock before SQLITE_BUSY.
    std::chrono::milliseconds busy_timeout{5000};
    /// A file opens in WAL mode (readers and the writer do not block each other); false keeps the
    /// file's own journal mode (DELETE for a new file). An in-memory database has no WAL.
    bool wal = true;
    synchronous_mode synchronous = synchronous_mode::full;
    std::size_t include_depth_limit = max_include_depth;
    std::size_t cascade_depth_limit = max_cascade_depth;
};

}  // namespace relate
