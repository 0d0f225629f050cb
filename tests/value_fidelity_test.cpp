// Values relate is given are stored and returned exactly, or refused with a relate error naming
// the table, the column and the value, and nothing changes: condition operands, keys the database
// assigns, times at and beyond the stored range, NaN and -0.0, enums. The cases run on both
// backends (tests/backends.hpp); what only SQLite does (its message for a key, its unsigned zero,
// the text it stores for a time PostgreSQL keeps as TIMESTAMPTZ) is checked on SQLite only.

#include "backends.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

using Catch::Contains;
using namespace std::chrono;
using relate::col;

namespace value_models {

struct Sample {
    std::int64_t id = 0;
    std::int8_t i8 = 0;
    std::uint8_t u8 = 0;
    std::int64_t i64 = 0;
    std::uint64_t u64 = 0;
    float f = 0;
    double d = 0;
    bool flag = false;
};

struct Reading {
    std::int64_t id = 0;
    double value = 0;
    std::optional<double> maybe;
};

struct Small {
    std::int32_t id = 0;
    std::string name;
};

struct Stamp {
    std::int64_t id = 0;
    sys_seconds s{};
    sys_time<milliseconds> ms{};
    sys_time<microseconds> us{};
    sys_time<nanoseconds> ns{};
    sys_days day{};
};

enum class Level : std::int8_t { low, high };

struct Leveled {
    std::int64_t id = 0;
    Level level = Level::low;
};

}  // namespace value_models

using namespace value_models;

namespace {

template <class Db>
std::int64_t scalar(Db& db, const std::string& sql) {
    auto st = db.connection().prepare(sql);
    REQUIRE(st->step());
    return st->column_int64(0);
}

template <class Db>
std::string text(Db& db, const std::string& sql) {
    auto st = db.connection().prepare(sql);
    REQUIRE(st->step());
    return std::string(st->column_text(0));
}

template <class Db>
void check_read_back(Db& db, const Stamp& in) {
    const Stamp out = db.template find_or_throw<Stamp>(in.id);
    CHECK(out.s == in.s);
    CHECK(out.ms == in.ms);
    CHECK(out.us == in.us);
    CHECK(out.ns == in.ns);
    CHECK(out.day == in.day);
}

std::vector<std::int64_t> ids(const std::vector<Sample>& rows) {
    std::vector<std::int64_t> out;
    for (const Sample& s : rows) out.push_back(s.id);
    return out;
}

}  // namespace

BACKENDS_TEST_CASE("a condition's operand the field cannot hold is refused, and nothing is removed", "[values][operands]") {
    typename TestType::database db{TestType::open_target()};
    db.template create_tables<Sample>();
    db.insert(Sample{.i8 = 44, .u64 = 5});
    db.insert(Sample{.i8 = -3, .u64 = std::uint64_t{1} << 62});

    SECTION("a std::uint64_t above INT64_MAX does not wrap to a negative number") {
        REQUIRE_THROWS_MATCHES(db.template query<Sample>().where(col<&Sample::u64> >= (std::uint64_t{1} << 63)).remove(),
                               relate::type_error,
                               Catch::Matchers::Message(
                                   "relate: cannot store samples.u64 = 9223372036854775808: it is out of range for the "
                                   "field's type, so the condition would not mean what it says"));
    }
    SECTION("300 compared with an int8_t column is not cast to 44") {
        REQUIRE_THROWS_WITH(db.template query<Sample>().where(col<&Sample::i8> == 300).remove(),
                            Contains("samples.i8 = 300") && Contains("out of range"));
    }
    SECTION("-1 compared with an unsigned column is not cast to 255") {
        REQUIRE_THROWS_AS(db.template query<Sample>().where(col<&Sample::u8> != -1).remove(), relate::type_error);
    }
    SECTION("every value of in() is checked") {
        REQUIRE_THROWS_WITH(db.template query<Sample>().where(col<&Sample::i8>.in(std::vector<int>{44, 1000})).remove(),
                            Contains("samples.i8 = 1000"));
    }
    SECTION("a bool column compares with 0 and 1 only") {
        CHECK(db.template query<Sample>().where(col<&Sample::flag> == 0).count() == 2);
        REQUIRE_THROWS_WITH(db.template query<Sample>().where(col<&Sample::flag> == 2).count(),
                            Contains("samples.flag = 2"));
    }
    SECTION("NaN is refused") {
        REQUIRE_THROWS_WITH(db.template query<Sample>().where(col<&Sample::d> < std::nan("")).count(),
                            Contains("samples.d = NaN"));
    }
    SECTION("a relate::raw argument above INT64_MAX is refused") {
        REQUIRE_THROWS_WITH(db.template query<Sample>().where(relate::raw("u64 >= ?", std::uint64_t{1} << 63)).remove(),
                            Contains("an argument of relate::raw = 9223372036854775808"));
    }
    CHECK(db.template query<Sample>().count() == 2);
}

