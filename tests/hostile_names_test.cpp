// Names made of SQL never reach SQL text. Every statement the connection prepares is recorded
// (sqlite3_trace_v2) while SQL fragments naming a table `victims` are passed where relate takes a
// name from outside: run-time include paths (relate::unknown_relation) and every identifier a
// migration takes (relate::schema_error). No recorded statement mentions `victims`, and the
// table and its row are still there. A migration's own name is a value: stored as given.

#include "blog_models.hpp"

#include <relate/relate.hpp>

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <functional>
#include <string>
#include <vector>

using namespace blog;
using namespace std::string_literals;
using Catch::Contains;

namespace {

/// Every SQL text the connection prepares while the object lives.
class sql_log {
public:
    explicit sql_log(relate::database& db) : db_(db.connection().handle()) {
        sqlite3_trace_v2(db_, SQLITE_TRACE_STMT, &record, this);
    }
    sql_log(const sql_log&) = delete;
    sql_log& operator=(const sql_log&) = delete;
    ~sql_log() { sqlite3_trace_v2(db_, 0, nullptr, nullptr); }

    [[nodiscard]] std::size_t size() const { return statements_.size(); }
    [[nodiscard]] std::vector<std::string> mentioning(const std::string& word) const {
        std::vector<std::string> out;
        for (const auto& sql : statements_)
            if (sql.find(word) != std::string::npos) out.push_back(sql);
        return out;
    }

private:
    static int record(unsigned, void* self, void* statement, void*) {
        static_cast<sql_log*>(self)->statements_.emplace_back(sqlite3_sql(static_cast<sqlite3_stmt*>(statement)));
        return 0;
    }

    sqlite3* db_;
    std::vector<std::string> statements_;
};

/// SQL fragments that are not identifiers, each naming the table `victims`.
const std::vector<std::string>& fragments() {
    static const std::vector<std::string> values{
        "victims; --",
        "posts; DROP TABLE victims; --",
        "posts\"; DROP TABLE victims; --",
        "x\" TEXT); DROP TABLE victims; --",
        "posts') OR 1=1; DELETE FROM victims; --",
        "posts UNION SELECT * FROM victims",
        "posts/*victims*/",
        "\"victims\"",
        "[victims]",
        "`victims`",
        "victims\0hidden"s,
        "main.victims",
        "victims\n",
        " victims",
        "vict\xc3\xafms",
        "victims" + std::string(200, 'x'),
    };
    return values;
}

void create_victims(relate::database& db) {
    db.connection().execute(
        "CREATE TABLE victims (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO victims VALUES (1, 'still here')");
}

void check_victims_untouched(relate::database& db, const sql_log& log) {
    CHECK(log.mentioning("victims").empty());
    // Spelt Victims (SQLite ignores the case) so that this statement does not match the check above.
    auto st = db.connection().prepare("SELECT count(*) FROM Victims WHERE name = 'still here'");
    REQUIRE(st->step());
    CHECK(st->column_int64(0) == 1);
}

}  // namespace

TEST_CASE("run-time include paths made of SQL are rejected and never reach SQL text", "[hostile][eager]") {
    relate::database db{":memory:"};
    seed_blog(db);
    create_victims(db);
    const sql_log log{db};

    for (const std::string& fragment : fragments()) {
        INFO("path: " << fragment);
        CHECK_THROWS_AS(db.query<User>().with(relate::runtime_path(fragment)).get(), relate::unknown_relation);
        CHECK_THROWS_AS(db.query<User>().with(relate::runtime_path("posts." + fragment)).get(),
                        relate::unknown_relation);
        CHECK_THROWS_AS(db.query<User>().with(relate::runtime_path(fragment + ".tags")).get(),
                        relate::unknown_relation);
        CHECK_THROWS_AS(db.query<User>().with(relate::include(&User::posts).with(relate::runtime_path(fragment))).get(),
                        relate::unknown_relation);
        CHECK_THROWS_AS(db.query<Tag>().with(relate::runtime_path("posts.user." + fragment)).first(),
                        relate::unknown_relation);
    }
    CHECK(log.size() == 0);  // rejected before any statement ran
    check_victims_untouched(db, log);
}

