// Through relations: has_many_through (a country's posts through its users) and has_one_through
// (a mechanic's car's owner), eager and lazy, with has / doesnt_have, counts and aggregates, a
// scoped query, and keys named with relate::through_keys. The cases run on both backends
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

using relate::col;

namespace atlas {

struct User;
struct Post;

struct Country {
    std::int64_t id = 0;
    std::string name;
    relate::has_many<User> users;
    relate::has_many_through<Post, User> posts;  // users.countryId, posts.userId
};

struct User {
    std::int64_t id = 0;
    std::int64_t countryId = 0;
    std::string name;
    relate::belongs_to<Country> country;
    relate::has_many<Post, relate::cascade> posts;
};

struct Post {
    std::int64_t id = 0;
    std::int64_t userId = 0;
    std::string title;
    int score = 0;
    relate::belongs_to<User> user;
};

struct Owner;
struct Car;

struct Mechanic {
    std::int64_t id = 0;
    std::string name;
    relate::has_one<Car> car;
    relate::has_one_through<Owner, Car> owner;  // cars.mechanicId, owners.carId
};

struct Car {
    std::int64_t id = 0;
    std::int64_t mechanicId = 0;
    relate::has_one<Owner> owner;
};

struct Owner {
    std::int64_t id = 0;
    std::int64_t carId = 0;
    std::string name;
};

/// Countries 1 France (users 1, 2), 2 Peru (user 3, no posts), 3 Chad (no users).
/// Posts: user 1 "a" 5, "b" 7; user 2 "c" 1.
template <class Db>
void seed(Db& db) {
    db.template create_tables<Country, User, Post>();
    for (const char* name : {"France", "Peru", "Chad"}) db.insert(Country{.name = name});
    db.insert(User{.countryId = 1, .name = "Ann"});
    db.insert(User{.countryId = 1, .name = "Bob"});
    db.insert(User{.countryId = 2, .name = "Cid"});
    db.insert(Post{.userId = 1, .title = "a", .score = 5});
    db.insert(Post{.userId = 1, .title = "b", .score = 7});
    db.insert(Post{.userId = 2, .title = "c", .score = 1});
}

/// The titles of c's posts, sorted: an include that names no order reads them in none.
std::vector<std::string> sorted_titles(const Country& c) {
    std::vector<std::string> out;
    for (const Post& p : c.posts) out.push_back(p.title);
    std::sort(out.begin(), out.end());
    return out;
}

const Post& post_titled(const Country& c, const std::string& title) {
    for (const Post& p : c.posts)
        if (p.title == title) return p;
    FAIL("no post titled " << title);
    throw;
}

}  // namespace atlas

using atlas::Country;
using atlas::Post;
using atlas::User;

BACKENDS_TEST_CASE("has_many_through loads every parent's rows in one statement", "[through]") {
    typename TestType::database db{TestType::open_target()};
    atlas::seed(db);
    std::vector<Country> countries;
    CHECK(blog::statements_of(db, [&] {
              countries = db.template query<Country>().with(&Country::posts).order_by(col<&Country::id>).get();
          }) == 2);
    REQUIRE(countries.size() == 3);
    CHECK(atlas::sorted_titles(countries[0]) == std::vector<std::string>{"a", "b", "c"});
    CHECK(countries[1].posts.empty());
    CHECK(countries[2].posts.empty());

    SECTION("nested below it, and constrained like any include") {
        std::vector<Country> with_users;
        CHECK(blog::statements_of(db, [&] {
                  with_users = db.template query<Country>()
                                   .with(relate::include(&Country::posts)
                                             .where(col<&Post::score> > 2)
                                             .order_by(col<&Post::score>.desc())
                                             .limit(1)
                                             .with("user"))
                                   .order_by(col<&Country::id>)
                                   .get();
              }) == 3);
        REQUIRE(with_users[0].posts.size() == 1);
        CHECK(with_users[0].posts[0].title == "b");
        CHECK(with_users[0].posts[0].user->name == "Ann");
    }
    SECTION("lazily, on one row") {
        Country france = db.template find_or_throw<Country>(1);
        CHECK(blog::statements_of(db, [&] { CHECK(db.load(france, &Country::posts).size() == 3); }) == 1);
    }
    SECTION("a path through it loads with the dotted syntax") {
        auto all = db.template query<Country>().with("posts.user").order_by(col<&Country::id>).get();
        CHECK(atlas::post_titled(all[0], "c").user->name == "Bob");
    }
}

