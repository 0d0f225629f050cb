// Counts and aggregates of relations: has() with a count, with_count with a condition,
// with_exists, with_sum, with_avg, with_min, with_max, and each of them inside an include. The
// cases run on both backends (tests/backends.hpp); SQLite's integer overflow only on SQLite.

#include "backends.hpp"
#include "blog_models.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

using relate::col;

namespace shelf {

struct Book;
struct Genre;
struct Review;

struct Author {
    std::int64_t id = 0;
    std::string name;
    relate::has_many<Book, relate::cascade> books;
};

struct Book {
    std::int64_t id = 0;
    std::int64_t authorId = 0;
    std::string title;
    std::int64_t pages = 0;
    std::optional<double> rating;
    relate::belongs_to<Author> author;
    relate::belongs_to_many<Genre> genres;
    relate::has_many<Review, relate::cascade> reviews;
};

struct Genre {
    std::int64_t id = 0;
    std::string name;
    relate::belongs_to_many<Book> books;
};

struct Review {
    std::int64_t id = 0;
    std::int64_t bookId = 0;
    int stars = 0;
    relate::belongs_to<Book> book;
};

/// authors  1 Ann (books 1 2 3), 2 Ben (book 4), 3 Cal (no books)
/// books    1 "A" 100 pages 4.5, 2 "B" 250 pages unrated, 3 "C" 50 pages 3.0, 4 "D" 300 pages 5.0
/// genres   1 fiction (books 1 2 4), 2 poetry (book 3), 3 essays (no books)
/// reviews  book 1: 5 4; book 2: 1; book 4: 5 5 3
template <class Db>
void seed(Db& db) {
    db.template create_tables<Author, Book, Genre, Review>();
    for (const char* name : {"Ann", "Ben", "Cal"}) db.insert(Author{.name = name});
    db.insert(Book{.authorId = 1, .title = "A", .pages = 100, .rating = 4.5});
    db.insert(Book{.authorId = 1, .title = "B", .pages = 250, .rating = std::nullopt});
    db.insert(Book{.authorId = 1, .title = "C", .pages = 50, .rating = 3.0});
    db.insert(Book{.authorId = 2, .title = "D", .pages = 300, .rating = 5.0});
    for (const char* name : {"fiction", "poetry", "essays"}) db.insert(Genre{.name = name});
    // Quoted: PostgreSQL folds unquoted names to lower case, and relate creates them as written.
    db.connection().execute(
        "INSERT INTO \"book_genres\" (\"bookId\", \"genreId\") VALUES (1, 1), (2, 1), (4, 1), (3, 2)");
    const std::pair<std::int64_t, int> reviews[] = {{1, 5}, {1, 4}, {2, 1}, {4, 5}, {4, 5}, {4, 3}};
    for (const auto& [book, stars] : reviews) db.insert(Review{.bookId = book, .stars = stars});
}

/// The book titled `title` among a's loaded books: an include that names no order reads them in none.
const Book& book_titled(const Author& a, const std::string& title) {
    for (const Book& b : a.books)
        if (b.title == title) return b;
    FAIL("no book titled " << title);
    throw;
}

}  // namespace shelf

using shelf::Author;
using shelf::Book;
using shelf::Genre;
using blog::id_list;
using shelf::Review;

