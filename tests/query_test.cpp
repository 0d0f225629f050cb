// relate::query<T>: where() with every predicate, raw SQL, order_by, limit/offset, and the
// terminal operations get, first, find, count, exists and remove. Every case runs on both backends
// (tests/backends.hpp); LIKE's case-insensitivity is SQLite's only (PostgreSQL's LIKE is
// case-sensitive).

#include "backends.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace query_models {

struct User {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::string> email;
    int age = 0;
};

}  // namespace query_models

using namespace query_models;
using relate::col;

namespace {

/// Seven users with ids 1..7.
template <class Db>
void seed(Db& db) {
    db.template create_tables<User>();
    db.insert(User{.name = "Ada", .email = "ada@example.com", .age = 36});
    db.insert(User{.name = "Bob", .age = 40});
    db.insert(User{.name = "Carol", .email = "carol@example.com", .age = 29});
    db.insert(User{.name = "Dave", .age = 51});
    db.insert(User{.name = "Eve", .email = "eve@example.com", .age = 22});
    db.insert(User{.name = "Alexander", .email = "alex@example.com", .age = 36});
    db.insert(User{.name = "Bartholomew", .age = 19});
}

/// Names in the order the query returned them.
std::vector<std::string> names(const std::vector<User>& users) {
    std::vector<std::string> out;
    for (const User& u : users) out.push_back(u.name);
    return out;
}

/// Names sorted, for results whose order the query does not fix.
std::vector<std::string> sorted_names(const std::vector<User>& users) {
    auto out = names(users);
    std::sort(out.begin(), out.end());
    return out;
}

using names_t = std::vector<std::string>;

}  // namespace

BACKENDS_TEST_CASE("where compares a column with each comparison operator", "[query]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);
    auto matching = [&](const relate::predicate<User>& p) {
        return sorted_names(db.template query<User>().where(p).get());
    };

    CHECK(matching(col<&User::age> == 36) == names_t{"Ada", "Alexander"});
    CHECK(matching(col<&User::age> != 36) == names_t{"Bartholomew", "Bob", "Carol", "Dave", "Eve"});
    CHECK(matching(col<&User::age> < 29) == names_t{"Bartholomew", "Eve"});
    CHECK(matching(col<&User::age> <= 29) == names_t{"Bartholomew", "Carol", "Eve"});
    CHECK(matching(col<&User::age> > 40) == names_t{"Dave"});
    CHECK(matching(col<&User::age> >= 40) == names_t{"Bob", "Dave"});

    SECTION("on text columns") {
        CHECK(matching(col<&User::name> == "Carol") == names_t{"Carol"});
        CHECK(matching(col<&User::name> == std::string("carol")).empty());  // = is case-sensitive
        CHECK(matching(col<&User::name> < "B") == names_t{"Ada", "Alexander"});
    }

    SECTION("on an optional column, with the value type") {
        CHECK(matching(col<&User::email> == "eve@example.com") == names_t{"Eve"});
    }

    SECTION("on the primary key") {
        CHECK(matching(col<&User::id> == 4) == names_t{"Dave"});
        CHECK(matching(col<&User::id> > 5) == names_t{"Alexander", "Bartholomew"});
    }
}

BACKENDS_TEST_CASE("like matches SQL patterns, case-insensitively for ASCII", "[query]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);
    auto matching = [&](const relate::predicate<User>& p) {
        return sorted_names(db.template query<User>().where(p).get());
    };

    CHECK(matching(col<&User::name>.like("A%")) == names_t{"Ada", "Alexander"});
    if constexpr (std::is_same_v<TestType, backends::sqlite_memory>) {  // PostgreSQL's LIKE is case-sensitive
        CHECK(matching(col<&User::name>.like("a%")) == names_t{"Ada", "Alexander"});
    }
    CHECK(matching(col<&User::name>.like("%o%")) == names_t{"Bartholomew", "Bob", "Carol"});
    CHECK(matching(col<&User::name>.like("_ve")) == names_t{"Eve"});
    CHECK(matching(col<&User::name>.like("Zed%")).empty());
    CHECK(matching(col<&User::email>.like("%@example.com")) == names_t{"Ada", "Alexander", "Carol", "Eve"});
}

