#pragma once
// relate: a header-only C++20 ORM over SQLite. Include this header; link SQLite. Optional headers:
// <relate/format.hpp> (fmt::print of models, needs fmt), <relate/json.hpp> (needs nlohmann/json)
// and <relate/pool.hpp> (relate::pool, connections shared by threads).

#include <relate/blueprint.hpp>
#include <relate/column_type.hpp>
#include <relate/database.hpp>
#include <relate/eager.hpp>
#include <relate/error.hpp>
#include <relate/exists.hpp>
#include <relate/expr.hpp>
#include <relate/migration.hpp>
#include <relate/migration_status.hpp>
#include <relate/model.hpp>
#include <relate/options.hpp>
#include <relate/polymorphic.hpp>
#include <relate/query.hpp>
#include <relate/related.hpp>
#include <relate/relation.hpp>
#include <relate/remove_plan.hpp>
#include <relate/schema_check.hpp>
#include <relate/schema_difference.hpp>
#include <relate/sqlite/migration_transaction.hpp>
#include <relate/sqlite/schema_editor.hpp>
#include <relate/unit_of_work.hpp>