BACKENDS_TEST_CASE("a fractional operand against an integer column keeps its meaning", "[values][operands]") {
    typename TestType::database db{TestType::open_target()};
    db.template create_tables<Sample>();
    const Sample two = db.insert(Sample{.i64 = 2});
    const Sample three = db.insert(Sample{.i64 = 3});

    CHECK(ids(db.template query<Sample>().where(col<&Sample::i64> < 2.5).get()) == std::vector{two.id});
    CHECK(ids(db.template query<Sample>().where(col<&Sample::i64> > 2.5).get()) == std::vector{three.id});
    CHECK(db.template query<Sample>().where(col<&Sample::i64> == 2.5).count() == 0);
    CHECK(ids(db.template query<Sample>().where(col<&Sample::i64> == 3.0).get()) == std::vector{three.id});
    CHECK(db.template query<Sample>().where(col<&Sample::i8> <= 0.5).count() == 2);
}

BACKENDS_TEST_CASE("an integer operand against a floating-point column is compared exactly", "[values][operands]") {
    typename TestType::database db{TestType::open_target()};
    db.template create_tables<Sample>();
    db.insert(Sample{.d = 9007199254740992.0});  // 2^53: 2^53 + 1 would round to it as a double

    CHECK(db.template query<Sample>().where(col<&Sample::d> == std::int64_t{9007199254740992}).count() == 1);
    CHECK(db.template query<Sample>().where(col<&Sample::d> == std::int64_t{9007199254740993}).count() == 0);
}

BACKENDS_TEST_CASE("a float column is compared with the value a float field stores", "[values][operands]") {
    typename TestType::database db{TestType::open_target()};
    db.template create_tables<Sample>();
    db.insert(Sample{.f = 0.1F});

    CHECK(db.template query<Sample>().where(col<&Sample::f> == 0.1).count() == 1);
    REQUIRE_THROWS_WITH(db.template query<Sample>().where(col<&Sample::f> < 1e300).count(), Contains("samples.f = 1e+300"));
}

BACKENDS_TEST_CASE("a key the database assigns that does not fit the key field is refused and the unit rolls back",
                   "[values][keys]") {
    typename TestType::database db{TestType::open_target()};
    constexpr bool sqlite = std::is_same_v<TestType, backends::sqlite_memory>;
    db.template create_tables<Small>();
    db.insert(Small{.id = std::numeric_limits<std::int32_t>::max(), .name = "last"});
    // SQLite assigns the largest rowid + 1; an explicit key does not move PostgreSQL's identity
    // sequence (docs/postgres.md), so it is moved here.
    if constexpr (!sqlite) db.connection().execute("SELECT setval(pg_get_serial_sequence('smalls', 'id'), 2147483647)");

    relate::basic_unit_of_work<typename TestType::database::backend_type> uow{db};
    Small before{.name = "first of the unit"};
    Small wrapped{.name = "would wrap"};
    before.id = 7;
    uow.insert(before);
    uow.insert(wrapped);
    if constexpr (sqlite) {
        REQUIRE_THROWS_MATCHES(uow.commit(), relate::type_error,
                               Catch::Matchers::Message("relate: smalls.id: the database assigned the key 2147483648, which "
                                                        "does not fit the field's integer type; nothing was written "
                                                        "(widen the field to std::int64_t)"));
    } else {
        REQUIRE_THROWS_MATCHES(uow.commit(), relate::type_error,
                               Catch::Matchers::Predicate<relate::type_error>(
                                   [](const relate::type_error& e) {
                                       const std::string what = e.what();
                                       return what.starts_with("relate: smalls.id: ") &&
                                              what.find("assigned the key 2147483648, which does not fit the field's "
                                                        "integer type; nothing was written") != std::string::npos;
                                   },
                                   "names smalls.id and the key 2147483648, and says nothing was written"));
    }
    CHECK(wrapped.id == 0);
    CHECK(scalar(db, "SELECT COUNT(*) FROM smalls") == 1);
    CHECK(db.template find_or_throw<Small>(std::numeric_limits<std::int32_t>::max()).name == "last");
}

