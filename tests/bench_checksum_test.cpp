// The benchmark twins read the same thing: for each workload of benchmarks/workloads.hpp, relate's
// checksum equals the hand-written one on a small seeded data set. No timings here.

#include "../benchmarks/workloads.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

namespace {

struct twins {
    std::uint64_t relate;
    std::uint64_t hand;
};

twins run(const bench::workload& w, bench::bench_database& database, const bench::dataset_size& size) {
    bench::hand_written::reader reader(database.handle());
    return {w.relate_twin(database.db(), size), w.hand_twin(reader, size)};
}

}  // namespace

TEST_CASE("each workload's relate and hand-written twins compute the same checksum", "[bench]") {
    const bench::dataset_size size{.users = 25};
    const auto where = GENERATE(bench::storage::memory, bench::storage::file);
    bench::bench_database database(where, size);

    for (const bench::workload& w : bench::workloads) {
        INFO(w.name << " on " << bench::storage_name(where));
        const twins sums = run(w, database, size);
        CHECK(sums.hand != 0);
        CHECK(sums.relate == sums.hand);
    }
}

TEST_CASE("the checksums see which parent each child belongs to", "[bench]") {
    const bench::dataset_size size{.users = 25};
    bench::bench_database database(bench::storage::memory, size);
    const auto find = [](std::string_view name) -> const bench::workload& {
        for (const auto& w : bench::workloads)
            if (w.name == name) return w;
        FAIL("no workload " << name);
        throw;
    };
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
