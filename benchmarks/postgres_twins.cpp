// relate_bench_postgres: the workloads of twin.hpp on PostgreSQL, relate::postgres::database
// (relate_twin.hpp's code, through the public API) against the hand-written libpq twin
// (postgres_hand_twin.hpp), both in this binary. Prints per workload each twin's median time and
// the median of the per-round ratios relate / hand-written, and their peak memory.
//
//   relate_bench_postgres [--conninfo=STRING] [--rounds=5] [--users=10000] [--workloads=W1,W2,...]
//                         [--cpu=N] [--server-cpu=N|next]
//
// --conninfo is a libpq key=value connection string; without it, the one line of
// $RELATE_PG_DIR/conninfo (tools/pg_server.sh, the ctest fixture `postgres`). Its user must be
// allowed to create schemas and to CHECKPOINT (a superuser, as the throwaway server's is).
// --cpu: the CPU each twin's process is pinned to (the first this process may use). --server-cpu
// pins the server's processes (the postmaster and its children: every backend started later
// inherits it) to CPU N, or to the allowed CPU after --cpu (`next`); it needs the server on this
// machine and the right to change its processes' affinity. Without it the server runs where it was
// started (`taskset -c 1 bash tools/pg_server.sh start DIR` pins it from the start).
//
// Every run is a child process (this program, `--twin=...`), pinned, on a schema of its own that
// the runner creates before and drops after it: the twin creates its tables (relate:
// db.create_tables; hand-written: its DDL), fills them from the seed schema (but for W1), vacuums
// and analyzes them, switches autovacuum off on them and checkpoints, then times the workload
// alone and prints "ms=... checksum=...". The seed schema is the hand-written twin's W1, made once
// at the start. A round runs every workload's twins back to back, in an order that alternates
// from round to round. Timings never fail the run; a twin that fails, checksums that differ, or a
// hand-written schema that differs from relate's, do (exit status 1).

#include "bench_models.hpp"
#include "postgres_hand_twin.hpp"
#include "relate_twin.hpp"
#include "runner.hpp"
#include "twin.hpp"

#include <relate/postgres.hpp>

#include <libpq-fe.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

namespace fs = std::filesystem;
using bench::workload;
using bench::hand_postgres::connection;

constexpr const char* tables[] = {"users", "profiles", "posts", "tags", "post_tags"};

/// A connection string whose search_path is `schema`.
std::string in_schema(const std::string& conninfo, const std::string& schema) {
    return conninfo + " options='-csearch_path=" + schema + "'";
}

// --- a twin's run (a child process) ------------------------------------------------------------

struct twin_args {
    std::string twin;  ///< "hand" or "relate"
    workload job = workload::W1;
    std::string conninfo;  ///< the server's, without a schema
    std::string schema;    ///< the run's, empty, made by the runner
    std::string seed;      ///< the seed schema (W2-W6)
    bench::data_size size;
};

/// What both twins run on their fresh schema, after creating their tables and before the timer:
/// the seed rows (but for W1; the seed's keys are known to hold, so their checks are skipped),
/// statistics and visibility as a settled database has them, no autovacuum to start in the middle
/// of a run, and a checkpoint so that none falls in it.
std::vector<std::string> setup_statements(const twin_args& a) {
    const std::map<std::string_view, std::string_view> columns{{"users", "id, name, email"},
                                                               {"profiles", "id, \"userId\", bio"},
                                                               {"posts", "id, \"userId\", title, body"},
                                                               {"tags", "id, name"},
                                                               {"post_tags", "\"postId\", \"tagId\""}};
    std::vector<std::string> out{"SET session_replication_role = replica"};  // no foreign-key triggers
    std::string all;
    for (const std::string_view table : tables) {
        const std::string t(table), c(columns.at(table));
        if (a.job != workload::W1)
            out.push_back("INSERT INTO " + t + " (" + c + ") SELECT " + c + " FROM " + a.seed + "." + t);
        out.push_back("ALTER TABLE " + t + " SET (autovacuum_enabled = off)");
        all += (all.empty() ? "" : ", ") + t;
    }
    out.emplace_back("RESET session_replication_role");
    out.push_back("VACUUM (ANALYZE) " + all);
    out.emplace_back("CHECKPOINT");
    return out;
}