BACKENDS_TEST_CASE("times of the years 0000 to 9999 round-trip at every precision", "[values][time]") {
    typename TestType::database db{TestType::open_target()};
    db.template create_tables<Stamp>();
    const auto first = sys_days{year{0} / January / 1};
    const auto last_day = sys_days{year{9999} / December / 31};
    constexpr bool sqlite = std::is_same_v<TestType, backends::sqlite_memory>;

    SECTION("the first instant of year 0000") {
        const Stamp year_zero{.s = first, .ms = first, .us = first, .ns = sys_time<nanoseconds>::min(), .day = first};
        if constexpr (!sqlite) {
            // A TIMESTAMPTZ has no year 0000 (PostgreSQL counts 1 BC, then 1 AD): the server refuses
            // it, naming the value, and nothing is written.
            CHECK_THROWS_MATCHES(db.insert(year_zero), relate::sql_error,
                                 Catch::Predicate<relate::sql_error>(
                                     [](const relate::sql_error& e) {
                                         return e.sqlstate() == "22008" &&
                                                std::string(e.what()).find("0000-01-01T00:00:00") != std::string::npos;
                                     },
                                     "SQLSTATE 22008, naming the value"));
            CHECK(db.template query<Stamp>().count() == 0);
            return;
        }
        const Stamp in = db.insert(year_zero);
        if constexpr (sqlite) {  // the text SQLite stores; PostgreSQL stores these as TIMESTAMPTZ
            CHECK(text(db, "SELECT s FROM stamps") == "0000-01-01T00:00:00Z");
            CHECK(text(db, "SELECT us FROM stamps") == "0000-01-01T00:00:00.000000Z");
        }
        CHECK(text(db, "SELECT ns FROM stamps") == "1677-09-21T00:12:43.145224192Z");
        check_read_back(db, in);
    }
    SECTION("the last instant of year 9999") {
        const Stamp in = db.insert(Stamp{.s = last_day + 86399s,
                                         .ms = last_day + 86399999ms,
                                         .us = last_day + 86399999999us,
                                         .ns = sys_time<nanoseconds>::max(),
                                         .day = last_day});
        if constexpr (sqlite) CHECK(text(db, "SELECT ms FROM stamps") == "9999-12-31T23:59:59.999Z");  // as above
        CHECK(text(db, "SELECT ns FROM stamps") == "2262-04-11T23:47:16.854775807Z");
        check_read_back(db, in);
    }
}

BACKENDS_TEST_CASE("a time outside the years 0000 to 9999 is refused when written", "[values][time]") {
    typename TestType::database db{TestType::open_target()};
    db.template create_tables<Stamp>();
    const auto refused = [&](Stamp s, const std::string& column) {
        INFO(column);
        REQUIRE_THROWS_WITH(db.insert(s), Contains("relate: cannot store stamps." + column + ": ") &&
                                              Contains("outside the years 0000 to 9999"));
    };

    SECTION("year 10000") { refused(Stamp{.s = sys_days{year{10000} / January / 1}}, "s"); }
    SECTION("year -1") { refused(Stamp{.s = sys_days{year{-1} / December / 31}}, "s"); }
    SECTION("year::max()") { refused(Stamp{.day = sys_days{year::max() / January / 1}}, "day"); }
    SECTION("sys_seconds::max()") { refused(Stamp{.s = sys_seconds::max()}, "s"); }
    SECTION("sys_seconds::min()") { refused(Stamp{.s = sys_seconds::min()}, "s"); }
    SECTION("sys_days::min()") { refused(Stamp{.day = sys_days::min()}, "day"); }
    SECTION("one microsecond before year 0000") {
        refused(Stamp{.us = sys_days{year{0} / January / 1} - 1us}, "us");
    }
    SECTION("in a condition") {
        REQUIRE_THROWS_WITH(db.template query<Stamp>().where(col<&Stamp::s> < sys_seconds::max()).count(),
                            Contains("stamps.s") && Contains("outside the years 0000 to 9999"));
    }
    CHECK(scalar(db, "SELECT COUNT(*) FROM stamps") == 0);
}

