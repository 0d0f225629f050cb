#pragma once
// The workloads of issue 5, each as a pair of twins (relate, hand-written) that do the same job on
// the same database. No Google Benchmark here: the checksum test calls them.
//
// A read workload's checksum is what its twins return. A write workload (W1, W6) has a `prepare`
// that puts the database in the state each run starts from (outside the timed region); its
// checksum is state_checksum of the database after the run.

#include "bench_database.hpp"
#include "dataset.hpp"
#include "hand_workloads.hpp"
#include "hand_writes.hpp"
#include "relate_workloads.hpp"
#include "relate_writes.hpp"
#include "state_checksum.hpp"

#include <relate/relate.hpp>

#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <string_view>

namespace bench {

/// The hand-written twins' statements on one connection, prepared once and reused by every run.
struct hand_statements {
    explicit hand_statements(sqlite3* db) : reads(db), writes(db) {}

    hand_written::reader reads;
    hand_written::writer writes;
};

struct workload {
    std::string_view name;  ///< a benchmark name segment: no spaces, no slashes
    std::uint64_t (*relate_twin)(relate::database&, const dataset_size&);
    std::uint64_t (*hand_twin)(hand_statements&, const dataset_size&);
    void (*prepare)(bench_database&, const dataset_size&) = nullptr;  ///< write workloads only

    [[nodiscard]] bool writes() const noexcept { return prepare != nullptr; }
};

inline constexpr std::array workloads{
    workload{"W1_insert", [](relate::database& db, const dataset_size& size) { return with_relate::insert_all(db, size); },
             [](hand_statements& h, const dataset_size& size) { return h.writes.insert_all(size); },
             [](bench_database& d, const dataset_size&) { d.start_empty(); }},
    workload{"W2_scan", [](relate::database& db, const dataset_size&) { return with_relate::scan(db); },
             [](hand_statements& h, const dataset_size&) { return h.reads.scan(); }},
    workload{"W3_point", [](relate::database& db, const dataset_size& size) { return with_relate::point(db, size); },
             [](hand_statements& h, const dataset_size& size) { return h.reads.point(size); }},
    workload{"W4_eager", [](relate::database& db, const dataset_size&) { return with_relate::eager(db); },
             [](hand_statements& h, const dataset_size&) { return h.reads.eager(); }},
    workload{"W4n_lazy", [](relate::database& db, const dataset_size&) { return with_relate::lazy(db); },
             [](hand_statements& h, const dataset_size&) { return h.reads.lazy(); }},
    workload{"W5_many_to_many", [](relate::database& db, const dataset_size&) { return with_relate::many_to_many(db); },
             [](hand_statements& h, const dataset_size&) { return h.reads.many_to_many(); }},
    workload{"W6_cascade", [](relate::database& db, const dataset_size& size) { return with_relate::remove_users(db, size); },
             [](hand_statements& h, const dataset_size& size) { return h.writes.remove_users(size); },
             [](bench_database& d, const dataset_size& size) { d.start_seeded(size); }},
};

}  // namespace bench
