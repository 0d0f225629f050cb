#pragma once
// RAII transaction on PostgreSQL: BEGIN (or a SAVEPOINT when one is already open); the destructor
// rolls back unless commit() ran, and never throws. Both modes begin the same way: PostgreSQL
// locks rows as they are written, not the database.

#include <relate/detail/core/scoped_transaction.hpp>
#include <relate/postgres/connection.hpp>

namespace relate::postgres {

enum class transaction_mode { deferred, immediate };

class transaction {
public:
    explicit transaction(connection& conn, transaction_mode = transaction_mode::deferred) : conn_(conn), tx_(conn, "BEGIN") {}

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
