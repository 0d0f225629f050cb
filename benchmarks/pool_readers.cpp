// Reader throughput through relate::pool on SQLite: the same reads done by one thread, then split
// between two threads that each borrow a connection from one pool (WAL lets them read at once).
//
//   relate_bench_pool_readers [--users=N] [--rounds=R] [--file=PATH]
//
// W3: every post by key, one find at a time (the lookups split in two halves). W4: every user with
// profile and posts, eager, done `loads` times (the loads split between the threads). Each round
// times both forms, in alternating order, on both cores; the table gives the median of the
// per-round speed-ups (one thread's time / two threads' time: 2.0 is perfect scaling). Both forms
// must read the same rows (checksums), or the run fails. Timings live here, never in tests.

#include "bench_models.hpp"
#include "checksum.hpp"
#include "data.hpp"
#include "relate_twin.hpp"
#include "runner.hpp"
#include "run_database.hpp"
#include "schema.hpp"
#include "twin.hpp"

#include <relate/pool.hpp>
#include <relate/relate.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using bench::models::Post;
using bench::models::User;
using readers = relate::pool<relate::database>;

/// What one thread reads: part `part` of `parts`, through a connection of its own from the pool.
using share = std::function<std::uint64_t(readers&, int part, int parts)>;

/// `snapshot`: the thread's finds in one read transaction, rather than one each.
std::uint64_t find_posts(readers& pool, const bench::data_size& size, bool snapshot, int part, int parts) {
    auto db = pool.acquire();
    std::optional<relate::sqlite::transaction> reads;
    if (snapshot) reads.emplace(db->connection());
    const std::int64_t n = size.posts();
    std::vector<Post> found;
    for (std::int64_t i = n * part / parts; i < n * (part + 1) / parts; ++i)
        if (std::optional<Post> p = db->find<Post>(bench::lookup_key(i, size))) found.push_back(std::move(*p));
    return bench::checksum::posts(found);
}

std::uint64_t load_users(readers& pool, int loads, int part, int parts) {
    auto db = pool.acquire();
    std::uint64_t sum = 0;
    for (int i = loads * part / parts; i < loads * (part + 1) / parts; ++i)
        sum += bench::with_relate::digest(db->query<User>().with(&User::profile, &User::posts).get());
    return sum;
}

struct timed_run {
    double ms = 0;
    std::uint64_t checksum = 0;
};

/// The work split between `threads` threads, each with its own pooled connection.
timed_run run_split(readers& pool, const share& work, int threads) {
    std::vector<std::uint64_t> sums(static_cast<std::size_t>(threads));
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(threads));
    const bench::stopwatch timer;
    std::vector<std::thread> running;
    for (int t = 0; t < threads; ++t)
        running.emplace_back([&, t] {
            try {
                sums[static_cast<std::size_t>(t)] = work(pool, t, threads);
            } catch (...) {
                errors[static_cast<std::size_t>(t)] = std::current_exception();
            }
        });
    for (std::thread& t : running) t.join();
    const double ms = timer.ms();
    for (const std::exception_ptr& e : errors)
        if (e) std::rethrow_exception(e);
    timed_run out{ms, 0};
    for (std::uint64_t s : sums) out.checksum += s;
    return out;
}

struct options {
    bench::data_size size;
    int rounds = 5;
    std::filesystem::path file = std::filesystem::temp_directory_path() / "relate_bench_pool_readers.db";
};

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const auto [name, value] = bench::flag(argv[i]);
        if (name == "--users")
            o.size.users = std::atoll(value.c_str());  // not a number: 0, refused below
        else if (name == "--rounds")
            o.rounds = std::atoi(value.c_str());
        else if (name == "--file")
            o.file = value;
        else
            throw std::invalid_argument("usage: relate_bench_pool_readers [--users=N] [--rounds=R] [--file=PATH]");
    }
    if (o.size.users < 1 || o.rounds < 1) throw std::invalid_argument("--users and --rounds must be positive");
    return o;
}

}  // namespace

int main(int argc, char** argv) try {
    const options o = parse(argc, argv);
    bench::remove_database(o.file);
    // The pool first, before SQLite is used, as docs/pool.md advises: SQLite's memory statistics,
    // whose lock serialises the threads' allocations, can only be switched off then.
    readers pool{o.file.string(), 2};
    {
        auto db = pool.acquire();  // WAL, as every relate file database
        for (const std::string& sql : bench::schema_statements()) db->connection().execute(sql);
        bench::with_relate::insert_all(*db, o.size);
    }
    constexpr int loads = 4;
    const bench::data_size size = o.size;
    const struct {
        std::string_view name;
        share work;
    } jobs[] = {
        {"W3", [size](readers& p, int part, int parts) { return find_posts(p, size, false, part, parts); }},
        {"W3 in one read transaction per thread",
         [size](readers& p, int part, int parts) { return find_posts(p, size, true, part, parts); }},
        {"W4", [](readers& p, int part, int parts) { return load_users(p, loads, part, parts); }},
    };

    std::printf("| workload | 1 thread ms | 2 threads ms | speed-up (median of %d rounds) |\n|---|---:|---:|---:|\n",
                o.rounds);
    for (const auto& job : jobs) {
        std::vector<double> one, two, speedups;
        for (int r = 0; r < o.rounds; ++r) {
            const bool one_first = r % 2 == 0;  // alternate, so that drift does not favour one form
            timed_run a, b;
            if (one_first) {
                a = run_split(pool, job.work, 1);
                b = run_split(pool, job.work, 2);
            } else {
                b = run_split(pool, job.work, 2);
                a = run_split(pool, job.work, 1);
            }
            if (a.checksum != b.checksum)
                throw std::runtime_error(std::string(job.name) + ": two threads read other rows than one thread");
            one.push_back(a.ms);
            two.push_back(b.ms);
            speedups.push_back(a.ms / b.ms);
        }
        std::printf("| %.*s | %.1f | %.1f | %.2f |\n", static_cast<int>(job.name.size()), job.name.data(),
                    *bench::median(one), *bench::median(two), *bench::median(speedups));
    }
    bench::remove_database(o.file);
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "relate_bench_pool_readers: %s\n", e.what());
    return 1;
}
