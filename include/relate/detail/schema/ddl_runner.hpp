#pragma once
// The statements a migration runs to change the schema, each written down as it runs when
// db.pretend_migrate asks for them. Reads of the schema (PRAGMAs, sqlite_schema) and the checks a
// rebuild makes go to the connection directly: they are not part of the change.

#include <relate/sqlite/connection.hpp>

#include <string>
#include <vector>

namespace relate::detail {

class ddl_runner {
public:
    /// `log`, when given, receives every statement run, in order.
    explicit ddl_runner(sqlite::connection& conn, std::vector<std::string>* log = nullptr) : conn_(conn), log_(log) {}

    void run(const std::string& sql) {
        conn_.execute(sql);
        if (log_ != nullptr) log_->push_back(sql);
    }

    [[nodiscard]] sqlite::connection& conn() const noexcept { return conn_; }

private:
    sqlite::connection& conn_;
    std::vector<std::string>* log_;
};

}  // namespace relate::detail
