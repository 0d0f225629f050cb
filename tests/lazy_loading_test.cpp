// Lazy loading with db.load: one statement the first time, none after, and one batched
// statement for a whole vector; every relation kind. Every case runs on both backends
// (tests/backends.hpp).

#include "backends.hpp"
#include "blog_models.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

using blog::Post;
using blog::Profile;
using blog::Tag;
using blog::User;
using relate::col;

namespace {

std::vector<std::string> names_of(const relate::belongs_to_many<Tag>& tags) {
    std::vector<std::string> out;
    for (const Tag& t : tags) out.push_back(t.name);
    std::sort(out.begin(), out.end());
    return out;
}

/// The loaded post of `user` with key `id`: a relation loads its rows in no particular order.
const Post& post_of(const User& user, std::int64_t id) {
    const auto found = std::find_if(user.posts.begin(), user.posts.end(), [&](const Post& p) { return p.id == id; });
    REQUIRE(found != user.posts.end());
    return *found;
}

}  // namespace

BACKENDS_TEST_CASE("db.load loads a has_many once and a second call runs no statement", "[lazy]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);
    User ada = db.template find_or_throw<User>(1);

    const relate::has_many<Post, relate::cascade>* returned = nullptr;
    CHECK(blog::statements_of(db, [&] { returned = &db.load(ada, &User::posts); }) == 1);
    CHECK(returned == &ada.posts);
    REQUIRE(ada.posts.loaded());

    std::vector<std::string> titles;
    for (const Post& p : db.load(ada, &User::posts)) titles.push_back(p.title);
    std::sort(titles.begin(), titles.end());
    CHECK(titles == std::vector<std::string>{"Algorithms", "Analytical Engine", "Notes"});

    CHECK(blog::statements_of(db, [&] { (void)db.load(ada, &User::posts); }) == 0);

    SECTION("the cached rows are kept even after the table changes") {
        db.insert(Post{.userId = 1, .title = "Later"});
        CHECK(db.load(ada, &User::posts).size() == 3);
    }
    SECTION("an empty result is loaded too") {
        User cy = db.template find_or_throw<User>(3);
        CHECK(db.load(cy, &User::posts).empty());
        CHECK(cy.posts.loaded());
        CHECK(blog::statements_of(db, [&] { (void)db.load(cy, &User::posts); }) == 0);
    }
}

BACKENDS_TEST_CASE("db.load on a vector loads every model in one batched statement", "[lazy]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_many(db, 100);

    auto users = db.template query<User>().get();
    REQUIRE(users.size() == 100);
    CHECK(blog::statements_of(db, [&] { db.load(users, &User::posts); }) == 1);
    for (const User& u : users) {
        INFO("user " << u.id);
        REQUIRE(u.posts.loaded());
        CHECK(u.posts.size() == static_cast<std::size_t>(u.id % 4));
        for (const Post& p : u.posts) CHECK(p.userId == u.id);
    }
    CHECK(blog::statements_of(db, [&] { db.load(users, &User::posts); }) == 0);

    SECTION("only the models that lack the relation are loaded") {
        std::vector<User> mixed;
        mixed.push_back(db.template find_or_throw<User>(2));
        mixed.push_back(db.template find_or_throw<User>(7));
        mixed.push_back(db.template find_or_throw<User>(8));
        REQUIRE(db.load(mixed[0], &User::profile)->userId == 2);
        const Profile* kept = mixed[0].profile.get();
        CHECK(blog::statements_of(db, [&] { db.load(mixed, &User::profile); }) == 1);
        CHECK(mixed[0].profile.get() == kept);  // not reloaded
        CHECK(mixed[1].profile.loaded());
        CHECK(mixed[1].profile.get() == nullptr);
        REQUIRE(mixed[2].profile.get() != nullptr);
        CHECK(mixed[2].profile->bio == std::optional<std::string>{"bio8"});
        CHECK(blog::statements_of(db, [&] { db.load(mixed, &User::profile); }) == 0);
    }
    SECTION("a whole vector of posts loads its tags in one statement") {
        auto posts = db.template query<Post>().get();
        REQUIRE(posts.size() > 100);
        CHECK(blog::statements_of(db, [&] { db.load(posts, &Post::tags); }) == 1);
        for (const Post& p : posts) CHECK(p.tags.size() == 1);
    }
}

