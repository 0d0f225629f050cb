#pragma once
// A unique path in the temporary directory for an on-disk database, removed (with SQLite's -wal,
// -shm and -journal companions) when the object goes out of scope.
//
// Without <filesystem> on purpose: libstdc++'s <filesystem> brings in std::quoted, and whether
// relate copes with that is include_iomanip_test.cpp's job, not a side effect of this helper.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>

namespace relate_test {

class temp_file {
public:
    explicit temp_file(const std::string& suffix = ".db") {
        const char* dir = std::getenv("TMPDIR");
        std::random_device random;
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        path_ = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/relate-test-" + std::to_string(stamp) +
                "-" + std::to_string(random()) + suffix;
    }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
    ~temp_file() {
        for (const char* companion : {"", "-wal", "-shm", "-journal"}) std::remove((path_ + companion).c_str());
    }

    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    [[nodiscard]] bool exists() const { return std::ifstream(path_).good(); }

private:
    std::string path_;
};

}  // namespace relate_test
