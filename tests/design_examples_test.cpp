// Every example of DESIGN.md's "Relations: loading", "Relations: writing" and "Unit of work, foreign keys,
// delete policies" sections, compiled and checked.
#include "blog_models.hpp"

#include <relate/json.hpp>
#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace design {

using namespace blog;

/// Two users with a profile and five posts each; every post tagged with both tags.
void seed(relate::database& db) {
    db.create_tables<User, Profile, Post, Tag>();
    const Tag a = db.insert(Tag{.name = "a"});
    const Tag b = db.insert(Tag{.name = "b"});
    for (int u = 1; u <= 2; ++u) {
        const User user = db.insert(User{.name = "user" + std::to_string(u), .email = std::to_string(u) + "@x"});
        db.insert(Profile{.userId = user.id, .bio = "bio" + std::to_string(u)});
        for (int p = 1; p <= 5; ++p) {
            const Post post = db.insert(Post{.userId = user.id, .title = "post" + std::to_string(p)});
            link(db, post.id, a.id);
            link(db, post.id, b.id);
        }
    }
}

}  // namespace design

using namespace design;
using namespace blog;
using relate::col;

TEST_CASE("the eager loading examples of the design load every relation in one statement per edge", "[design]") {
    relate::database db{":memory:"};
    seed(db);

    SECTION("member pointers") {
        const auto before = db.stats().statements;
        auto users = db.query<User>().with(&User::profile, &User::posts).get();
        REQUIRE(db.stats().statements - before == 3);
        REQUIRE(users.size() == 2);
        REQUIRE(users[0].profile->bio == "bio1");
        REQUIRE(users[1].posts.size() == 5);
    }
    SECTION("dotted paths checked at compile time") {
        const auto before = db.stats().statements;
        auto user = db.query<User>().with("posts.tags", "profile").find(1);
        REQUIRE(db.stats().statements - before == 4);
        REQUIRE(user);
        REQUIRE(user->posts.size() == 5);
        REQUIRE(user->posts[0].tags.size() == 2);
        REQUIRE(user->profile->userId == 1);
    }
    SECTION("paths checked at run time") {
        auto again = db.query<User>().with(relate::runtime_path("posts.tags")).get();
        REQUIRE(again[1].posts[4].tags[1].name == "b");
        REQUIRE_THROWS_AS(db.query<User>().with(relate::runtime_path("posts.tagz")).get(), relate::unknown_relation);
    }
    SECTION("constrained and nested includes with select and a per-parent limit") {
        auto feed = db.query<User>()
                        .with(relate::include(&User::posts)
                                  .where(col<&Post::title> != "")
                                  .order_by(col<&Post::id>.desc())
                                  .limit(3)
                                  .select(&Post::id, &Post::title)
                                  .with(&Post::tags))
                        .get();
        REQUIRE(feed.size() == 2);
        for (const auto& user : feed) {
            REQUIRE(user.posts.size() == 3);  // three per user, not three in total
            REQUIRE(user.posts[0].id > user.posts[1].id);
            REQUIRE(user.posts[0].title == "post5");
            REQUIRE(user.posts[0].tags.size() == 2);
        }
    }
}

TEST_CASE("the lazy loading examples of the design query once and cache on the instance", "[design]") {
    relate::database db{":memory:"};
    seed(db);
    User user = db.find_or_throw<User>(1);
    const auto before = db.stats().statements;
    const auto& posts = db.load(user, &User::posts);
    REQUIRE(posts.size() == 5);
    REQUIRE(user.posts.loaded());
    db.load(user, &User::posts);
    REQUIRE(db.stats().statements - before == 1);

    auto users = db.query<User>().get();
    const auto batched = db.stats().statements;
    db.load(users, &User::posts);
    REQUIRE(db.stats().statements - batched == 1);
    REQUIRE(users[1].posts.size() == 5);
}

TEST_CASE("strict mode refuses a lazy load on a row of a multi-row query", "[design]") {
    relate::database db{":memory:", {.prevent_lazy_loading = true}};
    seed(db);
    auto users = db.query<User>().get();
    REQUIRE_THROWS_WITH(db.load(users[0], &User::posts), Catch::Contains("N+1") && Catch::Contains("User::posts"));
    auto one = db.query<User>().first();
    REQUIRE(db.load(*one, &User::posts).size() == 5);
}

TEST_CASE("existence and counts filter and count related rows", "[design]") {
    relate::database db{":memory:"};
    seed(db);
    db.insert(User{.name = "no posts", .email = "none@x"});
    REQUIRE(db.query<User>().where(relate::has(&User::posts, col<&Post::title>.like("post%"))).count() == 2);
    REQUIRE(db.query<User>().where(relate::doesnt_have(&User::posts)).count() == 1);
    auto users = db.query<User>().with_count(&User::posts).order_by(col<&User::id>).get();
    REQUIRE(users[0].posts.count() == 5);
    REQUIRE(users[2].posts.count() == 0);
    REQUIRE_FALSE(users[0].posts.loaded());
}

