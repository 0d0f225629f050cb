#pragma once
// The relate twin: each workload written the way relate's docs show a user, through the public
// API only (relate::database, query and with, find, load, unit_of_work, a bulk remove). relate's
// defaults stay on: foreign keys enforced, every foreign key and junction target validated by a
// unit of work, delete policies walked by a remove. The setup before the timer and the checksum
// after it reach SQLite through db.connection(), as an application with its own schema would.
// The workloads are templates on the database, so postgres_twins.cpp runs the same code on
// relate::postgres::database (hence `db.template query<Post>()` where a program written for one
// backend writes `db.query<Post>()`).

#include "bench_models.hpp"
#include "checksum.hpp"
#include "data.hpp"
#include "state_checksum.hpp"
#include "twin.hpp"

#include <relate/relate.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace bench::with_relate {

using models::Post;
using models::Profile;
using models::Tag;
using models::User;

/// Inserts every object of one table through one unit of work (one transaction).
template <class Database, class M>
void insert_each(Database& db, std::vector<M>& objects) {
    relate::basic_unit_of_work uow{db};  // relate::unit_of_work on SQLite, relate::postgres::unit_of_work
    for (M& object : objects) uow.insert(object);
    uow.commit();
}

/// W1. The objects are built before the timer starts, as objects an application already holds.
template <class Database>
double insert_all(Database& db, const data_size& size) {
    std::vector<User> users;
    std::vector<Profile> profiles;
    std::vector<Post> posts;
    std::vector<Tag> tags;
    std::vector<std::int64_t> tags_of_posts;  // data_size::tags_per_post per post, in post order
    for (std::int64_t u = 1; u <= size.users; ++u) {
        users.push_back(User{.id = u, .name = data::user_name(u), .email = data::user_email(u)});
        profiles.push_back(Profile{.id = u, .userId = u, .bio = data::bio(u)});
    }
    for (std::int64_t p = 1; p <= size.posts(); ++p) {
        posts.push_back(
            Post{.id = p, .userId = data::post_author(p), .title = data::post_title(p), .body = data::post_body(p)});
        for (std::int64_t k = 0; k < data_size::tags_per_post; ++k) tags_of_posts.push_back(data::post_tag(p, k));
    }
    for (std::int64_t t = 1; t <= data_size::tags; ++t) tags.push_back(Tag{.id = t, .name = data::tag_name(t)});

    const stopwatch timer;
    insert_each(db, users);
    insert_each(db, profiles);
    insert_each(db, posts);
    insert_each(db, tags);
    relate::basic_unit_of_work links{db};
    for (std::size_t i = 0; i < posts.size(); ++i) {
        const auto first = tags_of_posts.begin() + static_cast<std::ptrdiff_t>(i * data_size::tags_per_post);
        links.related(posts[i], &Post::tags).connect(std::span(first, static_cast<std::size_t>(data_size::tags_per_post)));
    }
    links.commit();
    return timer.ms();
}

/// W3: every post by key, one find at a time.
template <class Database>
twin_result find_each(Database& db, const data_size& size) {
    std::vector<Post> found;
    found.reserve(static_cast<std::size_t>(size.posts()));
    const stopwatch timer;
    for (std::int64_t i = 0; i < size.posts(); ++i)
        if (std::optional<Post> p = db.template find<Post>(lookup_key(i, size))) found.push_back(std::move(*p));
    const double ms = timer.ms();
    return {ms, checksum::posts(found)};
}

inline std::uint64_t digest(const std::vector<User>& users) {
    return checksum::users_with_children(users, [](const User& u) { return u.profile.get(); });
}

/// W4n: every user, then one lazy load per user and relation (the N+1 pattern).
template <class Database>
twin_result users_lazy(Database& db) {
    const stopwatch timer;
    std::vector<User> users = db.template query<User>().get();
    for (User& u : users) {
        db.load(u, &User::profile);
        db.load(u, &User::posts);
    }
    const double ms = timer.ms();
    return {ms, digest(users)};
}

/// Runs one workload on a database that holds the schema (and, but for W1, the seeded rows); after
/// W1 and W6, state() digests every table.
template <class Database, class StateChecksum>
twin_result run_workload(Database& db, workload job, const data_size& size, StateChecksum state) {
    const auto posts = [](const std::vector<Post>& rows) { return checksum::posts(rows); };
    switch (job) {
        case workload::W1: {
            const double ms = insert_all(db, size);
            return {ms, state()};
        }
        case workload::W2: return timed([&] { return db.template query<Post>().get(); }, posts);
        case workload::W3: return find_each(db, size);
        case workload::W4:
            return timed([&] { return db.template query<User>().with(&User::profile, &User::posts).get(); },
                         [](const std::vector<User>& rows) { return digest(rows); });
        case workload::W4n: return users_lazy(db);
        case workload::W5:
            return timed([&] { return db.template query<Post>().with(&Post::tags).get(); },
                         [](const std::vector<Post>& rows) { return checksum::posts_with_tags(rows); });
        case workload::W6: {
            const std::vector<std::int64_t> ids = removed_users(size);
            const stopwatch timer;
            db.template query<User>().where(relate::col<&User::id>.in(ids)).remove();
            const double ms = timer.ms();
            return {ms, state()};
        }
    }
    throw std::logic_error("unknown workload");
}

inline twin_result run(const twin_args& args) {
    if (args.foreign_keys) throw std::invalid_argument("--foreign-keys: relate enforces foreign keys always");
    relate::database db{args.database};  // foreign_keys = ON; journal_mode = WAL for a file
    db.connection().execute("PRAGMA synchronous = NORMAL");
    for (const std::string& sql : setup_statements(args)) db.connection().execute(sql);
    return run_workload(db, args.job, args.size, [&] { return state_checksum(db.connection().handle()); });
}

}  // namespace bench::with_relate
