// Google Benchmark driver: every workload of workloads.hpp, on ":memory:" and on a WAL file, each
// twin as its own benchmark named <workload>/<storage>/<twin> (W2_scan/file/relate).
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

namespace {

using bench::dataset_size;
using bench::storage;

struct fixture {
    fixture(storage where, const dataset_size& size) : database(where, size), reader(database.handle()) {}

    bench::bench_database database;
    bench::hand_written::reader reader;  // declared last: its statements are finalized before the database closes
};

/// Each storage is seeded once, on first use, and shared by every benchmark on it.
fixture& fixture_for(storage where, const dataset_size& size) {
    static std::map<storage, std::unique_ptr<fixture>> fixtures;
    auto& f = fixtures[where];
    if (!f) f = std::make_unique<fixture>(where, size);
    return *f;
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
                auto& f = fixture_for(where, size);
                for (auto _ : state) benchmark::DoNotOptimize(w.hand_twin(f.reader, size));
            })->Unit(benchmark::kMillisecond);
            benchmark::RegisterBenchmark((prefix + "relate").c_str(), [=](benchmark::State& state) {
                auto& f = fixture_for(where, size);
                for (auto _ : state) benchmark::DoNotOptimize(w.relate_twin(f.database.db(), size));
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
