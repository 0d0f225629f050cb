// A failing disk never leaves a half-written database. One multi-table commit (inserts with
// foreign-key validation, a three-level cascade delete, many-to-many sets, an update) is run
// again and again with its Nth write or sync failing (SQLITE_FULL, then SQLITE_IOERR), for every
// N until the commit needs fewer writes than N. With SQLite's default cache the writes happen at
// COMMIT; with a one-page cache pages spill while the statements run, so every statement of the
// commit meets a failure too. After each failure: the error is a relate::sql_error with that
// code, the database holds exactly what it held before (full dump, also from a second
// connection), passes integrity_check and foreign_key_check, the objects are as they were, and
// the same unit then commits.

#include "db_dump.hpp"
#include "faulty_vfs.hpp"
#include "policy_models.hpp"
#include "temp_file.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

using namespace policy;
using test_support::dump;

namespace {

std::vector<std::string> pragma_rows(relate::database& db, const std::string& pragma) {
    std::vector<std::string> rows;
    auto st = db.connection().prepare(pragma);
    while (st->step()) rows.emplace_back(st->column_text(0));
    return rows;
}

void copy_file(const std::string& from, const std::string& to) {
    std::ifstream in(from, std::ios::binary);
    std::ofstream out(to, std::ios::binary);
    out << in.rdbuf();
}

/// The database policy_models.hpp seeds, written once and closed (its WAL folded into the file).
struct seeded_template {
    relate_test::temp_file file;
    seeded_template() {
        relate::database db{file.path()};
        seed(db);
    }
};

const std::string& seeded_path() {
    static const seeded_template seeded;
    return seeded.file.path();
}

/// The objects of the commit under test, kept at fixed addresses (the unit holds references).
struct commit_under_test {
    Author cy{.name = "Cy"};
    Book cys_book{.title = "Cy's first"};
    Chapter chapter{.title = "opening"};
    Note note{.text = "a note"};
    Book bens_second{.authorId = 2, .title = "Ben's second"};
    Author ben;   // renamed
    Author ann;   // removed: books 1 and 2, chapters 1-4 and notes 1-8 cascade, a review set to NULL
    Genre essay;  // its books replaced

    explicit commit_under_test(relate::database& db)
        : ben(db.find_or_throw<Author>(2)), ann(db.find_or_throw<Author>(1)), essay(db.find_or_throw<Genre>(2)) {
        ben.name = "Ben B.";
    }

    void commit(relate::database& db) {
        relate::unit_of_work uow{db};
        uow.insert(cy);
        uow.insert(cys_book, relate::parent(&Book::author, cy));
        uow.insert(chapter, relate::parent(&Chapter::book, cys_book));
        uow.insert(note, relate::parent(&Note::chapter, chapter));
        uow.insert(bens_second);  // authorId 2 validated against authors
        uow.related(cys_book, &Book::genres).set({1, 2});
        uow.related(essay, &Genre::books).set({3});
        uow.update(ben);
        uow.remove(ann);
        uow.commit();
    }

    /// Every field the commit may write back, for "the objects are as they were".
    [[nodiscard]] std::vector<std::int64_t> keys() const {
        return {cy.id,          cys_book.id,    cys_book.authorId,    chapter.id, chapter.bookId, note.id,
                note.chapterId, bens_second.id, bens_second.authorId, ben.id,     ann.id,         essay.id};
    }
};

/// What a successful commit leaves: Ann's tree gone, Cy's there, the links replaced.
void check_committed(relate::database& db, const commit_under_test& c) {
    CHECK(c.cy.id != 0);
    CHECK(c.cys_book.authorId == c.cy.id);
    CHECK(c.note.chapterId == c.chapter.id);
    CHECK(db.query<Author>().count() == 2);
    CHECK_FALSE(db.find<Author>(1).has_value());
    CHECK(db.find_or_throw<Author>(2).name == "Ben B.");
    CHECK(db.query<Book>().count() == 3);
    CHECK(db.query<Chapter>().count() == 2);
    CHECK(db.query<Note>().count() == 2);
    CHECK(db.query<Review>().where(relate::col<&Review::authorId>.is_null()).count() == 1);
    const auto genres = db.query<Genre>().with(&Genre::books).order_by(relate::col<&Genre::id>).get();
    REQUIRE(genres.size() == 2);
    CHECK(genres[0].books.size() == 2);  // novel: book 3, and Cy's
    CHECK(genres[1].books.size() == 1);  // essay: book 3 only, its set() staged after Cy's
}

void check_sound(relate::database& db) {
    CHECK(pragma_rows(db, "PRAGMA integrity_check") == std::vector<std::string>{"ok"});
    CHECK(pragma_rows(db, "PRAGMA foreign_key_check").empty());
}

/// Fails the 1st, 2nd, ... write or sync of the commit with `code` until one run injects nothing;
/// returns the number of failures injected.
long sweep(int code, const std::string& cache_pragma) {
    for (long nth = 1;; ++nth) {
        INFO("failing write or sync number " << nth << " with code " << code << " after " << cache_pragma);
        const relate_test::temp_file file;
        copy_file(seeded_path(), file.path());
        relate::database db{test_support::faulty_vfs::uri(file.path())};
        db.connection().execute(cache_pragma);
        const std::string before = dump(db);
        commit_under_test c{db};
        const auto keys_before = c.keys();

        test_support::faulty_vfs::arm(nth, code);
        bool threw = false;
        try {
            c.commit(db);
        } catch (const relate::sql_error& e) {
            threw = true;
            CHECK(e.code() == code);
        } catch (const std::exception& e) {
            test_support::faulty_vfs::disarm();
            FAIL("not a relate::sql_error: " << e.what());
        }
        const bool fired = test_support::faulty_vfs::disarm();
        if (!fired) {
            REQUIRE_FALSE(threw);
            check_committed(db, c);
            check_sound(db);
            return nth - 1;
        }
        REQUIRE(threw);
        CHECK(c.keys() == keys_before);
        CHECK(dump(db) == before);
        check_sound(db);
        {  // what another connection finds in the file
            relate::database other{file.path()};
            CHECK(dump(other) == before);
            check_sound(other);
        }

        c.commit(db);  // the connection is still usable: the same unit now commits
        check_committed(db, c);
    }
}

}  // namespace

TEST_CASE("a write or sync failing at any point of a commit leaves the database and the objects as they were",
          "[reliability][fault]") {
    long injected = 0;
    for (const char* cache_pragma : {"PRAGMA cache_size = -2000", "PRAGMA cache_size = 1"}) {
        for (const int code : {SQLITE_FULL, SQLITE_IOERR}) {
            const long failures = sweep(code, cache_pragma);
            CHECK(failures > 0);
            injected += failures;
            std::cout << "fault injection: " << cache_pragma << ", "
                      << (code == SQLITE_FULL ? "SQLITE_FULL" : "SQLITE_IOERR") << ": " << failures
                      << " failed commits, each rolled back\n";
        }
    }
    std::cout << "fault injection: " << injected << " faults injected\n";
}
