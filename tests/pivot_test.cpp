// Pivot data: a belongs_to_many through a junction struct of its own (relate::through<P>),
// whose columns are read with the related rows in the same statement, written by connect and
// set, changed by update_pivot, and usable in include(...).where_pivot / order_by_pivot. The cases
// run on both backends (tests/backends.hpp); check_schema and SQLite's PRAGMAs only on SQLite.

#include "backends.hpp"
#include "blog_models.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

using Catch::Contains;
using relate::col;

namespace club {

struct Role;

struct Membership {
    std::int64_t memberId = 0;
    std::int64_t roleId = 0;
    std::string role;
    std::chrono::sys_seconds since{};
    std::optional<std::string> note;
};

struct Member {
    std::int64_t id = 0;
    std::string name;
    relate::belongs_to_many<Role, relate::through<Membership>> roles;
};

struct Role {
    std::int64_t id = 0;
    std::string title;
    relate::belongs_to_many<Member, relate::through<Membership>> members;
};

std::chrono::sys_seconds day(int d) { return std::chrono::sys_seconds{std::chrono::seconds{86400 * d}}; }

/// Members 1 Ann, 2 Bob; roles 1 admin, 2 editor, 3 reader.
template <class Db>
void seed(Db& db) {
    db.template create_tables<Member, Role>();
    for (const char* name : {"Ann", "Bob"}) db.insert(Member{.name = name});
    for (const char* title : {"admin", "editor", "reader"}) db.insert(Role{.title = title});
}

std::vector<std::string> titles(const Member& m) {
    std::vector<std::string> out;
    for (const Role& r : m.roles) out.push_back(r.title);
    return out;
}

/// The titles of m's roles, sorted: a with() that names no order reads them in none.
std::vector<std::string> sorted_titles(const Member& m) {
    std::vector<std::string> out = titles(m);
    std::sort(out.begin(), out.end());
    return out;
}

/// The position of the role titled `title` among m's roles, whose pivot is at the same position.
std::size_t position_of(const Member& m, const std::string& title) {
    for (std::size_t i = 0; i < m.roles.size(); ++i)
        if (m.roles[i].title == title) return i;
    FAIL("no role titled " << title);
    throw;
}

}  // namespace club

using club::Member;
using club::Membership;
using club::Role;

BACKENDS_TEST_CASE("a pivot struct's columns are read with the related rows, in the same statement", "[pivot]") {
    typename TestType::database db{TestType::open_target()};
    club::seed(db);
    Member ann = db.template find_or_throw<Member>(1);
    db.related(ann, &Member::roles).connect(1, Membership{.role = "owner", .since = club::day(3), .note = "founder"});
    db.related(ann, &Member::roles).connect(2, Membership{.role = "guest", .since = club::day(5)});
    Member bob = db.template find_or_throw<Member>(2);
    db.related(bob, &Member::roles).connect(2, Membership{.role = "writer", .since = club::day(7)});

    std::vector<Member> members;
    CHECK(blog::statements_of(db, [&] {
              members = db.template query<Member>().with(&Member::roles).order_by(col<&Member::id>).get();
          }) == 2);
    REQUIRE(members[0].roles.size() == 2);
    CHECK(club::sorted_titles(members[0]) == std::vector<std::string>{"admin", "editor"});
    const Membership& first = members[0].roles.pivot(club::position_of(members[0], "admin"));
    CHECK(first.memberId == 1);
    CHECK(first.roleId == 1);
    CHECK(first.role == "owner");
    CHECK(first.since == club::day(3));
    CHECK(first.note == "founder");
    CHECK(members[0].roles.pivot(club::position_of(members[0], "editor")).role == "guest");
    CHECK_FALSE(members[0].roles.pivot(club::position_of(members[0], "editor")).note.has_value());
    REQUIRE(members[1].roles.size() == 1);
    CHECK(members[1].roles.pivot(0).role == "writer");

    SECTION("from the other side, and lazily") {
        Role editor = db.template find_or_throw<Role>(2);
        db.load(editor, &Role::members);
        REQUIRE(editor.members.size() == 2);
        for (std::size_t i = 0; i < editor.members.size(); ++i)
            CHECK(editor.members.pivot(i).memberId == editor.members[i].id);
    }
    SECTION("a copy of the model keeps the pivots") {
        const Member copy = members[0];
        CHECK(copy.roles.pivot(club::position_of(copy, "editor")).since == club::day(5));
    }
    SECTION("the same parent read twice: each copy gets its pivots") {
        std::vector<Member> twice{members[0], members[0]};
        db.load(twice, "roles");
        CHECK(twice[1].roles.pivot(club::position_of(twice[1], "admin")).role == "owner");
        CHECK(twice[1].roles.pivot(club::position_of(twice[1], "editor")).role == "guest");
    }
    SECTION("a relation not loaded throws on pivot() too") {
        const Member fresh = db.template find_or_throw<Member>(1);
        CHECK_THROWS_AS(fresh.roles.pivot(0), relate::not_loaded);
    }
}

