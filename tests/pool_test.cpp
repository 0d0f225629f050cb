// relate::pool on real database files: a handle lends a connection and gives it back; acquire
// waits while all are out, and acquire(timeout) gives up with relate::pool_timeout; a connection
// handed back inside a transaction is rolled back, and one that cannot be is replaced; the pool's
// writers take turns in arrival order through its write gate while readers go on; and a stress
// run of writers and readers sharing a pool never sees SQLITE_BUSY nor loses a row.

#include "temp_file.hpp"
#include "writer_models.hpp"

#include <relate/pool.hpp>
#include <relate/relate.hpp>

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <latch>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

using Catch::Contains;
using relate::col;
using namespace std::chrono_literals;

using namespace writer_models;
using pool_type = relate::pool<relate::database>;

namespace {

/// The tables and `writers` writers, made by a database that is closed before the pool opens.
void create_database(const relate_test::temp_file& file, std::int64_t writers = 1) {
    relate::database db{file.path()};
    db.create_tables<Writer, Unit, Entry>();
    for (std::int64_t w = 1; w <= writers; ++w) db.insert(Writer{});
}

std::chrono::milliseconds since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

}  // namespace

TEST_CASE("a pool handle is used like a pointer to relate::database", "[pool]") {
    STATIC_REQUIRE(std::is_same_v<decltype(*std::declval<pool_type::handle&>()), relate::database&>);
    STATIC_REQUIRE(std::is_same_v<decltype(std::declval<pool_type::handle&>().operator->()), relate::database*>);
    STATIC_REQUIRE(std::is_nothrow_move_constructible_v<pool_type::handle>);
    STATIC_REQUIRE(std::is_nothrow_move_assignable_v<pool_type::handle>);
    STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<pool_type::handle>);
    STATIC_REQUIRE_FALSE(std::is_copy_assignable_v<pool_type::handle>);

    const relate_test::temp_file file;
    pool_type pool{file.path(), 1, {.prevent_lazy_loading = true}};
    auto db = pool.acquire();
    db->create_tables<Writer, Unit, Entry>();
    Writer ada = db->insert(Writer{});
    Unit unit{.seq = 1};
    Entry entry{.text = "first"};
    relate::unit_of_work uow{*db};
    uow.insert(unit, relate::parent(&Unit::writer, ada));
    uow.insert(entry, relate::parent(&Entry::unit, unit));
    uow.commit();
    db->related(ada, &Writer::units).create(Unit{.seq = 2});

    auto writers = db->query<Writer>().with("units.entries").get();
    REQUIRE(writers.size() == 1);
    CHECK(writers[0].units.size() == 2);
    CHECK(db->find_or_throw<Unit>(unit.id).seq == 1);
    CHECK(db->query<Entry>().where(col<&Entry::text> == "first").count() == 1);
    CHECK(db->options().prevent_lazy_loading);
    CHECK(db->stats().statements > 0);
    CHECK_FALSE((*db).connection().in_transaction());
}

TEST_CASE("a connection given back is the one the next acquire gets", "[pool]") {
    const relate_test::temp_file file;
    create_database(file);
    pool_type pool{file.path(), 2};
    CHECK(pool.size() == 2);

    relate::database* first = nullptr;
    {
        auto db = pool.acquire();
        first = &*db;
    }
    auto again = pool.acquire();
    CHECK(&*again == first);
    auto other = pool.acquire();
    CHECK(&*other != first);

    SECTION("a moved handle carries the connection, and one assigned over gives its own back") {
        pool_type::handle moved = std::move(again);
        CHECK(&*moved == first);
        moved = std::move(other);  // first goes back
        CHECK(&*moved != first);
        CHECK(&*pool.acquire(0ms) == first);
    }
}

TEST_CASE("acquire waits while every connection is out and goes on when one comes back", "[pool][threads]") {
    const relate_test::temp_file file;
    create_database(file);
    pool_type pool{file.path(), 2};
    auto a = pool.acquire();
    std::optional<pool_type::handle> b = pool.acquire();
    const relate::database* returned = &**b;

    std::atomic<bool> got{false};
    const relate::database* received = nullptr;
    std::int64_t writers = 0;
    std::thread waiter([&] {
        auto db = pool.acquire();
        received = &*db;
        got = true;
        writers = db->query<Writer>().count();
    });
    std::this_thread::sleep_for(200ms);
    CHECK_FALSE(got.load());
    b.reset();
    waiter.join();
    CHECK(got.load());
    CHECK(received == returned);
    CHECK(writers == 1);
}

