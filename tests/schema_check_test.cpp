// db.check_schema<Models...>(): the live database compared with what create_tables<Models...>()
// makes. Nothing is reported for tables create_tables or a matching migration made; each kind of
// drift is reported, all of them at once, and require_schema throws relate::schema_mismatch.

#include "blog_models.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using Catch::Contains;

namespace schema_check_models {

struct Book;
struct Genre;

struct Author {
    std::int64_t id = 0;
    std::string name;
    relate::has_many<Book, relate::cascade> books;
};

struct Book {
    std::int64_t id = 0;
    std::int64_t authorId = 0;
    std::string title;
    std::optional<double> price;
    relate::belongs_to<Author> author;
    relate::belongs_to_many<Genre> genres;  // junction book_genres (bookId, genreId)
};

struct Genre {
    std::int64_t id = 0;
    std::string name;
};

enum class level { low, high };

// Every kind of column, and a key relate does not assign.
struct Reading {
    static constexpr std::string_view primary_key = "code";
    std::string code;
    double value = 0;
    bool flag = false;
    level level_of = level::low;
    std::optional<relate::blob> raw;
    std::chrono::sys_seconds at{};
    std::optional<std::int64_t> count;
};

}  // namespace schema_check_models

using namespace schema_check_models;

namespace {

// The tables create_tables<Author, Book, Genre>() makes, written by hand.
constexpr const char* library_sql[] = {
    "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
    "CREATE TABLE books (id INTEGER PRIMARY KEY, authorId INTEGER NOT NULL REFERENCES authors (id) ON DELETE "
    "CASCADE, title TEXT NOT NULL, price REAL)",
    "CREATE INDEX books_authorId_index ON books (authorId)",
    "CREATE TABLE genres (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
    "CREATE TABLE book_genres (bookId INTEGER NOT NULL REFERENCES books (id) ON DELETE CASCADE, genreId INTEGER "
    "NOT NULL REFERENCES genres (id) ON DELETE CASCADE, PRIMARY KEY (bookId, genreId)) WITHOUT ROWID",
    "CREATE INDEX book_genres_genreId_index ON book_genres (genreId)",
};

void create_library(relate::database& db) {
    for (const char* sql : library_sql) db.connection().execute(sql);
}

/// Replaces the books table with one made of these column definitions.
void recreate_books(relate::database& db, const std::string& columns, bool with_index = true) {
    db.connection().execute("DROP TABLE books");
    db.connection().execute("CREATE TABLE books (" + columns + ")");
    if (with_index) db.connection().execute("CREATE INDEX books_authorId_index ON books (authorId)");
}

std::string_view kind_name(relate::schema_drift kind) {
    switch (kind) {
        case relate::schema_drift::missing_table: return "missing_table";
        case relate::schema_drift::missing_junction_table: return "missing_junction_table";
        case relate::schema_drift::missing_column: return "missing_column";
        case relate::schema_drift::wrong_type: return "wrong_type";
        case relate::schema_drift::wrong_nullability: return "wrong_nullability";
        case relate::schema_drift::wrong_primary_key: return "wrong_primary_key";
        case relate::schema_drift::missing_foreign_key: return "missing_foreign_key";
        case relate::schema_drift::wrong_foreign_key: return "wrong_foreign_key";
        case relate::schema_drift::wrong_on_delete: return "wrong_on_delete";
        case relate::schema_drift::missing_index: return "missing_index";
        case relate::schema_drift::unexpected_required_column: return "unexpected_required_column";
    }
    return "?";
}

/// "missing_column books.price" for each difference, in the order reported.
std::vector<std::string> summary(const std::vector<relate::schema_difference>& differences) {
    std::vector<std::string> out;
    for (const auto& d : differences)
        out.push_back(std::string(kind_name(d.kind)) + " " + d.table + (d.column.empty() ? "" : "." + d.column));
    return out;
}

std::vector<std::string> library_drift(relate::database& db) {
    return summary(db.check_schema<Author, Book, Genre>());
}

/// The description of the only difference reported.
std::string only_description(relate::database& db) {
    const auto differences = db.check_schema<Author, Book, Genre>();
    REQUIRE(differences.size() == 1);
    return differences.front().description;
}

}  // namespace

TEST_CASE("check_schema reports nothing for the tables create_tables made", "[schema_check]") {
    relate::database db{":memory:"};

    SECTION("the blog models") {
        blog::create_blog_tables(db);
        CHECK(db.check_schema<blog::User, blog::Profile, blog::Post, blog::Tag, blog::Category>().empty());
        CHECK_NOTHROW(db.require_schema<blog::User, blog::Profile, blog::Post, blog::Tag, blog::Category>());
    }

    SECTION("every kind of column and a key relate does not assign") {
        db.create_tables<Reading>();
        CHECK(db.check_schema<Reading>().empty());
    }

    SECTION("the same tables written by hand") {
        create_library(db);
        CHECK(library_drift(db).empty());
    }

    SECTION("and they are checked: without the tables, every one is missing") {
        CHECK(summary(db.check_schema<blog::User, blog::Profile, blog::Post, blog::Tag, blog::Category>()) ==
              std::vector<std::string>{"missing_table users", "missing_table profiles", "missing_table posts",
                                       "missing_junction_table post_tags", "missing_table tags",
                                       "missing_table categories"});
    }
}

