#pragma once
// What the two twins share: the workloads, the command line of a twin's process, the untimed setup
// of its database, its stopwatch and the one line it prints. Nothing here knows relate.
//
//   <twin> WORKLOAD DATABASE [--seeded=FILE] [--users=N] [--foreign-keys]
//
// DATABASE is ":memory:" or a file: for W1 a file that does not exist yet, otherwise a copy of the
// seeded file (run_database.hpp makes it). A ":memory:" run of W2-W6 copies the seeded file's
// rows in first. --foreign-keys (hand-written twin only) turns SQLite's enforcement on (W1k, W6k).
// The twin prints "ms=<timed milliseconds> checksum=<checksum>" and exits 0.

#include "data.hpp"
#include "schema.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bench {

enum class workload { W1, W2, W3, W4, W4n, W5, W6 };

struct workload_info {
    workload id;
    std::string_view name;
    std::string_view what;
    bool writes;  ///< its checksum is the database's state afterwards (state_checksum.hpp)
};

inline constexpr std::array<workload_info, 7> workloads{{
    {workload::W1, "W1", "insert every row, one transaction per table", true},
    {workload::W2, "W2", "every post into a vector", false},
    {workload::W3, "W3", "every post by key, one find at a time, scattered order", false},
    {workload::W4, "W4", "every user with profile and posts, eager", false},
    {workload::W4n, "W4n", "the same, one lazy load per user and relation (N+1)", false},
    {workload::W5, "W5", "every post with its tags", false},
    {workload::W6, "W6", "remove every tenth user with profile, posts and links", true},
}};

inline const workload_info& info(workload w) { return workloads[static_cast<std::size_t>(w)]; }

inline const workload_info* find_workload(std::string_view name) {
    for (const workload_info& w : workloads)
        if (w.name == name) return &w;
    return nullptr;
}

/// A comma-separated list of workload names (W1,W4n), "all" or "none".
inline std::vector<workload> parse_workloads(std::string_view list) {
    std::vector<workload> out;
    if (list == "all") {
        for (const auto& w : workloads) out.push_back(w.id);
        return out;
    }
    if (list == "none") return out;
    while (!list.empty()) {
        const std::string_view name = list.substr(0, list.find(','));
        list.remove_prefix(std::min(list.size(), name.size() + 1));
        const workload_info* w = find_workload(name);
        if (w == nullptr) throw std::invalid_argument("unknown workload " + std::string(name));
        out.push_back(w->id);
    }
    return out;
}

inline constexpr std::string_view memory_database = ":memory:";

struct twin_args {
    workload job = workload::W1;
    std::string database;
    std::string seeded;  ///< the seeded file a ":memory:" run copies
    data_size size;
    bool foreign_keys = false;

    [[nodiscard]] bool in_memory() const { return database == memory_database; }
};

inline twin_args parse_twin_args(int argc, char** argv) {
    const std::string usage = std::string("usage: ") + (argc > 0 ? argv[0] : "twin") +
                              " W1|W2|W3|W4|W4n|W5|W6 DATABASE [--seeded=FILE] [--users=N] [--foreign-keys]";
    if (argc < 3) throw std::invalid_argument(usage);
    const workload_info* w = find_workload(argv[1]);
    if (w == nullptr) throw std::invalid_argument(std::string("unknown workload ") + argv[1] + "; " + usage);
    twin_args args{.job = w->id, .database = argv[2]};
    for (int i = 3; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg.starts_with("--seeded="))
            args.seeded = arg.substr(9);
        else if (arg.starts_with("--users="))
            args.size.users = std::atoll(argv[i] + 8);
        else if (arg == "--foreign-keys")
            args.foreign_keys = true;
        else
            throw std::invalid_argument("unknown argument " + std::string(arg) + "; " + usage);
    }
    if (args.size.users < 1) throw std::invalid_argument("--users must be a positive number");
    if (args.in_memory() && args.job != workload::W1 && args.seeded.empty())
        throw std::invalid_argument("a :memory: run of " + std::string(info(args.job).name) + " needs --seeded=FILE");
    return args;
}

/// The statements a twin runs on its fresh connection before its timer starts: the schema where
/// the database is new (W1, or any ":memory:" run), then the seeded rows for a ":memory:" read.
inline std::vector<std::string> setup_statements(const twin_args& args) {
    if (!args.in_memory()) return args.job == workload::W1 ? schema_statements() : std::vector<std::string>{};
    std::vector<std::string> out = schema_statements();
    if (args.job != workload::W1)
        for (std::string& copy : copy_statements(args.seeded)) out.push_back(std::move(copy));
    return out;
}

struct twin_result {
    double ms = 0;
    std::uint64_t checksum = 0;
};

class stopwatch {
public:
    [[nodiscard]] double ms() const {
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
    }

private:
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

/// Times read(), then digests what it returned, after the timer stopped.
template <class Read, class Digest>
twin_result timed(Read read, Digest digest) {
    const stopwatch timer;
    const auto rows = read();
    const double ms = timer.ms();
    return {ms, digest(rows)};
}

/// A twin's main: parses the command line, runs the workload, prints its one line.
template <class Run>
int twin_main(int argc, char** argv, Run run) {
    try {
        const twin_args args = parse_twin_args(argc, argv);
        const twin_result r = run(args);
        std::printf("ms=%.3f checksum=%llu\n", r.ms, static_cast<unsigned long long>(r.checksum));
        return 0;
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s %s: %s\n", argc > 0 ? argv[0] : "twin", argc > 1 ? argv[1] : "", e.what());
        return 1;
    }
}

}  // namespace bench
