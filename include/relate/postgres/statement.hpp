#pragma once
// A prepared statement on a PostgreSQL connection, with the same members as sqlite::statement so
// the engine drives both alike. Differences, all written here:
//   - relate's SQL uses ? placeholders; they become $1, $2 ... when the statement is prepared.
//   - The statement runs at the first step() and its rows arrive at once (libpq's default), then
//     step() walks them.
//   - Parameters travel as text (bytea as binary). Results arrive in binary form when every
//     column's type is one relate reads that way (integers, floats, booleans, text, bytea): the
//     server formats no numbers and the client parses none. Otherwise (TIMESTAMPTZ, NUMERIC, ...)
//     they arrive as text. Either way column_type() gives SQLite's storage class of a cell, which
//     the engine reads.

#include <relate/postgres/error.hpp>
#include <relate/sqlite/statement.hpp>

#include <libpq-fe.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relate::postgres {

using sqlite::statement_observer;
using sqlite::statistics;

/// relate's SQL text with each ? outside quotes and comments written $1, $2 ... in order.
inline std::string numbered_placeholders(std::string_view sql) {
    std::string out;
    out.reserve(sql.size() + 16);
    int next = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (c == '\'' || c == '"') {  // a literal or a quoted name: copied to its closing quote
            const std::size_t end = sql.find(c, i + 1);
            const std::size_t stop = end == std::string_view::npos ? sql.size() : end + 1;
            out.append(sql.substr(i, stop - i));
            i = stop - 1;
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            const std::size_t end = sql.find('\n', i);
            const std::size_t stop = end == std::string_view::npos ? sql.size() : end;
            out.append(sql.substr(i, stop - i));
            i = stop - 1;
        } else if (c == '?') {
            out += '$';
            out += std::to_string(++next);
        } else {
            out += c;
        }
    }
    return out;
}

/// How a keyed statement matches two or more integer keys: one BIGINT[] parameter (backend.hpp).
/// A statement that holds it is planned at each run for its keys rather than prepared once: the
/// server's generic plan for `= ANY($1)` assumes a handful of keys and picks an index scan that is
/// 15% slower than the plan for the keys at hand (the posts of 10,000 users: 36 ms against 31).
inline constexpr std::string_view key_array_match = "= ANY(CAST(? AS BIGINT[]))";

/// The SQLSTATE of a prepared statement the server refuses because its result's columns changed
/// since it was prepared (a column's type altered): "cached plan must not change result type".
inline constexpr std::string_view stale_statement_state = "0A000";

/// Type OIDs of the result columns relate reads (pg_type.dat).
namespace oid {
inline constexpr Oid boolean = 16, bytea = 17, int8 = 20, int2 = 21, int4 = 23, text = 25, oid = 26, float4 = 700,
                     float8 = 701, varchar = 1043, timestamptz = 1184, numeric = 1700;
}

/// Whether relate reads a result column of this type in binary form (the others it reads as text).
constexpr bool reads_binary(Oid type) noexcept {
    switch (type) {
        case oid::boolean:
        case oid::bytea:
        case oid::int2:
        case oid::int4:
        case oid::int8:
        case oid::text:
        case oid::float4:
        case oid::float8:
        case oid::varchar: return true;
        default: return false;
    }
}

/// SQLite's storage class of a non-NULL value of this type; 0 for numeric, whose class depends on
/// the value (statement::numeric_storage).
constexpr int storage_class(Oid type) noexcept {
    switch (type) {
        case oid::boolean:
        case oid::int2:
        case oid::int4:
        case oid::int8:
        case oid::oid: return SQLITE_INTEGER;
        case oid::float4:
        case oid::float8: return SQLITE_FLOAT;
        case oid::numeric: return 0;
        case oid::bytea: return SQLITE_BLOB;
        default: return SQLITE_TEXT;
    }
}

/// An unsigned integer stored in network byte order (the binary form of the numbers above): one
/// load and one byte swap. g++ 12 keeps a loop over the bytes a loop (column_int64 took 82
/// instructions a cell with it, 31 without).
template <class U>
U big_endian(const char* bytes) noexcept {
    static_assert(sizeof(U) == 2 || sizeof(U) == 4 || sizeof(U) == 8);
    U v;
    std::memcpy(&v, bytes, sizeof v);
    if constexpr (std::endian::native == std::endian::big)
        return v;
    else if constexpr (sizeof(U) == 2)
        return __builtin_bswap16(v);
    else if constexpr (sizeof(U) == 4)
        return __builtin_bswap32(v);
    else
        return __builtin_bswap64(v);
}

