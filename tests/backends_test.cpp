// The same models and calls on every backend (tests/backends.hpp): rows written and read back
// exactly, queries, eager loading at 1 + E statements, the unit of work with its foreign-key
// validation, the delete policies, and constraint errors with the same codes.

#include "backends.hpp"

#include <relate/pool.hpp>

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace backend_models {

struct Post;
struct Tag;
struct Profile;

struct Author {
    std::int64_t id = 0;
    std::string name;
    relate::has_one<Profile, relate::cascade> profile;
    relate::has_many<Post, relate::cascade> posts;
};

struct Profile {
    std::int64_t id = 0;
    std::int64_t authorId = 0;
    std::optional<std::string> bio;
    relate::belongs_to<Author> author;
};

struct Post {
    std::int64_t id = 0;
    std::int64_t authorId = 0;
    std::string title;
    int rank = 0;
    relate::belongs_to<Author> author;
    relate::belongs_to_many<Tag> tags;
};

struct Tag {
    std::int64_t id = 0;
    std::string name;
    relate::belongs_to_many<Post> posts;
};

/// Every kind of value a field holds.
struct Sample {
    std::int64_t id = 0;
    std::int64_t big = 0;
    int small = 0;
    double real = 0;
    bool flag = false;
    std::string text;
    std::optional<std::string> maybe;
    relate::blob bytes;
    std::chrono::sys_time<std::chrono::microseconds> at{};
};

/// A parent that refuses to lose its children, and one that lets them go their own way.
struct Review;
struct Shelf {
    std::int64_t id = 0;
    std::string name;
    relate::has_many<Review> reviews;  // restrict, the default
};
struct Reader {
    std::int64_t id = 0;
    std::string name;
    relate::has_many<Review, relate::set_null> reviews;
};
struct Review {
    std::int64_t id = 0;
    std::int64_t shelfId = 0;
    std::optional<std::int64_t> readerId;
    relate::belongs_to<Shelf> shelf;
    relate::belongs_to<Reader, relate::foreign_key<"readerId">> reader;
};

}  // namespace backend_models

using namespace backend_models;
using relate::col;

namespace {

/// Two authors; Ada has a profile and posts 1-3 (tagged), Bob post 4.
template <class Db>
void seed(Db& db) {
    db.template create_tables<Author, Profile, Post, Tag>();
    Author ada{.name = "Ada"};
    Author bob{.name = "Bob"};
    Profile profile{.bio = "math"};
    std::vector<Post> posts{{.title = "Engines", .rank = 3}, {.title = "Notes", .rank = 1}, {.title = "Loops", .rank = 2},
                            {.title = "Bees", .rank = 5}};
    relate::basic_unit_of_work<typename Db::backend_type> uow{db};
    uow.insert(ada);
    uow.insert(bob);
    uow.insert(profile, relate::parent(&Profile::author, ada));
    for (Post& post : posts) uow.insert(post, relate::parent(&Post::author, post.title == "Bees" ? bob : ada));
    uow.commit();
    const Tag cpp = db.insert(Tag{.name = "c++"});
    const Tag sql = db.insert(Tag{.name = "sql"});
    db.related(posts[0], &Post::tags).connect({cpp.id, sql.id});
    db.related(posts[1], &Post::tags).connect({sql.id});
}

template <class Db, class F>
std::uint64_t statements_of(Db& db, F&& f) {
    const std::uint64_t before = db.stats().statements;
    f();
    return db.stats().statements - before;
}

template <class T>
std::vector<std::string> titles(const std::vector<T>& rows) {
    std::vector<std::string> out;
    for (const T& row : rows) out.push_back(row.title);
    return out;
}

using strings = std::vector<std::string>;

}  // namespace

