#pragma once
// Models for the delete-policy tests: a three-level cascade (Author > Book > Chapter > Note), a
// restrict deep inside it (Chapter::citations), set_null (Author::reviews), restrict at the top
// (Author::awards), a junction (Book <-> Genre) and a self-referential cascading chain (Node);
// and a reach with no restrict in it (Rack > Box > Item, Rack::sign set_null, Box <-> Genre),
// whose policies PostgreSQL's ON DELETE actions can apply by themselves.

#include <relate/relate.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace policy {

struct Book;
struct Chapter;
struct Note;
struct Citation;
struct Review;
struct Award;
struct Genre;
struct Box;
struct Item;
struct Sign;

struct Author {
    std::int64_t id = 0;
    std::string name;
    relate::has_many<Book, relate::cascade> books;
    relate::has_many<Review, relate::set_null> reviews;
    relate::has_many<Award> awards;  // restrict, the default
};

struct Book {
    std::int64_t id = 0;
    std::int64_t authorId = 0;
    std::string title;
    relate::belongs_to<Author> author;
    relate::has_many<Chapter, relate::cascade> chapters;
    relate::belongs_to_many<Genre> genres;
};

struct Chapter {
    std::int64_t id = 0;
    std::int64_t bookId = 0;
    std::string title;
    relate::belongs_to<Book> book;
    relate::has_many<Note, relate::cascade> notes;
    relate::has_many<Citation, relate::restrict> citations;
};

struct Note {
    std::int64_t id = 0;
    std::int64_t chapterId = 0;
    std::string text;
    relate::belongs_to<Chapter> chapter;
};

struct Citation {
    std::int64_t id = 0;
    std::int64_t chapterId = 0;
    std::string source;
    relate::belongs_to<Chapter> chapter;
};

struct Review {
    std::int64_t id = 0;
    std::optional<std::int64_t> authorId;
    std::string text;
    relate::belongs_to<Author> author;
};

struct Award {
    std::int64_t id = 0;
    std::int64_t authorId = 0;
    std::string name;
    relate::belongs_to<Author> author;
};

struct Genre {
    std::int64_t id = 0;
    std::string name;
    relate::belongs_to_many<Book> books;
};

struct Node {
    std::int64_t id = 0;
    std::optional<std::int64_t> parentId;
    relate::belongs_to<Node, relate::foreign_key<"parentId">> parent;
    relate::has_many<Node, relate::cascade, relate::foreign_key<"parentId">> children;
};

struct Rack {
    std::int64_t id = 0;
    std::string name;
    relate::has_many<Box, relate::cascade> boxes;
    relate::has_one<Sign, relate::set_null> sign;
};

struct Box {
    std::int64_t id = 0;
    std::int64_t rackId = 0;
    relate::belongs_to<Rack> rack;
    relate::has_many<Item, relate::cascade> items;
    relate::belongs_to_many<Genre> genres;
};

struct Item {
    std::int64_t id = 0;
    std::int64_t boxId = 0;
    relate::belongs_to<Box> box;
};

struct Sign {
    std::int64_t id = 0;
    std::optional<std::int64_t> rackId;
    relate::belongs_to<Rack> rack;
};

/// Takes any relate::basic_database: SQLite's relate::database or relate::postgres::database.
template <class Db>
void create_tables(Db& db) {
    db.template create_tables<Author, Book, Chapter, Note, Citation, Review, Award, Genre, Node, Rack, Box, Item, Sign>();
}

/// Author 1 "Ann": books 1 and 2, each with two chapters, each chapter with two notes; a review.
/// Author 2 "Ben": book 3 with one chapter (5) and one note; a review.
/// Genres 1 "novel" (books 1, 3) and 2 "essay" (book 2).
template <class Db>
void seed(Db& db) {
    create_tables(db);
    relate::basic_unit_of_work<typename Db::backend_type> uow{db};
    Author ann{.name = "Ann"};
    Author ben{.name = "Ben"};
    uow.insert(ann);
    uow.insert(ben);
    uow.commit();
    std::int64_t chapter_count = 0;
    for (int b = 0; b < 2; ++b) {
        const Book book = db.insert(Book{.authorId = ann.id, .title = "Ann " + std::to_string(b)});
        for (int c = 0; c < 2; ++c) {
            const Chapter chapter = db.insert(Chapter{.bookId = book.id, .title = "ch" + std::to_string(++chapter_count)});
            for (int n = 0; n < 2; ++n) db.insert(Note{.chapterId = chapter.id, .text = "note"});
        }
    }
    const Book bens = db.insert(Book{.authorId = ben.id, .title = "Ben's"});
    const Chapter only = db.insert(Chapter{.bookId = bens.id, .title = "only"});
    db.insert(Note{.chapterId = only.id, .text = "note"});
    db.insert(Review{.authorId = ann.id, .text = "fine"});
    db.insert(Review{.authorId = ben.id, .text = "good"});
    Genre novel = db.insert(Genre{.name = "novel"});
    Genre essay = db.insert(Genre{.name = "essay"});
    db.related(novel, &Genre::books).connect({1, 3});
    db.related(essay, &Genre::books).connect({2});
}

/// Rack 1 "a": boxes 1 and 2, two items each, both boxes linked to a genre; a sign.
/// Rack 2 "b": box 3 with one item, linked to the genre; a sign. Tables made by create_tables.
template <class Db>
void seed_racks(Db& db) {
    create_tables(db);
    const Genre genre = db.insert(Genre{.name = "mixed"});
    for (const char* name : {"a", "b"}) {
        const Rack rack = db.insert(Rack{.name = name});
        db.insert(Sign{.rackId = rack.id});
        for (int b = 0; b < (rack.id == 1 ? 2 : 1); ++b) {
            Box box = db.insert(Box{.rackId = rack.id});
            for (int i = 0; i < (rack.id == 1 ? 2 : 1); ++i) db.insert(Item{.boxId = box.id});
            db.related(box, &Box::genres).connect({genre.id});
        }
    }
}

}  // namespace policy
