// Delete policies: restrict, cascade (three levels, and the depth limit), set_null, junction rows,
// a restrict deep inside a cascade, bulk remove with the same rules, plan_remove, and the DDL's
// ON DELETE actions for raw SQL, and the removes PostgreSQL's own ON DELETE actions apply. Each
// runs on SQLite and on PostgreSQL (tests/backends.hpp).

#include "backends.hpp"
#include "blog_models.hpp"
#include "db_dump.hpp"
#include "db_dump_postgres.hpp"
#include "policy_models.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

using namespace policy;
using relate::col;
using test_support::dump;

namespace {

template <class Db>
std::int64_t count_rows(Db& db, const std::string& table) {
    auto st = db.connection().prepare("SELECT COUNT(*) FROM \"" + table + "\"");
    st->step();
    return st->column_int64(0);
}

/// A chain of `length` nodes, each the child of the previous one; returns the root.
template <class Db>
Node chain(Db& db, int length) {
    relate::basic_unit_of_work<typename Db::backend_type> uow{db};
    std::vector<Node> nodes(static_cast<std::size_t>(length));
    uow.insert(nodes[0]);
    for (std::size_t i = 1; i < nodes.size(); ++i) uow.insert(nodes[i], relate::parent(&Node::parent, nodes[i - 1]));
    uow.commit();
    return nodes[0];
}

}  // namespace

BACKENDS_TEST_CASE("cascade removes three levels below the row, one statement per table and level",
                   "[policy][cascade]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);
    const Author ann = db.template find_or_throw<Author>(1);

    const auto statements = blog::statements_of(db, [&] { db.remove(ann); });

    CHECK_FALSE(db.template find<Author>(1).has_value());
    CHECK(count_rows(db, "books") == 1);     // Ben's
    CHECK(count_rows(db, "chapters") == 1);  // Ben's only chapter
    CHECK(count_rows(db, "notes") == 1);
    CHECK(db.template query<Book>().where(col<&Book::authorId> == ann.id).count() == 0);
    // The walk: 3 edges of Author, 1 of Book, 2 of Chapter; then 1 set_null update (Ann's
    // review), 1 junction delete (book_genres), and one delete each for notes, chapters, books
    // and authors.
    CHECK(statements == 3 + 1 + 2 + 1 + 1 + 4);
}

BACKENDS_TEST_CASE("a cascade over many rows still costs one statement per table and level", "[policy][cascade]") {
    typename TestType::database db{TestType::open_target()};
    create_tables(db);
    relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
    Author author{.name = "prolific"};
    std::vector<Book> books(300);
    uow.insert(author);
    for (auto& book : books) uow.insert(book, relate::parent(&Book::author, author));
    uow.commit();
    // The walk reads 3 edges of Author and 1 of Book, whatever the number of books; then the
    // junction delete and one delete for books and one for authors.
    CHECK(blog::statements_of(db, [&] { db.remove(author); }) == 3 + 1 + 1 + 2);
    CHECK(count_rows(db, "books") == 0);
}

BACKENDS_TEST_CASE("set_null keeps the children and clears their foreign key", "[policy][set_null]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);
    db.remove(db.template find_or_throw<Author>(2));
    const auto reviews = db.template query<Review>().order_by(col<&Review::id>).get();
    REQUIRE(reviews.size() == 2);
    CHECK(reviews[0].authorId == 1);
    CHECK_FALSE(reviews[1].authorId.has_value());
    CHECK(reviews[1].text == "good");
}

