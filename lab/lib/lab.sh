# shellcheck shell=bash
# lab/lib/lab.sh: one lab = a switch network namespace + nodes node1..nodeN, each a holder
# process in its own mount+uts+net namespaces. Sourced by lab/lab after common.sh.
# Everything a lab makes is found again from its state dir and its cgroups, and ended by PID.
# shellcheck disable=SC2034 # variables here are used by the scripts that source this file

# Paths kubeadm, the kubelet, containerd, etcd and CNI write to on a node. Each node gets a
# private directory bind-mounted over each of them (inside its own mount namespace only).
NODE_MOUNTS=(/etc/kubernetes /var/lib/kubelet /var/lib/etcd /etc/cni /var/lib/cni /var/log/pods
  /var/log/containers /run/netns /run/containerd /run/kubernetes)

LAB_NAME=
LAB_STATE=
LAB_LOGS=
SUBNET_PREFIX=10.0.0 # node i = $SUBNET_PREFIX.(10+i), gateway .1 (only inside the lab's namespaces)
POD_PREFIX=10.244    # node i's Pods: $POD_PREFIX.(i-1).0/24 (what kube-controller-manager assigns in join order)

# lab_select NAME: validate the lab name and derive its paths.
lab_select() {
  local name=$1
  [[ "$name" =~ ^[a-z0-9][a-z0-9-]{0,19}$ ]] ||
    die "bad lab name '$name': use 1-20 of [a-z0-9-], starting with a letter or digit (--name or KADM_LAB)"
  LAB_NAME=$name
  LAB_STATE=$KADM_LAB_STATE_ROOT/$name
  LAB_LOGS=$LAB_STATE/logs
}

node_dir() { echo "$LAB_STATE/nodes/$1"; }
node_index() { echo "${1#node}"; }
node_ip() { echo "$SUBNET_PREFIX.$((10 + $1))"; }
node_pod_cidr() { echo "$POD_PREFIX.$(($1 - 1)).0/24"; }
# cgroup root of a node (the kubelet's --cgroup-root) and of the lab's switch.
node_cgroup() { echo "lab-$LAB_NAME-$1"; }

valid_node() {
  [[ "$1" =~ ^node([1-9][0-9]?)$ ]] || die "bad node name '$1': nodes are node1..node99"
}

# The lab's nodes, from its state dir, sorted by index.
lab_nodes() {
  local d
  [ -d "$LAB_STATE/nodes" ] || return 0
  for d in "$LAB_STATE"/nodes/node*; do
    [ -d "$d" ] && basename "$d"
  done | sort -V
}

# Every cgroup v1 hierarchy mounted here (cpu, cpuacct, cpuset, memory, ..., name=systemd).
cgroup_v1_dirs() { awk '$3 == "cgroup" { print $2 }' /proc/mounts; }
cgroup_v2_dir() { awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts; }
PIDS_CG=/sys/fs/cgroup/pids

# pid_alive_in_cgroup PID CGROUP: PID runs and belongs to that lab cgroup (guards against reuse
# of a stale PID from a pid file).
pid_alive_in_cgroup() {
  [ -n "$1" ] && [ -r "/proc/$1/cgroup" ] && grep -q ":pids:/$2\(/\|$\)" "/proc/$1/cgroup" 2>/dev/null
}

read_pid() { cat "$1" 2>/dev/null || true; }

# spawn_in_cgroup CGROUP LOG PIDFILE CMD...: start CMD in the background inside the pids cgroup
# CGROUP/daemons, so that `lab down` finds it (and everything it forks, e.g. containerd shims)
# by cgroup, and kills it by PID.
spawn_in_cgroup() {
  local cg=$1 logfile=$2 pidfile=$3
  shift 3
  mkdir -p "$PIDS_CG/$cg/daemons"
  (
    echo "$BASHPID" >"$PIDS_CG/$cg/daemons/cgroup.procs"
    exec "$@"
  ) >>"$logfile" 2>&1 </dev/null &
  echo $! >"$pidfile"
}

# ---------------------------------------------------------------- host-wide bookkeeping
# Several labs share the host: the first one up records what it changes on the host, the last
# one down restores it. Guarded by one lock.
with_host_lock() {
  mkdir -p "$KADM_LAB_RUN/labs"
  (
    flock 8
    "$@"
  ) 8>"$KADM_LAB_RUN/lock"
}

