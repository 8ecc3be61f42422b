#!/usr/bin/env bash
# What the CRI client costs at start-up, whole-process (hyperfine, medians):
#   - `kadm version`: must not load gRPC (kadm-cri.so is loaded only by commands that talk to
#     the container runtime), so it costs what it cost before the CRI client existed;
#   - `config images pull` on a socket file nobody listens on: parse, stat, dlopen kadm-cri.so
#     (gRPC, protobuf, abseil), one refused connection, error;
#   - the same on a missing socket: stops before loading the module.
# The difference of the last two is the module's load time. Optionally compares `kadm version`
# with another kadm binary (BASE, e.g. one built before the CRI client). Not a test: no timing
# is asserted; figures go into bench/README.md.
# Usage: bench/cri-module.sh [KADM] [BASE_KADM]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kadm=${1:-$here/../build/kadm}
base=${2:-}
runs=${RUNS:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => $ARGV[0]) or die "$!\n"' \
  "$work/stale.sock"

pull="config images pull --kubernetes-version v1.20.2 --cri-socket"
cmds=("$kadm version" "$kadm $pull unix://$work/missing.sock" "$kadm $pull unix://$work/stale.sock")
[ -n "$base" ] && cmds=("$base version" "${cmds[@]}")
hyperfine -N -i -w 5 -r "$runs" --export-json "$work/out.json" "${cmds[@]}" >/dev/null 2>&1
python3 - "$work/out.json" "$work" <<'PY'
import json, sys, statistics
res = json.load(open(sys.argv[1]))["results"]
med = [(r["command"].replace(sys.argv[2], "$tmp"), statistics.median(r["times"]) * 1000) for r in res]
for cmd, ms in med:
    print(f"{cmd:<100} {ms:8.2f} ms")
print(f"{'module load (stale - missing socket)':<100} {med[-1][1] - med[-2][1]:8.2f} ms")
PY
echo
echo "shared libraries loaded by 'kadm version':"
LD_DEBUG=files "$kadm" version -o short 2>&1 >/dev/null | grep -c "file=.*\[0\];  needed by" || true
echo "shared libraries loaded by the pull on the stale socket:"
LD_DEBUG=files "$kadm" $pull "unix://$work/stale.sock" 2>&1 >/dev/null | grep -c "file=.*;  needed by\|file=.*;  dynamically loaded by" || true
