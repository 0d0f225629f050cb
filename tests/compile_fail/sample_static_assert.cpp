// expect: relate: sample message
// expect-first-error
// Sample proving the compile-fail driver works; delete once real compile-fail tests exist.
static_assert(sizeof(int) == 0, "relate: sample message");
