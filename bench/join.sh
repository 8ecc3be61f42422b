#!/usr/bin/env bash
# Worker join benchmark on the lab, both tools in one run: one lab, kadm init on node1, then
# `kadm join` on node2 and upstream `kubeadm join` (v1.20.2) on node3 with the same token.
# Reports each join's wall time and, for kadm, its own share: the wall time minus the time the
# kubelet took to obtain its client certificate and register its Node (kadm logs that wait at
# --v=1). The kadm share is what kadm itself spends: preflight, discovery (two TLS reads of
# cluster-info), reading the cluster's configuration, writing the files, (re)starting the
# kubelet through the init system, the CRI-socket annotation. Target: under 200 ms.
# Needs root and the lab (lab/ci-prepare).
# Usage: bench/join.sh [kadm]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KADM=$(readlink -f "${1:-$ROOT/build/kadm}")
LAB=$ROOT/lab/lab
[[ -x $KADM ]] || { echo "kadm not found at $KADM"; exit 1; }
export KADM_LAB=bjoin-$$
OUT=$(mktemp -d /tmp/kadm-bench-join.XXXXXX)
trap '"$LAB" down --purge >/dev/null 2>&1 || true; rm -rf "$OUT"' EXIT
ms() { echo $(($(date +%s%N) / 1000000)); }

"$LAB" up --nodes 3 >/dev/null
"$LAB" exec node1 -- "$KADM" init --config "$ROOT/examples/kubeadm-seed-lab.yaml" >"$OUT/init.log" 2>&1 ||
  { tail -20 "$OUT/init.log"; exit 1; }
read -r endpoint _ token _ hash < <(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$OUT/init.log" | grep -E '^kadm join ' |
  grep -v -- --control-plane | tail -n1 | sed -E 's/^kadm join //; s/[[:space:]]+/ /g')
# The bootstrap signer signs the token a few seconds after init: wait for it outside the timing.
until "$LAB" kubectl -n kube-public get cm cluster-info -o json | jq -e --arg id "jws-kubeconfig-${token%%.*}" \
  '.data | has($id)' >/dev/null 2>&1; do sleep 1; done

t0=$(ms)
"$LAB" exec node2 -- "$KADM" join "$endpoint" --token "$token" --discovery-token-ca-cert-hash "$hash" --v=1 \
  >"$OUT/kadm.log" 2>&1 || { tail -30 "$OUT/kadm.log"; exit 1; }
kadm_total=$(($(ms) - t0))
waited=$(sed -n 's/.*TLS bootstrap and Node registration took \([0-9]*\)ms.*/\1/p' "$OUT/kadm.log")
cert=$(sed -n 's/.*the kubelet wrote .* after \([0-9]*\)ms.*/\1/p' "$OUT/kadm.log")

t0=$(ms)
"$LAB" exec node3 -- kubeadm join "$endpoint" --token "$token" --discovery-token-ca-cert-hash "$hash" \
  >"$OUT/kubeadm.log" 2>&1 || { tail -30 "$OUT/kubeadm.log"; exit 1; }
kubeadm_total=$(($(ms) - t0))

printf '%-28s %8s\n' "worker join (lab, v1.20.2)" "ms"
printf '%-28s %8d\n' "kubeadm join, wall" "$kubeadm_total"
printf '%-28s %8d\n' "kadm join, wall" "$kadm_total"
printf '%-28s %8d\n' "  kubelet: certificate" "$cert"
printf '%-28s %8d\n' "  kubelet: cert + Node" "$waited"
printf '%-28s %8d   (target < 200)\n' "  kadm's own share" "$((kadm_total - waited))"
grep '\[phase timing\]' "$OUT/kadm.log" | sed 's/.*\[phase timing\]/  phase/' || true
