// relate::column_type: every built-in column type round-trips through a real SQLite database,
// std::optional maps to NULL, a user type joins through a specialisation, and values that do not
// fit their field are relate::type_error naming the table, the column and the value.

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace column_types {

using namespace std::chrono;
using namespace std::chrono_literals;

struct Integer {
    std::int64_t id = 0;
    std::int8_t i8 = 0;
    std::uint8_t u8 = 0;
    std::int16_t i16 = 0;
    std::uint16_t u16 = 0;
    std::int32_t i32 = 0;
    std::uint32_t u32 = 0;
    std::int64_t i64 = 0;
    std::uint64_t u64 = 0;
};

struct Scalar {
    std::int64_t id = 0;
    bool flag = false;
    float f = 0;
    double d = 0;
    std::string text;
    relate::blob data;
};

struct Event {
    std::int64_t id = 0;
    sys_time<seconds> at_s;
    sys_time<milliseconds> at_ms;
    sys_time<microseconds> at_us;
    sys_days on;
};

struct Moment {
    std::int64_t id = 0;
    sys_time<milliseconds> at;
};

enum class Level : std::int8_t { lowest = -128, low = -100, normal = 0, high = 100, highest = 127 };
enum class Offset : std::int64_t {
    min = std::numeric_limits<std::int64_t>::min(),
    zero = 0,
    max = std::numeric_limits<std::int64_t>::max()
};
// Unscoped, with the fixed underlying type a column needs (tests/compile_fail/enum_without_fixed_type.cpp).
enum Plain : int { plain_a = 1, plain_b = 2 };

struct Setting {
    std::int64_t id = 0;
    Level level = Level::normal;
    Offset offset = Offset::zero;
    Plain plain = plain_a;
};

/// A user type stored as text "1234 EUR" through relate::column_type.
struct Money {
    std::int64_t cents = 0;
    std::string currency;
    friend bool operator==(const Money&, const Money&) = default;
};

struct Price {
    std::int64_t id = 0;
    Money amount;
    std::optional<Money> discount;
};

struct Nullable {
    std::int64_t id = 0;
    std::optional<std::int8_t> i8;
    std::optional<std::uint64_t> u64;
    std::optional<bool> flag;
    std::optional<float> f;
    std::optional<double> d;
    std::optional<std::string> text;
    std::optional<relate::blob> data;
    std::optional<sys_time<seconds>> at;
    std::optional<Level> level;
    std::optional<Money> money;
};

/// Read back from a table created by hand without NOT NULL, so bad values can be planted.
struct Reading {
    std::int64_t id = 0;
    std::int8_t small = 0;
    std::uint32_t count = 0;
    bool flag = false;
    double ratio = 0;
    sys_time<seconds> at;
    Level level = Level::normal;
    Money price;
};

}  // namespace column_types

template <>
struct relate::column_type<column_types::Money> {
    using storage = std::string;
    static std::string to_storage(const column_types::Money& m) {
        return std::to_string(m.cents) + " " + m.currency;
    }
    static column_types::Money from_storage(const std::string& text) {
        const auto space = text.find(' ');
        if (space == std::string::npos || space == 0) throw std::invalid_argument("not an amount like '1234 EUR'");
        return {std::stoll(text.substr(0, space)), text.substr(space + 1)};
    }
};

using namespace column_types;

namespace Catch {
/// Failures show a time as its tick count since the epoch rather than {?}.
template <class Duration>
struct StringMaker<std::chrono::sys_time<Duration>> {
    static std::string convert(const std::chrono::sys_time<Duration>& t) {
        return std::to_string(t.time_since_epoch().count()) + " ticks since 1970";
    }
};
}  // namespace Catch