TEST_CASE("migration identifiers made of SQL are rejected and never reach SQL text", "[hostile][migration]") {
    relate::database db{":memory:"};
    create_victims(db);
    db.migrate({{"2026_11_01_create_users", [](relate::schema& s) {
                     s.create("users", [](relate::blueprint& t) {
                         t.id();
                         t.text("name").unique();
                     });
                 }}});
    const sql_log log{db};

    using name_use = std::function<void(relate::schema&, const std::string&)>;
    using column_use = std::function<void(relate::blueprint&, const std::string&)>;
    using blueprint_ref = relate::blueprint&;
    using name_ref = const std::string&;
    std::vector<std::pair<std::string, name_use>> positions{
        {"create", [](relate::schema& s, name_ref n) { s.create(n, [](blueprint_ref t) { t.id(); }); }},
        {"table", [](relate::schema& s, name_ref n) { s.table(n, [](blueprint_ref) {}); }},
        {"drop", [](relate::schema& s, name_ref n) { s.drop(n); }},
        {"drop_if_exists", [](relate::schema& s, name_ref n) { s.drop_if_exists(n); }},
        {"rename from", [](relate::schema& s, name_ref n) { s.rename(n, "people"); }},
        {"rename to", [](relate::schema& s, name_ref n) { s.rename("users", n); }},
        {"has_table", [](relate::schema& s, name_ref n) { (void)s.has_table(n); }},
        {"has_column", [](relate::schema& s, name_ref n) { (void)s.has_column("users", n); }},
    };
    const std::vector<std::pair<std::string, column_use>> in_create{
        {"text", [](blueprint_ref t, name_ref n) { t.text(n); }},
        {"id", [](blueprint_ref t, name_ref n) { t.id(n); }},
        {"references table", [](blueprint_ref t, name_ref n) { t.integer("userId").references(n); }},
        {"references column", [](blueprint_ref t, name_ref n) { t.integer("userId").references("users", n); }},
        {"primary", [](blueprint_ref t, name_ref n) { t.primary({n}); }},
    };
    const std::vector<std::pair<std::string, column_use>> in_table{
        {"add column", [](blueprint_ref t, name_ref n) { t.text(n).nullable(); }},
        {"index", [](blueprint_ref t, name_ref n) { t.index({n}); }},
        {"unique", [](blueprint_ref t, name_ref n) { t.unique({n}); }},
        {"drop_column", [](blueprint_ref t, name_ref n) { t.drop_column(n); }},
        {"rename_column from", [](blueprint_ref t, name_ref n) { t.rename_column(n, "x"); }},
        {"rename_column to", [](blueprint_ref t, name_ref n) { t.rename_column("name", n); }},
        {"drop_index", [](blueprint_ref t, name_ref n) { t.drop_index(n); }},
        {"foreign", [](blueprint_ref t, name_ref n) { t.foreign(n).references("users"); }},
        {"drop_foreign", [](blueprint_ref t, name_ref n) { t.drop_foreign(n); }},
    };
    for (const auto& [position, use_in] : in_create)
        positions.emplace_back("create: " + position, [use = use_in](relate::schema& s, name_ref n) {
            s.create("fresh", [&](blueprint_ref t) { use(t, n); });
        });
    for (const auto& [position, use_in] : in_table)
        positions.emplace_back("table: " + position, [use = use_in](relate::schema& s, name_ref n) {
            s.table("users", [&](blueprint_ref t) { use(t, n); });
        });

    for (const auto& position : positions) {
        for (const std::string& fragment : fragments()) {
            INFO(position.first << ": " << fragment);
            const relate::migration bad{"2026_11_02_bad", [&](relate::schema& s) { position.second(s, fragment); }};
            CHECK_THROWS_AS(db.migrate({bad}), relate::schema_error);
        }
    }
    check_victims_untouched(db, log);

    SECTION("a migration named with SQL is recorded under that name") {
        for (const std::string& fragment : fragments()) {
            INFO("name: " << fragment);
            CHECK(db.migrate({{fragment, [](relate::schema&) {}}}) == std::vector<std::string>{fragment});
        }
        auto st = db.connection().prepare("SELECT count(*) FROM relate_migrations");
        REQUIRE(st->step());
        CHECK(st->column_int64(0) == 1 + static_cast<std::int64_t>(fragments().size()));
        check_victims_untouched(db, log);
    }
}
