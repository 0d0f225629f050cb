// Polymorphic relations: comments that belong to a post or to a video through a type column and
// an id column (morph_many on each owner, morph_to on the comment): eager loading in one
// statement per target type, stable and overridable type names, writes, and delete policies. The
// cases run on both backends (tests/backends.hpp).

#include "backends.hpp"
#include "blog_models.hpp"

#include <relate/format.hpp>
#include <relate/json.hpp>
#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

using Catch::Contains;
using relate::col;

namespace media {

struct Comment;

struct Post {
    std::int64_t id = 0;
    std::string title;
    relate::morph_many<Comment, "commentable", relate::cascade> comments;
};

struct Video {
    static constexpr std::string_view morph_name = "video";  // stored instead of "Video"
    std::int64_t id = 0;
    std::string url;
    relate::morph_many<Comment, "commentable"> comments;  // restrict
};

struct Comment {
    std::int64_t id = 0;
    std::string commentableType;
    std::int64_t commentableId = 0;
    std::string body;
    relate::morph_to<Post, Video> commentable;
};

/// Post 1 "p1" and video 1 "v1" share the id 1: only the type tells their comments apart.
/// Comments: 1 on post 1, 2 on video 1, 3 on post 1, 4 on post 2 "p2".
template <class Db>
void seed(Db& db) {
    db.template create_tables<Post, Video, Comment>();
    db.insert(Post{.title = "p1"});
    db.insert(Post{.title = "p2"});
    db.insert(Video{.url = "v1"});
    db.insert(Comment{.commentableType = "Post", .commentableId = 1, .body = "on p1"});
    db.insert(Comment{.commentableType = "video", .commentableId = 1, .body = "on v1"});
    db.insert(Comment{.commentableType = "Post", .commentableId = 1, .body = "on p1 again"});
    db.insert(Comment{.commentableType = "Post", .commentableId = 2, .body = "on p2"});
}

template <class T>
std::vector<std::string> bodies(const T& owner) {
    std::vector<std::string> out;
    for (const Comment& c : owner.comments) out.push_back(c.body);
    return out;
}

/// The bodies sorted: for an include that names no order, which reads the rows in none.
std::vector<std::string> sorted(std::vector<std::string> bodies) {
    std::sort(bodies.begin(), bodies.end());
    return bodies;
}

}  // namespace media

using media::Comment;
using media::Post;
using media::Video;

BACKENDS_TEST_CASE("morph_many loads only the rows naming the owner's type", "[polymorphic]") {
    typename TestType::database db{TestType::open_target()};
    media::seed(db);
    std::vector<Post> posts;
    CHECK(blog::statements_of(db, [&] {
              posts = db.template query<Post>().with(&Post::comments).order_by(col<&Post::id>).get();
          }) == 2);
    CHECK(media::sorted(media::bodies(posts[0])) == std::vector<std::string>{"on p1", "on p1 again"});
    CHECK(media::bodies(posts[1]) == std::vector<std::string>{"on p2"});

    Video v = db.template find_or_throw<Video>(1);
    CHECK(blog::statements_of(db, [&] { db.load(v, &Video::comments); }) == 1);
    CHECK(media::bodies(v) == std::vector<std::string>{"on v1"});

    SECTION("has, doesnt_have and counts see the type too") {
        CHECK(db.template query<Video>().where(relate::has(&Video::comments)).count() == 1);
        CHECK(db.template query<Post>().where(relate::has(&Post::comments, relate::at_least(2))).count() == 1);
        auto counted = db.template query<Post>().with_count(&Post::comments).order_by(col<&Post::id>).get();
        CHECK(counted[0].comments.count() == 2);
        CHECK(counted[1].comments.count() == 1);
        CHECK(db.template query<Video>().with_count(&Video::comments).get()[0].comments.count() == 1);
    }
    SECTION("a query scoped to it") {
        Post p1 = db.template find_or_throw<Post>(1);
        CHECK(db.related(p1, &Post::comments).query().count() == 2);
        CHECK(db.related(v, &Video::comments).query().count() == 1);
    }
    SECTION("constrained like any include") {
        auto limited = db.template query<Post>()
                           .with(relate::include(&Post::comments).order_by(col<&Comment::id>.desc()).limit(1))
                           .find(1)
                           .value();
        CHECK(media::bodies(limited) == std::vector<std::string>{"on p1 again"});
    }
}