BACKENDS_TEST_CASE("in matches any of the listed values and an empty list matches nothing", "[query]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);
    auto matching = [&](const relate::predicate<User>& p) {
        return sorted_names(db.template query<User>().where(p).get());
    };

    SECTION("an initializer list") {
        CHECK(matching(col<&User::id>.in({1, 3, 99})) == names_t{"Ada", "Carol"});
        CHECK(matching(col<&User::name>.in({"Bob", "Eve", "Nobody"})) == names_t{"Bob", "Eve"});
    }

    SECTION("a vector") {
        const std::vector<std::int64_t> ids{2, 4, 6};
        CHECK(matching(col<&User::id>.in(ids)) == names_t{"Alexander", "Bob", "Dave"});
        const std::vector<std::string> wanted{"Carol"};
        CHECK(matching(col<&User::name>.in(wanted)) == names_t{"Carol"});
    }

    SECTION("an empty list") {
        const std::vector<std::int64_t> none;
        CHECK(matching(col<&User::id>.in(none)).empty());
        CHECK(matching(col<&User::id>.in({})).empty());
        CHECK(matching(!col<&User::id>.in(none)).size() == 7);
    }

    SECTION("an optional column") {
        CHECK(matching(col<&User::email>.in({"ada@example.com", "bob@example.com"})) == names_t{"Ada"});
    }
}

BACKENDS_TEST_CASE("is_null and is_not_null test an optional column", "[query]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);
    CHECK(sorted_names(db.template query<User>().where(col<&User::email>.is_null()).get()) ==
          names_t{"Bartholomew", "Bob", "Dave"});
    CHECK(sorted_names(db.template query<User>().where(col<&User::email>.is_not_null()).get()) ==
          names_t{"Ada", "Alexander", "Carol", "Eve"});
}

BACKENDS_TEST_CASE("predicates combine with &&, || and ! and keep their grouping", "[query]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);
    auto matching = [&](const relate::predicate<User>& p) {
        return sorted_names(db.template query<User>().where(p).get());
    };

    CHECK(matching(col<&User::age> > 30 && col<&User::email>.is_null()) == names_t{"Bob", "Dave"});
    CHECK(matching(col<&User::age> < 20 || col<&User::age> > 50) == names_t{"Bartholomew", "Dave"});
    CHECK(matching(!(col<&User::age> > 30)) == names_t{"Bartholomew", "Carol", "Eve"});
    CHECK(matching(!col<&User::email>.is_null()) == names_t{"Ada", "Alexander", "Carol", "Eve"});

    SECTION("grouping follows the C++ expression, not SQL's precedence") {
        CHECK(matching((col<&User::name> == "Ada" || col<&User::name> == "Bob") && col<&User::age> > 38) ==
              names_t{"Bob"});
        CHECK(matching(col<&User::name> == "Ada" || (col<&User::name> == "Bob" && col<&User::age> > 100)) ==
              names_t{"Ada"});
        CHECK(matching(!(col<&User::age> > 30 && col<&User::email>.is_null())) ==
              names_t{"Ada", "Alexander", "Bartholomew", "Carol", "Eve"});
    }
}

BACKENDS_TEST_CASE("raw SQL is a predicate whose arguments are bound values", "[query][raw]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);
    auto matching = [&](const relate::predicate<User>& p) {
        return sorted_names(db.template query<User>().where(p).get());
    };

    SECTION("alone") {
        CHECK(matching(relate::raw("length(name) > ?", 5)) == names_t{"Alexander", "Bartholomew"});
        CHECK(matching(relate::raw("email IS NULL")) == names_t{"Bartholomew", "Bob", "Dave"});
    }

    SECTION("with several arguments of several types") {
        CHECK(matching(relate::raw("age BETWEEN ? AND ?", 30, 40)) == names_t{"Ada", "Alexander", "Bob"});
        CHECK(matching(relate::raw("name = ? OR age = ?", "Eve", std::int64_t{51})) == names_t{"Dave", "Eve"});
        CHECK(matching(relate::raw("upper(name) = upper(?)", std::string("carol"))) == names_t{"Carol"});
    }

    SECTION("combined with column predicates on either side") {
        CHECK(matching(relate::raw("length(name) > ?", 5) && col<&User::age> < 30) == names_t{"Bartholomew"});
        CHECK(matching(col<&User::age> > 50 || relate::raw("length(name) > ?", 9)) == names_t{"Bartholomew", "Dave"});
        CHECK(matching(!relate::predicate<User>(relate::raw("length(name) > ?", 3))) == names_t{"Ada", "Bob", "Eve"});
    }

    SECTION("a value that looks like SQL stays a value") {
        CHECK(matching(relate::raw("name = ?", "Ada' OR '1'='1")).empty());
        CHECK(db.template query<User>().count() == 7);
    }
}

BACKENDS_TEST_CASE("several where calls are joined with AND", "[query]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);
    const auto rows = db.template query<User>()
                          .where(col<&User::age> > 25)
                          .where(col<&User::email>.is_not_null())
                          .where(relate::raw("length(name) > ?", 3))
                          .get();
    CHECK(sorted_names(rows) == names_t{"Alexander", "Carol"});

    SECTION("an OR inside one where stays inside it") {
        const auto either = db.template query<User>()
                                .where(col<&User::name> == "Bob" || col<&User::name> == "Eve")
                                .where(col<&User::age> > 30)
                                .get();
        CHECK(names(either) == names_t{"Bob"});
    }
}

