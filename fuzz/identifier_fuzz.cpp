// libFuzzer target: the names a migration takes. The input is one byte giving the length of a
// table name, the name, then a column name. A migration creates that table with that column and
// an index on it. It must succeed exactly when both names are identifiers relate accepts
// ([A-Za-z_][A-Za-z0-9_]*, at most 128 characters, not starting with sqlite_ in any case, and
// not relate_migrations for the table) and the index name <table>_<column>_index is one too;
// then the table, column and index exist under exactly those names. Otherwise it fails with
// relate::schema_error and the database stays empty.

#include <relate/relate.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void require(bool condition, const char* what) {
    if (condition) return;
    std::fprintf(stderr, "identifier_fuzz: %s\n", what);
    std::abort();
}

/// The rule, written out independently of relate's.
bool acceptable(std::string_view name) {
    const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (name.empty() || name.size() > 128 || !letter(name[0])) return false;
    for (char c : name)
        if (!letter(c) && !digit(c)) return false;
    std::string prefix(name.substr(0, 7));
    for (char& c : prefix) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return prefix != "sqlite_";
}

bool same_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

/// The names of the schema objects of one type, leaving out relate's record of migrations.
std::string schema_names(relate::database& db, std::string_view type) {
    auto st = db.connection().prepare(
        "SELECT group_concat(name, '|') FROM sqlite_schema WHERE type = ? AND tbl_name != 'relate_migrations'");
    st->bind_text(1, type);
    require(st->step(), "no row from sqlite_schema");
    return std::string(st->column_text(0));
}

std::int64_t schema_objects(relate::database& db) {
    auto st = db.connection().prepare("SELECT count(*) FROM sqlite_schema");
    require(st->step(), "no row from sqlite_schema");
    return st->column_int64(0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    const std::string table(rest.substr(0, data[0]));
    const std::string column(rest.substr(table.size()));
    const std::string index = table + "_" + column + "_index";
    const bool valid =
        acceptable(table) && !same_ignoring_case(table, "relate_migrations") && acceptable(column) && acceptable(index);

    relate::database db{":memory:"};
    const relate::migration create{"fuzz", [&](relate::schema& s) {
                                       s.create(table, [&](relate::blueprint& t) {
                                           t.text(column);
                                           t.index({column});
                                       });
                                   }};
    try {
        db.migrate({create});
    } catch (const relate::schema_error&) {
        require(!valid, "acceptable names were refused");
        require(schema_objects(db) == 0, "a refused migration left something in the schema");
        return 0;
    }
    require(valid, "a name that is not an identifier was accepted");
    require(schema_names(db, "table") == table, "the table is not named as asked");
    require(schema_names(db, "index") == index, "the index is not named as asked");
    auto columns = db.connection().prepare("SELECT group_concat(name, '|') FROM pragma_table_info(?)");
    columns->bind_text(1, table);
    require(columns->step() && columns->column_text(0) == column, "the column is not named as asked");
    return 0;
}