bench::twin_result run_hand(const twin_args& a) {
    connection db(in_schema(a.conninfo, a.schema));
    for (const std::string& sql : bench::hand_postgres::schema_statements()) db.execute(sql);
    for (const std::string& sql : setup_statements(a)) db.execute(sql);
    return bench::hand_postgres::run_workload(db, a.job, a.size);
}

bench::twin_result run_relate(const twin_args& a) {
    using namespace bench::models;
    relate::postgres::database db{in_schema(a.conninfo, a.schema)};
    db.create_tables<User, Profile, Post, Tag>();
    for (const std::string& sql : setup_statements(a)) db.connection().execute(sql);
    return bench::with_relate::run_workload(db, a.job, a.size,
                                            [&] { return bench::postgres_state_checksum(db.connection().handle()); });
}

int twin_main(int argc, char** argv) {
    twin_args a;
    for (int i = 1; i < argc; ++i) {
        const auto [name, value] = bench::flag(argv[i]);
        if (name == "--twin")
            a.twin = value;
        else if (name == "--workload")
            a.job = bench::parse_workloads(value).at(0);
        else if (name == "--conninfo")
            a.conninfo = value;
        else if (name == "--schema")
            a.schema = value;
        else if (name == "--seed")
            a.seed = value;
        else if (name == "--users")
            a.size.users = std::stoll(value);
        else
            throw std::invalid_argument("unknown argument of a twin's run: " + std::string(argv[i]));
    }
    if (a.twin != "hand" && a.twin != "relate") throw std::invalid_argument("--twin=hand|relate");
    const bench::twin_result r = a.twin == "hand" ? run_hand(a) : run_relate(a);
    std::printf("ms=%.3f checksum=%llu\n", r.ms, static_cast<unsigned long long>(r.checksum));
    return 0;
}

// --- the runner ----------------------------------------------------------------------------------

struct options {
    std::string conninfo;
    int rounds = 5;
    bench::data_size size;
    std::vector<workload> workloads = bench::parse_workloads("all");
    int cpu = bench::first_allowed_cpu();
    std::string server_cpu;  ///< empty: leave the server alone
};

constexpr const char* usage =
    "usage: relate_bench_postgres [--conninfo=STRING] [--rounds=N] [--users=N] [--workloads=W1,W2,...] [--cpu=N] "
    "[--server-cpu=N|next]";

std::string conninfo_from_environment() {
    const char* dir = std::getenv("RELATE_PG_DIR");
    if (dir == nullptr)
        throw std::invalid_argument(
            "no --conninfo and no RELATE_PG_DIR (tools/pg_server.sh start DIR writes DIR/conninfo)");
    std::ifstream in(fs::path(dir) / "conninfo");
    std::string line;
    if (!std::getline(in, line) || line.empty())
        throw std::runtime_error(std::string("no connection string in ") + dir + "/conninfo");
    return line;
}

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const auto [name, value] = bench::flag(argv[i]);
        if (name == "--conninfo")
            o.conninfo = value;
        else if (name == "--rounds")
            o.rounds = std::stoi(value);
        else if (name == "--users")
            o.size.users = std::stoll(value);
        else if (name == "--workloads")
            o.workloads = bench::parse_workloads(value);
        else if (name == "--cpu")
            o.cpu = std::stoi(value);
        else if (name == "--server-cpu")
            o.server_cpu = value;
        else
            throw std::invalid_argument("unknown argument " + std::string(argv[i]) + "; " + usage);
    }
    if (o.rounds < 1 || o.size.users < 1) throw std::invalid_argument("--rounds and --users must be positive");
    if (o.conninfo.empty()) o.conninfo = conninfo_from_environment();
    return o;
}