BACKENDS_TEST_CASE("has and doesnt_have, counts and aggregates go through the intermediate table", "[through]") {
    typename TestType::database db{TestType::open_target()};
    atlas::seed(db);
    const auto names = [](const std::vector<Country>& cs) {
        std::vector<std::string> out;
        for (const Country& c : cs) out.push_back(c.name);
        return out;
    };
    CHECK(names(db.template query<Country>().where(relate::has(&Country::posts)).get()) ==
          std::vector<std::string>{"France"});
    CHECK(names(db.template query<Country>()
                    .where(relate::doesnt_have(&Country::posts))
                    .order_by(col<&Country::id>)
                    .get()) == std::vector<std::string>{"Peru", "Chad"});
    CHECK(db.template query<Country>().where(relate::has(&Country::posts, col<&Post::title> == "c")).count() == 1);
    CHECK(db.template query<Country>().where(relate::has(&Country::posts, relate::at_least(4))).count() == 0);

    std::vector<Country> counted;
    CHECK(blog::statements_of(db, [&] {
              counted = db.template query<Country>()
                            .with_count(&Country::posts)
                            .with_sum(&Country::posts, &Post::score)
                            .with_max(&Country::posts, &Post::score)
                            .order_by(col<&Country::id>)
                            .get();
          }) == 2);
    CHECK(counted[0].posts.count() == 3);
    CHECK(counted[0].posts.sum() == 13);
    CHECK(counted[0].posts.max() == 7);
    CHECK(counted[1].posts.count() == 0);
    CHECK_FALSE(counted[2].posts.max().has_value());
}

BACKENDS_TEST_CASE("a query scoped to a has_many_through sees only that parent's rows", "[through]") {
    typename TestType::database db{TestType::open_target()};
    atlas::seed(db);
    Country france = db.template find_or_throw<Country>(1);
    auto posts = db.related(france, &Country::posts).query();
    CHECK(posts.count() == 3);
    CHECK(db.related(france, &Country::posts).query().where(col<&Post::score> >= 5).count() == 2);
    Country peru = db.template find_or_throw<Country>(2);
    CHECK_FALSE(db.related(peru, &Country::posts).query().exists());
}

BACKENDS_TEST_CASE("a through relation is read-only: removing its owner applies only the declared policies", "[through]") {
    typename TestType::database db{TestType::open_target()};
    atlas::seed(db);
    const Country chad = db.template find_or_throw<Country>(3);
    const auto plan = db.plan_remove(chad);
    CHECK(plan.steps.size() == 1);  // the country itself: posts are not its children
    db.remove(chad);
    CHECK(db.template query<Post>().count() == 3);
}

BACKENDS_TEST_CASE("has_one_through loads the row at the end of two has_one steps", "[through]") {
    using atlas::Car;
    using atlas::Mechanic;
    using atlas::Owner;
    typename TestType::database db{TestType::open_target()};
    db.template create_tables<Mechanic, Car, Owner>();
    db.insert(Mechanic{.name = "Max"});
    db.insert(Mechanic{.name = "Ida"});
    db.insert(Car{.mechanicId = 1});
    db.insert(Owner{.carId = 1, .name = "Olga"});

    std::vector<Mechanic> mechanics;
    CHECK(blog::statements_of(db, [&] {
              mechanics = db.template query<Mechanic>().with(&Mechanic::owner).order_by(col<&Mechanic::id>).get();
          }) == 2);
    REQUIRE(mechanics[0].owner);
    CHECK(mechanics[0].owner->name == "Olga");
    CHECK(mechanics[1].owner.loaded());
    CHECK(mechanics[1].owner.get() == nullptr);

    Mechanic max = db.template find_or_throw<Mechanic>(1);
    CHECK(db.load(max, &Mechanic::owner)->name == "Olga");
    CHECK(db.template query<Mechanic>().where(relate::has(&Mechanic::owner)).count() == 1);
}

namespace renamed {

struct Region;
struct Article;

struct Author {
    std::int64_t id = 0;
    std::int64_t homeRegion = 0;
};

struct Article {
    std::int64_t id = 0;
    std::int64_t writtenBy = 0;
    std::string title;
};

struct Region {
    std::int64_t id = 0;
    relate::has_many_through<Article, Author, relate::through_keys<"homeRegion", "writtenBy">> articles;
};

}  // namespace renamed

BACKENDS_TEST_CASE("through_keys names the two foreign keys", "[through]") {
    using namespace renamed;
    typename TestType::database db{TestType::open_target()};
    db.template create_tables<Region, Author, Article>();
    db.insert(Region{});
    db.insert(Region{});
    db.insert(Author{.homeRegion = 2});
    db.insert(Article{.writtenBy = 1, .title = "x"});
    auto regions = db.template query<Region>().with(&Region::articles).order_by(col<&Region::id>).get();
    CHECK(regions[0].articles.empty());
    REQUIRE(regions[1].articles.size() == 1);
    CHECK(regions[1].articles[0].title == "x");
}