BACKENDS_TEST_CASE("a stored time the field's clock cannot hold is a type_error, never an overflow", "[values][time]") {
    typename TestType::database db{TestType::open_target()};
    db.template create_tables<Stamp>();
    const Stamp in = db.insert(Stamp{});
    db.connection().execute("UPDATE stamps SET ns = '9999-12-31T23:59:59Z'");
    REQUIRE_THROWS_WITH(db.template find<Stamp>(in.id),
                        Contains("stamps.ns") && Contains("does not fit the field's clock"));

    db.connection().execute("UPDATE stamps SET ns = '2026-02-30T00:00:00Z'");
    REQUIRE_THROWS_WITH(db.template find<Stamp>(in.id), Contains("stamps.ns") && Contains("not an ISO-8601 time"));
}

BACKENDS_TEST_CASE("NaN is refused naming the field; -0.0 is stored as 0", "[values][float]") {
    typename TestType::database db{TestType::open_target()};
    db.template create_tables<Reading>();

    SECTION("a plain double") {
        REQUIRE_THROWS_MATCHES(db.insert(Reading{.value = std::nan("")}), relate::type_error,
                               Catch::Matchers::Message("relate: cannot store readings.value = NaN: SQLite stores NaN "
                                                        "as NULL, so it would not come back; refused"));
    }
    SECTION("an optional double holding NaN is not read back as empty") {
        REQUIRE_THROWS_WITH(db.insert(Reading{.maybe = std::nan("")}), Contains("readings.maybe = NaN"));
    }
    SECTION("an update") {
        Reading r = db.insert(Reading{.value = 1});
        r.value = std::numeric_limits<double>::quiet_NaN();
        REQUIRE_THROWS_AS(db.update(r), relate::type_error);
        CHECK(db.template find_or_throw<Reading>(r.id).value == 1);
    }
    SECTION("-0.0 comes back as 0: +0.0 on SQLite, which keeps no sign of zero, -0.0 on PostgreSQL") {
        const Reading r = db.insert(Reading{.value = -0.0, .maybe = -0.0});
        const Reading out = db.template find_or_throw<Reading>(r.id);
        CHECK(out.value == 0.0);
        if constexpr (std::is_same_v<TestType, backends::sqlite_memory>) {
            CHECK_FALSE(std::signbit(out.value));
            CHECK_FALSE(std::signbit(*out.maybe));
        } else {
            CHECK(std::signbit(out.value));
            CHECK(std::signbit(*out.maybe));
        }
    }
    SECTION("infinities round-trip") {
        const Reading r = db.insert(Reading{.value = -std::numeric_limits<double>::infinity(),
                                            .maybe = std::numeric_limits<double>::infinity()});
        const Reading out = db.template find_or_throw<Reading>(r.id);
        CHECK(out.value == -std::numeric_limits<double>::infinity());
        CHECK(*out.maybe == std::numeric_limits<double>::infinity());
    }
}

BACKENDS_TEST_CASE("a stored value outside what an enum holds is a type_error", "[values][enum]") {
    typename TestType::database db{TestType::open_target()};
    db.template create_tables<Leveled>();
    const Leveled in = db.insert(Leveled{.level = Level::high});
    db.connection().execute("UPDATE leveleds SET level = 1000");
    REQUIRE_THROWS_WITH(db.template find<Leveled>(in.id), Contains("leveleds.level") && Contains("value 1000"));
}