BACKENDS_TEST_CASE("insert assigns keys; find, update and remove work by key", "[backends]") {
    typename TestType::database db{TestType::open_target()};
    db.template create_tables<Author, Profile, Post, Tag>();
    const Author ada = db.insert(Author{.name = "Ada"});
    const Author bob = db.insert(Author{.name = "Bob"});
    CHECK(ada.id == 1);
    CHECK(bob.id == 2);
    CHECK(db.template find<Author>(2)->name == "Bob");
    CHECK_FALSE(db.template find<Author>(3).has_value());
    CHECK_THROWS_AS(db.template find_or_throw<Author>(3), relate::not_found);

    Author renamed = bob;
    renamed.name = "Robert";
    db.update(renamed);
    CHECK(db.template find_or_throw<Author>(2).name == "Robert");
    CHECK_THROWS_AS(db.update(Author{.id = 9, .name = "Nobody"}), relate::not_found);

    db.remove(ada);
    CHECK(db.template query<Author>().count() == 1);
    CHECK_THROWS_AS(db.remove(ada), relate::not_found);
}

BACKENDS_TEST_CASE("every kind of value comes back as it was written", "[backends][values]") {
    typename TestType::database db{TestType::open_target()};
    db.template create_tables<Sample>();
    using namespace std::chrono;
    const Sample extreme{.big = std::numeric_limits<std::int64_t>::min(),
                         .small = std::numeric_limits<int>::max(),
                         .real = 0.1 + 0.2,
                         .flag = true,
                         .text = "it's \"quoted\", ? and $1, caf\xc3\xa9",
                         .maybe = std::nullopt,
                         .bytes = {std::byte{0}, std::byte{0xff}, std::byte{'\\'}},
                         .at = sys_days{2026y / 12 / 7} + hours{13} + microseconds{123456}};
    const Sample other{.big = std::numeric_limits<std::int64_t>::max(), .real = -1e300, .maybe = "", .bytes = {}};
    const std::int64_t first = db.insert(extreme).id;
    const std::int64_t second = db.insert(other).id;

    const Sample a = db.template find_or_throw<Sample>(first);
    CHECK(a.big == extreme.big);
    CHECK(a.small == extreme.small);
    CHECK(a.real == extreme.real);
    CHECK(a.flag);
    CHECK(a.text == extreme.text);
    CHECK_FALSE(a.maybe.has_value());
    CHECK(a.bytes == extreme.bytes);
    CHECK(a.at == extreme.at);
    const Sample b = db.template find_or_throw<Sample>(second);
    CHECK(b.big == other.big);
    CHECK(b.real == other.real);
    CHECK_FALSE(b.flag);
    CHECK(b.maybe == std::optional<std::string>(""));
    CHECK(b.bytes.empty());

    CHECK(db.template query<Sample>().where(col<&Sample::flag> == true).count() == 1);
    CHECK(db.template query<Sample>().where(col<&Sample::text> == extreme.text).count() == 1);
    CHECK(db.template query<Sample>().where(col<&Sample::maybe>.is_null()).count() == 1);
    CHECK(db.template query<Sample>().where(col<&Sample::big> < 0).count() == 1);
}

BACKENDS_TEST_CASE("queries filter, order, page and count", "[backends][query]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);
    CHECK(titles(db.template query<Post>().order_by(col<&Post::rank>).get()) == strings{"Notes", "Loops", "Engines", "Bees"});
    CHECK(titles(db.template query<Post>().where(col<&Post::rank> >= 2).order_by(col<&Post::rank>.desc()).limit(2).get()) ==
          strings{"Bees", "Engines"});
    CHECK(titles(db.template query<Post>().order_by(col<&Post::rank>).limit(2).offset(1).get()) == strings{"Loops", "Engines"});
    CHECK(db.template query<Post>().where(col<&Post::authorId> == 1).count() == 3);
    CHECK(db.template query<Post>().where(col<&Post::title>.in({"Bees", "Notes", "None"})).count() == 2);
    CHECK(db.template query<Post>().where(col<&Post::title> == "None").first() == std::nullopt);
    CHECK(db.template query<Post>().where(col<&Post::rank> > 4).exists());
    CHECK(db.template query<Post>().where(col<&Post::rank> > 4 || col<&Post::rank> < 2).count() == 2);
}