BACKENDS_TEST_CASE("morph_to loads each comment's owner with one statement per target type", "[polymorphic]") {
    typename TestType::database db{TestType::open_target()};
    media::seed(db);
    db.insert(Comment{.commentableType = "Article", .commentableId = 1, .body = "unknown type"});
    db.insert(Comment{.commentableType = "Post", .commentableId = 99, .body = "gone"});

    std::vector<Comment> comments;
    CHECK(blog::statements_of(db, [&] {
              comments = db.template query<Comment>().with(&Comment::commentable).order_by(col<&Comment::id>).get();
          }) == 3);  // comments, posts, videos
    REQUIRE(comments.size() == 6);
    REQUIRE(comments[0].commentable.is<Post>());
    CHECK(comments[0].commentable.get<Post>()->title == "p1");
    CHECK(comments[0].commentable.get<Video>() == nullptr);
    REQUIRE(comments[1].commentable.is<Video>());
    CHECK(comments[1].commentable.get<Video>()->url == "v1");
    CHECK(comments[2].commentable.get<Post>()->title == "p1");
    CHECK(comments[3].commentable.get<Post>()->title == "p2");
    CHECK(comments[4].commentable.loaded());
    CHECK_FALSE(comments[4].commentable);  // a type no target has
    CHECK_FALSE(comments[5].commentable);  // a row that is not there
    CHECK_THROWS_AS(comments[5].commentable.visit([](const auto&) { return 0; }), relate::not_found);

    std::string seen;
    comments[1].commentable.visit([&](const auto& owner) { seen = std::to_string(owner.id); });
    CHECK(seen == "1");

    SECTION("a copy owns its row") {
        const Comment copy = comments[0];
        comments.clear();
        CHECK(copy.commentable.get<Post>()->title == "p1");
    }
    SECTION("only the types some comment names are read") {
        CHECK(blog::statements_of(db, [&] {
                  db.template query<Comment>()
                      .where(col<&Comment::commentableType> == "video")
                      .with(&Comment::commentable)
                      .get();
              }) == 2);
    }
    SECTION("lazily, on one row") {
        Comment c = db.template find_or_throw<Comment>(2);
        CHECK_THROWS_AS(c.commentable.is<Video>(), relate::not_loaded);
        db.load(c, &Comment::commentable);
        CHECK(c.commentable.is<Video>());
    }
    SECTION("JSON and fmt show the row, whatever its type") {
        const nlohmann::json j = comments[1];
        CHECK(j["commentable"]["url"] == "v1");
        CHECK_THAT(fmt::format("{}", comments[0]), Contains("p1"));
    }
    SECTION("a morph_to takes no include options") {
        CHECK_THROWS_WITH(db.template query<Comment>().with(relate::include(&Comment::commentable).limit(1)).get(),
                          Contains("Comment::commentable is a morph_to"));
    }
}

BACKENDS_TEST_CASE("writes through polymorphic relations name the owner's type", "[polymorphic]") {
    typename TestType::database db{TestType::open_target()};
    media::seed(db);
    Video v = db.template find_or_throw<Video>(1);
    Comment added = db.related(v, &Video::comments).create(Comment{.body = "new"});
    CHECK(added.commentableType == "video");
    CHECK(added.commentableId == 1);
    CHECK(db.related(v, &Video::comments).query().count() == 2);

    Comment moved = db.template find_or_throw<Comment>(2);
    const Post p2 = db.template find_or_throw<Post>(2);
    db.related(moved, &Comment::commentable).associate(p2);
    CHECK(moved.commentableType == "Post");
    CHECK(moved.commentableId == 2);
    CHECK(moved.commentable.get<Post>()->title == "p2");
    db.update(moved);
    CHECK(db.related(v, &Video::comments).query().count() == 1);

    SECTION("associating a parent without a key is refused") {
        CHECK_THROWS_AS(db.related(moved, &Comment::commentable).associate(Video{}), relate::validation_error);
    }
}

BACKENDS_TEST_CASE("delete policies apply through morph_many, to the owner's type only", "[polymorphic]") {
    typename TestType::database db{TestType::open_target()};
    media::seed(db);
    SECTION("cascade: removing a post removes its comments, not the video's") {
        const Post p1 = db.template find_or_throw<Post>(1);
        const auto plan = db.plan_remove(p1);
        CHECK(plan.rows("comments", relate::remove_action::remove) == 2);
        db.remove(p1);
        CHECK(db.template query<Comment>().count() == 2);
        CHECK(db.template query<Comment>().where(col<&Comment::commentableType> == "video").count() == 1);
    }
    SECTION("restrict: a video with comments is not removed, and nothing is") {
        const Video v = db.template find_or_throw<Video>(1);
        CHECK_THROWS_AS(db.remove(v), relate::restrict_error);
        CHECK(db.template query<Video>().count() == 1);
        CHECK(db.template query<Comment>().count() == 4);
    }
}
