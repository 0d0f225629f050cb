// Two writers on one file never lose a unit of work and never fail with SQLITE_BUSY: the
// committer takes the write lock with BEGIN IMMEDIATE, so a writer waits (the busy timeout)
// before it has read anything, instead of failing half-way (a deferred transaction that read a
// snapshot, then found another writer had committed, would fail with SQLITE_BUSY_SNAPSHOT at once,
// whatever the timeout). Two processes, then two threads each with its own relate::database,
// each commit 2,000 small units (a row whose foreign key is validated, and its two children);
// afterwards every unit is there, whole, exactly once, in its writer's order.
//
// The writers run with PRAGMA synchronous = NORMAL: this is about locks, not durability (the
// crash test keeps relate's defaults), and without an fsync per commit 8,000 commits take seconds
// even on a busy disk. The busy timeout is set to cover the other writer's whole run: SQLite's
// busy handler backs off to 100 ms sleeps and rarely lands between two of the other writer's
// transactions, so one writer often commits most of its 2,000 units while the other waits (the
// figures printed show how often the writer changes). With the default 5 s and an fsync per
// commit on a loaded disk, that wait can outlast the timeout and end in SQLITE_BUSY.

#include "child_process.hpp"
#include "temp_file.hpp"
#include "writer_models.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace writer_models;
using relate::col;

namespace {

constexpr std::int64_t units_per_writer = 2000;
constexpr std::int64_t entries_per_unit = 2;

/// One writer: its own database object, units_per_writer units of work, one after the other.
void write_units(const std::string& path, std::int64_t writer) {
    relate::database db{path, {.busy_timeout = std::chrono::minutes{1}}};
    db.connection().execute("PRAGMA synchronous = NORMAL");
    for (std::int64_t seq = 0; seq < units_per_writer; ++seq) {
        Unit unit{.writerId = writer, .seq = seq};  // validated: a SELECT on writers before any write
        std::array<Entry, entries_per_unit> entries;
        relate::unit_of_work uow{db};
        uow.insert(unit);
        for (Entry& entry : entries) {
            entry.text = "writer " + std::to_string(writer) + " unit " + std::to_string(seq);
            uow.insert(entry, relate::parent(&Entry::unit, unit));
        }
        uow.commit();
    }
}

std::int64_t scalar(relate::database& db, const std::string& sql) {
    auto st = db.connection().prepare(sql);
    REQUIRE(st->step());
    return st->column_int64(0);
}

/// Every unit of both writers is there exactly once, with its children; returns how often the
/// writer changes along the units in commit order (how interleaved the commits were).
std::int64_t check_all_units(const std::string& path) {
    relate::database db{path};
    CHECK(db.query<Unit>().count() == 2 * units_per_writer);
    CHECK(db.query<Entry>().count() == 2 * units_per_writer * entries_per_unit);
    for (const std::int64_t writer : {1, 2}) {
        INFO("writer " << writer);
        CHECK(db.query<Unit>().where(col<&Unit::writerId> == writer).count() == units_per_writer);
        CHECK(scalar(db, "SELECT COUNT(DISTINCT seq) FROM units WHERE writerId = " + std::to_string(writer)) ==
              units_per_writer);
        CHECK(scalar(db, "SELECT MAX(seq) FROM units WHERE writerId = " + std::to_string(writer)) ==
              units_per_writer - 1);
    }
    CHECK(scalar(db, "SELECT COUNT(*) FROM units WHERE (SELECT COUNT(*) FROM entries WHERE unitId = units.id) != " +
                         std::to_string(entries_per_unit)) == 0);
    // Commit order is id order: each writer's units follow each other in its own order.
    CHECK(scalar(db,
                 "SELECT COUNT(*) FROM (SELECT seq, LAG(seq) OVER (PARTITION BY writerId ORDER BY id) AS previous "
                 "FROM units) WHERE seq != previous + 1") == 0);
    return scalar(db,
                  "SELECT COUNT(*) FROM (SELECT writerId, LAG(writerId) OVER (ORDER BY id) AS previous FROM units) "
                  "WHERE writerId != previous");
}

std::string create_database(const relate_test::temp_file& file) {
    relate::database db{file.path()};
    db.create_tables<Writer, Unit, Entry>();
    db.insert(Writer{});
    db.insert(Writer{});
    return file.path();
}

}  // namespace

TEST_CASE("two processes each commit 2000 units of work on one file and none is lost or busy",
          "[reliability][contention]") {
    const relate_test::temp_file file;
    const std::string path = create_database(file);

    int start[2];
    REQUIRE(pipe(start) == 0);
    std::vector<std::unique_ptr<test_support::child_process>> writers;
    for (const std::int64_t writer : {1, 2})
        writers.push_back(std::make_unique<test_support::child_process>([&, writer] {
            close(start[1]);
            char byte = 0;
            (void)read(start[0], &byte, 1);  // returns when the parent closes the pipe: both start together
            write_units(path, writer);
        }));
    close(start[0]);
    close(start[1]);
    for (auto& writer : writers) {
        const int status = writer->wait();
        INFO("writer process " << test_support::child_process::describe(status)
                               << " (a message from it, above, says why)");
        CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    }

    const std::int64_t switches = check_all_units(path);
    std::cout << "contention: 2 processes committed " << 2 * units_per_writer << " units, the writer changing "
              << switches << " times in commit order\n";
}

TEST_CASE("two threads with their own database each commit 2000 units of work on one file and none is lost or busy",
          "[reliability][contention]") {
    const relate_test::temp_file file;
    const std::string path = create_database(file);

    std::latch start{2};
    std::array<std::string, 2> errors;
    {
        std::vector<std::jthread> writers;
        for (const std::int64_t writer : {1, 2})
            writers.emplace_back([&, writer] {
                start.arrive_and_wait();
                try {
                    write_units(path, writer);
                } catch (const std::exception& e) {
                    errors[static_cast<std::size_t>(writer - 1)] = e.what();
                }
            });
    }
    CHECK(errors[0] == "");
    CHECK(errors[1] == "");

    const std::int64_t switches = check_all_units(path);
    std::cout << "contention: 2 threads committed " << 2 * units_per_writer << " units, the writer changing "
              << switches << " times in commit order\n";
}
