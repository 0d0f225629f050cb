#pragma once
// relate on PostgreSQL: the same models and members as relate::database, on a server. Include
// this header and link libpq (pkg-config libpq) as well as SQLite.
//
//   relate::postgres::database db{"postgresql://app@localhost/app"};
//   db.create_tables<User, Post>();

#include <relate/postgres/backend.hpp>
#include <relate/postgres/migration_transaction.hpp>
#include <relate/postgres/schema_editor.hpp>
#include <relate/relate.hpp>

namespace relate::postgres {

/// A database on a PostgreSQL server, named by a libpq connection string or URI.
using database = basic_database<backend>;
/// Writes staged on a postgres::database, committed in one transaction.
using unit_of_work = basic_unit_of_work<backend>;

}  // namespace relate::postgres
