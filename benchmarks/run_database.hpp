#pragma once
// The database each run of a twin starts from, made by whoever starts the twin (the runner, the
// checksum test): a fresh file for W1, a copy of the seeded file for W2-W6 on a file, nothing for
// ":memory:" (the twin fills it from the seeded file itself). The seeded file is what the
// hand-written twin's W1 leaves.

#include "twin.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace bench {

enum class storage { file, memory };

inline std::string_view storage_name(storage s) { return s == storage::file ? "file" : "memory"; }

/// Removes a database file and its companions.
inline void remove_database(const std::filesystem::path& file) {
    for (const char* companion : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(file.string() + companion);
}

/// Prepares the database a run of `job` starts from; returns the DATABASE argument of the twin.
inline std::string prepare_database(workload job, storage where, const std::filesystem::path& seeded,
                                    const std::filesystem::path& run_file) {
    if (where == storage::memory) return std::string(memory_database);
    remove_database(run_file);
    if (job != workload::W1) std::filesystem::copy_file(seeded, run_file);
    return run_file.string();
}

}  // namespace bench
