// relate::unit_of_work: staged writes committed in one transaction, parents first; foreign keys
// validated in batches before anything is written; on failure nothing written and the objects as
// they were. The test cases that are not about SQLite itself run on SQLite and on PostgreSQL
// (tests/backends.hpp).

#include "backends.hpp"
#include "blog_models.hpp"
#include "db_dump.hpp"
#include "db_dump_postgres.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

using namespace blog;
using relate::col;
using test_support::dump;

BACKENDS_TEST_CASE("insert writes the assigned keys back into the objects on commit", "[uow]") {
    typename TestType::database db{TestType::open_target()};
    create_blog_tables(db);
    User ada{.name = "Ada", .email = "ada@example.com"};
    Post post{.title = "Notes"};

    relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
    uow.insert(ada);
    uow.insert(post, relate::parent(&Post::user, ada));
    CHECK(ada.id == 0);  // nothing happens before commit
    CHECK(db.template query<User>().count() == 0);
    uow.commit();

    CHECK(ada.id != 0);
    CHECK(post.id != 0);
    CHECK(post.userId == ada.id);
    CHECK(db.template find_or_throw<Post>(post.id).userId == ada.id);
}

BACKENDS_TEST_CASE("a temporary staged for insert is kept by the unit, which writes its key into it", "[uow]") {
    typename TestType::database db{TestType::open_target()};
    create_blog_tables(db);
    relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
    std::vector<const User*> staged;
    // The unit's copies do not move when more are staged (unlike elements of a growing vector).
    for (int i = 0; i < 100; ++i) staged.push_back(&uow.insert(User{.name = "u" + std::to_string(i), .email = ""}));
    const Post& post = uow.insert(Post{.title = "Notes"});
    uow.insert(Post{.title = "Other"});
    uow.commit();

    for (std::size_t i = 0; i < staged.size(); ++i) {
        CHECK(staged[i]->id == static_cast<std::int64_t>(i + 1));
        CHECK(staged[i]->name == "u" + std::to_string(i));
    }
    CHECK(post.id == 1);
    CHECK(db.template query<User>().count() == 100);
    CHECK(db.template query<Post>().count() == 2);
}

BACKENDS_TEST_CASE("inserts run parents first, whatever order they were staged in", "[uow][order]") {
    typename TestType::database db{TestType::open_target()};
    create_blog_tables(db);
    User ada{.name = "Ada"};
    Profile profile{.bio = "math"};
    Post post{.title = "Notes"};
    Category child{.name = "child"};
    Category root{.name = "root"};

    relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
    uow.insert(profile, relate::parent(&Profile::user, ada));
    uow.insert(child, relate::parent(&Category::parent, root));
    uow.insert(post, relate::parent(&Post::user, ada));
    uow.insert(root);
    uow.insert(ada);
    uow.commit();

    CHECK(profile.userId == ada.id);
    CHECK(post.userId == ada.id);
    CHECK(child.parentId == root.id);
    CHECK(root.id < child.id);
    CHECK(db.template query<Profile>().where(col<&Profile::userId> == ada.id).count() == 1);
}

BACKENDS_TEST_CASE("a foreign key naming no row is a validation_error, and nothing is written", "[uow][validation]") {
    typename TestType::database db{TestType::open_target()};
    seed_blog(db);
    const std::string before = dump(db);

    User eve{.name = "Eve"};
    Post orphan{.userId = 42, .title = "orphan"};
    relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
    uow.insert(eve);
    uow.insert(orphan);
    REQUIRE_THROWS_AS(uow.commit(), relate::validation_error);

    CHECK(dump(db) == before);
    CHECK(eve.id == 0);
    CHECK(orphan.id == 0);

    SECTION("the message names the model, the field and the value") {
        REQUIRE_THROWS_WITH(db.insert(Post{.userId = 42, .title = "x"}),
                            "relate: Post.userId = 42 names no User: no row of users has id = 42");
        REQUIRE_THROWS_WITH(db.update(Profile{.id = 1, .userId = 7}),
                            "relate: Profile.userId = 7 names no User: no row of users has id = 7");
        CHECK(dump(db) == before);
    }
}

