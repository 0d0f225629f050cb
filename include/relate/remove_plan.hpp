#pragma once
// What a remove would do, from db.plan_remove(model): rows per table and action, nothing written.
//
//   relate::remove_plan plan = db.plan_remove(ada);
//   plan.rows("posts", relate::remove_action::remove);   // posts that would be deleted with Ada

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace relate {

enum class remove_action {
    remove,    ///< rows deleted (the removed rows themselves and cascades)
    nullify,   ///< rows whose foreign key is set to NULL (relate::set_null)
    unlink,    ///< junction rows of belongs_to_many relations deleted
    block,     ///< rows that block the remove (relate::restrict): a real remove throws relate::restrict_error
};

struct remove_step {
    std::string table;
    remove_action action;
    std::int64_t rows;
    std::string relation;  ///< the relation that leads there ("User::posts"); empty for the removed rows
};

struct remove_plan {
    std::vector<remove_step> steps;

    /// Rows of `table` that the remove would treat with `action`.
    [[nodiscard]] std::int64_t rows(std::string_view table, remove_action action) const {
        std::int64_t n = 0;
        for (const auto& step : steps)
            if (step.table == table && step.action == action) n += step.rows;
        return n;
    }
    /// Whether a restrict policy would refuse the remove.
    [[nodiscard]] bool blocked() const {
        for (const auto& step : steps)
            if (step.action == remove_action::block) return true;
        return false;
    }
};

}  // namespace relate