class statement;

/// One result cell: the current row's column, read by its type.
class cell {
public:
    inline cell(const statement& st, int column) noexcept;
    [[nodiscard]] inline int type() const noexcept;
    [[nodiscard]] inline std::int64_t int64() const noexcept;
    [[nodiscard]] inline double real() const noexcept;
    [[nodiscard]] inline std::string_view text() const noexcept;
    [[nodiscard]] inline std::span<const std::byte> blob() const;

private:
    const statement* st_;
    int column_;
    std::string_view raw_;  ///< statement::raw(column_)
};

class statement {
public:
    /// Prepares `sql` on the server under `name`; one that matches a key array is prepared unnamed,
    /// only to read its result's types, and sent with its parameters at each run. `changes`
    /// receives the rows each run changed; `observer`, when given, points at the connection's
    /// observer (which may be empty); `schema_changes` counts the statements of the connection the
    /// server refused as stale. A `temporary` statement (one nested use) is deallocated on the
    /// server when it goes; the others live as long as the session.
    statement(PGconn* conn, std::string sql, std::string name, statistics& stats, int& changes,
              std::uint64_t& schema_changes, const statement_observer* observer, bool temporary)
        : conn_(conn), sql_(std::move(sql)), name_(std::move(name)), numbered_(numbered_placeholders(sql_)),
          planned_per_run_(sql_.find(key_array_match) != std::string::npos), run_(stats, observer),
          changes_(&changes), schema_changes_(&schema_changes), prepared_at_(schema_changes), temporary_(temporary) {
        prepare();
    }
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    ~statement() {
        // Not in a failed transaction, which refuses every command until its rollback.
        if (temporary_ && !planned_per_run_ && PQtransactionStatus(conn_) != PQTRANS_INERROR)
            PQclear(PQexec(conn_, ("DEALLOCATE \"" + name_ + "\"").c_str()));
    }

    void bind_null(int index) { slot(index).is_null = true; }
    void bind_int64(int index, std::int64_t v) { set_number(index, v); }
    void bind_double(int index, double v) { set_number(index, v); }
    /// PostgreSQL receives bound text when the statement runs, so `lifetime` changes nothing.
    void bind_text(int index, std::string_view v, sqlite::bind_lifetime = sqlite::bind_lifetime::copied) {
        parameter& p = slot(index);
        p.text.assign(v);
        p.is_null = false;
        p.binary = false;
    }
    void bind_blob(int index, std::span<const std::byte> v, sqlite::bind_lifetime = sqlite::bind_lifetime::copied) {
        parameter& p = slot(index);
        p.text.assign(reinterpret_cast<const char*>(v.data()), v.size());
        p.is_null = false;
        p.binary = true;
    }
    void bind_value(int index, const sqlite::value& v) { sqlite::bind_owned(*this, index, v); }

    /// Runs the statement at the first call, then walks its rows: true when a row is ready, false
    /// when done. Throws sql_error.
    bool step() {
        if (!run_.running()) run();
        return ++row_ < rows_;
    }

    /// How many rows the run returned: the whole result is on the client once step() ran.
    [[nodiscard]] std::size_t rows_known() const noexcept { return rows_ > 0 ? static_cast<std::size_t>(rows_) : 0; }

    /// Ready for the next run: drops the rows and clears every binding.
    void reset() noexcept {
        run_.end(sql_);
        result_.reset();
        parameters_.clear();
        row_ = -1;
        rows_ = 0;
    }

    [[nodiscard]] int column_count() const noexcept { return result_ ? PQnfields(result_.get()) : 0; }
    [[nodiscard]] int column_type(int i) const noexcept { return type_of_cell(i, length(i)); }
    [[nodiscard]] std::int64_t column_int64(int i) const noexcept { return int64_of(i, raw(i)); }
    [[nodiscard]] double column_double(int i) const noexcept { return double_of(i, raw(i)); }
    /// The cell as the server writes it in text form; a TIMESTAMPTZ without its "+00" (the session
    /// is in UTC), as relate's time text is. A number or bytea of a binary result is written here,
    /// valid until the next call of column_text.
    [[nodiscard]] std::string_view column_text(int i) const noexcept { return text_of(i, raw(i)); }
    /// bytea's bytes; in a text result they arrive as \x and two hex digits a byte, and stay valid
    /// until the next call of column_blob. Another type gives the bytes of its text.
    [[nodiscard]] std::span<const std::byte> column_blob(int i) const { return blob_of(i, raw(i)); }