BACKENDS_TEST_CASE("where_pivot and order_by_pivot constrain an include by the junction's columns", "[pivot]") {
    typename TestType::database db{TestType::open_target()};
    club::seed(db);
    Member ann = db.template find_or_throw<Member>(1);
    auto roles = db.related(ann, &Member::roles);
    roles.connect(1, Membership{.role = "owner", .since = club::day(9)});
    roles.connect(2, Membership{.role = "guest", .since = club::day(1)});
    roles.connect(3, Membership{.role = "owner", .since = club::day(4)});

    auto by_since = db.template query<Member>()
                        .with(relate::include(&Member::roles).order_by_pivot(col<&Membership::since>.desc()))
                        .find(1).value();
    CHECK(club::titles(by_since) == std::vector<std::string>{"admin", "reader", "editor"});

    auto owners = db.template query<Member>()
                      .with(relate::include(&Member::roles)
                                .where_pivot(col<&Membership::role> == "owner")
                                .order_by_pivot(col<&Membership::since>))
                      .find(1).value();
    CHECK(club::titles(owners) == std::vector<std::string>{"reader", "admin"});
    CHECK(owners.roles.pivot(0).since == club::day(4));

    SECTION("with a condition on the target, a per-parent limit and offset and a select") {
        auto one = db.template query<Member>()
                       .with(relate::include(&Member::roles)
                                 .where(col<&Role::title> != "editor")
                                 .where_pivot(col<&Membership::role> == "owner")
                                 .order_by_pivot(col<&Membership::since>.desc())
                                 .select(&Role::title)
                                 .offset(1)
                                 .limit(1))
                       .find(1).value();
        REQUIRE(one.roles.size() == 1);
        CHECK(one.roles[0].title == "reader");
        CHECK(one.roles.pivot(0).since == club::day(4));
    }
}

