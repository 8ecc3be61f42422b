#!/usr/bin/env bash
# `lab down` leaves nothing behind on the host: no process, mount, namespace, interface, cgroup
# dir or iptables rule of the lab, host dirs and sysctls as before; and a second `lab down` is
# fine. The lab runs a real cluster first (upstream kubeadm init + join), so there are
# containers, shims, Pod network namespaces, iptables rules and kubelet mounts to clean up.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_lab
use_lab t-clean
run=${KADM_LAB_RUN:-/run/kadm-lab}
host_dirs=(/etc/kubernetes /var/lib/kubelet /var/lib/etcd /etc/cni /var/lib/cni /var/log/pods /var/log/containers
  /run/netns /run/containerd /run/kubernetes)

# Other labs running at the same time legitimately keep the host dirs and the conntrack sysctl
# changed (the last lab down restores them): compare those only when we are alone.
others() {
  local f
  for f in "$run"/labs/*; do
    [ -e "$f" ] && [ "$(basename "$f")" != "$KADM_LAB" ] && echo "$f"
  done
  return 0
}

# What this lab may leave behind, process and cgroup wise.
lab_processes() {
  # shellcheck disable=SC2009 # pgrep cannot match on the cgroup column
  ps -eo pid=,cgroup:512=,args= | grep -E "lab-$KADM_LAB-|kadm-lab/$KADM_LAB/" | grep -v -E 'grep|ps -eo' || true
}
lab_cgroups() { find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -type d -name "lab-$KADM_LAB-*" 2>/dev/null || true; }

# The host as seen from its own namespaces.
snapshot() {
  echo "## ip netns"
  ip netns list 2>/dev/null | sort
  echo "## links"
  ip -o link show | awk -F': ' '{ print $2 }' | sort
  echo "## mounts"
  awk '{ print $1, $2, $3 }' /proc/mounts | sort
  echo "## iptables"
  { iptables-save; ip6tables-save; } 2>/dev/null | sed -E '/^#/d; s/\[[0-9]+:[0-9]+\]//'
  echo "## lab processes"
  lab_processes
  echo "## lab cgroups"
  lab_cgroups
  # Last, so that compare can drop it.
  echo "## host dirs"
  local d
  for d in "${host_dirs[@]}"; do [ -e "$d" ] && echo "$d: $(find "$d" -mindepth 1 -maxdepth 1 | sort | tr '\n' ' ')"; done
  echo "## sysctl"
  cat /proc/sys/net/netfilter/nf_conntrack_max /sys/module/nf_conntrack/parameters/hashsize 2>/dev/null || true
}

# compare BEFORE AFTER: identical, except host dirs and sysctls while other labs run.
compare() {
  if [ -z "$(others)" ] && [ "$alone_before" = 1 ]; then
    diff -u "$1" "$2"
  else
    say "note: other labs are running; host dirs and sysctls are not compared"
    diff -u <(sed '/^## host dirs/,$d' "$1") <(sed '/^## host dirs/,$d' "$2")
  fi
}

alone_before=0
[ -n "$(others)" ] || alone_before=1
snapshot >"/tmp/$KADM_LAB.before"

say "lab up --nodes 2, kubeadm init + join, cluster ready"
"$LAB" up --nodes 2
"$LAB" init-upstream >/dev/null 2>&1 || fail "kubeadm init failed"
"$LAB" join-upstream node2 >/dev/null 2>&1 || fail "kubeadm join failed"
"$LAB" wait-ready --timeout 400 || fail "cluster not ready"
# A long-running command started through `lab exec` must not survive `lab down` either.
"$LAB" exec node2 -- sleep 3600 >/dev/null 2>&1 &
exec_pid=$!
sleep 1

# The detectors see the running lab (so a clean result below means something).
[ -n "$(lab_processes)" ] || fail "no lab process visible while the lab runs: the process check is blind"
[ -n "$(lab_cgroups)" ] || fail "no lab cgroup visible while the lab runs: the cgroup check is blind"
rules=$(on node2 iptables-save)
grep -q KUBE-SERVICES <<<"$rules" || fail "no kube-proxy rules in node2's netns"

say "lab down"
"$LAB" down
snapshot >"/tmp/$KADM_LAB.after"
if ! compare "/tmp/$KADM_LAB.before" "/tmp/$KADM_LAB.after"; then
  fail "the host differs after lab down (diff above; snapshots in /tmp/$KADM_LAB.before/.after)"
fi
for _ in $(seq 50); do kill -0 "$exec_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$exec_pid" 2>/dev/null && fail "a command started with lab exec survived lab down"
wait "$exec_pid" 2>/dev/null || true
[ ! -d "/var/lib/kadm-lab/$KADM_LAB/nodes" ] || fail "node state left in /var/lib/kadm-lab/$KADM_LAB/nodes"

say "lab down again"
"$LAB" down || fail "second lab down failed"
snapshot >"/tmp/$KADM_LAB.again"
compare "/tmp/$KADM_LAB.before" "/tmp/$KADM_LAB.again" || fail "the host differs after a second lab down"
rm -f "/tmp/$KADM_LAB".{before,after,again}
echo "PASS $TEST_NAME"
