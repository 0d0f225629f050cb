#pragma once
// RAII transaction: BEGIN (or a SAVEPOINT when one is already open); the destructor rolls back
// unless commit() ran, and never throws.

#include <relate/sqlite/connection.hpp>


namespace relate::sqlite {

enum class transaction_mode {
    deferred,   ///< a read snapshot that upgrades on the first write
    immediate,  ///< takes the write lock now (BEGIN IMMEDIATE): no SQLITE_BUSY half-way through a commit
};

class transaction {
public:
    explicit transaction(connection& conn, transaction_mode mode = transaction_mode::deferred) : use_(conn), conn_(conn) {
        if (conn_.in_transaction()) {
            // One name serves every level: SQLite resolves a savepoint name to the innermost one.
            nested_ = true;
            conn_.control("SAVEPOINT relate");
        } else {
            conn_.control(mode == transaction_mode::immediate ? "BEGIN IMMEDIATE" : "BEGIN");
        }
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
    }

    void commit() {
        conn_.control(nested_ ? "RELEASE relate" : "COMMIT");
        done_ = true;
    }

private:
    connection_use use_;  ///< the whole transaction belongs to this thread
    connection& conn_;
    bool nested_ = false;
    bool done_ = false;
};

}  // namespace relate::sqlite