BACKENDS_TEST_CASE("connect, set and update_pivot write the pivot's values", "[pivot]") {
    typename TestType::database db{TestType::open_target()};
    club::seed(db);
    Member ann = db.template find_or_throw<Member>(1);
    auto roles = db.related(ann, &Member::roles);
    const auto reload = [&] { return db.template query<Member>().with(&Member::roles).find(1).value(); };

    SECTION("a plain connect writes a default pivot's values") {
        roles.connect({1, 2});
        const Member m = reload();
        REQUIRE(m.roles.size() == 2);
        CHECK(m.roles.pivot(0).role.empty());
        CHECK(m.roles.pivot(0).memberId == 1);
    }
    SECTION("connecting an existing link leaves its values") {
        roles.connect(1, Membership{.role = "owner"});
        roles.connect(1, Membership{.role = "guest"});
        CHECK(reload().roles.pivot(0).role == "owner");
    }
    SECTION("the pivot's own key fields are ignored: the link's keys are written") {
        roles.connect(3, Membership{.memberId = 99, .roleId = 98, .role = "x"});
        const Member m = reload();
        CHECK(m.roles.pivot(0).memberId == 1);
        CHECK(m.roles.pivot(0).roleId == 3);
    }
    SECTION("connect and set take (key, pivot) pairs") {
        roles.connect(std::vector<std::pair<std::int64_t, Membership>>{{1, {.role = "a"}}, {2, {.role = "b"}}});
        CHECK(reload().roles.size() == 2);
        roles.set(std::vector<std::pair<std::int64_t, Membership>>{{3, {.role = "c"}}});
        const Member m = reload();
        REQUIRE(m.roles.size() == 1);
        CHECK(m.roles[0].id == 3);
        CHECK(m.roles.pivot(0).role == "c");
    }
    SECTION("update_pivot changes an existing link's values") {
        roles.connect(2, Membership{.role = "guest", .since = club::day(1)});
        roles.update_pivot(2, Membership{.role = "owner", .since = club::day(2), .note = "promoted"});
        const Member m = reload();
        CHECK(m.roles.pivot(0).role == "owner");
        CHECK(m.roles.pivot(0).since == club::day(2));
        CHECK(m.roles.pivot(0).note == "promoted");
    }
    SECTION("update_pivot of a link that is not there is not_found, and the unit writes nothing") {
        relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
        uow.related(ann, &Member::roles).connect(1, Membership{.role = "owner"});
        uow.related(ann, &Member::roles).update_pivot(3, Membership{.role = "x"});
        CHECK_THROWS_WITH(uow.commit(), Contains("Member::roles has no link from Member 1 to Role 3"));
        CHECK(reload().roles.empty());
    }
    SECTION("a link to a row that is not there is refused before anything is written") {
        CHECK_THROWS_AS(roles.connect(42, Membership{.role = "owner"}), relate::validation_error);
        CHECK(reload().roles.empty());
    }
    SECTION("disconnect removes links by key") {
        roles.connect({1, 2, 3});
        roles.disconnect({2});
        CHECK(reload().roles.size() == 2);
    }
}

BACKENDS_TEST_CASE("the junction table of a pivot struct has its columns, and check_schema knows them", "[pivot]") {
    typename TestType::database db{TestType::open_target()};
    club::seed(db);
    constexpr bool sqlite = std::is_same_v<TestType, backends::sqlite_memory>;
    if constexpr (sqlite) CHECK(db.template check_schema<Member, Role>().empty());  // SQLite's schema only, so far
    bool since_not_null = false;
    {
        // The junction's columns as the database describes them: a PRAGMA, or information_schema.
        const std::string columns = sqlite ? "SELECT name, \"notnull\" FROM pragma_table_info('memberships')"
                                           : "SELECT column_name, CASE WHEN is_nullable = 'NO' THEN 1 ELSE 0 END "
                                             "FROM information_schema.columns "
                                             "WHERE table_schema = current_schema() AND table_name = 'memberships'";
        auto st = db.connection().prepare(columns);
        while (st->step())
            if (st->column_text(0) == "since") since_not_null = st->column_int64(1) == 1;
    }
    CHECK(since_not_null);

    if constexpr (sqlite) {
        SECTION("a missing pivot column is a difference") {
            relate::database other{":memory:"};
            other.create_tables<Member, Role>();
            other.connection().execute("ALTER TABLE memberships DROP COLUMN note");
            const auto differences = other.check_schema<Member, Role>();
            REQUIRE(differences.size() == 1);
            CHECK(differences[0].column == "note");
        }
    }
    SECTION("deleting a member removes its links") {
        Member ann = db.template find_or_throw<Member>(1);
        db.related(ann, &Member::roles).connect(1, Membership{.role = "owner"});
        db.remove(ann);
        auto st = db.connection().prepare("SELECT COUNT(*) FROM memberships");
        REQUIRE(st->step());
        CHECK(st->column_int64(0) == 0);
    }
}
