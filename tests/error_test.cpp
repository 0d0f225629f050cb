// The exception hierarchy (include/relate/error.hpp): one base, relate::error, itself a
// std::runtime_error; every message relate throws starts with "relate: ". docs/errors.md is the
// catalogue. The test cases that open a database run on SQLite and on PostgreSQL
// (tests/backends.hpp).

#include "backends.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace error_models {

struct User {
    std::int64_t id = 0;
    std::string name;
    std::uint64_t visits = 0;
};

}  // namespace error_models

using namespace error_models;

TEST_CASE("every class of the hierarchy derives from relate::error and std::runtime_error", "[error]") {
    STATIC_REQUIRE(std::is_base_of_v<std::runtime_error, relate::error>);

    STATIC_REQUIRE(std::is_base_of_v<relate::error, relate::sql_error>);
    STATIC_REQUIRE(std::is_base_of_v<relate::error, relate::validation_error>);
    STATIC_REQUIRE(std::is_base_of_v<relate::error, relate::restrict_error>);
    STATIC_REQUIRE(std::is_base_of_v<relate::error, relate::not_found>);
    STATIC_REQUIRE(std::is_base_of_v<relate::error, relate::not_loaded>);
    STATIC_REQUIRE(std::is_base_of_v<relate::error, relate::lazy_loading_violation>);
    STATIC_REQUIRE(std::is_base_of_v<relate::error, relate::depth_limit_error>);
    STATIC_REQUIRE(std::is_base_of_v<relate::error, relate::unknown_relation>);
    STATIC_REQUIRE(std::is_base_of_v<relate::error, relate::type_error>);
    STATIC_REQUIRE(std::is_base_of_v<relate::error, relate::schema_error>);
    STATIC_REQUIRE(std::is_base_of_v<relate::error, relate::schema_mismatch>);

    STATIC_REQUIRE(std::is_base_of_v<std::runtime_error, relate::sql_error>);
    STATIC_REQUIRE(std::is_base_of_v<std::runtime_error, relate::validation_error>);
    STATIC_REQUIRE(std::is_base_of_v<std::runtime_error, relate::restrict_error>);
    STATIC_REQUIRE(std::is_base_of_v<std::runtime_error, relate::not_found>);
    STATIC_REQUIRE(std::is_base_of_v<std::runtime_error, relate::not_loaded>);
    STATIC_REQUIRE(std::is_base_of_v<std::runtime_error, relate::lazy_loading_violation>);
    STATIC_REQUIRE(std::is_base_of_v<std::runtime_error, relate::depth_limit_error>);
    STATIC_REQUIRE(std::is_base_of_v<std::runtime_error, relate::unknown_relation>);
    STATIC_REQUIRE(std::is_base_of_v<std::runtime_error, relate::type_error>);
    STATIC_REQUIRE(std::is_base_of_v<std::runtime_error, relate::schema_error>);
    STATIC_REQUIRE(std::is_base_of_v<std::runtime_error, relate::schema_mismatch>);
}

TEST_CASE("the classes are distinct: catching one does not catch another", "[error]") {
    STATIC_REQUIRE_FALSE(std::is_base_of_v<relate::not_found, relate::type_error>);
    STATIC_REQUIRE_FALSE(std::is_base_of_v<relate::sql_error, relate::not_found>);
    STATIC_REQUIRE_FALSE(std::is_base_of_v<relate::validation_error, relate::restrict_error>);
    STATIC_REQUIRE_FALSE(std::is_base_of_v<relate::schema_error, relate::schema_mismatch>);
}