TEST_CASE("acquire with a timeout throws relate::pool_timeout naming the pool's size and the timeout", "[pool]") {
    const relate_test::temp_file file;
    create_database(file);
    pool_type pool{file.path(), 2};
    auto a = pool.acquire();
    auto b = pool.acquire();

    const auto start = std::chrono::steady_clock::now();
    REQUIRE_THROWS_MATCHES(pool.acquire(150ms), relate::pool_timeout,
                           Catch::Matchers::Message("relate: all 2 connections of the pool stayed in use for 150 ms; "
                                                    "hold handles for shorter spans or open the pool with more "
                                                    "connections"));
    CHECK(since(start) >= 150ms);
    REQUIRE_THROWS_AS(pool.acquire(0ms), relate::error);
    { auto gone = std::move(b); }
    CHECK_NOTHROW(pool.acquire(0ms));
}

TEST_CASE("a pool needs at least one connection", "[pool]") {
    const relate_test::temp_file file;
    REQUIRE_THROWS_MATCHES((pool_type{file.path(), 0}), relate::error,
                           Catch::Matchers::Message("relate: a pool needs at least one connection"));
}

TEST_CASE("a pool made before SQLite is first used switches off SQLite's memory statistics", "[pool]") {
    // Their process-wide lock serialised every allocation of the pool's connections: W3 through a
    // pool did not scale to a second thread (benchmarks/pool_readers.cpp). SQLite as a program
    // finds it at start, with the statistics on as Debian builds it:
    REQUIRE(sqlite3_shutdown() == SQLITE_OK);
    REQUIRE(sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 1) == SQLITE_OK);
    const relate_test::temp_file file;

    SECTION("a pool made first switches them off") {
        pool_type pool{file.path(), 2};
        auto a = pool.acquire();
        a->create_tables<Writer, Unit, Entry>();
        CHECK(pool.acquire()->query<Writer>().count() == 0);
        CHECK(sqlite3_memory_used() == 0);  // counted, it would be the open connections' caches
    }
    SECTION("a pool made after SQLite is in use leaves them on, and works as well") {
        relate::database first{file.path()};
        pool_type pool{file.path(), 2};
        auto a = pool.acquire();
        a->create_tables<Writer, Unit, Entry>();
        CHECK(pool.acquire()->query<Writer>().count() == 0);
        CHECK(sqlite3_memory_used() > 0);
    }
}

TEST_CASE("a connection given back inside a transaction is rolled back before it is lent again", "[pool]") {
    const relate_test::temp_file file;
    create_database(file);
    pool_type pool{file.path(), 2, {.busy_timeout = 200ms}};
    relate::database* lent = nullptr;

    SECTION("a handle that goes while an exception unwinds through an open BEGIN") {
        try {
            auto db = pool.acquire();
            lent = &*db;
            db->connection().execute("BEGIN");
            db->insert(Unit{.writerId = 1});
            throw std::runtime_error("the request failed");
        } catch (const std::runtime_error&) {
        }
    }
    SECTION("a handle that goes holding SQLite's write lock (BEGIN IMMEDIATE)") {
        auto db = pool.acquire();
        lent = &*db;
        db->connection().execute("BEGIN IMMEDIATE");
        db->insert(Unit{.writerId = 1});
    }

    auto db = pool.acquire();
    CHECK(&*db == lent);  // cleaned, not replaced
    CHECK_FALSE(db->connection().in_transaction());
    CHECK(db->query<Unit>().count() == 0);
    // The write lock went with the rollback: another connection writes without waiting.
    auto other = pool.acquire();
    const auto start = std::chrono::steady_clock::now();
    other->insert(Unit{.writerId = 1});
    CHECK(since(start) < 200ms);
    CHECK(db->query<Unit>().count() == 1);
}

namespace {

/// An authorizer that refuses ROLLBACK: a connection given back inside a transaction with it
/// installed cannot be made clean.
int refuse_rollback(void*, int action, const char* first, const char*, const char*, const char*) {
    return action == SQLITE_TRANSACTION && first != nullptr && std::string(first) == "ROLLBACK" ? SQLITE_DENY
                                                                                               : SQLITE_OK;
}

}  // namespace