BACKENDS_TEST_CASE("a foreign key naming a row the same unit removes is a validation_error", "[uow][validation]") {
    typename TestType::database db{TestType::open_target()};
    seed_blog(db);
    const std::string before = dump(db);
    relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
    uow.remove(db.template find_or_throw<User>(3));
    Post post{.userId = 3, .title = "to a removed user"};
    uow.insert(post);
    REQUIRE_THROWS_WITH(uow.commit(), "relate: Post.userId = 3 names no User: the User with id = 3 is removed by the "
                                      "same unit of work");
    CHECK(dump(db) == before);
}

BACKENDS_TEST_CASE("a foreign key may name a row the same unit inserts with an explicit key", "[uow][validation]") {
    typename TestType::database db{TestType::open_target()};
    create_blog_tables(db);
    User ada{.id = 500, .name = "Ada"};
    Post post{.userId = 500, .title = "explicit"};
    relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
    uow.insert(post);  // staged first: the parent still goes first
    uow.insert(ada);
    uow.commit();
    CHECK(db.template find_or_throw<Post>(post.id).userId == 500);
}

namespace {

/// The blog's users, posts and post_tags as a hand-made schema without REFERENCES clauses:
/// SQLite checks none of their keys, relate checks them all.
void create_tables_without_references(relate::database& db) {
    db.connection().execute(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL);"
        "CREATE TABLE profiles (id INTEGER PRIMARY KEY, userId INTEGER NOT NULL, bio TEXT);"
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, userId INTEGER, title TEXT NOT NULL);"
        "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
        "CREATE TABLE post_tags (postId INTEGER NOT NULL, tagId INTEGER NOT NULL, PRIMARY KEY (postId, tagId));"
        "INSERT INTO users (name, email) VALUES ('Ada', 'a'), ('Bob', 'b'), ('Cy', 'c');"
        "INSERT INTO posts (userId, title) VALUES (1, 'one');"
        "INSERT INTO tags (name) VALUES ('c++');");
}

std::vector<Post> posts_of_three_users() {
    std::vector<Post> posts;
    for (int i = 0; i < 60; ++i) posts.push_back(Post{.userId = 1 + i % 3, .title = "p" + std::to_string(i)});
    return posts;
}

}  // namespace

TEST_CASE("keys SQLite checks itself cost no statement; others one per parent table", "[uow][validation]") {
    relate::database db{":memory:"};
    std::vector<Post> posts = posts_of_three_users();
    std::vector<Profile> profiles{Profile{.userId = 3}};
    relate::unit_of_work uow{db};
    for (auto& post : posts) uow.insert(post);
    for (auto& profile : profiles) uow.insert(profile);

    SECTION("create_tables declares every foreign key: SQLite checks the 61 keys as it inserts") {
        seed_blog(db);
        CHECK(statements_of(db, [&] { uow.commit(); }) == 61);
    }
    SECTION("a schema without REFERENCES: one SELECT validates all 61 keys, then 61 INSERTs") {
        create_tables_without_references(db);
        CHECK(statements_of(db, [&] { uow.commit(); }) == 1 + 61);
    }
    SECTION("foreign keys switched off on the connection: relate validates them itself") {
        seed_blog(db);
        db.connection().execute("PRAGMA foreign_keys = OFF");
        CHECK(statements_of(db, [&] { uow.commit(); }) == 1 + 61);
    }
}