BACKENDS_TEST_CASE("db.load gives each of several models with one key its own rows, and a null key none", "[lazy]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_many(db, 8);

    // User 6 twice (two posts, a profile), then user 3 (three posts, no profile).
    std::vector<User> users{db.template find_or_throw<User>(6), db.template find_or_throw<User>(6),
                            db.template find_or_throw<User>(3)};
    CHECK(blog::statements_of(db, [&] { db.load(users, &User::posts); }) == 1);
    CHECK(blog::statements_of(db, [&] { db.load(users, &User::profile); }) == 1);
    const std::size_t expected_posts[] = {2, 2, 3};
    for (std::size_t i = 0; i < users.size(); ++i) {
        INFO("model " << i);
        REQUIRE(users[i].posts.size() == expected_posts[i]);
        for (const Post& p : users[i].posts) CHECK(p.userId == users[i].id);
    }
    CHECK(users[0].posts[0].id == users[1].posts[0].id);
    REQUIRE(users[0].profile.get() != nullptr);
    REQUIRE(users[1].profile.get() != nullptr);
    CHECK(users[0].profile.get() != users[1].profile.get());  // each model owns its row
    CHECK(users[1].profile->bio == std::optional<std::string>{"bio6"});
    CHECK(users[2].profile.loaded());
    CHECK(users[2].profile.get() == nullptr);

    std::vector<Post> posts{db.insert(Post{.userId = std::nullopt, .title = "orphan"}), users[2].posts[0]};
    CHECK(blog::statements_of(db, [&] { db.load(posts, &Post::user); }) == 1);
    CHECK(posts[0].user.loaded());
    CHECK(posts[0].user.get() == nullptr);
    REQUIRE(posts[1].user.get() != nullptr);
    CHECK(posts[1].user->id == 3);
}

BACKENDS_TEST_CASE("db.load loads a belongs_to lazily", "[lazy]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);

    Post bees = db.template find_or_throw<Post>(4);
    CHECK(blog::statements_of(db, [&] { REQUIRE(db.load(bees, &Post::user).get() != nullptr); }) == 1);
    CHECK(bees.user->name == "Bob");
    CHECK_FALSE(bees.user->posts.loaded());
    CHECK(blog::statements_of(db, [&] { (void)db.load(bees, &Post::user); }) == 0);

    Post anonymous = db.template find_or_throw<Post>(5);
    CHECK(db.load(anonymous, &Post::user).get() == nullptr);
    CHECK(anonymous.user.loaded());
    REQUIRE_THROWS_AS(anonymous.user.value(), relate::not_found);

    auto posts = db.template query<Post>().get();
    db.load(posts, &Post::user);
    for (const Post& p : posts) {
        REQUIRE(p.user.loaded());
        if (p.userId)
            CHECK(p.user->id == *p.userId);
        else
            CHECK(p.user.get() == nullptr);
    }
}

BACKENDS_TEST_CASE("db.load loads a has_one lazily", "[lazy]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);

    User ada = db.template find_or_throw<User>(1);
    CHECK(blog::statements_of(db, [&] { (void)db.load(ada, &User::profile); }) == 1);
    REQUIRE(ada.profile.get() != nullptr);
    CHECK(ada.profile->bio == std::optional<std::string>{"math"});

    User cy = db.template find_or_throw<User>(3);
    CHECK(db.load(cy, &User::profile).get() == nullptr);
    CHECK(cy.profile.loaded());

    Profile bobs = db.template find_or_throw<Profile>(2);
    CHECK(db.load(bobs, &Profile::user)->name == "Bob");
}

