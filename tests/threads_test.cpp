// Threads, as a program that is just two writers uses them: two relate::database objects on one
// file with the default options (a 5 s busy timeout, an fsync per commit) never surface
// SQLITE_BUSY; and one relate::database used by a second thread while the first is using it is a
// relate::concurrent_use_error, never a crash or a corrupted statement cache.

#include "temp_file.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <latch>
#include <string>
#include <thread>
#include <vector>

using Catch::Contains;
using relate::col;

namespace thread_models {

struct Unit;

struct Writer {
    std::int64_t id = 0;
    relate::has_many<Unit, relate::cascade> units;
};

struct Unit {
    std::int64_t id = 0;
    std::int64_t writerId = 0;
    std::int64_t seq = 0;
    relate::belongs_to<Writer> writer;
};

}  // namespace thread_models

using namespace thread_models;

TEST_CASE("two writers on one file with the default options commit for 10 s and none sees SQLITE_BUSY",
          "[threads][contention]") {
    const relate_test::temp_file file;
    {
        relate::database db{file.path()};
        db.create_tables<Writer, Unit>();
        db.insert(Writer{});
        db.insert(Writer{});
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    std::vector<std::int64_t> committed(2, 0);
    std::vector<std::string> errors(2);
    std::latch start(2);
    const auto write = [&](std::size_t w) {
        try {
            relate::database db{file.path()};  // relate's defaults: nothing tuned for contention
            start.arrive_and_wait();
            while (std::chrono::steady_clock::now() < deadline) {
                Unit unit{.writerId = static_cast<std::int64_t>(w) + 1, .seq = committed[w]};
                relate::unit_of_work uow{db};
                uow.insert(unit);  // validated: a SELECT on writers, then the insert
                uow.commit();
                ++committed[w];
            }
        } catch (const std::exception& e) {
            errors[w] = e.what();
        }
    };
    std::thread first(write, 0);
    std::thread second(write, 1);
    first.join();
    second.join();

    CHECK(errors[0].empty());
    CHECK(errors[1].empty());
    CHECK(committed[0] > 0);
    CHECK(committed[1] > 0);
    relate::database db{file.path()};
    for (std::int64_t w = 1; w <= 2; ++w)
        CHECK(db.query<Unit>().where(col<&Unit::writerId> == w).count() == committed[static_cast<std::size_t>(w - 1)]);
    std::cout << "default options, 10 s: " << committed[0] << " and " << committed[1] << " units committed\n";
}

TEST_CASE("a database another thread is using is a concurrent_use_error, and free again once it is done",
          "[threads][concurrent_use]") {
    relate::database db{":memory:"};
    db.create_tables<Writer, Unit>();
    const Writer w = db.insert(Writer{});
    const std::string message =
        "relate: this relate::database is in use by another thread; a database is one connection for one thread at "
        "a time: open a relate::database per thread";

    std::latch holding(1);
    std::latch tried(1);
    std::thread owner([&] {
        relate::sqlite::transaction tx(db.connection());  // this thread uses the database until it commits
        db.insert(Unit{.writerId = w.id, .seq = 1});
        holding.count_down();
        tried.wait();
        db.insert(Unit{.writerId = w.id, .seq = 2});
        tx.commit();
    });
    holding.wait();
    REQUIRE_THROWS_MATCHES(db.find<Writer>(w.id), relate::concurrent_use_error, Catch::Matchers::Message(message));
    REQUIRE_THROWS_AS(db.insert(Unit{.writerId = w.id, .seq = 3}), relate::concurrent_use_error);
    REQUIRE_THROWS_AS(db.query<Writer>().with(&Writer::units).get(), relate::concurrent_use_error);
    REQUIRE_THROWS_AS(db.connection().execute("DELETE FROM units"), relate::concurrent_use_error);
    tried.count_down();
    owner.join();

    // Handed over: this thread may use it now.
    CHECK(db.query<Unit>().count() == 2);
    CHECK(db.find_or_throw<Writer>(w.id).id == w.id);
}

TEST_CASE("two threads hammering one database get concurrent_use_errors, never a crash or a lost write",
          "[threads][concurrent_use]") {
    relate::database db{":memory:"};
    db.create_tables<Writer, Unit>();
    const Writer w = db.insert(Writer{});
    std::atomic<std::int64_t> inserted{0};
    std::atomic<std::int64_t> refused{0};
    std::vector<std::string> other_errors(2);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{2};
    const auto hammer = [&](std::size_t t) {
        try {
            for (std::int64_t seq = 0; std::chrono::steady_clock::now() < deadline; ++seq) {
                try {
                    db.insert(Unit{.writerId = w.id, .seq = seq});
                    ++inserted;
                    (void)db.query<Writer>().with(&Writer::units).get();
                    (void)db.find<Unit>(seq + 1);
                } catch (const relate::concurrent_use_error&) {
                    ++refused;
                }
            }
        } catch (const std::exception& e) {
            other_errors[t] = e.what();
        }
    };
    std::thread first(hammer, 0);
    std::thread second(hammer, 1);
    first.join();
    second.join();

    CHECK(other_errors[0].empty());
    CHECK(other_errors[1].empty());
    CHECK(db.query<Unit>().count() == inserted.load());
    std::cout << "one database, two threads, 2 s: " << inserted << " inserts, " << refused << " refused uses\n";
}
