#!/usr/bin/env bash
# Upstream kubeadm v1.20.2 on the lab with the seed-style config, unchanged: init node1, join
# node2, both Ready with the control plane running; then `kubeadm reset -f` on both leaves each
# node clean (no static Pod manifests, no kubeconfigs, no containers or sandboxes, kubelet
# stopped through the lab's systemctl); then the lab goes down.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_lab
use_lab t-upstream

say "lab up --nodes 2"
"$LAB" up --nodes 2
say "kubeadm init on node1 (examples/kubeadm-seed-lab.yaml)"
out=$("$LAB" init-upstream 2>&1) || { echo "$out" | tail -20; fail "kubeadm init failed"; }
echo "$out" | grep -q 'Your Kubernetes control-plane has initialized successfully' || fail "init output lacks the success line"
say "kubeadm join on node2 with the printed join command"
"$LAB" join-upstream node2 >/dev/null || fail "kubeadm join failed"
say "waiting for both nodes Ready and the kube-system Pods Running"
"$LAB" wait-ready --timeout 400 || { "$LAB" kubectl get nodes,pods -A -o wide || true; fail "cluster not ready"; }
nodes=$("$LAB" kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status} {end}')
[ "$nodes" = "node1=True node2=True " ] || fail "expected node1 and node2 Ready, got: $nodes"
# The node IP and cgroup root come from the lab's kubelet flags, not from the config.
ips=$("$LAB" kubectl get nodes -o jsonpath='{range .items[*]}{.status.addresses[?(@.type=="InternalIP")].address} {end}')
[ "$ips" = "10.0.0.11 10.0.0.12 " ] || fail "unexpected node IPs: $ips"
[ -d "/sys/fs/cgroup/memory/lab-$KADM_LAB-node2/kubepods" ] || fail "node2's Pods are not under its cgroup root"
# The host was not touched.
if [ -e /etc/kubernetes/admin.conf ] || [ -e /etc/kubernetes/manifests ]; then fail "the host's /etc/kubernetes was written to"; fi

for node in node2 node1; do
  say "kubeadm reset -f on $node"
  "$LAB" reset "$node" >/dev/null || fail "kubeadm reset failed on $node"
  left=$(on "$node" sh -c 'ls /etc/kubernetes/manifests/*.yaml /etc/kubernetes/*.conf 2>/dev/null' || true)
  [ -z "$left" ] || fail "$node: files left after reset: $left"
  ctrs=$(on "$node" crictl ps -a -q)
  [ -z "$ctrs" ] || fail "$node: containers left after reset: $ctrs"
  pods=$(on "$node" crictl pods -q)
  [ -z "$pods" ] || fail "$node: pod sandboxes left after reset: $pods"
  state=$(on "$node" systemctl is-active kubelet || true)
  [ "$state" = inactive ] || fail "$node: kubelet is '$state' after reset, expected inactive"
done

say "lab down"
"$LAB" down
echo "PASS $TEST_NAME"
