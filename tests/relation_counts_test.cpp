// Relation existence and counts: relate::has, relate::doesnt_have, with_count. Every case runs on
// both backends (tests/backends.hpp).

#include "backends.hpp"
#include "blog_models.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

using blog::Category;
using blog::Post;
using blog::Tag;
using blog::User;
using relate::col;

using blog::id_list;
using blog::ids;

BACKENDS_TEST_CASE("has() keeps rows with a related row matching the condition", "[counts]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);

    CHECK(ids(db.template query<User>().where(relate::has(&User::posts, col<&Post::title>.like("A%"))).get()) ==
          id_list{1});
    CHECK(ids(db.template query<User>().where(relate::has(&User::posts, col<&Post::title> == "Bees")).get()) ==
          id_list{2});
    CHECK(ids(db.template query<User>().where(relate::has(&User::posts, col<&Post::title> == "none")).get()).empty());
    CHECK(db.template query<User>().where(relate::has(&User::posts, col<&Post::title>.like("A%"))).count() == 1);
}

BACKENDS_TEST_CASE("has() without a condition keeps rows with any related row and doesnt_have the others", "[counts]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);

    CHECK(ids(db.template query<User>().where(relate::has(&User::posts)).get()) == id_list{1, 2});
    CHECK(ids(db.template query<User>().where(relate::doesnt_have(&User::posts)).get()) == id_list{3});
    CHECK(ids(db.template query<User>().where(relate::has(&User::profile)).get()) == id_list{1, 2});
    CHECK(ids(db.template query<User>().where(relate::doesnt_have(&User::posts, col<&Post::title>.like("B%"))).get()) ==
          id_list{1, 3});
    CHECK(ids(db.template query<Tag>().where(relate::doesnt_have(&Tag::posts)).get()) == id_list{4});
}

BACKENDS_TEST_CASE("has() follows belongs_to and belongs_to_many relations", "[counts]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);

    CHECK(ids(db.template query<Post>().where(relate::has(&Post::user, col<&User::name> == "Ada")).get()) ==
          id_list{1, 2, 3});
    CHECK(ids(db.template query<Post>().where(relate::has(&Post::user)).get()) == id_list{1, 2, 3, 4});
    CHECK(ids(db.template query<Post>().where(relate::doesnt_have(&Post::user)).get()) == id_list{5});
    CHECK(ids(db.template query<Post>().where(relate::has(&Post::tags, col<&Tag::name> == "c++")).get()) ==
          id_list{1, 2});
    CHECK(ids(db.template query<Post>().where(relate::doesnt_have(&Post::tags)).get()) == id_list{3});
    CHECK(ids(db.template query<Tag>().where(relate::has(&Tag::posts, col<&Post::title> == "Bees")).get()) ==
          id_list{2});
}

BACKENDS_TEST_CASE("has() nests and each level's columns refer to its own table", "[counts]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);

    // users.name and tags.name: the inner name is the tag's.
    CHECK(ids(db.template query<User>()
                  .where(relate::has(&User::posts, relate::has(&Post::tags, col<&Tag::name> == "sql")))
                  .get()) == id_list{1, 2});
    CHECK(ids(db.template query<User>()
                  .where(relate::has(&User::posts, relate::has(&Post::tags, col<&Tag::name> == "math")))
                  .get()) == id_list{1});
    CHECK(ids(db.template query<User>()
                  .where(relate::has(&User::posts, relate::has(&Post::tags, col<&Tag::name> == "Ada")))
                  .get())
              .empty());
    CHECK(ids(db.template query<Tag>()
                  .where(relate::has(&Tag::posts, relate::has(&Post::user, col<&User::name> == "Bob")))
                  .get()) == id_list{2});
    CHECK(ids(db.template query<User>()
                  .where(relate::has(&User::posts, col<&Post::title>.like("A%") &&
                                                       relate::has(&Post::tags, col<&Tag::name> == "sql")))
                  .get()) == id_list{1});

    // The same table at both levels.
    CHECK(ids(db.template query<Category>().where(relate::has(&Category::children)).get()) == id_list{1, 2});
    CHECK(ids(db.template query<Category>()
                  .where(relate::has(&Category::parent, col<&Category::name> == "Root"))
                  .get()) == id_list{2, 3});
    CHECK(ids(db.template query<Category>()
                  .where(relate::has(&Category::children,
                                     relate::has(&Category::children, col<&Category::name> == "Novels")))
                  .get()) == id_list{1});
}

