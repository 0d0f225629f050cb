#pragma once
// The relate twins of the write workloads, as a relate user writes them.

#include "bench_models.hpp"
#include "dataset.hpp"

#include <relate/relate.hpp>

#include <cstdint>
#include <vector>

namespace bench::with_relate {

/// W1: every row of the data set through one unit of work (one transaction, every foreign key
/// and junction target validated before the first write). Returns the rows written.
inline std::uint64_t insert_all(relate::database& db, const dataset_size& size) {
    // The unit keeps references to the objects until commit: the vectors must not reallocate.
    std::vector<Tag> tags;
    std::vector<User> users;
    std::vector<Profile> profiles;
    std::vector<Post> posts;
    tags.reserve(dataset_size::tags);
    users.reserve(static_cast<std::size_t>(size.users));
    profiles.reserve(static_cast<std::size_t>(size.users));
    posts.reserve(static_cast<std::size_t>(size.posts()));

    relate::unit_of_work uow{db};
    for (std::int64_t t = 1; t <= dataset_size::tags; ++t) uow.insert(tags.emplace_back(Tag{.id = t, .name = data::tag_name(t)}));
    for (std::int64_t u = 1; u <= size.users; ++u) {
        uow.insert(users.emplace_back(User{.id = u, .name = data::user_name(u), .email = data::user_email(u)}));
        uow.insert(profiles.emplace_back(Profile{.id = u, .userId = u, .bio = data::bio(u)}));
    }
    for (std::int64_t p = 1; p <= size.posts(); ++p) {
        Post& post = posts.emplace_back(Post{.id = p, .userId = data::post_author(p), .title = data::post_title(p)});
        uow.insert(post);
        uow.related(post, &Post::tags).connect({data::post_tag(p, 0), data::post_tag(p, 1), data::post_tag(p, 2)});
    }
    uow.commit();
    return tags.size() + users.size() + profiles.size() + posts.size() * (1 + dataset_size::tags_per_post);
}

/// W6: the users by key with everything below them, by one bulk remove: the delete policies
/// (has_one and has_many cascade, belongs_to_many links) do the rest. Returns the users removed.
inline std::uint64_t remove_users(relate::database& db, const dataset_size& size) {
    return static_cast<std::uint64_t>(db.query<User>().where(relate::col<&User::id>.in(removed_users(size))).remove());
}

}  // namespace bench::with_relate
