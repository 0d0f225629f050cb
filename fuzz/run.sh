#!/usr/bin/env bash
# Builds relate's libFuzzer targets with clang++-14 and runs each for a while; exits non-zero on
# the first finding (the input that found it is saved in the build directory).
#
#   bash fuzz/run.sh [seconds per target, default 60] [build directory, default build/fuzz]
#
# Each target starts from its seed corpus (fuzz/corpus/<target>, never written to); the inputs
# it finds go to <build directory>/corpus/<target> and are reused by the next run there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${1:-60}
build=${2:-build/fuzz}

cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DRELATE_FUZZ=ON -DRELATE_BUILD_TESTS=OFF -DRELATE_BUILD_EXAMPLES=OFF -DRELATE_INSTALL=OFF
cmake --build "$build" -j2 --target fuzz_runtime_path fuzz_identifier

for target in runtime_path identifier; do
    corpus="$build/corpus/$target"
    mkdir -p "$corpus"
    options=(-max_total_time="$seconds" -timeout=10 -print_final_stats=1 -artifact_prefix="$build/$target-")
    if [[ -f fuzz/$target.dict ]]; then
        options+=(-dict="fuzz/$target.dict")
    fi
    echo "fuzz: $target for $seconds s"
    "$build/fuzz/fuzz_$target" "${options[@]}" "$corpus" "fuzz/corpus/$target"
done