BACKENDS_TEST_CASE("a key SQLite refuses is reported as relate's own check reports it, and nothing is written",
                   "[uow][validation]") {
    typename TestType::database db{TestType::open_target()};
    seed_blog(db);
    const std::string before = dump(db);
    std::vector<Post> posts = posts_of_three_users();
    posts[41].userId = 42;
    relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
    for (auto& post : posts) uow.insert(post);
    REQUIRE_THROWS_WITH(uow.commit(), "relate: Post.userId = 42 names no User: no row of users has id = 42");
    CHECK(dump(db) == before);
    CHECK(posts[0].id == 0);

    SECTION("a link to a tag that does not exist") {
        Post post = db.template find_or_throw<Post>(3);
        relate::basic_unit_of_work<typename TestType::database::backend_type> links{db};
        links.related(post, &Post::tags).connect({1, 99});
        REQUIRE_THROWS_WITH(links.commit(), "relate: cannot connect Post::tags to Tag id = 99: no row of tags has id = 99");
        CHECK(dump(db) == before);
    }
    SECTION("links from a post that does not exist") {
        Post ghost{.id = 77, .userId = 1, .title = "ghost"};
        relate::basic_unit_of_work<typename TestType::database::backend_type> links{db};
        links.related(ghost, &Post::tags).connect({1});
        REQUIRE_THROWS_WITH(links.commit(),
                            "relate: cannot change the links of Post::tags of Post id = 77: no row of posts has id = 77");
        CHECK(dump(db) == before);
    }
}

TEST_CASE("a foreign key dropped from the schema is checked by relate from the next commit on", "[uow][validation]") {
    relate::database db{":memory:"};
    seed_blog(db);
    db.insert(Post{.userId = 1, .title = "checked by SQLite"});
    db.connection().execute(
        "PRAGMA foreign_keys = OFF; BEGIN;"
        "CREATE TABLE posts_new (id INTEGER PRIMARY KEY, userId INTEGER, title TEXT NOT NULL);"
        "INSERT INTO posts_new SELECT id, userId, title FROM posts; DROP TABLE posts;"
        "ALTER TABLE posts_new RENAME TO posts; COMMIT; PRAGMA foreign_keys = ON;");
    REQUIRE_THROWS_WITH(db.insert(Post{.userId = 42, .title = "x"}),
                        "relate: Post.userId = 42 names no User: no row of users has id = 42");
    CHECK(db.query<Post>().where(col<&Post::userId> == 42).count() == 0);
}

BACKENDS_TEST_CASE("any failure rolls everything back and leaves the database byte for byte as it was",
                   "[uow][atomic]") {
    typename TestType::database db{TestType::open_target()};
    seed_blog(db);
    const std::string before = dump(db);

    User carl{.name = "Carl"};
    Post post{.title = "by Carl"};
    Profile profile{.userId = 2, .bio = "was Bob's"};  // a key that is not null before the commit
    Tag tag{.name = "new"};
    User renamed = db.template find_or_throw<User>(2);
    renamed.name = "Robert";

    relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
    uow.insert(carl);
    uow.insert(post, relate::parent(&Post::user, carl));
    uow.insert(profile, relate::parent(&Profile::user, carl));
    uow.insert(tag);
    uow.related(post, &Post::tags).connect({1, 2});
    uow.update(renamed);
    uow.remove(db.template find_or_throw<Post>(4));
    uow.remove(db.template find_or_throw<User>(1));  // Ada has a profile: restrict fails the whole commit, last
    REQUIRE_THROWS_AS(uow.commit(), relate::restrict_error);

    CHECK(dump(db) == before);
    CHECK(carl.id == 0);
    CHECK(post.id == 0);
    CHECK_FALSE(post.userId.has_value());
    CHECK(profile.id == 0);
    CHECK(profile.userId == 2);
    CHECK(tag.id == 0);
}

BACKENDS_TEST_CASE("an update of a row that is gone is not_found, and rolls back the rest", "[uow][atomic]") {
    typename TestType::database db{TestType::open_target()};
    seed_blog(db);
    const std::string before = dump(db);
    User dan{.name = "Dan"};
    relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
    uow.insert(dan);
    uow.update(User{.id = 99, .name = "ghost"});
    REQUIRE_THROWS_WITH(uow.commit(), "relate: no users row with id = 99");
    CHECK(dump(db) == before);
    CHECK(dan.id == 0);
}