TEST_CASE("a connection that cannot be rolled back is closed and a fresh one takes its place", "[pool]") {
    const relate_test::temp_file file;
    create_database(file);
    pool_type pool{file.path(), 1};
    {
        auto db = pool.acquire();
        db->connection().execute("BEGIN");
        db->insert(Unit{.writerId = 1});
        sqlite3_set_authorizer(db->connection().handle(), &refuse_rollback, nullptr);
        REQUIRE_THROWS_WITH(db->connection().execute("ROLLBACK"), Contains("not authorized"));
    }

    auto db = pool.acquire();
    CHECK_FALSE(db->connection().in_transaction());
    CHECK(db->query<Unit>().count() == 0);
    // The old connection would refuse this.
    db->connection().execute("BEGIN");
    CHECK_NOTHROW(db->connection().execute("ROLLBACK"));
    CHECK_NOTHROW(db->insert(Unit{.writerId = 1}));
    CHECK(db->query<Unit>().count() == 1);
}

TEST_CASE("a replacement connection that fails to open is the acquirer's error, and the slot opens later",
          "[pool]") {
    const relate_test::temp_file file;
    create_database(file);
    const std::string moved = file.path() + ".moved";
    pool_type pool{file.path(), 1};
    {
        auto db = pool.acquire();
        db->connection().execute("BEGIN");
        sqlite3_set_authorizer(db->connection().handle(), &refuse_rollback, nullptr);
    }  // closed: the pool holds no connection now

    REQUIRE(std::rename(file.path().c_str(), moved.c_str()) == 0);
    std::ofstream(file.path()) << std::string(4096, 'x');  // not a database
    try {
        (void)pool.acquire(0ms);
        FAIL("acquire opened a file that is not a database");
    } catch (const relate::sql_error& e) {
        CHECK(e.code() == SQLITE_NOTADB);
    }
    REQUIRE(std::rename(moved.c_str(), file.path().c_str()) == 0);

    auto db = pool.acquire(0ms);  // the slot was given back, still closed
    CHECK(db->query<Writer>().count() == 1);
}

TEST_CASE("the pool's writers take the write lock in the order they arrived", "[pool][threads]") {
    const relate_test::temp_file file;
    create_database(file);
    constexpr int writers = 4;
    pool_type pool{file.path(), writers + 1};

    auto holder = pool.acquire();
    // Holds the gate (and then SQLite's write lock) while the writers arrive one by one.
    relate::sqlite::transaction held(holder->connection(), relate::sqlite::transaction_mode::immediate);
    std::vector<std::string> errors(writers);
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) {
        threads.emplace_back([&, w] {
            try {
                auto db = pool.acquire();
                db->insert(Unit{.writerId = 1, .seq = w});
            } catch (const std::exception& e) {
                errors[static_cast<std::size_t>(w)] = e.what();
            }
        });
        std::this_thread::sleep_for(150ms);  // so each writer is waiting before the next arrives
    }
    held.commit();
    for (auto& t : threads) t.join();

    for (const auto& e : errors) CHECK(e.empty());
    std::vector<std::int64_t> order;
    for (const Unit& u : holder->query<Unit>().order_by(col<&Unit::id>).get()) order.push_back(u.seq);
    CHECK(order == std::vector<std::int64_t>{0, 1, 2, 3});
}

TEST_CASE("a writer kept from the write gate past the busy timeout gets SQLITE_BUSY, and readers never wait for it",
          "[pool][threads]") {
    const relate_test::temp_file file;
    create_database(file);
    pool_type pool{file.path(), 3, {.busy_timeout = 150ms}};
    auto holder = pool.acquire();
    relate::sqlite::transaction held(holder->connection(), relate::sqlite::transaction_mode::immediate);
    holder->insert(Writer{});

    std::string message;
    int code = 0;
    std::thread writer([&] {
        auto db = pool.acquire();
        try {
            db->insert(Writer{});
        } catch (const relate::sql_error& e) {
            message = e.what();
            code = e.code();
        }
    });
    writer.join();
    CHECK(code == SQLITE_BUSY);
    CHECK(message ==
          "relate: database is locked: the pool's other writers kept it for the whole busy timeout (150 ms)\n"
          "  in: BEGIN IMMEDIATE");

    {
        auto reader = pool.acquire();
        const auto start = std::chrono::steady_clock::now();
        CHECK(reader->query<Writer>().with(&Writer::units).get().size() == 1);  // the snapshot before the holder's
        CHECK(since(start) < 150ms);
    }

    held.commit();
    // The ticket of the writer that gave up is skipped: the next one goes at once.
    auto db = pool.acquire();
    CHECK_NOTHROW(db->insert(Writer{}));
    CHECK(db->query<Writer>().count() == 3);
}

