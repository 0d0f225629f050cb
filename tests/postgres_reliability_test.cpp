// PostgreSQL under failure and load, through relate::pool: the server stopped with
// `pg_ctl stop -m immediate` while units of work commit leaves each unit whole or absent, the
// callers get relate errors, and the pool replaces the lost connections; two processes of two
// threads each commit 4,000 units with none lost and no error. These tests stop the shared
// server, so ctest runs them alone (RUN_SERIAL).

#include "backends.hpp"
#include "child_process.hpp"

#include <relate/pool.hpp>
#include <relate/postgres.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace reliability_models {

struct Line;

struct Order {
    std::int64_t id = 0;
    std::string label;
    relate::has_many<Line, relate::cascade> lines;
};

struct Line {
    std::int64_t id = 0;
    std::int64_t orderId = 0;
    int n = 0;
    relate::belongs_to<Order> order;
};

}  // namespace reliability_models

using namespace reliability_models;
using namespace std::chrono_literals;

namespace {

using pg_pool = relate::pool<relate::postgres::database>;

/// One unit: an order and `lines` lines, committed together.
void commit_order(pg_pool& pool, const std::string& label, int lines) {
    auto db = pool.acquire();
    relate::postgres::unit_of_work uow{*db};
    Order order{.label = label};
    std::vector<Line> staged(static_cast<std::size_t>(lines));
    uow.insert(order);
    for (int k = 0; k < lines; ++k) {
        staged[static_cast<std::size_t>(k)].n = k;
        uow.insert(staged[static_cast<std::size_t>(k)], relate::parent(&Line::order, order));
    }
    uow.commit();
}

/// Runs tools/pg_server.sh `command` (kill, restart) on the tests' server.
void server(const std::string& command) {
    const char* script = std::getenv("RELATE_PG_SERVER");
    const char* dir = std::getenv("RELATE_PG_DIR");
    REQUIRE(script != nullptr);
    REQUIRE(dir != nullptr);
    const std::string line = "bash '" + std::string(script) + "' " + command + " '" + dir + "'";
    REQUIRE(std::system(line.c_str()) == 0);
}

/// The number of orders whose lines are not exactly `lines`: a unit half-written.
std::int64_t partial_orders(relate::postgres::database& db, int lines) {
    std::int64_t partial = 0;
    for (Order& order : db.query<Order>().with(&Order::lines).get())
        if (order.lines.size() != static_cast<std::size_t>(lines)) ++partial;
    return partial;
}

}  // namespace

TEST_CASE("postgres: an immediate server stop while units commit leaves each unit whole or absent, and the pool "
          "recovers",
          "[postgres][reliability]") {
    const std::string target = backends::postgres_server::open_target();
    relate::postgres::database(target).create_tables<Order, Line>();
    pg_pool pool{target, 4};

    std::mutex mutex;
    std::vector<std::string> committed;
    std::atomic<int> relate_errors{0};
    std::atomic<bool> stop{false};
    std::exception_ptr unexpected;
    const auto writer = [&](int thread) {
        for (int i = 0; !stop; ++i) {
            const std::string label = "t" + std::to_string(thread) + "-" + std::to_string(i);
            try {
                commit_order(pool, label, 3);
                const std::lock_guard lock(mutex);
                committed.push_back(label);
            } catch (const relate::error&) {
                ++relate_errors;  // the server is gone: try again, as a caller would
                std::this_thread::sleep_for(20ms);
            } catch (...) {
                const std::lock_guard lock(mutex);
                unexpected = std::current_exception();
                return;
            }
        }
    };
    const auto committed_count = [&] {
        const std::lock_guard lock(mutex);
        return committed.size();
    };
    const auto wait_for_commits = [&](std::size_t count) {
        for (int waited = 0; waited < 3000 && committed_count() < count; ++waited) std::this_thread::sleep_for(10ms);
        return committed_count() >= count;
    };

    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) threads.emplace_back(writer, t);
    const bool before = wait_for_commits(100);
    server("kill");  // pg_ctl stop -m immediate, in the middle of the writers' units
    const std::size_t at_stop = committed_count();
    std::this_thread::sleep_for(300ms);
    server("restart");
    const bool after = wait_for_commits(at_stop + 100);
    stop = true;
    for (auto& t : threads) t.join();

    if (unexpected) std::rethrow_exception(unexpected);
    CHECK(before);
    CHECK(after);              // the pool replaced the lost connections: commits went on
    CHECK(relate_errors > 0);  // the writers cut off were told, with relate errors
    relate::postgres::database db{target};
    CHECK(partial_orders(db, 3) == 0);
    // Every commit that returned is there; one cut off in its COMMIT may be there too, whole.
    const auto stored = db.query<Order>().get();
    CHECK(stored.size() >= committed.size());
    CHECK(stored.size() <= committed.size() + 4);
    std::vector<std::string> labels;
    for (const Order& order : stored) labels.push_back(order.label);
    std::sort(labels.begin(), labels.end());
    for (const std::string& label : committed) CHECK(std::binary_search(labels.begin(), labels.end(), label));
}

TEST_CASE("postgres: two processes of two threads commit 4,000 units through pools, none lost, no error",
          "[postgres][reliability]") {
    const std::string target = backends::postgres_server::open_target();
    relate::postgres::database(target).create_tables<Order, Line>();

    const auto process = [&](int p) {
        pg_pool pool{target, 2};
        std::exception_ptr failure;
        std::mutex mutex;
        std::vector<std::thread> threads;
        for (int t = 0; t < 2; ++t)
            threads.emplace_back([&, t] {
                try {
                    for (int i = 0; i < 1000; ++i)
                        commit_order(pool, "p" + std::to_string(p) + "t" + std::to_string(t) + "-" + std::to_string(i), 2);
                } catch (...) {
                    const std::lock_guard lock(mutex);
                    failure = std::current_exception();
                }
            });
        for (auto& t : threads) t.join();
        if (failure) std::rethrow_exception(failure);
    };
    test_support::child_process first([&] { process(1); });
    test_support::child_process second([&] { process(2); });
    const int first_status = first.wait();
    const int second_status = second.wait();
    INFO("first " << test_support::child_process::describe(first_status) << ", second "
                  << test_support::child_process::describe(second_status));
    CHECK((WIFEXITED(first_status) && WEXITSTATUS(first_status) == 0));
    CHECK((WIFEXITED(second_status) && WEXITSTATUS(second_status) == 0));

    relate::postgres::database db{target};
    CHECK(db.query<Order>().count() == 4000);
    CHECK(db.query<Line>().count() == 8000);
    CHECK(partial_orders(db, 2) == 0);
}
