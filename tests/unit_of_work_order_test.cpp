// Units of work whose rows depend on each other in ways ordering alone cannot settle: a cycle of
// explicit keys, an object inserted and removed by the same unit, and a chain of 100,000
// relate::parent links.

#include "db_dump.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

using Catch::Contains;
using test_support::dump;

namespace order_models {

struct Husband;
struct Wife;

struct Husband {
    std::int64_t id = 0;
    std::optional<std::int64_t> wifeId;
    relate::belongs_to<Wife> wife;
};

struct Wife {
    std::int64_t id = 0;
    std::optional<std::int64_t> husbandId;
    relate::belongs_to<Husband> husband;
};

struct Node {
    std::int64_t id = 0;
    std::optional<std::int64_t> parentId;
    std::string name;
    relate::belongs_to<Node, relate::foreign_key<"parentId">> parent;
    relate::has_many<Node, relate::foreign_key<"parentId">, relate::cascade> children;
};

struct Sample {
    std::int64_t id = 0;
    std::string name;
};

}  // namespace order_models

using namespace order_models;

TEST_CASE("rows a unit inserts may name each other in a cycle of explicit keys", "[uow][order]") {
    relate::database db{":memory:"};
    db.create_tables<Husband, Wife>();
    Husband h{.id = 1, .wifeId = 2};
    Wife w{.id = 2, .husbandId = 1};

    SECTION("both orders of staging commit") {
        relate::unit_of_work uow{db};
        uow.insert(h);
        uow.insert(w);
        uow.commit();
        CHECK(db.find_or_throw<Husband>(1).wifeId == 2);
        CHECK(db.find_or_throw<Wife>(2).husbandId == 1);
    }
    SECTION("rows of one table") {
        Node a{.id = 10, .parentId = 11, .name = "a"};
        Node b{.id = 11, .parentId = 10, .name = "b"};
        db.create_tables<Node>();
        relate::unit_of_work uow{db};
        uow.insert(a);
        uow.insert(b);
        uow.commit();
        CHECK(db.query<Node>().count() == 2);
    }
    SECTION("a key of the cycle that names nothing is a validation_error before anything is written") {
        const std::string before = dump(db);
        Wife stranger{.id = 3, .husbandId = 99};
        relate::unit_of_work uow{db};
        uow.insert(h);
        uow.insert(w);
        uow.insert(stranger);
        REQUIRE_THROWS_MATCHES(uow.commit(), relate::validation_error,
                               Catch::Matchers::Message("relate: Wife.husbandId = 99 names no Husband: no row of "
                                                        "husbands has id = 99"));
        CHECK(dump(db) == before);
    }
}

TEST_CASE("removing an object the same unit inserts cancels its insert", "[uow][order]") {
    relate::database db{":memory:"};
    db.create_tables<Sample, Node>();
    const Sample kept = db.insert(Sample{.name = "kept"});

    SECTION("insert, update and remove write nothing for the object") {
        Sample s{.name = "draft"};
        relate::unit_of_work uow{db};
        uow.insert(s);
        s.name = "edited";
        uow.update(s);
        uow.remove(s);
        const auto statements = db.stats().statements;
        uow.commit();
        CHECK(db.stats().statements == statements);
        CHECK(s.id == 0);
        CHECK(db.query<Sample>().count() == 1);
    }
    SECTION("the other writes of the unit still run") {
        Sample gone{.name = "gone"};
        Sample stays{.name = "stays"};
        relate::unit_of_work uow{db};
        uow.insert(gone);
        uow.insert(stays);
        uow.remove(gone);
        uow.remove(kept);
        uow.commit();
        CHECK(gone.id == 0);
        CHECK(stays.id != 0);
        CHECK(db.query<Sample>().count() == 1);
        CHECK(db.find<Sample>(stays.id).has_value());
    }
    SECTION("a row that takes its key from the cancelled object fails validation") {
        Node root{.name = "root"};
        Node leaf{.name = "leaf"};
        relate::unit_of_work uow{db};
        uow.insert(root);
        uow.insert(leaf, relate::parent(&Node::parent, root));
        uow.remove(root);
        REQUIRE_THROWS_WITH(uow.commit(), Contains("Node.parentId = 0 names no Node"));
        CHECK(db.query<Node>().count() == 0);
    }
    SECTION("many inserts, every other one cancelled") {
        std::deque<Sample> rows(1000);
        relate::unit_of_work uow{db};
        for (Sample& row : rows) uow.insert(row);
        for (std::size_t i = 0; i < rows.size(); i += 2) uow.remove(rows[i]);
        for (std::size_t i = 0; i < rows.size(); i += 2) uow.insert(rows[i]);  // refused if still staged
        for (std::size_t i = 0; i < rows.size(); i += 4) uow.remove(rows[i]);
        uow.commit();
        CHECK(db.query<Sample>().count() == 1 + 750);
        for (std::size_t i = 0; i < rows.size(); ++i) REQUIRE((rows[i].id == 0) == (i % 4 == 0));
    }
    SECTION("staged again after the remove, it is inserted") {
        Sample s{.name = "again"};
        relate::unit_of_work uow{db};
        uow.insert(s);
        uow.remove(s);
        uow.insert(s);
        uow.commit();
        CHECK(db.find_or_throw<Sample>(s.id).name == "again");
    }
}

TEST_CASE("a chain of 100,000 parent links staged leaf first commits", "[uow][order]") {
    relate::database db{":memory:"};
    db.create_tables<Node>();
    constexpr std::size_t length = 100'000;
    std::deque<Node> chain(length);  // chain[i] is the parent of chain[i + 1]
    relate::unit_of_work uow{db};
    for (std::size_t i = length; i-- > 1;) uow.insert(chain[i], relate::parent(&Node::parent, chain[i - 1]));
    uow.insert(chain[0]);
    uow.commit();

    CHECK(db.query<Node>().count() == static_cast<std::int64_t>(length));
    for (std::size_t i = 1; i < length; ++i) REQUIRE(chain[i].parentId == chain[i - 1].id);
    CHECK_FALSE(chain[0].parentId.has_value());
}
