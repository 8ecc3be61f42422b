#!/usr/bin/env bash
# lab/lib/node-ns-init.sh NODE NODE_DIR: runs as the first process of a fresh node (new mount,
# uts and net namespaces, from lab/lib/lab.sh). Gives the node private copies of every path
# Kubernetes writes to, a hostname and sysctls, then becomes the holder (`sleep infinity`) that
# keeps the namespaces alive until `lab down` kills it.
set -euo pipefail
node=$1 nd=$2
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=lab.sh
. "$(dirname "${BASH_SOURCE[0]}")/lab.sh"

# Nothing mounted here may propagate back to the host.
mount --make-rprivate /
hostname "$node"
for p in "${NODE_MOUNTS[@]}"; do
  src=${p#/}
  mount --bind "$nd/fs/${src//\//-}" "$p"
done
# Names resolve from the node's own hosts file; anything else fails fast at 127.0.0.1 instead
# of reaching an outside resolver.
mount --bind "$nd/hosts" /etc/hosts
mount --bind "$nd/resolv.conf" /etc/resolv.conf
ip link set lo up
# Both are per network namespace on this kernel; kubeadm's preflight checks them.
echo 1 >/proc/sys/net/ipv4/ip_forward
echo 1 >/proc/sys/net/bridge/bridge-nf-call-iptables
echo 1 >/proc/sys/net/bridge/bridge-nf-call-ip6tables 2>/dev/null || true
touch "$nd/holder.ready"
exec sleep infinity
