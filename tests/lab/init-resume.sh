#!/usr/bin/env bash
# Issue 6 on the lab, re-running `kadm init` after it stopped (kubeadm#2769):
#  - a control plane kadm did not set up (a foreign manifest) fails preflight with a hint naming it;
#  - `kadm init` killed (SIGKILL) in the middle of the kubeconfig, kubelet-start, upload-config and
#    bootstrap-token phases; each re-run after the kubelet was started says it resumes, and the
#    last one completes;
#  - the cluster then works: the CA is the one made by the first run, the node turns Ready, and
#    running `kadm init` once more on the finished node succeeds again.
# Usage: init-resume.sh KADM_BINARY
set -euo pipefail
source "$(dirname "$0")/../../lab/tests/lib.sh"
KADM=${1:?kadm binary}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
require_lab
use_lab kres
OUT=$(mktemp -d /tmp/kadm-init-resume.XXXXXX)
trap 'rc=$?; rm -rf "$OUT"; end_lab $rc' EXIT
CONFIG=$ROOT/examples/kubeadm-seed-lab.yaml

say "lab up"
"$LAB" up --nodes 1 >/dev/null

say "foreign state: a kube-apiserver manifest kadm did not write"
on node1 sh -c 'mkdir -p /etc/kubernetes/manifests && echo "# not kadm" >/etc/kubernetes/manifests/kube-apiserver.yaml'
rc=0
on node1 "$KADM" init --config "$CONFIG" >"$OUT/foreign.log" 2>&1 || rc=$?
[ "$rc" -eq 4 ] || { cat "$OUT/foreign.log" >&2; fail "preflight on foreign state: exit $rc, want 4"; }
grep -q 'FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml' "$OUT/foreign.log" ||
  fail "the failing check is not named:\n$(cat "$OUT/foreign.log")"
grep -q "did not set up (/etc/kubernetes/manifests/kube-apiserver.yaml)" "$OUT/foreign.log" ||
  fail "no hint naming the foreign control plane:\n$(cat "$OUT/foreign.log")"
on node1 rm /etc/kubernetes/manifests/kube-apiserver.yaml

# kill_at PATTERN N: start kadm init on node1, SIGKILL it as soon as its output has a line matching
# PATTERN, and keep the output in $OUT/run-N.log.
kill_at() {
  local pattern=$1 n=$2 log="$OUT/run-$2.log" pid="" deadline=$((SECONDS + 300))
  on node1 bash -c 'echo "kadm-pid $$"; exec "$0" "$@"' "$KADM" init --config "$CONFIG" --v=1 >"$log" 2>&1 &
  local wrapper=$!
  until grep -q -- "$pattern" "$log"; do
    kill -0 "$wrapper" 2>/dev/null || { tail -20 "$log" >&2; fail "run $n ended before '$pattern'"; }
    [ $SECONDS -lt $deadline ] || fail "run $n: no '$pattern' within 300s"
    sleep 0.1
  done
  pid=$(sed -n 's/^kadm-pid \([0-9]*\)$/\1/p' "$log")
  [ -n "$pid" ] || fail "run $n: no pid"
  kill -KILL "$pid"
  wait "$wrapper" || true
  say "  run $n killed at: $(grep -- "$pattern" "$log" | head -1)"
}

say "kadm init killed in four places, each time run again"
kill_at '^\[kubeconfig\] Writing "admin.conf"' 1
grep -q '^\[preflight\] This node was already initialised by kadm' "$OUT/run-1.log" &&
  fail "the first run claims to resume"
ca_sha=$(on node1 sha256sum /etc/kubernetes/pki/ca.crt | cut -d' ' -f1)
kill_at '^\[kubelet-start\] Starting the kubelet' 2
kill_at '^\[upload-config\]' 3
kill_at '^\[bootstrap-token\]' 4
for n in 3 4; do
  grep -q '^\[preflight\] This node was already initialised by kadm (node "node1", Kubernetes v1.20.2' "$OUT/run-$n.log" ||
    fail "run $n does not say it resumes:\n$(head -20 "$OUT/run-$n.log")"
done

say "the last run completes"
if ! on node1 "$KADM" init --config "$CONFIG" >"$OUT/final.log" 2>&1; then
  tail -40 "$OUT/final.log" >&2
  fail "kadm init did not converge"
fi
grep -q '^\[preflight\] This node was already initialised by kadm' "$OUT/final.log" || fail "the final run does not resume"
grep -q "Your Kubernetes control-plane has initialized successfully!" "$OUT/final.log" || fail "no success banner"
[ "$(on node1 sha256sum /etc/kubernetes/pki/ca.crt | cut -d' ' -f1)" = "$ca_sha" ] || fail "the CA changed between runs"
"$LAB" wait-ready >/dev/null || fail "the cluster did not become Ready"
ci_ca=$("$LAB" kubectl -n kube-public get cm cluster-info -o jsonpath='{.data.kubeconfig}' |
  sed -n 's/.*certificate-authority-data: //p' | base64 -d | sha256sum | cut -d' ' -f1)
[ "$ci_ca" = "$ca_sha" ] || fail "cluster-info does not carry the node's CA"

say "kadm init once more on the finished node"
on node1 "$KADM" init --config "$CONFIG" >"$OUT/again.log" 2>&1 || { tail -30 "$OUT/again.log" >&2; fail "a second init failed"; }
grep -q "Your Kubernetes control-plane has initialized successfully!" "$OUT/again.log" || fail "no success banner"
"$LAB" wait-ready >/dev/null || fail "the cluster is not Ready after the second init"
say "ok"
