// Values never become SQL text: quotes, semicolons, injection attempts, embedded NUL bytes,
// invalid UTF-8 and a 1 MB string are stored and read back byte for byte, and find exactly
// their own row when used in where(). 10 MB texts and blobs survive a file database whole.

#include "temp_file.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hostile_models {

struct User {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::string> bio;
};

struct Tag {
    static constexpr std::string_view primary_key = "label";
    std::string label;
    std::int64_t uses = 0;
};

struct Attachment {
    std::int64_t id = 0;
    std::string text;
    relate::blob bytes;
};

}  // namespace hostile_models

using namespace hostile_models;
using relate::col;

namespace {

std::string megabyte() {
    std::string out(std::size_t{1} << 20, '\0');
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<char>((i * 31 + 7) % 256);
    return out;
}

/// Every hostile value, each distinct from the others (so each finds exactly its own row).
const std::vector<std::string>& hostile_values() {
    using namespace std::string_literals;
    static const std::vector<std::string> values{
        "O'Brien",
        "''",
        "say \"hi\"",
        "\"",
        "a; b; c;",
        "'; DROP TABLE users; --",
        "\"; DROP TABLE users; --",
        "Robert'); DROP TABLE users;--",
        "1' OR '1'='1",
        "nul\0inside"s,
        "nul",
        "\0"s,
        ""s,
        "\0\0trailing\0"s,
        "\xff\xfe\x80",
        "\xc3\x28",
        "\xed\xa0\x80",
        "%_\\",
        "? ?1 :name @name $name",
        "line\nbreak\r\ttab",
        "/* comment */ --",
        megabyte(),
    };
    return values;
}

/// A short, printable label for failure messages.
std::string label(const std::string& value) {
    std::string out;
    for (char c : value.substr(0, 40)) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7f) {
            out += c;
        } else {
            constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[byte >> 4];
            out += hex[byte & 0xf];
        }
    }
    return out + " (" + std::to_string(value.size()) + " bytes)";
}

/// The stored bytes of users.name for one row, read with raw SQL.
std::string stored_name(relate::database& db, std::int64_t id) {
    auto st = db.connection().prepare("SELECT name FROM users WHERE id = ?");
    st->bind_int64(1, id);
    REQUIRE(st->step());
    return std::string(st->column_text(0));
}

std::int64_t scalar(relate::database& db, const std::string& sql) {
    auto st = db.connection().prepare(sql);
    REQUIRE(st->step());
    return st->column_int64(0);
}

