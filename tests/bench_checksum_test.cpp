// The benchmark twins do the same job: for each workload of benchmarks/workloads.hpp, relate's
// checksum equals the hand-written one on a small seeded data set (for a write workload, the
// checksum of the database state each twin leaves). No timings here.

#include "../benchmarks/workloads.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace {

struct twins {
    std::uint64_t relate;
    std::uint64_t hand;
};

/// A read workload's results; for a write workload, the state after each twin, both starting
/// from the state the workload prepares.
twins run(const bench::workload& w, bench::bench_database& database, const bench::dataset_size& size) {
    bench::hand_statements hand(database.handle());
    if (!w.writes()) return {w.relate_twin(database.db(), size), w.hand_twin(hand, size)};
    w.prepare(database, size);
    w.relate_twin(database.db(), size);
    const std::uint64_t relate = bench::state_checksum(database.handle());
    w.prepare(database, size);
    w.hand_twin(hand, size);
    return {relate, bench::state_checksum(database.handle())};
}

const bench::workload& find(std::string_view name) {
    for (const auto& w : bench::workloads)
        if (w.name == name) return w;
    FAIL("no workload " << name);
    throw;
}

}  // namespace

TEST_CASE("each workload's relate and hand-written twins compute the same checksum", "[bench]") {
    const bench::dataset_size size{.users = 25};
    const auto where = GENERATE(bench::storage::memory, bench::storage::file);
    bench::bench_database database(where, size);

    for (const bench::workload& w : bench::workloads) {
        INFO(w.name << " on " << bench::storage_name(where));
        // A write workload changes its database: it gets one of its own.
        bench::bench_database written(where, size);
        const twins sums = run(w, w.writes() ? written : database, size);
        CHECK(sums.hand != 0);
        CHECK(sums.relate == sums.hand);
    }
}

TEST_CASE("the write workloads change what they should", "[bench]") {
    const bench::dataset_size size{.users = 25};
    bench::bench_database database(bench::storage::memory, size);
    const std::uint64_t seeded = bench::state_checksum(database.handle());

    SECTION("W1 writes the seeded data set") {
        run(find("W1_insert"), database, size);
        CHECK(bench::state_checksum(database.handle()) == seeded);
    }
    SECTION("W6 removes every tenth user, with profile, posts and links") {
        run(find("W6_cascade"), database, size);
        auto& conn = database.db().connection();
        const auto count = [&](const std::string& sql) {
            auto st = conn.prepare(sql);
            st->step();
            return st->column_int64(0);
        };
        CHECK(count("SELECT COUNT(*) FROM users") == 23);
        CHECK(count("SELECT COUNT(*) FROM users WHERE id % 10 = 0") == 0);
        CHECK(count("SELECT COUNT(*) FROM profiles") == 23);
        CHECK(count("SELECT COUNT(*) FROM posts") == 230);
        CHECK(count("SELECT COUNT(*) FROM post_tags") == 690);
    }
}

TEST_CASE("the state checksum sees which rows a write left and how they link", "[bench]") {
    const bench::dataset_size size{.users = 25};
    bench::bench_database database(bench::storage::memory, size);
    auto& conn = database.db().connection();
    const twins removed = run(find("W6_cascade"), database, size);

    // The same numbers of rows, other rows or other links: every change below keeps each table's
    // row count, and the first two keep every column's sum.
    const auto differs = [&](const std::string& change) {
        database.start_seeded(size);
        conn.execute(change);
        return bench::state_checksum(database.handle()) != removed.hand;
    };
    CHECK(differs("DELETE FROM users WHERE id IN (11, 21)"));  // other users removed
    CHECK(differs("DELETE FROM users WHERE id % 10 = 0; "
                  "UPDATE posts SET userId = CASE id WHEN 1 THEN 2 ELSE 1 END WHERE id IN (1, 11)"));  // authors swapped
    CHECK(differs("DELETE FROM users WHERE id % 10 = 0; "
                  "UPDATE post_tags SET tagId = 100 WHERE postId = 1 AND tagId = 8"));  // a link moved
    CHECK_FALSE(differs("DELETE FROM users WHERE id % 10 = 0"));  // the same rows, by hand
}

TEST_CASE("the checksums see which parent each child belongs to", "[bench]") {
    const bench::dataset_size size{.users = 25};
    bench::bench_database database(bench::storage::memory, size);
    const auto& eager = find("W4_eager");
    const auto& many_to_many = find("W5_many_to_many");
    const twins eager_before = run(eager, database, size);
    const twins links_before = run(many_to_many, database, size);

    // Move post 1 to user 2 and its first tag link to another tag: same rows, other parents.
    database.db().connection().execute("UPDATE posts SET userId = 2 WHERE id = 1");
    database.db().connection().execute("UPDATE post_tags SET tagId = 100 WHERE postId = 1 AND tagId = 8");

    const twins eager_after = run(eager, database, size);
    const twins links_after = run(many_to_many, database, size);
    CHECK(eager_after.hand != eager_before.hand);
    CHECK(eager_after.relate == eager_after.hand);
    CHECK(links_after.hand != links_before.hand);
    CHECK(links_after.relate == links_after.hand);
}
