#pragma once
// What db.pretend_migrate and db.migration_status report: the SQL a migration would run, and
// which migrations ran, when, and which are pending.
//
//   for (const auto& m : db.pretend_migrate(migrations))       // nothing is changed
//       for (const auto& sql : m.statements) fmt::print("{}: {}\n", m.name, sql);
//   for (const auto& m : db.migration_status(migrations))
//       fmt::print("{} {}\n", m.applied ? "ran    " : "pending", m.name);

#include <relate/detail/core/chrono.hpp>

#include <optional>
#include <string>
#include <vector>

namespace relate {

/// One pending migration and the statements its `up` runs, in order, as db.migrate would run them
/// (a table rebuild shows each of its steps).
struct migration_sql {
    std::string name;
    std::vector<std::string> statements;
};

/// One migration as relate_migrations records it.
struct migration_state {
    std::string name;
    bool applied = false;
    /// When db.migrate applied it (UTC, to the millisecond); nullopt while pending.
    std::optional<std::chrono::sys_time<std::chrono::milliseconds>> applied_at;
    /// False for a migration the database records but the list given does not hold.
    bool listed = true;
};

}  // namespace relate
