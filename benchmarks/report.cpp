// Runs relate_benchmarks and prints one table: per workload and storage, the median CPU time of
// each twin over several repetitions and the ratio relate / hand-written; then what eager
// loading (W4) saves over the N+1 pattern (W4n).
//
// Each workload runs in its own process, its two twins' repetitions interleaved: the twins are
// timed within seconds of each other, so a slow spell of a shared machine weighs on both alike.
//
//   relate_bench_report <path to relate_benchmarks> [--repetitions=N] [flags for relate_benchmarks]
//
// Fails only when the benchmarks fail to run or print something unreadable: timings never fail it.

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct options {
    std::string binary;
    int repetitions = 5;
    std::string passed_on;  // flags for relate_benchmarks, already quoted
};

std::string shell_quoted(std::string_view arg) {
    std::string out = "'";
    for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

options parse(int argc, char** argv) {
    if (argc < 2) throw std::invalid_argument("usage: relate_bench_report <relate_benchmarks> [--repetitions=N] [flags]");
    options o;
    o.binary = argv[1];
    constexpr std::string_view repetitions = "--repetitions=";
    for (int i = 2; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg.starts_with(repetitions))
            o.repetitions = std::stoi(std::string(arg.substr(repetitions.size())));
        else
            o.passed_on.append(" ").append(shell_quoted(arg));
    }
    return o;
}

std::string run(const std::string& command) {
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) throw std::runtime_error("cannot run: " + command);
    std::string out;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
    if (pclose(pipe) != 0) throw std::runtime_error("the benchmarks failed: " + command);
    return out;
}

double to_milliseconds(double time, std::string_view unit) {
    if (unit == "ns") return time / 1e6;
    if (unit == "us") return time / 1e3;
    if (unit == "s") return time * 1e3;
    return time;
}

/// Median CPU time (ms) per benchmark name ("W2_scan/file/relate"), sorted by name.
struct medians {
    std::map<std::string, double> ms;

    [[nodiscard]] std::optional<double> of(const std::string& name) const {
        const auto found = ms.find(name);
        return found == ms.end() ? std::nullopt : std::optional<double>(found->second);
    }
};

/// The workloads ("W2_scan/file") the benchmarks list, each once, in their order.
std::vector<std::string> list_workloads(const options& o) {
    const std::string listing = run(shell_quoted(o.binary) + " --benchmark_list_tests=true" + o.passed_on);
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t end; (end = listing.find('\n', start)) != std::string::npos; start = end + 1) {
        const std::string name = listing.substr(start, end - start);
        const std::size_t twin = name.rfind('/');
        if (twin == std::string::npos) continue;
        const std::string workload = name.substr(0, twin);
        if (out.empty() || out.back() != workload) out.push_back(workload);
    }
    if (out.empty()) throw std::runtime_error("the benchmarks listed no workload");
    return out;
}

void read_medians(const nlohmann::json& report, medians& out) {
    for (const auto& b : report.at("benchmarks")) {
        // With one repetition there are no aggregates: the single run is the median.
        if (b.value("run_type", "") == "aggregate" && b.value("aggregate_name", "") != "median") continue;
        const std::string name = b.at("run_name").get<std::string>();
        out.ms.emplace(name, to_milliseconds(b.at("cpu_time").get<double>(), b.value("time_unit", "ns")));
    }
}

void print_table(const medians& m, const nlohmann::json& context, int repetitions) {
    fmt::print("\nrelate vs hand-written sqlite3: median CPU time of {} repetition(s); {}, {} x {} MHz\n\n", repetitions,
               context.value("date", "?"), context.value("num_cpus", 0), context.value("mhz_per_cpu", 0));
    fmt::print("{:<28} {:>14} {:>14} {:>7}\n", "workload", "hand-written", "relate", "ratio");
    constexpr std::string_view hand_suffix = "/hand";
    for (const auto& [name, hand] : m.ms) {
        if (!name.ends_with(hand_suffix)) continue;
        const std::string workload = name.substr(0, name.size() - hand_suffix.size());
        const auto relate = m.of(workload + "/relate");
        if (!relate) continue;
        fmt::print("{:<28} {:>11.2f} ms {:>11.2f} ms {:>7.3f}\n", workload, hand, *relate, *relate / hand);
    }
    for (const char* storage : {"memory", "file"}) {
        const auto eager = m.of(fmt::format("W4_eager/{}/relate", storage));
        const auto lazy = m.of(fmt::format("W4n_lazy/{}/relate", storage));
        if (eager && lazy)
            fmt::print("\nW4 eager vs W4n N+1 with relate ({}): {:.2f} ms vs {:.2f} ms, eager {:.1f}x faster", storage,
                       *eager, *lazy, *lazy / *eager);
    }
    fmt::print("\n");
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const options o = parse(argc, argv);
        medians m;
        nlohmann::json context;
        for (const std::string& workload : list_workloads(o)) {
            // The filter comes last: Google Benchmark takes the last of a repeated flag.
            const std::string command = fmt::format(
                "{} --benchmark_format=json --benchmark_repetitions={} --benchmark_report_aggregates_only=true "
                "--benchmark_enable_random_interleaving=true{} {}",
                shell_quoted(o.binary), o.repetitions, o.passed_on,
                shell_quoted(fmt::format("--benchmark_filter=^{}/(hand|relate)$", workload)));
            const nlohmann::json report = nlohmann::json::parse(run(command));
            read_medians(report, m);
            if (context.is_null()) context = report.at("context");
        }
        print_table(m, context, o.repetitions);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "relate_bench_report: %s\n", e.what());
        return 1;
    }
}