/// The parent of a process (/proc/PID/stat), or -1.
pid_t parent_of(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    std::getline(in, stat);
    const std::size_t name_end = stat.rfind(')');  // the name may hold spaces and parentheses
    if (name_end == std::string::npos) return -1;
    std::istringstream fields(stat.substr(name_end + 1));
    char state = 0;
    pid_t parent = -1;
    fields >> state >> parent;
    return fields ? parent : -1;
}

std::string command_of(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    std::getline(in, name);
    return name;
}

/// The CPU --server-cpu names: a number, or `next`, the allowed CPU after the twins'.
int server_cpu_of(const options& o) {
    if (o.server_cpu != "next") return std::stoi(o.server_cpu);
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
        throw std::system_error(errno, std::generic_category(), "sched_getaffinity");
    for (int step = 1; step < CPU_SETSIZE; ++step)
        if (const int cpu = (o.cpu + step) % CPU_SETSIZE; CPU_ISSET(cpu, &allowed)) return cpu;
    throw std::runtime_error("--server-cpu=next: this process may use no CPU but " + std::to_string(o.cpu));
}

/// Pins the server's processes to `cpu`: the postmaster (the parent of this connection's backend)
/// and every process it started. Backends it starts later inherit the postmaster's affinity.
void pin_server(PGconn* conn, int cpu) {
    const pid_t backend = PQbackendPID(conn);
    const pid_t postmaster = parent_of(backend);
    if (command_of(backend) != "postgres" || postmaster <= 0 || command_of(postmaster) != "postgres")
        throw std::runtime_error("--server-cpu: the server's processes are not on this machine (backend " +
                                 std::to_string(backend) + ")");
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    for (const fs::directory_entry& entry : fs::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        const auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
        if (name.empty() || !std::all_of(name.begin(), name.end(), digit)) continue;
        const pid_t pid = std::stoi(name);
        if (pid != postmaster && parent_of(pid) != postmaster) continue;
        if (sched_setaffinity(pid, sizeof set, &set) != 0 && errno != ESRCH)  // ESRCH: it has just ended
            throw std::system_error(errno, std::generic_category(), "--server-cpu: sched_setaffinity of process " + name);
    }
}

/// Drops the schemas it made when it goes, whatever happened.
class schemas {
public:
    explicit schemas(connection& admin) : admin_(admin), prefix_("relate_bench_" + std::to_string(::getpid())) {}
    schemas(const schemas&) = delete;
    schemas& operator=(const schemas&) = delete;
    ~schemas() {
        for (const std::string& name : made_)
            PQclear(PQexec(admin_.get(), ("DROP SCHEMA IF EXISTS " + name + " CASCADE").c_str()));
    }

