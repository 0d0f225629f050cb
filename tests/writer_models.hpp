#pragma once
// Models for the tests of concurrent writers (contention_test.cpp, pool_test.cpp): writers, the
// units of work each commits (a row whose foreign key is validated), and each unit's entries.

#include <relate/relate.hpp>

#include <cstdint>
#include <string>

namespace writer_models {

struct Unit;
struct Entry;

struct Writer {
    std::int64_t id = 0;
    relate::has_many<Unit> units;
};

struct Unit {
    std::int64_t id = 0;
    std::int64_t writerId = 0;
    std::int64_t seq = 0;  ///< 0, 1, ... in the order the writer committed
    relate::belongs_to<Writer> writer;
    relate::has_many<Entry, relate::cascade> entries;
};

struct Entry {
    std::int64_t id = 0;
    std::int64_t unitId = 0;
    std::string text;
    relate::belongs_to<Unit> unit;
};

}  // namespace writer_models
