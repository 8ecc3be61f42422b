#!/usr/bin/env bash
# Issue 6 on the lab, faults during `kadm init`:
#  - the kube-apiserver image missing from node1's containerd (preflight's pull ignored): init
#    stops in wait-control-plane long before its 4-minute timeout, naming the static Pod and the
#    image; with the image back, `kadm init` run again resumes and completes;
#  - the API server killed once while node2's init is in upload-config: init still completes and
#    the kubeadm-config ConfigMap is there.
# Usage: init-faults.sh KADM_BINARY
set -euo pipefail
source "$(dirname "$0")/../../lab/tests/lib.sh"
KADM=${1:?kadm binary}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
require_lab
use_lab kflt
OUT=$(mktemp -d /tmp/kadm-init-faults.XXXXXX)
trap 'rc=$?; rm -rf "$OUT"; end_lab $rc' EXIT
CONFIG=$ROOT/examples/kubeadm-seed-lab.yaml
IMAGE=registry.cn-hangzhou.aliyuncs.com/google_containers/kube-apiserver:v1.20.2

say "lab up --nodes 2"
"$LAB" up --nodes 2 >/dev/null

say "node1: the kube-apiserver image removed from containerd"
on node1 ctr -n k8s.io images export "$OUT/apiserver.tar" "$IMAGE" >/dev/null
on node1 ctr -n k8s.io images rm "$IMAGE" >/dev/null
rc=0
on node1 "$KADM" init --config "$CONFIG" --ignore-preflight-errors=ImagePull >"$OUT/missing.log" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || fail "kadm init succeeded without the kube-apiserver image"
grep -q "the static Pod \"kube-apiserver-node1\" cannot start: its image \"$IMAGE\" is not in the container runtime" \
  "$OUT/missing.log" || { tail -30 "$OUT/missing.log" >&2; fail "the failure does not name the Pod and the image"; }
grep -q "is not healthy after 4m0s" "$OUT/missing.log" && fail "init waited out the whole timeout"
say "  $(grep -m1 'cannot start' "$OUT/missing.log" | cut -c1-160)"

say "node1: image back, kadm init again"
on node1 ctr -n k8s.io images import "$OUT/apiserver.tar" >/dev/null
on node1 "$KADM" init --config "$CONFIG" >"$OUT/resumed.log" 2>&1 || { tail -30 "$OUT/resumed.log" >&2; fail "the re-run failed"; }
grep -q '^\[preflight\] This node was already initialised by kadm' "$OUT/resumed.log" || fail "the re-run does not resume"
grep -q "Your Kubernetes control-plane has initialized successfully!" "$OUT/resumed.log" || fail "no success banner"

say "node2: the API server killed during upload-config"
# kadm's API phases take a fraction of a second, less than finding and killing a process: kadm is
# stopped as it leaves wait-control-plane (or a few calls into upload-config), the API server is
# killed, and kadm resumes to a dead API server that the kubelet restarts.
sed 's/10\.0\.0\.11/10.0.0.12/' "$CONFIG" >"$OUT/node2.yaml"
on node2 "$KADM" init --config "$OUT/node2.yaml" --v=1 >"$OUT/kill.log" 2>&1 &
init_pid=$!
deadline=$((SECONDS + 300))
until grep -q 'All control plane components are healthy' "$OUT/kill.log"; do
  kill -0 "$init_pid" 2>/dev/null || { tail -20 "$OUT/kill.log" >&2; fail "init on node2 ended before upload-config"; }
  [ $SECONDS -lt $deadline ] || fail "the control plane of node2 was not healthy within 300s"
  sleep 0.02
done
kadm_pid=$(pgrep -f "^$KADM init --config $OUT/node2.yaml" | head -1)
[ -n "$kadm_pid" ] || fail "no kadm process on node2"
kill -STOP "$kadm_pid"
# The kube-apiserver process of node2 (same network namespace as a process run on node2).
apiserver=$(on node2 bash -c 'me=$(readlink /proc/self/ns/net); for p in $(pgrep -x kube-apiserver); do
  if [ "$(readlink /proc/$p/ns/net)" = "$me" ]; then echo "$p"; fi; done' | head -1)
[ -n "$apiserver" ] || { kill -CONT "$kadm_pid"; fail "no kube-apiserver process on node2"; }
kill -KILL "$apiserver"
say "  killed kube-apiserver (pid $apiserver) with kadm (pid $kadm_pid) stopped at: $(grep '^\[' "$OUT/kill.log" | tail -1)"
kill -CONT "$kadm_pid"
wait "$init_pid" || { tail -30 "$OUT/kill.log" >&2; fail "kadm init on node2 failed after the API server was killed"; }
grep -q "Your Kubernetes control-plane has initialized successfully!" "$OUT/kill.log" || fail "no success banner on node2"
for _ in $(seq 60); do
  on node2 kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system get cm kubeadm-config >/dev/null 2>&1 && break
  sleep 1
done
on node2 kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system get cm kubeadm-config >/dev/null ||
  fail "kubeadm-config missing on node2's cluster"
say "ok"