TEST_CASE("4 writers and 4 readers sharing a pool of 8 on a WAL file never see SQLITE_BUSY nor lose a row",
          "[pool][threads][stress]") {
    const char* env = std::getenv("RELATE_POOL_STRESS_SECONDS");
    const auto duration = std::chrono::seconds{env != nullptr ? std::atol(env) : 2};
    constexpr std::size_t writers = 4;
    constexpr std::size_t readers = 4;
    constexpr std::int64_t entries_per_unit = 2;

    const relate_test::temp_file file;
    create_database(file, writers);
    // relate's defaults (WAL, an fsync per commit) but a busy timeout of 1 s: a writer left waiting
    // while the others take turns would show as SQLITE_BUSY.
    pool_type pool{file.path(), writers + readers, {.busy_timeout = 1000ms}};

    std::array<std::int64_t, writers> committed{};
    std::array<std::chrono::microseconds, writers> longest_commit{};
    std::array<std::int64_t, readers> reads{};
    std::vector<std::string> errors(writers + readers);
    std::latch start(writers + readers);
    const auto deadline = std::chrono::steady_clock::now() + duration;
    {
        std::vector<std::jthread> threads;
        for (std::size_t w = 0; w < writers; ++w)
            threads.emplace_back([&, w] {
                try {
                    start.arrive_and_wait();
                    while (std::chrono::steady_clock::now() < deadline) {
                        auto db = pool.acquire();
                        Unit unit{.writerId = static_cast<std::int64_t>(w) + 1, .seq = committed[w]};
                        std::array<Entry, entries_per_unit> entries;
                        relate::unit_of_work uow{*db};
                        uow.insert(unit);  // its key to writers is checked (by SQLite: the table declares it)
                        for (Entry& entry : entries) {
                            entry.text = "unit " + std::to_string(unit.seq);
                            uow.insert(entry, relate::parent(&Entry::unit, unit));
                        }
                        const auto begun = std::chrono::steady_clock::now();
                        uow.commit();
                        const auto took = std::chrono::steady_clock::now() - begun;
                        longest_commit[w] =
                            std::max(longest_commit[w], std::chrono::duration_cast<std::chrono::microseconds>(took));
                        ++committed[w];
                    }
                } catch (const std::exception& e) {
                    errors[w] = e.what();
                }
            });
        for (std::size_t r = 0; r < readers; ++r)
            threads.emplace_back([&, r] {
                try {
                    start.arrive_and_wait();
                    while (std::chrono::steady_clock::now() < deadline) {
                        auto db = pool.acquire();
                        const auto units = db->query<Unit>()
                                               .order_by(col<&Unit::id>.desc())
                                               .limit(20)
                                               .with(&Unit::entries, &Unit::writer)
                                               .get();
                        for (const Unit& u : units)  // one snapshot: a unit and its entries came in together
                            if (u.entries.size() != entries_per_unit || u.writer->id != u.writerId)
                                throw std::logic_error("unit " + std::to_string(u.id) + " read incomplete");
                        ++reads[r];
                    }
                } catch (const std::exception& e) {
                    errors[writers + r] = e.what();
                }
            });
    }

    for (const auto& e : errors) CHECK(e == "");
    auto db = pool.acquire();
    std::int64_t total = 0;
    for (std::size_t w = 0; w < writers; ++w) {
        INFO("writer " << w + 1);
        CHECK(committed[w] > 0);
        CHECK(db->query<Unit>().where(col<&Unit::writerId> == static_cast<std::int64_t>(w) + 1).count() ==
              committed[w]);
        total += committed[w];
    }
    CHECK(db->query<Entry>().count() == total * entries_per_unit);
    const auto longest = *std::max_element(longest_commit.begin(), longest_commit.end());
    std::int64_t total_reads = 0;
    for (const std::int64_t r : reads) total_reads += r;
    CHECK(total_reads > 0);
    std::cout << "pool stress, " << duration.count() << " s: " << total << " units committed (";
    for (std::size_t w = 0; w < writers; ++w) std::cout << (w != 0 ? ", " : "") << committed[w];
    std::cout << "), longest commit " << longest.count() / 1000.0 << " ms, " << total_reads << " reads\n";
}