namespace {

/// The single value a raw SELECT returns, as text.
std::string raw_text(relate::database& db, const std::string& sql) {
    auto st = db.connection().prepare(sql);
    REQUIRE(st->step());
    return std::string(st->column_text(0));
}

std::int64_t raw_int(relate::database& db, const std::string& sql) {
    auto st = db.connection().prepare(sql);
    REQUIRE(st->step());
    return st->column_int64(0);
}

/// Every value a raw SELECT returns in its first column, as text.
std::vector<std::string> raw_column(relate::database& db, const std::string& sql) {
    auto st = db.connection().prepare(sql);
    std::vector<std::string> out;
    while (st->step()) out.emplace_back(st->column_text(0));
    return out;
}

relate::blob bytes(std::initializer_list<int> values) {
    relate::blob out;
    for (int v : values) out.push_back(static_cast<std::byte>(v));
    return out;
}

template <class Duration>
sys_time<Duration> at(year_month_day date, Duration time_of_day) {
    return sys_days{date} + time_of_day;
}

/// Inserts t at every precision of Event and checks that each reads back unchanged.
void check_time_round_trip(relate::database& db, sys_time<microseconds> t, const std::string& expected_text) {
    const Event in =
        db.insert(Event{.at_s = floor<seconds>(t), .at_ms = floor<milliseconds>(t), .at_us = t, .on = floor<days>(t)});
    CHECK(raw_text(db, "SELECT at_us FROM events WHERE id = " + std::to_string(in.id)) == expected_text);
    const Event out = db.find_or_throw<Event>(in.id);
    CHECK(out.at_s == in.at_s);
    CHECK(out.at_ms == in.at_ms);
    CHECK(out.at_us == in.at_us);
    CHECK(out.on == in.on);
}

}  // namespace

TEST_CASE("every integral type round-trips its limits", "[column_type]") {
    relate::database db{":memory:"};
    db.create_tables<Integer>();

    SECTION("minimums") {
        const Integer in = db.insert(Integer{.i8 = std::numeric_limits<std::int8_t>::min(),
                                             .u8 = 0,
                                             .i16 = std::numeric_limits<std::int16_t>::min(),
                                             .u16 = 0,
                                             .i32 = std::numeric_limits<std::int32_t>::min(),
                                             .u32 = 0,
                                             .i64 = std::numeric_limits<std::int64_t>::min(),
                                             .u64 = 0});
        const Integer out = db.find_or_throw<Integer>(in.id);
        CHECK(out.i8 == -128);
        CHECK(out.u8 == 0);
        CHECK(out.i16 == -32768);
        CHECK(out.u16 == 0);
        CHECK(out.i32 == std::numeric_limits<std::int32_t>::min());
        CHECK(out.u32 == 0);
        CHECK(out.i64 == std::numeric_limits<std::int64_t>::min());
        CHECK(out.u64 == 0);
    }

    SECTION("maximums (uint64 up to the largest value SQLite's signed integer holds)") {
        const Integer in = db.insert(Integer{.i8 = std::numeric_limits<std::int8_t>::max(),
                                             .u8 = std::numeric_limits<std::uint8_t>::max(),
                                             .i16 = std::numeric_limits<std::int16_t>::max(),
                                             .u16 = std::numeric_limits<std::uint16_t>::max(),
                                             .i32 = std::numeric_limits<std::int32_t>::max(),
                                             .u32 = std::numeric_limits<std::uint32_t>::max(),
                                             .i64 = std::numeric_limits<std::int64_t>::max(),
                                             .u64 = std::numeric_limits<std::int64_t>::max()});
        const Integer out = db.find_or_throw<Integer>(in.id);
        CHECK(out.i8 == 127);
        CHECK(out.u8 == 255);
        CHECK(out.i16 == 32767);
        CHECK(out.u16 == 65535);
        CHECK(out.i32 == std::numeric_limits<std::int32_t>::max());
        CHECK(out.u32 == 4294967295u);
        CHECK(out.i64 == std::numeric_limits<std::int64_t>::max());
        CHECK(out.u64 == 9223372036854775807u);

        SECTION("stored as INTEGER values, not text") {
            CHECK(raw_text(db, "SELECT typeof(u32) FROM integers") == "integer");
            CHECK(raw_int(db, "SELECT u32 FROM integers") == 4294967295);
            CHECK(raw_int(db, "SELECT u8 FROM integers") == 255);
        }
    }
}

TEST_CASE("a uint64 above INT64_MAX is refused with a type_error naming the column and the value",
          "[column_type][type_error]") {
    relate::database db{":memory:"};
    db.create_tables<Integer>();
    const std::uint64_t too_big = std::uint64_t{1} << 63;

    SECTION("on insert, and nothing is written") {
        REQUIRE_THROWS_AS(db.insert(Integer{.u64 = too_big}), relate::type_error);
        REQUIRE_THROWS_WITH(db.insert(Integer{.u64 = too_big}), Catch::Contains("integers.u64") &&
                                                                    Catch::Contains("9223372036854775808") &&
                                                                    Catch::StartsWith("relate: "));
        CHECK(db.query<Integer>().count() == 0);
    }

    SECTION("on update, and the row keeps its value") {
        Integer row = db.insert(Integer{.u64 = 7});
        row.u64 = std::numeric_limits<std::uint64_t>::max();
        REQUIRE_THROWS_WITH(db.update(row), Catch::Contains("integers.u64") && Catch::Contains("18446744073709551615"));
        CHECK(db.find_or_throw<Integer>(row.id).u64 == 7);
    }
}

