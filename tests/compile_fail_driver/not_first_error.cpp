// expect: relate: the second error
// expect-first-error
// Self-test of cmake/check_compile_fail.cmake (see tests/CMakeLists.txt).
static_assert(sizeof(int) == 0, "relate: the first error");
static_assert(sizeof(int) == 0, "relate: the second error");