BACKENDS_TEST_CASE("has() with a count keeps the rows with that many related rows", "[aggregates]") {
    typename TestType::database db{TestType::open_target()};
    shelf::seed(db);
    const auto authors = [&](const relate::predicate<Author>& p) {
        return blog::ids(db.template query<Author>().where(p).get());
    };

    CHECK(authors(relate::has(&Author::books, relate::at_least(2))) == id_list{1});
    CHECK(authors(relate::has(&Author::books, relate::at_least(1))) == id_list{1, 2});
    CHECK(authors(relate::has(&Author::books, relate::at_least(0))) == id_list{1, 2, 3});
    CHECK(authors(relate::has(&Author::books, relate::at_most(1))) == id_list{2, 3});
    CHECK(authors(relate::has(&Author::books, relate::exactly(0))) == id_list{3});
    CHECK(authors(relate::has(&Author::books, relate::exactly(3))) == id_list{1});
    CHECK(authors(!relate::has(&Author::books, relate::at_least(2))) == id_list{2, 3});

    SECTION("counting only the related rows matching a condition") {
        CHECK(authors(relate::has(&Author::books, col<&Book::pages> > 90, relate::at_least(2))) == id_list{1});
        CHECK(authors(relate::has(&Author::books, col<&Book::pages> >= 250, relate::exactly(1))) == id_list{1, 2});
        CHECK(authors(relate::has(&Author::books, relate::has(&Book::reviews, relate::at_least(3)), relate::at_least(1))) ==
              id_list{2});
    }
    SECTION("through a junction, and combined with other conditions") {
        CHECK(blog::ids(db.template query<Genre>().where(relate::has(&Genre::books, relate::at_least(2))).get()) ==
              id_list{1});
        CHECK(blog::ids(db.template query<Book>().where(relate::has(&Book::genres, relate::exactly(0))).get()).empty());
        CHECK(authors(col<&Author::name> != "Ann" && relate::has(&Author::books, relate::at_most(1))) == id_list{2, 3});
        CHECK(db.template query<Author>().where(relate::has(&Author::books, relate::at_least(1))).count() == 2);
    }
    SECTION("a negative count is refused before any statement") {
        CHECK_THROWS_WITH(relate::at_least(-1), Catch::Contains("at_least(-1) needs a count of zero or more"));
        CHECK_THROWS_AS(relate::exactly(-3), relate::error);
    }
}

BACKENDS_TEST_CASE("with_count counts only the related rows matching its condition", "[aggregates]") {
    typename TestType::database db{TestType::open_target()};
    shelf::seed(db);

    std::vector<Author> authors;
    CHECK(blog::statements_of(db, [&] {
              authors = db.template query<Author>()
                            .with_count(&Author::books, col<&Book::pages> >= 100)
                            .order_by(col<&Author::id>)
                            .get();
          }) == 2);
    REQUIRE(authors.size() == 3);
    CHECK(authors[0].books.count() == 2);
    CHECK(authors[1].books.count() == 1);
    CHECK(authors[2].books.count() == 0);

    auto genres = db.template query<Genre>()
                      .with_count(&Genre::books, col<&Book::title> != "A")
                      .order_by(col<&Genre::id>)
                      .get();
    REQUIRE(genres.size() == 3);
    CHECK(genres[0].books.count() == 2);
    CHECK(genres[1].books.count() == 1);
    CHECK(genres[2].books.count() == 0);

    SECTION("a later with_count of the same relation replaces the earlier one") {
        auto all = db.template query<Author>()
                       .with_count(&Author::books, col<&Book::pages> >= 100)
                       .with_count(&Author::books)
                       .order_by(col<&Author::id>)
                       .get();
        CHECK(all[0].books.count() == 3);
    }
}

