// Writes that match existing rows: db.upsert and uow.upsert (INSERT ... ON CONFLICT DO UPDATE),
// update_or_create, first_or_create, and save_many / create_many through a has_many. Every case
// runs on both backends (tests/backends.hpp).

#include "backends.hpp"
#include "blog_models.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

using Catch::Contains;
using relate::col;

namespace league {

struct Player;

struct Team {
    std::int64_t id = 0;
    std::string name;
    relate::has_many<Player, relate::cascade> players;
};

struct Player {
    std::int64_t id = 0;
    std::int64_t teamId = 0;
    std::string email;
    std::string name;
    int goals = 0;
    relate::belongs_to<Team> team;
};

/// Teams 1 "Reds" and 2 "Blues"; players.email unique, and (teamId, name) unique. The identifiers
/// are quoted: PostgreSQL folds unquoted ones to lower case.
template <class Db>
void seed(Db& db) {
    db.template create_tables<Team, Player>();
    db.connection().execute("CREATE UNIQUE INDEX players_email_unique ON \"players\" (\"email\")");
    db.connection().execute("CREATE UNIQUE INDEX players_team_name_unique ON \"players\" (\"teamId\", \"name\")");
    db.insert(Team{.name = "Reds"});
    db.insert(Team{.name = "Blues"});
}

template <class Db>
std::int64_t players(Db& db) {
    return db.template query<Player>().count();
}

}  // namespace league

using league::Player;
using league::Team;

BACKENDS_TEST_CASE("upsert inserts a new row, or updates the one holding the same unique values", "[upsert]") {
    typename TestType::database db{TestType::open_target()};
    league::seed(db);

    const Player ann = db.upsert(Player{.teamId = 1, .email = "ann@x", .name = "Ann", .goals = 1}, col<&Player::email>);
    CHECK(ann.id == 1);
    const Player again = db.upsert(Player{.teamId = 2, .email = "ann@x", .name = "Ann B.", .goals = 5}, col<&Player::email>);
    CHECK(again.id == ann.id);  // the key of the row updated
    CHECK(league::players(db) == 1);
    const Player stored = db.template find_or_throw<Player>(ann.id);
    CHECK(stored.teamId == 2);
    CHECK(stored.name == "Ann B.");
    CHECK(stored.goals == 5);

    SECTION("on a unique index over two columns") {
        const Player bo = db.upsert(Player{.teamId = 2, .email = "bo@x", .name = "Bo", .goals = 2},
                                    col<&Player::teamId>, col<&Player::name>);
        const Player bo2 = db.upsert(Player{.teamId = 2, .email = "bo@y", .name = "Bo", .goals = 3},
                                     col<&Player::teamId>, col<&Player::name>);
        CHECK(bo2.id == bo.id);
        CHECK(db.template find_or_throw<Player>(bo.id).email == "bo@y");
        CHECK(league::players(db) == 2);
    }
    SECTION("on the primary key") {
        const Player by_key = db.upsert(Player{.id = ann.id, .teamId = 1, .email = "ann@z", .name = "Ann", .goals = 9},
                                        col<&Player::id>);
        CHECK(by_key.id == ann.id);
        CHECK(db.template find_or_throw<Player>(ann.id).email == "ann@z");
        CHECK(league::players(db) == 1);
    }
    SECTION("update_or_create is the same write") {
        const Player p = db.update_or_create(Player{.teamId = 1, .email = "ann@x", .name = "Ann C.", .goals = 7},
                                             col<&Player::email>);
        CHECK(p.id == ann.id);
        CHECK(db.template find_or_throw<Player>(ann.id).goals == 7);
        const Player q = db.update_or_create(Player{.teamId = 1, .email = "cy@x", .name = "Cy"}, col<&Player::email>);
        CHECK(q.id != ann.id);
        CHECK(league::players(db) == 2);
    }
}

BACKENDS_TEST_CASE("a refused upsert names why and writes nothing", "[upsert]") {
    typename TestType::database db{TestType::open_target()};
    league::seed(db);
    db.upsert(Player{.teamId = 1, .email = "ann@x", .name = "Ann", .goals = 1}, col<&Player::email>);

    SECTION("no unique index on the columns named") {
        Player p{.teamId = 1, .email = "bo@x", .name = "Bo"};
        CHECK_THROWS_AS(db.upsert(p, col<&Player::goals>), relate::schema_mismatch);
        CHECK_THROWS_WITH(db.upsert(p, col<&Player::goals>),
                          Contains("cannot upsert Player: players has no primary key or unique index on exactly (goals)"));
        CHECK(league::players(db) == 1);
    }
    SECTION("a foreign key naming no row") {
        CHECK_THROWS_AS(db.upsert(Player{.teamId = 99, .email = "ann@x", .name = "Ann"}, col<&Player::email>),
                        relate::validation_error);
        CHECK(db.template find_or_throw<Player>(1).teamId == 1);
    }
    SECTION("another unique index violated by the update") {
        db.upsert(Player{.teamId = 1, .email = "bo@x", .name = "Bo"}, col<&Player::email>);
        // Ann's row would take Bo's (teamId, name).
        CHECK_THROWS_AS(db.upsert(Player{.teamId = 1, .email = "ann@x", .name = "Bo"}, col<&Player::email>),
                        relate::sql_error);
        CHECK(db.template find_or_throw<Player>(1).name == "Ann");
    }
}