    [[nodiscard]] cell column(int i) const noexcept { return {*this, i}; }
    [[nodiscard]] sqlite::value column_value(int i) const { return sqlite::owned(column(i)); }

    [[nodiscard]] const std::string& sql() const noexcept { return sql_; }
    [[nodiscard]] bool in_use() const noexcept { return in_use_; }
    void set_in_use(bool in_use) noexcept { in_use_ = in_use; }

private:
    friend class cell;

    /// The current row's cell `i` as libpq holds it. A cell reads it once, so that its type and
    /// its value take two libpq calls rather than three (each is about 24 instructions).
    [[nodiscard]] std::string_view raw(int i) const noexcept {
        return {PQgetvalue(result_.get(), row_, i), length(i)};
    }
    [[nodiscard]] std::size_t length(int i) const noexcept {
        return static_cast<std::size_t>(PQgetlength(result_.get(), row_, i));
    }
    /// SQLite's storage class of cell `i` of `size` bytes; only an empty cell can be NULL.
    [[nodiscard]] int type_of_cell(int i, std::size_t size) const noexcept {
        if (size == 0 && PQgetisnull(result_.get(), row_, i) != 0) return SQLITE_NULL;
        const int storage = columns_[static_cast<std::size_t>(i)].storage;
        return storage != 0 ? storage : numeric_storage(i);
    }
    [[nodiscard]] std::int64_t int64_of(int i, std::string_view raw) const noexcept {
        if (binary_) {
            const char* bytes = raw.data();
            switch (type_of(i)) {
                case oid::boolean: return bytes[0] != 0 ? 1 : 0;
                case oid::int2: return static_cast<std::int16_t>(big_endian<std::uint16_t>(bytes));
                case oid::int4: return static_cast<std::int32_t>(big_endian<std::uint32_t>(bytes));
                case oid::int8: return static_cast<std::int64_t>(big_endian<std::uint64_t>(bytes));
                case oid::float4:
                case oid::float8: return saturated(double_of(i, raw));
                default: break;  // text and bytea: read as text, below
            }
        }
        const std::string_view text = text_of(i, raw);
        if (type_of(i) == oid::boolean) return text == "t" ? 1 : 0;
        std::int64_t out = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
        if (ec == std::errc{} && end == text.data() + text.size()) return out;
        return saturated(double_of(i, raw));  // not an integer (a numeric with a fraction)
    }
    [[nodiscard]] double double_of(int i, std::string_view raw) const noexcept {
        if (binary_) {
            const char* bytes = raw.data();
            switch (type_of(i)) {
                case oid::boolean:
                case oid::int2:
                case oid::int4:
                case oid::int8: return static_cast<double>(int64_of(i, raw));
                case oid::float4: return std::bit_cast<float>(big_endian<std::uint32_t>(bytes));
                case oid::float8: return std::bit_cast<double>(big_endian<std::uint64_t>(bytes));
                default: break;  // text and bytea: read as text, below
            }
        }
        const std::string_view text = text_of(i, raw);
        if (type_of(i) == oid::boolean) return text == "t" ? 1.0 : 0.0;
        double out = 0;
        std::from_chars(text.data(), text.data() + text.size(), out);
        return out;
    }
    [[nodiscard]] std::string_view text_of(int i, std::string_view raw) const noexcept {
        const Oid type = type_of(i);
        // Text arrives as the same bytes in both forms; in a binary result, nothing else is text.
        if (!binary_ || columns_[static_cast<std::size_t>(i)].storage == SQLITE_TEXT)
            return type == oid::timestamptz && raw.ends_with("+00") ? raw.substr(0, raw.size() - 3) : raw;
        switch (type) {
            case oid::boolean: return raw[0] != 0 ? "t" : "f";
            case oid::int2:
            case oid::int4:
            case oid::int8: return written(int64_of(i, raw));
            case oid::float4:
            case oid::float8: {
                const double v = double_of(i, raw);
                if (v != v) return "NaN";
                if (v == std::numeric_limits<double>::infinity()) return "Infinity";
                if (v == -std::numeric_limits<double>::infinity()) return "-Infinity";
                return type == oid::float4 ? written(static_cast<float>(v)) : written(v);
            }
            case oid::bytea: {
                text_.assign("\\x");
                for (const char c : raw) {
                    text_ += "0123456789abcdef"[static_cast<unsigned char>(c) >> 4];
                    text_ += "0123456789abcdef"[static_cast<unsigned char>(c) & 15];
                }
                return text_;
            }
            default: return raw;
        }
    }
    [[nodiscard]] std::span<const std::byte> blob_of(int i, std::string_view raw) const {
        if (type_of(i) != oid::bytea) {
            const std::string_view text = text_of(i, raw);
            return std::as_bytes(std::span(text.data(), text.size()));
        }
        if (binary_) return std::as_bytes(std::span(raw.data(), raw.size()));
        blob_.clear();  // a text result's bytea: \x, then two hex digits a byte
        const auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
        for (std::size_t k = 2; k + 1 < raw.size(); k += 2)
            blob_.push_back(static_cast<std::byte>(nibble(raw[k]) * 16 + nibble(raw[k + 1])));
        return blob_;
    }

