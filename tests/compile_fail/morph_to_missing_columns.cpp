// expect: relate: morph_to needs two fields named after its member
// expect-first-error
// A comment whose type column is not named after its morph_to member (commentableType).
#include <relate/relate.hpp>

#include <cstdint>
#include <string>

struct Post {
    std::int64_t id = 0;
};

struct Comment {
    std::int64_t id = 0;
    std::string ownerType;
    std::int64_t commentableId = 0;
    relate::morph_to<Post> commentable;
};

int main() {
    relate::database db{":memory:"};
    db.create_tables<Post, Comment>();
}
