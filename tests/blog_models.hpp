#pragma once
// The models of DESIGN.md ("Models"), a self-referential Category, and deterministic seed data
// shared by the relation tests (relation, eager_loading, lazy_loading, relation_counts). The
// helpers take any relate::basic_database (SQLite's relate::database or relate::postgres::database)
// and write SQL both backends read the same way.

#include <relate/relate.hpp>
#include <relate/sqlite/transaction.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace blog {

struct Profile;
struct Post;
struct Tag;

struct User {
    std::int64_t id = 0;
    std::string name;
    std::string email;
    relate::has_one<Profile> profile;
    relate::has_many<Post, relate::cascade> posts;
};

struct Profile {
    std::int64_t id = 0;
    std::int64_t userId = 0;
    std::optional<std::string> bio;
    relate::belongs_to<User> user;
};

struct Post {
    std::int64_t id = 0;
    std::optional<std::int64_t> userId;
    std::string title;
    relate::belongs_to<User> user;
    relate::belongs_to_many<Tag> tags;
};

struct Tag {
    std::int64_t id = 0;
    std::string name;
    relate::belongs_to_many<Post> posts;
};

struct Category {
    std::int64_t id = 0;
    std::optional<std::int64_t> parentId;
    std::string name;
    relate::belongs_to<Category, relate::foreign_key<"parentId">> parent;
    relate::has_many<Category, relate::foreign_key<"parentId">> children;
};

template <class Db>
void create_blog_tables(Db& db) {
    db.template create_tables<User, Profile, Post, Tag, Category>();
}

/// Links a post to a tag with raw SQL. The identifiers are quoted: PostgreSQL folds unquoted ones
/// to lower case, and relate creates them as written ("postId").
template <class Db>
void link(Db& db, std::int64_t post_id, std::int64_t tag_id) {
    db.connection().execute("INSERT INTO \"post_tags\" (\"postId\", \"tagId\") VALUES (" + std::to_string(post_id) +
                            ", " + std::to_string(tag_id) + ")");
}

/// The small fixed blog, ids in insertion order:
///   users     1 Ada (profile "math", posts 1 2 3), 2 Bob (profile without bio, post 4),
///             3 Cy (no profile, no posts)
///   posts     1 "Analytical Engine" (Ada; tags c++, math), 2 "Algorithms" (Ada; tags c++, sql),
///             3 "Notes" (Ada; no tags), 4 "Bees" (Bob; tag sql), 5 "Anonymous" (no user, tag math)
///   tags      1 "c++", 2 "sql", 3 "math", 4 "unused"
///   categories 1 Root > 2 Books > 4 Novels, 1 Root > 3 Music; 5 Loose (no parent, no children)
template <class Db>
void seed_blog(Db& db) {
    create_blog_tables(db);
    typename Db::backend_type::transaction tx(db.connection());
    db.insert(User{.name = "Ada", .email = "ada@example.com"});
    db.insert(User{.name = "Bob", .email = "bob@example.com"});
    db.insert(User{.name = "Cy", .email = "cy@example.com"});
    db.insert(Profile{.userId = 1, .bio = "math"});
    db.insert(Profile{.userId = 2, .bio = std::nullopt});
    db.insert(Post{.userId = 1, .title = "Analytical Engine"});
    db.insert(Post{.userId = 1, .title = "Algorithms"});
    db.insert(Post{.userId = 1, .title = "Notes"});
    db.insert(Post{.userId = 2, .title = "Bees"});
    db.insert(Post{.userId = std::nullopt, .title = "Anonymous"});
    for (const char* name : {"c++", "sql", "math", "unused"}) db.insert(Tag{.name = name});
    link(db, 1, 1);
    link(db, 1, 3);
    link(db, 2, 1);
    link(db, 2, 2);
    link(db, 4, 2);
    link(db, 5, 3);
    db.insert(Category{.parentId = std::nullopt, .name = "Root"});
    db.insert(Category{.parentId = 1, .name = "Books"});
    db.insert(Category{.parentId = 1, .name = "Music"});
    db.insert(Category{.parentId = 2, .name = "Novels"});
    db.insert(Category{.parentId = std::nullopt, .name = "Loose"});
    tx.commit();
}

/// n users; user i (1-based) has a profile when i is even, and i % 4 posts titled
/// "u<i>p<k>"; post k of a user is linked to tag (k % 3) + 1 of three tags.
template <class Db>
void seed_many(Db& db, int n) {
    create_blog_tables(db);
    typename Db::backend_type::transaction tx(db.connection());
    for (const char* name : {"t1", "t2", "t3"}) db.insert(Tag{.name = name});
    for (int i = 1; i <= n; ++i) {
        const User u = db.insert(User{.name = "user" + std::to_string(i), .email = std::to_string(i) + "@x.y"});
        if (i % 2 == 0) db.insert(Profile{.userId = u.id, .bio = "bio" + std::to_string(i)});
        for (int k = 0; k < i % 4; ++k) {
            const Post p =
                db.insert(Post{.userId = u.id, .title = "u" + std::to_string(i) + "p" + std::to_string(k)});
            link(db, p.id, (k % 3) + 1);
        }
    }
    tx.commit();
}

/// A unique database file name in the current directory, removed (with SQLite's companions)
/// when the object goes out of scope.
class local_file {
public:
    local_file() {
        std::random_device random;
        path_ = "relation-test-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + "-" +
                std::to_string(random()) + ".db";
    }
    local_file(const local_file&) = delete;
    local_file& operator=(const local_file&) = delete;
    ~local_file() {
        for (const char* companion : {"", "-wal", "-shm", "-journal"}) std::remove((path_ + companion).c_str());
    }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }

private:
    std::string path_;
};

/// The ids of the rows, sorted.
template <class T>
std::vector<std::int64_t> ids(const std::vector<T>& rows) {
    std::vector<std::int64_t> out;
    for (const T& row : rows) out.push_back(row.id);
    std::sort(out.begin(), out.end());
    return out;
}

using id_list = std::vector<std::int64_t>;

/// How many data statements a callable runs.
template <class Db, class F>
std::uint64_t statements_of(Db& db, F&& f) {
    const std::uint64_t before = db.stats().statements;
    f();
    return db.stats().statements - before;
}

}  // namespace blog