BACKENDS_TEST_CASE("has() combines with other where() terms", "[counts]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);

    CHECK(ids(db.template query<User>().where(col<&User::name> != "Ada").where(relate::has(&User::posts)).get()) ==
          id_list{2});
    CHECK(ids(db.template query<User>()
                  .where(col<&User::name> == "Ada" && relate::has(&User::posts, col<&Post::title> == "Bees"))
                  .get())
              .empty());
    CHECK(ids(db.template query<User>()
                  .where(col<&User::name> == "Cy" || relate::has(&User::posts, col<&Post::title> == "Bees"))
                  .get()) == id_list{2, 3});
    CHECK(ids(db.template query<User>()
                  .where(relate::has(&User::posts, col<&Post::title> == "Bees") &&
                         relate::has(&User::profile, col<&blog::Profile::bio>.is_null()))
                  .get()) == id_list{2});
}

BACKENDS_TEST_CASE("with_count counts the related rows of each row without loading them", "[counts]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);

    std::vector<User> users;
    CHECK(blog::statements_of(db, [&] {
              users = db.template query<User>().with_count(&User::posts).order_by(col<&User::id>).get();
          }) == 2);
    REQUIRE(users.size() == 3);
    CHECK(users[0].posts.count() == 3);
    CHECK(users[1].posts.count() == 1);
    CHECK(users[2].posts.count() == 0);
    CHECK_FALSE(users[0].posts.loaded());
    REQUIRE_THROWS_AS(users[0].posts.value(), relate::not_loaded);

    SECTION("with a where() on the parent rows") {
        auto some = db.template query<User>().where(col<&User::id> >= 2).with_count(&User::posts).get();
        REQUIRE(some.size() == 2);
        CHECK(some[0].posts.count() + some[1].posts.count() == 1);
    }
    SECTION("together with the loaded relation") {
        auto loaded =
            db.template query<User>().with(&User::posts).with_count(&User::posts).order_by(col<&User::id>).get();
        for (const User& u : loaded) CHECK(u.posts.count() == static_cast<std::int64_t>(u.posts.size()));
    }
    SECTION("a single row") {
        auto ada = db.template query<User>().with_count(&User::posts).find(1);
        REQUIRE(ada);
        CHECK(ada->posts.count() == 3);
    }
}

BACKENDS_TEST_CASE("with_count counts belongs_to_many links from either side", "[counts]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);

    std::vector<Post> posts;
    CHECK(blog::statements_of(db, [&] {
              posts =
                  db.template query<Post>().with_count(&Post::tags).with(&Post::user).order_by(col<&Post::id>).get();
          }) == 3);
    REQUIRE(posts.size() == 5);
    CHECK(posts[0].tags.count() == 2);
    CHECK(posts[1].tags.count() == 2);
    CHECK(posts[2].tags.count() == 0);
    CHECK(posts[3].tags.count() == 1);
    CHECK(posts[4].tags.count() == 1);

    auto tags = db.template query<Tag>().with_count(&Tag::posts).order_by(col<&Tag::id>).get();
    REQUIRE(tags.size() == 4);
    CHECK(tags[0].posts.count() == 2);
    CHECK(tags[1].posts.count() == 2);
    CHECK(tags[2].posts.count() == 2);
    CHECK(tags[3].posts.count() == 0);
}

BACKENDS_TEST_CASE("with_count costs one statement whatever the number of rows", "[counts]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_many(db, 300);

    std::vector<User> users;
    CHECK(blog::statements_of(db, [&] { users = db.template query<User>().with_count(&User::posts).get(); }) == 2);
    REQUIRE(users.size() == 300);
    for (const User& u : users) CHECK(u.posts.count() == u.id % 4);
}
