// The key index every eager load matches related rows to parents through: distinct keys in
// first-seen order, found by hash or, for keys that fill their range, by offset. Loads test it
// end to end (eager_loading_test.cpp); this checks the switches between the two ways directly.

#include <relate/detail/core/key_index.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

using relate::detail::key_index;
using relate::sqlite::value;

namespace {

/// Every key added is found at its slot, and keys around them are not found.
void check_finds(const key_index& index, const std::vector<std::int64_t>& added) {
    for (std::size_t slot = 0; slot < added.size(); ++slot) {
        INFO("key " << added[slot]);
        CHECK(index.find(value(added[slot])) == slot);
    }
    constexpr std::int64_t least = std::numeric_limits<std::int64_t>::min();
    constexpr std::int64_t greatest = std::numeric_limits<std::int64_t>::max();
    for (const std::int64_t key : added) {
        std::vector<std::int64_t> near;
        if (key > least) near.push_back(key - 1);
        if (key < greatest) near.push_back(key + 1);
        for (const std::int64_t k : near)
            if (std::find(added.begin(), added.end(), k) == added.end()) {
                INFO("absent key " << k);
                CHECK(index.find(value(k)) == key_index::none);
            }
    }
}

}  // namespace

TEST_CASE("keys are found at the slot of their first add, dense or sparse", "[key_index]") {
    std::vector<std::int64_t> keys;
    SECTION("dense, in no order") {
        for (std::int64_t k = 100; k >= 1; --k)
            if (k % 4 != 0) keys.push_back(k);
    }
    SECTION("sparse") {
        for (std::int64_t k = 1; k <= 100; ++k) keys.push_back(k * 7919);
    }
    SECTION("the ends of the range") {
        keys = {std::numeric_limits<std::int64_t>::min(), -1, 0, 1, std::numeric_limits<std::int64_t>::max()};
    }
    key_index index;
    for (std::size_t slot = 0; slot < keys.size(); ++slot) REQUIRE(index.add(value(keys[slot])) == slot);
    for (std::size_t slot = 0; slot < keys.size(); ++slot) CHECK(index.add(value(keys[slot])) == slot);
    CHECK(index.size() == keys.size());
    check_finds(index, keys);
}

TEST_CASE("keys added after a find are found, and so are the earlier ones", "[key_index]") {
    key_index index;
    std::vector<std::int64_t> keys;
    for (std::int64_t k = 1; k <= 50; ++k) {
        keys.push_back(k);
        index.add(value(k));
    }
    check_finds(index, keys);  // dense: found by offset from now on
    for (const std::int64_t k : {25, 5000, 51, -3}) {
        const std::size_t before = index.size();
        const std::size_t slot = index.add(value(k));
        if (k == 25) {
            CHECK(slot == 24);
            CHECK(index.size() == before);
        } else {
            CHECK(slot == before);
            keys.push_back(k);
        }
    }
    check_finds(index, keys);
}

TEST_CASE("text keys beside integer keys keep their own slots", "[key_index]") {
    key_index index;
    CHECK(index.add(value(std::int64_t{1})) == 0);
    CHECK(index.add(value(std::string("1"))) == 1);
    CHECK(index.add(value(std::int64_t{2})) == 2);
    CHECK(index.find(value(std::int64_t{2})) == 2);
    CHECK(index.find(value(std::string("1"))) == 1);
    CHECK(index.find(value(std::int64_t{1})) == 0);
    CHECK(index.find(value(std::string("2"))) == key_index::none);
}