BACKENDS_TEST_CASE("db.load loads a belongs_to_many lazily from either side", "[lazy]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);

    Post engine = db.template find_or_throw<Post>(1);
    CHECK(blog::statements_of(db, [&] { (void)db.load(engine, &Post::tags); }) == 1);
    CHECK(names_of(engine.tags) == std::vector<std::string>{"c++", "math"});
    CHECK(blog::statements_of(db, [&] { (void)db.load(engine, &Post::tags); }) == 0);

    Post notes = db.template find_or_throw<Post>(3);
    CHECK(db.load(notes, &Post::tags).empty());

    Tag math = db.template find_or_throw<Tag>(3);
    std::vector<std::int64_t> ids;
    for (const Post& p : db.load(math, &Tag::posts)) ids.push_back(p.id);
    std::sort(ids.begin(), ids.end());
    CHECK(ids == std::vector<std::int64_t>{1, 5});
}

BACKENDS_TEST_CASE("db.load works on a model that was inserted rather than read", "[lazy]") {
    typename TestType::database db{TestType::open_target()};
    blog::create_blog_tables(db);
    User eve = db.insert(User{.name = "Eve", .email = "e"});
    db.insert(Post{.userId = eve.id, .title = "first"});
    CHECK(db.load(eve, &User::posts).size() == 1);
    CHECK(eve.posts[0].title == "first");
}

BACKENDS_TEST_CASE("db.load takes paths and include specs, nested, one statement per edge, and reloads",
                   "[lazy][paths]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);
    auto users = db.template query<User>().order_by(col<&User::id>).get();  // Ada, Bob, Cy

    CHECK(blog::statements_of(db, [&] { db.load(users, "posts.tags", &User::profile); }) == 3);
    REQUIRE(users[0].posts.size() == 3);
    CHECK(names_of(post_of(users[0], 1).tags) == std::vector<std::string>{"c++", "math"});
    CHECK(names_of(users[1].posts[0].tags) == std::vector<std::string>{"sql"});
    CHECK(users[0].profile->bio == std::optional<std::string>{"math"});
    CHECK(users[2].posts.size() == 0);
    CHECK(users[2].profile.loaded());
    CHECK(users[2].profile.get() == nullptr);

    SECTION("what a row held is read again, with the include's constraints") {
        db.insert(Post{.userId = 3, .title = "Cy's first"});
        CHECK(blog::statements_of(db, [&] { db.load(users, &User::posts); }) == 0);  // the lazy load keeps it
        const auto a_titles = relate::include(&User::posts).where(col<&Post::title>.like("A%"));
        CHECK(blog::statements_of(db, [&] { db.load(users, a_titles); }) == 1);
        CHECK(users[0].posts.size() == 2);  // replaced, not appended to
        CHECK(users[2].posts.size() == 0);
        CHECK_FALSE(users[0].posts[0].tags.loaded());  // the new rows, without the old nested loads
        CHECK(blog::statements_of(db, [&] { db.load(users, "posts"); }) == 1);
        REQUIRE(users[2].posts.size() == 1);
        CHECK(users[2].posts[0].title == "Cy's first");
    }
    SECTION("a run-time path is checked as with() checks it, before any statement") {
        CHECK(blog::statements_of(db, [&] {
                  CHECK_THROWS_AS(db.load(users, relate::runtime_path{"posts.nope"}), relate::unknown_relation);
              }) == 0);
        CHECK(users[0].posts.size() == 3);
    }
    SECTION("an empty vector runs nothing") {
        std::vector<User> none;
        CHECK(blog::statements_of(db, [&] { db.load(none, "posts.tags"); }) == 0);
    }
}

