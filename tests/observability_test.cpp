// What a user sees of models and statements: fmt::print("{}", model) and db.on_statement.

#include "blog_models.hpp"

#include <relate/format.hpp>
#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <chrono>
#include <string>
#include <vector>

using namespace blog;

TEST_CASE("fmt prints a model's columns and its loaded relations, nested", "[format]") {
    relate::database db{":memory:"};
    seed_blog(db);

    const User bob = *db.query<User>().with(&User::profile, "posts.tags").find(2);
    CHECK(fmt::format("{}", bob) ==
          "User{id: 2, name: \"Bob\", email: \"bob@example.com\", profile: Profile{id: 2, userId: 2, bio: null}, "
          "posts: [Post{id: 4, userId: 2, title: \"Bees\", tags: [Tag{id: 2, name: \"sql\"}]}]}");

    SECTION("relations that are not loaded are left out; an absent one is null") {
        CHECK(fmt::format("{}", db.find_or_throw<User>(3)) == "User{id: 3, name: \"Cy\", email: \"cy@example.com\"}");
        const User cy = *db.query<User>().with(&User::profile).find(3);
        CHECK(fmt::format("{}", cy) == "User{id: 3, name: \"Cy\", email: \"cy@example.com\", profile: null}");
    }
    SECTION("text is quoted and escaped") {
        const Tag tag = db.insert(Tag{.name = "say \"hi\"\n"});
        CHECK(fmt::format("{}", tag) == fmt::format("Tag{{id: {}, name: \"say \\\"hi\\\"\\n\"}}", tag.id));
    }
    SECTION("other aggregates keep fmt's own formatting") {
        CHECK(fmt::format("{}", std::array<int, 2>{1, 2}) == "[1, 2]");
    }
}

TEST_CASE("on_statement sees each data statement's SQL and duration", "[on_statement]") {
    relate::database db{":memory:"};
    seed_blog(db);
    std::vector<std::string> seen;
    std::chrono::nanoseconds total{0};
    db.on_statement([&](std::string_view sql, std::chrono::nanoseconds duration) {
        seen.emplace_back(sql);
        total += duration;
    });

    const auto before = db.stats().statements;
    const auto users = db.query<User>().with(&User::posts).get();
    REQUIRE(seen.size() == db.stats().statements - before);
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].starts_with("SELECT \"users\".\"id\""));
    CHECK(seen[1].find("\"posts\".\"userId\" IN (") != std::string::npos);
    CHECK(seen[1].find('?') != std::string::npos);  // values are bound, never in the text
    CHECK(total.count() > 0);

    SECTION("an N+1 pattern shows as one statement per row") {
        seen.clear();
        for (auto user : db.query<User>().get()) db.load(user, &User::profile);
        CHECK(seen.size() == 1 + users.size());
    }
    SECTION("an empty observer stops it") {
        db.on_statement({});
        seen.clear();
        (void)db.query<User>().count();
        CHECK(seen.empty());
    }
    SECTION("an observer that throws does not break the query") {
        db.on_statement([](std::string_view, std::chrono::nanoseconds) { throw std::runtime_error("logger down"); });
        CHECK(db.query<User>().count() == 3);
    }
}
