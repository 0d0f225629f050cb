// Tables relate did not create: a primary key that is not the rowid, a key over more columns than
// the model's, a key or column of another affinity, a NOT NULL DEFAULT NULL column the model lacks.
// check_schema reports each; the first write to a table whose key does not behave as the model's
// is refused (relate::schema_mismatch saying why), and nothing is written.

#include "db_dump.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using Catch::Contains;
using relate::col;
using test_support::dump;

namespace foreign_models {

struct Note {
    std::int64_t id = 0;
    std::string text;
};

struct Membership {
    static constexpr std::string_view primary_key = "userId";
    std::int64_t userId = 0;
    std::int64_t groupId = 0;
    std::string role;
};

struct Code {
    static constexpr std::string_view primary_key = "value";
    std::string value;
    std::string label;
};

}  // namespace foreign_models

using namespace foreign_models;

namespace {

std::vector<std::string> descriptions(const std::vector<relate::schema_difference>& differences) {
    std::vector<std::string> out;
    for (const auto& d : differences) out.push_back(d.description);
    return out;
}

}  // namespace

TEST_CASE("an integer key declared INT PRIMARY KEY is not assigned by SQLite: reported, and writes refused",
          "[schema_check][foreign]") {
    relate::database db{":memory:"};
    db.connection().execute("CREATE TABLE notes (id INT PRIMARY KEY, text TEXT NOT NULL)");
    const std::string expected =
        "notes.id is the primary key but not the rowid (declared 'INT'; the rowid needs exactly INTEGER PRIMARY KEY "
        "in a table with a rowid): SQLite would not assign Note's keys, an insert would store NULL";

    const auto differences = db.check_schema<Note>();
    REQUIRE(differences.size() == 1);
    CHECK(differences[0].kind == relate::schema_drift::wrong_primary_key);
    CHECK(differences[0].column == "id");
    CHECK(differences[0].description == expected);

    REQUIRE_THROWS_MATCHES(db.insert(Note{.text = "lost"}), relate::schema_mismatch,
                           Catch::Matchers::Message("relate: refusing to write to notes: its primary key does not "
                                                    "behave as Note's key:\n  - " + expected));
    CHECK(db.query<Note>().count() == 0);
    REQUIRE_THROWS_AS(db.insert(Note{.id = 5, .text = "explicit"}), relate::schema_mismatch);
    REQUIRE_THROWS_WITH(db.require_schema<Note>(), Contains(expected));
    CHECK(db.query<Note>().count() == 0);
}

TEST_CASE("a WITHOUT ROWID key over two columns is reported, and a remove by one of them is refused",
          "[schema_check][foreign]") {
    relate::database db{":memory:"};
    db.connection().execute(
        "CREATE TABLE memberships (userId INTEGER NOT NULL, groupId INTEGER NOT NULL, role TEXT NOT NULL, "
        "PRIMARY KEY (userId, groupId)) WITHOUT ROWID");
    db.connection().execute("CREATE INDEX memberships_groupId_index ON memberships (groupId)");
    db.connection().execute("INSERT INTO memberships VALUES (1, 1, 'owner'), (1, 2, 'reader')");
    const std::string before = dump(db);

    CHECK(descriptions(db.check_schema<Membership>()) ==
          std::vector<std::string>{"memberships.groupId is part of the table's primary key, but not of Membership's "
                                   "key (userId): a write by key would change every row sharing its userId"});

    const Membership one = *db.query<Membership>().where(col<&Membership::groupId> == 2).first();
    REQUIRE_THROWS_WITH(db.remove(one), Contains("refusing to write to memberships") &&
                                            Contains("memberships.groupId is part of the table's primary key"));
    REQUIRE_THROWS_AS(db.query<Membership>().where(col<&Membership::groupId> == 2).remove(), relate::schema_mismatch);
    Membership changed = one;
    changed.role = "writer";
    REQUIRE_THROWS_AS(db.update(changed), relate::schema_mismatch);
    CHECK(dump(db) == before);
}

TEST_CASE("a key column of another affinity is reported, and writes refused", "[schema_check][foreign]") {
    relate::database db{":memory:"};
    db.connection().execute("CREATE TABLE codes (value INTEGER PRIMARY KEY NOT NULL, label TEXT NOT NULL)");

    const auto differences = db.check_schema<Code>();
    REQUIRE(differences.size() == 1);
    CHECK(differences[0].kind == relate::schema_drift::wrong_type);
    CHECK(differences[0].description == "codes.value is declared 'INTEGER' (INTEGER affinity); Code needs TEXT affinity");

    REQUIRE_THROWS_WITH(db.insert(Code{.value = "007", .label = "agent"}),
                        Contains("codes.value is declared 'INTEGER' (INTEGER affinity), but Code's key needs TEXT "
                                 "affinity: SQLite would change the keys it stores"));
    CHECK(db.query<Code>().count() == 0);
}

TEST_CASE("a text field over a column of INTEGER affinity is reported", "[schema_check][foreign]") {
    relate::database db{":memory:"};
    db.connection().execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text INTEGER NOT NULL)");
    CHECK(descriptions(db.check_schema<Note>()) ==
          std::vector<std::string>{"notes.text is declared 'INTEGER' (INTEGER affinity); Note needs TEXT affinity"});
}

TEST_CASE("a NOT NULL DEFAULT NULL column the model lacks is reported as required", "[schema_check][foreign]") {
    relate::database db{":memory:"};
    db.connection().execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL, "
                            "author TEXT NOT NULL DEFAULT NULL, kind TEXT NOT NULL DEFAULT 'plain')");
    const auto differences = db.check_schema<Note>();
    REQUIRE(differences.size() == 1);
    CHECK(differences[0].kind == relate::schema_drift::unexpected_required_column);
    CHECK(differences[0].description ==
          "notes.author is NOT NULL with DEFAULT NULL, but Note has no field for it: inserting one would fail");
}

TEST_CASE("the tables create_tables makes pass the key check, which db.stats() does not count",
          "[schema_check][foreign]") {
    relate::database db{":memory:"};
    db.create_tables<Note, Code>();
    const auto statements = db.stats().statements;
    db.insert(Note{.text = "a"});
    db.insert(Code{.value = "007", .label = "agent"});
    CHECK(db.stats().statements == statements + 2);
    CHECK(db.find_or_throw<Code>("007").label == "agent");
}
