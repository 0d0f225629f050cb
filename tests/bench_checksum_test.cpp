// The benchmark twins do the same job: for each workload of benchmarks/twin.hpp, relate's twin
// computes the same checksum as the hand-written one (and as the hand-written one with foreign
// keys enforced), on a file and in memory, on a small data set. The twins run in this process,
// on the databases the runner would give them (benchmarks/run_database.hpp). No timings here.

#include "../benchmarks/hand_twin.hpp"
#include "../benchmarks/relate_twin.hpp"
#include "../benchmarks/run_database.hpp"
#include "temp_file.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace {

using bench::storage;
using bench::workload;
using Catch::Matchers::Contains;

enum class twin { hand, hand_with_foreign_keys, relate };

/// A seeded file (the hand-written W1's result, as the runner makes it) and a file to run in.
class bench_files {
public:
    bench_files() { run(twin::hand, workload::W1, seeded_.path()); }

    bench::twin_result run(twin t, workload w, const std::string& database) const {
        const bench::twin_args args{.job = w,
                                    .database = database,
                                    .seeded = seeded_.path(),
                                    .size = size_,
                                    .foreign_keys = t == twin::hand_with_foreign_keys};
        return t == twin::relate ? bench::with_relate::run(args) : bench::hand_written::run(args);
    }

    /// Makes the database a run of `w` starts from, as the runner does; returns its argument.
    [[nodiscard]] std::string prepare(workload w, storage where) const {
        return bench::prepare_database(w, where, seeded_.path(), run_file_.path());
    }

    /// The checksum of one twin's run on a fresh database.
    [[nodiscard]] std::uint64_t checksum(twin t, workload w, storage where) const { return run(t, w, prepare(w, where)).checksum; }

    /// Opens the file runs happen in, to change it or count its rows.
    [[nodiscard]] bench::hand_written::connection open_run_file() const {
        return bench::hand_written::connection(run_file_.path());
    }

    [[nodiscard]] const std::string& run_file() const { return run_file_.path(); }

private:
    bench::data_size size_{.users = 25};
    relate_test::temp_file seeded_;
    relate_test::temp_file run_file_;
};

std::int64_t count(bench::hand_written::connection& db, const std::string& sql) {
    bench::hand_written::statement st(db.get(), sql);
    REQUIRE(st.step());
    return st.integer(0);
}

}  // namespace

TEST_CASE("each workload's twins compute the same checksum, on a file and in memory", "[bench]") {
    const bench_files files;
    for (const bench::workload_info& w : bench::workloads) {
        const std::uint64_t on_file = files.checksum(twin::hand, w.id, storage::file);
        CHECK(on_file != 0);
        for (const storage where : {storage::file, storage::memory}) {
            INFO(w.name << " on " << bench::storage_name(where));
            CHECK(files.checksum(twin::hand, w.id, where) == on_file);
            CHECK(files.checksum(twin::relate, w.id, where) == on_file);
            if (w.writes) CHECK(files.checksum(twin::hand_with_foreign_keys, w.id, where) == on_file);
        }
    }
}

TEST_CASE("W1 writes the whole data set and W6 removes every tenth user with profile, posts and links", "[bench]") {
    const bench_files files;
    const auto twin_under_test = GENERATE(twin::relate, twin::hand);

    files.run(twin_under_test, workload::W1, files.prepare(workload::W1, storage::file));
    auto written = files.open_run_file();
    CHECK(count(written, "SELECT COUNT(*) FROM users") == 25);
    CHECK(count(written, "SELECT COUNT(*) FROM profiles WHERE bio IS NULL") == 5);
    CHECK(count(written, "SELECT COUNT(*) FROM posts WHERE length(body) = 100") == 250);
    CHECK(count(written, "SELECT COUNT(*) FROM tags") == 100);
    CHECK(count(written, "SELECT COUNT(*) FROM post_tags") == 750);

    files.run(twin_under_test, workload::W6, files.prepare(workload::W6, storage::file));
    auto removed = files.open_run_file();
    CHECK(count(removed, "SELECT COUNT(*) FROM users") == 23);
    CHECK(count(removed, "SELECT COUNT(*) FROM users WHERE id % 10 = 0") == 0);
    CHECK(count(removed, "SELECT COUNT(*) FROM profiles") == 23);
    CHECK(count(removed, "SELECT COUNT(*) FROM posts") == 230);
    CHECK(count(removed, "SELECT COUNT(*) FROM post_tags") == 690);
    CHECK(count(removed, "SELECT COUNT(*) FROM tags") == 100);
}