BACKENDS_TEST_CASE("restrict refuses the remove, names the relation and the count, and deletes nothing",
                   "[policy][restrict]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);
    db.insert(Award{.authorId = 1, .name = "Hugo"});
    db.insert(Award{.authorId = 1, .name = "Nebula"});
    const std::string before = dump(db);

    const Author ann = db.template find_or_throw<Author>(1);
    REQUIRE_THROWS_AS(db.remove(ann), relate::restrict_error);
    REQUIRE_THROWS_WITH(db.remove(ann), "relate: cannot remove Author id = 1: 2 rows of awards still point at it "
                                        "through Author::awards (delete policy restrict); remove or reassign them "
                                        "first, or declare relate::cascade or relate::set_null on Author::awards");
    CHECK(dump(db) == before);

    SECTION("removing the blocking rows in the same unit lets it through") {
        relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
        for (const Award& award : db.template query<Award>().get()) uow.remove(award);
        uow.remove(ann);
        uow.commit();
        CHECK_FALSE(db.template find<Author>(1).has_value());
        CHECK(count_rows(db, "awards") == 0);
    }
}

BACKENDS_TEST_CASE("a restrict deep inside a cascade deletes nothing at all", "[policy][restrict][cascade]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);
    db.insert(Citation{.chapterId = 3, .source = "Babbage 1864"});  // a chapter of Ann's second book
    const std::string before = dump(db);

    REQUIRE_THROWS_MATCHES(db.remove(db.template find_or_throw<Author>(1)), relate::restrict_error,
                           Catch::Matchers::Message(
                               "relate: cannot remove Chapter id = 3: 1 row of citations still points at it through "
                               "Chapter::citations (delete policy restrict); remove or reassign it first, or declare "
                               "relate::cascade or relate::set_null on Chapter::citations"));
    CHECK(dump(db) == before);
}

BACKENDS_TEST_CASE("junction rows go with either side", "[policy][junction]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);
    REQUIRE(count_rows(db, "book_genres") == 3);

    SECTION("removing a book unlinks it; the genre stays") {
        db.remove(db.template find_or_throw<Book>(1));
        CHECK(count_rows(db, "book_genres") == 2);
        CHECK(count_rows(db, "genres") == 2);
    }
    SECTION("removing a genre unlinks it; the books stay") {
        db.remove(db.template find_or_throw<Genre>(1));
        CHECK(count_rows(db, "book_genres") == 1);
        CHECK(count_rows(db, "books") == 3);
    }
}

BACKENDS_TEST_CASE("a cascade deeper than the limit is refused before anything is deleted", "[policy][depth]") {
    typename TestType::database db{TestType::open_target()};
    create_tables(db);
    const Node root = chain(db, 60);
    const std::string before = dump(db);

    REQUIRE_THROWS_AS(db.remove(root), relate::depth_limit_error);
    REQUIRE_THROWS_WITH(db.remove(root), Catch::Contains("deeper than 50 levels") &&
                                             Catch::Contains("Node::children") &&
                                             Catch::Contains("cascade_depth_limit"));
    CHECK(dump(db) == before);

    SECTION("a database option raises the limit") {
        typename TestType::database wide{TestType::open_target(), {.cascade_depth_limit = 100}};
        create_tables(wide);
        wide.remove(chain(wide, 60));
        CHECK(count_rows(wide, "nodes") == 0);
    }
    SECTION("exactly max_cascade_depth levels below the row are allowed") {
        typename TestType::database edge{TestType::open_target()};
        create_tables(edge);
        edge.remove(chain(edge, static_cast<int>(relate::max_cascade_depth) + 1));
        CHECK(count_rows(edge, "nodes") == 0);
    }
}

