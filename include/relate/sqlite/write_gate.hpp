#pragma once
// The hook through which writers on connections that share a gate take turns: a connection may
// point at a write_gate (relate::pool gives its connections one), and a transaction that takes
// SQLite's write lock (BEGIN IMMEDIATE) holds a turn at the gate from before BEGIN until COMMIT or
// ROLLBACK. A connection without a gate pays one null test per write transaction.

#include <utility>

namespace relate::sqlite {

/// Lets one writer at a time through, in an order of its choosing (relate::pool's is FIFO).
class write_gate {
public:
    /// Waits for this writer's turn; throws when it does not come in time.
    virtual void enter() = 0;
    virtual void leave() noexcept = 0;

protected:
    ~write_gate() = default;  // not deleted through this interface
};

/// A turn at a gate, given back by end() or the destructor; no gate, no turn.
class write_turn {
public:
    explicit write_turn(write_gate* gate) : gate_(gate) {
        if (gate_ != nullptr) gate_->enter();
    }
    write_turn(const write_turn&) = delete;
    write_turn& operator=(const write_turn&) = delete;
    ~write_turn() { end(); }

    void end() noexcept {
        if (gate_ != nullptr) std::exchange(gate_, nullptr)->leave();
    }

private:
    write_gate* gate_;
};

}  // namespace relate::sqlite