BACKENDS_TEST_CASE("eager loading runs one statement per edge and fills every relation", "[backends][eager]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);
    std::vector<Author> authors;
    const auto statements = statements_of(db, [&] {
        authors = db.template query<Author>()
                      .order_by(col<&Author::id>)
                      .with(&Author::profile, &Author::posts, "posts.tags")
                      .get();
    });
    CHECK(statements == 4);  // authors, profiles, posts, tags
    REQUIRE(authors.size() == 2);
    CHECK(authors[0].profile->bio == "math");
    CHECK(authors[1].profile.get() == nullptr);
    CHECK(authors[0].posts.size() == 3);
    CHECK(authors[1].posts.size() == 1);
    for (const Post& post : authors[0].posts)
        CHECK(post.tags.size() == (post.title == "Engines" ? 2u : post.title == "Notes" ? 1u : 0u));

    std::vector<Post> posts = db.template query<Post>().order_by(col<&Post::id>).with(&Post::author).get();
    REQUIRE(posts.size() == 4);
    CHECK(posts[3].author->name == "Bob");
}

BACKENDS_TEST_CASE("a unit of work validates foreign keys and writes nothing when one is wrong", "[backends][uow]") {
    typename TestType::database db{TestType::open_target()};
    seed(db);
    relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
    uow.insert(Author{.name = "Cy"});
    uow.insert(Post{.authorId = 99, .title = "Orphan"});
    CHECK_THROWS_WITH(uow.commit(), Catch::Contains("Post.authorId") && Catch::Contains("99"));
    CHECK(db.template query<Author>().count() == 2);
    CHECK(db.template query<Post>().count() == 4);
}

BACKENDS_TEST_CASE("delete policies cascade, restrict and set null, all or nothing", "[backends][policy]") {
    typename TestType::database db{TestType::open_target()};
    SECTION("cascade removes the profile, the posts and their links") {
        seed(db);
        db.remove(db.template find_or_throw<Author>(1));
        CHECK(db.template query<Profile>().count() == 0);
        CHECK(titles(db.template query<Post>().get()) == strings{"Bees"});
        CHECK(db.template query<Tag>().with(&Tag::posts).get().at(1).posts.size() == 0);
    }
    SECTION("restrict refuses and set_null clears") {
        db.template create_tables<Shelf, Reader, Review>();
        const Shelf shelf = db.insert(Shelf{.name = "top"});
        const Reader reader = db.insert(Reader{.name = "Ann"});
        db.insert(Review{.shelfId = shelf.id, .readerId = reader.id});
        CHECK_THROWS_AS(db.remove(shelf), relate::restrict_error);
        CHECK(db.template query<Shelf>().count() == 1);
        db.remove(reader);
        CHECK(db.template query<Review>().get().at(0).readerId == std::nullopt);
    }
}

BACKENDS_TEST_CASE("constraint violations are sql_errors with the same codes", "[backends][errors]") {
    typename TestType::database db{TestType::open_target()};
    db.template create_tables<Author>();
    const Author ada = db.insert(Author{.name = "Ada"});
    try {
        db.insert(ada);  // the same key again
        FAIL("a duplicate key was written");
    } catch (const relate::sql_error& e) {
        CHECK(e.code() == SQLITE_CONSTRAINT);
        CHECK((e.extended_code() == SQLITE_CONSTRAINT_PRIMARYKEY || e.extended_code() == SQLITE_CONSTRAINT_UNIQUE));
        CHECK(e.sqlstate() == "23505");
    }
    CHECK(db.template query<Author>().count() == 1);
}

TEST_CASE("postgres: a pool replaces the connections the server dropped, and hands none of them out", "[backends][pool]") {
    relate::pool<relate::postgres::database> pool{backends::postgres_server::open_target(), 2};
    std::vector<int> server_processes;
    {
        auto a = pool.acquire();
        auto b = pool.acquire();
        a->create_tables<Author>();
        a->insert(Author{.name = "Ada"});
        server_processes = {PQbackendPID(a->connection().handle()), PQbackendPID(b->connection().handle())};
        relate::postgres::connection admin(backends::postgres_server::conninfo(), std::chrono::milliseconds(5000));
        admin.execute("SELECT pg_terminate_backend(pid) FROM unnest(ARRAY[" + std::to_string(server_processes[0]) + ", " +
                      std::to_string(server_processes[1]) + "]) AS pid");
        // pg_terminate_backend only asks: wait until both connections have seen their end.
        for (int attempt = 0; attempt < 500 && !(a->connection().broken() && b->connection().broken()); ++attempt)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        REQUIRE(a->connection().broken());
        REQUIRE(b->connection().broken());
    }  // back to the pool, broken

    auto a = pool.acquire();
    auto b = pool.acquire();
    CHECK(a->query<Author>().count() == 1);  // no error: both connections are new
    CHECK(b->query<Author>().count() == 1);
    for (auto* db : {&*a, &*b}) {
        const int pid = PQbackendPID(db->connection().handle());
        CHECK(std::find(server_processes.begin(), server_processes.end(), pid) == server_processes.end());
    }
}

