// Relation members: loaded state, not_loaded messages, absent single relations, copies and
// moves, declaration order, naming conventions and overrides, and the DDL they produce. The cases
// that use a database run on both backends (tests/backends.hpp), except those that read SQLite's
// schema (PRAGMAs, sqlite_master).

#include "backends.hpp"
#include "blog_models.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

using blog::Category;
using blog::Post;
using blog::Profile;
using blog::Tag;
using blog::User;
using Catch::Contains;

namespace relation_models {

// Book is declared before Shelf: its belongs_to names a type that is still incomplete.
struct Shelf;
struct Book {
    std::int64_t id = 0;
    std::int64_t shelfId = 0;
    std::string title;
    relate::belongs_to<Shelf> shelf;
};
struct Shelf {
    std::int64_t id = 0;
    std::string label;
    relate::has_many<Book> books;
};

// Overrides of the foreign key and the junction table.
struct Label;
struct Article {
    std::int64_t id = 0;
    std::int64_t authorId = 0;
    std::string title;
    relate::belongs_to<User, relate::foreign_key<"authorId">> author;
    relate::belongs_to_many<Label, relate::junction<"article_labels">> labels;
};
struct Label {
    std::int64_t id = 0;
    std::string name;
    relate::belongs_to_many<Article, relate::junction<"article_labels">> articles;
};

// A set_null policy with an overridden foreign key.
struct Essay;
struct Writer {
    std::int64_t id = 0;
    std::string name;
    relate::has_many<Essay, relate::set_null, relate::foreign_key<"authorId">> essays;
};
struct Essay {
    std::int64_t id = 0;
    std::optional<std::int64_t> authorId;
    std::string title;
    relate::belongs_to<Writer, relate::foreign_key<"authorId">> author;
};

// A two-word model with the default junction to Tag.
struct BlogPost {
    std::int64_t id = 0;
    std::string title;
    relate::belongs_to_many<Tag> tags;
};

// A model related to itself: who a member follows, and who follows them, through one junction.
struct Member {
    std::int64_t id = 0;
    std::string name;
    relate::belongs_to_many<Member, relate::junction<"follows", "followerId", "followedId">> following;
    relate::belongs_to_many<Member, relate::junction<"follows", "followedId", "followerId">> followers;
};

}  // namespace relation_models

using namespace relation_models;

namespace {

using table = std::vector<std::vector<std::string>>;

/// Every row of a query, each column as text ("NULL" for NULL), read with the raw SQLite API.
table rows_of(relate::database& db, const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db.connection().handle(), sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    table out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        auto& row = out.emplace_back();
        for (int c = 0; c < sqlite3_column_count(st); ++c) {
            const auto* text = sqlite3_column_text(st, c);
            row.emplace_back(text == nullptr ? "NULL" : reinterpret_cast<const char*>(text));
        }
    }
    sqlite3_finalize(st);
    return out;
}

/// The same, read with the raw libpq API.
table rows_of(relate::postgres::database& db, const std::string& sql) {
    PGresult* result = PQexec(db.connection().handle(), sql.c_str());
    const bool ok = PQresultStatus(result) == PGRES_TUPLES_OK;
    const std::string error = PQresultErrorMessage(result);
    table out;
    if (ok)
        for (int r = 0; r < PQntuples(result); ++r) {
            auto& row = out.emplace_back();
            for (int c = 0; c < PQnfields(result); ++c)
                row.emplace_back(PQgetisnull(result, r, c) ? "NULL" : PQgetvalue(result, r, c));
        }
    PQclear(result);
    INFO(sql << ": " << error);
    REQUIRE(ok);
    return out;
}

table foreign_keys_of(relate::database& db, const std::string& name) {
    auto rows = rows_of(db, "SELECT \"from\", \"table\", \"to\", on_delete FROM pragma_foreign_key_list('" + name +
                                "') ORDER BY \"from\"");
    return rows;
}