TEST_CASE("check_schema reports nothing for migrations written to match the models", "[schema_check][migration]") {
    relate::database db{":memory:"};
    const relate::migration blog_schema{"2026_11_01_blog", [](relate::schema& s) {
        s.create("users", [](relate::blueprint& t) {
            t.id();
            t.text("name");
            t.text("email");
        });
        s.create("profiles", [](relate::blueprint& t) {
            t.id();
            t.integer("userId").references("users");  // has_one: restrict
            t.text("bio").nullable();
        });
        s.create("posts", [](relate::blueprint& t) {
            t.id();
            t.integer("userId").nullable().references("users").on_delete(relate::cascade);
            t.text("title");
        });
        s.create("tags", [](relate::blueprint& t) {
            t.id();
            t.text("name");
        });
        s.create("post_tags", [](relate::blueprint& t) {
            t.integer("postId").references("posts").on_delete(relate::cascade);
            t.integer("tagId").references("tags").on_delete(relate::cascade);
            t.primary({"postId", "tagId"});
        });
        s.create("categories", [](relate::blueprint& t) {
            t.id();
            t.integer("parentId").nullable().references("categories");
            t.text("name");
        });
    }};
    db.migrate({blog_schema});

    CHECK(db.check_schema<blog::User, blog::Profile, blog::Post, blog::Tag, blog::Category>().empty());

    SECTION("and the models work on them") {
        blog::seed_blog(db);  // create_tables is a no-op on matching tables
        CHECK(db.query<blog::User>().with("posts.tags").get().size() == 3);
    }
}

