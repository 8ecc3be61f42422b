#!/usr/bin/env bash
# Issue 7 on the lab, a second control plane: kadm init on node1 with a controlPlaneEndpoint and
# --upload-certs, then `kadm join --control-plane --certificate-key` on node2 (the printed
# line). Then etcd has two voting members, both API servers serve, node2 carries the
# control-plane labels and taint, kubeadm-config's ClusterStatus lists both (v1.20), and both
# nodes turn Ready. If this build's init cannot upload certificates, the shared certificates are
# copied from node1 instead (which upstream supports too) and the test says so.
# Usage: join-control-plane.sh KADM_BINARY
set -euo pipefail
source "$(dirname "$0")/../../lab/tests/lib.sh"
KADM=${1:?kadm binary}
require_lab
use_lab kjcp
OUT=$(mktemp -d /tmp/kadm-join-cp.XXXXXX)
trap 'rc=$?; rm -rf "$OUT"; end_lab $rc' EXIT

kc() { "$LAB" kubectl "$@"; }

cat >"$OUT/init.yaml" <<'YAML'
apiVersion: kubeadm.k8s.io/v1beta2
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 10.0.0.11
  bindPort: 6443
---
apiVersion: kubeadm.k8s.io/v1beta2
kind: ClusterConfiguration
kubernetesVersion: v1.20.2
controlPlaneEndpoint: 10.0.0.11:6443
imageRepository: registry.cn-hangzhou.aliyuncs.com/google_containers
networking:
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/12
YAML

say "lab up --nodes 2"
"$LAB" up --nodes 2 >/dev/null
say "kadm init --upload-certs on node1 (controlPlaneEndpoint 10.0.0.11:6443)"
on node1 "$KADM" init --config "$OUT/init.yaml" --upload-certs >"$OUT/init.log" 2>&1 ||
  { tail -30 "$OUT/init.log" >&2; fail "kadm init failed"; }
line=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$OUT/init.log" | grep -E '^ *kadm join .*--control-plane' | tail -n1 |
  sed -E 's/^ *kadm join //; s/[[:space:]]+/ /g; s/ $//')
[ -n "$line" ] || fail "init printed no control-plane join command"
read -ra args <<<"$line"
key=$(sed -n 's/.*--certificate-key \([0-9a-f]\{64\}\).*/\1/p' <<<"$line")
if [ -z "$key" ]; then
  say "  NOTE: no --certificate-key printed: copying the shared certificates from node1 instead"
  for f in ca.crt ca.key sa.key sa.pub front-proxy-ca.crt front-proxy-ca.key etcd/ca.crt etcd/ca.key; do
    on node2 mkdir -p /etc/kubernetes/pki/etcd
    on node1 cat "/etc/kubernetes/pki/$f" | on node2 sh -c "umask 077; cat >/etc/kubernetes/pki/$f"
  done
fi

say "kadm join --control-plane on node2"
t0=$SECONDS
on node2 "$KADM" join "${args[@]}" --apiserver-advertise-address 10.0.0.12 >"$OUT/join.log" 2>&1 ||
  { tail -50 "$OUT/join.log" >&2; fail "kadm join --control-plane failed"; }
say "  joined in $((SECONDS - t0))s"
grep -q "This node has joined the cluster and a new control plane instance was created:" "$OUT/join.log" ||
  fail "no control-plane success message"
grep -q "A new etcd member was added to the local/stacked etcd cluster." "$OUT/join.log" || fail "no etcd line"
if [ -n "$key" ] && grep -qF -- "$key" "$OUT/join.log"; then fail "the certificate key was printed by join"; fi

say "etcd has two voting members"
members=$(on node1 etcdctl --endpoints https://10.0.0.11:2379,https://10.0.0.12:2379 \
  --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt \
  --key /etc/kubernetes/pki/etcd/healthcheck-client.key member list -w json)
jq -e '(.members | length) == 2 and all(.members[]; (.isLearner // false) == false)' <<<"$members" >/dev/null ||
  fail "etcd members: $members"
jq -r '.members[].name' <<<"$members" | sort | tr '\n' ' ' | grep -q "^node1 node2 $" || fail "member names: $members"
for ep in 10.0.0.11 10.0.0.12; do
  on node1 etcdctl --endpoints "https://$ep:2379" --cacert /etc/kubernetes/pki/etcd/ca.crt \
    --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt --key /etc/kubernetes/pki/etcd/healthcheck-client.key \
    endpoint health >/dev/null 2>&1 || fail "etcd at $ep is not healthy"
done

say "both API servers serve"
for ip in 10.0.0.11 10.0.0.12; do
  live=$(on node1 curl -sk --max-time 5 "https://$ip:6443/livez" || true)
  [ "$live" = ok ] || fail "https://$ip:6443/livez answered '$live'"
done
on node2 kubectl --kubeconfig /etc/kubernetes/admin.conf --server https://10.0.0.12:6443 get node node1 >/dev/null ||
  fail "node2's API server does not serve the cluster with node2's admin.conf"

say "node2 is marked as a control plane"
labels=$(kc get node node2 -o json | jq -c '.metadata.labels')
for l in node-role.kubernetes.io/master node-role.kubernetes.io/control-plane; do
  jq -e --arg l "$l" 'has($l)' <<<"$labels" >/dev/null || fail "node2 lacks label $l: $labels"
done
taints=$(kc get node node2 -o jsonpath='{.spec.taints}')
[[ $taints == *'"key":"node-role.kubernetes.io/master"'* ]] || fail "node2 taints: $taints"
status=$(kc -n kube-system get cm kubeadm-config -o jsonpath='{.data.ClusterStatus}')
grep -q "node2:" <<<"$status" && grep -q "advertiseAddress: 10.0.0.12" <<<"$status" || fail "ClusterStatus: $status"

say "waiting for both nodes Ready"
"$LAB" wait-ready --timeout 400 >/dev/null || { kc get nodes,pods -A -o wide || true; fail "cluster not ready"; }
echo "PASS $TEST_NAME"
