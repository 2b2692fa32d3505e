#!/usr/bin/env bash
# systemd-analyze verify on systemd/tocsind.service, with ExecStart pointed at the binary
# just built (verify insists that the executable exists), and a check that the hardening
# and notify settings the daemon relies on are there.
set -euo pipefail
analyze=$1 unit=$2 tocsind=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s|/usr/bin/tocsind|$tocsind|" "$unit" >"$dir/tocsind.service"
"$analyze" verify "$dir/tocsind.service"
for setting in Type=notify WatchdogSec= ProtectSystem=strict NoNewPrivileges=yes \
  PrivateTmp=yes StateDirectory= LoadCredentialEncrypted= After=.*redis-server.service; do
  grep -q "^$setting" "$unit" || { echo "missing in $unit: $setting" >&2; exit 1; }
done
echo "systemd unit verified"