TEST_CASE("postgres: a statement on a connection the server dropped is a relate::sql_error, and the pool replaces it",
          "[backends][pool]") {
    relate::pool<relate::postgres::database> pool{backends::postgres_server::open_target(), 1};
    {
        auto db = pool.acquire();
        db->create_tables<Author>();
        relate::postgres::connection admin(backends::postgres_server::conninfo(), std::chrono::milliseconds(5000));
        relate::postgres::unit_of_work uow{*db};
        uow.insert(Author{.name = "Ada"});
        // Dropped between the unit's statements: nothing of it stays.
        db->on_statement([&](std::string_view, std::chrono::nanoseconds) {
            // pg_terminate_backend waits for the end it asks for with a timeout (PostgreSQL 14+).
            admin.execute("SELECT pg_terminate_backend(" + std::to_string(PQbackendPID(db->connection().handle())) +
                          ", 5000)");
            db->on_statement({});
        });
        try {
            uow.commit();
            FAIL("the commit succeeded on a dropped connection");
        } catch (const relate::sql_error& e) {
            CHECK((e.sqlstate().starts_with("08") || e.sqlstate().starts_with("57P")));
        }
    }
    auto db = pool.acquire();
    CHECK(db->query<Author>().count() == 0);
}

TEST_CASE("postgres: bool is BOOLEAN, and a time point of microseconds or coarser TIMESTAMPTZ", "[backends][values]") {
    struct Stamp {
        std::int64_t id = 0;
        bool done = false;
        std::chrono::sys_time<std::chrono::milliseconds> at{};
        std::chrono::sys_time<std::chrono::nanoseconds> precise{};
    };
    relate::postgres::database db{backends::postgres_server::open_target()};
    db.create_tables<Stamp>();
    const auto type_of = [&](const std::string& column) {
        auto st = db.connection().prepare("SELECT data_type FROM information_schema.columns WHERE table_schema = "
                                          "current_schema() AND table_name = 'stamps' AND column_name = '" + column + "'");
        REQUIRE(st->step());
        return std::string(st->column_text(0));
    };
    CHECK(type_of("done") == "boolean");
    CHECK(type_of("at") == "timestamp with time zone");
    CHECK(type_of("precise") == "text");  // a TIMESTAMPTZ would round nanoseconds away

    using namespace std::chrono;
    const Stamp written{.done = true,
                        .at = sys_days{1969y / 7 / 20} + hours{20} + minutes{17} + milliseconds{40},
                        .precise = sys_days{2026y / 12 / 7} + nanoseconds{123456789}};
    const std::int64_t id = db.insert(written).id;
    const Stamp read = db.find_or_throw<Stamp>(id);
    CHECK(read.done);
    CHECK(read.at == written.at);
    CHECK(read.precise == written.precise);
    CHECK(db.query<Stamp>().where(relate::col<&Stamp::at> < sys_days{1970y / 1 / 1}).count() == 1);
}

