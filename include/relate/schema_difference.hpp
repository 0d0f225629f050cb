#pragma once
// What db.check_schema<Models...>() reports: one schema_difference per way the live database
// differs from what create_tables<Models...>() would make.

#include <string>

namespace relate {

enum class schema_drift {
    missing_table,           ///< a model's table does not exist
    missing_junction_table,  ///< a belongs_to_many's junction table does not exist
    missing_column,          ///< a field has no column
    wrong_type,              ///< the column's type affinity is not the field's (TEXT for a std::string...)
    wrong_nullability,       ///< NOT NULL on a std::optional field, or NULL allowed on one that is not
    wrong_primary_key,       ///< the model's key is not the table's primary key, or another column is
    missing_foreign_key,     ///< a belongs_to's column has no REFERENCES
    wrong_foreign_key,       ///< ... or references another table or column
    wrong_on_delete,         ///< ... or its ON DELETE is not the policy the parent model declares
    missing_index,           ///< a foreign-key column (userId) has no index
    unexpected_required_column,  ///< a column the model lacks is NOT NULL without a default: inserts fail
};

struct schema_difference {
    schema_drift kind;
    std::string table;
    std::string column;       ///< empty for a missing table
    std::string description;  ///< a sentence naming the table, the column, what is there and what is expected
};

}  // namespace relate