TEST_CASE("bool, float, double, string and blob round-trip", "[column_type]") {
    relate::database db{":memory:"};
    db.create_tables<Scalar>();

    auto round_trip = [&](const Scalar& in) { return db.find_or_throw<Scalar>(db.insert(in).id); };

    SECTION("ordinary values") {
        const Scalar in{
            .flag = true, .f = 3.14159f, .d = 0.1, .text = "Grüße, 世界 🌍", .data = bytes({0, 1, 254, 255})};
        const Scalar out = round_trip(in);
        CHECK(out.flag == true);
        CHECK(out.f == 3.14159f);
        CHECK(out.d == 0.1);
        CHECK(out.text == in.text);
        CHECK(out.data == in.data);
        CHECK(raw_text(db, "SELECT typeof(data) FROM scalars") == "blob");
        CHECK(raw_text(db, "SELECT typeof(flag) FROM scalars") == "integer");
        CHECK(raw_int(db, "SELECT flag FROM scalars") == 1);
    }

    SECTION("false, empty and extreme values") {
        const Scalar in{.flag = false,
                        .f = std::numeric_limits<float>::max(),
                        .d = std::numeric_limits<double>::denorm_min(),
                        .text = "",
                        .data = {}};
        const Scalar out = round_trip(in);
        CHECK(out.flag == false);
        CHECK(out.f == std::numeric_limits<float>::max());
        CHECK(out.d == std::numeric_limits<double>::denorm_min());
        CHECK(out.text.empty());
        CHECK(out.data.empty());
    }

    SECTION("the largest and the most negative doubles and infinities") {
        const Scalar big =
            round_trip({.f = -std::numeric_limits<float>::infinity(), .d = std::numeric_limits<double>::max()});
        CHECK(big.f == -std::numeric_limits<float>::infinity());
        CHECK(big.d == std::numeric_limits<double>::max());
        const Scalar low =
            round_trip({.f = std::numeric_limits<float>::lowest(), .d = std::numeric_limits<double>::lowest()});
        CHECK(low.f == std::numeric_limits<float>::lowest());
        CHECK(low.d == std::numeric_limits<double>::lowest());
    }

    SECTION("every byte value in a blob") {
        relate::blob all;
        for (int b = 0; b < 256; ++b) all.push_back(static_cast<std::byte>(b));
        const Scalar out = round_trip({.data = all});
        CHECK(out.data == all);
        CHECK(raw_int(db, "SELECT length(data) FROM scalars") == 256);
    }
}

TEST_CASE("an empty blob is a zero-length BLOB, distinct from an empty optional's NULL", "[column_type]") {
    relate::database db{":memory:"};
    db.create_tables<Nullable, Scalar>();

    const Nullable empty_blob = db.insert(Nullable{.data = relate::blob{}});
    const Nullable no_blob = db.insert(Nullable{.data = std::nullopt});

    CHECK(raw_text(db, "SELECT typeof(data) FROM nullables WHERE id = " + std::to_string(empty_blob.id)) == "blob");
    CHECK(raw_int(db, "SELECT length(data) FROM nullables WHERE id = " + std::to_string(empty_blob.id)) == 0);
    CHECK(raw_text(db, "SELECT typeof(data) FROM nullables WHERE id = " + std::to_string(no_blob.id)) == "null");

    const Nullable read_empty = db.find_or_throw<Nullable>(empty_blob.id);
    REQUIRE(read_empty.data.has_value());
    CHECK(read_empty.data->empty());
    CHECK_FALSE(db.find_or_throw<Nullable>(no_blob.id).data.has_value());

    SECTION("a non-optional empty blob is not NULL either") {
        const Scalar s = db.insert(Scalar{});
        CHECK(raw_text(db, "SELECT typeof(data) FROM scalars WHERE id = " + std::to_string(s.id)) == "blob");
        CHECK(db.find_or_throw<Scalar>(s.id).data.empty());
    }

    SECTION("queries tell the two apart") {
        CHECK(db.query<Nullable>().where(relate::col<&Nullable::data>.is_null()).count() == 1);
        CHECK(db.query<Nullable>().where(relate::col<&Nullable::data> == relate::blob{}).count() == 1);
    }
}