BACKENDS_TEST_CASE("bulk remove applies the same policies to every matched row", "[policy][bulk]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);

    SECTION("cascade and set_null for each author") {
        CHECK(db.template query<Author>().remove() == 2);
        CHECK(count_rows(db, "books") == 0);
        CHECK(count_rows(db, "chapters") == 0);
        CHECK(count_rows(db, "notes") == 0);
        CHECK(count_rows(db, "book_genres") == 0);
        CHECK(db.template query<Review>().where(col<&Review::authorId>.is_null()).count() == 2);
    }
    SECTION("one blocked row blocks them all") {
        db.insert(Award{.authorId = 2, .name = "Hugo"});
        const std::string before = dump(db);
        CHECK_THROWS_AS(db.template query<Author>().remove(), relate::restrict_error);
        CHECK(dump(db) == before);
    }
    SECTION("a failure after the children are deleted leaves every row in place") {
        // The authors go last, after their books, chapters, notes and links: the trigger fails
        // the commit half-way through its writes.
        if constexpr (std::is_same_v<typename TestType::database, relate::database>) {
            db.connection().execute(
                "CREATE TRIGGER keep_authors BEFORE DELETE ON authors BEGIN SELECT RAISE(ABORT, 'kept'); END");
        } else {  // PostgreSQL's trigger runs a function
            db.connection().execute(
                "CREATE FUNCTION keep_authors() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'kept'; END $$;"
                "CREATE TRIGGER keep_authors BEFORE DELETE ON authors FOR EACH ROW EXECUTE FUNCTION keep_authors()");
        }
        const std::string before = dump(db);
        CHECK_THROWS_AS(db.template query<Author>().remove(), relate::error);
        CHECK(dump(db) == before);
        CHECK(count_rows(db, "chapters") == 5);
    }
    SECTION("only the matched rows") {
        CHECK(db.template query<Book>().where(col<&Book::title> == "Ben's").remove() == 1);
        CHECK(count_rows(db, "chapters") == 4);
        CHECK(count_rows(db, "notes") == 8);
    }
}

BACKENDS_TEST_CASE("the DDL's ON DELETE actions make raw SQL deletes follow the same policies", "[policy][ddl]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);
    auto& conn = db.connection();

    conn.execute("DELETE FROM \"authors\" WHERE \"id\" = 2");  // cascade to books, chapters, notes; set_null on reviews
    CHECK(count_rows(db, "books") == 2);
    CHECK(count_rows(db, "chapters") == 4);
    CHECK(count_rows(db, "notes") == 8);
    CHECK(db.template query<Review>().where(col<&Review::authorId>.is_null()).count() == 1);

    db.insert(Award{.authorId = 1, .name = "Hugo"});
    try {
        conn.execute("DELETE FROM \"authors\" WHERE \"id\" = 1");  // restrict
        FAIL("the restrict action did not refuse the delete");
    } catch (const relate::sql_error& e) {
        CHECK(e.code() == SQLITE_CONSTRAINT);
        if constexpr (std::is_same_v<typename TestType::database, relate::database>) {
            // SQLite reports a RESTRICT action as a constraint failure raised by its trigger machinery.
            CHECK_THAT(e.what(), Catch::Contains("FOREIGN KEY constraint failed"));
        } else {
            // PostgreSQL reports it as the foreign-key violation it is.
            CHECK(e.sqlstate() == "23503");
            CHECK(e.extended_code() == SQLITE_CONSTRAINT_FOREIGNKEY);
        }
    }
    CHECK(db.template find<Author>(1).has_value());
}

namespace {

constexpr std::uint64_t rack_walk = 2 + 1;  // the edges of Rack (boxes, sign) and of Box (items)
constexpr std::uint64_t rack_writes = 1 + 1 + 3;  // the sign's key cleared, box_genres, then items, boxes, racks

/// What removing rack 1 (seed_racks) leaves, whoever applied its policies.
template <class Db>
void check_rack_one_removed(Db& db) {
    CHECK(count_rows(db, "racks") == 1);
    CHECK(count_rows(db, "boxes") == 1);
    CHECK(count_rows(db, "items") == 1);
    CHECK(count_rows(db, "box_genres") == 1);
    CHECK(count_rows(db, "signs") == 2);
    CHECK(db.template query<Sign>().where(col<&Sign::rackId>.is_null()).count() == 1);
}

template <class TestType>
constexpr bool on_postgres = std::is_same_v<typename TestType::database, relate::postgres::database>;

}  // namespace

