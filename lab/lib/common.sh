# shellcheck shell=bash
# lab/lib/common.sh: paths, version facts and small helpers shared by every lab script.
# Sourced, never run. Callers set `set -euo pipefail` themselves.
# shellcheck disable=SC2034 # variables here are used by the scripts that source this file

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO_DIR=$(dirname "$LAB_DIR")
# Built Kubernetes binaries and images live outside the repo, keyed by version, so later runs,
# other checkouts and CI on the same machine reuse them.
KADM_LAB_CACHE=${KADM_LAB_CACHE:-/var/cache/kadm-lab}
# Per-lab state (node directories, containerd roots, pid files, logs). Not in the repo.
KADM_LAB_STATE_ROOT=${KADM_LAB_STATE_ROOT:-/var/lib/kadm-lab}
# Host-wide bookkeeping shared by all labs (which host dirs/sysctls the labs changed).
KADM_LAB_RUN=${KADM_LAB_RUN:-/run/kadm-lab}

# ---------------------------------------------------------------- messages and timing
log() { printf '[lab] %s\n' "$*" >&2; }
warn() { printf '[lab] WARNING: %s\n' "$*" >&2; }
die() {
  printf '[lab] error: %s\n' "$*" >&2
  exit 1
}

# Milliseconds since the epoch, from bash's own clock (no bc/date forks).
now_ms() {
  local t=${EPOCHREALTIME/./}
  echo $((t / 1000))
}

# fmt_secs MS -> "12.3s"
fmt_secs() { printf '%d.%ds' $(($1 / 1000)) $((($1 % 1000) / 100)); }

# with_progress LOGFILE MESSAGE CMD...: run CMD with its output in LOGFILE, printing a progress
# line with the elapsed time every few seconds (every step that can take long uses this, so a
# person watching knows it is alive); on failure show the log's tail.
with_progress() {
  local logfile=$1 msg=$2
  shift 2
  local t0 pid rc=0 tick=0
  t0=$(now_ms)
  mkdir -p "$(dirname "$logfile")"
  "$@" >"$logfile" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 0.2
    tick=$((tick + 1))
    if [ -t 2 ]; then
      [ $((tick % 5)) -eq 0 ] && printf '\r[lab] %s ... %s ' "$msg" "$(fmt_secs $(($(now_ms) - t0)))" >&2
    elif [ $((tick % 75)) -eq 0 ]; then
      printf '[lab] %s ... %s\n' "$msg" "$(fmt_secs $(($(now_ms) - t0)))" >&2
    fi
  done
  wait "$pid" || rc=$?
  [ -t 2 ] && printf '\r' >&2
  if [ "$rc" -ne 0 ]; then
    printf '[lab] %s FAILED after %s (rc=%d); last lines of %s:\n' "$msg" "$(fmt_secs $(($(now_ms) - t0)))" "$rc" "$logfile" >&2
    tail -n 25 "$logfile" >&2
    return "$rc"
  fi
  printf '[lab] %s done in %s\n' "$msg" "$(fmt_secs $(($(now_ms) - t0)))" >&2
}

# wait_until TIMEOUT_S MESSAGE CMD...: poll CMD (quietly) every second until it succeeds, with a
# progress line; fails after TIMEOUT_S. Used instead of fixed sleeps (LAB.md §9).
wait_until() {
  local timeout=$1 msg=$2
  shift 2
  local t0 tick=0
  t0=$(now_ms)
  until "$@" >/dev/null 2>&1; do
    if [ $(($(now_ms) - t0)) -gt $((timeout * 1000)) ]; then
      [ -t 2 ] && printf '\n' >&2
      log "$msg: timed out after ${timeout}s"
      return 1
    fi
    sleep 1
    tick=$((tick + 1))
    if [ -t 2 ]; then
      printf '\r[lab] %s ... %s ' "$msg" "$(fmt_secs $(($(now_ms) - t0)))" >&2
    elif [ $((tick % 15)) -eq 0 ]; then
      printf '[lab] %s ... %s\n' "$msg" "$(fmt_secs $(($(now_ms) - t0)))" >&2
    fi
  done
  [ -t 2 ] && printf '\r' >&2
  printf '[lab] %s: ok after %s\n' "$msg" "$(fmt_secs $(($(now_ms) - t0)))" >&2
}

# ---------------------------------------------------------------- version facts (lab/images.list)
IMAGES_LIST=${KADM_LAB_IMAGES_LIST:-$LAB_DIR/images.list}
K8S_VERSION=
K8S_DEB_VERSION=
REGISTRIES=()
IMAGE_NAMES=()
IMAGE_TAGS=()
IMAGE_RECIPES=()

load_images_list() {
  local kind a b c
  [ -r "$IMAGES_LIST" ] || die "cannot read $IMAGES_LIST"
  while read -r kind a b c; do
    case "$kind" in
      '' | '#'*) ;;
      kubernetes) K8S_VERSION=$a K8S_DEB_VERSION=$b ;;
      registry) REGISTRIES+=("$a") ;;
      image)
        [ -n "$c" ] || die "$IMAGES_LIST: image line for '$a' needs <name> <tag> <recipe>"
        IMAGE_NAMES+=("$a") IMAGE_TAGS+=("$b") IMAGE_RECIPES+=("$c")
        ;;
      *) die "$IMAGES_LIST: unknown line kind '$kind' (expected kubernetes, registry or image)" ;;
    esac
  done <"$IMAGES_LIST"
  if [ -z "$K8S_VERSION" ] || [ -z "$K8S_DEB_VERSION" ]; then
    die "$IMAGES_LIST: missing 'kubernetes <version> <debian-version>' line"
  fi
  [ ${#REGISTRIES[@]} -gt 0 ] || die "$IMAGES_LIST: no 'registry' line"
  K8S_CACHE=$KADM_LAB_CACHE/k8s/$K8S_VERSION
  K8S_BIN=$K8S_CACHE/bin
  IMAGES_DIR=$KADM_LAB_CACHE/images/$K8S_VERSION
}

# image_tag NAME -> tag from images.list
image_tag() {
  local i
  for i in "${!IMAGE_NAMES[@]}"; do
    [ "${IMAGE_NAMES[$i]}" = "$1" ] && { echo "${IMAGE_TAGS[$i]}"; return 0; }
  done
  die "image '$1' is not in $IMAGES_LIST"
}

# The CRI sandbox image, under the version's default registry.
sandbox_image() { echo "${REGISTRIES[0]}/pause:$(image_tag pause)"; }

load_images_list

# ---------------------------------------------------------------- misc
need_root() {
  [ "$(id -u)" -eq 0 ] || die "must run as root (namespaces, mounts, cgroups)"
}

# sha256 of files (content and order), for cache keys.
files_sha() { cat "$@" | sha256sum | cut -d' ' -f1; }
