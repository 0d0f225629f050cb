// Migrating a database written by an older version of the models.
//
// Version 1 of the app stored posts with a body and an author that could never leave. Version 2
// drops the body, counts views, gives users a bio, and keeps a post when its author is deleted
// (userId becomes optional, ON DELETE SET NULL). The migrations below take a version 1 database
// there without losing a row; check_schema confirms it matches the version 2 models.

#include <relate/relate.hpp>

#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace v1 {

struct Post;

struct User {
    std::int64_t id = 0;
    std::string name;
    relate::has_many<Post> posts;  // restrict: a user with posts cannot be deleted
};

struct Post {
    std::int64_t id = 0;
    std::int64_t userId = 0;
    std::string title;
    std::string body;
    relate::belongs_to<User> user;
};

}  // namespace v1

namespace v2 {

struct Post;

struct User {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::string> bio;
    relate::has_many<Post, relate::set_null> posts;  // a deleted user's posts stay, without an author
};

struct Post {
    std::int64_t id = 0;
    std::optional<std::int64_t> userId;
    std::string title;
    std::int64_t views = 0;
    relate::belongs_to<User> user;
};

}  // namespace v2

const relate::migration add_user_bio{
    "2026_12_01_add_user_bio",
    [](relate::schema& s) { s.table("users", [](relate::blueprint& t) { t.text("bio").nullable(); }); },
    [](relate::schema& s) { s.table("users", [](relate::blueprint& t) { t.drop_column("bio"); }); }};

// Changing userId and dropping body are beyond ALTER TABLE: relate rebuilds the table, rows and all.
const relate::migration posts_outlive_authors{
    "2026_12_02_posts_outlive_authors",
    [](relate::schema& s) {
        s.table("posts", [](relate::blueprint& t) {
            t.integer("userId").nullable().references("users").on_delete(relate::set_null).change();
            t.drop_column("body");
            t.integer("views").default_value(0);
        });
    },
    [](relate::schema& s) {
        s.table("posts", [](relate::blueprint& t) {
            t.integer("userId").references("users").change();
            t.text("body").default_value("");
            t.drop_column("views");
        });
    }};

int main() {
    const std::string path = "migrate-example.db";  // left behind for a look with the sqlite3 shell
    for (const char* companion : {"", "-wal", "-shm"}) std::remove((path + companion).c_str());

    {  // What version 1 of the app left behind.
        relate::database old_app{path};
        old_app.create_tables<v1::User, v1::Post>();
        const v1::User ada = old_app.insert(v1::User{.name = "Ada"});
        const v1::User bob = old_app.insert(v1::User{.name = "Bob"});
        old_app.insert(v1::Post{.userId = ada.id, .title = "Notes on the Engine", .body = "..."});
        old_app.insert(v1::Post{.userId = ada.id, .title = "Sketch of the Engine", .body = "..."});
        old_app.insert(v1::Post{.userId = bob.id, .title = "Bees", .body = "..."});
    }

    relate::database db{path};
    fmt::print("before migrating, against the version 2 models:\n");
    for (const relate::schema_difference& d : db.check_schema<v2::User, v2::Post>())
        fmt::print("  - {}\n", d.description);

    const std::vector<relate::migration> migrations{add_user_bio, posts_outlive_authors};
    for (const relate::migration_sql& pending : db.pretend_migrate(migrations))  // run, then rolled back
        fmt::print("{} would run:\n  {}\n", pending.name, fmt::join(pending.statements, "\n  "));
    for (const std::string& name : db.migrate(migrations)) fmt::print("applied {}\n", name);
    db.require_schema<v2::User, v2::Post>();  // relate::schema_mismatch if anything still differs
    fmt::print("the database matches the version 2 models\n");

    v2::User bob = *db.query<v2::User>().where(relate::col<&v2::User::name> == "Bob").first();
    bob.bio = "keeps bees";
    db.update(bob);
    db.remove(bob);  // set_null: Bob's post stays
    for (const v2::Post& post : db.query<v2::Post>().order_by(relate::col<&v2::Post::id>.asc()).get())
        fmt::print("post {} '{}' by {} ({} views)\n", post.id, post.title,
                   post.userId ? fmt::format("user {}", *post.userId) : std::string("nobody"), post.views);
}
