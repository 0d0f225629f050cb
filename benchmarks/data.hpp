#pragma once
// The benchmark data, deterministic and scaled by one number (users). At the default size:
// 10,000 users, each with a profile (every fifth bio NULL) and ten posts (a title and a
// 100-character body), 100 tags, three tags per post (300,000 links). Both twins build their own
// objects from these functions; neither depends on the other's types.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

struct data_size {
    static constexpr std::int64_t posts_per_user = 10;
    static constexpr std::int64_t tags = 100;
    static constexpr std::int64_t tags_per_post = 3;
    static constexpr std::size_t body_length = 100;
    /// W6 removes every tenth user.
    static constexpr std::int64_t removed_user_stride = 10;

    std::int64_t users = 10'000;

    [[nodiscard]] std::int64_t posts() const noexcept { return users * posts_per_user; }
    [[nodiscard]] std::int64_t links() const noexcept { return posts() * tags_per_post; }
};

/// The key of the i-th find of W3 (i from 0): every post once, in a scattered order (1,000,003 is
/// a prime larger than any post count here, so the stride visits every key).
inline std::int64_t lookup_key(std::int64_t i, const data_size& size) { return (i * 1'000'003) % size.posts() + 1; }

/// The users W6 removes: every tenth (1,000 of 10,000), spread over the tables.
inline std::vector<std::int64_t> removed_users(const data_size& size) {
    std::vector<std::int64_t> ids;
    for (std::int64_t id = data_size::removed_user_stride; id <= size.users; id += data_size::removed_user_stride)
        ids.push_back(id);
    return ids;
}

/// The columns of each row, by key (keys start at 1). Profile `user` belongs to user `user`.
namespace data {

inline std::string user_name(std::int64_t user) { return "user " + std::to_string(user); }
inline std::string user_email(std::int64_t user) { return "user" + std::to_string(user) + "@example.com"; }
inline std::optional<std::string> bio(std::int64_t user) {
    if (user % 5 == 0) return std::nullopt;
    return "the biography of user " + std::to_string(user);
}
inline std::int64_t post_author(std::int64_t post) { return (post - 1) / data_size::posts_per_user + 1; }
/// Titles of different lengths, so a checksum sees every byte count.
inline std::string post_title(std::int64_t post) {
    return "Post number " + std::to_string(post) + std::string(static_cast<std::size_t>(post % 17), '!');
}
/// 100 characters of a pangram, starting at a place that depends on the post.
inline std::string post_body(std::int64_t post) {
    constexpr std::string_view text =
        "Sphinx of black quartz, judge my vow; the five boxing wizards jump quickly over a lazy dog. ";
    std::string body(data_size::body_length, ' ');
    for (std::size_t i = 0; i < body.size(); ++i)
        body[i] = text[(static_cast<std::size_t>(post) * 7 + i) % text.size()];
    return body;
}
inline std::string tag_name(std::int64_t tag) { return "tag-" + std::to_string(tag); }
/// The k-th of a post's three distinct tags (offsets 0, 31, 62 modulo 100).
inline std::int64_t post_tag(std::int64_t post, std::int64_t k) { return (post * 7 + k * 31) % data_size::tags + 1; }

}  // namespace data
}  // namespace bench
