#pragma once
// The relate twins: each workload as a relate user writes it.

#include "bench_models.hpp"
#include "checksum.hpp"
#include "dataset.hpp"

#include <relate/relate.hpp>

#include <cstdint>
#include <vector>

namespace bench::with_relate {

inline std::uint64_t digest(const User& u) {
    const std::uint64_t parent = checksum::user(u);
    std::uint64_t sum = parent;
    if (const Profile* p = u.profile.get()) sum += checksum::child(parent, checksum::profile(*p));
    for (const Post& p : u.posts) sum += checksum::child(parent, checksum::post(p));
    return sum;
}

/// W2: every post into a vector.
inline std::uint64_t scan(relate::database& db) {
    const std::vector<Post> posts = db.query<Post>().get();
    std::uint64_t sum = 0;
    for (const Post& p : posts) sum += checksum::post(p);
    return sum;
}

/// W3: every post by primary key, one find at a time.
inline std::uint64_t point(relate::database& db, const dataset_size& size) {
    std::uint64_t sum = 0;
    for (std::int64_t i = 0; i < size.posts(); ++i)
        if (const auto p = db.find<Post>(point_key(i, size))) sum += checksum::post(*p);
    return sum;
}

/// W4: every user with profile and posts, eager-loaded by one with() call.
inline std::uint64_t eager(relate::database& db) {
    const std::vector<User> users = db.query<User>().with(&User::profile, &User::posts).get();
    std::uint64_t sum = 0;
    for (const User& u : users) sum += digest(u);
    return sum;
}

/// W4n: the same with one lazy load per user and relation (the N+1 pattern).
inline std::uint64_t lazy(relate::database& db) {
    std::vector<User> users = db.query<User>().get();
    for (User& u : users) {
        db.load(u, &User::profile);
        db.load(u, &User::posts);
    }
    std::uint64_t sum = 0;
    for (const User& u : users) sum += digest(u);
    return sum;
}

/// W5: every post with its tags.
inline std::uint64_t many_to_many(relate::database& db) {
    const std::vector<Post> posts = db.query<Post>().with(&Post::tags).get();
    std::uint64_t sum = 0;
    for (const Post& p : posts) {
        const std::uint64_t parent = checksum::post(p);
        sum += parent;
        for (const Tag& t : p.tags) sum += checksum::child(parent, checksum::tag(t));
    }
    return sum;
}

}  // namespace bench::with_relate
