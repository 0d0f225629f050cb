#pragma once
// What a backend may store in a SQL type of its own rather than by the value's storage (INTEGER,
// REAL, TEXT, BLOB): schema.hpp says which kind a field is, each backend's column_type() which
// SQL type that makes.

namespace relate::detail {

enum class value_kind {
    plain,
    boolean,
    time,  ///< a std::chrono::sys_time of microseconds or coarser (a TIMESTAMPTZ holds no finer)
};

}  // namespace relate::detail
