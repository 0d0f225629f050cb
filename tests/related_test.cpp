// Writes through relations: save / create (has_one, has_many), associate / dissociate
// (belongs_to), connect / disconnect / set (belongs_to_many), immediate or staged in a unit. Every
// case runs on both backends (tests/backends.hpp).

#include "backends.hpp"
#include "blog_models.hpp"
#include "db_dump.hpp"
#include "db_dump_postgres.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

using namespace blog;
using relate::col;
using test_support::dump;

namespace {

template <class Db>
std::vector<std::int64_t> tag_ids(Db& db, std::int64_t post_id) {
    std::vector<std::int64_t> ids;
    const std::optional<Post> post = db.template query<Post>().with(&Post::tags).find(post_id);
    for (const Tag& tag : post->tags) ids.push_back(tag.id);
    std::sort(ids.begin(), ids.end());
    return ids;
}

/// The one integer a raw SQL query returns (COUNT(*) ...), read through the database's connection.
template <class Db>
std::int64_t scalar(Db& db, const std::string& sql) {
    auto st = db.connection().prepare(sql);
    REQUIRE(st->step());
    return st->column_int64(0);
}

}  // namespace

BACKENDS_TEST_CASE("save through has_many sets the foreign key, then inserts or updates", "[related][save]") {
    typename TestType::database db{TestType::open_target()};
    seed_blog(db);
    User bob = db.template find_or_throw<User>(2);

    Post post{.title = "Hives"};
    db.related(bob, &User::posts).save(post);
    CHECK(post.id != 0);
    CHECK(post.userId == bob.id);
    CHECK(db.template find_or_throw<Post>(post.id).userId == bob.id);

    SECTION("saving an existing row moves it to this parent") {
        Post anonymous = db.template find_or_throw<Post>(5);
        db.related(bob, &User::posts).save(anonymous);
        CHECK(db.template find_or_throw<Post>(5).userId == bob.id);
        CHECK(db.template query<Post>().count() == 6);
    }
    SECTION("a loaded relation is stale after the write, so it is not loaded any more") {
        db.load(bob, &User::posts);
        Post more{.title = "More bees"};
        db.related(bob, &User::posts).save(more);
        CHECK_FALSE(bob.posts.loaded());
        CHECK(db.load(bob, &User::posts).size() == 3);
    }
}

BACKENDS_TEST_CASE("create through has_many and has_one returns the new row with its key", "[related][create]") {
    typename TestType::database db{TestType::open_target()};
    seed_blog(db);
    User cy = db.template find_or_throw<User>(3);
    const Post p = db.related(cy, &User::posts).create(Post{.title = "Hello World"});
    CHECK(p.id == 6);
    CHECK(p.userId == cy.id);
    const Profile profile = db.related(cy, &User::profile).create(Profile{.bio = "new"});
    CHECK(db.template find_or_throw<Profile>(profile.id).userId == cy.id);
}

BACKENDS_TEST_CASE("save through a relation of a parent that is gone is a validation_error", "[related][save]") {
    typename TestType::database db{TestType::open_target()};
    seed_blog(db);
    const std::string before = dump(db);
    User ghost{.id = 77, .name = "ghost"};
    Post post{.title = "nobody's"};
    REQUIRE_THROWS_WITH(db.related(ghost, &User::posts).save(post),
                        "relate: Post.userId = 77 names no User: no row of users has id = 77");
    CHECK(post.id == 0);
    CHECK_FALSE(post.userId.has_value());  // the object is as it was
    CHECK(dump(db) == before);
}

BACKENDS_TEST_CASE("associate and dissociate change the foreign key in memory; update persists it",
                   "[related][belongs_to]") {
    typename TestType::database db{TestType::open_target()};
    seed_blog(db);
    Profile profile = db.template find_or_throw<Profile>(2);
    const User cy = db.template find_or_throw<User>(3);

    const auto statements = statements_of(db, [&] { db.related(profile, &Profile::user).associate(cy); });
    CHECK(statements == 0);
    CHECK(profile.userId == cy.id);
    REQUIRE(profile.user.loaded());
    CHECK(profile.user->name == "Cy");
    CHECK(db.template find_or_throw<Profile>(2).userId == 2);  // not written yet
    db.update(profile);
    CHECK(db.template find_or_throw<Profile>(2).userId == cy.id);

    Post post = db.template find_or_throw<Post>(1);
    db.related(post, &Post::user).dissociate();
    CHECK_FALSE(post.userId.has_value());
    CHECK(post.user.loaded());
    CHECK(post.user.get() == nullptr);
    db.update(post);
    CHECK_FALSE(db.template find_or_throw<Post>(1).userId.has_value());

    SECTION("associating a parent that has no key yet is refused") {
        Profile other = db.template find_or_throw<Profile>(1);
        CHECK_THROWS_AS(db.related(other, &Profile::user).associate(User{.name = "unsaved"}), relate::validation_error);
        CHECK(other.userId == 1);
    }
}

