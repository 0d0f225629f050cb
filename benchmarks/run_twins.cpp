// relate_bench_run: runs the twins of every workload, each run its own process pinned to one CPU,
// and prints per workload and storage the median of the per-round ratios relate / hand-written,
// each twin's peak memory and minor page faults, and W4 against W4n.
//
//   relate_bench_run --hand=PATH --relate=PATH [--rounds=5] [--users=10000] [--cpu=N]
//                    [--workloads=W1,W2,...] [--memory=W1,W2,...|all|none] [--dir=DIR]
//
// A round runs every workload once on each storage; within it the twins of one workload run back
// to back (their order alternates from round to round), so each ratio compares runs seconds apart
// and a slow spell of a shared machine weighs on both. Timings never fail the run; a twin that
// fails, or checksums that differ, do (exit status 1).

#include "runner.hpp"
#include "run_database.hpp"
#include "twin.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace {

namespace fs = std::filesystem;
using bench::storage;
using bench::workload;

struct options {
    std::string hand;
    std::string relate;
    int rounds = 5;
    bench::data_size size;
    int cpu = bench::first_allowed_cpu();
    std::vector<workload> workloads;
    std::set<workload> in_memory;
    std::string dir;
};

/// A twin as the runner starts it; "hand+fk" is the hand-written twin with SQLite's foreign-key
/// enforcement on (W1k, W6k), run for the write workloads only.
struct variant {
    std::string_view name;
    bool is_relate;
    bool foreign_keys;
};
constexpr variant hand{"hand", false, false};
constexpr variant relate{"relate", true, false};
constexpr variant hand_fk{"hand+fk", false, true};

struct sample {
    double ms = 0;
    std::uint64_t checksum = 0;
    double peak_mb = 0;
    double minor_faults = 0;
};

/// (workload, storage, variant name) -> round -> sample.
using results = std::map<std::tuple<workload, storage, std::string_view>, std::map<int, sample>>;

constexpr const char* usage =
    "usage: relate_bench_run --hand=PATH --relate=PATH [--rounds=N] [--users=N] [--cpu=N] "
    "[--workloads=W1,W2,...] [--memory=W1,...|all|none] [--dir=DIR]";

options parse(int argc, char** argv) {
    options o;
    o.workloads = bench::parse_workloads("all");
    std::vector<workload> memory = o.workloads;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const auto [name, value] = bench::flag(arg);
        if (name == "--hand")
            o.hand = value;
        else if (name == "--relate")
            o.relate = value;
        else if (name == "--rounds")
            o.rounds = std::stoi(value);
        else if (name == "--users")
            o.size.users = std::stoll(value);
        else if (name == "--cpu")
            o.cpu = std::stoi(value);
        else if (name == "--workloads")
            o.workloads = bench::parse_workloads(value);
        else if (name == "--memory")
            memory = bench::parse_workloads(value);
        else if (name == "--dir")
            o.dir = value;
        else
            throw std::invalid_argument("unknown argument " + std::string(arg) + "; " + usage);
    }
    if (o.hand.empty() || o.relate.empty()) throw std::invalid_argument(usage);
    if (o.rounds < 1 || o.size.users < 1) throw std::invalid_argument("--rounds and --users must be positive");
    o.in_memory.insert(memory.begin(), memory.end());
    return o;
}

std::vector<std::string> twin_command(const options& o, const variant& v, workload w, const std::string& database,
                                      const fs::path& seeded) {
    std::vector<std::string> command{v.is_relate ? o.relate : o.hand, std::string(bench::info(w).name), database,
                                     "--users=" + std::to_string(o.size.users)};
    if (database == bench::memory_database && w != workload::W1) command.push_back("--seeded=" + seeded.string());
    if (v.foreign_keys) command.emplace_back("--foreign-keys");
    return command;
}

/// Runs one twin; its sample, or nullopt after saying why it failed.
std::optional<sample> run_twin(const options& o, const std::vector<std::string>& command) {
    const bench::child_run run = bench::run_child(command, o.cpu);
    sample s;
    unsigned long long checksum = 0;
    if (!run.succeeded() || std::sscanf(run.output.c_str(), "ms=%lf checksum=%llu", &s.ms, &checksum) != 2) {
        std::string line;
        for (const std::string& arg : command) line += " " + arg;
        std::fprintf(stderr, "FAILED (%s):%s\n%s", run.describe_status().c_str(), line.c_str(), run.output.c_str());
        return std::nullopt;
    }
    s.checksum = checksum;
    s.peak_mb = run.peak_mb;
    s.minor_faults = static_cast<double>(run.minor_faults);
    return s;
}

