// The quickstart's models on PostgreSQL: the same structs and calls, another database.
//   ./postgres "postgresql://app@localhost/app"
// Without an argument it reads the connection string from $RELATE_PG_DIR/conninfo, where the
// tests' throwaway server writes it (ctest runs this example against that server).

#include <relate/postgres.hpp>

#include <fmt/core.h>

#include <cstdlib>
#include <fstream>
#include <string>

struct Post;

struct User {
    std::int64_t id = 0;
    std::string name;
    relate::has_many<Post, relate::cascade> posts;   // posts.userId
};

struct Post {
    std::int64_t id = 0;
    std::optional<std::int64_t> userId;
    std::string title;
    relate::belongs_to<User> user;                   // uses Post::userId
};

static std::string connection_string(int argc, char** argv) {
    if (argc > 1) return argv[1];
    const char* dir = std::getenv("RELATE_PG_DIR");
    std::string line;
    if (dir != nullptr) std::getline(std::ifstream(std::string(dir) + "/conninfo"), line);
    return line.empty() ? "postgresql:///postgres" : line;
}

int main(int argc, char** argv) try {
    relate::postgres::database db{connection_string(argc, argv)};
    db.connection().execute("DROP TABLE IF EXISTS posts, users, relate_migrations");  // a fresh start on each run
    db.create_tables<User, Post>();

    // One unit of work: the user, then the posts with the key the server gave the user.
    User ada{.name = "Ada"};
    Post notes{.title = "Notes on the Analytical Engine"};
    Post sketch{.title = "Sketch of the Engine"};
    relate::postgres::unit_of_work uow{db};
    uow.insert(ada);
    uow.insert(notes, relate::parent(&Post::user, ada));
    uow.insert(sketch, relate::parent(&Post::user, ada));
    uow.commit();

    // Two statements, however many users: one for users, one for all their posts.
    using relate::col;
    for (const User& user : db.query<User>().where(col<&User::name> == "Ada").with(&User::posts).get()) {
        fmt::print("{} wrote {} posts:\n", user.name, user.posts.size());
        for (const Post& post : user.posts) fmt::print("  - {}\n", post.title);
    }
    fmt::print("statements run: {}\n", db.stats().statements);

    // The same relate::migration runs on SQLite; here ALTER TABLE changes posts in place.
    const relate::migration add_summary{"2026_12_07_add_summary", [](relate::schema& s) {
        s.table("posts", [](relate::blueprint& t) { t.text("summary").nullable(); });
    }};
    for (const std::string& name : db.migrate({add_summary})) fmt::print("migrated: {}\n", name);
} catch (const relate::error& e) {
    fmt::print(stderr, "{}\n", e.what());
    return 1;
}
