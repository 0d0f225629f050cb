// relate works in a translation unit that also includes <iomanip> (or <filesystem>, which brings
// it in with libstdc++): std::quoted must not be picked by argument-dependent lookup where relate
// means its own detail::quoted.

#include <iomanip>
#include <sstream>

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

namespace iomanip_models {

struct Comment {
    std::int64_t id = 0;
    std::int64_t postId = 0;
    std::string body;
};

}  // namespace iomanip_models

using namespace iomanip_models;

TEST_CASE("create_tables, insert and find compile and run next to <iomanip>", "[database]") {
    std::ostringstream quoted_by_std;
    quoted_by_std << std::quoted("body");
    CHECK(quoted_by_std.str() == "\"body\"");

    relate::database db{":memory:"};
    db.create_tables<Comment>();
    const Comment c = db.insert(Comment{.postId = 1, .body = "first"});
    CHECK(db.find_or_throw<Comment>(c.id).body == "first");
    CHECK(db.query<Comment>().where(relate::col<&Comment::postId> == 1).count() == 1);
}
