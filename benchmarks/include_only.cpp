// A file that only includes relate: what every file that uses the database pays before it writes
// a line. bench.compile_time measures it at -O0 -g, as a ratio to Catch2 v2's main.

#include <relate/relate.hpp>