TEST_CASE("postgres: results of numbers, booleans, text and bytea arrive in binary form and read the same",
          "[backends][values]") {
    struct Plain {
        std::int64_t id = 0;
        std::int64_t big = 0;
        std::int16_t tiny = 0;
        float single = 0;
        double real = 0;
        bool flag = false;
        std::string text;
        std::optional<std::string> maybe;
        relate::blob bytes;
    };
    relate::postgres::database db{backends::postgres_server::open_target()};
    db.create_tables<Plain>();
    const Plain low{.big = std::numeric_limits<std::int64_t>::min(),
                    .tiny = -32768,
                    .single = -1.5e38F,
                    .real = -4.9e-324,
                    .flag = true,
                    .text = "caf\xc3\xa9",
                    .bytes = {std::byte{0}, std::byte{0xff}, std::byte{'\\'}}};
    const Plain high{.big = std::numeric_limits<std::int64_t>::max(),
                     .tiny = 32767,
                     .single = 0.1F,
                     .real = 0.1 + 0.2,
                     .maybe = ""};
    db.insert(low);
    db.insert(high);
    const std::vector<Plain> read = db.query<Plain>().order_by(relate::col<&Plain::big>).get();
    REQUIRE(read.size() == 2);
    CHECK(read[0].big == low.big);
    CHECK(read[0].tiny == low.tiny);
    CHECK(read[0].single == low.single);
    CHECK(read[0].real == low.real);
    CHECK(read[0].flag);
    CHECK(read[0].text == low.text);
    CHECK_FALSE(read[0].maybe.has_value());
    CHECK(read[0].bytes == low.bytes);
    CHECK(read[1].big == high.big);
    CHECK(read[1].tiny == high.tiny);
    CHECK(read[1].single == high.single);
    CHECK(read[1].real == high.real);
    CHECK_FALSE(read[1].flag);
    CHECK(read[1].maybe == std::optional<std::string>(""));
    CHECK(read[1].bytes.empty());

    // A cell read as another kind converts as SQLite converts, and reads as text as the server
    // writes it in text form.
    auto st = db.connection().prepare(
        "SELECT CAST(-7 AS SMALLINT), CAST(2147483647 AS INTEGER), CAST(-2.5 AS REAL), CAST(1e300 AS DOUBLE PRECISION), "
        "CAST('NaN' AS DOUBLE PRECISION), CAST('-Infinity' AS DOUBLE PRECISION), true, '42', '\\x00ff'::bytea");
    REQUIRE(st->step());
    CHECK(st->column_text(0) == "-7");
    CHECK(st->column_double(0) == -7.0);
    CHECK(st->column_text(1) == "2147483647");
    CHECK(st->column_int64(1) == 2147483647);
    CHECK(st->column_text(2) == "-2.5");
    CHECK(st->column_int64(2) == -2);
    CHECK(st->column_text(3) == "1e+300");
    CHECK(st->column_int64(3) == std::numeric_limits<std::int64_t>::max());
    CHECK(st->column_text(4) == "NaN");
    CHECK(st->column_text(5) == "-Infinity");
    CHECK(st->column_text(6) == "t");
    CHECK(st->column_int64(6) == 1);
    CHECK(st->column_int64(7) == 42);
    CHECK(st->column_type(8) == SQLITE_BLOB);
    CHECK(st->column_text(8) == "\\x00ff");
    CHECK(st->column_blob(8).size() == 2);
}

BACKENDS_TEST_CASE("check_schema finds nothing in what create_tables made, and names what was changed after",
                   "[backends][schema]") {
    typename TestType::database db{TestType::open_target()};
    db.template create_tables<Author, Profile, Post, Tag, Sample>();
    const auto none = db.template check_schema<Author, Profile, Post, Tag, Sample>();
    for (const auto& d : none) UNSCOPED_INFO(d.description);
    CHECK(none.empty());

    db.connection().execute("ALTER TABLE \"tags\" DROP COLUMN \"name\"");
    db.connection().execute("DROP INDEX \"posts_authorId_index\"");
    const auto differences = db.template check_schema<Author, Profile, Post, Tag, Sample>();
    REQUIRE(differences.size() == 2);
    CHECK(differences[0].kind == relate::schema_drift::missing_index);
    CHECK(differences[0].column == "authorId");
    CHECK(differences[1].kind == relate::schema_drift::missing_column);
    CHECK(differences[1].table == "tags");
    CHECK_THROWS_AS(db.template require_schema<Tag>(), relate::schema_mismatch);
}

TEST_CASE("postgres: check_schema names a column of another type and a key the server does not assign",
          "[backends][schema]") {
    relate::postgres::database db{backends::postgres_server::open_target()};
    db.connection().execute("CREATE TABLE \"authors\" (\"id\" BIGINT PRIMARY KEY, \"name\" INTEGER NOT NULL)");
    const auto differences = db.check_schema<Author>();
    REQUIRE(differences.size() == 2);
    CHECK(differences[0].kind == relate::schema_drift::wrong_type);
    CHECK(differences[0].description == "authors.name is declared 'integer'; Author needs TEXT");
    CHECK(differences[1].kind == relate::schema_drift::wrong_primary_key);
    CHECK_THAT(differences[1].description, Catch::Contains("has no default"));
}

