#pragma once
// A load or a unit of work that opens its own transaction runs once more when the server refused
// one of its statements as prepared before a column's type changed (PostgreSQL,
// postgres/statement.hpp): the error ended the transaction, the work wrote nothing, and the
// connection prepares every statement again before its next run. Inside the caller's
// transaction, which the error ended too, the error reaches the caller.

#include <relate/detail/session.hpp>
#include <relate/error.hpp>

namespace relate::detail {

template <class B, class Work>
decltype(auto) run_again_if_stale(session<B>& s, Work&& work) {
    if (!s.conn.in_transaction()) {
        try {
            return work();
        } catch (const sql_error& e) {
            if (!B::refused_as_stale(e)) throw;
        }
    }
    return work();
}

}  // namespace relate::detail
