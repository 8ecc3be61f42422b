#!/usr/bin/env bash
# Issue 8 on the lab: `kadm reset` on nodes made by upstream kubeadm v1.20.2 (init node1, join
# node2): the worker and then the control plane are left clean (v1.20's update-cluster-status
# takes node1 out of kubeadm-config's ClusterStatus first), and upstream `kubeadm init` succeeds
# again on the reset control-plane node.
# Usage: kadm-reset-upstream.sh KADM_BINARY
set -euo pipefail
source "$(dirname "$0")/../../lab/tests/lib.sh"
KADM=${1:?kadm binary}
require_lab
use_lab kresup
OUT=$(mktemp)
trap 'rc=$?; rm -f "$OUT"; end_lab $rc' EXIT

kc() { "$LAB" kubectl "$@"; }
clean() {
  local node=$1 left state
  left=$(on "$node" sh -c 'ls /etc/kubernetes/manifests/*.yaml /etc/kubernetes/*.conf /etc/kubernetes/pki/* 2>/dev/null' || true)
  [ -z "$left" ] || fail "$node: files left after kadm reset: $left"
  [ -z "$(on "$node" ls -A /var/lib/kubelet)" ] || fail "$node: /var/lib/kubelet not empty"
  [ -z "$(on "$node" crictl ps -a -q)" ] || fail "$node: containers left"
  [ -z "$(on "$node" crictl pods -q)" ] || fail "$node: Pod sandboxes left"
  state=$(on "$node" systemctl is-active kubelet || true)
  [ "$state" = inactive ] || fail "$node: kubelet is '$state' after reset"
}

say "lab up, upstream kubeadm init node1 and join node2"
"$LAB" up --nodes 2 >/dev/null
"$LAB" init-upstream >"$OUT" 2>&1 || { tail -30 "$OUT" >&2; fail "kubeadm init failed"; }
"$LAB" join-upstream node2 >"$OUT" 2>&1 || { tail -30 "$OUT" >&2; fail "kubeadm join failed"; }
"$LAB" wait-ready --timeout 400 >/dev/null || fail "cluster not ready"

say "kadm reset -f on the worker node2"
on node2 "$KADM" reset -f >"$OUT" 2>&1 || { cat "$OUT" >&2; fail "kadm reset failed on node2"; }
grep -q "No etcd config found. Assuming external etcd" "$OUT" || fail "node2 has no local etcd, reset should say so"
clean node2

say "kadm reset -f on the control plane node1"
kc get cm -n kube-system kubeadm-config -o jsonpath='{.data.ClusterStatus}' | grep -q "node1:" || fail "ClusterStatus lacks node1 before reset"
on node1 "$KADM" reset -f >"$OUT" 2>&1 || { cat "$OUT" >&2; fail "kadm reset failed on node1"; }
grep -q "Removing info for node \"node1\" from the ConfigMap \"kubeadm-config\" in the \"kube-system\" Namespace" "$OUT" ||
  fail "v1.20's update-cluster-status did not run:\n$(cat "$OUT")"
clean node1
[ -z "$(on node1 ls -A /var/lib/etcd)" ] || fail "node1: /var/lib/etcd not empty"

say "upstream kubeadm init succeeds again on node1"
"$LAB" init-upstream >"$OUT" 2>&1 || { tail -30 "$OUT" >&2; fail "kubeadm init after kadm reset failed"; }
grep -q "Your Kubernetes control-plane has initialized successfully" "$OUT" || fail "no success line"
say "ok"
