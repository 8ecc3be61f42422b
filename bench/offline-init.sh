#!/usr/bin/env bash
# Offline `init` benchmark: whole-process wall time (median of N runs) and peak RSS of the
# phases that need no cluster — `init phase certs all` and `init phase kubeconfig all`, plus
# `init phase etcd local` and `init phase control-plane all` when this kadm build has them —
# for kadm and upstream kubeadm v1.20.2 in one run. Every run starts from an empty directory.
# RSA-2048 is compared like for like; ECDSA-P256 (v1beta4 encryptionAlgorithm) is kadm only,
# compared with upstream's RSA-2048 time because kubeadm v1.20 cannot make ECDSA keys.
# Phases that write under /etc/kubernetes run inside `unshare -m` with a tmpfs there (root only).
#
# Usage: bench/offline-init.sh [runs] [kadm] [kubeadm]
set -euo pipefail

RUNS=${1:-10}
KADM=${2:-$(dirname "$0")/../build/kadm}
KUBEADM=${3:-/var/cache/kadm-lab/k8s/v1.20.2/bin/kubeadm}
KADM=$(readlink -f "$KADM")
[[ -x $KADM ]] || { echo "kadm not found at $KADM (build it, or pass its path)"; exit 1; }
[[ -x $KUBEADM ]] || { echo "upstream kubeadm not found at $KUBEADM (lab/ci-prepare builds it)"; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kadm-bench.XXXXXX")
# The phases that write under /etc/kubernetes get a private tmpfs there, which needs the directory
# as a mount point: made (empty) for the run if this host has none, and removed again.
made_etc=
if [[ $EUID -eq 0 && ! -e /etc/kubernetes ]]; then mkdir /etc/kubernetes && made_etc=1; fi
trap 'rm -rf "$WORK"; [[ -z $made_etc ]] || rmdir /etc/kubernetes' EXIT

config() {  # config <api> <algorithm|""> <dir>
  local api=$1 algo=$2 dir=$3 version=v1.20.2
  [[ $api == v1beta4 ]] && version=v1.34.0
  cat <<YAML
apiVersion: kubeadm.k8s.io/$api
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 10.1.2.3
  bindPort: 6443
nodeRegistration:
  name: bench-node
  criSocket: unix:///run/containerd/containerd.sock
---
apiVersion: kubeadm.k8s.io/$api
kind: ClusterConfiguration
kubernetesVersion: $version
certificatesDir: $dir/pki
${algo:+encryptionAlgorithm: $algo}
YAML
}

# The extra phases (beyond certs and kubeconfig) both tools can run: each must work on an empty,
# private /etc/kubernetes (root and unshare needed); kadm builds without them just skip them.
common_extra_phases() {  # common_extra_phases <dir>
  local dir=$1 p bin out=""
  [[ $EUID -eq 0 ]] && command -v unshare >/dev/null || return 0
  for p in "etcd local" "control-plane all"; do
    local ok=1
    for bin in "$KUBEADM" "$KADM"; do
      config v1beta2 "" "$dir" >"$dir/probe.yaml"
      unshare -m sh -c "mount -t tmpfs tmpfs /etc/kubernetes || exit 1
        $bin init phase certs all --config $dir/probe.yaml && $bin init phase $p --config $dir/probe.yaml" \
        >/dev/null 2>&1 || ok=0
      rm -rf "$dir/pki"
    done
    ((ok)) && out+="$p;"
  done
  echo "$out"
}

# The chained command line of one offline init for a tool.
phases_for() {  # phases_for <bin> <cfg> <dir>
  local bin=$1 cfg=$2 dir=$3 p
  local cmd="$bin init phase certs all --config $cfg && $bin init phase kubeconfig all --config $cfg --kubeconfig-dir $dir/kc"
  if [[ -n $EXTRA ]]; then
    IFS=';' read -ra ps <<<"$EXTRA"
    for p in "${ps[@]}"; do cmd+=" && $bin init phase $p --config $cfg"; done
    echo "unshare -m sh -c 'mount -t tmpfs tmpfs /etc/kubernetes && $cmd'"
    return
  fi
  echo "sh -c '$cmd'"
}

median_ms() {  # median_ms <hyperfine json>
  python3 -c 'import json,sys; print("%.0f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$1"
}

cpu_ms() {  # mean user+system CPU time of a run (independent of how busy the machine is)
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.0f" % ((r["user"]+r["system"])*1000))' "$1"
}


run_bench() {  # run_bench <name> <bin> <api> <algo>
  local name=$1 bin=$2 api=$3 algo=$4 dir=$WORK/$1
  mkdir -p "$dir"
  config "$api" "$algo" "$dir" >"$dir/config.yaml"
  local cmd
  cmd=$(phases_for "$bin" "$dir/config.yaml" "$dir")
  hyperfine --style none --runs "$RUNS" --warmup 1 --prepare "rm -rf $dir/pki $dir/kc" \
    --export-json "$dir/result.json" "$cmd" >/dev/null
  # Peak RSS: the same chain with every process under /usr/bin/time.
  local timed=${cmd//"$bin init"//usr/bin/time -f RSS=%M $bin init}
  rm -rf "$dir/pki" "$dir/kc"
  local rss
  rss=$(bash -c "$timed" 2>&1 >/dev/null | grep -o 'RSS=[0-9]*' | cut -d= -f2 | sort -n | tail -1)
  local phases
  phases=$(grep -o 'init phase [a-z-]* [a-z]*' <<<"$cmd" | sed 's/init phase //' | paste -sd, -)
  printf '%-18s %7s ms wall %7s ms CPU %7s KB   (%s)\n' "$name" "$(median_ms "$dir/result.json")" \
    "$(cpu_ms "$dir/result.json")" "$rss" "$phases"
  echo "$(median_ms "$dir/result.json") $rss" >"$dir/summary"
}

command -v hyperfine >/dev/null || { echo "hyperfine is required (apt-get install hyperfine)"; exit 1; }
mkdir -p "$WORK/probe"
EXTRA=$(common_extra_phases "$WORK/probe")
echo "median of $RUNS runs, $(nproc) cores, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "kadm:    $KADM"
echo "kubeadm: $KUBEADM"
run_bench kubeadm-rsa2048 "$KUBEADM" v1beta2 ""
run_bench kadm-rsa2048 "$KADM" v1beta2 ""
run_bench kadm-ecdsa-p256 "$KADM" v1beta4 ECDSA-P256

read -r up_ms _ <"$WORK/kubeadm-rsa2048/summary"
read -r rsa_ms rsa_kb <"$WORK/kadm-rsa2048/summary"
read -r ec_ms ec_kb <"$WORK/kadm-ecdsa-p256/summary"
python3 - "$up_ms" "$rsa_ms" "$ec_ms" "$rsa_kb" "$ec_kb" <<'PY'
import sys
up, rsa, ec, rsa_kb, ec_kb = map(float, sys.argv[1:])
print(f"kadm RSA-2048 / kubeadm RSA-2048   = {rsa/up:.2f}  (target <= 0.55)")
print(f"kadm ECDSA-P256 / kubeadm RSA-2048 = {ec/up:.3f} (target <= 0.05)")
mb = lambda kb: f"{kb * 1024 / 1e6:.2f} MB ({kb / 1024:.2f} MiB)"
print(f"kadm peak RSS: RSA {mb(rsa_kb)}, ECDSA {mb(ec_kb)} (target <= 10 MB)")
PY

# Stripped sizes (target: the binary <= 5 MB, dynamically linked against Debian's libraries): the
# binary and the modules that sit beside it.
for f in "$KADM" "$(dirname "$KADM")"/kadm-*.so; do
  strip -o "$WORK/stripped" "$f"
  awk -v n="$(basename "$f")" -v b="$(stat -c %s "$WORK/stripped")" \
    'BEGIN { printf "stripped %-16s %6.2f MB (%.2f MiB)\n", n, b / 1e6, b / 1048576 }'
done
