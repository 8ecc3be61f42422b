#!/usr/bin/env bash
# Whole `init` on a fresh lab node, kadm against upstream kubeadm v1.20.2, same configuration,
# images present, alternating runs in one go. Reports each tool's median wall time, the ratio,
# and kadm's per-phase timings (--v=1 prints them). Not a test: figures go into bench/README.md.
# With BASELINE (another kadm build), it runs too, each round in the other order after kubeadm
# (a run right after another is slower on this lab; alternating cancels that out).
# Usage (as root): bench/init-lab.sh [RUNS] [KADM] [CONFIG] [BASELINE]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
runs=${1:-3}
kadm=${2:-$root/build/kadm}
config=${3:-$root/examples/kubeadm-seed-lab.yaml}
baseline=${4:-}
lab=$root/lab/lab
export KADM_LAB=bench-init-$$
trap '"$lab" down --purge >/dev/null 2>&1 || true' EXIT
"$lab" prepare >/dev/null

declare -A times
one_run() {  # TOOL LABEL
  "$lab" up --nodes 1 >/dev/null
  local start end
  start=${EPOCHREALTIME/./}
  "$lab" exec node1 -- "$1" init --config "$config" --v=1 >"/tmp/$KADM_LAB-$2.log" 2>&1 ||
    { echo "$2 init failed: /tmp/$KADM_LAB-$2.log" >&2; exit 1; }
  end=${EPOCHREALTIME/./}
  times[$2]+="$(((end - start) / 1000)) "
  "$lab" down >/dev/null
}
for ((i = 0; i < runs; i++)); do
  one_run kubeadm kubeadm
  if [ -z "$baseline" ]; then
    one_run "$kadm" kadm
  elif ((i % 2 == 0)); then
    one_run "$kadm" kadm
    one_run "$baseline" baseline
  else
    one_run "$baseline" baseline
    one_run "$kadm" kadm
  fi
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
kube=$(median <<<"${times[kubeadm]}")
kad=$(median <<<"${times[kadm]}")
echo "kubeadm v1.20.2 init: ${times[kubeadm]}ms  median ${kube} ms"
echo "kadm init:            ${times[kadm]}ms  median ${kad} ms"
awk -v a="$kad" -v b="$kube" 'BEGIN { printf "ratio kadm/kubeadm: %.2f\n", a / b }'
if [ -n "$baseline" ]; then
  base=$(median <<<"${times[baseline]}")
  echo "baseline kadm init:   ${times[baseline]}ms  median ${base} ms ($baseline)"
  awk -v a="$base" -v b="$kube" 'BEGIN { printf "ratio baseline/kubeadm: %.2f\n", a / b }'
fi
echo
echo "kadm phase timings of the last run:"
grep -o '\[phase timing\].*' "/tmp/$KADM_LAB-kadm.log" | grep -v '/' || true
