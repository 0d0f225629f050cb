// The room a loaded has_many or belongs_to_many makes for its rows at its first row. Loads test
// the rows end to end (eager_loading_test.cpp); this checks the guesses, which only speed shows.

#include <relate/detail/loading/room_per_key.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <vector>

using relate::detail::room_per_key;

namespace {

/// The room each key was given when rows arrive grouped by key, `rows[k]` of key k.
std::vector<std::size_t> grouped(const std::vector<std::size_t>& rows, std::size_t rows_known = 0) {
    room_per_key room(rows.size());
    std::vector<std::size_t> out;
    for (const std::size_t n : rows)
        for (std::size_t r = 0; r < n; ++r) {
            if (r == 0) out.push_back(room.at_first_row(rows_known));
            room.row_read();
        }
    return out;
}

}  // namespace

TEST_CASE("a whole result gives every key the rows a key has on average, rounded up", "[loading]") {
    CHECK(grouped({3, 3, 3, 3}, 12) == std::vector<std::size_t>{3, 3, 3, 3});
    CHECK(grouped({1, 2, 4}, 7) == std::vector<std::size_t>{3, 3, 3});
}

TEST_CASE("rows read one at a time give each key the average of the keys before it", "[loading]") {
    CHECK(grouped({3, 3, 3, 3}) == std::vector<std::size_t>{1, 3, 3, 3});
    CHECK(grouped({10, 2, 3}) == std::vector<std::size_t>{1, 10, 6});
}

TEST_CASE("a key with many rows does not make every later key reserve as many", "[loading]") {
    const std::vector<std::size_t> room = grouped({10000, 1, 1, 1});
    CHECK(room == std::vector<std::size_t>{1, room_per_key::max_guess, room_per_key::max_guess,
                                           room_per_key::max_guess});
}

TEST_CASE("rows of keys read in turns give each key one row's room", "[loading]") {
    room_per_key room(3);
    for (int key = 0; key < 3; ++key) {
        CHECK(room.at_first_row(0) == 1);
        room.row_read();
    }
}
