// expect: relate: a message the compiler never prints
// Self-test of cmake/check_compile_fail.cmake (see tests/CMakeLists.txt).
static_assert(sizeof(int) == 0, "relate: some other message");
