#!/usr/bin/env bash
# lab/lib/build-k8s.sh: build the Kubernetes binaries of lab/images.list's version from Debian's
# source package, plus the lab's crictl and the pause binary, into
# $KADM_LAB_CACHE/k8s/<version>/bin. Reuses the cache: when the binaries are there and their
# stamps match, it only re-checks them (seconds). Needs lab/install-deps first.
#   usage: build-k8s.sh [--force]
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

BINARIES=(kubeadm kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
SRC=$K8S_CACHE/src/kubernetes-${K8S_DEB_VERSION%-*}
# Go >= 1.18 breaks the vendored reflect2 1.0.1 (every JSON encode through json-iterator panics);
# Debian's 1.0.2 replaces it. Part of the stamp so a change of the fix rebuilds.
REFLECT2=/usr/share/gocode/src/github.com/modern-go/reflect2
K8S_STAMP="deb=$K8S_DEB_VERSION reflect2=1.0.2 cgo=0"
# Reproducible build date (hack/lib/version.sh honours SOURCE_DATE_EPOCH): the release day.
export SOURCE_DATE_EPOCH=1610496000

fetch_source() {
  [ -f "$SRC/build/pause/linux/pause.c" ] && return 0
  local tmp=$K8S_CACHE/src.tmp
  command -v dpkg-source >/dev/null || die "dpkg-dev missing: run lab/install-deps"
  rm -rf "$tmp" "$K8S_CACHE/src"
  mkdir -p "$tmp"
  log "fetching Debian source package kubernetes=$K8S_DEB_VERSION"
  (cd "$tmp" && apt-get source "kubernetes=$K8S_DEB_VERSION") >"$K8S_CACHE/fetch.log" 2>&1 ||
    { tail -5 "$K8S_CACHE/fetch.log" >&2; die "apt-get source failed (needs deb-src entries: run lab/install-deps)"; }
  mv "$tmp" "$K8S_CACHE/src"
  [ -d "$SRC" ] || die "expected $SRC after apt-get source"
}

fix_reflect2() {
  local v=$SRC/vendor/github.com/modern-go/reflect2
  [ -f "$REFLECT2/go_above_118.go" ] || die "$REFLECT2 missing: apt-get install golang-github-modern-go-reflect2-dev (lab/install-deps)"
  [ -f "$v/go_above_118.go" ] && return 0
  rm -f "$v"/*.go "$v"/*.s
  cp "$REFLECT2"/*.go "$REFLECT2"/*.s "$v/" # vendor/modules.txt stays as it is
}

binaries_ok() {
  local b
  [ "$(cat "$K8S_BIN/.stamp" 2>/dev/null)" = "$K8S_STAMP" ] || return 1
  for b in "${BINARIES[@]}"; do [ -x "$K8S_BIN/$b" ] || return 1; done
}

make_k8s() {
  local what="" b
  for b in "${BINARIES[@]}"; do what+="cmd/$b "; done
  # hack/ forces GO111MODULE=off and vendor mode itself; CGO off gives static binaries.
  (cd "$SRC" && env GOPATH="$K8S_CACHE/gopath" GOCACHE="$K8S_CACHE/gocache" HOME=/root CGO_ENABLED=0 \
    make WHAT="${what% }")
}

install_binaries() {
  local b
  mkdir -p "$K8S_BIN"
  rm -f "$K8S_BIN/.stamp"
  # --remove-destination: a running kubelet would make a plain cp fail with ETXTBSY.
  for b in "${BINARIES[@]}"; do cp --remove-destination "$SRC/_output/bin/$b" "$K8S_BIN/$b"; done
  echo "$K8S_STAMP" >"$K8S_BIN/.stamp"
}

# lab-crictl: our own small CRI client (lab/helpers/lab-crictl), built in the k8s tree's GOPATH
# so it uses kubelet's CRI client package (module mode fails on the vendored tree).
crictl_stamp() { echo "$(files_sha "$LAB_DIR/helpers/lab-crictl/main.go") $K8S_STAMP"; }

crictl_ok() {
  [ -x "$K8S_BIN/crictl" ] && [ "$(cat "$K8S_BIN/.crictl-stamp" 2>/dev/null)" = "$(crictl_stamp)" ]
}

build_crictl() {
  local main=$LAB_DIR/helpers/lab-crictl/main.go stamp
  stamp=$(crictl_stamp)
  mkdir -p "$SRC/cmd/lab-crictl"
  cp "$main" "$SRC/cmd/lab-crictl/main.go"
  local gopath=$SRC/_output/local/go
  [ -d "$gopath/src/k8s.io/kubernetes" ] || die "$gopath/src/k8s.io/kubernetes missing (k8s make did not run?)"
  (cd "$gopath/src/k8s.io/kubernetes" && env GO111MODULE=off GOPATH="$gopath" GOCACHE="$K8S_CACHE/gocache" \
    CGO_ENABLED=0 GOFLAGS= go build -trimpath -ldflags "-s -w" -o "$K8S_BIN/crictl.new" k8s.io/kubernetes/cmd/lab-crictl)
  mv "$K8S_BIN/crictl.new" "$K8S_BIN/crictl"
  echo "$stamp" >"$K8S_BIN/.crictl-stamp"
}

# pause: the sandbox image's only binary, from the version's own pause.c.
build_pause() {
  local c=$SRC/build/pause/linux/pause.c stamp
  stamp=$(files_sha "$c")
  [ -x "$K8S_BIN/pause" ] && [ "$(cat "$K8S_BIN/.pause-stamp" 2>/dev/null)" = "$stamp" ] && return 0
  gcc -Os -Wall -Werror -static -DVERSION=v3.4.1-kadm-lab -o "$K8S_BIN/pause.new" "$c"
  mv "$K8S_BIN/pause.new" "$K8S_BIN/pause"
  echo "$stamp" >"$K8S_BIN/.pause-stamp"
}

# The reflect2 fix is only proven by something that goes through json-iterator:
# `kubeadm version -o json` does not, `kubeadm config print init-defaults` does.
smoke_test() {
  "$K8S_BIN/kubeadm" config print init-defaults >/dev/null 2>&1 ||
    die "$K8S_BIN/kubeadm config print init-defaults fails (reflect2 fix missing?); rebuild with --force"
  "$K8S_BIN/kubeadm" version -o short | grep -qx "$K8S_VERSION" ||
    die "$K8S_BIN/kubeadm reports $("$K8S_BIN/kubeadm" version -o short), expected $K8S_VERSION"
}

main() {
  need_root
  if [ "${1:-}" = --force ]; then rm -f "$K8S_BIN/.stamp" "$K8S_BIN/.crictl-stamp" "$K8S_BIN/.pause-stamp"; fi
  mkdir -p "$K8S_CACHE"
  # One builder at a time per version (CI and a developer may both call this).
  exec 9>"$K8S_CACHE/.lock"
  flock 9
  if binaries_ok; then
    log "Kubernetes $K8S_VERSION binaries cached in $K8S_BIN"
  else
    fetch_source
    fix_reflect2
    with_progress "$K8S_CACHE/build.log" "building Kubernetes $K8S_VERSION (cold: ~4 min on 2 cores; log $K8S_CACHE/build.log)" make_k8s
    install_binaries
  fi
  if [ ! -f "$SRC/build/pause/linux/pause.c" ] || [ ! -d "$SRC/_output/local/go/src/k8s.io/kubernetes" ]; then
    # Binaries cached but the tree is gone: helpers need it, so fetch and prepare it again.
    fetch_source
    fix_reflect2
    with_progress "$K8S_CACHE/build.log" "re-preparing Kubernetes $K8S_VERSION source tree" make_k8s
  fi
  crictl_ok || with_progress "$K8S_CACHE/crictl-build.log" "building lab crictl" build_crictl
  build_pause
  smoke_test
  log "binaries ready: $K8S_BIN"
}

main "$@"