TEST_CASE("sys_time is stored as ISO-8601 UTC text with the duration's precision", "[column_type][time]") {
    relate::database db{":memory:"};
    db.create_tables<Event>();
    const auto when = 2026y / November / 22;
    const Event in = db.insert(Event{.at_s = at(when, 9h + 30min + 5s),
                                     .at_ms = at(when, 9h + 30min + 250ms),
                                     .at_us = at(when, 9h + 30min + 1s + 5us),
                                     .on = sys_days{when}});

    CHECK(raw_text(db, "SELECT at_s FROM events") == "2026-11-22T09:30:05Z");
    CHECK(raw_text(db, "SELECT at_ms FROM events") == "2026-11-22T09:30:00.250Z");
    CHECK(raw_text(db, "SELECT at_us FROM events") == "2026-11-22T09:30:01.000005Z");
    CHECK(raw_text(db, "SELECT \"on\" FROM events") == "2026-11-22T00:00:00Z");
    CHECK(raw_text(db, "SELECT typeof(at_ms) FROM events") == "text");

    const Event out = db.find_or_throw<Event>(in.id);
    CHECK(out.at_s == in.at_s);
    CHECK(out.at_ms == in.at_ms);
    CHECK(out.at_us == in.at_us);
    CHECK(out.on == in.on);
}

TEST_CASE("sys_time round-trips before 1970", "[column_type][time]") {
    relate::database db{":memory:"};
    db.create_tables<Event>();

    SECTION("one microsecond before the epoch") {
        check_time_round_trip(db, sys_days{1970y / January / 1} - 1us, "1969-12-31T23:59:59.999999Z");
    }
    SECTION("the epoch") {
        check_time_round_trip(db, sys_days{1970y / January / 1} + 0us, "1970-01-01T00:00:00.000000Z");
    }
    SECTION("a date in the 19th century") {
        check_time_round_trip(db, at(1899y / July / 14, 12h + 0min + 0s + 500000us), "1899-07-14T12:00:00.500000Z");
    }
    SECTION("a leap day before the epoch") {
        check_time_round_trip(db, at(1904y / February / 29, 23h + 59min + 59s + 0us), "1904-02-29T23:59:59.000000Z");
    }
}

TEST_CASE("sys_time round-trips years outside the range of a nanosecond count (before 1678, after 2262)",
          "[column_type][time]") {
    relate::database db{":memory:"};
    db.create_tables<Event>();

    SECTION("year 1") {
        check_time_round_trip(db, sys_days{1y / January / 1} + 0us, "0001-01-01T00:00:00.000000Z");
    }
    SECTION("the battle of Hastings") {
        check_time_round_trip(db, at(1066y / October / 14, 9h + 0min + 0s + 0us), "1066-10-14T09:00:00.000000Z");
    }
    SECTION("the last microsecond of year 9999") {
        check_time_round_trip(db, sys_days{10000y / January / 1} - 1us, "9999-12-31T23:59:59.999999Z");
    }
}

TEST_CASE("ordering by a sys_time column is chronological", "[column_type][time]") {
    relate::database db{":memory:"};
    db.create_tables<Moment>();
    const std::vector<sys_time<milliseconds>> times{at(2026y / November / 22, 9h + 30min + 1ms),
                                                    at(1969y / December / 31, 23h + 59min + 59s + 999ms),
                                                    at(2026y / November / 22, 9h + 30min + 0ms),
                                                    at(1901y / October / 14, 9h + 0ms),
                                                    at(2000y / February / 29, 0ms),
                                                    at(2026y / November / 3, 10h + 0ms),
                                                    at(1970y / January / 1, 0ms)};
    for (const auto& t : times) db.insert(Moment{.at = t});
    auto sorted = times;
    std::sort(sorted.begin(), sorted.end());

    SECTION("order_by on the column") {
        std::vector<sys_time<milliseconds>> got;
        for (const Moment& m : db.query<Moment>().order_by(relate::col<&Moment::at>).get()) got.push_back(m.at);
        CHECK(got == sorted);
    }

    SECTION("ORDER BY in raw SQL on the stored text") {
        std::vector<std::string> expected;
        for (const auto& t : sorted) expected.push_back(relate::column_type<sys_time<milliseconds>>::to_storage(t));
        CHECK(raw_column(db, "SELECT at FROM moments ORDER BY at") == expected);
    }

    SECTION("comparisons in where() compare times") {
        const auto cutoff = at(1970y / January / 1, 0ms);
        const auto before = db.query<Moment>().where(relate::col<&Moment::at> < cutoff).get();
        REQUIRE(before.size() == 2);
        for (const Moment& m : before) CHECK(m.at < cutoff);
        CHECK(db.query<Moment>().where(relate::col<&Moment::at> >= cutoff).count() == 5);
    }
}

