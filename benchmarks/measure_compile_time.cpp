// relate_bench_compile_time: the compile time of relate as a user meets it, as ratios to Catch2
// v2's main compiled in the same rounds (this machine's compile speed drifts by a third within a
// day; a ratio of files compiled minutes apart much less).
//
//   relate_bench_compile_time --compiler=PATH --catch2-main=FILE --relate-workloads=FILE
//       --include-only=FILE [--models-only=FILE] [--rounds=3] [--cpu=N] [-- COMPILER FLAGS...]
//
// At -O2 and at -O0 -g, each round compiles Catch2's main and then each file, pinned to one CPU;
// the table gives each file's median CPU time (user + system), its peak memory and the median of
// its per-round ratios to Catch2's main. The relate workloads at both levels; the include-only and
// models-only files at -O0 -g, where an edit-compile cycle pays for headers. Fails only when a
// compilation fails.

#include "runner.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

struct source {
    std::string label;
    std::string path;
    bool at_o2;  ///< measured at -O2 too, not only at -O0 -g
};

struct options {
    std::string compiler;
    std::string catch2_main;
    std::vector<source> sources;
    std::vector<std::string> flags;
    int rounds = 3;
    int cpu = bench::first_allowed_cpu();
};

constexpr const char* usage =
    "usage: relate_bench_compile_time --compiler=PATH --catch2-main=FILE --relate-workloads=FILE "
    "--include-only=FILE [--models-only=FILE] [--rounds=N] [--cpu=N] [-- FLAGS...]";

options parse(int argc, char** argv) {
    options o;
    int i = 1;
    for (; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--") {
            ++i;
            break;
        }
        const auto [name, value] = bench::flag(arg);
        if (name == "--compiler")
            o.compiler = value;
        else if (name == "--catch2-main")
            o.catch2_main = value;
        else if (name == "--relate-workloads")
            o.sources.push_back({"relate workloads", value, true});
        else if (name == "--include-only")
            o.sources.push_back({"include <relate/relate.hpp> only", value, false});
        else if (name == "--models-only")
            o.sources.push_back({"models through <relate/relation.hpp> only", value, false});
        else if (name == "--rounds")
            o.rounds = std::stoi(value);
        else if (name == "--cpu")
            o.cpu = std::stoi(value);
        else
            throw std::invalid_argument("unknown argument " + std::string(arg) + "; " + usage);
    }
    o.flags.assign(argv + i, argv + argc);
    if (o.compiler.empty() || o.catch2_main.empty() || o.sources.empty()) throw std::invalid_argument(usage);
    if (o.rounds < 1) throw std::invalid_argument("--rounds must be positive");
    return o;
}

struct compilation {
    double cpu_seconds;
    double peak_mb;
};

compilation compile(const options& o, const std::vector<std::string>& level, const std::string& path) {
    std::vector<std::string> command{o.compiler, "-std=c++20"};
    command.insert(command.end(), level.begin(), level.end());
    command.emplace_back("-w");
    command.insert(command.end(), o.flags.begin(), o.flags.end());
    command.insert(command.end(), {"-c", path, "-o", "/dev/null"});
    const bench::child_run run = bench::run_child(command, o.cpu);
    if (!run.succeeded()) throw std::runtime_error("compiling " + path + " " + run.describe_status());
    return {run.cpu_seconds, run.peak_mb};
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

int run(const options& o) {
    std::printf("relate_bench_compile_time: %s, %d round(s), pinned to CPU %d\n",
                first_line(bench::run_child({o.compiler, "--version"}, o.cpu).output).c_str(), o.rounds, o.cpu);
    std::printf("\n| file | flags | median CPU s | peak MB | × Catch2 main |\n|---|---|---:|---:|---:|\n");
    for (const std::vector<std::string>& level : {std::vector<std::string>{"-O2"}, std::vector<std::string>{"-O0", "-g"}}) {
        std::string level_name;
        for (const std::string& flag : level) level_name += (level_name.empty() ? "" : " ") + flag;
        std::vector<const source*> measured;
        for (const source& s : o.sources)
            if (s.at_o2 || level.size() > 1) measured.push_back(&s);

        std::vector<compilation> yardstick;
        std::map<const source*, std::vector<compilation>> runs;
        for (int round = 1; round <= o.rounds; ++round) {
            std::fflush(stdout);
            std::fprintf(stderr, "relate_bench_compile_time: %s, round %d of %d\n", level_name.c_str(), round, o.rounds);
            yardstick.push_back(compile(o, level, o.catch2_main));
            for (const source* s : measured) runs[s].push_back(compile(o, level, s->path));
        }

        const auto print_row = [&](const std::string& label, const std::vector<compilation>& c) {
            std::vector<double> seconds, ratios;
            double peak = 0;
            for (std::size_t round = 0; round < c.size(); ++round) {
                seconds.push_back(c[round].cpu_seconds);
                ratios.push_back(c[round].cpu_seconds / yardstick[round].cpu_seconds);
                peak = std::max(peak, c[round].peak_mb);
            }
            std::printf("| %s | %s | %.2f | %.0f | %.2f |\n", label.c_str(), level_name.c_str(), *bench::median(seconds),
                        peak, *bench::median(ratios));
        };
        for (const source* s : measured) print_row(s->label, runs[s]);
        print_row("Catch2 v2's main", yardstick);
    }
    std::printf("\nIssue 20's targets (g++ 12, the yardstick's own relate file): relate workloads at most 0.42 at -O2 and\n"
                "0.69 at -O0 -g, include-only at most 0.17 at -O0 -g, peak memory of the relate workloads at most 450 MB.\n");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(parse(argc, argv));
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "relate_bench_compile_time: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "relate_bench_compile_time: %s\n", e.what());
        return 1;
    }
}
