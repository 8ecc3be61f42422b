#!/usr/bin/env bash
# Concurrent joiners on the lab: N (default 30) kadm processes, each in its own network
# namespace on the lab's switch (10.0.0.100+i), run discovery and the TLS bootstrap at once
# against one kadm control plane (`kadm join phase tls-bootstrap`: the CSR the kubelet would
# submit, with the bootstrap token, approved and signed by the cluster as usual). All must get
# their client certificate. Reports the wall time and per-joiner times (min/median/max).
# Needs root and the lab (lab/ci-prepare).
# Usage: bench/join-concurrent.sh [N] [kadm]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-30}
KADM=$(readlink -f "${2:-$ROOT/build/kadm}")
LAB=$ROOT/lab/lab
[[ -x $KADM ]] || { echo "kadm not found at $KADM"; exit 1; }
export KADM_LAB=bjc-$$
STATE=${KADM_LAB_STATE_ROOT:-/var/lib/kadm-lab}/$KADM_LAB
OUT=$(mktemp -d /tmp/kadm-bench-jc.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  "$LAB" down --purge >/dev/null 2>&1 || true
  rm -rf "$OUT"
}
trap cleanup EXIT
ms() { echo $(($(date +%s%N) / 1000000)); }

"$LAB" up --nodes 1 >/dev/null
"$LAB" exec node1 -- "$KADM" init --config "$ROOT/examples/kubeadm-seed-lab.yaml" >"$OUT/init.log" 2>&1 ||
  { tail -20 "$OUT/init.log"; exit 1; }
read -r endpoint _ token _ hash < <(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$OUT/init.log" | grep -E '^kadm join ' |
  grep -v -- --control-plane | tail -n1 | sed -E 's/^kadm join //; s/[[:space:]]+/ /g')
until "$LAB" kubectl -n kube-public get cm cluster-info -o json | jq -e --arg id "jws-kubeconfig-${token%%.*}" \
  '.data | has($id)' >/dev/null 2>&1; do sleep 1; done

# One network namespace per joiner, cabled to the lab's switch like a node.
sw=$(cat "$STATE/switch.pid")
for i in $(seq 1 "$N"); do
  unshare --net sleep 3600 &
  PIDS+=($!)
done
sleep 0.5
for i in $(seq 1 "$N"); do
  p=${PIDS[$((i - 1))]}
  nsenter -t "$p" -n -- ip link add eth0 type veth peer name "vj$i-$$" netns "$sw"
  nsenter -t "$sw" -n -- ip link set "vj$i-$$" master br0 up
  nsenter -t "$p" -n -- ip addr add "10.0.0.$((100 + i))/24" dev eth0
  nsenter -t "$p" -n -- ip link set eth0 up
  nsenter -t "$p" -n -- ip link set lo up
done

t0=$(ms)
JOBS=()
for i in $(seq 1 "$N"); do
  p=${PIDS[$((i - 1))]}
  mkdir -p "$OUT/j$i"
  nsenter -t "$p" -n -- "$KADM" join phase tls-bootstrap "$endpoint" --token "$token" \
    --discovery-token-ca-cert-hash "$hash" --node-name "joiner-$i" --bootstrap-out-dir "$OUT/j$i" \
    >"$OUT/j$i.log" 2>&1 &
  JOBS+=($!)
done
failed=0
for i in $(seq 1 "$N"); do
  wait "${JOBS[$((i - 1))]}" || { failed=$((failed + 1)); echo "joiner-$i failed:"; tail -5 "$OUT/j$i.log"; }
done
wall=$(($(ms) - t0))
ok=$(for i in $(seq 1 "$N"); do [ -s "$OUT/j$i/kubelet.conf" ] && echo ok; done | wc -l)
times=$(sed -n 's/.*total \([0-9]*\)ms.*/\1/p' "$OUT"/j*.log | sort -n)
issued=$("$LAB" kubectl get csr -o json | jq '[.items[] | select(.spec.username | startswith("system:bootstrap:")) | select(.status.certificate != null)] | length')
echo "concurrent joiners: $N, succeeded: $ok, failed: $failed, CSRs issued by the cluster: $issued"
echo "wall: ${wall}ms; per joiner (discovery + CSR issued) min/median/max: $(head -1 <<<"$times")/$(sed -n "$(((N + 1) / 2))p" <<<"$times")/$(tail -1 <<<"$times") ms"
[ "$ok" -eq "$N" ] && [ "$failed" -eq 0 ]
