#!/usr/bin/env bash
# lab/lib/build-images.sh: build every image of lab/images.list as a docker-archive tar in
# $KADM_LAB_CACHE/images/<version>/, offline, from the cached Kubernetes binaries and Debian
# packages. Each image is tagged under every registry of images.list. Skips the work when the
# inputs did not change (cache key in .stamp). Needs lab/lib/build-k8s.sh first.
#   usage: build-images.sh [--force]
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Fixed timestamps make the tars bit-for-bit reproducible for identical inputs.
EPOCH_DATE='2021-01-13 00:00:00Z'
EPOCH_ISO='2021-01-13T00:00:00Z'
WORK=

# mkimage OUT.tar ROOTFS ENTRYPOINT_JSON: write a docker-archive (`docker save` layout:
# manifest.json + config + one layer) tagged for every registry; `ctr images import` takes it.
mkimage() {
  local out=$1 rootfs=$2 entry=$3 name=$4 tag=$5
  local w diff cfg tags="" r
  w=$(mktemp -d "$WORK/img.XXXXXX")
  # The layer: a deterministic tar of the rootfs; its sha256 is the diff_id.
  tar --sort=name --mtime="$EPOCH_DATE" --owner=0 --group=0 --numeric-owner -C "$rootfs" -cf "$w/layer.tar" .
  diff=$(sha256sum "$w/layer.tar" | cut -d' ' -f1)
  mkdir "$w/$diff"
  mv "$w/layer.tar" "$w/$diff/layer.tar"
  cat >"$w/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"$EPOCH_ISO",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Entrypoint":$entry,"WorkingDir":"/"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff"]},
 "history":[{"created":"$EPOCH_ISO","created_by":"kadm lab/lib/build-images.sh"}]}
JSON
  cfg=$(sha256sum "$w/config.json" | cut -d' ' -f1)
  mv "$w/config.json" "$w/$cfg.json"
  for r in "${REGISTRIES[@]}"; do tags+="\"$r/$name:$tag\","; done
  printf '[{"Config":"%s.json","RepoTags":[%s],"Layers":["%s/layer.tar"]}]\n' "$cfg" "${tags%,}" "$diff" >"$w/manifest.json"
  tar --sort=name --mtime="$EPOCH_DATE" --owner=0 --group=0 --numeric-owner -C "$w" \
    -cf "$out.tmp" manifest.json "$cfg.json" "$diff"
  mv "$out.tmp" "$out"
  rm -rf "$w"
}

# base_rootfs DIR: what every image needs besides its binaries (/tmp, users).
base_rootfs() {
  mkdir -p "$1/tmp" "$1/etc" "$1/usr/local/bin"
  chmod 1777 "$1/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' >"$1/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$1/etc/group"
}

# copy_with_libs ROOTFS FILE...: copy files (same paths, symlinks resolved) and their shared libs.
copy_with_libs() {
  local root=$1 f p
  shift
  for f in "$@"; do
    for p in "$f" $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true); do
      [ -e "$p" ] || continue
      mkdir -p "$root$(dirname "$p")"
      cp -L "$p" "$root$p"
    done
  done
}

recipe_pause() {
  cp "$K8S_BIN/pause" "$1/pause"
  echo '["/pause"]'
}

# kube-apiserver, -controller-manager, -scheduler: static binaries; kubeadm's manifests call them
# by bare name, hence the PATH in the image config.
recipe_k8s-binary() {
  base_rootfs "$1"
  cp "$K8S_BIN/$2" "$1/usr/local/bin/"
  echo "[\"/usr/local/bin/$2\"]"
}