TEST_CASE("the checksums see which parent each child belongs to", "[bench]") {
    const bench_files files;
    const auto checksums = [&](workload w) {
        return std::vector<std::uint64_t>{files.run(twin::hand, w, files.run_file()).checksum,
                                          files.run(twin::relate, w, files.run_file()).checksum};
    };
    (void)files.prepare(workload::W4, storage::file);
    const auto users_before = checksums(workload::W4);
    const auto tags_before = checksums(workload::W5);

    // Post 1 moves to user 2 and its first tag link to another tag: the same rows, other parents.
    files.open_run_file().execute(
        "UPDATE posts SET userId = 2 WHERE id = 1; UPDATE post_tags SET tagId = 100 WHERE postId = 1 AND tagId = 8");
    const auto users_after = checksums(workload::W4);
    const auto tags_after = checksums(workload::W5);
    CHECK(users_after[0] != users_before[0]);
    CHECK(users_after[1] == users_after[0]);
    CHECK(tags_after[0] != tags_before[0]);
    CHECK(tags_after[1] == tags_after[0]);
}

TEST_CASE("the state checksum sees which rows a write left and how they link", "[bench]") {
    const bench_files files;
    const std::uint64_t removed = files.checksum(twin::hand, workload::W6, storage::file);

    // Each change below keeps every table's row count; the first two keep every column's sum.
    const auto differs = [&](const std::string& change) {
        (void)files.prepare(workload::W6, storage::file);
        auto db = files.open_run_file();
        db.execute(change);
        return bench::state_checksum(db.get()) != removed;
    };
    const std::string remove_tenth_users =
        "DELETE FROM post_tags WHERE postId IN (SELECT id FROM posts WHERE userId % 10 = 0); "
        "DELETE FROM posts WHERE userId % 10 = 0; DELETE FROM profiles WHERE userId % 10 = 0; "
        "DELETE FROM users WHERE id % 10 = 0; ";
    CHECK(differs("DELETE FROM post_tags WHERE postId IN (SELECT id FROM posts WHERE userId IN (11, 21)); "
                  "DELETE FROM posts WHERE userId IN (11, 21); DELETE FROM profiles WHERE userId IN (11, 21); "
                  "DELETE FROM users WHERE id IN (11, 21)"));  // other users removed
    CHECK(differs(remove_tenth_users +
                  "UPDATE posts SET userId = CASE id WHEN 1 THEN 2 ELSE 1 END WHERE id IN (1, 11)"));  // authors swapped
    CHECK(differs(remove_tenth_users + "UPDATE post_tags SET tagId = 100 WHERE postId = 1 AND tagId = 8"));  // a link moved
    CHECK(differs(remove_tenth_users + "UPDATE posts SET body = upper(body) WHERE id = 1"));  // a body changed
    CHECK_FALSE(differs(remove_tenth_users));  // the same rows, removed by plain SQL
}

TEST_CASE("a twin's command line says what is wrong with it", "[bench]") {
    const auto parse = [](std::vector<std::string> words) {
        std::vector<char*> argv;
        for (std::string& w : words) argv.push_back(w.data());
        return bench::parse_twin_args(static_cast<int>(argv.size()), argv.data());
    };
    REQUIRE_THROWS_WITH(parse({"twin", "W9", "x.db"}), Contains("unknown workload W9"));
    REQUIRE_THROWS_WITH(parse({"twin", "W2", ":memory:"}), Contains("W2 needs --seeded=FILE"));
    REQUIRE_THROWS_WITH(parse({"twin", "W2", "x.db", "--users=0"}), Contains("--users must be a positive number"));
    REQUIRE_THROWS_WITH(parse({"twin", "W2", "x.db", "--fast"}), Contains("unknown argument --fast"));
    const bench::twin_args parsed = parse({"twin", "W6", ":memory:", "--seeded=s.db", "--users=7", "--foreign-keys"});
    CHECK(parsed.job == workload::W6);
    CHECK(parsed.in_memory());
    CHECK(parsed.seeded == "s.db");
    CHECK(parsed.size.users == 7);
    CHECK(parsed.foreign_keys);

    const relate_test::temp_file never_opened;
    auto relate_args = parse({"twin", "W1", never_opened.path(), "--foreign-keys"});
    REQUIRE_THROWS_WITH(bench::with_relate::run(relate_args), Contains("relate enforces foreign keys always"));
}