BACKENDS_TEST_CASE("a unit of work destroyed without commit writes nothing", "[uow]") {
    typename TestType::database db{TestType::open_target()};
    seed_blog(db);
    const std::string before = dump(db);
    {
        relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
        User eve{.name = "Eve"};
        uow.insert(eve);
        uow.remove(db.template find_or_throw<Post>(1));
    }
    CHECK(dump(db) == before);
}

BACKENDS_TEST_CASE("commit spends the unit: a second commit writes nothing more", "[uow]") {
    typename TestType::database db{TestType::open_target()};
    create_blog_tables(db);
    User ada{.name = "Ada"};
    relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
    uow.insert(ada);
    uow.commit();
    CHECK(statements_of(db, [&] { uow.commit(); }) == 0);
    CHECK(db.template query<User>().count() == 1);
}

BACKENDS_TEST_CASE("staging one object twice for insert is refused", "[uow]") {
    typename TestType::database db{TestType::open_target()};
    create_blog_tables(db);
    User ada{.name = "Ada"};
    relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
    uow.insert(ada);
    CHECK_THROWS_WITH(uow.insert(ada), "relate: this User is already staged for insert in the unit of work");
}

BACKENDS_TEST_CASE("among thousands of staged inserts, each object is refused a second time", "[uow]") {
    typename TestType::database db{TestType::open_target()};
    create_blog_tables(db);
    std::vector<User> users(3000);
    relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
    for (User& u : users) uow.insert(u);
    for (const std::size_t i : {std::size_t{0}, std::size_t{1499}, std::size_t{2999}})
        CHECK_THROWS_AS(uow.insert(users[i]), relate::error);
    uow.commit();
    CHECK(db.template query<User>().count() == 3000);
    CHECK(users.back().id != 0);

    uow.insert(users.front());  // a commit spends the unit: a new batch may stage the object again
    CHECK_THROWS_AS(uow.insert(users.front()), relate::error);
}

BACKENDS_TEST_CASE("a large batch with a few parent links writes each linked row after its parent", "[uow][order]") {
    typename TestType::database db{TestType::open_target()};
    create_blog_tables(db);
    const User bob = db.insert(User{.name = "Bob"});
    std::vector<Post> posts(500);
    User ada{.name = "Ada"};

    relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
    for (std::size_t i = 0; i < posts.size(); ++i) {
        posts[i].title = "post " + std::to_string(i);
        if (i % 100 == 7) {
            uow.insert(posts[i], relate::parent(&Post::user, ada));
        } else {
            posts[i].userId = bob.id;
            uow.insert(posts[i]);
        }
    }
    uow.insert(ada);
    uow.commit();

    CHECK(db.template query<Post>().where(col<&Post::userId> == ada.id).count() == 5);
    CHECK(db.template query<Post>().where(col<&Post::userId> == bob.id).count() == 495);
    CHECK(posts[7].userId == ada.id);
    CHECK(posts[8].userId == bob.id);
}

BACKENDS_TEST_CASE("parent links that form a cycle are a validation_error", "[uow][order]") {
    typename TestType::database db{TestType::open_target()};
    create_blog_tables(db);
    Category a{.name = "a"};
    Category b{.name = "b"};
    relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
    uow.insert(a, relate::parent(&Category::parent, b));
    uow.insert(b, relate::parent(&Category::parent, a));
    CHECK_THROWS_WITH(uow.commit(), Catch::Contains("form a cycle"));
    CHECK(db.template query<Category>().count() == 0);
    CHECK(a.id == 0);
    CHECK(b.id == 0);
}

BACKENDS_TEST_CASE("a commit inside the caller's transaction is a savepoint of it", "[uow][atomic]") {
    typename TestType::database db{TestType::open_target()};
    create_blog_tables(db);
    {
        typename TestType::database::backend_type::transaction outer(db.connection());
        User ada{.name = "Ada"};
        relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
        uow.insert(ada);
        uow.commit();
        CHECK(db.template query<User>().count() == 1);
    }  // the caller rolls back: the unit's rows go with it
    CHECK(db.template query<User>().count() == 0);
}
