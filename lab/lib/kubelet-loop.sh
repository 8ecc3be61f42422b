#!/usr/bin/env bash
# lab/lib/kubelet-loop.sh NODE_DIR: the kubelet "service" of a lab node (no systemd here). Runs
# inside the node's namespaces and emulates kubelet.service with kubeadm's drop-in
# (10-kubeadm.conf): once /var/lib/kubelet/config.yaml exists it runs
#   kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
# with KUBELET_KUBEADM_ARGS from /var/lib/kubelet/kubeadm-flags.env and KUBELET_EXTRA_ARGS from
# the launcher (lab/lib/lab.sh), and restarts it when it exits (Restart=always).
# The node's systemctl stand-in (lab/node-bin/systemctl) and `lab/lab kubelet` steer it through
# NODE_DIR/kubelet.want ("running"/"stopped") and NODE_DIR/kubelet.restart.
set -uo pipefail
nd=$1
restart_delay=2 # systemd's RestartSec (kubeadm's unit says 10 s; shorter is kinder to tests)
kubelet_pid=

say() { echo "=== $(date -u +%H:%M:%S) $*"; }

stop_kubelet() {
  [ -n "$kubelet_pid" ] || return 0
  kill -TERM "$kubelet_pid" 2>/dev/null
  wait "$kubelet_pid"
  say "kubelet stopped (rc=$?)"
  kubelet_pid=
  rm -f "$nd/kubelet.pid"
}
trap 'stop_kubelet; exit 0' TERM INT

# The value of KUBELET_KUBEADM_ARGS in an EnvironmentFile (KEY="value" or KEY=value), read as
# systemd does, without running the file as shell code.
kubeadm_args() {
  local line
  line=$(grep -E '^KUBELET_KUBEADM_ARGS=' /var/lib/kubelet/kubeadm-flags.env 2>/dev/null | tail -n1)
  line=${line#KUBELET_KUBEADM_ARGS=}
  line=${line#\"}
  echo "${line%\"}"
}

start_kubelet() {
  local args driver
  args=$(kubeadm_args)
  driver=$(sed -n 's/^cgroupDriver:[[:space:]]*//p' /var/lib/kubelet/config.yaml | tr -d '"')
  if [ -n "$driver" ] && [ "$driver" != cgroupfs ]; then
    say "note: config.yaml says cgroupDriver: $driver; the lab's --cgroup-driver=cgroupfs flag overrides it"
  fi
  say "starting kubelet $args $KUBELET_EXTRA_ARGS"
  # shellcheck disable=SC2086 # split like systemd splits $VAR in ExecStart
  kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf \
    --config=/var/lib/kubelet/config.yaml $args $KUBELET_EXTRA_ARGS &
  kubelet_pid=$!
  echo "$kubelet_pid" >"$nd/kubelet.pid"
}

say "kubelet loop started; waiting for /var/lib/kubelet/config.yaml"
while :; do
  if [ -n "$kubelet_pid" ] && ! kill -0 "$kubelet_pid" 2>/dev/null; then
    wait "$kubelet_pid"
    say "kubelet exited rc=$?"
    kubelet_pid=
    rm -f "$nd/kubelet.pid"
    sleep "$restart_delay"
  fi
  want=running
  read -r want 2>/dev/null <"$nd/kubelet.want"
  if [ "$want" != running ]; then
    stop_kubelet
  elif [ -f "$nd/kubelet.restart" ]; then
    rm -f "$nd/kubelet.restart"
    stop_kubelet
  fi
  if [ "$want" = running ] && [ -z "$kubelet_pid" ] && [ -f /var/lib/kubelet/config.yaml ]; then
    start_kubelet
  fi
  sleep 0.2 # how soon `systemctl start|restart|stop kubelet` takes effect
done
