// Google Benchmark driver: every workload of workloads.hpp, on ":memory:" and on a WAL file, each
// twin as its own benchmark named <workload>/<storage>/<twin> (W2_scan/file/relate). Write
// workloads run on a database of their own, prepared before every run with the timer paused.
//
//   relate_benchmarks [--users=N] [Google Benchmark flags]
//
// --users scales the data set (default 10,000 users: 100,000 posts, 300,000 links).

#include "workloads.hpp"

#include <benchmark/benchmark.h>

#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace {

using bench::dataset_size;
using bench::storage;

struct fixture {
    fixture(storage where, const dataset_size& size) : database(where, size), hand(database.handle()) {}

    bench::bench_database database;
    bench::hand_statements hand;  // declared last: its statements are finalized before the database closes
};

/// One seeded database per storage, made on first use, shared by the read workloads; the write
/// workloads share another, which they change.
fixture& fixture_for(storage where, bool writes, const dataset_size& size) {
    static std::map<std::pair<storage, bool>, std::unique_ptr<fixture>> fixtures;
    auto& f = fixtures[{where, writes}];
    if (!f) f = std::make_unique<fixture>(where, size);
    return *f;
}

/// Runs one twin per iteration; a write workload's state is prepared with the timer paused (a
/// run is long, so the pause's own cost is noise).
template <class Twin>
void run(benchmark::State& state, const bench::workload& w, fixture& f, const dataset_size& size, Twin twin) {
    for (auto _ : state) {
        if (w.writes()) {
            state.PauseTiming();
            w.prepare(f.database, size);
            state.ResumeTiming();
        }
        benchmark::DoNotOptimize(twin());
    }
}

/// Takes --users=N out of argv (Google Benchmark rejects flags it does not know).
dataset_size take_size_flag(int& argc, char** argv) {
    constexpr std::string_view flag = "--users=";
    dataset_size size;
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg.starts_with(flag))
            size.users = std::atoll(argv[i] + flag.size());
        else
            argv[kept++] = argv[i];
    }
    argc = kept;
    return size;
}

void register_workloads(const dataset_size& size) {
    for (const storage where : {storage::memory, storage::file}) {
        for (const bench::workload& w : bench::workloads) {
            const std::string prefix = std::string(w.name) + "/" + bench::storage_name(where) + "/";
            benchmark::RegisterBenchmark((prefix + "hand").c_str(), [=](benchmark::State& state) {
                auto& f = fixture_for(where, w.writes(), size);
                run(state, w, f, size, [&] { return w.hand_twin(f.hand, size); });
            })->Unit(benchmark::kMillisecond);
            benchmark::RegisterBenchmark((prefix + "relate").c_str(), [=](benchmark::State& state) {
                auto& f = fixture_for(where, w.writes(), size);
                run(state, w, f, size, [&] { return w.relate_twin(f.database.db(), size); });
            })->Unit(benchmark::kMillisecond);
        }
    }
}

/// Fixed glibc malloc thresholds. The adaptive ones give a large vector fresh pages (page faults)
/// or recycled ones depending on which benchmark ran before, which random interleaving turns
/// into noise of up to 50% on W2; fixed, both twins always get recycled memory.
void steady_allocator() {
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

}  // namespace

int main(int argc, char** argv) {
    steady_allocator();
    const dataset_size size = take_size_flag(argc, argv);
    if (size.users < 1) {
        std::fputs("relate_benchmarks: --users must be a positive number\n", stderr);
        return 2;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
    register_workloads(size);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
