#pragma once
// The benchmark data, deterministic and scaled by one number (users): one profile per user (every
// fifth without a bio), ten posts per user, a hundred tags, three tags per post. Both twins of W1
// write it from these functions; the hand-written writer seeds every other workload with it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bench {

struct dataset_size {
    static constexpr std::int64_t posts_per_user = 10;
    static constexpr std::int64_t tags = 100;
    static constexpr std::int64_t tags_per_post = 3;
    /// W6 removes every tenth user.
    static constexpr std::int64_t removed_user_stride = 10;

    std::int64_t users = 10'000;

    [[nodiscard]] std::int64_t posts() const noexcept { return users * posts_per_user; }
};

/// The i-th key W3 looks up (i from 0): every post once, in a scattered order (1,000,003 is a
/// prime larger than any post count, so the stride visits every key).
inline std::int64_t point_key(std::int64_t i, const dataset_size& size) { return (i * 1'000'003) % size.posts() + 1; }

/// The users W6 removes: every tenth (1,000 of 10,000), spread over the tables.
inline std::vector<std::int64_t> removed_users(const dataset_size& size) {
    std::vector<std::int64_t> ids;
    for (std::int64_t id = dataset_size::removed_user_stride; id <= size.users; id += dataset_size::removed_user_stride)
        ids.push_back(id);
    return ids;
}

/// The columns of each row, by key (keys start at 1).
namespace data {

inline std::string tag_name(std::int64_t tag) { return "tag-" + std::to_string(tag); }
inline std::string user_name(std::int64_t user) { return "user " + std::to_string(user); }
inline std::string user_email(std::int64_t user) { return "user" + std::to_string(user) + "@example.com"; }
/// Profile `user` belongs to user `user`.
inline std::optional<std::string> bio(std::int64_t user) {
    if (user % 5 == 0) return std::nullopt;
    return "the biography of user " + std::to_string(user);
}
inline std::int64_t post_author(std::int64_t post) { return (post - 1) / dataset_size::posts_per_user + 1; }
/// Titles of different lengths, so the checksums see every byte count.
inline std::string post_title(std::int64_t post) {
    return "Post number " + std::to_string(post) + std::string(static_cast<std::size_t>(post % 17), '!');
}
/// The k-th of a post's three distinct tags (offsets 0, 31, 62 modulo 100).
inline std::int64_t post_tag(std::int64_t post, std::int64_t k) {
    return (post * 7 + k * 31) % dataset_size::tags + 1;
}

}  // namespace data
}  // namespace bench
