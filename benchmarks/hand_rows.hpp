#pragma once
// The hand-written twins' plain structs (SQLite: hand_twin.hpp; PostgreSQL:
// postgres_hand_twin.hpp), the rows W1 inserts, the index that matches children to parents, and
// the digest of W4's users. Nothing here knows relate or a database.

#include "checksum.hpp"
#include "data.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace bench::hand_written {

struct profile_row {
    std::int64_t id = 0;
    std::int64_t userId = 0;
    std::optional<std::string> bio;
};
struct post_row {
    std::int64_t id = 0;
    std::int64_t userId = 0;
    std::string title;
    std::string body;
};
struct tag_row {
    std::int64_t id = 0;
    std::string name;
};
struct link_row {
    std::int64_t postId = 0;
    std::int64_t tagId = 0;
};
struct user_row {
    std::int64_t id = 0;
    std::string name;
    std::string email;
    std::optional<profile_row> profile;
    std::vector<post_row> posts;
};
struct tagged_post_row {
    std::int64_t id = 0;
    std::int64_t userId = 0;
    std::string title;
    std::string body;
    std::vector<tag_row> tags;
};

/// Every row of the data set, as W1 inserts it.
struct data_rows {
    std::vector<user_row> users;
    std::vector<profile_row> profiles;
    std::vector<post_row> posts;
    std::vector<tag_row> tags;
    std::vector<link_row> links;

    explicit data_rows(const data_size& size) {
        for (std::int64_t u = 1; u <= size.users; ++u) {
            users.push_back({u, data::user_name(u), data::user_email(u), {}, {}});
            profiles.push_back({u, u, data::bio(u)});
        }
        for (std::int64_t p = 1; p <= size.posts(); ++p) {
            posts.push_back({p, data::post_author(p), data::post_title(p), data::post_body(p)});
            for (std::int64_t k = 0; k < data_size::tags_per_post; ++k) links.push_back({p, data::post_tag(p, k)});
        }
        for (std::int64_t t = 1; t <= data_size::tags; ++t) tags.push_back({t, data::tag_name(t)});
    }
};

/// The keys of loaded parents, and each key's position among them.
struct parent_index {
    std::vector<std::int64_t> keys;
    std::unordered_map<std::int64_t, std::size_t> position;

    template <class Row>
    explicit parent_index(const std::vector<Row>& rows) {
        keys.reserve(rows.size());
        position.reserve(rows.size());
        for (std::size_t i = 0; i < rows.size(); ++i) {
            keys.push_back(rows[i].id);
            position.emplace(rows[i].id, i);
        }
    }
};

inline std::uint64_t digest(const std::vector<user_row>& users) {
    return checksum::users_with_children(users, [](const user_row& u) { return u.profile ? &*u.profile : nullptr; });
}

}  // namespace bench::hand_written
