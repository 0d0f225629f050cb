// The Superflare scenario: users with a profile, posts, friends and roles, tags through post_tags,
// comments on a post or on a profile (polymorphic), and a
// "view" that eager-loads what it shows and prints the JSON a web handler would return. Four
// statements (users, profiles, posts, tags) load the whole page, whatever the number of users.

#include <relate/json.hpp>
#include <relate/relate.hpp>

#include <fmt/core.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct Profile;
struct Post;
struct Tag;
struct Role;
struct Comment;

// A junction with a column of its own (pivot data): read with each role, in the same statement.
struct Membership {
    std::int64_t userId = 0;
    std::int64_t roleId = 0;
    std::string level;
};

struct User {
    std::int64_t id = 0;
    std::string name;
    std::string email;
    relate::has_one<Profile, relate::cascade> profile;
    relate::has_many<Post, relate::cascade> posts;
    // A model related to itself: the junction's two columns are named, one per side.
    relate::belongs_to_many<User, relate::junction<"friendships", "userId", "friendId">> friends;
    relate::belongs_to_many<Role, relate::through<Membership>> roles;   // memberships(userId, roleId, level)
};

struct Role {
    std::int64_t id = 0;
    std::string name;
};

// A comment names what it is on with a type column ("Post" or "Profile") and an id column.
struct Comment {
    std::int64_t id = 0;
    std::string commentableType;
    std::int64_t commentableId = 0;
    std::string body;
    relate::morph_to<Post, Profile> commentable;
};

struct Profile {
    std::int64_t id = 0;
    std::int64_t userId = 0;
    std::optional<std::string> bio;
    relate::belongs_to<User> user;
    relate::morph_many<Comment, "commentable", relate::cascade> comments;
};

struct Post {
    std::int64_t id = 0;
    std::optional<std::int64_t> userId;
    std::string title;
    relate::belongs_to<User> user;
    relate::belongs_to_many<Tag> tags;   // post_tags(postId, tagId)
    relate::morph_many<Comment, "commentable", relate::cascade> comments;
};

struct Tag {
    std::int64_t id = 0;
    std::string name;
    relate::belongs_to_many<Post> posts;
};

int main() {
    relate::database db{":memory:"};
    db.create_tables<User, Profile, Post, Tag, Role, Comment>();

    const Tag cpp = db.insert(Tag{.name = "c++"});
    const Tag math = db.insert(Tag{.name = "math"});

    User ada{.name = "Ada", .email = "ada@example.com"};
    Profile profile{.bio = "Mathematician"};
    Post notes{.title = "Notes on the Analytical Engine"};
    relate::unit_of_work uow{db};
    uow.insert(ada);
    uow.insert(profile, relate::parent(&Profile::user, ada));
    uow.related(ada, &User::posts).save(notes);
    uow.related(notes, &Post::tags).connect({cpp.id, math.id});
    uow.commit();

    // The view: every user with profile and posts, each post with its tags.
    const auto before = db.stats().statements;
    const std::vector<User> users = db.query<User>().with("profile", "posts.tags").get();
    const auto statements = db.stats().statements - before;

    const nlohmann::json page = users;
    fmt::print("{}\n", page.dump(2));
    fmt::print("statements for the page: {}\n", statements);

    // Friends, through the self-referential junction: Ada names Grace.
    const User grace = db.insert(User{.name = "Grace", .email = "grace@example.com"});
    db.related(ada, &User::friends).connect({grace.id});
    const auto& friends = db.load(ada, &User::friends);
    for (const User& friend_ : friends) fmt::print("Ada's friend: {}\n", friend_.name);

    // Roles with the level each membership carries.
    const Role editor = db.insert(Role{.name = "editor"});
    db.related(ada, &User::roles).connect(editor.id, Membership{.level = "senior"});
    const auto& roles = db.load(ada, &User::roles);
    for (std::size_t i = 0; i < roles.size(); ++i)
        fmt::print("Ada is a {} {}\n", ada.roles.pivot(i).level, roles[i].name);

    // Comments on a post and on a profile, each read with what it is on: one statement for the
    // comments, then one per type they name.
    db.related(notes, &Post::comments).create(Comment{.body = "Brilliant."});
    db.related(profile, &Profile::comments).create(Comment{.body = "Hello, Ada."});
    const auto comments = db.query<Comment>().with(&Comment::commentable).get();
    for (const Comment& c : comments) {
        if (const Post* post = c.commentable.get<Post>()) fmt::print("comment on post \"{}\": {}\n", post->title, c.body);
        if (c.commentable.is<Profile>()) fmt::print("comment on Ada's profile: {}\n", c.body);
    }

    // A query scoped to a relation: only Ada's posts, counted in one statement.
    const std::int64_t engine_posts =
        db.related(ada, &User::posts).query().where(relate::col<&Post::title>.like("%Engine%")).count();
    fmt::print("Ada's posts about the engine: {}\n", engine_posts);

    // Counts without loading the rows: the tags on at least one post, with how many posts about
    // the engine each one has (one statement for the tags, one grouped statement for the counts).
    const auto tags = db.query<Tag>()
                          .where(relate::has(&Tag::posts, relate::at_least(1)))
                          .with_count(&Tag::posts, relate::col<&Post::title>.like("%Engine%"))
                          .get();
    for (const Tag& tag : tags) fmt::print("tag {}: {} post(s) about the engine\n", tag.name, tag.posts.count());
    const bool counted = tags.size() == 2 && tags[0].posts.count() == 1;
    const bool senior = roles.size() == 1 && ada.roles.pivot(0).level == "senior";
    const bool commented = comments.size() == 2 && comments[0].commentable.is<Post>();
    const bool all_right = friends.size() == 1 && senior && commented && engine_posts == 1 && counted;
    return statements == 4 && all_right ? 0 : 1;  // users, profiles, posts, tags
}