# kube-proxy needs iptables (the same backend as the host's default, because the kubelet uses the
# host's iptables in the same netns), conntrack, the xtables modules and their libraries.
recipe_kube-proxy() {
  local root=$1 backend n
  base_rootfs "$root"
  mkdir -p "$root/run" "$root/var/run"
  backend=$(basename "$(readlink -f /usr/sbin/iptables)")
  case "$backend" in
    xtables-nft-multi | xtables-legacy-multi) ;;
    *) die "unexpected /usr/sbin/iptables -> $backend (want xtables-nft-multi or xtables-legacy-multi)" ;;
  esac
  copy_with_libs "$root" /usr/sbin/xtables-nft-multi /usr/sbin/xtables-legacy-multi /usr/sbin/conntrack \
    /usr/lib/x86_64-linux-gnu/xtables/*.so
  for n in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
    ln -sf "$backend" "$root/usr/sbin/$n"
  done
  cp /etc/protocols /etc/services "$root/etc/"
  [ -f /etc/ethertypes ] && cp /etc/ethertypes "$root/etc/"
  printf 'hosts: files dns\nprotocols: files\nservices: files\n' >"$root/etc/nsswitch.conf"
  cp "$K8S_BIN/kube-proxy" "$root/usr/local/bin/"
  echo '["/usr/local/bin/kube-proxy"]'
}

# etcd: Debian's etcd-server (3.4.x; dynamically linked against libc only) under kubeadm's tag.
recipe_etcd() {
  local root=$1
  base_rootfs "$root"
  mkdir -p "$root/var/lib/etcd"
  copy_with_libs "$root" /usr/bin/etcd /usr/bin/etcdctl
  echo '["/usr/bin/etcd"]'
}

recipe_coredns-stub() {
  local root=$1 src=$WORK/coredns-src
  base_rootfs "$root"
  mkdir -p "$src" "$root/etc/coredns"
  cp "$LAB_DIR/helpers/coredns-stub/main.go" "$src/"
  printf 'module kadm-lab/coredns-stub\n\ngo 1.19\n' >"$src/go.mod"
  (cd "$src" && env CGO_ENABLED=0 GOFLAGS= GOPROXY=off GOCACHE="$KADM_LAB_CACHE/gocache" GOPATH="$WORK/gopath" \
    go build -trimpath -ldflags "-s -w" -o "$root/coredns" .)
  echo '["/coredns"]'
}

# Everything the tars depend on; a change of any of it rebuilds them.
cache_key() {
  {
    cat "$IMAGES_LIST" "${BASH_SOURCE[0]}" "$LAB_DIR/helpers/coredns-stub/main.go"
    cat "$K8S_BIN/.stamp" "$K8S_BIN/.pause-stamp"
    dpkg-query -W etcd-server iptables conntrack libc6 golang-go
    readlink -f /usr/sbin/iptables
  } | sha256sum | cut -d' ' -f1
}

images_ok() {
  local i
  [ "$(cat "$IMAGES_DIR/.stamp" 2>/dev/null)" = "$1" ] || return 1
  for i in "${!IMAGE_NAMES[@]}"; do
    [ -s "$IMAGES_DIR/${IMAGE_NAMES[$i]}_${IMAGE_TAGS[$i]}.tar" ] || return 1
  done
}

build_all() {
  local i name tag recipe root entry
  for i in "${!IMAGE_NAMES[@]}"; do
    name=${IMAGE_NAMES[$i]} tag=${IMAGE_TAGS[$i]} recipe=${IMAGE_RECIPES[$i]}
    declare -F "recipe_$recipe" >/dev/null || die "$IMAGES_LIST: unknown recipe '$recipe' for image $name"
    root=$WORK/rootfs-$name
    mkdir -p "$root"
    entry=$("recipe_$recipe" "$root" "$name")
    mkimage "$IMAGES_DIR/${name}_$tag.tar" "$root" "$entry" "$name" "$tag"
    echo "built ${name}_$tag.tar ($(du -h "$IMAGES_DIR/${name}_$tag.tar" | cut -f1))"
  done
}

main() {
  need_root
  if [ ! -f "$K8S_BIN/.stamp" ] || [ ! -f "$K8S_BIN/.pause-stamp" ]; then
    die "no cached binaries in $K8S_BIN: run lab/lib/build-k8s.sh first"
  fi
  mkdir -p "$IMAGES_DIR"
  exec 9>"$IMAGES_DIR/.lock"
  flock 9
  local key
  key=$(cache_key)
  [ "${1:-}" = --force ] && rm -f "$IMAGES_DIR/.stamp"
  if images_ok "$key"; then
    log "images cached in $IMAGES_DIR"
    return 0
  fi
  rm -f "$IMAGES_DIR/.stamp"
  WORK=$(mktemp -d /tmp/kadm-lab-images.XXXXXX)
  trap 'rm -rf "$WORK"' EXIT
  with_progress "$IMAGES_DIR/build.log" "building ${#IMAGE_NAMES[@]} images into $IMAGES_DIR" build_all
  echo "$key" >"$IMAGES_DIR/.stamp"
}

main "$@"
