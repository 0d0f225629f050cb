// A writer killed at any moment leaves every unit of work whole or absent. A child process
// commits large units in a loop: each inserts a batch row and its 400 items and, once `kept`
// batches exist, removes the oldest batch with a cascade over its items. The parent SIGKILLs it
// at random points, again and again on the same file, and after each kill reopens the file:
// integrity_check and foreign_key_check pass, the batches are exactly the newest `kept` ones (a
// unit that inserted without removing, or removed without inserting, would break that), each
// with all its items, and the last unit the child reported committed is there.

#include "child_process.hpp"
#include "temp_file.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <numeric>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace crash_models {

struct Item;

struct Batch {
    std::int64_t id = 0;
    std::int64_t size = 0;                 ///< how many items its unit inserted
    std::optional<std::int64_t> replaces;  ///< the batch its unit removed
    relate::has_many<Item, relate::cascade> items;
};

struct Item {
    std::int64_t id = 0;
    std::int64_t batchId = 0;
    std::int64_t seq = 0;
    std::string payload;
    relate::belongs_to<Batch> batch;
};

}  // namespace crash_models

using namespace crash_models;
using relate::col;

namespace {

constexpr int kills = 100;
constexpr std::int64_t items_per_batch = 400;
constexpr std::int64_t kept = 4;

std::string payload(std::int64_t seq) { return "item " + std::to_string(seq) + std::string(100, 'x'); }

/// What the child writes to its pipe before each commit; after it, the batch id (1, 2, ...).
constexpr std::int64_t commit_begins = 0;

void send(int pipe, std::int64_t message) {
    if (write(pipe, &message, sizeof message) != sizeof message) throw std::runtime_error("report pipe closed");
}

/// The child: commits units until it is killed, reporting each to `report`.
[[noreturn]] void commit_forever(const std::string& path, int report) {
    relate::database db{path};
    for (;;) {
        Batch batch{.size = items_per_batch};
        std::vector<Item> items(static_cast<std::size_t>(items_per_batch));
        relate::unit_of_work uow{db};
        uow.insert(batch);
        for (std::size_t i = 0; i < items.size(); ++i) {
            items[i].seq = static_cast<std::int64_t>(i);
            items[i].payload = payload(items[i].seq);
            uow.insert(items[i], relate::parent(&Item::batch, batch));
        }
        if (db.query<Batch>().count() >= kept) {
            const Batch oldest = *db.query<Batch>().order_by(col<&Batch::id>).first();
            batch.replaces = oldest.id;
            uow.remove(oldest);
        }
        send(report, commit_begins);
        uow.commit();
        send(report, batch.id);
    }
}

/// The parent's side: what the children reported so far.
struct reports {
    std::int64_t commits = 0;
    std::int64_t last_committed = 0;
    bool committing = false;  ///< the last message said a commit begins

    /// Reads one message; false when the child is gone and all it wrote is read.
    bool read_one(int pipe) {
        std::int64_t message = 0;
        if (read(pipe, &message, sizeof message) != sizeof message) return false;
        committing = message == commit_begins;
        if (!committing) {
            last_committed = message;
            ++commits;
        }
        return true;
    }
};

std::vector<std::string> pragma_rows(relate::database& db, const std::string& pragma) {
    std::vector<std::string> rows;
    auto st = db.connection().prepare(pragma);
    while (st->step()) rows.emplace_back(st->column_text(0));
    return rows;
}

/// Reopens the file after a kill and checks that every unit is whole or absent.
void check_after_kill(const std::string& path, std::int64_t last_reported) {
    relate::database db{path};
    CHECK(pragma_rows(db, "PRAGMA integrity_check") == std::vector<std::string>{"ok"});
    CHECK(pragma_rows(db, "PRAGMA foreign_key_check").empty());

    const auto batches = db.query<Batch>().with(&Batch::items).order_by(col<&Batch::id>).get();
    const std::int64_t newest = batches.empty() ? 0 : batches.back().id;
    CHECK(newest >= last_reported);
    // Ids are assigned in commit order and only the oldest is ever removed: the batches present
    // are exactly the newest `kept` ones (or all of them, before there are `kept`).
    const std::int64_t expected_count = std::min(newest, kept);
    REQUIRE(static_cast<std::int64_t>(batches.size()) == expected_count);
    for (std::size_t i = 0; i < batches.size(); ++i) {
        const Batch& batch = batches[i];
        INFO("batch " << batch.id);
        CHECK(batch.id == newest - expected_count + 1 + static_cast<std::int64_t>(i));
        CHECK(batch.replaces == (batch.id > kept ? std::optional(batch.id - kept) : std::nullopt));
        CHECK(batch.size == items_per_batch);
        std::vector<std::int64_t> seqs;
        std::int64_t wrong_payloads = 0;
        for (const Item& item : batch.items) {
            seqs.push_back(item.seq);
            wrong_payloads += item.payload == payload(item.seq) ? 0 : 1;
        }
        std::vector<std::int64_t> expected_seqs(static_cast<std::size_t>(items_per_batch));
        std::iota(expected_seqs.begin(), expected_seqs.end(), 0);
        CHECK(seqs == expected_seqs);
        CHECK(wrong_payloads == 0);
    }
    CHECK(db.query<Item>().count() == expected_count * items_per_batch);
}

}  // namespace

TEST_CASE("a writer killed at random points leaves every unit of work whole or absent", "[reliability][crash]") {
    const relate_test::temp_file file;
    {
        relate::database db{file.path()};
        db.create_tables<Batch, Item>();
    }
    const auto seed = std::random_device{}();
    INFO("random seed " << seed);
    std::mt19937 random(seed);

    reports reported;
    int interrupted_commits = 0;
    for (int kill = 1; kill <= kills; ++kill) {
        INFO("kill " << kill);
        int report[2];
        REQUIRE(pipe(report) == 0);
        test_support::child_process writer([&] {
            close(report[0]);
            commit_forever(file.path(), report[1]);
        });
        close(report[1]);
        reported.committing = false;  // this child has said nothing yet

        // Let it commit 0 to 2 units, then kill it somewhere in what follows.
        const std::int64_t wait_for = reported.commits + std::uniform_int_distribution<int>(0, 2)(random);
        while (reported.commits < wait_for && reported.read_one(report[0])) {
        }
        std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 20000)(random)));
        writer.kill();
        const int status = writer.wait();
        INFO("the writer " << test_support::child_process::describe(status) << " (a message from it, above, says why)");
        REQUIRE((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL));
        while (reported.read_one(report[0])) {
        }
        close(report[0]);
        if (reported.committing) ++interrupted_commits;

        check_after_kill(file.path(), reported.last_committed);
    }
    CHECK(reported.last_committed > kept);  // the units went past the first removals
    CHECK(interrupted_commits > 0);         // and kills fell inside commits
    std::cout << "crash: " << kills << " kills survived, " << interrupted_commits << " of them during a commit; "
              << reported.commits << " units reported committed, newest batch " << reported.last_committed << "\n";
}
