#pragma once
// The workloads of issue 5, each as a pair of twins (relate, hand-written) that read the same
// database and return the same checksum. No Google Benchmark here: the checksum test calls them.
//
// W1 (insert through the unit of work) and W6 (cascade remove) join this table with the unit of
// work, as two more entries of the same shape.

#include "dataset.hpp"
#include "hand_workloads.hpp"
#include "relate_workloads.hpp"

#include <relate/relate.hpp>

#include <array>
#include <cstdint>
#include <string_view>

namespace bench {

struct workload {
    std::string_view name;  ///< a benchmark name segment: no spaces, no slashes
    std::uint64_t (*relate_twin)(relate::database&, const dataset_size&);
    std::uint64_t (*hand_twin)(hand_written::reader&, const dataset_size&);
};

inline constexpr std::array workloads{
    workload{"W2_scan", [](relate::database& db, const dataset_size&) { return with_relate::scan(db); },
             [](hand_written::reader& r, const dataset_size&) { return r.scan(); }},
    workload{"W3_point", [](relate::database& db, const dataset_size& size) { return with_relate::point(db, size); },
             [](hand_written::reader& r, const dataset_size& size) { return r.point(size); }},
    workload{"W4_eager", [](relate::database& db, const dataset_size&) { return with_relate::eager(db); },
             [](hand_written::reader& r, const dataset_size&) { return r.eager(); }},
    workload{"W4n_lazy", [](relate::database& db, const dataset_size&) { return with_relate::lazy(db); },
             [](hand_written::reader& r, const dataset_size&) { return r.lazy(); }},
    workload{"W5_many_to_many", [](relate::database& db, const dataset_size&) { return with_relate::many_to_many(db); },
             [](hand_written::reader& r, const dataset_size&) { return r.many_to_many(); }},
};

}  // namespace bench