    /// A new, empty schema: relate_bench_<pid>_<suffix> (lower case, unquoted).
    std::string make(std::string suffix) {
        for (char& c : suffix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string name = prefix_ + "_" + suffix;
        admin_.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE; CREATE SCHEMA " + name);
        made_.insert(name);
        return name;
    }
    void drop(const std::string& name) {
        admin_.execute("DROP SCHEMA " + name + " CASCADE");
        made_.erase(name);
    }

private:
    connection& admin_;
    std::string prefix_;
    std::set<std::string> made_;
};

/// The tables, columns, constraints and indexes of a schema, one per line, without its name.
std::string describe_schema(connection& admin, const std::string& schema) {
    const std::string sql =
        "SELECT string_agg(replace(line, $1 || '.', ''), E'\\n' ORDER BY line) FROM ("
        " SELECT format('column %s.%s %s%s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),"
        "  CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END, a.attidentity) AS line"
        " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
        " WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped"
        " UNION ALL SELECT format('constraint %s %s', c.relname, pg_get_constraintdef(k.oid))"
        " FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE k.connamespace = $1::regnamespace"
        " UNION ALL SELECT pg_get_indexdef(i.indexrelid)"
        " FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relnamespace = $1::regnamespace) lines";
    return admin.run(sql.c_str(), {bench::hand_postgres::text(schema)}).text(0, 0);
}

/// The hand-written twin's tables must be relate's, foreign keys and indexes included.
bool same_schema(const options& o, connection& admin, schemas& made) {
    const std::string hand = made.make("ddl_hand");
    const std::string with_relate = made.make("ddl_relate");
    {
        connection db(in_schema(o.conninfo, hand));
        for (const std::string& sql : bench::hand_postgres::schema_statements()) db.execute(sql);
        using namespace bench::models;
        relate::postgres::database rdb{in_schema(o.conninfo, with_relate)};
        rdb.create_tables<User, Profile, Post, Tag>();
    }
    const std::string hand_tables = describe_schema(admin, hand), relate_tables = describe_schema(admin, with_relate);
    made.drop(hand);
    made.drop(with_relate);
    if (hand_tables == relate_tables) return true;
    std::printf("the hand-written schema DIFFERS from relate's:\n--- hand-written\n%s\n--- relate\n%s\n",
                hand_tables.c_str(), relate_tables.c_str());
    return false;
}

struct sample {
    double ms = 0;
    std::uint64_t checksum = 0;
    double peak_mb = 0;
};

/// Runs one twin in a child process pinned to o.cpu; its sample, or nullopt after saying why it failed.
std::optional<sample> run_twin(const options& o, std::string_view twin, workload w, const std::string& schema,
                               const std::string& seed) {
    const std::vector<std::string> command{fs::read_symlink("/proc/self/exe").string(),
                                           "--twin=" + std::string(twin),
                                           "--workload=" + std::string(bench::info(w).name),
                                           "--conninfo=" + o.conninfo,
                                           "--schema=" + schema,
                                           "--seed=" + seed,
                                           "--users=" + std::to_string(o.size.users)};
    const bench::child_run run = bench::run_child(command, o.cpu);
    sample s;
    unsigned long long checksum = 0;
    if (!run.succeeded() || std::sscanf(run.output.c_str(), "ms=%lf checksum=%llu", &s.ms, &checksum) != 2) {
        std::fprintf(stderr, "FAILED (%s): %s %s on %s\n%s", run.describe_status().c_str(), std::string(twin).c_str(),
                     std::string(bench::info(w).name).c_str(), schema.c_str(), run.output.c_str());
        return std::nullopt;
    }
    s.checksum = checksum;
    s.peak_mb = run.peak_mb;
    return s;
}

/// A round's pair of samples of one workload.
struct round_pair {
    std::optional<sample> hand, relate;
};

std::string cell(std::optional<double> v, const char* format) {
    if (!v) return "–";
    char text[64];
    std::snprintf(text, sizeof text, format, *v);
    return text;
}

void print_table(const options& o, const std::map<workload, std::vector<round_pair>>& results) {
    std::printf("\n## PostgreSQL: median ms over rounds; relate / hand: median of per-round ratios "
                "(lower is better)\n\n");
    std::printf("| workload | hand ms | relate ms | relate / hand | hand MB | relate MB |\n");
    std::printf("|---|---:|---:|---:|---:|---:|\n");
    for (const workload w : o.workloads) {
        const auto found = results.find(w);
        if (found == results.end()) continue;
        std::vector<double> hand_ms, relate_ms, ratios, hand_mb, relate_mb;
        for (const round_pair& p : found->second) {
            if (p.hand) hand_ms.push_back(p.hand->ms), hand_mb.push_back(p.hand->peak_mb);
            if (p.relate) relate_ms.push_back(p.relate->ms), relate_mb.push_back(p.relate->peak_mb);
            if (p.hand && p.relate && p.hand->ms > 0) ratios.push_back(p.relate->ms / p.hand->ms);
        }
        std::printf("| %s %s | %s | %s | %s | %s | %s |\n", std::string(bench::info(w).name).c_str(),
                    std::string(bench::info(w).what).c_str(), cell(bench::median(hand_ms), "%.1f").c_str(),
                    cell(bench::median(relate_ms), "%.1f").c_str(), cell(bench::median(ratios), "%.2f").c_str(),
                    cell(bench::median(hand_mb), "%.0f").c_str(), cell(bench::median(relate_mb), "%.0f").c_str());
    }
}

/// Every sample of a workload, whatever its twin or round, must carry one checksum.
bool checksums_agree(const std::map<workload, std::vector<round_pair>>& results, const std::optional<sample>& seeded) {
    bool agree = true;
    for (const auto& [w, pairs] : results) {
        std::set<std::uint64_t> sums;
        if (w == workload::W1 && seeded) sums.insert(seeded->checksum);
        for (const round_pair& p : pairs)
            for (const auto& s : {p.hand, p.relate})
                if (s) sums.insert(s->checksum);
        if (sums.size() <= 1) continue;
        agree = false;
        std::printf("checksums of %s DIFFER:", std::string(bench::info(w).name).c_str());
        for (std::size_t round = 0; round < pairs.size(); ++round)
            for (const auto& [twin, s] :
                 {std::pair{"hand", pairs[round].hand}, std::pair{"relate", pairs[round].relate}})
                if (s) std::printf(" %s/round %zu=%llu", twin, round + 1, static_cast<unsigned long long>(s->checksum));
        std::printf("\n");
    }
    if (agree) std::printf("\nchecksums: both twins of each workload agree, in every round\n");
    return agree;
}

int run(const options& o) {
    connection admin(o.conninfo);
    admin.execute("SET client_min_messages = warning");  // no NOTICE for each table a DROP SCHEMA drops
    std::string pinned = "not pinned";
    if (!o.server_cpu.empty()) {
        const int cpu = server_cpu_of(o);
        pin_server(admin.get(), cpu);
        pinned = "pinned to CPU " + std::to_string(cpu);
    }
    const std::string version = admin.execute("SHOW server_version").text(0, 0);
    std::printf("relate_bench_postgres: %d round(s), %lld users (%lld posts, %lld links), twins pinned to CPU %d, "
                "PostgreSQL %s %s\n",
                o.rounds, static_cast<long long>(o.size.users), static_cast<long long>(o.size.posts()),
                static_cast<long long>(o.size.links()), o.cpu, version.c_str(), pinned.c_str());
    const std::time_t started = std::time(nullptr);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&started));
    std::printf("started %s\nload average at the start: %s\n", when, bench::load_average().c_str());
    std::fflush(stdout);

    schemas made(admin);
    if (!same_schema(o, admin, made)) return 1;
    const std::string seed = made.make("seed");
    const std::optional<sample> seeded = run_twin(o, "hand", workload::W1, seed, "");
    if (!seeded) return 1;

    std::map<workload, std::vector<round_pair>> results;
    int failures = 0;
    for (int round = 1; round <= o.rounds; ++round) {
        std::fflush(stdout);
        std::fprintf(stderr, "relate_bench_postgres: round %d of %d\n", round, o.rounds);
        for (const workload w : o.workloads) {
            round_pair& p = results[w].emplace_back();
            const bool hand_first = round % 2 == 1;
            for (const std::string_view twin : {hand_first ? "hand" : "relate", hand_first ? "relate" : "hand"}) {
                const std::string schema =
                    made.make(std::to_string(round) + "_" + std::string(bench::info(w).name) + "_" + std::string(twin));
                std::optional<sample> s = run_twin(o, twin, w, schema, seed);
                made.drop(schema);
                if (!s) ++failures;
                (twin == "hand" ? p.hand : p.relate) = s;
            }
        }
    }
    std::printf("load average at the end: %s\n", bench::load_average().c_str());

    print_table(o, results);
    const bool agree = checksums_agree(results, seeded);
    if (failures > 0) std::printf("%d run(s) FAILED (above)\n", failures);
    return agree && failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        if (argc > 1 && std::string_view(argv[1]).starts_with("--twin=")) return twin_main(argc, argv);
        return run(parse(argc, argv));
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "relate_bench_postgres: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "relate_bench_postgres: %s\n", e.what());
        return 1;
    }
}
