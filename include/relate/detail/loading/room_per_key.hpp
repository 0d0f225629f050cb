#pragma once
// How many rows a loaded has_many or belongs_to_many makes room for at its first row, rather than
// growing its vector row by row: W4's 100,000 posts were 50,000 reallocations on PostgreSQL and
// five a user on SQLite, W5's tags three a post.

#include <algorithm>
#include <cstddef>

namespace relate::detail {

/// A server's result is whole, so each key makes room for the rows a key has on average. SQLite
/// does not know its rows ahead (rows_known() is 0): each key makes room for the rows of the keys
/// read so far on average, which rows grouped by key (an index on the foreign key or the
/// junction's) make exact, capped so that a few keys with many rows do not make every later key
/// reserve many.
class room_per_key {
public:
    explicit room_per_key(std::size_t keys) noexcept : keys_(keys) {}

    /// The room for a key whose first row this is; `rows_known` is the statement's rows_known().
    [[nodiscard]] std::size_t at_first_row(std::size_t rows_known) noexcept {
        ++started_;
        if (rows_known > 0) return (rows_known + keys_ - 1) / keys_;
        return started_ == 1 ? 1 : std::min(rows_ / (started_ - 1), max_guess);
    }
    /// Counts a row, after at_first_row when it is a key's first.
    void row_read() noexcept { ++rows_; }

    static constexpr std::size_t max_guess = 16;

private:
    std::size_t keys_;
    std::size_t started_ = 0;  // keys whose first row was read
    std::size_t rows_ = 0;     // rows read, before the current key's first
};

}  // namespace relate::detail
