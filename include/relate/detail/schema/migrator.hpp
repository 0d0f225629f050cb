#pragma once
// db.migrate and db.rollback: each migration in its own transaction, recorded in
// relate_migrations. The backend's migration_transaction lets rows point nowhere while the
// migration runs and checks them all before it commits; a migration that fails leaves the
// database as it was and the error names it. db.pretend_migrate runs the pending ones the same way
// in a transaction it always rolls back, writing down their statements; db.migration_status only
// reads relate_migrations.

#include <relate/column_type.hpp>
#include <relate/detail/sql/identifier.hpp>
#include <relate/detail/schema/live_schema.hpp>
#include <relate/detail/session.hpp>
#include <relate/detail/sql/sql_text.hpp>
#include <relate/error.hpp>
#include <relate/migration.hpp>
#include <relate/migration_status.hpp>

#include <relate/detail/core/text.hpp>
#include <relate/detail/core/chrono.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace relate::detail {

// Everything here is a template on the backend: only a program that migrates compiles it. The
// backend brings B::schema_editor (its SQL for relate::schema) and B::migration_transaction.

inline std::string_view without_prefix(std::string_view message) {
    constexpr std::string_view prefix = "relate: ";
    return message.starts_with(prefix) ? message.substr(prefix.size()) : message;
}

template <class B>
class migration_step {
public:
    using connection = typename B::connection;

    /// Runs one step of a migration and `record` in one transaction, foreign keys checked before
    /// COMMIT. On failure: rolled back, and a schema_error starting "relate: <failure>: " with the
    /// cause nested inside it (std::rethrow_if_nested gives the original exception).
    static void run(connection& conn, const std::string& failure, const std::function<void(schema&)>& step,
                    const std::function<void()>& record) {
        try {
            typename B::migration_transaction tx(conn);
            apply(conn, tx, step);
            record();
            tx.commit();
        } catch (const std::exception& e) {
            rethrow_as(failure, e);
        }
    }

    /// The step and the foreign key check, inside the migration transaction `tx`, every statement
    /// the schema runs written to `log` when given.
    static void apply(connection& conn, typename B::migration_transaction& tx, const std::function<void(schema&)>& step,
                      std::vector<std::string>* log = nullptr) {
        typename B::schema_editor editor(conn, log);
        schema s(editor);
        step(s);
        tx.check();
    }

    [[noreturn]] static void rethrow_as(const std::string& failure, const std::exception& cause) {
        std::throw_with_nested(schema_error(detail::format("relate: {}: {}", failure, without_prefix(cause.what()))));
    }
};

template <class B>
void refuse_open_transaction(typename B::connection& conn, std::string_view operation) {
    if (conn.in_transaction())
        throw schema_error(detail::format("relate: db.{} cannot run inside an open transaction: each migration needs a "
                                       "transaction of its own, with foreign keys switched off before it begins",
                                       operation));
}

template <class B>
void check_migration_list(const std::vector<migration>& migrations) {
    std::unordered_set<std::string_view> names;
    for (const auto& m : migrations) {
        if (m.name.empty()) throw schema_error("relate: a migration needs a name");
        if (!names.insert(m.name).second)
            throw schema_error(detail::format("relate: migration '{}' appears twice in the list", printable(m.name)));
    }
}

template <class B>
void create_migrations_table(typename B::connection& conn) {
    conn.execute(detail::format("CREATE TABLE IF NOT EXISTS {} {}", sql_identifier(migrations_table),
                                B::migration_transaction::record_table));
}

/// The list checked, each migration with an up step, for db.migrate and db.pretend_migrate.
template <class B>
void check_migrations_to_apply(typename B::connection& conn, const std::vector<migration>& migrations,
                                      std::string_view operation) {
    refuse_open_transaction<B>(conn, operation);
    check_migration_list<B>(migrations);
    for (const auto& m : migrations)
        if (!m.up) throw schema_error(detail::format("relate: migration '{}' has no up step", printable(m.name)));
}

/// The names relate_migrations lists; none when it does not exist yet.
template <class B>
std::unordered_set<std::string> applied_migrations(typename B::connection& conn) {
    std::unordered_set<std::string> applied;
    if (!table_exists(conn, migrations_table)) return applied;
    for (auto& row : schema_rows(conn, detail::format("SELECT name FROM {}", sql_identifier(migrations_table))))
        applied.insert(std::move(row.front()));
    return applied;
}

/// Applies the migrations relate_migrations does not list, in list order; returns their names.
template <class B>
std::vector<std::string> migrate(session<B>& s, const std::vector<migration>& migrations) {
    check_migrations_to_apply<B>(s.conn, migrations, "migrate");
    const std::unordered_set<std::string> applied = applied_migrations<B>(s.conn);
    std::vector<std::string> ran;
    for (const auto& m : migrations) {
        if (applied.contains(m.name)) continue;
        migration_step<B>::run(s.conn, detail::format("migration '{}' failed and was rolled back", printable(m.name)), m.up, [&] {
            // Created with the first migration, so one that fails leaves no trace at all.
            create_migrations_table<B>(s.conn);
            auto insert = s.conn.prepare(detail::format("INSERT INTO {} (name) VALUES (?)", sql_identifier(migrations_table)));
            insert->bind_text(1, m.name);
            insert->step();
        });
        ran.push_back(m.name);
    }
    return ran;
}

