// The hand-written twin's process (twin.hpp gives its command line). It links SQLite, not relate.

#include "hand_twin.hpp"

int main(int argc, char** argv) { return bench::twin_main(argc, argv, bench::hand_written::run); }