void check_users_table_intact(relate::database& db, std::int64_t expected_rows) {
    CHECK(scalar(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'users'") == 1);
    CHECK(scalar(db, "SELECT count(*) FROM users") == expected_rows);
}

}  // namespace

TEST_CASE("hostile strings are stored and read back byte for byte", "[hostile]") {
    relate::database db{":memory:"};
    db.create_tables<User>();

    for (const std::string& value : hostile_values()) {
        INFO("value: " << label(value));
        const User in = db.insert(User{.name = value, .bio = value});
        CHECK(stored_name(db, in.id) == value);
        const User out = db.find_or_throw<User>(in.id);
        CHECK(out.name.size() == value.size());
        CHECK(out.name == value);
        CHECK(out.bio == value);
    }
    check_users_table_intact(db, static_cast<std::int64_t>(hostile_values().size()));
}

TEST_CASE("hostile strings survive update", "[hostile]") {
    relate::database db{":memory:"};
    db.create_tables<User>();
    User row = db.insert(User{.name = "plain"});

    for (const std::string& value : hostile_values()) {
        INFO("value: " << label(value));
        row.name = value;
        row.bio = "bio " + value;
        db.update(row);
        const User out = db.find_or_throw<User>(row.id);
        CHECK(out.name == value);
        CHECK(out.bio == "bio " + value);
    }
    check_users_table_intact(db, 1);
}

TEST_CASE("a hostile string in where() finds exactly its own row", "[hostile][query]") {
    relate::database db{":memory:"};
    db.create_tables<User>();
    std::vector<std::int64_t> ids;
    for (const std::string& value : hostile_values()) ids.push_back(db.insert(User{.name = value}).id);

    for (std::size_t i = 0; i < hostile_values().size(); ++i) {
        const std::string& value = hostile_values()[i];
        INFO("value: " << label(value));

        const auto by_equality = db.query<User>().where(col<&User::name> == value).get();
        REQUIRE(by_equality.size() == 1);
        CHECK(by_equality.front().id == ids[i]);
        CHECK(by_equality.front().name == value);

        const auto by_in = db.query<User>().where(col<&User::name>.in({value})).get();
        REQUIRE(by_in.size() == 1);
        CHECK(by_in.front().id == ids[i]);

        const auto by_raw = db.query<User>().where(relate::raw("name = ?", value)).get();
        REQUIRE(by_raw.size() == 1);
        CHECK(by_raw.front().id == ids[i]);

        CHECK(db.query<User>().where(col<&User::name> != value).count() ==
              static_cast<std::int64_t>(hostile_values().size()) - 1);
    }
    check_users_table_intact(db, static_cast<std::int64_t>(hostile_values().size()));

    SECTION("bulk remove by a hostile value removes only that row") {
        CHECK(db.query<User>().where(col<&User::name> == "'; DROP TABLE users; --").remove() == 1);
        check_users_table_intact(db, static_cast<std::int64_t>(hostile_values().size()) - 1);
    }
}

TEST_CASE("a hostile string as a string primary key", "[hostile]") {
    relate::database db{":memory:"};
    db.create_tables<Tag>();
    std::int64_t uses = 0;
    for (const std::string& value : hostile_values()) db.insert(Tag{.label = value, .uses = ++uses});

    uses = 0;
    for (const std::string& value : hostile_values()) {
        INFO("value: " << label(value));
        const auto found = db.find<Tag>(value);
        REQUIRE(found.has_value());
        CHECK(found->label == value);
        CHECK(found->uses == ++uses);
    }

    SECTION("update and remove address exactly that row") {
        Tag t = db.find_or_throw<Tag>("'; DROP TABLE users; --");
        t.uses = 1000;
        db.update(t);
        CHECK(db.find_or_throw<Tag>("'; DROP TABLE users; --").uses == 1000);
        CHECK(db.query<Tag>().where(col<&Tag::uses> == 1000).count() == 1);
        db.remove(t);
        CHECK_FALSE(db.find<Tag>("'; DROP TABLE users; --").has_value());
        CHECK(db.query<Tag>().count() == static_cast<std::int64_t>(hostile_values().size()) - 1);
    }

    SECTION("not_found quotes a hostile key without running it") {
        REQUIRE_THROWS_WITH(db.find_or_throw<Tag>("x'); DROP TABLE tags; --"),
                            "relate: no tags row with label = 'x'); DROP TABLE tags; --'");
        CHECK(db.query<Tag>().count() == static_cast<std::int64_t>(hostile_values().size()));
    }
}

TEST_CASE("a 1 MB string is stored whole", "[hostile]") {
    relate::database db{":memory:"};
    db.create_tables<User>();
    const std::string big = megabyte();
    const User in = db.insert(User{.name = big});

    CHECK(scalar(db, "SELECT length(CAST(name AS BLOB)) FROM users") == 1 << 20);
    const User out = db.find_or_throw<User>(in.id);
    CHECK(out.name.size() == big.size());
    CHECK(out.name == big);
    CHECK(db.query<User>().where(col<&User::name> == big).count() == 1);
    CHECK(db.query<User>().where(col<&User::name> == big.substr(1)).count() == 0);
}

TEST_CASE("10 MB texts and blobs with every byte value survive a file database whole", "[hostile]") {
    // Every byte value, NUL and invalid UTF-8 included, in a pattern that shifts per value, so a
    // lost, doubled or reordered overflow page shows.
    const auto text_of = [](std::size_t size, std::size_t shift) {
        std::string out(size, '\0');
        for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>((i * 31 + shift + i / 4096) % 256);
        return out;
    };
    const auto blob_of = [](const std::string& text) {
        relate::blob out(text.size());
        for (std::size_t i = 0; i < text.size(); ++i) out[i] = static_cast<std::byte>(text[text.size() - 1 - i]);
        return out;
    };
    constexpr std::size_t ten_megabytes = std::size_t{10} << 20;
    const std::string first = text_of(ten_megabytes, 7);
    const std::string second = text_of(ten_megabytes + 1, 8);

    const relate_test::temp_file file;
    std::int64_t id = 0;
    {
        relate::database db{file.path()};
        db.create_tables<Attachment>();
        Attachment a = db.insert(Attachment{.text = first, .bytes = blob_of(first)});
        id = a.id;
        const Attachment read = db.find_or_throw<Attachment>(id);
        CHECK(read.text.size() == ten_megabytes);
        CHECK(read.text == first);
        CHECK(read.bytes == blob_of(first));
        CHECK(db.query<Attachment>().where(col<&Attachment::text> == first).count() == 1);
        CHECK(db.query<Attachment>().where(col<&Attachment::bytes> == blob_of(first)).count() == 1);

        a.text = second;
        a.bytes = blob_of(second);
        db.update(a);
    }
    relate::database reopened{file.path()};
    const Attachment read = reopened.find_or_throw<Attachment>(id);
    CHECK(read.text.size() == ten_megabytes + 1);
    CHECK(read.text == second);
    CHECK(read.bytes == blob_of(second));
    CHECK(scalar(reopened, "SELECT length(CAST(text AS BLOB)) + length(bytes) FROM attachments") ==
          2 * static_cast<std::int64_t>(ten_megabytes + 1));
}
