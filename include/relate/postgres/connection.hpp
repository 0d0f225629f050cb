#pragma once
// A libpq connection with a statement cache keyed by SQL text, with the members of
// sqlite::connection that the engine uses: the same SQL is prepared on the server once per
// session and reused.

#include <relate/detail/core/chrono.hpp>
#include <relate/detail/core/connection_use.hpp>
#include <relate/detail/core/statement_cache.hpp>
#include <relate/postgres/error.hpp>
#include <relate/postgres/statement.hpp>

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace relate::postgres {

using detail::connection_use;
using statement_lease = detail::statement_lease<statement>;

class connection : public detail::thread_owner {
public:
    /// Connects with a libpq connection string ("host=/tmp port=5432 dbname=app") or URI
    /// ("postgresql://user@host/app"). `lock_timeout` is how long a statement waits for another
    /// session's lock before failing (SQLSTATE 55P03, SQLITE_BUSY in sql_error::code()).
    connection(const std::string& conninfo, std::chrono::milliseconds lock_timeout)
        : conn_(PQconnectdb(conninfo.c_str())), lock_timeout_(lock_timeout) {
        if (PQstatus(conn_) != CONNECTION_OK) {
            PGconn* failed = std::exchange(conn_, nullptr);
            std::string why = PQerrorMessage(failed);
            PQfinish(failed);
            while (!why.empty() && why.back() == '\n') why.pop_back();
            throw sql_error(detail::format("relate: cannot connect to PostgreSQL: {}", why), SQLITE_CANTOPEN,
                            SQLITE_CANTOPEN, "", "08001");
        }
        PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);  // NOTICEs are not errors
    }
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    ~connection() {
        cache_.clear();
        PQfinish(conn_);
    }

    /// Runs SQL that is not a data statement (settings, DDL, several statements): not counted.
    void execute(const std::string& sql) { run_uncounted(sql); }
    /// Runs one transaction-control statement (BEGIN, COMMIT, SAVEPOINT ...): not counted.
    void control(std::string_view sql) { run_uncounted(std::string(sql)); }

    /// The cached statement for this SQL text, prepared on first use.
    statement_lease prepare(std::string_view sql) {
        connection_use use(*this);
        return cache_.lease(std::move(use), cache_.find(sql, make_statement{this, false}), make_statement{this, true});
    }
    /// The same for SQL text that lives as long as the program, found by its address.
    statement_lease prepare_static(const std::string& sql) {
        connection_use use(*this);
        return cache_.lease(std::move(use), cache_.find_static(sql, make_statement{this, false}), make_statement{this, true});
    }

    /// Calls `observer` with the SQL text and run time of every data statement relate runs.
    void on_statement(statement_observer observer) { observer_ = std::move(observer); }

    [[nodiscard]] std::chrono::milliseconds busy_timeout() const noexcept { return lock_timeout_; }
    [[nodiscard]] statistics& stats() noexcept { return stats_; }
    [[nodiscard]] const statistics& stats() const noexcept { return stats_; }
    [[nodiscard]] PGconn* handle() const noexcept { return conn_; }
    [[nodiscard]] bool in_transaction() const noexcept {
        const PGTransactionStatusType status = PQtransactionStatus(conn_);
        return status != PQTRANS_IDLE && status != PQTRANS_UNKNOWN;
    }
    /// Whether the connection to the server was lost, reading without waiting what the server
    /// sent meanwhile (a server that ends a session says so first): relate::pool replaces it.
    [[nodiscard]] bool broken() noexcept {
        // The first read takes the server's goodbye, the second meets the closed socket.
        if (PQstatus(conn_) == CONNECTION_OK && !in_transaction() && PQconsumeInput(conn_) != 0) PQconsumeInput(conn_);
        return PQstatus(conn_) != CONNECTION_OK;
    }
    /// The rows the last data statement changed.
    [[nodiscard]] int changes() const noexcept { return changes_; }
    /// Keys go in lists of bound values; the protocol allows 65,535 a statement.
    [[nodiscard]] int variable_limit() const noexcept { return 32767; }
    [[nodiscard]] std::size_t cached_statements() const noexcept { return cache_.size(); }

private:
    void run_uncounted(const std::string& sql) {
        const connection_use use(*this);
        const owned_result r(PQexec(conn_, sql.c_str()));
        const ExecStatusType status = PQresultStatus(r.get());
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw_error(conn_, r.get(), sql);
    }

    /// What prepares a statement on the server, under a name of its own; a temporary one (for a
    /// nested use of a cached one) is deallocated when it goes.
    struct make_statement {
        connection* self;
        bool temporary;
        std::unique_ptr<statement> operator()(std::string sql) const {
            return std::make_unique<statement>(self->conn_, std::move(sql), "relate_" + std::to_string(++self->named_),
                                               self->stats_, self->changes_, self->schema_changes_, &self->observer_,
                                               temporary);
        }
    };

    PGconn* conn_;
    std::chrono::milliseconds lock_timeout_;
    statistics stats_;
    statement_observer observer_;
    int changes_ = 0;
    std::uint64_t schema_changes_ = 0;  ///< statements the server refused as stale (statement.hpp)
    std::uint64_t named_ = 0;
    detail::statement_cache<statement> cache_;
};

}  // namespace relate::postgres
