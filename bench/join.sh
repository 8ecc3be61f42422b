#!/usr/bin/env bash
# Worker join benchmark on the lab, both tools in one run: one lab, kadm init on node1, wait until
# the cluster has settled (all kube-system Pods running), then N rounds of `kadm join` and
# upstream `kubeadm join` (v1.20.2) with the same token, each on a fresh node, alternating.
# Reports the median of each join's wall time and, for kadm, its own share: the wall time minus
# the time the kubelet took to obtain its client certificate and register its Node (kadm logs
# that wait at --v=1). The kadm share is what kadm itself spends: preflight, discovery (two TLS
# reads of cluster-info), reading the cluster's configuration, writing the files, (re)starting
# the kubelet through the init system, the CRI-socket annotation. Target: under 200 ms.
# Each join is timed inside its node, from just before the tool starts to its exit (bash's
# EPOCHREALTIME), so `lab exec` (nsenter into the node, ~40 ms) is not counted; its wall time
# around `lab exec` is reported too. Before each join the lab settles (all nodes Ready, kube-system
# running), so that no join is measured while the previous node's kubelet is still starting.
# Needs root and the lab (lab/ci-prepare).
# Usage: bench/join.sh [ROUNDS] [kadm]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${1:-3}
KADM=$(readlink -f "${2:-$ROOT/build/kadm}")
LAB=$ROOT/lab/lab
[[ -x $KADM ]] || { echo "kadm not found at $KADM"; exit 1; }
export KADM_LAB=bjoin-$$
OUT=$(mktemp -d /tmp/kadm-bench-join.XXXXXX)
# KEEP=1 leaves the lab and the logs for a look (lab/lab --name bjoin-PID logs NODE).
trap '[ -n "${KEEP:-}" ] && echo "kept lab $KADM_LAB and $OUT" && exit; "$LAB" down --purge >/dev/null 2>&1 || true; rm -rf "$OUT"' EXIT
ms() { echo $(($(date +%s%N) / 1000000)); }
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }

"$LAB" up --nodes $((1 + 2 * ROUNDS)) >/dev/null
"$LAB" exec node1 -- "$KADM" init --config "$ROOT/examples/kubeadm-seed-lab.yaml" >"$OUT/init.log" 2>&1 ||
  { tail -20 "$OUT/init.log"; exit 1; }
read -r endpoint _ token _ hash < <(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$OUT/init.log" | grep -E '^kadm join ' |
  grep -v -- --control-plane | tail -n1 | sed -E 's/^kadm join //; s/[[:space:]]+/ /g')
# Outside the timing: the control plane settling after init (its Pods starting, CoreDNS and
# kube-proxy being scheduled) and the bootstrap signer signing the token.
"$LAB" wait-ready --timeout 300 >/dev/null
until "$LAB" kubectl -n kube-public get cm cluster-info -o json | jq -e --arg id "jws-kubeconfig-${token%%.*}" \
  '.data | has($id)' >/dev/null 2>&1; do sleep 1; done

# Runs a join in NODE, timed inside the node; prints the milliseconds, writes the output to LOG.
timed_join() {
  local node=$1 log=$2
  shift 2
  "$LAB" exec "$node" -- bash -c 's=$EPOCHREALTIME; "$@"; rc=$?; e=$EPOCHREALTIME
    echo "[bench] tool wall ms $(awk -v s="$s" -v e="$e" "BEGIN {printf \"%d\", (e - s) * 1000}")"; exit $rc' \
    _ "$@" >"$log" 2>&1 || { tail -30 "$log" >&2; exit 1; }
  sed -n 's/^\[bench\] tool wall ms //p' "$log"
}

for ((i = 0; i < ROUNDS; i++)); do
  kadm_node=node$((2 + 2 * i)) kubeadm_node=node$((3 + 2 * i))
  "$LAB" wait-ready --timeout 300 >/dev/null 2>&1
  t0=$(ms)
  kadm_total=$(timed_join "$kadm_node" "$OUT/kadm.$i.log" \
    "$KADM" join "$endpoint" --token "$token" --discovery-token-ca-cert-hash "$hash" --v=1)
  outer=$(($(ms) - t0))
  waited=$(sed -n 's/.*TLS bootstrap and Node registration took \([0-9]*\)ms.*/\1/p' "$OUT/kadm.$i.log")
  cert=$(sed -n 's/.*the kubelet wrote .* after \([0-9]*\)ms.*/\1/p' "$OUT/kadm.$i.log")
  echo "$kadm_total $cert $waited $((kadm_total - waited)) $outer" >>"$OUT/kadm.times"

  "$LAB" wait-ready --timeout 300 >/dev/null 2>&1
  t0=$(ms)
  timed_join "$kubeadm_node" "$OUT/kubeadm.$i.log" \
    kubeadm join "$endpoint" --token "$token" --discovery-token-ca-cert-hash "$hash" >>"$OUT/kubeadm.times"
  echo $(($(ms) - t0)) >>"$OUT/kubeadm.outer"
done

col() { awk -v c="$1" '{print $c}' "$OUT/kadm.times" | median; }
printf '%-30s %8s   (median of %d; runs: kadm wall/cert/cert+Node/own/wall around lab exec)\n' \
  "worker join (lab, v1.20.2)" "ms" "$ROUNDS"
printf '%-30s %8d   (around lab exec: %d)\n' "kubeadm join, wall" "$(median <"$OUT/kubeadm.times")" \
  "$(median <"$OUT/kubeadm.outer")"
printf '%-30s %8d   (around lab exec: %d)\n' "kadm join, wall" "$(col 1)" "$(col 5)"
printf '%-30s %8d\n' "  kubelet: certificate" "$(col 2)"
printf '%-30s %8d\n' "  kubelet: cert + Node" "$(col 3)"
printf '%-30s %8d   (target < 200)\n' "  kadm's own share" "$(col 4)"
sed 's/^/  run: /' "$OUT/kadm.times"
echo "  kubeadm runs: $(tr '\n' ' ' <"$OUT/kubeadm.times")"
grep -h '\[phase timing\]\|\[join\] done' "$OUT/kadm.$((ROUNDS - 1)).log" | sed 's/.*\] \[/  [/' || true
