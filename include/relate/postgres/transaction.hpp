#pragma once
// RAII transaction on PostgreSQL: BEGIN (or a SAVEPOINT when one is already open); the destructor
// rolls back unless commit() ran, and never throws. A deferred transaction is relate's read
// snapshot (a load's statements, one per edge): REPEATABLE READ, so every statement sees the same
// commits, as in SQLite. An immediate one writes (a unit of work) and stays READ COMMITTED:
// PostgreSQL locks rows as they are written, and concurrent units do not fail on each other.

#include <relate/detail/core/scoped_transaction.hpp>
#include <relate/postgres/connection.hpp>

namespace relate::postgres {

enum class transaction_mode {
    deferred,   ///< a read snapshot (REPEATABLE READ)
    immediate,  ///< a write (READ COMMITTED)
};

class transaction {
public:
    explicit transaction(connection& conn, transaction_mode mode = transaction_mode::deferred)
        : conn_(conn),
          tx_(conn, mode == transaction_mode::deferred ? "BEGIN ISOLATION LEVEL REPEATABLE READ" : "BEGIN") {}

    void commit() {
        if (!tx_.nested() && PQtransactionStatus(conn_.handle()) == PQTRANS_INERROR)
            // COMMIT of a failed transaction is a silent ROLLBACK: say so instead.
            throw sql_error("relate: PostgreSQL error 25P02: cannot commit: a statement of this transaction failed",
                            SQLITE_ERROR, SQLITE_ERROR, "COMMIT", "25P02");
        tx_.commit();
    }

private:
    connection& conn_;
    detail::scoped_transaction<connection> tx_;
};

}  // namespace relate::postgres
