#pragma once
// The transaction every backend opens the same way: BEGIN (or a SAVEPOINT when one is already
// open); the destructor rolls back unless commit() ran, and never throws. The SQL is what both
// SQLite and PostgreSQL take; the backend chooses only the BEGIN.

#include <relate/detail/core/connection_use.hpp>

#include <string_view>

namespace relate::detail {

template <class Connection>
class scoped_transaction {
public:
    scoped_transaction(Connection& conn, std::string_view begin)
        : use_(conn), conn_(conn), nested_(conn.in_transaction()) {
        // One savepoint name serves every level: both engines resolve it to the innermost.
        conn_.control(nested_ ? "SAVEPOINT relate" : begin);
    }
    scoped_transaction(const scoped_transaction&) = delete;
    scoped_transaction& operator=(const scoped_transaction&) = delete;

    ~scoped_transaction() {
        if (done_) return;
        try {
            if (nested_) {
                conn_.control("ROLLBACK TO relate");
                conn_.control("RELEASE relate");
            } else {
                conn_.control("ROLLBACK");
            }
        } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw; closing rolls back
        }
    }

    void commit() {
        conn_.control(nested_ ? "RELEASE relate" : "COMMIT");
        done_ = true;
    }

    [[nodiscard]] bool nested() const noexcept { return nested_; }

private:
    connection_use use_;  ///< the whole transaction belongs to this thread
    Connection& conn_;
    bool nested_;
    bool done_ = false;
};

}  // namespace relate::detail
