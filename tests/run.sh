#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, runs the GoogleTest suites with ctest
# (each fixture starts its own redis-server and daemon on loopback, on free ports, in
# temporary directories, and stops them), after briefly running the fuzz targets.
#   TOCSIN_FUZZ_SECONDS  seconds per fuzz target (default 20; 0 skips the fuzz step)
set -euo pipefail
cd "$(dirname "$0")/.."

bash daemon/install-deps.sh --tests
# ccache keys on paths relative to this clone, so a fresh clone elsewhere on the same machine
# (CI's) reuses what earlier builds compiled: a cold build takes ~25 min on 2 cores, a warm one
# a few.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
phase_start=$SECONDS
phase_done() { echo "== $1 took $((SECONDS - phase_start)) s"; phase_start=$SECONDS; }
# playwright-core for the dashboard's browser test, as pinned by its package-lock.json (it
# drives Debian's chromium: no browser is downloaded).
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
cmake -S . -B build -DTOCSIN_BUILD_TESTS=ON >/dev/null
cmake --build build -j"$(nproc)"
phase_done "install and build"
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
  phase_done "fuzz build and run"
fi

# Last, so its summary closes the output.
ctest --test-dir build --output-on-failure --timeout 300 -j2