std::string cell(std::optional<double> v, const char* format) {
    if (!v) return "–";
    char text[64];
    std::snprintf(text, sizeof text, format, *v);
    return text;
}

class report {
public:
    explicit report(const results& r) : r_(r) {}

    [[nodiscard]] const std::map<int, sample>* rounds(workload w, storage s, const variant& v) const {
        const auto found = r_.find({w, s, v.name});
        return found == r_.end() ? nullptr : &found->second;
    }

    /// The median over rounds of field(sample).
    template <class Field>
    [[nodiscard]] std::optional<double> median_of(workload w, storage s, const variant& v, Field field) const {
        const auto* by_round = rounds(w, s, v);
        if (by_round == nullptr) return std::nullopt;
        std::vector<double> values;
        for (const auto& [round, smp] : *by_round) values.push_back(field(smp));
        return bench::median(values);
    }

    /// The median of per-round ratios a / b of field(sample), over the rounds both ran in.
    template <class Field>
    [[nodiscard]] static std::optional<double> paired(const std::map<int, sample>* a, const std::map<int, sample>* b,
                                                      Field field) {
        if (a == nullptr || b == nullptr) return std::nullopt;
        std::vector<double> ratios;
        for (const auto& [round, smp] : *a)
            if (const auto other = b->find(round); other != b->end() && field(other->second) > 0)
                ratios.push_back(field(smp) / field(other->second));
        return bench::median(ratios);
    }

private:
    const results& r_;
};

constexpr auto ms_of = [](const sample& s) { return s.ms; };
constexpr auto mb_of = [](const sample& s) { return s.peak_mb; };
constexpr auto faults_of = [](const sample& s) { return s.minor_faults; };