BACKENDS_TEST_CASE("every error relate throws has a message starting with relate: and is a relate::error", "[error]") {
    constexpr bool on_sqlite = std::is_same_v<typename TestType::database, relate::database>;
    typename TestType::database db{TestType::open_target()};
    db.template create_tables<User>();
    const User ada = db.insert(User{.name = "Ada"});

    // Runs action, which must throw E; returns its message after checking how it can be caught.
    auto message_of = [](const std::function<void()>& action, auto expected_type) -> std::string {
        using E = typename decltype(expected_type)::type;
        try {
            action();
        } catch (const E& e) {
            const relate::error& as_base = e;
            const std::runtime_error& as_std = e;
            CHECK(std::string(as_base.what()) == as_std.what());
            return e.what();
        } catch (const std::exception& other) {
            FAIL("threw another exception: " << other.what());
        }
        FAIL("nothing thrown");
        return {};
    };

    SECTION("sql_error for a syntax error") {
        const std::string m =
            message_of([&] { db.connection().execute("SELEC 1"); }, std::type_identity<relate::sql_error>{});
        CHECK_THAT(m, Catch::StartsWith("relate: ") && Catch::Contains("syntax error"));
    }

    SECTION("sql_error for a constraint") {
        const std::string m = message_of([&] { db.insert(User{.id = ada.id, .name = "again"}); },
                                         std::type_identity<relate::sql_error>{});
        if constexpr (on_sqlite) {
            CHECK_THAT(m, Catch::StartsWith("relate: ") && Catch::Contains("UNIQUE constraint failed: users.id"));
        } else {
            CHECK_THAT(m, Catch::StartsWith("relate: ") && Catch::Contains("unique constraint \"users_pkey\""));
        }
    }

    if constexpr (on_sqlite) {
        SECTION("sql_error when the file cannot be opened") {
            const std::string m = message_of([] { relate::database bad{"/nonexistent-relate-dir/x.db"}; },
                                             std::type_identity<relate::sql_error>{});
            CHECK_THAT(m, Catch::StartsWith("relate: ") && Catch::Contains("unable to open database file"));
        }
    } else {
        SECTION("sql_error when the server cannot be reached") {
            const std::string m =
                message_of([] { typename TestType::database bad{"host=/nonexistent-relate-dir port=1"}; },
                           std::type_identity<relate::sql_error>{});
            CHECK_THAT(m, Catch::StartsWith("relate: ") && Catch::Contains("cannot connect to PostgreSQL"));
        }
    }

    SECTION("not_found from find_or_throw, update and remove") {
        const User ghost{.id = 77, .name = "Ghost"};
        for (const auto& action :
             {std::function<void()>([&] { (void)db.template find_or_throw<User>(77); }),
              std::function<void()>([&] { db.update(ghost); }), std::function<void()>([&] { db.remove(ghost); })}) {
            CHECK(message_of(action, std::type_identity<relate::not_found>{}) == "relate: no users row with id = 77");
        }
    }

    SECTION("type_error when writing a value the database cannot hold") {
        const std::string m = message_of([&] { db.insert(User{.name = "big", .visits = ~std::uint64_t{0}}); },
                                         std::type_identity<relate::type_error>{});
        CHECK(m == "relate: cannot store users.visits = 18446744073709551615: it does not fit a signed 64-bit integer, "
                   "the widest the database stores");
    }

    SECTION("type_error when reading a value that does not fit") {
        db.connection().execute("UPDATE \"users\" SET \"visits\" = -3");
        const std::string m =
            message_of([&] { (void)db.template find<User>(ada.id); }, std::type_identity<relate::type_error>{});
        CHECK_THAT(m, Catch::StartsWith("relate: cannot read users.visits (value -3)"));
    }
}

BACKENDS_TEST_CASE("sql_error carries the result codes and the SQL", "[error]") {
    typename TestType::database db{TestType::open_target()};
    try {
        db.connection().execute(
            "CREATE TABLE t (x INTEGER UNIQUE); INSERT INTO t VALUES (1); INSERT INTO t VALUES (1)");
        FAIL("no exception");
    } catch (const relate::error& e) {
        const auto* sql = dynamic_cast<const relate::sql_error*>(&e);
        REQUIRE(sql != nullptr);
        CHECK(sql->code() == SQLITE_CONSTRAINT);
        CHECK(sql->extended_code() == SQLITE_CONSTRAINT_UNIQUE);
        CHECK_THAT(sql->sql(), Catch::Contains("INSERT INTO t VALUES (1)"));
    }
}

TEST_CASE("schema_mismatch carries every difference", "[error]") {
    const relate::schema_mismatch mismatch("relate: the database does not match the models",
                                           {"users.email: missing", "posts: missing table"});
    CHECK(mismatch.differences() == std::vector<std::string>{"users.email: missing", "posts: missing table"});
    CHECK(std::string(mismatch.what()) == "relate: the database does not match the models");
}