BACKENDS_TEST_CASE("uow.upsert commits with the unit's other writes, or not at all", "[upsert][uow]") {
    typename TestType::database db{TestType::open_target()};
    league::seed(db);
    db.upsert(Player{.teamId = 1, .email = "ann@x", .name = "Ann", .goals = 1}, col<&Player::email>);

    Team greens{.name = "Greens"};
    Player ann{.teamId = 2, .email = "ann@x", .name = "Ann", .goals = 4};
    Player cy{.teamId = 1, .email = "cy@x", .name = "Cy"};
    {
        relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
        uow.insert(greens);
        uow.upsert(ann, col<&Player::email>);
        uow.upsert(cy, col<&Player::email>);
        uow.commit();
    }
    CHECK(ann.id == 1);
    CHECK(cy.id == db.template query<Player>().where(col<&Player::email> == "cy@x").first().value().id);
    // SQLite gives the next rowid. PostgreSQL's identity sequence also gave a key to Ann's upsert,
    // which then updated her row (INSERT ... ON CONFLICT draws the key before it meets the
    // conflict), so Cy's key is not 2 there.
    if constexpr (std::is_same_v<TestType, backends::sqlite_memory>) {
        CHECK(cy.id == 2);
    }
    CHECK(db.template find_or_throw<Player>(1).goals == 4);

    Player dee{.teamId = 1, .email = "dee@x", .name = "Dee"};
    Player bad{.teamId = 42, .email = "bad@x", .name = "Bad"};
    relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
    uow.upsert(dee, col<&Player::email>);
    uow.insert(bad);
    CHECK_THROWS_AS(uow.commit(), relate::validation_error);
    CHECK(dee.id == 0);  // the key is given back with the rollback
    CHECK(league::players(db) == 2);
}

BACKENDS_TEST_CASE("first_or_create returns the row holding the values, or inserts the model", "[upsert]") {
    typename TestType::database db{TestType::open_target()};
    league::seed(db);

    const Player created = db.first_or_create(Player{.teamId = 1, .email = "ann@x", .name = "Ann", .goals = 3},
                                              col<&Player::email>);
    CHECK(created.id == 1);
    const Player found = db.first_or_create(Player{.teamId = 2, .email = "ann@x", .name = "Other", .goals = 8},
                                            col<&Player::email>);
    CHECK(found.id == 1);
    CHECK(found.name == "Ann");  // the stored row, untouched
    CHECK(found.goals == 3);
    CHECK(league::players(db) == 1);
    // Any columns, unique or not: the first row by key.
    const Player by_team = db.first_or_create(Player{.teamId = 1, .email = "new@x", .name = "New"}, col<&Player::teamId>);
    CHECK(by_team.id == 1);
    CHECK_THROWS_AS(db.first_or_create(Player{.teamId = 7, .email = "z@x", .name = "Z"}, col<&Player::email>),
                    relate::validation_error);
    CHECK(league::players(db) == 1);
}

BACKENDS_TEST_CASE("first_or_create matches an empty optional as NULL", "[upsert]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);  // post 5 "Anonymous" has no user

    using blog::Post;
    const Post anonymous = db.first_or_create(Post{.userId = std::nullopt, .title = "Anonymous"}, col<&Post::userId>,
                                              col<&Post::title>);
    CHECK(anonymous.id == 5);
    const Post owned = db.first_or_create(Post{.userId = 1, .title = "Anonymous"}, col<&Post::userId>, col<&Post::title>);
    CHECK(owned.id == 6);
    CHECK(db.template query<Post>().count() == 6);
}

BACKENDS_TEST_CASE("save_many and create_many write a parent's children in one unit of work", "[upsert][related]") {
    typename TestType::database db{TestType::open_target()};
    league::seed(db);
    Team reds = db.template find_or_throw<Team>(1);

    std::vector<Player> made;
    CHECK(blog::statements_of(db, [&] {
              made = db.related(reds, &Team::players)
                         .create_many({Player{.email = "a@x", .name = "A"}, Player{.email = "b@x", .name = "B"},
                                       Player{.email = "c@x", .name = "C"}});
          }) >= 3);
    REQUIRE(made.size() == 3);
    for (const Player& p : made) {
        CHECK(p.id != 0);
        CHECK(p.teamId == reds.id);
    }

    made[0].goals = 10;
    std::vector<Player> more{Player{.email = "d@x", .name = "D"}};
    made.push_back(more[0]);
    db.related(reds, &Team::players).save_many(made);  // three updates and one insert
    CHECK(db.template find_or_throw<Player>(made[0].id).goals == 10);
    CHECK(made[3].id == 4);
    CHECK(league::players(db) == 4);

    SECTION("one child refused: none is written") {
        std::vector<Player> clash{Player{.email = "e@x", .name = "E"}, Player{.email = "a@x", .name = "A2"}};
        CHECK_THROWS_AS(db.related(reds, &Team::players).save_many(clash), relate::sql_error);  // a@x exists
        CHECK(clash[0].id == 0);
        CHECK(league::players(db) == 4);
    }
    SECTION("staged in a unit of work with the parent") {
        Team blues_b{.name = "Blues B"};
        std::vector<Player> squad{Player{.email = "f@x", .name = "F"}, Player{.email = "g@x", .name = "G"}};
        relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
        uow.insert(blues_b);
        uow.related(blues_b, &Team::players).save_many(squad);
        uow.commit();
        CHECK(squad[0].teamId == blues_b.id);
        CHECK(squad[1].teamId == blues_b.id);
    }
}
