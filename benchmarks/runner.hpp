#pragma once
// What the runners (run_twins.cpp, postgres_twins.cpp, measure_compile_time.cpp) share: running
// one command in a child process pinned to one CPU, with what the kernel measured of it (wait4's
// rusage: CPU time, peak memory, minor page faults), the median of a sample, the load averages and
// their --name=value flags.
// Linux only (sched_setaffinity, wait4).

#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace bench {

struct child_run {
    int status = 0;      ///< the wait status
    std::string output;  ///< what it printed on stdout (stderr passes through)
    double cpu_seconds = 0;  ///< user + system
    double peak_mb = 0;      ///< maximum resident set size
    long minor_faults = 0;

    [[nodiscard]] bool succeeded() const { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }
    [[nodiscard]] std::string describe_status() const {
        if (WIFEXITED(status)) return "exited with " + std::to_string(WEXITSTATUS(status));
        if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
        return "ended with wait status " + std::to_string(status);
    }
};

/// The first CPU this process may run on: where children are pinned unless told otherwise.
inline int first_allowed_cpu() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
            if (CPU_ISSET(cpu, &set)) return cpu;
    return 0;
}

/// Runs `command` (argv[0] a path or a name on PATH) pinned to `cpu` and waits for it. The
/// child's peak memory includes this process's size at the fork: keep the caller small.
inline child_run run_child(const std::vector<std::string>& command, int cpu) {
    int pipe_ends[2];
    if (pipe(pipe_ends) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
    const pid_t pid = fork();
    if (pid == -1) throw std::system_error(errno, std::generic_category(), "fork");
    if (pid == 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        if (sched_setaffinity(0, sizeof set, &set) != 0) {
            std::perror("sched_setaffinity");
            _exit(126);
        }
        dup2(pipe_ends[1], STDOUT_FILENO);
        close(pipe_ends[0]);
        close(pipe_ends[1]);
        std::vector<char*> argv;
        for (const std::string& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
        argv.push_back(nullptr);
        execvp(argv[0], argv.data());
        std::perror(argv[0]);
        _exit(127);
    }
    close(pipe_ends[1]);
    child_run run;
    char buffer[4096];
    for (ssize_t n; (n = read(pipe_ends[0], buffer, sizeof buffer)) != 0;) {
        if (n > 0)
            run.output.append(buffer, static_cast<std::size_t>(n));
        else if (errno != EINTR)
            break;
    }
    close(pipe_ends[0]);
    rusage usage{};
    while (wait4(pid, &run.status, 0, &usage) == -1)
        if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "wait4");
    const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    run.cpu_seconds = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    run.peak_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux gives kilobytes
    run.minor_faults = usage.ru_minflt;
    return run;
}

/// The median of a sample (the mean of the middle two for an even count); nullopt when empty.
inline std::optional<double> median(std::vector<double> sample) {
    if (sample.empty()) return std::nullopt;
    std::sort(sample.begin(), sample.end());
    const std::size_t middle = sample.size() / 2;
    return sample.size() % 2 == 1 ? sample[middle] : (sample[middle - 1] + sample[middle]) / 2;
}

/// The load averages of /proc/loadavg (1, 5 and 15 minutes), for a report to print.
inline std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string one, five, fifteen;
    in >> one >> five >> fifteen;
    return one.empty() ? "unknown" : one + " " + five + " " + fifteen;
}

/// A command-line argument "--name=value" split in two ("--name", "value"); no '=', no value.
struct flag {
    std::string_view name;
    std::string value;

    explicit flag(std::string_view arg)
        : name(arg.substr(0, arg.find('='))),
          value(arg.find('=') == std::string_view::npos ? "" : std::string(arg.substr(arg.find('=') + 1))) {}
};

}  // namespace bench