// SQLite's side of this is eager_loading_test's "all statements of one load run in one read transaction".
TEST_CASE("postgres: the statements of one eager load see one snapshot, whatever commits between them",
          "[backends][eager]") {
    using TestType = backends::postgres_server;
    const std::string target = TestType::open_target();
    typename TestType::database db{target};
    db.template create_tables<Author, Profile, Post, Tag>();
    const Author ada = db.insert(Author{.name = "Ada"});
    const Author bob = db.insert(Author{.name = "Bob"});
    db.insert(Post{.authorId = ada.id, .title = "a"});
    db.insert(Post{.authorId = bob.id, .title = "b"});

    typename TestType::database other{target};
    int statements = 0;
    db.on_statement([&](std::string_view, std::chrono::nanoseconds) {
        if (++statements == 1) other.remove(bob);  // between the authors' statement and the posts'
    });
    const auto authors = db.template query<Author>().order_by(col<&Author::id>).with(&Author::posts).get();
    REQUIRE(authors.size() == 2);
    CHECK(authors[1].posts.size() == 1);  // Bob as the first statement saw him: with his post
    CHECK(db.template query<Author>().count() == 1);
}

TEST_CASE("postgres: a keyed fetch is planned for its keys at every run, not prepared once", "[backends][eager]") {
    relate::postgres::database db{backends::postgres_server::open_target()};
    db.create_tables<Author, Profile, Post, Tag>();
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 8; ++i) {
        ids.push_back(db.insert(Author{.name = "author " + std::to_string(i)}).id);
        for (int k = 0; k <= i; ++k) db.insert(Post{.authorId = ids.back(), .title = "post"});
    }
    // Past the server's fifth run of one prepared statement, where it may switch to a generic
    // plan: each load still reads its own keys' rows, two to eight authors.
    for (std::size_t n = 2; n <= ids.size(); ++n) {
        const auto authors = db.template query<Author>()
                                 .where(col<&Author::id> <= ids[n - 1])
                                 .order_by(col<&Author::id>)
                                 .with(&Author::posts)
                                 .get();
        REQUIRE(authors.size() == n);
        for (std::size_t i = 0; i < n; ++i) CHECK(authors[i].posts.size() == i + 1);
    }
    // The pattern is split so that this statement, prepared too, does not hold it.
    auto prepared = db.connection().prepare(
        "SELECT count(*) FROM pg_prepared_statements WHERE strpos(statement, 'AS BIGINT' || '[]') > 0");
    REQUIRE(prepared->step());
    CHECK(prepared->column_int64(0) == 0);
}

TEST_CASE("postgres: a statement prepared before another session altered a column's type is prepared again",
          "[backends][errors]") {
    const std::string target = backends::postgres_server::open_target();
    relate::postgres::database db{target};
    db.create_tables<Author, Profile, Post, Tag>();
    const Author ada = db.insert(Author{.name = "Ada"});
    db.insert(Post{.authorId = ada.id, .title = "a", .rank = 3});
    const auto posts = [&] { return db.template query<Post>().get(); };
    // An eager load runs in a transaction; its first statement is a prepared one.
    const auto posts_with_authors = [&] { return db.template query<Post>().with(&Post::author).get(); };
    REQUIRE(posts().size() == 1);
    REQUIRE(posts_with_authors().size() == 1);
    std::vector<Author> authors = db.template query<Author>().get();
    db.load(authors, &Author::posts);

    relate::postgres::database other{target};
    other.connection().execute("ALTER TABLE posts ALTER COLUMN \"rank\" TYPE NUMERIC");

    SECTION("outside a transaction it runs at once") {
        const auto read = posts();
        REQUIRE(read.size() == 1);
        CHECK(read[0].rank == 3);
    }
    SECTION("an eager load, whose transaction the server ended, runs once more") {
        const auto read = posts_with_authors();
        REQUIRE(read.size() == 1);
        CHECK(read[0].rank == 3);
        CHECK(read[0].author->name == "Ada");
        CHECK_FALSE(db.connection().in_transaction());
    }
    SECTION("db.load on rows already read runs once more") {
        db.load(authors, &Author::posts);
        REQUIRE(authors[0].posts.size() == 1);
        CHECK(authors[0].posts[0].rank == 3);
    }
    SECTION("db.load_missing on rows that lack the relation runs once more") {
        std::vector<Author> fresh = db.template query<Author>().get();
        db.load_missing(fresh, "posts");
        REQUIRE(fresh[0].posts.size() == 1);
        CHECK(fresh[0].posts[0].rank == 3);
    }
    SECTION("inside the caller's transaction, which the server ended, the error reaches the caller once") {
        db.connection().control("BEGIN");
        try {
            posts_with_authors();
            FAIL("the stale statement ran inside the caller's transaction");
        } catch (const relate::sql_error& e) {
            CHECK(e.sqlstate() == "0A000");
        }
        db.connection().control("ROLLBACK");
        const auto read = posts_with_authors();
        REQUIRE(read.size() == 1);
        CHECK(read[0].rank == 3);
    }
}

