// expect: this file compiles, so the driver must report a failure
// Self-test of cmake/check_compile_fail.cmake (see tests/CMakeLists.txt).
int main() { return 0; }