std::vector<std::string> titles(const relate::has_many<Post, relate::cascade>& posts) {
    std::vector<std::string> out;
    for (const Post& p : posts) out.push_back(p.title);
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("models stay aggregates that copy and move", "[relation]") {
    STATIC_REQUIRE(std::is_aggregate_v<User>);
    STATIC_REQUIRE(std::is_aggregate_v<Post>);
    STATIC_REQUIRE(std::is_aggregate_v<Category>);
    STATIC_REQUIRE(std::is_copy_constructible_v<User>);
    STATIC_REQUIRE(std::is_copy_assignable_v<User>);
    STATIC_REQUIRE(std::is_nothrow_move_constructible_v<User>);
    STATIC_REQUIRE(std::is_move_assignable_v<Post>);
    STATIC_REQUIRE(std::is_copy_constructible_v<Book>);
    STATIC_REQUIRE(std::is_copy_constructible_v<Shelf>);

    const User designated{.id = 7, .name = "Ada", .email = "a@b.c"};
    CHECK(designated.id == 7);
    CHECK_FALSE(designated.posts.loaded());
}

TEST_CASE("a relation is not loaded by default and reading it throws not_loaded saying how to load it",
          "[relation]") {
    const User user{.name = "Ada"};
    CHECK_FALSE(user.posts.loaded());
    CHECK_FALSE(user.profile.loaded());

    SECTION("has_many") {
        REQUIRE_THROWS_AS(user.posts.value(), relate::not_loaded);
        REQUIRE_THROWS_WITH(user.posts.value(), Contains("db.load") && Contains("has_many<Post>"));
        REQUIRE_THROWS_WITH(user.posts.begin(), Contains("db.load"));
        REQUIRE_THROWS_WITH(user.posts.end(), Contains("db.load"));
        REQUIRE_THROWS_WITH(user.posts.size(), Contains("db.load"));
        REQUIRE_THROWS_WITH(user.posts.empty(), Contains("db.load"));
        REQUIRE_THROWS_WITH(*user.posts, Contains("db.load"));
        REQUIRE_THROWS_WITH(user.posts->size(), Contains("db.load"));
        REQUIRE_THROWS_WITH(user.posts[0], Contains("db.load"));
        REQUIRE_THROWS_AS(user.posts.count(), relate::not_loaded);
        REQUIRE_THROWS_WITH(user.posts.count(), Contains("with_count"));
        const auto iterate = [&] {
            for (const Post& p : user.posts) (void)p;
        };
        REQUIRE_THROWS_AS(iterate(), relate::not_loaded);
    }
    SECTION("has_one") {
        REQUIRE_THROWS_AS(user.profile.get(), relate::not_loaded);
        REQUIRE_THROWS_WITH(user.profile.get(), Contains("db.load") && Contains("has_one<Profile>"));
        REQUIRE_THROWS_WITH(user.profile.value(), Contains("db.load"));
        REQUIRE_THROWS_WITH(*user.profile, Contains("db.load"));
        REQUIRE_THROWS_WITH(user.profile->bio, Contains("db.load"));
        REQUIRE_THROWS_WITH(static_cast<bool>(user.profile), Contains("db.load"));
    }
    SECTION("belongs_to and belongs_to_many") {
        const Post post{.title = "x"};
        REQUIRE_THROWS_WITH(post.user.get(), Contains("db.load") && Contains("belongs_to<User>"));
        REQUIRE_THROWS_WITH(post.tags.value(), Contains("db.load") && Contains("belongs_to_many<Tag>"));
    }
}

BACKENDS_TEST_CASE("reading an unloaded relation of a row from the database names the relation", "[relation]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);

    User ada = db.template find_or_throw<User>(1);
    REQUIRE_THROWS_AS(ada.posts.value(), relate::not_loaded);
    REQUIRE_THROWS_WITH(ada.posts.value(), Contains("User::posts") && Contains("db.load(model, &User::posts)"));
    REQUIRE_THROWS_WITH(ada.posts.size(), Contains("User::posts"));
    REQUIRE_THROWS_WITH(ada.profile.get(), Contains("User::profile") && Contains("db.load"));

    auto posts = db.template query<Post>().order_by(relate::col<&Post::id>).get();
    REQUIRE(posts.size() == 5);
    REQUIRE_THROWS_WITH(posts[0].tags.begin(), Contains("Post::tags") && Contains("with(&Post::tags)"));
    REQUIRE_THROWS_WITH(posts[0].user->name, Contains("Post::user"));
}

BACKENDS_TEST_CASE("a relation reports loaded after it is loaded, lazily or eagerly", "[relation]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);

    User ada = db.template find_or_throw<User>(1);
    db.load(ada, &User::posts);
    CHECK(ada.posts.loaded());
    CHECK_FALSE(ada.profile.loaded());
    CHECK(ada.posts.size() == 3);
    CHECK(ada.posts.count() == 3);
    CHECK(titles(ada.posts) == std::vector<std::string>{"Algorithms", "Analytical Engine", "Notes"});

    auto users = db.template query<User>().with(&User::profile).get();
    REQUIRE(users.size() == 3);
    for (const auto& u : users) {
        CHECK(u.profile.loaded());
        CHECK_FALSE(u.posts.loaded());
    }
}

BACKENDS_TEST_CASE("a loaded and absent has_one or belongs_to is a null pointer and value() throws not_found",
                   "[relation]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);

    auto cy = db.template query<User>().with(&User::profile).find(3);
    REQUIRE(cy);
    REQUIRE(cy->profile.loaded());
    CHECK(cy->profile.get() == nullptr);
    CHECK_FALSE(static_cast<bool>(cy->profile));
    REQUIRE_THROWS_AS(cy->profile.value(), relate::not_found);
    REQUIRE_THROWS_WITH(cy->profile.value(), Contains("User::profile"));
    REQUIRE_THROWS_AS(*cy->profile, relate::not_found);
    REQUIRE_THROWS_AS(cy->profile->bio, relate::not_found);

    auto anonymous = db.template query<Post>().with(&Post::user).find(5);
    REQUIRE(anonymous);
    REQUIRE(anonymous->user.loaded());
    CHECK(anonymous->user.get() == nullptr);
    REQUIRE_THROWS_AS(anonymous->user.value(), relate::not_found);

    auto ada = db.template query<User>().with(&User::profile).find(1);
    REQUIRE(ada);
    REQUIRE(ada->profile.get() != nullptr);
    CHECK(ada->profile->bio == std::optional<std::string>{"math"});
    CHECK((*ada->profile).userId == 1);
    CHECK(static_cast<bool>(ada->profile));
}

BACKENDS_TEST_CASE("copying a loaded model copies its related rows deeply and moving keeps them", "[relation]") {
    typename TestType::database db{TestType::open_target()};
    blog::seed_blog(db);

    auto ada = db.template query<User>().with(&User::profile, "posts.tags").find(1);
    REQUIRE(ada);

    User copy = *ada;
    REQUIRE(copy.profile.loaded());
    REQUIRE(copy.posts.loaded());
    CHECK(copy.posts.size() == 3);
    CHECK(titles(copy.posts) == titles(ada->posts));
    CHECK(copy.profile.get() != ada->profile.get());  // its own Profile, not a shared one
    copy.profile->bio = "changed";
    CHECK(ada->profile->bio == std::optional<std::string>{"math"});
    for (const Post& p : copy.posts) CHECK(p.tags.loaded());

    User assigned;
    assigned = copy;
    CHECK(assigned.profile->bio == std::optional<std::string>{"changed"});
    CHECK(assigned.posts.size() == 3);

    User moved = std::move(copy);
    REQUIRE(moved.posts.loaded());
    CHECK(moved.posts.size() == 3);
    CHECK(moved.profile->bio == std::optional<std::string>{"changed"});

    User original = std::move(*ada);
    ada.reset();  // the rows must not depend on the source object
    CHECK(titles(original.posts) == std::vector<std::string>{"Algorithms", "Analytical Engine", "Notes"});
}

BACKENDS_TEST_CASE("a model declared before the target of its relation works in both directions", "[relation]") {
    typename TestType::database db{TestType::open_target()};
    db.template create_tables<Shelf, Book>();
    const Shelf shelf = db.insert(Shelf{.label = "fiction"});
    db.insert(Book{.shelfId = shelf.id, .title = "Emma"});
    db.insert(Book{.shelfId = shelf.id, .title = "Persuasion"});

    auto shelves = db.template query<Shelf>().with(&Shelf::books).get();
    REQUIRE(shelves.size() == 1);
    CHECK(shelves[0].books.size() == 2);

    auto books = db.template query<Book>().with(&Book::shelf).get();
    REQUIRE(books.size() == 2);
    for (const auto& b : books) {
        REQUIRE(b.shelf.get() != nullptr);
        CHECK(b.shelf->label == "fiction");
    }
}

TEST_CASE("columns are the fields that are not relations, in declaration order", "[relation]") {
    STATIC_REQUIRE(relate::model<User>::column_names() == std::array<std::string_view, 3>{"id", "name", "email"});
    STATIC_REQUIRE(relate::model<Post>::column_names() == std::array<std::string_view, 3>{"id", "userId", "title"});
    STATIC_REQUIRE(relate::model<Tag>::column_names() == std::array<std::string_view, 2>{"id", "name"});
    STATIC_REQUIRE(relate::model<Article>::column_names() ==
                   std::array<std::string_view, 3>{"id", "authorId", "title"});
    STATIC_REQUIRE(relate::model<User>::relation_names() == std::array<std::string_view, 2>{"profile", "posts"});
    STATIC_REQUIRE(relate::model<Category>::table_name() == "categories");
    STATIC_REQUIRE(relate::model<BlogPost>::table_name() == "blog_posts");
    STATIC_REQUIRE(relate::model<User>::foreign_key_name() == "userId");
    STATIC_REQUIRE(relate::model<BlogPost>::foreign_key_name() == "blogPostId");

    relate::database db{":memory:"};
    blog::create_blog_tables(db);
    CHECK(rows_of(db, "SELECT name FROM pragma_table_info('users') ORDER BY cid") ==
          table{{"id"}, {"name"}, {"email"}});
    CHECK(rows_of(db, "SELECT name FROM pragma_table_info('posts') ORDER BY cid") ==
          table{{"id"}, {"userId"}, {"title"}});
    CHECK(rows_of(db, "SELECT name FROM pragma_table_info('categories') ORDER BY cid") ==
          table{{"id"}, {"parentId"}, {"name"}});
}

TEST_CASE("create_tables writes REFERENCES clauses whose ON DELETE matches the declared policy", "[relation]") {
    relate::database db{":memory:"};
    blog::create_blog_tables(db);
    db.create_tables<Writer, Essay, Article, Label>();

    CHECK(foreign_keys_of(db, "profiles") == table{{"userId", "users", "id", "RESTRICT"}});
    CHECK(foreign_keys_of(db, "posts") == table{{"userId", "users", "id", "CASCADE"}});
    CHECK(foreign_keys_of(db, "essays") == table{{"authorId", "writers", "id", "SET NULL"}});
    CHECK(foreign_keys_of(db, "articles") == table{{"authorId", "users", "id", "RESTRICT"}});
    CHECK(foreign_keys_of(db, "categories") == table{{"parentId", "categories", "id", "RESTRICT"}});
    CHECK(foreign_keys_of(db, "users").empty());
    CHECK(foreign_keys_of(db, "tags").empty());
}

TEST_CASE("create_tables creates junction tables with a composite key, both foreign keys and an index",
          "[relation]") {
    relate::database db{":memory:"};

    SECTION("the default name post_tags, whichever side is created first") {
        db.create_tables<User, Tag, Post>();  // Tag::posts is seen first
        CHECK(rows_of(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%tag%' ORDER BY name") ==
              table{{"post_tags"}, {"tags"}});
        CHECK(rows_of(db, "SELECT name, pk, \"notnull\" FROM pragma_table_info('post_tags') ORDER BY cid") ==
              table{{"postId", "1", "1"}, {"tagId", "2", "1"}});
        CHECK(foreign_keys_of(db, "post_tags") ==
              table{{"postId", "posts", "id", "CASCADE"}, {"tagId", "tags", "id", "CASCADE"}});
        CHECK(rows_of(db, "SELECT ii.name FROM pragma_index_list('post_tags') AS il, pragma_index_info(il.name) AS ii "
                          "WHERE il.origin = 'c'") == table{{"tagId"}});
    }
    SECTION("junction<\"article_labels\"> names the table") {
        db.create_tables<User, Article, Label>();
        CHECK(rows_of(db, "SELECT name, pk FROM pragma_table_info('article_labels') ORDER BY cid") ==
              table{{"articleId", "1"}, {"labelId", "2"}});
        CHECK(foreign_keys_of(db, "article_labels") ==
              table{{"articleId", "articles", "id", "CASCADE"}, {"labelId", "labels", "id", "CASCADE"}});
        CHECK(rows_of(db, "SELECT ii.name FROM pragma_index_list('article_labels') AS il, "
                          "pragma_index_info(il.name) AS ii WHERE il.origin = 'c'") == table{{"labelId"}});
        CHECK(rows_of(db, "SELECT name FROM sqlite_master WHERE name = 'article_label' OR name = 'articles_labels' "
                          "OR name = 'article_labels'") == table{{"article_labels"}});
    }
    SECTION("a two-word model: blog_post_tags(blogPostId, tagId)") {
        db.create_tables<User, Post, Tag, BlogPost>();
        CHECK(rows_of(db, "SELECT name, pk FROM pragma_table_info('blog_post_tags') ORDER BY cid") ==
              table{{"blogPostId", "1"}, {"tagId", "2"}});
    }
}

BACKENDS_TEST_CASE("the foreign_key and junction overrides are used when loading", "[relation]") {
    typename TestType::database db{TestType::open_target()};
    blog::create_blog_tables(db);
    db.template create_tables<Article, Label, Writer, Essay>();
    const User ada = db.insert(User{.name = "Ada", .email = "a"});
    const Article a1 = db.insert(Article{.authorId = ada.id, .title = "one"});
    const Article a2 = db.insert(Article{.authorId = ada.id, .title = "two"});
    const Label red = db.insert(Label{.name = "red"});
    const Label blue = db.insert(Label{.name = "blue"});
    // Quoted: PostgreSQL folds unquoted identifiers to lower case.
    db.connection().execute("INSERT INTO \"article_labels\" (\"articleId\", \"labelId\") VALUES (" +
                            std::to_string(a1.id) + ", " + std::to_string(red.id) + "), (" + std::to_string(a1.id) +
                            ", " + std::to_string(blue.id) + "), (" + std::to_string(a2.id) + ", " +
                            std::to_string(blue.id) + ")");
    const Writer w = db.insert(Writer{.name = "W"});
    db.insert(Essay{.authorId = w.id, .title = "e1"});

    auto articles =
        db.template query<Article>().with(&Article::author, &Article::labels).order_by(relate::col<&Article::id>).get();
    REQUIRE(articles.size() == 2);
    CHECK(articles[0].author->name == "Ada");
    CHECK(articles[0].labels.size() == 2);
    CHECK(articles[1].labels.size() == 1);
    CHECK(articles[1].labels[0].name == "blue");

    auto labels = db.template query<Label>().with("articles").where(relate::col<&Label::name> == "blue").get();
    REQUIRE(labels.size() == 1);
    CHECK(labels[0].articles.size() == 2);

    auto writers = db.template query<Writer>().with("essays").get();
    REQUIRE(writers.size() == 1);
    REQUIRE(writers[0].essays.size() == 1);
    CHECK(writers[0].essays[0].title == "e1");
}

BACKENDS_TEST_CASE("a model related to itself names its junction's two columns and loads both directions",
                   "[relation]") {
    typename TestType::database db{TestType::open_target()};
    db.template create_tables<Member>();
    if constexpr (std::is_same_v<TestType, backends::sqlite_memory>) {  // SQLite's schema, read with PRAGMAs
        CHECK(db.template check_schema<Member>().empty());
        CHECK(rows_of(db, "SELECT name, pk, \"notnull\" FROM pragma_table_info('follows') ORDER BY cid") ==
              table{{"followerId", "1", "1"}, {"followedId", "2", "1"}});
        CHECK(rows_of(db, "SELECT \"from\", \"table\", on_delete FROM pragma_foreign_key_list('follows') "
                          "ORDER BY \"from\"") ==
              table{{"followedId", "members", "CASCADE"}, {"followerId", "members", "CASCADE"}});
    }

    Member ada = db.insert(Member{.name = "Ada"});
    Member bob = db.insert(Member{.name = "Bob"});
    Member cy = db.insert(Member{.name = "Cy"});
    db.related(ada, &Member::following).connect({bob.id, cy.id});
    db.related(cy, &Member::followers).connect({bob.id});  // Bob follows Cy, written from Cy's side

    const auto names = [](const auto& members) {
        std::vector<std::string> out;
        for (const Member& m : members) out.push_back(m.name);
        std::sort(out.begin(), out.end());
        return out;
    };
    std::vector<Member> all;
    CHECK(blog::statements_of(db, [&] {
              all = db.template query<Member>()
                        .with(&Member::following, &Member::followers)
                        .order_by(relate::col<&Member::id>)
                        .get();
          }) == 3);
    REQUIRE(all.size() == 3);
    CHECK(names(all[0].following) == std::vector<std::string>{"Bob", "Cy"});
    CHECK(names(all[0].followers).empty());
    CHECK(names(all[1].following) == std::vector<std::string>{"Cy"});
    CHECK(names(all[1].followers) == std::vector<std::string>{"Ada"});
    CHECK(names(all[2].following).empty());
    CHECK(names(all[2].followers) == std::vector<std::string>{"Ada", "Bob"});

    db.load(cy, &Member::followers);
    CHECK(names(cy.followers) == std::vector<std::string>{"Ada", "Bob"});
    const auto counted =
        db.template query<Member>().with_count(&Member::followers).order_by(relate::col<&Member::id>).get();
    CHECK(counted[2].followers.count() == 2);

    // Removing a member removes the links on either side of it.
    db.remove(bob);
    CHECK(rows_of(db, "SELECT \"followerId\", \"followedId\" FROM \"follows\" ORDER BY 1, 2") == table{{"1", "3"}});
}