BACKENDS_TEST_CASE("order_by sorts ascending, descending and by several terms", "[query]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);

    CHECK(names(db.template query<User>().order_by(col<&User::name>).get()) ==
          names_t{"Ada", "Alexander", "Bartholomew", "Bob", "Carol", "Dave", "Eve"});
    CHECK(names(db.template query<User>().order_by(col<&User::name>.asc()).get()) ==
          names_t{"Ada", "Alexander", "Bartholomew", "Bob", "Carol", "Dave", "Eve"});
    CHECK(names(db.template query<User>().order_by(col<&User::name>.desc()).get()) ==
          names_t{"Eve", "Dave", "Carol", "Bob", "Bartholomew", "Alexander", "Ada"});

    SECTION("several terms in one call") {
        CHECK(names(db.template query<User>().order_by(col<&User::age>.desc(), col<&User::name>).get()) ==
              names_t{"Dave", "Bob", "Ada", "Alexander", "Carol", "Eve", "Bartholomew"});
        CHECK(names(db.template query<User>().order_by(col<&User::age>.desc(), col<&User::name>.desc()).get()) ==
              names_t{"Dave", "Bob", "Alexander", "Ada", "Carol", "Eve", "Bartholomew"});
    }

    SECTION("several calls add terms in order") {
        CHECK(names(db.template query<User>().order_by(col<&User::age>).order_by(col<&User::id>.desc()).get()) ==
              names_t{"Bartholomew", "Eve", "Carol", "Alexander", "Ada", "Bob", "Dave"});
    }

    SECTION("with where") {
        CHECK(names(db.template query<User>().where(col<&User::email>.is_null()).order_by(col<&User::age>.desc()).get()) ==
              names_t{"Dave", "Bob", "Bartholomew"});
    }
}

BACKENDS_TEST_CASE("limit and offset page through the rows", "[query]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);
    auto by_id = [&] { return db.template query<User>().order_by(col<&User::id>); };

    CHECK(names(by_id().limit(2).get()) == names_t{"Ada", "Bob"});
    CHECK(names(by_id().limit(2).offset(2).get()) == names_t{"Carol", "Dave"});
    CHECK(names(by_id().offset(2).limit(2).get()) == names_t{"Carol", "Dave"});
    CHECK(names(by_id().limit(3).offset(6).get()) == names_t{"Bartholomew"});

    SECTION("offset without limit skips rows and returns all the rest") {
        CHECK(names(by_id().offset(5).get()) == names_t{"Alexander", "Bartholomew"});
    }

    SECTION("edge values") {
        CHECK(by_id().limit(0).get().empty());
        CHECK(by_id().offset(7).get().empty());
        CHECK(by_id().limit(100).get().size() == 7);
        CHECK(by_id().offset(0).get().size() == 7);
    }

    SECTION("with where and a descending order") {
        CHECK(names(db.template query<User>()
                        .where(col<&User::age> > 20)
                        .order_by(col<&User::age>.desc(), col<&User::id>)
                        .limit(3)
                        .offset(1)
                        .get()) == names_t{"Bob", "Ada", "Alexander"});
    }
}

BACKENDS_TEST_CASE("first returns the first row in order, or nullopt", "[query]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);

    const auto oldest = db.template query<User>().order_by(col<&User::age>.desc()).first();
    REQUIRE(oldest.has_value());
    CHECK(oldest->name == "Dave");

    const auto second_youngest = db.template query<User>().order_by(col<&User::age>).offset(1).first();
    REQUIRE(second_youngest.has_value());
    CHECK(second_youngest->name == "Eve");

    CHECK_FALSE(db.template query<User>().where(col<&User::age> > 100).first().has_value());

    SECTION("an empty table") {
        db.template query<User>().remove();
        CHECK_FALSE(db.template query<User>().first().has_value());
    }

    SECTION("first leaves the query's own limit alone") {
        auto q = db.template query<User>().order_by(col<&User::id>).limit(3);
        REQUIRE(q.first().has_value());
        CHECK(q.get().size() == 3);
    }

    SECTION("first reads one statement") {
        const auto before = db.stats().statements;
        (void)db.template query<User>().first();
        CHECK(db.stats().statements == before + 1);
    }
}

BACKENDS_TEST_CASE("find on a query looks the key up among the rows that match", "[query]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);
    auto older = [&] { return db.template query<User>().where(col<&User::age> > 30); };

    const auto ada = older().find(1);
    REQUIRE(ada.has_value());
    CHECK(ada->name == "Ada");
    CHECK_FALSE(older().find(3).has_value());   // Carol exists but is 29
    CHECK_FALSE(older().find(99).has_value());  // no such row
    CHECK(db.template query<User>().find(3).has_value());
}

