#pragma once
// RAII transaction: BEGIN (or a SAVEPOINT when one is already open); the destructor rolls back
// unless commit() ran, and never throws. A write transaction on a connection with a write gate
// (relate::pool's) waits for its turn at the gate before BEGIN IMMEDIATE.

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
          conn_(conn),
          nested_(conn.in_transaction()),
          turn_(mode == transaction_mode::immediate && !nested_ ? conn.gate() : nullptr) {
        if (nested_)
            conn_.control("SAVEPOINT relate");  // one name serves every level: SQLite resolves it to the innermost
        else
            conn_.control(mode == transaction_mode::immediate ? "BEGIN IMMEDIATE" : "BEGIN");
    }
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;

    ~transaction() {
        if (done_) return;
        try {
            if (nested_) {
                conn_.control("ROLLBACK TO relate");
                conn_.control("RELEASE relate");
            } else {
                conn_.control("ROLLBACK");
            }
        } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw; SQLite rolls back on close
        }
    }  // turn_ goes after the ROLLBACK

    void commit() {
        conn_.control(nested_ ? "RELEASE relate" : "COMMIT");
        done_ = true;
        turn_.end();  // the next writer need not wait for this object to go
    }

private:
    connection_use use_;  ///< the whole transaction belongs to this thread
    connection& conn_;
    bool nested_;
    bool done_ = false;
    write_turn turn_;  ///< taken before BEGIN IMMEDIATE when the connection has a write gate
};

}  // namespace relate::sqlite