BACKENDS_TEST_CASE("with_sum, with_avg, with_min, with_max and with_exists of one relation share one statement",
                   "[aggregates]") {
    typename TestType::database db{TestType::open_target()};
    shelf::seed(db);

    std::vector<Author> authors;
    CHECK(blog::statements_of(db, [&] {
              authors = db.template query<Author>()
                            .with_sum(&Author::books, &Book::pages)
                            .with_avg(&Author::books, &Book::pages)
                            .with_min(&Author::books, &Book::pages)
                            .with_max(&Author::books, &Book::pages)
                            .with_avg(&Author::books, &Book::rating)
                            .with_exists(&Author::books)
                            .with_count(&Author::books)
                            .order_by(col<&Author::id>)
                            .get();
          }) == 2);
    REQUIRE(authors.size() == 3);
    const Author& ann = authors[0];
    CHECK(ann.books.sum() == 400);
    CHECK(ann.books.avg("pages") == Approx(400.0 / 3));
    CHECK(ann.books.avg("rating") == 3.75);  // the unrated book is left out, as SQL's AVG does
    CHECK(ann.books.min() == 50);
    CHECK(ann.books.max() == 250);
    CHECK(ann.books.exists());
    CHECK(ann.books.count() == 3);
    CHECK_FALSE(ann.books.loaded());
    CHECK(authors[1].books.sum() == 300);
    CHECK(authors[1].books.max() == 300);

    const Author& cal = authors[2];  // no books: sum 0, the others none
    CHECK(cal.books.sum() == 0);
    CHECK(cal.books.avg("pages") == std::nullopt);
    CHECK(cal.books.min() == std::nullopt);
    CHECK(cal.books.max() == std::nullopt);
    CHECK_FALSE(cal.books.exists());
    CHECK(cal.books.count() == 0);

    SECTION("two averages: the column must be named") {
        CHECK_THROWS_WITH(ann.books.avg(), Catch::Contains("Author::books holds with_avg of several columns"));
    }
    SECTION("an aggregate not asked for is not loaded") {
        CHECK_THROWS_AS(authors[0].books.sum("rating"), relate::not_loaded);
        auto plain = db.template query<Author>().order_by(col<&Author::id>).get();
        CHECK_THROWS_WITH(plain[0].books.sum(), Catch::Contains("Author::books has no sum"));
        CHECK_THROWS_AS(plain[0].books.exists(), relate::not_loaded);
    }
    SECTION("aggregates with different conditions take one statement each") {
        CHECK(blog::statements_of(db, [&] {
                  authors = db.template query<Author>()
                                .with_sum(&Author::books, &Book::pages, col<&Book::pages> < 200)
                                .with_max(&Author::books, &Book::pages, col<&Book::pages> < 200)
                                .with_exists(&Author::books, col<&Book::title> == "D")
                                .order_by(col<&Author::id>)
                                .get();
              }) == 3);
        CHECK(authors[0].books.sum() == 150);
        CHECK(authors[0].books.max() == 100);
        CHECK_FALSE(authors[0].books.exists());
        CHECK(authors[1].books.sum() == 0);
        CHECK(authors[1].books.max() == std::nullopt);
        CHECK(authors[1].books.exists());
    }
    SECTION("through a junction") {
        auto genres = db.template query<Genre>()
                          .with_sum(&Genre::books, &Book::pages)
                          .with_max(&Genre::books, &Book::rating, col<&Book::pages> > 100)
                          .order_by(col<&Genre::id>)
                          .get();
        CHECK(genres[0].books.sum() == 650);
        CHECK(genres[0].books.max() == 5.0);
        CHECK(genres[1].books.sum() == 50);
        CHECK(genres[1].books.max() == std::nullopt);
        CHECK(genres[2].books.sum() == 0);
    }
}

BACKENDS_TEST_CASE("aggregates inside an include cost one statement per relation", "[aggregates]") {
    typename TestType::database db{TestType::open_target()};
    shelf::seed(db);

    std::vector<Author> authors;
    CHECK(blog::statements_of(db, [&] {
              authors = db.template query<Author>()
                            .with(relate::include(&Author::books)
                                      .order_by(col<&Book::id>)
                                      .with_count(&Book::reviews)
                                      .with_max(&Book::reviews, &Review::stars)
                                      .with_count(&Book::genres, col<&Genre::name> == "fiction"))
                            .order_by(col<&Author::id>)
                            .get();
          }) == 4);  // authors, books, their reviews' aggregates, their genres' count
    REQUIRE(authors[0].books.size() == 3);
    const auto& books = authors[0].books;
    CHECK(books[0].reviews.count() == 2);
    CHECK(books[0].reviews.max() == 5);
    CHECK(books[1].reviews.count() == 1);
    CHECK(books[2].reviews.count() == 0);
    CHECK(books[2].reviews.max() == std::nullopt);
    CHECK(books[0].genres.count() == 1);
    CHECK(books[2].genres.count() == 0);
    CHECK(authors[1].books[0].reviews.count() == 3);
    CHECK_THROWS_AS(authors[1].books[0].reviews.sum("stars"), relate::not_loaded);

    SECTION("onto rows already read, with db.load") {
        auto plain = db.template query<Author>().order_by(col<&Author::id>).get();
        CHECK(blog::statements_of(db, [&] {
                  db.load(plain, relate::include(&Author::books).with_sum(&Book::reviews, &Review::stars));
              }) == 2);  // books, their reviews' sums
        CHECK(shelf::book_titled(plain[0], "A").reviews.sum() == 9);
        CHECK(plain[1].books[0].reviews.sum() == 13);
    }
}