TEST_CASE("timestamps SQLite writes itself are read: a space for T, no Z, extra digits truncated",
          "[column_type][time]") {
    relate::database db{":memory:"};
    db.create_tables<Moment>();
    db.connection().execute("INSERT INTO moments (id, at) VALUES (1, '2026-11-22 09:30:00')");
    db.connection().execute("INSERT INTO moments (id, at) VALUES (2, '2026-11-22T09:30:00.123456789Z')");
    db.connection().execute("INSERT INTO moments (id, at) VALUES (3, '1969-12-31T23:59:59.9999Z')");

    CHECK(db.find_or_throw<Moment>(1).at == at(2026y / November / 22, 9h + 30min + 0ms));
    CHECK(db.find_or_throw<Moment>(2).at == at(2026y / November / 22, 9h + 30min + 123ms));
    CHECK(db.find_or_throw<Moment>(3).at == at(1969y / December / 31, 23h + 59min + 59s + 999ms));
}

TEST_CASE("enums are stored as their integer values, negative ones included", "[column_type]") {
    relate::database db{":memory:"};
    db.create_tables<Setting>();

    const Setting low = db.insert(Setting{.level = Level::low, .offset = Offset::min, .plain = plain_b});
    const Setting high = db.insert(Setting{.level = Level::highest, .offset = Offset::max, .plain = plain_a});
    const Setting lowest = db.insert(Setting{.level = Level::lowest});

    CHECK(raw_int(db, "SELECT level FROM settings WHERE id = " + std::to_string(low.id)) == -100);
    CHECK(raw_int(db, "SELECT offset FROM settings WHERE id = " + std::to_string(low.id)) ==
          std::numeric_limits<std::int64_t>::min());
    CHECK(raw_int(db, "SELECT plain FROM settings WHERE id = " + std::to_string(low.id)) == 2);

    const Setting low_out = db.find_or_throw<Setting>(low.id);
    CHECK(low_out.level == Level::low);
    CHECK(low_out.offset == Offset::min);
    CHECK(low_out.plain == plain_b);
    const Setting high_out = db.find_or_throw<Setting>(high.id);
    CHECK(high_out.level == Level::highest);
    CHECK(high_out.offset == Offset::max);
    CHECK(high_out.plain == plain_a);
    CHECK(db.find_or_throw<Setting>(lowest.id).level == Level::lowest);

    SECTION("and compared as integers in queries") {
        CHECK(db.query<Setting>().where(relate::col<&Setting::level> < Level::normal).count() == 2);
        CHECK(db.query<Setting>().where(relate::col<&Setting::level> == Level::highest).count() == 1);
    }
}

