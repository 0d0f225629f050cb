// Naming conventions of relate::model<T>: table names, foreign-key names, primary keys, column
// names, junction tables, and the overrides a model can declare. All of it is compile-time.

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Models live in a named namespace: see anonymous_namespace_test.cpp for the anonymous one.
namespace naming {

struct User {
    std::int64_t id = 0;
    std::string name;
    std::string email;
};

struct BlogPost {
    std::int64_t id = 0;
    std::int64_t userId = 0;
    std::string title;
};

struct Category {
    std::int64_t id = 0;
    std::string label;
};

struct Status {
    std::int64_t id = 0;
    std::string text;
};

struct Box {
    std::int64_t id = 0;
};

struct Key {
    std::int64_t id = 0;
};

struct Match {
    std::int64_t id = 0;
};

struct HTTPRequest {
    std::int64_t id = 0;
};

struct Person {
    static constexpr std::string_view table_name = "people";
    std::int64_t id = 0;
    std::string name;
};

struct Country {
    static constexpr std::string_view primary_key = "code";
    std::string name;
    std::string code;
    std::optional<std::int64_t> population;
};

struct Nation {
    static constexpr std::string_view table_name = "nations_of_the_world";
    static constexpr std::string_view primary_key = "iso";
    std::string iso;
    std::string name;
};

}  // namespace naming

using namespace naming;

namespace app::billing {
struct InvoiceLine {
    std::int64_t id = 0;
    std::int64_t invoiceId = 0;
};
}  // namespace app::billing

TEST_CASE("a table is named as the snake_case plural of the model's type name", "[naming]") {
    STATIC_REQUIRE(relate::model<User>::table_name() == "users");
    STATIC_REQUIRE(relate::model<BlogPost>::table_name() == "blog_posts");
    STATIC_REQUIRE(relate::model<Category>::table_name() == "categories");
    STATIC_REQUIRE(relate::model<Status>::table_name() == "statuses");

    SECTION("words ending in x, ch or a vowel followed by y follow English plurals") {
        STATIC_REQUIRE(relate::model<Box>::table_name() == "boxes");
        STATIC_REQUIRE(relate::model<Match>::table_name() == "matches");
        STATIC_REQUIRE(relate::model<Key>::table_name() == "keys");
    }

    SECTION("an acronym is one word") {
        STATIC_REQUIRE(relate::model<HTTPRequest>::table_name() == "http_requests");
    }

    SECTION("the namespace of the type is not part of the name") {
        STATIC_REQUIRE(relate::model<app::billing::InvoiceLine>::table_name() == "invoice_lines");
    }
}

TEST_CASE("a static table_name member overrides the table name", "[naming]") {
    STATIC_REQUIRE(relate::model<Person>::table_name() == "people");
    STATIC_REQUIRE(relate::model<Nation>::table_name() == "nations_of_the_world");
}

TEST_CASE("a foreign key is named as the lowerCamel type name followed by Id", "[naming]") {
    STATIC_REQUIRE(relate::model<User>::foreign_key_name() == "userId");
    STATIC_REQUIRE(relate::model<BlogPost>::foreign_key_name() == "blogPostId");
    STATIC_REQUIRE(relate::model<Category>::foreign_key_name() == "categoryId");
    STATIC_REQUIRE(relate::model<app::billing::InvoiceLine>::foreign_key_name() == "invoiceLineId");

    SECTION("the table_name override does not change the foreign key name") {
        STATIC_REQUIRE(relate::model<Person>::foreign_key_name() == "personId");
    }
}

TEST_CASE("the primary key is the field named id unless primary_key names another field", "[naming]") {
    STATIC_REQUIRE(relate::model<User>::primary_key_name() == "id");
    STATIC_REQUIRE(relate::model<BlogPost>::primary_key_name() == "id");
    STATIC_REQUIRE(relate::model<Country>::primary_key_name() == "code");
    STATIC_REQUIRE(relate::model<Nation>::primary_key_name() == "iso");
}

TEST_CASE("the columns of a model without relations are all its fields in declaration order", "[naming]") {
    STATIC_REQUIRE(relate::model<User>::column_names() == std::array<std::string_view, 3>{"id", "name", "email"});
    STATIC_REQUIRE(relate::model<BlogPost>::column_names() == std::array<std::string_view, 3>{"id", "userId", "title"});
    STATIC_REQUIRE(relate::model<Box>::column_names() == std::array<std::string_view, 1>{"id"});

    SECTION("static members are not columns, and the key need not come first") {
        STATIC_REQUIRE(relate::model<Country>::column_names() ==
                       std::array<std::string_view, 3>{"name", "code", "population"});
        STATIC_REQUIRE(relate::model<Person>::column_names() == std::array<std::string_view, 2>{"id", "name"});
    }

    SECTION("a model without relations has no relation names") {
        STATIC_REQUIRE(relate::model<User>::relation_names().empty());
    }
}

TEST_CASE("a junction table is named from both snake names in alphabetical order, the second plural", "[naming]") {
    STATIC_REQUIRE(relate::detail::junction_for("Post", "Tag").view() == "post_tags");

    SECTION("the order of the arguments does not matter") {
        STATIC_REQUIRE(relate::detail::junction_for("Tag", "Post").view() == "post_tags");
    }

    SECTION("compound and irregular names are snake_cased and pluralised") {
        STATIC_REQUIRE(relate::detail::junction_for("BlogPost", "Category").view() == "blog_post_categories");
        STATIC_REQUIRE(relate::detail::junction_for("User", "Status").view() == "status_users");
    }
}