/// What migrate would run: each pending migration's statements, in list order. They all run, one
/// after the other as migrate runs them, in one transaction that is always rolled back, so the
/// database is left exactly as it was and relate_migrations is not created.
template <class B>
std::vector<migration_sql> pretend_migrate(session<B>& s, const std::vector<migration>& migrations) {
    check_migrations_to_apply<B>(s.conn, migrations, "pretend_migrate");
    const std::unordered_set<std::string> applied = applied_migrations<B>(s.conn);
    std::vector<migration_sql> out;
    typename B::migration_transaction never_committed(s.conn);
    for (const auto& m : migrations) {
        if (applied.contains(m.name)) continue;
        migration_sql& entry = out.emplace_back(migration_sql{m.name, {}});
        try {
            migration_step<B>::apply(s.conn, never_committed, m.up, &entry.statements);
        } catch (const std::exception& e) {
            migration_step<B>::rethrow_as(
                detail::format("migration '{}' would fail; pretend_migrate changed nothing", printable(m.name)), e);
        }
    }
    return out;
}

/// Every migration of the list, applied (and when) or pending, then those relate_migrations
/// records that the list does not hold, oldest first. Reads only.
template <class B>
std::vector<migration_state> migration_status(session<B>& s, const std::vector<migration>& migrations) {
    check_migration_list<B>(migrations);
    using applied_time = std::chrono::sys_time<std::chrono::milliseconds>;
    std::vector<std::pair<std::string, applied_time>> records;
    {
        const typename B::transaction snapshot(s.conn);
        if (table_exists(s.conn, migrations_table)) {
            for (auto& row : schema_rows(s.conn, detail::format("SELECT name, applied_at FROM {} ORDER BY id",
                                                                sql_identifier(migrations_table)))) {
                std::string name = std::move(row[0]);
                const std::string at = std::move(row[1]);
                try {
                    records.emplace_back(std::move(name), column_type<applied_time>::from_storage(at));
                } catch (const std::invalid_argument& e) {
                    throw schema_error(detail::format("relate: {}.applied_at of migration '{}' is '{}': {}",
                                                   migrations_table, printable(name), printable(at), e.what()));
                }
            }
        }
    }
    std::vector<migration_state> out;
    const auto record_of = [&](std::string_view name) {
        return std::find_if(records.begin(), records.end(), [&](const auto& r) { return r.first == name; });
    };
    for (const auto& m : migrations) {
        const auto found = record_of(m.name);
        out.push_back(found == records.end() ? migration_state{m.name, false, std::nullopt, true}
                                             : migration_state{m.name, true, found->second, true});
    }
    for (const auto& record : records)
        if (std::none_of(migrations.begin(), migrations.end(), [&](const migration& m) { return m.name == record.first; }))
            out.push_back({record.first, true, record.second, false});
    return out;
}

/// Runs `down` of the last `steps` applied migrations, newest first; returns their names. Every
/// one must be in the list and have a down step, checked before any runs.
template <class B>
std::vector<std::string> rollback(session<B>& s, const std::vector<migration>& migrations, std::size_t steps) {
    refuse_open_transaction<B>(s.conn, "rollback");
    check_migration_list<B>(migrations);
    if (!table_exists(s.conn, migrations_table)) return {};

    std::vector<const migration*> undo;
    {
        const auto newest = schema_rows(
            s.conn, detail::format("SELECT name FROM {} ORDER BY id DESC LIMIT {}", sql_identifier(migrations_table),
                                   std::min<std::size_t>(steps, std::numeric_limits<std::int64_t>::max())));
        for (const auto& row : newest) {
            const std::string& name = row.front();
            const auto found = std::find_if(migrations.begin(), migrations.end(),
                                            [&](const migration& m) { return m.name == name; });
            if (found == migrations.end())
                throw schema_error(detail::format("relate: cannot roll back migration '{}': it is not in the list given "
                                               "to rollback",
                                               printable(name)));
            if (!found->down)
                throw schema_error(detail::format("relate: cannot roll back migration '{}': it has no down step",
                                               printable(name)));
            undo.push_back(&*found);
        }
    }
    std::vector<std::string> ran;
    for (const migration* m : undo) {
        migration_step<B>::run(s.conn, detail::format("rolling back migration '{}' failed; it is still applied", printable(m->name)),
                            m->down, [&] {
                                auto remove = s.conn.prepare(
                                    detail::format("DELETE FROM {} WHERE name = ?", sql_identifier(migrations_table)));
                                remove->bind_text(1, m->name);
                                remove->step();
                            });
        ran.push_back(m->name);
    }
    return ran;
}

}  // namespace relate::detail