    struct parameter {
        std::string text;
        bool is_null = true;
        bool binary = false;
    };

    parameter& slot(int index) {
        if (parameters_.size() < static_cast<std::size_t>(index)) parameters_.resize(static_cast<std::size_t>(index));
        return parameters_[static_cast<std::size_t>(index) - 1];
    }

    template <class N>
    void set_number(int index, N v) {
        char buffer[32];
        const auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
        parameter& p = slot(index);
        p.text.assign(buffer, end);
        if constexpr (std::is_floating_point_v<N>) {
            if (p.text == "inf") p.text = "Infinity";
            if (p.text == "-inf") p.text = "-Infinity";
        }
        p.is_null = false;
        p.binary = false;
    }

    void run() {
        run_.start();
        const std::size_t n = parameters_.size();
        values_.resize(n);
        lengths_.resize(n);
        formats_.resize(n);
        for (std::size_t k = 0; k < n; ++k) {
            const parameter& p = parameters_[k];
            values_[k] = p.is_null ? nullptr : p.text.c_str();
            lengths_[k] = static_cast<int>(p.text.size());
            formats_[k] = p.binary ? 1 : 0;
        }
        if (prepared_at_ != *schema_changes_) prepare_again();
        result_.reset(execute(n));
        if (plan_is_stale()) {
            // The schema changed: every statement of the connection is prepared again before its
            // next run. Outside a transaction nothing was lost, and this one runs again at once;
            // inside one, which the error ended, the caller sees the error.
            ++*schema_changes_;
            if (PQtransactionStatus(conn_) == PQTRANS_IDLE) {
                prepare_again();
                result_.reset(execute(n));
            }
        }
        check_result();
        if (planned_per_run_ && binary_ && !every_column_binary()) {
            // A column's type changed to one relate reads as text since the statement was
            // described. Only a statement planned at each run gets here (the server refuses a
            // prepared one as stale), and those that return rows are reads: it runs again.
            binary_ = false;
            result_.reset(execute(n));
            check_result();
        }
        const char* changed = PQcmdTuples(result_.get());
        *changes_ = changed[0] == '\0' ? 0 : std::atoi(changed);
    }