TEST_CASE("check_schema reports each kind of drift", "[schema_check]") {
    relate::database db{":memory:"};
    create_library(db);
    REQUIRE(library_drift(db).empty());

    SECTION("a missing table") {
        db.connection().execute("DROP TABLE book_genres");
        db.connection().execute("DROP TABLE genres");
        CHECK(library_drift(db) ==
              std::vector<std::string>{"missing_junction_table book_genres", "missing_table genres"});
        const auto differences = db.check_schema<Author, Book, Genre>();
        CHECK(differences[0].description == "junction table book_genres of Book::genres is missing");
        CHECK(differences[1].description == "table genres of Genre is missing");
        CHECK(differences[1].column.empty());
    }

    SECTION("a missing column") {
        recreate_books(db,
                       "id INTEGER PRIMARY KEY, authorId INTEGER NOT NULL REFERENCES authors (id) ON DELETE CASCADE, "
                       "title TEXT NOT NULL");
        CHECK(library_drift(db) == std::vector<std::string>{"missing_column books.price"});
        CHECK(only_description(db) == "books.price is missing (Book needs a column with REAL affinity)");
    }

    SECTION("a column of another type affinity") {
        recreate_books(db,
                       "id INTEGER PRIMARY KEY, authorId INTEGER NOT NULL REFERENCES authors (id) ON DELETE CASCADE, "
                       "title TEXT NOT NULL, price VARCHAR(20)");
        CHECK(library_drift(db) == std::vector<std::string>{"wrong_type books.price"});
        CHECK(only_description(db) == "books.price is declared 'VARCHAR(20)' (TEXT affinity); Book needs REAL affinity");
    }

    SECTION("declared types are compared by affinity, names without regard to case") {
        recreate_books(db,
                       "ID INTEGER PRIMARY KEY, AuthorID BIGINT NOT NULL REFERENCES Authors (ID) ON DELETE CASCADE, "
                       "Title VARCHAR(200) NOT NULL, Price DOUBLE PRECISION");
        CHECK(library_drift(db).empty());
    }

    SECTION("NULL allowed where the field is not optional, and the other way round") {
        recreate_books(db,
                       "id INTEGER PRIMARY KEY, authorId INTEGER NOT NULL REFERENCES authors (id) ON DELETE CASCADE, "
                       "title TEXT, price REAL NOT NULL");
        const auto differences = db.check_schema<Author, Book, Genre>();
        CHECK(summary(differences) ==
              std::vector<std::string>{"wrong_nullability books.title", "wrong_nullability books.price"});
        CHECK_THAT(differences[0].description,
                   Contains("books.title allows NULL, but its field in Book is not std::optional"));
        CHECK_THAT(differences[1].description, Contains("books.price is NOT NULL, but its field in Book is std::optional"));
    }

    SECTION("another primary key") {
        recreate_books(db,
                       "id INTEGER NOT NULL, authorId INTEGER NOT NULL REFERENCES authors (id) ON DELETE CASCADE, "
                       "title TEXT NOT NULL PRIMARY KEY, price REAL");
        CHECK(library_drift(db) == std::vector<std::string>{"wrong_primary_key books.id", "wrong_primary_key books.title"});
    }

    SECTION("a missing foreign key") {
        recreate_books(db, "id INTEGER PRIMARY KEY, authorId INTEGER NOT NULL, title TEXT NOT NULL, price REAL");
        CHECK(library_drift(db) == std::vector<std::string>{"missing_foreign_key books.authorId"});
        CHECK(only_description(db) ==
              "books.authorId has no foreign key; Book expects REFERENCES authors (id) ON DELETE CASCADE");
    }

    SECTION("a foreign key to another table") {
        recreate_books(db,
                       "id INTEGER PRIMARY KEY, authorId INTEGER NOT NULL REFERENCES genres (id) ON DELETE CASCADE, "
                       "title TEXT NOT NULL, price REAL");
        CHECK(library_drift(db) == std::vector<std::string>{"wrong_foreign_key books.authorId"});
        CHECK_THAT(only_description(db), Contains("books.authorId references genres (id)"));
    }

    SECTION("an ON DELETE that is not the declared policy") {
        recreate_books(db,
                       "id INTEGER PRIMARY KEY, authorId INTEGER NOT NULL REFERENCES authors (id), title TEXT NOT "
                       "NULL, price REAL");
        CHECK(library_drift(db) == std::vector<std::string>{"wrong_on_delete books.authorId"});
        CHECK(only_description(db) ==
              "books.authorId has ON DELETE NO ACTION; the models declare ON DELETE CASCADE");
    }

    SECTION("a foreign key without its index") {
        db.connection().execute("DROP INDEX books_authorId_index");
        CHECK(library_drift(db) == std::vector<std::string>{"missing_index books.authorId"});
    }

    SECTION("a junction table without its foreign keys and index") {
        db.connection().execute("DROP TABLE book_genres");
        db.connection().execute("CREATE TABLE book_genres (bookId INTEGER NOT NULL, genreId INTEGER NOT NULL, "
                                "PRIMARY KEY (bookId, genreId))");
        CHECK(library_drift(db) ==
              std::vector<std::string>{"missing_foreign_key book_genres.bookId", "missing_foreign_key book_genres.genreId",
                                       "missing_index book_genres.genreId"});
    }

    SECTION("a column the model lacks that inserts would have to fill") {
        db.connection().execute("ALTER TABLE books ADD COLUMN isbn TEXT NOT NULL DEFAULT ''");
        db.connection().execute("ALTER TABLE books ADD COLUMN notes TEXT");
        CHECK(library_drift(db).empty());  // a default or NULL fills them

        recreate_books(db,
                       "id INTEGER PRIMARY KEY, authorId INTEGER NOT NULL REFERENCES authors (id) ON DELETE CASCADE, "
                       "title TEXT NOT NULL, price REAL, isbn TEXT NOT NULL");
        CHECK(library_drift(db) == std::vector<std::string>{"unexpected_required_column books.isbn"});
        CHECK(only_description(db) ==
              "books.isbn is NOT NULL without a default, but Book has no field for it: inserting one would fail");
        const Author author = db.insert(Author{.name = "Ursula"});
        CHECK_THROWS_WITH(db.insert(Book{.authorId = author.id, .title = "x"}), Contains("books.isbn"));
    }
}

TEST_CASE("every difference is reported at once, and require_schema throws them all", "[schema_check]") {
    relate::database db{":memory:"};
    create_library(db);
    db.connection().execute("DROP TABLE book_genres");
    recreate_books(db, "id INTEGER PRIMARY KEY, authorId TEXT, title TEXT NOT NULL", false);

    const std::vector<std::string> expected{"wrong_type books.authorId", "wrong_nullability books.authorId",
                                            "missing_column books.price", "missing_foreign_key books.authorId",
                                            "missing_index books.authorId", "missing_junction_table book_genres"};
    const auto differences = db.check_schema<Author, Book, Genre>();
    CHECK(summary(differences) == expected);

    try {
        db.require_schema<Author, Book, Genre>();
        FAIL("require_schema did not throw");
    } catch (const relate::schema_mismatch& e) {
        REQUIRE(e.differences().size() == expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            CHECK(e.differences()[i] == differences[i].description);
            CHECK_THAT(e.what(), Contains("\n  - " + differences[i].description));
        }
        CHECK_THAT(e.what(), Catch::StartsWith("relate: the database does not match the models (6 differences):"));
    }

    SECTION("the check reads and changes nothing it should not") {
        CHECK_FALSE(db.connection().in_transaction());
        CHECK(summary(db.check_schema<Author, Book, Genre>()) == expected);
    }
}