TEST_CASE("an empty optional of every column type is NULL and an engaged one round-trips", "[column_type]") {
    relate::database db{":memory:"};
    db.create_tables<Nullable>();

    SECTION("empty nullables are stored as NULL") {
        const Nullable in = db.insert(Nullable{});
        for (const char* column : {"i8", "u64", "flag", "f", "d", "text", "data", "at", "level", "money"}) {
            INFO("column " << column);
            CHECK(raw_text(db, std::string("SELECT typeof(") + column + ") FROM nullables") == "null");
        }
        const Nullable out = db.find_or_throw<Nullable>(in.id);
        CHECK_FALSE(out.i8.has_value());
        CHECK_FALSE(out.u64.has_value());
        CHECK_FALSE(out.flag.has_value());
        CHECK_FALSE(out.f.has_value());
        CHECK_FALSE(out.d.has_value());
        CHECK_FALSE(out.text.has_value());
        CHECK_FALSE(out.data.has_value());
        CHECK_FALSE(out.at.has_value());
        CHECK_FALSE(out.level.has_value());
        CHECK_FALSE(out.money.has_value());
    }

    SECTION("engaged nullables, including values that look empty, round-trip") {
        const Nullable in = db.insert(Nullable{.i8 = std::int8_t{-1},
                                               .u64 = std::uint64_t{0},
                                               .flag = false,
                                               .f = 0.0f,
                                               .d = -2.5,
                                               .text = std::string{},
                                               .data = bytes({0}),
                                               .at = sys_seconds{0s},
                                               .level = Level::low,
                                               .money = Money{0, "EUR"}});
        const Nullable out = db.find_or_throw<Nullable>(in.id);
        CHECK(out.i8 == std::int8_t{-1});
        CHECK(out.u64 == std::uint64_t{0});
        CHECK(out.flag == false);
        CHECK(out.f == 0.0f);
        CHECK(out.d == -2.5);
        CHECK(out.text == std::string{});
        CHECK(out.data == bytes({0}));
        CHECK(out.at == sys_seconds{0s});
        CHECK(out.level == Level::low);
        CHECK(out.money == Money{0, "EUR"});
    }

    SECTION("update writes NULL over a value") {
        Nullable row = db.insert(Nullable{.text = "set", .level = Level::high});
        row.text.reset();
        row.level.reset();
        db.update(row);
        CHECK(raw_text(db, "SELECT typeof(text) FROM nullables") == "null");
        const Nullable out = db.find_or_throw<Nullable>(row.id);
        CHECK_FALSE(out.text.has_value());
        CHECK_FALSE(out.level.has_value());
    }

    SECTION("the columns are nullable in the DDL") {
        CHECK(raw_int(db, "SELECT count(*) FROM pragma_table_info('nullables') WHERE \"notnull\" = 1") == 0);
    }
}

TEST_CASE("a type with a column_type specialisation is stored through its storage type", "[column_type]") {
    relate::database db{":memory:"};
    db.create_tables<Price>();

    const Price in = db.insert(Price{.amount = Money{1234, "EUR"}, .discount = Money{-50, "EUR"}});
    CHECK(raw_text(db, "SELECT amount FROM prices") == "1234 EUR");
    CHECK(raw_text(db, "SELECT discount FROM prices") == "-50 EUR");
    CHECK(raw_text(db, "SELECT type FROM pragma_table_info('prices') WHERE name = 'amount'") == "TEXT");

    const Price out = db.find_or_throw<Price>(in.id);
    CHECK(out.amount == Money{1234, "EUR"});
    CHECK(out.discount == Money{-50, "EUR"});

    SECTION("an optional of it is nullable") {
        const Price none = db.insert(Price{.amount = Money{1, "USD"}});
        CHECK_FALSE(db.find_or_throw<Price>(none.id).discount.has_value());
    }

    SECTION("it can be compared in where()") {
        db.insert(Price{.amount = Money{99, "USD"}});
        const auto found = db.query<Price>().where(relate::col<&Price::amount> == Money{99, "USD"}).get();
        REQUIRE(found.size() == 1);
        CHECK(found.front().amount.currency == "USD");
    }

    SECTION("an exception from from_storage becomes a type_error naming the column and the value") {
        db.connection().execute("UPDATE prices SET amount = 'twelve'");
        REQUIRE_THROWS_AS(db.find<Price>(in.id), relate::type_error);
        REQUIRE_THROWS_WITH(db.find<Price>(in.id), Catch::Contains("prices.amount") && Catch::Contains("'twelve'") &&
                                                       Catch::Contains("not an amount like '1234 EUR'"));
    }
}

