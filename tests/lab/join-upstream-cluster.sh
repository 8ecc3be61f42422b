#!/usr/bin/env bash
# Issue 7 on the lab, cross-compatibility: upstream kubeadm v1.20.2 makes the cluster (node1,
# the seed configuration), kadm joins node2 as a worker with the join command kubeadm printed;
# both nodes Ready and a pause Pod runs on node2.
# Usage: join-upstream-cluster.sh KADM_BINARY
set -euo pipefail
source "$(dirname "$0")/../../lab/tests/lib.sh"
KADM=${1:?kadm binary}
require_lab
use_lab kjup
OUT=$(mktemp -d /tmp/kadm-join-up.XXXXXX)
trap 'rc=$?; rm -rf "$OUT"; end_lab $rc' EXIT

kc() { "$LAB" kubectl "$@"; }

say "lab up --nodes 2"
"$LAB" up --nodes 2 >/dev/null
say "upstream kubeadm init on node1"
"$LAB" init-upstream >"$OUT/init.log" 2>&1 || { tail -30 "$OUT/init.log" >&2; fail "kubeadm init failed"; }
say "kadm join node2 with kubeadm's join command"
t0=$SECONDS
"$LAB" join node2 --tool "$KADM" >"$OUT/join.log" 2>&1 || { tail -40 "$OUT/join.log" >&2; fail "kadm join failed"; }
say "  joined in $((SECONDS - t0))s"
grep -q "This node has joined the cluster:" "$OUT/join.log" || fail "no success message"
on node2 test ! -e /etc/kubernetes/bootstrap-kubelet.conf || fail "bootstrap-kubelet.conf was not removed"

say "waiting for both nodes Ready"
"$LAB" wait-ready --timeout 400 >/dev/null || { kc get nodes,pods -A -o wide || true; fail "cluster not ready"; }
say "a pause Pod on node2"
kc run pause-node2 --image=k8s.gcr.io/pause:3.2 --restart=Never \
  --overrides='{"spec":{"nodeSelector":{"kubernetes.io/hostname":"node2"}}}' >/dev/null
deadline=$((SECONDS + 180))
until [ "$(kc get pod pause-node2 -o jsonpath='{.status.phase}')" = Running ]; do
  [ $SECONDS -lt $deadline ] || { kc describe pod pause-node2 || true; fail "pause-node2 not Running"; }
  sleep 2
done
echo "PASS $TEST_NAME"