TEST_CASE("a model converts to JSON with its loaded relations and without the others", "[design][json]") {
    relate::database db{":memory:"};
    seed(db);
    auto user = db.query<User>().with("profile", "posts.tags").find(1);
    const nlohmann::json j = *user;
    REQUIRE(j["name"] == "user1");
    REQUIRE(j["profile"]["bio"] == "bio1");
    REQUIRE(j["posts"].size() == 5);
    REQUIRE(j["posts"][0]["tags"][0]["name"] == "a");
    REQUIRE_FALSE(j["posts"][0].contains("user"));  // not loaded: left out

    const nlohmann::json plain = db.find_or_throw<User>(2);
    REQUIRE_FALSE(plain.contains("posts"));
    REQUIRE_FALSE(plain.contains("profile"));

    const Post orphan = db.insert(Post{.title = "orphan"});
    const nlohmann::json loaded_empty = *db.query<Post>().with(&Post::user).find(orphan.id);
    REQUIRE(loaded_empty.contains("user"));
    REQUIRE(loaded_empty["user"].is_null());  // loaded and absent: null
    REQUIRE(loaded_empty["userId"].is_null());
}

TEST_CASE("the writing examples of the design write through each kind of relation", "[design][writing]") {
    relate::database db{":memory:"};
    seed(db);
    User user = db.find_or_throw<User>(1);
    Profile profile = db.find_or_throw<Profile>(2);
    const Tag t1 = db.find_or_throw<Tag>(1);
    const Tag t2 = db.find_or_throw<Tag>(2);
    const Tag t3 = db.insert(Tag{.name = "c"});

    Post post{.title = "draft"};
    db.related(user, &User::posts).save(post);        // sets post.userId = user.id, inserts or updates
    CHECK(post.userId == user.id);
    Post p = db.related(user, &User::posts).create(Post{.title = "Hello World"});
    CHECK(db.find_or_throw<Post>(p.id).title == "Hello World");
    db.related(profile, &Profile::user).associate(user);  // sets profile.userId; persist with db.update
    db.update(profile);
    CHECK(db.find_or_throw<Profile>(2).userId == user.id);
    db.related(post, &Post::user).dissociate();            // FK must be std::optional
    CHECK_FALSE(post.userId.has_value());
    db.related(post, &Post::tags).connect({t1.id, t2.id}); // junction rows; duplicates are a no-op
    db.related(post, &Post::tags).connect({t1.id});
    db.related(post, &Post::tags).disconnect({t1.id});
    CHECK(db.query<Post>().with(&Post::tags).find(post.id)->tags.size() == 1);
    db.related(post, &Post::tags).set({t3.id});             // replace all links
    const auto tags = db.query<Post>().with(&Post::tags).find(post.id)->tags;
    REQUIRE(tags.size() == 1);
    CHECK(tags[0].name == "c");
}

TEST_CASE("the unit of work example of the design commits in one transaction", "[design][uow]") {
    relate::database db{":memory:"};
    seed(db);
    // old_user has posts (cascade) and no profile, so it can go; other is renamed.
    const User old_user = db.insert(User{.name = "old", .email = "old@x"});
    db.insert(Post{.userId = old_user.id, .title = "old post"});
    User other = db.find_or_throw<User>(2);
    other.name = "renamed";

    User user{.name = "new", .email = "new@x"};
    Post post{.title = "first"};
    relate::unit_of_work uow{db};
    uow.insert(user);                  // by reference: ids are written back into the objects on commit
    uow.insert(post, relate::parent(&Post::user, user));   // FK taken from a pending parent on commit
    uow.update(other);
    uow.remove(old_user);
    uow.commit();

    CHECK(user.id != 0);
    CHECK(post.userId == user.id);
    CHECK(db.find_or_throw<User>(2).name == "renamed");
    CHECK_FALSE(db.find<User>(old_user.id).has_value());
    CHECK(db.query<Post>().where(col<&Post::title> == "old post").count() == 0);

    SECTION("bulk remove and plan_remove of the design") {
        const relate::remove_plan plan = db.plan_remove(user);
        CHECK(plan.rows("posts", relate::remove_action::remove) == 1);
        CHECK(plan.rows("users", relate::remove_action::remove) == 1);
        // users 1 and 2 have profiles (restrict): the bulk remove is refused as a whole.
        CHECK_THROWS_AS(db.query<User>().where(col<&User::name>.like("user%") || col<&User::id> == user.id).remove(),
                        relate::restrict_error);
        CHECK(db.query<User>().where(col<&User::id> == user.id).remove() == 1);
        CHECK(db.query<Post>().where(col<&Post::id> == post.id).count() == 0);
    }
}
