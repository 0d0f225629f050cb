// Models declared in an anonymous namespace (the usual place for a .cpp file's own types) work
// like any other model.

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace {

struct Visitor {
    std::int64_t id = 0;
    std::int64_t pageId = 0;
    std::string name;
    std::optional<std::string> referrer;
};

}  // namespace

TEST_CASE("a model in an anonymous namespace has the usual metadata", "[model][naming]") {
    STATIC_REQUIRE(relate::model<Visitor>::table_name() == "visitors");
    STATIC_REQUIRE(relate::model<Visitor>::primary_key_name() == "id");
    STATIC_REQUIRE(relate::model<Visitor>::column_names() ==
                   std::array<std::string_view, 4>{"id", "pageId", "name", "referrer"});
}

TEST_CASE("a model in an anonymous namespace is created, written and queried", "[model][database]") {
    relate::database db{":memory:"};
    db.create_tables<Visitor>();
    const Visitor v = db.insert(Visitor{.pageId = 3, .name = "Ada"});
    CHECK(v.id == 1);
    CHECK(db.find_or_throw<Visitor>(v.id).name == "Ada");
    CHECK(db.query<Visitor>().where(relate::col<&Visitor::pageId> == 3).count() == 1);
}