TEST_CASE("reading a value that does not fit its field throws type_error naming table, column and value",
          "[column_type][type_error]") {
    relate::database db{":memory:"};
    // No NOT NULL and no type checks, so that any value can be planted with raw SQL.
    db.connection().execute(
        "CREATE TABLE readings (id INTEGER PRIMARY KEY, small INTEGER, count INTEGER, flag INTEGER, ratio REAL, "
        "at TEXT, level INTEGER, price TEXT)");
    const Reading good = db.insert(Reading{.small = 1,
                                           .count = 2,
                                           .flag = true,
                                           .ratio = 0.5,
                                           .at = sys_seconds{0s},
                                           .level = Level::high,
                                           .price = {5, "EUR"}});
    REQUIRE(db.find_or_throw<Reading>(good.id).count == 2);

    auto plant = [&](const std::string& assignment) {
        db.connection().execute("UPDATE readings SET " + assignment + " WHERE id = " + std::to_string(good.id));
    };
    auto read = [&] { return db.find<Reading>(good.id); };

    SECTION("NULL into a field that is not optional") {
        plant("count = NULL");
        REQUIRE_THROWS_AS(read(), relate::type_error);
        REQUIRE_THROWS_WITH(read(), Catch::StartsWith("relate: ") && Catch::Contains("readings.count") &&
                                        Catch::Contains("NULL") && Catch::Contains("std::optional"));
    }
    SECTION("NULL into a non-optional string-stored field") {
        plant("at = NULL");
        REQUIRE_THROWS_WITH(read(), Catch::Contains("readings.at") && Catch::Contains("NULL"));
    }
    SECTION("300 into std::int8_t") {
        plant("small = 300");
        REQUIRE_THROWS_AS(read(), relate::type_error);
        REQUIRE_THROWS_WITH(
            read(), Catch::Contains("readings.small") && Catch::Contains("300") && Catch::Contains("out of range"));
    }
    SECTION("-129 into std::int8_t") {
        plant("small = -129");
        REQUIRE_THROWS_WITH(read(), Catch::Contains("readings.small") && Catch::Contains("-129"));
    }
    SECTION("-1 into std::uint32_t") {
        plant("count = -1");
        REQUIRE_THROWS_WITH(
            read(), Catch::Contains("readings.count") && Catch::Contains("-1") && Catch::Contains("out of range"));
    }
    SECTION("2^32 into std::uint32_t") {
        plant("count = 4294967296");
        REQUIRE_THROWS_WITH(read(), Catch::Contains("readings.count") && Catch::Contains("4294967296"));
    }
    SECTION("2 into bool") {
        plant("flag = 2");
        REQUIRE_THROWS_AS(read(), relate::type_error);
        REQUIRE_THROWS_WITH(read(), Catch::Contains("readings.flag") && Catch::Contains("2") &&
                                        Catch::Contains("a bool must be 0 or 1"));
    }
    SECTION("200 into an enum whose underlying type is std::int8_t") {
        plant("level = 200");
        REQUIRE_THROWS_WITH(read(),
                            Catch::Contains("readings.level") && Catch::Contains("200") && Catch::Contains("enum"));
    }
    SECTION("text where an integer is expected") {
        plant("small = 'abc'");
        REQUIRE_THROWS_AS(read(), relate::type_error);
        REQUIRE_THROWS_WITH(
            read(), Catch::Contains("readings.small") && Catch::Contains("'abc'") && Catch::Contains("not an integer"));
    }
    SECTION("a real number where an integer is expected") {
        plant("count = 1.5");
        REQUIRE_THROWS_WITH(
            read(), Catch::Contains("readings.count") && Catch::Contains("1.5") && Catch::Contains("not an integer"));
    }
    SECTION("text where a double is expected") {
        plant("ratio = 'half'");
        REQUIRE_THROWS_WITH(
            read(), Catch::Contains("readings.ratio") && Catch::Contains("'half'") && Catch::Contains("not a number"));
    }
    SECTION("text that is not an ISO-8601 timestamp") {
        plant("at = 'yesterday'");
        REQUIRE_THROWS_AS(read(), relate::type_error);
        REQUIRE_THROWS_WITH(
            read(), Catch::Contains("readings.at") && Catch::Contains("'yesterday'") && Catch::Contains("ISO-8601"));
    }
    SECTION("a timestamp with an impossible month") {
        plant("at = '2026-13-01T00:00:00Z'");
        REQUIRE_THROWS_WITH(read(), Catch::Contains("readings.at") && Catch::Contains("'2026-13-01T00:00:00Z'"));
    }
    SECTION("a timestamp with trailing garbage") {
        plant("at = '2026-11-22T09:30:00Zjunk'");
        REQUIRE_THROWS_AS(read(), relate::type_error);
    }
    SECTION("the same checks apply to rows read by a query") {
        plant("small = 300");
        REQUIRE_THROWS_WITH(db.query<Reading>().get(), Catch::Contains("readings.small") && Catch::Contains("300"));
    }
}
