#pragma once
// The statements a migration runs to change the schema, each written down as it runs when
// db.pretend_migrate asks for them. Reads of the schema (catalog queries, PRAGMAs) and the checks
// a change makes go to the connection directly: they are not part of the change.

#include <relate/detail/sql/identifier.hpp>
#include <relate/detail/sql/sql_tokens.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace relate::detail {

template <class Connection>
class ddl_runner {
public:
    /// `log`, when given, receives every statement run, in order. A backend that cuts long names
    /// short gives `longest_name`: a statement quoting a longer one is refused before it runs,
    /// whoever wrote the name (the migration, or relate's own <table>_<column>_index).
    explicit ddl_runner(Connection& conn, std::vector<std::string>* log = nullptr, std::size_t longest_name = 0)
        : conn_(conn), log_(log), longest_name_(longest_name) {}

    void run(const std::string& sql) {
        if (longest_name_ != 0)
            for (const sql_token& token : sql_tokens(sql))
                if (token.type == sql_token::kind::name) check_name_length(token.text, "the", longest_name_);
        conn_.execute(sql);
        if (log_ != nullptr) log_->push_back(sql);
    }

    [[nodiscard]] Connection& conn() const noexcept { return conn_; }

private:
    Connection& conn_;
    std::vector<std::string>* log_;
    std::size_t longest_name_;
};

}  // namespace relate::detail
