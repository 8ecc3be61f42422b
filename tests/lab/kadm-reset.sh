#!/usr/bin/env bash
# Issue 8 on the lab: `kadm reset` on a node made by `kadm init` leaves it clean enough that
# `kadm init` succeeds again: no static Pod manifests, kubeconfigs, certificates, etcd data or
# kubelet state, no containers or Pod sandboxes, the kubelet stopped, no mounts under
# /var/lib/kubelet, and with --cleanup-network no KUBE-/CNI- iptables chains in the node. Also:
# --dry-run changes nothing, a second reset is harmless, and `init phase preflight --fix
# --dry-run` on the node shows its plan without changing the host.
# Usage: kadm-reset.sh KADM_BINARY
set -euo pipefail
source "$(dirname "$0")/../../lab/tests/lib.sh"
KADM=${1:?kadm binary}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
require_lab
use_lab kreset
OUT=$(mktemp)
trap 'rc=$?; rm -f "$OUT"; end_lab $rc' EXIT

kc() { "$LAB" kubectl "$@"; }
count_chains() { on node1 sh -c 'iptables-save 2>/dev/null | grep -c "^:\(KUBE-\|CNI-\)"' || true; }

init_node1() {
  "$LAB" init --tool "$KADM" >"$OUT" 2>&1 || { tail -40 "$OUT" >&2; fail "kadm init failed ($1)"; }
  grep -q "Your Kubernetes control-plane has initialized successfully!" "$OUT" || fail "no success banner ($1)"
}

say "lab up, kadm init on node1"
"$LAB" up --nodes 1 >/dev/null
init_node1 "first init"
say "waiting for kube-proxy's iptables chains in node1"
deadline=$((SECONDS + 240))
until on node1 sh -c 'iptables-save -t nat | grep -q "^:KUBE-SERVICES"'; do
  [ $SECONDS -lt $deadline ] || fail "kube-proxy never wrote its chains"
  sleep 3
done
[ -n "$(on node1 crictl pods -q)" ] || fail "no Pod sandboxes before reset"

say "kadm reset --dry-run changes nothing"
on node1 "$KADM" reset -f --dry-run --cleanup-network >"$OUT" 2>&1 || { cat "$OUT" >&2; fail "reset --dry-run failed"; }
grep -q "\[reset\] Would delete files:" "$OUT" || fail "dry run did not say what it would delete"
grep -q "\[reset\] Would remove iptables" "$OUT" || fail "dry run did not say which rules it would remove"
on node1 test -f /etc/kubernetes/admin.conf || fail "dry run deleted admin.conf"
[ "$(on node1 systemctl is-active kubelet || true)" = active ] || fail "dry run stopped the kubelet"

say "kadm reset -f --cleanup-network"
on node1 "$KADM" reset -f --cleanup-network >"$OUT" 2>&1 || { cat "$OUT" >&2; fail "kadm reset failed"; }
grep -q "\[reset\] Deleting contents of stateful directories: \[/var/lib/etcd /var/lib/kubelet" "$OUT" || fail "no stateful directories line:\n$(cat "$OUT")"
grep -q "\[reset\] Left behind:" "$OUT" || fail "no list of what was left behind"
grep -q "/etc/cni/net.d" "$OUT" || fail "the CNI configuration left behind is not mentioned"
left=$(on node1 sh -c 'ls /etc/kubernetes/manifests/*.yaml /etc/kubernetes/*.conf 2>/dev/null' || true)
[ -z "$left" ] || fail "files left after reset: $left"
for d in /etc/kubernetes/pki /var/lib/etcd /var/lib/kubelet; do
  [ -z "$(on node1 ls -A "$d")" ] || fail "$d not empty after reset: $(on node1 ls -A "$d")"
done
[ -z "$(on node1 crictl ps -a -q)" ] || fail "containers left after reset"
[ -z "$(on node1 crictl pods -q)" ] || fail "Pod sandboxes left after reset"
state=$(on node1 systemctl is-active kubelet || true)
[ "$state" = inactive ] || fail "kubelet is '$state' after reset"
mounts=$(on node1 sh -c 'grep " /var/lib/kubelet/" /proc/mounts' || true)
[ -z "$mounts" ] || fail "mounts left under /var/lib/kubelet: $mounts"
[ "$(count_chains)" = 0 ] || fail "KUBE-/CNI- chains left: $(on node1 sh -c 'iptables-save | grep "^:\(KUBE-\|CNI-\)"')"

say "a second reset is harmless"
on node1 "$KADM" reset -f >"$OUT" 2>&1 || { cat "$OUT" >&2; fail "second reset failed"; }

say "init phase preflight --fix --dry-run shows its plan and changes nothing"
before=$(ls -la /etc/sysctl.d /etc/modules-load.d 2>/dev/null; md5sum /etc/fstab /etc/containerd/config.toml 2>/dev/null || true)
on node1 "$KADM" init phase preflight --config "$ROOT/examples/kubeadm-seed-lab.yaml" --fix --dry-run >"$OUT" 2>&1 ||
  { cat "$OUT" >&2; fail "preflight --fix --dry-run failed"; }
grep -q "^\[fix\]" "$OUT" || fail "no [fix] lines"
grep -q "kernel module br_netfilter is already available" "$OUT" || fail "built-in br_netfilter not recognised:\n$(cat "$OUT")"
grep -qi "would pull\|Would pull" "$OUT" || fail "dry run pulled images?"
after=$(ls -la /etc/sysctl.d /etc/modules-load.d 2>/dev/null; md5sum /etc/fstab /etc/containerd/config.toml 2>/dev/null || true)
[ "$before" = "$after" ] || fail "--fix --dry-run changed the host"

say "kadm init succeeds again on the reset node"
init_node1 "second init"
deadline=$((SECONDS + 240))
until [ "$(kc get pod -n kube-system kube-apiserver-node1 -o jsonpath='{.status.phase}' 2>/dev/null)" = Running ]; do
  [ $SECONDS -lt $deadline ] || fail "kube-apiserver-node1 not Running after the second init"
  sleep 3
done
say "ok"
