#pragma once
// The error hierarchy: everything relate throws derives from relate::error.
// docs/errors.md is the catalogue, with an example message for each.

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace relate {

/// Base of every exception relate throws. Messages start with "relate: ".
class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The database reported a failure. Carries SQLite's primary and extended result codes, the
/// SQLSTATE, and the SQL text. On PostgreSQL the codes are SQLite's for the same failure where one
/// matches (a unique violation is SQLITE_CONSTRAINT_UNIQUE on both), else SQLITE_ERROR; on SQLite
/// the SQLSTATE is PostgreSQL's for the constraint violations and empty otherwise.
class sql_error : public error {
public:
    sql_error(const std::string& message, int code, int extended_code, std::string sql, std::string sqlstate = {})
        : error(message),
          code_(code),
          extended_code_(extended_code),
          sql_(std::move(sql)),
          sqlstate_(std::move(sqlstate)) {}

    /// The primary result code (SQLITE_CONSTRAINT, SQLITE_BUSY, ...).
    [[nodiscard]] int code() const noexcept { return code_; }
    /// The extended result code (SQLITE_CONSTRAINT_FOREIGNKEY, ...).
    [[nodiscard]] int extended_code() const noexcept { return extended_code_; }
    /// The statement that failed; empty when the failure was not tied to one (opening a file).
    [[nodiscard]] const std::string& sql() const noexcept { return sql_; }
    /// The five-character SQLSTATE ("23505" for a unique violation), or empty.
    [[nodiscard]] const std::string& sqlstate() const noexcept { return sqlstate_; }

private:
    int code_;
    int extended_code_;
    std::string sql_;
    std::string sqlstate_;
};

/// A foreign key names no row, or a value breaks a rule relate checks before writing.
class validation_error : public error {
public:
    using error::error;
};

/// A delete was blocked by a restrict policy: rows still point at the deleted row.
class restrict_error : public error {
public:
    using error::error;
};

/// find_or_throw, update or remove found no row with the given primary key.
class not_found : public error {
public:
    using error::error;
};

/// A relation was read before it was loaded.
class not_loaded : public error {
public:
    using error::error;
};

/// Strict mode: a lazy load on a model that came from a multi-row query (the N+1 pattern).
class lazy_loading_violation : public error {
public:
    using error::error;
};

/// An include tree or a cascade went deeper than the configured limit.
class depth_limit_error : public error {
public:
    using error::error;
};

/// A runtime include path names a member that is not a relation of the model.
class unknown_relation : public error {
public:
    using error::error;
};

/// A stored value does not fit the field it is read into (NULL into a non-optional, out of range).
class type_error : public error {
public:
    using error::error;
};

/// A relate::database was used by a second thread while a first one was using it.
class concurrent_use_error : public error {
public:
    using error::error;
};

/// relate::pool: every connection stayed in use for the whole timeout of pool.acquire(timeout).
class pool_timeout : public error {
public:
    using error::error;
};

/// An identifier or schema change relate refuses (migrations).
class schema_error : public error {
public:
    using error::error;
};

/// The live database does not match the models; differences() lists every one.
class schema_mismatch : public error {
public:
    schema_mismatch(const std::string& message, std::vector<std::string> differences)
        : error(message), differences_(std::move(differences)) {}

    [[nodiscard]] const std::vector<std::string>& differences() const noexcept { return differences_; }

private:
    std::vector<std::string> differences_;
};

}  // namespace relate
