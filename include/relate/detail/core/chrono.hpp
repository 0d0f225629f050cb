#pragma once
// The clocks, durations and time points relate uses (sys_time, steady_clock, milliseconds). In
// C++20 libstdc++'s <chrono> adds calendars, time zones and their iostream output, 3% of the
// compile time of a file that includes <relate/relate.hpp>; <bits/chrono.h> is the part relate
// needs. Other standard libraries get <chrono>. Include <chrono> yourself for the rest.

#if __has_include(<bits/chrono.h>)
#include <bits/chrono.h>
#else
#include <chrono>
#endif
