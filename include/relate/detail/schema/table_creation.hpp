#pragma once
// schema::create: the statements that make a new table from a blueprint, CREATE TABLE and then its
// indexes. Only SQL text: nothing here reads or writes the database.

#include <relate/blueprint.hpp>
#include <relate/detail/schema/blueprint_sql.hpp>
#include <relate/detail/sql/identifier.hpp>
#include <relate/detail/sql/sql_text.hpp>
#include <relate/detail/schema/table_rebuild.hpp>
#include <relate/error.hpp>

#include <relate/detail/core/text.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace relate::detail {

/// A template on the backend, whose dialect it writes: compiled only by programs that migrate.
template <class B>
class table_creation {
public:
    explicit table_creation(const blueprint& t) : t_(t), table_(t.table()) {}

    std::vector<std::string> statements() {
        for (const auto& operation : t_.operations()) std::visit([this](const auto& op) { this->apply(op); }, operation);
        if (t_.columns().empty()) throw schema_error(detail::format("relate: table {} needs at least one column", table_));
        if (!primary_key_.empty()) {
            if (std::any_of(t_.columns().begin(), t_.columns().end(), [](const auto& c) { return c.spec().primary_key; }))
                throw schema_error(detail::format("relate: table {} has both id() and primary(...)", table_));
            for (const auto& name : primary_key_)
                if (column(name) == nullptr)
                    throw schema_error(detail::format("relate: cannot put {}.{} in the primary key: there is no such "
                                                   "column",
                                                   table_, name));
            definitions_.push_back(detail::format("PRIMARY KEY ({})", quoted_list(primary_key_)));
        }
        definitions_.insert(definitions_.end(), foreign_keys_.begin(), foreign_keys_.end());
        std::vector<std::string> out{
            detail::format("CREATE TABLE {} ({})", sql_identifier(table_), detail::join(definitions_, ", "))};
        out.insert(out.end(), indexes_.begin(), indexes_.end());
        return out;
    }

private:
    void apply(const add_column_op& op) {
        const column_spec& spec = t_.columns()[op.column].spec();
        if (spec.change) refuse();
        definitions_.push_back(column_sql<B>(table_, spec));
        if (auto index = column_index(table_, spec)) indexes_.push_back(index_sql(table_, *index, true));
    }

    void apply(const add_index_op& op) { indexes_.push_back(index_sql(table_, op.index)); }

    void apply(const add_foreign_op& op) {
        const foreign_key_spec& key = t_.foreign_keys()[op.key].spec();
        check_foreign_key(table_, key, [&](const std::string& name) -> std::optional<bool> {
            const column_spec* spec = column(name);
            return spec ? std::optional(spec->nullable) : std::nullopt;
        });
        foreign_keys_.push_back(foreign_key_sql(foreign_key_of(key)) + std::string(B::reference_options));
    }

    void apply(const set_primary_op& op) {
        if (!primary_key_.empty())
            throw schema_error(detail::format("relate: table {} is given primary(...) twice", table_));
        primary_key_ = op.columns;
    }

    /// Drops, renames and change() have nothing to act on in a new table.
    template <class Operation>
    void apply(const Operation&) {
        refuse();
    }

    [[noreturn]] void refuse() const {
        throw schema_error(detail::format("relate: s.create(\"{}\") adds columns, indexes, foreign keys and a primary "
                                       "key only; drop_column, rename_column, drop_index, rename_index, drop_foreign, "
                                       "drop_primary and change() belong in s.table(\"{}\", ...)",
                                       table_, table_));
    }

    /// Columns may follow the key that names them, so all of them are looked at.
    [[nodiscard]] const column_spec* column(std::string_view name) const {
        for (const auto& c : t_.columns())
            if (same_identifier(c.spec().name, name)) return &c.spec();
        return nullptr;
    }

    const blueprint& t_;
    std::string table_;
    std::vector<std::string> definitions_;
    std::vector<std::string> foreign_keys_;
    std::vector<std::string> primary_key_;
    std::vector<std::string> indexes_;
};

}  // namespace relate::detail
