# shellcheck shell=bash
# lab/tests/lib.sh: shared by the lab's integration tests. Each test uses its own lab (name from
# the test and its PID) so tests and other labs can run side by side, and always tears it down.
# A test that cannot start a lab exits 77 (ctest SKIP_RETURN_CODE) after ONE line saying why.
set -euo pipefail
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=$(dirname "$TESTS_DIR")/lab
TEST_NAME=$(basename "$0" .sh)
T0=${EPOCHREALTIME/./}

skip() {
  echo "SKIP $TEST_NAME: $*"
  exit 77
}

say() { echo "[$TEST_NAME +$(((${EPOCHREALTIME/./} - T0) / 1000000))s] $*"; }

fail() {
  echo "FAIL $TEST_NAME: $*" >&2
  exit 1
}

# require_lab: root, namespaces and the cached (or buildable) Kubernetes binaries and images.
require_lab() {
  [ "$(id -u)" -eq 0 ] || skip "needs root (namespaces, mounts, cgroups)"
  for t in unshare nsenter; do command -v "$t" >/dev/null || skip "$t missing (util-linux)"; done
  unshare --mount --uts --net true 2>/dev/null || skip "cannot create mount/uts/net namespaces here"
  [ -d /sys/fs/cgroup/pids ] || skip "no cgroup v1 pids hierarchy at /sys/fs/cgroup/pids"
  for t in containerd runc ctr iptables jq; do
    command -v "$t" >/dev/null || skip "$t missing: run lab/install-deps"
  done
  if ! "$LAB" prepare >"/tmp/kadm-lab-$TEST_NAME-prepare.log" 2>&1; then
    skip "no cached Kubernetes binaries/images and building them failed (run lab/ci-prepare; log /tmp/kadm-lab-$TEST_NAME-prepare.log)"
  fi
}

# use_lab PREFIX: a lab name of our own, torn down whatever happens; its logs are kept when the
# test failed.
use_lab() {
  export KADM_LAB="$1-$$"
  trap end_lab EXIT
}

# end_lab [RC]: RC defaults to the status the EXIT trap was entered with; a trap that does other
# clean-up first passes the status it saved (trap 'rc=$?; rm -rf "$OUT"; end_lab $rc' EXIT).
end_lab() {
  local rc=${1:-$?}
  if [ "$rc" -eq 0 ]; then
    "$LAB" down --purge >/dev/null 2>&1 || true
  else
    "$LAB" down >/dev/null 2>&1 || true
    echo "($TEST_NAME: lab logs kept in ${KADM_LAB_STATE_ROOT:-/var/lib/kadm-lab}/$KADM_LAB/logs)" >&2
  fi
  exit "$rc"
}

# on NODE CMD...: run CMD inside NODE of our lab.
on() {
  local node=$1
  shift
  "$LAB" exec "$node" -- "$@"
}
