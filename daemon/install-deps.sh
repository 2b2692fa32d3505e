#!/usr/bin/env bash
# Installs the Debian 12 packages Tocsin needs, only those missing (quiet when all are
# there). `--tests` adds what the test suite needs; `--bench` adds that and what the
# benchmarks of tests/bench need too. Used by daemon/run-local.sh and tests/run.sh; run as
# root, or with sudo available.
set -euo pipefail

packages=(
  cmake make g++ pkg-config ccache
  libboost-dev              # 1.74: Asio and Beast (1.81 conflicts with libphonenumber-dev)
  libhiredis-dev libprotobuf-dev protobuf-compiler libspdlog-dev libfmt-dev
  libcurl4-openssl-dev libssl-dev libcli11-dev libsystemd-dev libphonenumber-dev
  libabsl-dev               # time zones (alerts/local_time.cpp); libphonenumber-dev pulls it
                            # in too, but we link it ourselves, so we name it
  redis-server              # the private Redis of the run script and of the tests
  tzdata                    # time_zone is checked against /usr/share/zoneinfo
  zlib1g-dev                # the console's files are served gzipped (dashboard/assets.cpp)
  libqrencode-dev           # members' check-in QR codes (checkin/qr_svg.cpp)
)
# Node.js and npm install the console's QR decoder (daemon/dashboard/package-lock.json), which
# the build embeds; Debian's, unless a node is already there (a NodeSource nodejs carries its
# own npm, and Debian's npm package conflicts with it).
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
if [[ "${1:-}" == "--tests" || "${1:-}" == "--bench" ]]; then
  packages+=(
    libgtest-dev libgmock-dev
    systemd                 # systemd-analyze verify checks systemd/tocsind.service
    clang libclang-rt-14-dev  # libFuzzer targets
    python3-aiosmtpd        # the SMTP server of the email tests (run with /usr/bin/python3)
    openssl                 # makes the self-signed certificate of the STARTTLS tests
    kannel kannel-extras    # bearerbox, smsbox, fakesmsc of the Kannel tests (each test runs
                            # its own on free ports; Debian's service, if on, keeps to 13000s)
    chromium                # the dashboard's browser test (headless, driven by playwright-core)
    redis-sentinel          # the failover tests' three sentinels (each on a free port)
    haproxy                 # in front of two daemons in the several-daemons tests (free port)
  )
  # Node.js and npm (above) also run that test's driver (tests/browser).
fi
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(
    wrk                     # the HTTP load generator twilio_server_bench and
                            # gateway_headroom_bench set beside the daemon's own client
  )
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  echo "Installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# jsQR, exactly as the lockfile pins it (the check-in scanner's decoder, embedded by the build).
dashboard="$(cd "$(dirname "$0")/dashboard" && pwd)"
if [[ ! -f "$dashboard/node_modules/jsqr/dist/jsQR.js" ]]; then
  echo "Installing the console's npm packages (daemon/dashboard)" >&2
  (cd "$dashboard" && npm ci --ignore-scripts --no-audit --no-fund --silent)
fi