BACKENDS_TEST_CASE("a remove whose policies the schema declares: on PostgreSQL, one DELETE and the server's ON DELETE actions",
                   "[policy][database]") {
    typename TestType::database db{TestType::open_target()};
    seed_racks(db);
    const Rack a = db.template find_or_throw<Rack>(1);

    SECTION("db.remove") {
        const auto statements = blog::statements_of(db, [&] { db.remove(a); });
        check_rack_one_removed(db);
        // SQLite walks the policies itself; PostgreSQL reads the ON DELETE actions, then deletes.
        CHECK(statements == (on_postgres<TestType> ? 1 + 1 : rack_walk + rack_writes));
    }
    SECTION("a query's remove") {
        std::int64_t removed = 0;
        const auto statements =
            blog::statements_of(db, [&] { removed = db.template query<Rack>().where(col<&Rack::name> == "a").remove(); });
        CHECK(removed == 1);
        check_rack_one_removed(db);
        CHECK(statements == (on_postgres<TestType> ? 1 + 1 : 1 + rack_walk + rack_writes));  // SQLite reads the keys first
    }
    SECTION("a unit of work") {
        relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
        uow.remove(a);
        uow.commit();
        check_rack_one_removed(db);
    }
    SECTION("a row that is gone is relate::not_found, and nothing is deleted") {
        const std::string before = dump(db);
        CHECK_THROWS_AS(db.remove(Rack{.id = 99}), relate::not_found);
        CHECK(dump(db) == before);
    }
}

BACKENDS_TEST_CASE("a schema whose ON DELETE action is not the model's policy keeps relate's walk", "[policy][database]") {
    typename TestType::database db{TestType::open_target()};
    seed_racks(db);
    // items.boxId loses its ON DELETE CASCADE: PostgreSQL would now refuse to delete a box with items.
    db.migrate({relate::migration{"2026_12_07_items_restrict",
                                  [](relate::schema& s) {
                                      s.table("items", [](relate::blueprint& t) {
                                          t.drop_foreign({"boxId"});
                                          t.foreign({"boxId"}).references("boxes");
                                      });
                                  },
                                  {}}});
    const Rack a = db.template find_or_throw<Rack>(1);

    const auto statements = blog::statements_of(db, [&] { db.remove(a); });

    check_rack_one_removed(db);
    CHECK(statements == (on_postgres<TestType> ? 1 : 0) + rack_walk + rack_writes);  // the catalog read, then the walk
}

BACKENDS_TEST_CASE("plan_remove tells what a remove would do and writes nothing", "[policy][plan]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);
    const std::string before = dump(db);

    const relate::remove_plan plan = db.plan_remove(db.template find_or_throw<Author>(1));
    using relate::remove_action;
    CHECK(plan.rows("authors", remove_action::remove) == 1);
    CHECK(plan.rows("books", remove_action::remove) == 2);
    CHECK(plan.rows("chapters", remove_action::remove) == 4);
    CHECK(plan.rows("notes", remove_action::remove) == 8);
    CHECK(plan.rows("reviews", remove_action::nullify) == 1);
    CHECK(plan.rows("book_genres", remove_action::unlink) == 2);
    CHECK_FALSE(plan.blocked());
    CHECK(dump(db) == before);

    SECTION("a blocked remove is reported, not thrown") {
        db.insert(Citation{.chapterId = 1, .source = "x"});
        const relate::remove_plan blocked = db.plan_remove(db.template find_or_throw<Author>(1));
        CHECK(blocked.blocked());
        CHECK(blocked.rows("citations", remove_action::block) == 1);
        REQUIRE(blocked.steps.back().relation == "Chapter::citations");
    }
    SECTION("a row that is gone is relate::not_found") {
        CHECK_THROWS_AS(db.plan_remove(Author{.id = 99}), relate::not_found);
    }
}