# Empty directories the node mounts need on the host (bind mounts need a mountpoint). Only the
# ones that did not exist are created, and recorded so the last `lab down` removes them again.
host_prepare() {
  local p q
  touch "$KADM_LAB_RUN/labs/$LAB_NAME"
  for p in "${NODE_MOUNTS[@]}"; do
    q=$p
    local missing=()
    while [ ! -e "$q" ]; do
      missing=("$q" "${missing[@]}")
      q=$(dirname "$q")
    done
    for q in "${missing[@]}"; do
      mkdir "$q"
      echo "$q" >>"$KADM_LAB_RUN/created-dirs"
    done
  done
  conntrack_prepare
}

# kube-proxy sets nf_conntrack_max to max(maxPerCore * CPUs, min) (defaults 32768 and 131072)
# whenever the current value differs, and that sysctl is read-only outside the host's network
# namespace: it would crash. Setting it on the host to exactly that value leaves kube-proxy
# nothing to write, so configs with the default conntrack settings work unchanged.
conntrack_prepare() {
  local f=/proc/sys/net/netfilter/nf_conntrack_max h=/sys/module/nf_conntrack/parameters/hashsize
  local want cur
  [ -w "$f" ] || { warn "$f not writable: kube-proxy needs conntrack.maxPerCore: 0 in its config"; return 0; }
  want=$((32768 * $(nproc)))
  [ "$want" -lt 131072 ] && want=131072
  cur=$(cat "$f")
  if [ "$cur" != "$want" ]; then
    [ -f "$KADM_LAB_RUN/conntrack_max.orig" ] || echo "$cur" >"$KADM_LAB_RUN/conntrack_max.orig"
    echo "$want" >"$f"
    log "host sysctl net.netfilter.nf_conntrack_max: $cur -> $want (what kube-proxy computes; restored by the last lab down)"
  fi
  # kube-proxy also raises the hash size when it is below max/4 (a write that fails here too).
  if [ -w "$h" ] && [ "$(cat "$h")" -lt $((want / 4)) ]; then
    [ -f "$KADM_LAB_RUN/conntrack_hashsize.orig" ] || cat "$h" >"$KADM_LAB_RUN/conntrack_hashsize.orig"
    echo $((want / 4)) >"$h"
  fi
}

# Called under the host lock when a lab went down: the last lab restores the host.
host_release() {
  local q
  rm -f "$KADM_LAB_RUN/labs/$LAB_NAME"
  [ -z "$(ls -A "$KADM_LAB_RUN/labs")" ] || return 0
  if [ -f "$KADM_LAB_RUN/conntrack_max.orig" ]; then
    cat "$KADM_LAB_RUN/conntrack_max.orig" >/proc/sys/net/netfilter/nf_conntrack_max
    log "host sysctl net.netfilter.nf_conntrack_max restored to $(cat "$KADM_LAB_RUN/conntrack_max.orig")"
    rm -f "$KADM_LAB_RUN/conntrack_max.orig"
  fi
  if [ -f "$KADM_LAB_RUN/conntrack_hashsize.orig" ]; then
    cat "$KADM_LAB_RUN/conntrack_hashsize.orig" >/sys/module/nf_conntrack/parameters/hashsize
    rm -f "$KADM_LAB_RUN/conntrack_hashsize.orig"
  fi
  if [ -f "$KADM_LAB_RUN/created-dirs" ]; then
    # Deepest first; rmdir only removes them while still empty.
    tac "$KADM_LAB_RUN/created-dirs" | while read -r q; do rmdir "$q" 2>/dev/null || true; done
    rm -f "$KADM_LAB_RUN/created-dirs"
  fi
}

# ---------------------------------------------------------------- the switch namespace
switch_pid() { read_pid "$LAB_STATE/switch.pid"; }

