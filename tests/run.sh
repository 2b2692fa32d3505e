#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, runs the GoogleTest suites with ctest
# (each fixture starts its own redis-server and daemon on loopback, on free ports, in
# temporary directories, and stops them), after briefly running the fuzz targets.
#   TOCSIN_FUZZ_SECONDS  seconds per fuzz target (default 20; 0 skips the fuzz step)
set -euo pipefail
cd "$(dirname "$0")/.."

bash daemon/install-deps.sh --tests
# playwright-core for the dashboard's browser test, as pinned by its package-lock.json (it
# drives Debian's chromium: no browser is downloaded).
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
cmake -S . -B build -DTOCSIN_BUILD_TESTS=ON >/dev/null
cmake --build build -j"$(nproc)"
fuzz_seconds=${TOCSIN_FUZZ_SECONDS:-20}
if [[ "$fuzz_seconds" != 0 ]]; then
  CXX=clang++ cmake -S . -B build-fuzz -DTOCSIN_FUZZ=ON -DTOCSIN_BUILD_TESTS=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  targets=$(cmake --build build-fuzz --target help | sed -n 's/^\.\.\. \(.*_fuzz\)$/\1/p')
  cmake --build build-fuzz -j"$(nproc)" --target $targets
  for target in $targets; do
    echo "fuzzing $target for ${fuzz_seconds}s"
    "build-fuzz/tests/fuzz/$target" -max_total_time="$fuzz_seconds" -print_final_stats=0 \
      2>"build-fuzz/$target.log" || { tail -n 40 "build-fuzz/$target.log"; exit 1; }
  done
fi

# Last, so its summary closes the output.
ctest --test-dir build --output-on-failure --timeout 300 -j2