BACKENDS_TEST_CASE("db.load_missing loads only what is not loaded, at every depth, and nothing when nothing is",
                   "[lazy][paths]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);
    std::vector<User> users{db.template find_or_throw<User>(1), db.template find_or_throw<User>(2),
                            db.template find_or_throw<User>(3)};
    REQUIRE(db.load(users[0], &User::posts).size() == 3);  // Ada's posts, without their tags
    const Post* kept = &users[0].posts[0];

    // Bob's and Cy's posts, then the tags of every post, kept or new: one statement per edge.
    CHECK(blog::statements_of(db, [&] { db.load_missing(users, "posts.tags"); }) == 2);
    CHECK(&users[0].posts[0] == kept);
    CHECK(names_of(post_of(users[0], 1).tags) == std::vector<std::string>{"c++", "math"});
    CHECK(names_of(post_of(users[0], 3).tags).empty());
    REQUIRE(users[1].posts.size() == 1);
    CHECK(names_of(users[1].posts[0].tags) == std::vector<std::string>{"sql"});
    CHECK(users[2].posts.size() == 0);

    CHECK(blog::statements_of(db, [&] { db.load_missing(users, "posts.tags"); }) == 0);
    CHECK(blog::statements_of(db, [&] { db.load_missing(users, "posts.tags", &User::profile); }) == 1);
    CHECK(blog::statements_of(db, [&] { db.load_missing(users, "posts.tags", "profile"); }) == 0);

    SECTION("a belongs_to row shared by several children is searched once") {
        auto posts = db.template query<Post>().where(col<&Post::userId> == 1).with(&Post::user).get();
        REQUIRE(posts.size() == 3);
        CHECK(blog::statements_of(db, [&] { db.load_missing(posts, "user.posts"); }) == 1);
        CHECK(posts[0].user->posts.size() == 3);
        CHECK(posts[2].user->posts.size() == 3);  // the same row: not loaded twice
    }
}

namespace failing_loads {

enum class Shade : std::int8_t { light, dark };

struct Work;

struct Painter {
    std::int64_t id = 0;
    Shade shade = Shade::light;
    relate::has_many<Work> works;
};

struct Work {
    std::int64_t id = 0;
    std::int64_t painterId = 0;
    Shade shade = Shade::light;
    relate::belongs_to<Painter> painter;
};

}  // namespace failing_loads

BACKENDS_TEST_CASE("a load that fails leaves the relations it was reading not loaded, never loaded with part of "
                   "their rows",
                   "[lazy][errors]") {
    using failing_loads::Painter;
    using failing_loads::Work;
    typename TestType::database db{TestType::open_target()};
    db.template create_tables<Painter, Work>();
    for (int p = 0; p < 3; ++p) {
        const Painter painter = db.insert(Painter{});
        for (int w = 0; w < 3; ++w) db.insert(Work{.painterId = painter.id});
    }
    auto painters = db.template query<Painter>().order_by(col<&Painter::id>).get();
    REQUIRE(db.load(painters[0], &Painter::works).size() == 3);
    const auto each_unloaded = [&] {
        for (const Painter& p : painters) CHECK_FALSE(p.works.loaded());
    };

    SECTION("a has_many whose last row does not fit its field: every parent's relation, the loaded one too") {
        db.connection().execute("UPDATE works SET shade = 1000 WHERE id = 9");
        CHECK_THROWS_AS(db.load(painters, "works"), relate::type_error);
        each_unloaded();
        CHECK(blog::statements_of(db, [&] { CHECK_THROWS_AS(db.load_missing(painters, "works"), relate::type_error); }) ==
              1);
        each_unloaded();

        db.connection().execute("UPDATE works SET shade = 1 WHERE id = 9");
        CHECK(blog::statements_of(db, [&] { db.load_missing(painters, "works"); }) == 1);
        for (const Painter& p : painters) CHECK(p.works.size() == 3);
    }
    SECTION("a belongs_to that fails leaves each child's relation as it was") {
        db.connection().execute("UPDATE painters SET shade = 1000 WHERE id = 2");
        auto works = db.template query<Work>().order_by(col<&Work::id>).get();
        CHECK_THROWS_AS(db.load(works, &Work::painter), relate::type_error);
        for (const Work& w : works) CHECK_FALSE(w.painter.loaded());
    }
    SECTION("a nested edge that fails leaves the edge above it loaded, whole") {
        db.connection().execute("UPDATE painters SET shade = 1000 WHERE id = 3");
        CHECK_THROWS_AS(db.load(painters, "works.painter"), relate::type_error);
        for (const Painter& p : painters) {
            REQUIRE(p.works.size() == 3);
            for (const Work& w : p.works) CHECK_FALSE(w.painter.loaded());
        }
    }
}
