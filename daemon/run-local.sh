#!/usr/bin/env bash
# Runs Tocsin on this machine: installs what is missing, builds, starts a private
# redis-server when the config names no Redis (data and socket under var/, which git
# ignores), makes a first admin token (var/admin-token), then runs tocsind in the
# foreground. Ctrl-C stops both. Exits with tocsind's status: 0 after Ctrl-C, 2 for a bad
# config, 1 when it cannot start (e.g. the port is taken), so a caller sees the failure.
#   TOCSIN_CONFIG  config file (default config/tocsin.example.conf)
#   TOCSIN_LISTEN, TOCSIN_REDIS_URL  override the config (see README.md)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash daemon/install-deps.sh
# ccache keys on paths relative to this clone, so other clones on the machine share its cache.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc)" --target tocsind tocsin

config=${TOCSIN_CONFIG:-config/tocsin.example.conf}
tocsind=(build/tocsind --config "$config")
mkdir -p var/outbox  # the example config's file gateway writes here

redis_pid=
stop_redis() {
  [[ -n "$redis_pid" ]] || return 0
  kill "$redis_pid" 2>/dev/null || true
  wait "$redis_pid" 2>/dev/null || true
}
trap stop_redis EXIT

# Its own statement, so that a config tocsind cannot read stops the script here (set -e).
redis_url=$("${tocsind[@]}" --print-redis-url)
if [[ -z "$redis_url" ]]; then
  mkdir -p var/redis
  socket=$root/var/redis/redis.sock
  # No TCP port: only this user's processes reach the private Redis, through its socket.
  redis-server --port 0 --unixsocket "$socket" --unixsocketperm 700 --dir "$root/var/redis" \
    --appendonly yes --appendfsync everysec --save '' --daemonize no \
    --logfile "$root/var/redis/redis.log" &
  redis_pid=$!
  for _ in $(seq 100); do
    redis-cli -s "$socket" ping >/dev/null 2>&1 && break
    kill -0 "$redis_pid" 2>/dev/null || { echo "redis-server failed: see var/redis/redis.log" >&2; exit 1; }
    sleep 0.1
  done
  export TOCSIN_REDIS_URL="unix://$socket"
  echo "private redis-server: $TOCSIN_REDIS_URL (data in var/redis)"
fi

"${tocsind[@]}" --check-config >/dev/null
if [[ ! -s var/admin-token ]]; then
  (umask 077 && "${tocsind[@]}" --bootstrap-admin local-admin >var/admin-token)
fi
echo "admin token: export TOCSIN_TOKEN=\$(cat var/admin-token)"

# In its own session, so Ctrl-C reaches only this script, which forwards one SIGTERM: the
# daemon then drains in-flight requests instead of seeing two signals (which force it).
setsid "${tocsind[@]}" > >(tee var/tocsind.out) &
daemon_pid=$!
trap 'kill -TERM "$daemon_pid" 2>/dev/null || true' INT TERM

# Waits for the daemon to exit and ends the script with its status. A Ctrl-C interrupts
# `wait` (the trap forwards SIGTERM): wait again for the daemon's own exit status.
finish() {
  local status=0
  wait "$daemon_pid" || status=$?
  while kill -0 "$daemon_pid" 2>/dev/null; do
    status=0
    wait "$daemon_pid" || status=$?
  done
  exit "$status"
}

for _ in $(seq 100); do
  grep -q "listening on" var/tocsind.out 2>/dev/null && break
  kill -0 "$daemon_pid" 2>/dev/null || finish  # it could not start: it said why on stderr
  sleep 0.1
done
# The demo: on a first run, load the fictional sample roster (config/sample-roster.csv).
export TOCSIN_URL
TOCSIN_URL=$(sed -n 's/^tocsind: listening on //p' var/tocsind.out)
export TOCSIN_TOKEN
TOCSIN_TOKEN=$(cat var/admin-token)
for _ in $(seq 50); do build/tocsin status >/dev/null 2>&1 && break; sleep 0.1; done
if build/tocsin --json members count all 2>/dev/null | grep -q '"members":"0"'; then
  echo "first run: importing the sample roster (1,000 fictional members)"
  build/tocsin members import config/sample-roster.csv | head -n 12 || true
fi
finish
