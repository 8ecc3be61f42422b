#!/usr/bin/env bash
# tests/compare_manifests_test.sh KADM CASES_DIR: runs `init phase etcd local`, `control-plane all`
# and `kubelet-start` of upstream kubeadm v1.20.2 and of kadm on the same configurations, each in a
# private mount namespace whose /etc/kubernetes and /var/lib/kubelet are scratch space, and
# requires the written files (static Pod manifests, config.yaml, kubeadm-flags.env) to be
# byte-identical. Exit 77 (skipped) without root or without the upstream binary.
set -uo pipefail
kadm=$1
cases=$2
upstream=${KADM_UPSTREAM_KUBEADM:-/var/cache/kadm-lab/k8s/v1.20.2/bin/kubeadm}

[ -x "$upstream" ] || { echo "SKIP: upstream kubeadm v1.20.2 not found at $upstream (lab/ci-prepare caches it)"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (mount namespaces)"; exit 77; }
command -v unshare >/dev/null || { echo "SKIP: unshare(1) is not installed"; exit 77; }

work=$(mktemp -d "${TMPDIR:-/tmp}/kadm-compare-XXXXXX")
trap 'rm -rf "$work"' EXIT
# A systemctl that behaves like the one on a host without systemd, so that kubelet-start never
# touches a real kubelet service.
mkdir -p "$work/bin"
printf '#!/bin/sh\necho "System has not been booted with systemd as init system (PID 1). Can'"'"'t operate." >&2\nexit 1\n' >"$work/bin/systemctl"
printf '#!/bin/sh\nexit 1\n' >"$work/bin/docker"
chmod +x "$work/bin/systemctl" "$work/bin/docker"

# run TOOL OUT PATCHFLAG CONFIG [ENV=VALUE...]: the three phases in a scratch namespace.
run() {
  local tool=$1 out=$2 patchflag=$3 cfg=$4
  shift 4
  mkdir -p "$out" "$work/ovl"
  env -i PATH="$work/bin:/usr/sbin:/usr/bin:/sbin:/bin" HOME=/root "$@" unshare -m bash -c '
    set -e
    scratch() { # scratch DIR: an empty writable DIR visible only in this namespace
      if [ -d "$1" ]; then mount -t tmpfs tmpfs "$1"; return; fi
      local parent=${1%/*} d; d=$(mktemp -d '"$work"'/ovl/XXXXXX); mkdir "$d/u" "$d/w"
      mount -t overlay overlay -o "lowerdir=$parent,upperdir=$d/u,workdir=$d/w" "$parent"
      mkdir -p "$1"
    }
    scratch /etc/kubernetes
    scratch /var/lib/kubelet
    "$0" init phase etcd local --config "$1" $2
    "$0" init phase control-plane all --config "$1" $2
    "$0" init phase kubelet-start --config "$1"
    cp /etc/kubernetes/manifests/* /var/lib/kubelet/config.yaml /var/lib/kubelet/kubeadm-flags.env "$3"/
  ' "$tool" "$cfg" "$patchflag" "$out" >"$out.log" 2>&1 || { echo "FAIL: $tool on $cfg:"; cat "$out.log"; return 1; }
}

pass=0 fail=0
check() { # check NAME CONFIG PATCHDIR [ENV...]
  local name=$1 cfg=$2 patches=$3
  shift 3
  local up_flag='' k_flag=''
  [ -n "$patches" ] && up_flag="--experimental-patches=$patches" k_flag="--patches=$patches"
  if run "$upstream" "$work/$name.upstream" "$up_flag" "$cfg" "$@" && run "$kadm" "$work/$name.kadm" "$k_flag" "$cfg" "$@" &&
    diff -ru "$work/$name.upstream" "$work/$name.kadm"; then
    echo "PASS: $name"
    pass=$((pass + 1))
  else
    echo "FAIL: $name (files differ from upstream kubeadm v1.20.2)"
    fail=$((fail + 1))
  fi
}

check default "$cases/default.yaml" ''
check pod-subnet-extra-args-volumes "$cases/pod.yaml" ''
check ipv6 "$cases/v6.yaml" ''
check external-etcd "$cases/ext.yaml" ''
check seed-mirror-repository "$cases/seed.yaml" ''
check dual-stack-gate "$cases/ds.yaml" ''
check authz-probes-metrics-patches "$cases/az.yaml" "$cases/patches"
check containerd-kubelet-config "$cases/cd.yaml" ''
check proxy-environment "$cases/default.yaml" '' HTTPS_PROXY=http://proxy.invalid:3128 no_proxy=localhost,10.0.0.0/8

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
