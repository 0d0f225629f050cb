// The relate twin's process (twin.hpp gives its command line). bench.compile_time measures this
// file: it holds every workload as a relate user writes it.

#include "relate_twin.hpp"

int main(int argc, char** argv) { return bench::twin_main(argc, argv, bench::with_relate::run); }