switch_up() {
  local cg pid
  cg=$(node_cgroup switch)
  pid=$(switch_pid)
  pid_alive_in_cgroup "$pid" "$cg" && return 0
  rm -f "$LAB_STATE/switch.ready"
  # A bridge with the nodes' gateway address; forwarding between the nodes' Pod subnets.
  # Nothing is routed out of the lab: this namespace has no other interface.
  # shellcheck disable=SC2016 # $1/$2 expand in the inner shell
  spawn_in_cgroup "$cg" "$LAB_LOGS/switch.log" "$LAB_STATE/switch.pid" \
    unshare --net bash -euc '
      ip link set lo up
      ip link add br0 type bridge
      ip addr add "$1.1/24" dev br0
      ip link set br0 up
      echo 1 >/proc/sys/net/ipv4/ip_forward
      touch "$2"
      exec sleep infinity' switch "$SUBNET_PREFIX" "$LAB_STATE/switch.ready"
  wait_for_file "$LAB_STATE/switch.ready" "$(switch_pid)" || die "switch namespace failed; see $LAB_LOGS/switch.log"
}

# wait_for_file FILE PID: until FILE exists, while PID lives (5 s at most).
wait_for_file() {
  local i
  for i in $(seq 50); do
    [ -e "$1" ] && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# ---------------------------------------------------------------- nodes
node_holder_pid() { read_pid "$(node_dir "$1")/holder.pid"; }

node_alive() {
  pid_alive_in_cgroup "$(node_holder_pid "$1")" "$(node_cgroup "$1")"
}

# node_enter NODE CMD...: run CMD in the node's namespaces, in its cgroup (so `lab down` ends
# whatever it leaves running), with the lab's PATH (cached k8s binaries first, then the node's
# systemctl stand-in, then the usual system dirs), in the current directory.
node_enter() {
  local node=$1 pid cg
  shift
  local envs=(PATH="$K8S_BIN:$LAB_DIR/node-bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    KADM_LAB_NODE_DIR="$(node_dir "$node")" KADM_LAB_NAME="$LAB_NAME")
  pid=$(node_holder_pid "$node")
  cg=$(node_cgroup "$node")
  pid_alive_in_cgroup "$pid" "$cg" || die "node $node of lab $LAB_NAME is not running (lab/lab --name $LAB_NAME up)"
  (
    echo "$BASHPID" >"$PIDS_CG/$cg/daemons/cgroup.procs"
    exec nsenter -t "$pid" -m -u -n --wd="$PWD" -- env "${envs[@]}" "$@"
  )
}

# Private /etc/hosts (all nodes of the lab) so hostname checks never ask an outside resolver.
# Written in place: the node has it bind-mounted, a rename would not be seen.
write_hosts() {
  local node=$1 count=$2 i
  {
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n'
    for i in $(seq 1 "$count"); do printf '%s\tnode%d\n' "$(node_ip "$i")" "$i"; done
  } >"$(node_dir "$node")/hosts"
}

# containerd of a node: default socket /run/containerd/containerd.sock inside the node (private
# /run/containerd), so kubeadm/kadm find it without a criSocket.
write_containerd_config() {
  local nd=$1
  cat >"$nd/containerd.toml" <<EOF
# containerd of one kadm lab node (lab/lib/lab.sh)
version = 2
root = "$nd/containerd-root"
state = "/run/containerd"
[grpc]
  address = "/run/containerd/containerd.sock"
[ttrpc]
  address = "/run/containerd/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  # default /opt/containerd would be created on the host
  path = "$nd/containerd-opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$(sandbox_image)"
  # CAP_SYS_RESOURCE is missing here: negative oom_score_adj fails every container (LAB.md §4)
  restrict_oom_score_adj = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "/etc/cni/net.d"
EOF
}

# bridge CNI with the node's Pod /24, so the node turns Ready without a network add-on.
write_cni_config() {
  local nd=$1 idx=$2
  mkdir -p "$nd/fs/etc-cni/net.d"
  cat >"$nd/fs/etc-cni/net.d/10-kadm-lab.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "kadm-lab", "plugins": [
  {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$(node_pod_cidr "$idx")"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
  {"type": "portmap", "capabilities": {"portMappings": true}},
  {"type": "loopback"}]}
EOF
}

# The kubelet's cgroup root in every v1 hierarchy (it refuses one missing anywhere); cpuset
# needs cpus/mems copied from its parent before anything can join it.
make_node_cgroups() {
  local cg=$1 h
  for h in $(cgroup_v1_dirs); do
    mkdir -p "$h/$cg"
    if [ -f "$h/cpuset.cpus" ]; then
      cat "$h/cpuset.cpus" >"$h/$cg/cpuset.cpus"
      cat "$h/cpuset.mems" >"$h/$cg/cpuset.mems"
    fi
  done
  mkdir -p "$PIDS_CG/$cg/daemons"
}

node_make_dirs() {
  local nd=$1 p
  for p in "${NODE_MOUNTS[@]}"; do
    p=${p#/}
    mkdir -p "$nd/fs/${p//\//-}"
  done
  mkdir -p "$nd/containerd-root" "$nd/containerd-opt"
  printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$nd/resolv.conf"
  echo running >"$nd/kubelet.want"
}

node_start_holder() {
  local node=$1 nd cg
  nd=$(node_dir "$node")
  cg=$(node_cgroup "$node")
  rm -f "$nd/holder.ready"
  spawn_in_cgroup "$cg" "$LAB_LOGS/$node/holder.log" "$nd/holder.pid" \
    unshare --mount --uts --net --propagation private bash "$LAB_DIR/lib/node-ns-init.sh" "$node" "$nd"
  wait_for_file "$nd/holder.ready" "$(node_holder_pid "$node")" || die "node $node: namespace setup failed; see $LAB_LOGS/$node/holder.log"
}

# veth eth0 (node) <-> v-NODE on the switch's bridge; default route via the gateway, since the
# kubelet and kube-proxy pick the node IP from the default route.
node_connect() {
  local node=$1 idx=$2 hp sp ip
  hp=$(node_holder_pid "$node")
  sp=$(switch_pid)
  ip=$(node_ip "$idx")
  nsenter -t "$hp" -n -- ip link add eth0 type veth peer name "v-$node" netns "$sp"
  nsenter -t "$sp" -n -- ip link set "v-$node" master br0 up
  nsenter -t "$hp" -n -- ip addr add "$ip/24" dev eth0
  nsenter -t "$hp" -n -- ip link set eth0 up
  nsenter -t "$hp" -n -- ip route add default via "$SUBNET_PREFIX.1"
  # Pod traffic between nodes goes through the switch.
  nsenter -t "$sp" -n -- ip route replace "$(node_pod_cidr "$idx")" via "$ip"
}

node_containerd_sock() { echo "$(node_dir "$1")/fs/run-containerd/containerd.sock"; }

node_start_containerd() {
  local node=$1 nd sock i
  nd=$(node_dir "$node")
  sock=$(node_containerd_sock "$node")
  write_containerd_config "$nd"
  spawn_in_cgroup "$(node_cgroup "$node")" "$LAB_LOGS/$node/containerd.log" "$nd/containerd.pid" \
    nsenter -t "$(node_holder_pid "$node")" -m -u -n -- containerd --config "$nd/containerd.toml"
  for i in $(seq 100); do
    ctr -a "$sock" version >/dev/null 2>&1 && return 0
    kill -0 "$(read_pid "$nd/containerd.pid")" 2>/dev/null || break
    sleep 0.1
  done
  die "node $node: containerd did not start; see $LAB_LOGS/$node/containerd.log"
}

# All images of images.list, so any node can become a control-plane node.
node_import_images() {
  local node=$1 sock i f
  sock=$(node_containerd_sock "$node")
  for i in "${!IMAGE_NAMES[@]}"; do
    f=$IMAGES_DIR/${IMAGE_NAMES[$i]}_${IMAGE_TAGS[$i]}.tar
    [ -s "$f" ] || die "image $f missing: run lab/lab prepare"
    ctr -a "$sock" -n k8s.io images import "$f" >/dev/null
  done
}

node_start_kubelet_loop() {
  local node=$1 idx=$2 nd
  nd=$(node_dir "$node")
  # What the launcher adds to every kubelet of the lab (KUBELET_EXTRA_ARGS, last on the command
  # line, so it wins over the config): the node's own cgroup root and IP, and the cgroupfs driver
  # matching containerd (the kubelet's flags override its config file), and a 10 s pod sync:
  # a static Pod's probe results that arrive before the kubelet has made its mirror Pod are
  # dropped, and the mirror Pod shows them only at the next sync (1 min by default), so
  # kube-system looked unready for 60-100 s after init. AWS_EC2_METADATA_DISABLED stops the
  # kubelet's in-tree AWS credential provider asking 169.254.169.254 five times a second apart
  # at every start (4.3 s here).
  local extra
  extra="--cgroup-root=/$(node_cgroup "$node") --node-ip=$(node_ip "$idx") --cgroup-driver=cgroupfs"
  extra+=" --sync-frequency=10s"
  spawn_in_cgroup "$(node_cgroup "$node")" "$LAB_LOGS/$node/kubelet.log" "$nd/kubelet-loop.pid" \
    nsenter -t "$(node_holder_pid "$node")" -m -u -n -- env \
    PATH="$K8S_BIN:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    KUBELET_EXTRA_ARGS="$extra" AWS_EC2_METADATA_DISABLED=true bash "$LAB_DIR/lib/kubelet-loop.sh" "$nd"
}

# node_up NODE COUNT: everything but kubeadm: namespaces, network, cgroups, containerd, images,
# CNI config, kubelet loop. Idempotent: a running node is left alone.
node_up() {
  local node=$1 count=$2 idx nd t0
  idx=$(node_index "$node")
  nd=$(node_dir "$node")
  if node_alive "$node"; then
    write_hosts "$node" "$count"
    log "$node: already up"
    return 0
  fi
  t0=$(now_ms)
  node_down "$node" >/dev/null 2>&1 || true # leftovers of a node that died
  rm -rf "${LAB_LOGS:?}/$node" # logs of an earlier node of that name
  mkdir -p "$nd" "$LAB_LOGS/$node"
  node_make_dirs "$nd"
  write_hosts "$node" "$count"
  make_node_cgroups "$(node_cgroup "$node")"
  node_start_holder "$node"
  node_connect "$node" "$idx"
  node_start_containerd "$node"
  log "$node: namespaces, network and containerd up in $(fmt_secs $(($(now_ms) - t0))) ($(node_ip "$idx"))"
  node_import_images "$node"
  write_cni_config "$nd" "$idx"
  node_start_kubelet_loop "$node" "$idx"
  log "$node: ready for kubeadm/kadm in $(fmt_secs $(($(now_ms) - t0)))"
}

# kill_pids SIGNAL PID...: signal the given PIDs (ignoring those already gone).
kill_pids() {
  local sig=$1 p
  shift
  for p in "$@"; do kill "-$sig" "$p" 2>/dev/null || true; done
}

# pids_in_cgroup CGROUP: every process in the pids-hierarchy subtree of CGROUP.
pids_in_cgroup() {
  [ -d "$PIDS_CG/$1" ] || return 0
  find "$PIDS_CG/$1" -name cgroup.procs -exec cat {} + 2>/dev/null
}

# pids_in_ns HOLDER_PID: processes sharing the holder's mount or network namespace (e.g. started
# with a bare nsenter, outside the node's cgroup). A namespace the holder shares with this
# script (the switch has the host's mount namespace) is never used to pick processes.
pids_in_ns() {
  local t ns mine p
  for t in mnt net; do
    ns=$(readlink "/proc/$1/ns/$t" 2>/dev/null) || continue
    mine=$(readlink "/proc/self/ns/$t")
    [ "$ns" = "$mine" ] && continue
    for p in /proc/[0-9]*; do
      [ "$(readlink "$p/ns/$t" 2>/dev/null)" = "$ns" ] && echo "${p#/proc/}"
    done
  done
  return 0
}

# wait_reaped CGROUP: killed daemons were re-parented to PID 1 (containerd shims daemonise, the
# holders outlive `lab up`), so they stay zombies until PID 1 reaps them; wait for that, so that
# nothing of the lab shows in `ps` once `lab down` returns.
wait_reaped() {
  local i
  for i in $(seq 100); do
    grep -qs -e ":/$1/" -e ":/$1\$" /proc/[0-9]*/cgroup || return 0
    sleep 0.1
  done
  warn "processes of $1 still not reaped by PID 1 after 10 s"
}

# end_cgroup CGROUP [HOLDER_PID]: kill everything of a node/switch (by PID, found by cgroup and
# namespace) until nothing is left, then remove its cgroup dirs in every hierarchy, including
# the cgroup2 mirror runc creates in the hybrid "unified" hierarchy.
end_cgroup() {
  local cg=$1 holder=${2:-} i pids h
  for i in $(seq 50); do
    # shellcheck disable=SC2207 # PIDs are plain numbers
    pids=($(pids_in_cgroup "$cg"))
    # shellcheck disable=SC2207
    [ -z "$holder" ] || pids+=($(pids_in_ns "$holder"))
    [ ${#pids[@]} -eq 0 ] && break
    kill_pids KILL "${pids[@]}"
    sleep 0.2
  done
  wait_reaped "$cg"
  for i in $(seq 25); do
    local left=0
    for h in $(cgroup_v1_dirs) $(cgroup_v2_dir); do
      [ -d "$h/$cg" ] || continue
      find "$h/$cg" -depth -type d -exec rmdir {} \; 2>/dev/null || true
      [ -d "$h/$cg" ] && left=1
    done
    [ "$left" -eq 0 ] && return 0
    sleep 0.2
  done
  warn "cgroup $cg could not be removed everywhere (processes in D state?)"
}

# node_down NODE: stop the kubelet loop and containerd gracefully, then end whatever is left of
# the node by PID and remove its cgroups and state. Safe to repeat.
node_down() {
  local node=$1 nd cg holder p
  nd=$(node_dir "$node")
  cg=$(node_cgroup "$node")
  holder=$(node_holder_pid "$node")
  pid_alive_in_cgroup "$holder" "$cg" || holder=
  for p in kubelet-loop containerd; do
    local pid
    pid=$(read_pid "$nd/$p.pid")
    if pid_alive_in_cgroup "$pid" "$cg"; then
      kill -TERM "$pid" 2>/dev/null || true
      local i
      for i in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
  done
  end_cgroup "$cg" "$holder"
  # The namespaces and their mounts are gone with their last process: the state can go.
  if [ -d "$nd" ]; then
    grep -q " $nd/" /proc/mounts && die "node $node: $nd still has mounts on the host; not removing it"
    rm -rf --one-file-system "$nd"
  fi
}

lab_up() {
  local count=$1 i node pids=() rc=0 t0
  t0=$(now_ms)
  if [ ! -s "$IMAGES_DIR/.stamp" ] || [ ! -x "$K8S_BIN/kubelet" ]; then
    die "no cached binaries/images for $K8S_VERSION: run lab/lab prepare (or lab/ci-prepare) first"
  fi
  mkdir -p "$LAB_STATE/nodes" "$LAB_LOGS"
  with_host_lock host_prepare
  switch_up
  # Grow only: existing nodes keep running; their /etc/hosts learns the new names.
  for node in $(lab_nodes); do
    [ "$(node_index "$node")" -gt "$count" ] && count=$(node_index "$node")
  done
  echo "$count" >"$LAB_STATE/node-count"
  for i in $(seq 1 "$count"); do
    node_up "node$i" "$count" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || rc=1; done
  [ "$rc" -eq 0 ] || die "lab $LAB_NAME: some nodes failed to come up (see messages above; lab/lab --name $LAB_NAME down cleans up)"
  log "lab $LAB_NAME up: $count node(s) in $(fmt_secs $(($(now_ms) - t0))); next: kubeadm/kadm init on node1 (lab/lab exec node1 -- ...)"
}

lab_down() {
  local node pids=() p cg t0
  t0=$(now_ms)
  for node in $(lab_nodes); do
    node_down "$node" &
    pids+=($!)
  done
  # Nodes whose state dir is gone but whose cgroups survived (a crashed `lab up`).
  for cg in "$PIDS_CG"/lab-"$LAB_NAME"-node*; do
    [ -d "$cg" ] || continue
    cg=$(basename "$cg")
    end_cgroup "$cg" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || true; done
  end_cgroup "$(node_cgroup switch)" "$(switch_pid)"
  rm -f "$LAB_STATE/switch.pid" "$LAB_STATE/switch.ready" "$LAB_STATE/node-count" "$LAB_STATE/join-command"
  rmdir "$LAB_STATE/nodes" 2>/dev/null || true
  [ -d "$KADM_LAB_RUN" ] && with_host_lock host_release
  log "lab $LAB_NAME down in $(fmt_secs $(($(now_ms) - t0)))"
}