    /// Throws sql_error for a failed run; otherwise reads how many rows it gave and their types.
    void check_result() {
        const ExecStatusType status = PQresultStatus(result_.get());
        if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
            const owned_result failed = std::move(result_);
            throw_error(conn_, failed.get(), sql_);
        }
        rows_ = PQntuples(result_.get());
        read_types(result_.get());  // read once: every cell's reading asks its column's type
    }

    /// The column types of a result, or of a prepared statement's description.
    void read_types(const PGresult* result) {
        columns_.resize(static_cast<std::size_t>(PQnfields(result)));
        for (std::size_t i = 0; i < columns_.size(); ++i) {
            const Oid type = PQftype(result, static_cast<int>(i));
            columns_[i] = {type, storage_class(type)};
        }
    }
    [[nodiscard]] bool every_column_binary() const {
        return std::all_of(columns_.begin(), columns_.end(), [](const column_kind& c) { return reads_binary(c.type); });
    }

    /// sum() of integers is numeric: a whole value int64 holds reads as an integer.
    [[nodiscard]] int numeric_storage(int i) const noexcept {
        const std::string_view text = column_text(i);
        std::int64_t whole = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), whole);
        return ec == std::errc{} && end == text.data() + text.size() ? SQLITE_INTEGER : SQLITE_FLOAT;
    }

    /// Prepares the statement under its name (the unnamed statement when it is planned at each run)
    /// and reads its result's column types: binary results when relate reads every one that way.
    void prepare() {
        const char* name = planned_per_run_ ? "" : name_.c_str();
        const owned_result prepared(PQprepare(conn_, name, numbered_.c_str(), 0, nullptr));
        if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) throw_error(conn_, prepared.get(), sql_);
        const owned_result described(PQdescribePrepared(conn_, name));
        if (PQresultStatus(described.get()) != PGRES_COMMAND_OK) throw_error(conn_, described.get(), sql_);
        read_types(described.get());
        binary_ = !columns_.empty() && every_column_binary();
    }

    void prepare_again() {
        if (!planned_per_run_) PQclear(PQexec(conn_, ("DEALLOCATE \"" + name_ + "\"").c_str()));
        prepare();
        prepared_at_ = *schema_changes_;
    }

    PGresult* execute(std::size_t n) {
        const int format = binary_ ? 1 : 0;
        return planned_per_run_
                   ? PQexecParams(conn_, numbered_.c_str(), static_cast<int>(n), nullptr, values_.data(),
                                  lengths_.data(), formats_.data(), format)
                   : PQexecPrepared(conn_, name_.c_str(), static_cast<int>(n), values_.data(), lengths_.data(),
                                    formats_.data(), format);
    }

    [[nodiscard]] Oid type_of(int i) const noexcept { return columns_[static_cast<std::size_t>(i)].type; }

    /// SQLite's conversion of a real to an integer: truncated, saturating.
    static std::int64_t saturated(double real) noexcept {
        if (!(real > -9223372036854775808.0)) return std::numeric_limits<std::int64_t>::min();
        if (real >= 9223372036854775808.0) return std::numeric_limits<std::int64_t>::max();
        return static_cast<std::int64_t>(real);
    }

    /// A number of a binary result as the server writes it in text form.
    template <class N>
    std::string_view written(N v) const noexcept {
        char buffer[32];
        text_.assign(buffer, std::to_chars(buffer, buffer + sizeof buffer, v).ptr);
        return text_;
    }

    /// Whether the server refused to run the prepared statement as stale (a migration or another
    /// session altered a column's type since it was prepared).
    [[nodiscard]] bool plan_is_stale() const noexcept {
        if (planned_per_run_ || PQresultStatus(result_.get()) != PGRES_FATAL_ERROR) return false;
        const char* state = PQresultErrorField(result_.get(), PG_DIAG_SQLSTATE);
        return state != nullptr && std::string_view(state) == stale_statement_state;
    }

    PGconn* conn_;
    std::string sql_;
    std::string name_;
    std::string numbered_;   ///< sql_ with $1, $2 ...: what the server prepares, or runs each time
    bool planned_per_run_;  ///< sent with its parameters at each run rather than run by name
    sqlite::statement_run run_;
    int* changes_;
    std::uint64_t* schema_changes_;
    std::uint64_t prepared_at_;  ///< *schema_changes_ when the statement was prepared
    owned_result result_;
    int row_ = -1;
    int rows_ = 0;
    struct column_kind {
        Oid type;
        int storage;  ///< storage_class(type)
    };
    std::vector<column_kind> columns_;  ///< each result column's type and storage class
    bool binary_ = false;     ///< whether results arrive in binary form (prepare())
    std::vector<parameter> parameters_;
    std::vector<const char*> values_;
    std::vector<int> lengths_;
    std::vector<int> formats_;
    mutable std::vector<std::byte> blob_;
    mutable std::string text_;  ///< column_text of a number or bytea of a binary result
    bool temporary_;
    bool in_use_ = false;
};

cell::cell(const statement& st, int column) noexcept : st_(&st), column_(column), raw_(st.raw(column)) {}
int cell::type() const noexcept { return st_->type_of_cell(column_, raw_.size()); }
std::int64_t cell::int64() const noexcept { return st_->int64_of(column_, raw_); }
double cell::real() const noexcept { return st_->double_of(column_, raw_); }
std::string_view cell::text() const noexcept { return st_->text_of(column_, raw_); }
std::span<const std::byte> cell::blob() const { return st_->blob_of(column_, raw_); }

}  // namespace relate::postgres
