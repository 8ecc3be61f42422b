#!/usr/bin/env bash
# Whole-process start-up benchmark: kadm's cheap commands against a minimal C++ program (the floor),
# the same program loading OpenSSL, and upstream kubeadm, all in one run. Reports medians, ratios
# and peak RSS. Not a test: numbers go into bench/README.md.
# Usage: bench/startup.sh [KADM] [KUBEADM]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kadm=${1:-$here/../build/kadm}
kubeadm=${2:-${KUBEADM:-/var/cache/kadm-lab/k8s/v1.20.2/bin/kubeadm}}
runs=${RUNS:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/min.cc" <<'SRC'
#include <fmt/format.h>
int main() { fmt::print("hello\n"); }
SRC
cat >"$work/min_ssl.cc" <<'SRC'
#include <fmt/format.h>
#include <openssl/evp.h>
int main() { fmt::print("{}\n", EVP_MD_get_size(EVP_sha256())); }
SRC
g++ -O2 "$work/min.cc" -o "$work/min" -lfmt
g++ -O2 "$work/min_ssl.cc" -o "$work/min_ssl" -lfmt -lcrypto

cmds=("$work/min" "$work/min_ssl" "$kadm version" "$kadm config print init-defaults")
[ -x "$kubeadm" ] && cmds+=("$kubeadm version")
hyperfine -N -w 10 -r "$runs" --export-json "$work/out.json" "${cmds[@]}" >/dev/null 2>&1

python3 - "$work/out.json" <<'PY'
import json, sys, statistics
res = json.load(open(sys.argv[1]))["results"]
med = {r["command"]: statistics.median(r["times"]) * 1000 for r in res}
floor = list(med.values())[0]
kubeadm = next((v for k, v in med.items() if k.endswith("kubeadm version")), None)
print(f"{'command':<60} {'median ms':>10} {'x minimal':>10} {'x kubeadm':>10}")
for cmd, ms in med.items():
    name = cmd.split("/")[-1] if "/tmp" in cmd else cmd
    k = f"{ms / kubeadm:.3f}" if kubeadm else "-"
    print(f"{name:<60} {ms:>10.2f} {ms / floor:>10.2f} {k:>10}")
PY
echo
printf '%-60s %10s\n' "peak RSS" "KB"
for c in "$work/min" "$kadm version" "$kadm config print init-defaults" ${kubeadm:+"$kubeadm version"}; do
  # shellcheck disable=SC2086
  rss=$(/usr/bin/time -f '%M' $c 2>&1 >/dev/null | tail -1)
  printf '%-60s %10s\n' "$(basename "${c%% *}") ${c#* }" "$rss"
done