BACKENDS_TEST_CASE("an aggregate is returned exactly or refused", "[aggregates]") {
    typename TestType::database db{TestType::open_target()};
    shelf::seed(db);
    const Author big = db.insert(Author{.name = "Big"});
    db.insert(Book{.authorId = big.id, .title = "x", .pages = std::int64_t{1} << 53});
    db.insert(Book{.authorId = big.id, .title = "y", .pages = 1});

    auto authors = db.template query<Author>().where(col<&Author::id> == big.id).with_sum(&Author::books, &Book::pages)
                       .with_max(&Author::books, &Book::pages).get();
    REQUIRE(authors.size() == 1);
    CHECK(authors[0].books.max() == 9007199254740992.0);  // 2^53: a double holds it
    CHECK_THROWS_AS(authors[0].books.sum(), relate::type_error);  // 2^53 + 1: it does not
    CHECK_THROWS_WITH(authors[0].books.sum(),
                      Catch::Contains("the sum of Author::books.pages is 9007199254740993, which a double cannot hold"));

    SECTION("a sum beyond 64 bits is an error or exact, not a wrapped number") {
        db.insert(Book{.authorId = big.id, .title = "z", .pages = std::numeric_limits<std::int64_t>::max()});
        if constexpr (std::is_same_v<TestType, backends::sqlite_memory>) {  // SQLite's integer overflow
            CHECK_THROWS_AS(db.template query<Author>().with_sum(&Author::books, &Book::pages).get(), relate::sql_error);
        } else {
            // PostgreSQL sums BIGINT as numeric, which does not overflow: the sum, 2^63 + 2^53, comes
            // back exactly (a double holds it) or is refused, never wrapped.
            const auto sums =
                db.template query<Author>().where(col<&Author::id> == big.id).with_sum(&Author::books, &Book::pages).get();
            REQUIRE(sums.size() == 1);
            std::optional<double> sum;
            try {
                sum = sums[0].books.sum();
            } catch (const relate::type_error& e) {
                CHECK_THAT(e.what(), Catch::Contains("9232379236109516800"));
            }
            if (sum) CHECK(*sum == 9232379236109516800.0);
        }
    }
}

BACKENDS_TEST_CASE("aggregates cost one statement per relation whatever the number of rows", "[aggregates]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_many(db, 300);

    std::vector<blog::User> users;
    CHECK(blog::statements_of(db, [&] {
              users = db.template query<blog::User>()
                          .with_count(&blog::User::posts)
                          .with_max(&blog::User::posts, &blog::Post::id)
                          .with_exists(&blog::User::posts, col<&blog::Post::title>.like("%p2"))
                          .order_by(col<&blog::User::id>)
                          .get();
          }) == 3);  // users, the count and max of posts, posts matching the condition
    REQUIRE(users.size() == 300);
    for (std::size_t i = 0; i < users.size(); ++i) {
        const auto n = static_cast<std::int64_t>((i + 1) % 4);
        CHECK(users[i].posts.count() == n);
        CHECK(users[i].posts.exists() == (n == 3));
        CHECK(users[i].posts.max().has_value() == (n > 0));
    }
}