BACKENDS_TEST_CASE("connect, disconnect and set change the junction rows", "[related][belongs_to_many]") {
    typename TestType::database db{TestType::open_target()};
    seed_blog(db);
    Post notes = db.template find_or_throw<Post>(3);  // no tags

    db.related(notes, &Post::tags).connect({1, 2});
    CHECK(tag_ids(db, 3) == std::vector<std::int64_t>{1, 2});

    SECTION("connecting an existing link is a no-op") {
        db.related(notes, &Post::tags).connect({2, 3});
        CHECK(tag_ids(db, 3) == std::vector<std::int64_t>{1, 2, 3});
    }
    SECTION("disconnect removes only those links") {
        db.related(notes, &Post::tags).disconnect({1, 4});
        CHECK(tag_ids(db, 3) == std::vector<std::int64_t>{2});
        CHECK(tag_ids(db, 1) == std::vector<std::int64_t>{1, 3});  // other posts keep theirs
    }
    SECTION("set replaces every link") {
        db.related(notes, &Post::tags).set({4});
        CHECK(tag_ids(db, 3) == std::vector<std::int64_t>{4});
        db.related(notes, &Post::tags).set({});
        CHECK(tag_ids(db, 3).empty());
    }
    SECTION("connecting to a missing row is a validation_error and writes nothing") {
        const std::string before = dump(db);
        REQUIRE_THROWS_AS(db.related(notes, &Post::tags).connect({2, 99}), relate::validation_error);
        REQUIRE_THROWS_WITH(db.related(notes, &Post::tags).set({99}),
                            "relate: cannot connect Post::tags to Tag id = 99: no row of tags has id = 99");
        CHECK(dump(db) == before);
    }
    SECTION("from the other side, the same junction") {
        Tag unused = db.template find_or_throw<Tag>(4);
        db.related(unused, &Tag::posts).connect({3});
        CHECK(tag_ids(db, 3) == std::vector<std::int64_t>{1, 2, 4});
    }
    SECTION("the keys as any range: an array, a span, a set, a built-in array") {
        const std::array<std::int64_t, 2> more{3, 4};
        db.related(notes, &Post::tags).connect(more);
        CHECK(tag_ids(db, 3) == std::vector<std::int64_t>{1, 2, 3, 4});
        db.related(notes, &Post::tags).disconnect(std::span<const std::int64_t>(more).first(1));
        CHECK(tag_ids(db, 3) == std::vector<std::int64_t>{1, 2, 4});
        std::set<std::int64_t> wanted;
        for (const Tag& t : db.template query<Tag>().where(relate::col<&Tag::name> != "unused").get())
            wanted.insert(t.id);
        db.related(notes, &Post::tags).set(wanted);
        CHECK(tag_ids(db, 3) == std::vector<std::int64_t>{1, 2, 3});
        const std::int64_t built_in[] = {4};
        db.related(notes, &Post::tags).connect(built_in);
        CHECK(tag_ids(db, 3) == std::vector<std::int64_t>{1, 2, 3, 4});
    }
    SECTION("links of a post that is gone are refused") {
        Post ghost{.id = 50, .title = "ghost"};
        CHECK_THROWS_WITH(db.related(ghost, &Post::tags).connect({1}),
                          "relate: cannot change the links of Post::tags of Post id = 50: no row of posts has id = 50");
    }
}

BACKENDS_TEST_CASE("connecting or disconnecting an empty list runs no statement", "[related][belongs_to_many]") {
    typename TestType::database db{TestType::open_target()};
    seed_blog(db);
    Post hello = db.template query<Post>().with(&Post::tags).find(1).value();
    const std::string before = dump(db);

    CHECK(statements_of(db, [&] { db.related(hello, &Post::tags).connect({}); }) == 0);
    CHECK(statements_of(db, [&] { db.related(hello, &Post::tags).disconnect({}); }) == 0);
    CHECK(hello.tags.loaded());  // nothing was written, so what it holds is not stale
    relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
    uow.related(hello, &Post::tags).connect({});
    CHECK(statements_of(db, [&] { uow.commit(); }) == 0);
    CHECK(dump(db) == before);

    // set({}) is a write: it removes every link.
    CHECK(statements_of(db, [&] { db.related(hello, &Post::tags).set({}); }) > 0);
    CHECK(tag_ids(db, 1).empty());
}