TEST_CASE("postgres: a unit of work refused as stale after another session altered a column's type is written once "
          "more",
          "[backends][errors][unit_of_work]") {
    const std::string target = backends::postgres_server::open_target();
    relate::postgres::database db{target};
    db.create_tables<Author, Profile, Post, Tag>();
    Author ada = db.insert(Author{.name = "Ada"});
    db.insert(Post{.authorId = ada.id, .title = "a"});  // prepares the posts' INSERT ... RETURNING "id"

    relate::postgres::database other{target};
    other.connection().execute("ALTER TABLE posts ALTER COLUMN \"id\" TYPE INTEGER");
    const auto posts = [&] { return db.template query<Post>().count(); };

    SECTION("a unit in a transaction of its own: its keys are those of the second, whole run") {
        relate::basic_unit_of_work<relate::postgres::database::backend_type> uow{db};
        Post b{.authorId = ada.id, .title = "b"};
        ada.name = "Ada L.";
        uow.insert(b);
        uow.update(ada);
        uow.commit();
        CHECK(b.id > 1);
        CHECK(db.template find_or_throw<Post>(b.id).title == "b");
        CHECK(db.template find_or_throw<Author>(ada.id).name == "Ada L.");
        CHECK(posts() == 2);
    }
    SECTION("inside the caller's transaction, which the server ended, the error reaches the caller") {
        db.connection().control("BEGIN");
        Post b{.authorId = ada.id, .title = "b"};
        try {
            b = db.insert(b);
            FAIL("the stale statement ran inside the caller's transaction");
        } catch (const relate::sql_error& e) {
            CHECK(e.sqlstate() == "0A000");
        }
        CHECK(b.id == 0);
        db.connection().control("ROLLBACK");
        CHECK(posts() == 1);
        CHECK(db.insert(b).id > 1);
    }
}

TEST_CASE("postgres: a keyed fetch whose column another session altered to a type read as text reads it",
          "[backends][errors]") {
    const std::string target = backends::postgres_server::open_target();
    relate::postgres::database db{target};
    db.create_tables<Author, Profile, Post, Tag>();
    for (const char* name : {"Ada", "Bob"}) {
        const Author author = db.insert(Author{.name = name});
        db.insert(Post{.authorId = author.id, .title = name, .rank = 3});
    }
    const auto load = [&] { return db.template query<Author>().order_by(col<&Author::id>).with(&Author::posts).get(); };
    REQUIRE(load()[1].posts.size() == 1);  // the posts' keyed fetch read in binary form

    relate::postgres::database other{target};
    other.connection().execute("ALTER TABLE posts ALTER COLUMN \"rank\" TYPE NUMERIC");
    // The authors' statement is unchanged; the posts' fetch, planned at each run, now returns a
    // NUMERIC, which relate reads as text.
    const auto authors = load();
    REQUIRE(authors.size() == 2);
    REQUIRE(authors[1].posts.size() == 1);
    CHECK(authors[1].posts[0].rank == 3);
    CHECK(authors[1].posts[0].title == "Bob");
}
