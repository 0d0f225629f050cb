#!/usr/bin/env bash
# Install relate's build dependencies (Debian 12 packages) if missing, then run
# a CMake workflow preset from the repository root.
#
#   bash tools/quickstart.sh example   # build and run examples/quickstart.cpp
#   bash tools/quickstart.sh test      # build everything and run every test (GCC)
#   bash tools/quickstart.sh clang     # the same with clang++-14
#   bash tools/quickstart.sh asan      # clang++-14 with AddressSanitizer + UBSan
#   bash tools/quickstart.sh release   # GCC, Release: build everything, run the tests that run code
#
# Root is needed only for apt-get: as a user, the script runs apt-get through sudo;
# as root (e.g. CI containers, where sudo may not exist) it runs it directly. Run
# under sudo, the build itself runs as the invoking user so build/ is not left
# owned by root.
set -euo pipefail

usage() {
    echo "usage: $0 example|test|clang|asan|release" >&2
    exit 2
}

[[ $# -eq 1 ]] || usage
preset=$1
case $preset in
    example | test | clang | asan | release) ;;
    *) usage ;;
esac

packages=(cmake ninja-build g++ pkg-config libsqlite3-dev libboost1.81-dev libfmt-dev
          catch2 nlohmann-json3-dev libbenchmark-dev postgresql-15 libpq-dev)
if [[ $preset == clang || $preset == asan ]]; then
    packages+=(clang-14 libclang-rt-14-dev)
fi

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$package")
    fi
done

if [[ ${#missing[@]} -gt 0 ]]; then
    echo "quickstart: installing missing packages: ${missing[*]}"
    as_root=()
    if [[ $(id -u) -ne 0 ]]; then
        if ! command -v sudo >/dev/null; then
            echo "quickstart: not root and sudo is not installed; install as root: ${missing[*]}" >&2
            exit 1
        fi
        as_root=(sudo)
    fi
    ${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update
    ${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${missing[@]}"
fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_user=()
if [[ $(id -u) -eq 0 && -n ${SUDO_USER:-} && ${SUDO_USER} != root ]]; then
    as_user=(sudo -u "$SUDO_USER" --)
fi
echo "quickstart: cmake --workflow --preset $preset"
exec ${as_user[@]+"${as_user[@]}"} cmake --workflow --preset "$preset"