void print_tables(const options& o, const results& r) {
    const report rep(r);
    const auto cells = [&](auto... values) {
        std::string line;
        ((line += "| " + values + " "), ...);
        std::printf("%s|\n", line.c_str());
    };
    std::printf("\n## Time: median ms over rounds; relate / hand: median of per-round ratios (lower is better)\n\n");
    std::printf("| workload | storage | hand ms | relate ms | relate / hand | hand+fk ms | relate / hand+fk |\n");
    std::printf("|---|---|---:|---:|---:|---:|---:|\n");
    for (const storage s : {storage::file, storage::memory})
        for (const workload w : o.workloads) {
            if (rep.rounds(w, s, hand) == nullptr) continue;
            const auto* with_fk = rep.rounds(w, s, hand_fk);
            cells(std::string(bench::info(w).name) + (with_fk != nullptr ? ", " + std::string(bench::info(w).name) + "k" : ""),
                  std::string(bench::storage_name(s)), cell(rep.median_of(w, s, hand, ms_of), "%.1f"),
                  cell(rep.median_of(w, s, relate, ms_of), "%.1f"),
                  cell(report::paired(rep.rounds(w, s, relate), rep.rounds(w, s, hand), ms_of), "%.2f"),
                  cell(rep.median_of(w, s, hand_fk, ms_of), "%.1f"),
                  cell(report::paired(rep.rounds(w, s, relate), with_fk, ms_of), "%.2f"));
        }

    std::printf("\n## Memory: median over rounds of each process's peak RSS (MB) and minor page faults\n\n");
    std::printf("| workload | storage | hand MB | relate MB | relate / hand | hand faults | relate faults | relate / hand |"
                " hand+fk MB | hand+fk faults |\n");
    std::printf("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (const storage s : {storage::file, storage::memory})
        for (const workload w : o.workloads) {
            if (rep.rounds(w, s, hand) == nullptr) continue;
            cells(std::string(bench::info(w).name), std::string(bench::storage_name(s)),
                  cell(rep.median_of(w, s, hand, mb_of), "%.0f"), cell(rep.median_of(w, s, relate, mb_of), "%.0f"),
                  cell(report::paired(rep.rounds(w, s, relate), rep.rounds(w, s, hand), mb_of), "%.2f"),
                  cell(rep.median_of(w, s, hand, faults_of), "%.0f"),
                  cell(rep.median_of(w, s, relate, faults_of), "%.0f"),
                  cell(report::paired(rep.rounds(w, s, relate), rep.rounds(w, s, hand), faults_of), "%.2f"),
                  cell(rep.median_of(w, s, hand_fk, mb_of), "%.0f"), cell(rep.median_of(w, s, hand_fk, faults_of), "%.0f"));
        }

    std::printf("\n## Eager against N+1: W4n / W4, median of per-round ratios (above 1: eager is faster)\n\n");
    std::printf("| storage | relate W4n / W4 | hand W4n / W4 |\n|---|---:|---:|\n");
    for (const storage s : {storage::file, storage::memory}) {
        const auto lazy_over_eager = [&](const variant& v) {
            return cell(report::paired(rep.rounds(workload::W4n, s, v), rep.rounds(workload::W4, s, v), ms_of), "%.2f");
        };
        if (rep.rounds(workload::W4, s, relate) != nullptr && rep.rounds(workload::W4n, s, relate) != nullptr)
            cells(std::string(bench::storage_name(s)), lazy_over_eager(relate), lazy_over_eager(hand));
    }
}

/// Every sample of a workload, whatever its twin, storage or round, must carry one checksum.
bool checksums_agree(const results& r) {
    std::map<workload, std::set<std::uint64_t>> seen;
    for (const auto& [key, by_round] : r)
        for (const auto& [round, s] : by_round) seen[std::get<0>(key)].insert(s.checksum);
    bool agree = true;
    for (const auto& [w, sums] : seen)
        if (sums.size() != 1) {
            agree = false;
            std::printf("checksums of %s DIFFER:", std::string(bench::info(w).name).c_str());
            for (const auto& [key, by_round] : r)
                if (std::get<0>(key) == w)
                    for (const auto& [round, s] : by_round)
                        std::printf(" %s/%s/round %d=%llu", std::string(bench::storage_name(std::get<1>(key))).c_str(),
                                    std::string(std::get<2>(key)).c_str(), round, static_cast<unsigned long long>(s.checksum));
            std::printf("\n");
        }
    if (agree) std::printf("\nchecksums: every twin of each workload agrees, on every storage and in every round\n");
    return agree;
}

/// A directory of its own for the databases, removed at the end unless given by --dir.
class work_dir {
public:
    explicit work_dir(const std::string& given) {
        if (!given.empty()) {
            path_ = given;
            fs::create_directories(path_);
            return;
        }
        std::string pattern = (fs::temp_directory_path() / "relate-bench-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot make a directory under " + pattern);
        path_ = pattern;
        owned_ = true;
    }
    work_dir(const work_dir&) = delete;
    work_dir& operator=(const work_dir&) = delete;
    ~work_dir() {
        std::error_code ignored;
        if (owned_) fs::remove_all(path_, ignored);
    }
    [[nodiscard]] const fs::path& path() const { return path_; }

private:
    fs::path path_;
    bool owned_ = false;
};

int run(const options& o) {
    const work_dir dir(o.dir);
    const fs::path seeded = dir.path() / "seeded.db";
    const fs::path run_file = dir.path() / "run.db";
    std::printf("relate_bench_run: %d round(s), %lld users (%lld posts, %lld links), pinned to CPU %d, in %s\n", o.rounds,
                static_cast<long long>(o.size.users), static_cast<long long>(o.size.posts()),
                static_cast<long long>(o.size.links()), o.cpu, dir.path().c_str());
    const std::time_t started = std::time(nullptr);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&started));
    std::printf("started %s\n", when);
    std::printf("load average at the start: %s\n", bench::load_average().c_str());
    std::fflush(stdout);

    bench::remove_database(seeded);
    if (!run_twin(o, twin_command(o, hand, workload::W1, seeded.string(), seeded))) return 1;

    results r;
    int failures = 0;
    for (int round = 1; round <= o.rounds; ++round) {
        std::fflush(stdout);
        std::fprintf(stderr, "relate_bench_run: round %d of %d\n", round, o.rounds);
        for (const workload w : o.workloads)
            for (const storage s : {storage::file, storage::memory}) {
                if (s == storage::memory && !o.in_memory.contains(w)) continue;
                std::vector<variant> order{hand, relate};
                if (bench::info(w).writes) order.push_back(hand_fk);
                if (round % 2 == 0) std::reverse(order.begin(), order.end());
                for (const variant& v : order) {
                    const std::string database = bench::prepare_database(w, s, seeded, run_file);
                    if (const auto smp = run_twin(o, twin_command(o, v, w, database, seeded)))
                        r[{w, s, v.name}][round] = *smp;
                    else
                        ++failures;
                }
            }
    }
    bench::remove_database(run_file);
    std::printf("load average at the end: %s\n", bench::load_average().c_str());

    print_tables(o, r);
    const bool agree = checksums_agree(r);
    if (failures > 0) std::printf("%d run(s) FAILED (above)\n", failures);
    return agree && failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const options o = parse(argc, argv);
        return run(o);
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "relate_bench_run: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "relate_bench_run: %s\n", e.what());
        return 1;
    }
}