BACKENDS_TEST_CASE("count and exists", "[query]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);

    CHECK(db.template query<User>().count() == 7);
    CHECK(db.template query<User>().where(col<&User::email>.is_null()).count() == 3);
    CHECK(db.template query<User>().where(col<&User::age> > 100).count() == 0);

    SECTION("count honours limit and offset") {
        CHECK(db.template query<User>().limit(3).count() == 3);
        CHECK(db.template query<User>().limit(100).count() == 7);
        CHECK(db.template query<User>().offset(5).count() == 2);
        CHECK(db.template query<User>().limit(4).offset(5).count() == 2);
        CHECK(db.template query<User>().where(col<&User::age> > 30).limit(2).count() == 2);
    }

    SECTION("exists") {
        CHECK(db.template query<User>().exists());
        CHECK(db.template query<User>().where(col<&User::name> == "Eve").exists());
        CHECK_FALSE(db.template query<User>().where(col<&User::name> == "Mallory").exists());
    }

    SECTION("each is one statement") {
        const auto before = db.stats().statements;
        (void)db.template query<User>().where(col<&User::age> > 30).count();
        (void)db.template query<User>().where(col<&User::age> > 30).exists();
        CHECK(db.stats().statements == before + 2);
    }
}

BACKENDS_TEST_CASE("remove deletes the matching rows, returns how many, and leaves the others", "[query][remove]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);

    const auto before = db.stats().statements;
    CHECK(db.template query<User>().where(col<&User::age> > 35).remove() == 4);
    CHECK(db.stats().statements == before + 1);
    CHECK(sorted_names(db.template query<User>().get()) == names_t{"Bartholomew", "Carol", "Eve"});

    SECTION("nothing matching removes nothing") {
        CHECK(db.template query<User>().where(col<&User::name> == "Mallory").remove() == 0);
        CHECK(db.template query<User>().count() == 3);
    }

    SECTION("without where, every row") {
        CHECK(db.template query<User>().remove() == 3);
        CHECK(db.template query<User>().count() == 0);
    }
}

BACKENDS_TEST_CASE("remove with order_by and limit deletes only the rows the query selects", "[query][remove]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);
    CHECK(db.template query<User>().order_by(col<&User::age>.desc()).limit(2).remove() == 2);
    CHECK(sorted_names(db.template query<User>().get()) == names_t{"Ada", "Alexander", "Bartholomew", "Carol", "Eve"});
}

BACKENDS_TEST_CASE("running the same query shape with other values reuses the cached statement", "[query][cache]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);
    auto& conn = db.connection();

    CHECK(db.template query<User>().where(col<&User::age> > 30).order_by(col<&User::id>).limit(2).get().size() == 2);
    const auto cached = conn.cached_statements();

    const auto rows = db.template query<User>().where(col<&User::age> > 50).order_by(col<&User::id>).limit(5).get();
    CHECK(names(rows) == names_t{"Dave"});
    CHECK(conn.cached_statements() == cached);

    SECTION("count, exists, first and remove too") {
        (void)db.template query<User>().where(col<&User::name> == "Ada").count();
        (void)db.template query<User>().where(col<&User::name> == "Ada").exists();
        (void)db.template query<User>().where(col<&User::name> == "Ada").first();
        (void)db.template query<User>().where(col<&User::name> == "Nobody").remove();
        const auto after_first_round = conn.cached_statements();
        CHECK(db.template query<User>().where(col<&User::name> == "Bob").count() == 1);
        CHECK(db.template query<User>().where(col<&User::name> == "Bob").exists());
        CHECK(db.template query<User>().where(col<&User::name> == "Bob").first()->age == 40);
        CHECK(db.template query<User>().where(col<&User::name> == "Bob").remove() == 1);
        CHECK(conn.cached_statements() == after_first_round);
    }

    SECTION("raw predicates with other values") {
        (void)db.template query<User>().where(relate::raw("length(name) > ?", 5)).get();
        const auto after = conn.cached_statements();
        CHECK(db.template query<User>().where(relate::raw("length(name) > ?", 3)).get().size() == 4);
        CHECK(conn.cached_statements() == after);
    }
}

BACKENDS_TEST_CASE("a query can be run more than once and gives the same rows", "[query]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);
    auto q = db.template query<User>().where(col<&User::age> > 30).order_by(col<&User::name>);
    const auto first_run = names(q.get());
    CHECK(first_run == names_t{"Ada", "Alexander", "Bob", "Dave"});
    CHECK(names(q.get()) == first_run);
    CHECK(q.count() == 4);

    SECTION("and sees rows written in between") {
        db.insert(User{.name = "Zoe", .age = 31});
        CHECK(q.count() == 5);
        CHECK(names(q.get()).back() == "Zoe");
    }
}
