// The compile-time benchmark: one translation unit with the four DESIGN.md models using every
// feature of the query and relation layer. measure_compile_time.cmake times its compilation at
// -O2; the build also compiles it, so it keeps compiling as the library changes.
//
// Writes go through db.insert / update / remove (one-step units of work); the unit_of_work class,
// related(...) writes and migrations are not in it yet, and RESULTS.md measures this content.

#include "bench_models.hpp"

#include <relate/json.hpp>
#include <relate/relate.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace compile_time {

using bench::Post;
using bench::Profile;
using bench::Tag;
using bench::User;

static_assert(relate::model<User>::table_name() == "users");
static_assert(relate::model<Post>::primary_key_name() == "id");

using relate::col;

/// Returns something of everything so nothing is optimised away.
std::size_t use_every_feature(relate::database& db) {
    db.create_tables<User, Profile, Post, Tag>();

    // CRUD
    User ada = db.insert(User{.name = "Ada", .email = "ada@example.com"});
    Profile profile = db.insert(Profile{.userId = ada.id, .bio = "math"});
    Post post = db.insert(Post{.userId = ada.id, .title = "Notes"});
    Tag tag = db.insert(Tag{.name = "c++"});
    ada.name = "Ada Lovelace";
    db.update(ada);
    std::size_t seen = db.find<User>(ada.id).has_value() + db.find_or_throw<Post>(post.id).title.size();

    // Queries
    auto users = db.query<User>()
                     .where(col<&User::name>.like("A%") && col<&User::id> > 0 && col<&User::email> != "")
                     .order_by(col<&User::id>.desc(), col<&User::name>)
                     .limit(20)
                     .offset(0)
                     .get();
    seen += db.query<User>().where(col<&User::email> == "ada@example.com").first().has_value();
    seen += static_cast<std::size_t>(db.query<Post>().where(col<&Post::userId>.is_null()).count());
    seen += db.query<Tag>().where(col<&Tag::id>.in({tag.id, 2})).exists();
    seen += db.query<Profile>().where(relate::raw("length(bio) > ?", 100)).first().has_value();

    // Eager loading: member pointers, literal and runtime paths, constrained and nested includes
    users = db.query<User>().with(&User::profile, &User::posts).get();
    seen += db.query<User>().with("posts.tags", "profile").find(ada.id).has_value();
    seen += db.query<User>().with(relate::runtime_path("posts.tags")).get().size();
    seen += db.query<Tag>().with("posts.user.profile").get().size();
    seen += db.query<Profile>().with(&Profile::user).get().size();
    auto feed = db.query<User>()
                    .with(relate::include(&User::posts)
                              .where(col<&Post::title> != "")
                              .order_by(col<&Post::id>.desc())
                              .limit(3)
                              .select(&Post::id, &Post::title)
                              .with(&Post::tags))
                    .get();

    // Existence and counts
    seen += db.query<User>().where(relate::has(&User::posts, col<&Post::title>.like("A%"))).count();
    seen += db.query<User>().where(relate::doesnt_have(&User::posts)).count();
    seen += db.query<Post>().where(relate::has(&Post::tags)).count();
    for (const User& u : db.query<User>().with_count(&User::posts).get()) seen += u.posts.count();
    for (const Post& p : db.query<Post>().with_count(&Post::tags).get()) seen += p.tags.count();

    // Lazy loading
    db.load(ada, &User::posts);
    db.load(profile, &Profile::user);
    db.load(post, &Post::tags);
    db.load(users, &User::profile);

    // JSON
    seen += nlohmann::json(feed).dump().size() + nlohmann::json(ada).dump().size() + nlohmann::json(post).dump().size();

    // Writes that remove
    db.remove(tag);
    seen += static_cast<std::size_t>(db.query<Post>().where(col<&Post::title> == "").remove());
    return seen;
}

}  // namespace compile_time