BACKENDS_TEST_CASE("related writes staged in a unit of work take keys from pending parents", "[related][uow]") {
    typename TestType::database db{TestType::open_target()};
    seed_blog(db);
    User dee{.name = "Dee"};
    Post post{.title = "staged"};

    relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
    uow.insert(dee);
    uow.related(dee, &User::posts).save(post);
    uow.related(post, &Post::tags).connect({1, 3});
    CHECK(post.id == 0);
    uow.commit();

    CHECK(post.userId == dee.id);
    CHECK(tag_ids(db, post.id) == std::vector<std::int64_t>{1, 3});
}

BACKENDS_TEST_CASE("a relation's query sees only the model's related rows", "[related][query]") {
    typename TestType::database db{TestType::open_target()};
    seed_blog(db);
    User ada = db.template find_or_throw<User>(1);
    User cy = db.template find_or_throw<User>(3);
    Post engine = db.template find_or_throw<Post>(1);
    Post bees = db.template find_or_throw<Post>(4);
    Post anonymous = db.template find_or_throw<Post>(5);

    SECTION("has_many: where, order_by, limit, get, first, count and exists, one statement each") {
        auto posts = db.related(ada, &User::posts).query();
        CHECK(statements_of(db, [&] { CHECK(posts.count() == 3); }) == 1);
        CHECK(db.related(ada, &User::posts).query().where(col<&Post::title>.like("A%")).count() == 2);
        const std::vector<Post> last_two =
            db.related(ada, &User::posts).query().order_by(col<&Post::id>.desc()).limit(2).get();
        REQUIRE(last_two.size() == 2);
        CHECK(last_two[0].id == 3);
        CHECK(last_two[1].id == 2);
        CHECK(db.related(ada, &User::posts).query().where(col<&Post::title> == "Bees").first() == std::nullopt);
        CHECK_FALSE(db.related(cy, &User::posts).query().exists());
        CHECK(db.related(ada, &User::posts).query().with(&Post::tags).find(2)->tags.size() == 2);
        CHECK(db.related(ada, &User::posts).query().find(4) == std::nullopt);  // Bob's post
    }
    SECTION("has_many: remove deletes only the model's rows, with their policies") {
        CHECK(db.related(ada, &User::posts).query().where(col<&Post::title>.like("A%")).remove() == 2);
        CHECK(db.template query<Post>().count() == 3);
        CHECK(db.related(ada, &User::posts).query().count() == 1);
        // Their links went with them.
        CHECK(scalar(db, "SELECT COUNT(*) FROM \"post_tags\" WHERE \"postId\" IN (1, 2)") == 0);
        CHECK(scalar(db, "SELECT COUNT(*) FROM \"post_tags\"") == 2);
    }
    SECTION("has_one, belongs_to and belongs_to_many") {
        CHECK(db.related(ada, &User::profile).query().first()->bio == std::optional<std::string>{"math"});
        CHECK_FALSE(db.related(cy, &User::profile).query().exists());
        CHECK(db.related(bees, &Post::user).query().first()->name == "Bob");
        CHECK_FALSE(db.related(anonymous, &Post::user).query().exists());  // a NULL key names no row
        CHECK(db.related(engine, &Post::tags).query().count() == 2);
        CHECK(db.related(engine, &Post::tags).query().where(col<&Tag::name> == "math").count() == 1);
        const std::vector<Tag> tags = db.related(engine, &Post::tags).query().order_by(col<&Tag::name>).get();
        REQUIRE(tags.size() == 2);
        CHECK(tags[0].name == "c++");
        CHECK(tags[1].name == "math");
        Tag math = db.template find_or_throw<Tag>(3);
        CHECK(db.related(math, &Tag::posts).query().count() == 2);
    }
    SECTION("the query reads the model's key when it is made, not when the model changes") {
        auto posts = db.related(ada, &User::posts).query();
        ada.id = 2;
        CHECK(posts.count() == 3);
        CHECK(db.related(ada, &User::posts).query().count() == 1);
    }
}
