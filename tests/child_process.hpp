#pragma once
// A function run in a forked child process, for tests that kill writers or run them side by side.
// The child never returns into the test framework: it ends with _exit (status 0 when the function
// returns, 1 after printing the message when it throws), so no Catch2 or atexit handler runs in
// it. Fork only while the test process has one thread and no open database.

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <system_error>
#include <utility>

namespace test_support {

class child_process {
public:
    template <class F>
    explicit child_process(F&& body) : pid_(fork()) {
        if (pid_ == -1) throw std::system_error(errno, std::generic_category(), "fork");
        if (pid_ != 0) return;
        int status = 0;
        try {
            std::forward<F>(body)();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "child process: %s\n", e.what());
            status = 1;
        }
        _exit(status);
    }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;
    ~child_process() {
        if (status_ != unknown) return;
        kill();
        wait();
    }

    void kill() const { ::kill(pid_, SIGKILL); }

    /// Waits for the child to end; its wait status (see waitpid).
    int wait() {
        if (status_ == unknown) {
            int status = 0;
            while (waitpid(pid_, &status, 0) == -1 && errno == EINTR) {
            }
            status_ = status;
        }
        return status_;
    }

    /// "exited with 0", "killed by signal 9", ...: for failure messages.
    static std::string describe(int status) {
        if (WIFEXITED(status)) return "exited with " + std::to_string(WEXITSTATUS(status));
        if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
        return "wait status " + std::to_string(status);
    }

private:
    static constexpr int unknown = -1;
    pid_t pid_;
    int status_ = unknown;
};

}  // namespace test_support
