#pragma once
// RAII transaction: BEGIN (or a SAVEPOINT when one is already open); the destructor rolls back
// unless commit() ran, and never throws. A write transaction on a connection with a write gate
// (relate::pool's) waits for its turn at the gate before BEGIN IMMEDIATE.

#include <relate/detail/core/scoped_transaction.hpp>
#include <relate/sqlite/connection.hpp>
#include <relate/sqlite/write_gate.hpp>

namespace relate::sqlite {

enum class transaction_mode {
    deferred,   ///< a read snapshot that upgrades on the first write
    immediate,  ///< takes the write lock now (BEGIN IMMEDIATE): no SQLITE_BUSY half-way through a commit
};

class transaction {
public:
    explicit transaction(connection& conn, transaction_mode mode = transaction_mode::deferred)
        : use_(conn),
          turn_(mode == transaction_mode::immediate && !conn.in_transaction() ? conn.gate() : nullptr),
          tx_(conn, mode == transaction_mode::immediate ? "BEGIN IMMEDIATE" : "BEGIN") {}

    void commit() {
        tx_.commit();
        turn_.end();  // the next writer need not wait for this object to go
    }

private:
    connection_use use_;  ///< the whole transaction belongs to this thread, gate included
    write_turn turn_;     ///< taken before BEGIN IMMEDIATE when the connection has a write gate; given back after ROLLBACK
    detail::scoped_transaction<connection> tx_;
};

}  // namespace relate::sqlite
