// Built with -Wall -Wextra -Wpedantic -Wshadow -Werror (CMakeLists.txt): relate's headers, added
// with add_subdirectory and so not system headers, must compile without a warning in a user's
// strict build. The models follow docs/models.md for -Wextra (members left out of a designated
// initialiser have {}), and main() instantiates the paths most programs use.
#include <relate/relate.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct Post;
struct Tag;

struct User {
    std::int64_t id = 0;
    std::string name{};
    relate::has_many<Post, relate::cascade> posts{};
};

struct Post {
    std::int64_t id = 0;
    std::int64_t userId = 0;
    std::string title{};
    std::optional<std::string> body{};
    relate::belongs_to<User> user{};
    relate::belongs_to_many<Tag> tags{};
};

struct Tag {
    std::int64_t id = 0;
    std::string name{};
};

int main() {
    using relate::col;
    relate::database db{":memory:"};
    db.create_tables<User, Post, Tag>();

    User ada = db.insert(User{.name = "Ada"});
    const Tag math = db.insert(Tag{.name = "math"});
    Post notes = db.insert(Post{.userId = ada.id, .title = "Notes"});
    db.related(notes, &Post::tags).connect({math.id});

    relate::unit_of_work unit{db};
    Post sketch{.title = "Sketch"};
    unit.insert(sketch, relate::parent(&Post::user, ada));
    unit.related(sketch, &Post::tags).connect({math.id});
    unit.commit();

    const std::vector<User> users = db.query<User>()
                                        .where(col<&User::name>.like("A%"))
                                        .order_by(col<&User::id>.desc())
                                        .with(relate::include(&User::posts).order_by(col<&Post::id>.desc()).limit(5).with(&Post::tags))
                                        .with_count(&User::posts)
                                        .get();
    const std::int64_t titled = db.query<Post>().where(col<&Post::body>.is_null()).count();
    ada.name = "Ada Lovelace";
    db.update(ada);
    db.load(ada, &User::posts);
    const auto found = db.find<Post>(notes.id);
    db.remove(ada);  // cascade: her posts and their links go with her
    return users.size() == 1 && users[0].posts.size() == 2 && titled == 2 && found ? 0 : 1;
}
