#!/usr/bin/env bash
# The CRI client's gRPC and protobuf live in kadm-cri.so, loaded only by commands that talk to
# the container runtime: the kadm binary must not link them, and `kadm version` must not load
# them. `config images pull` with a socket that answers refused must load the module (proof
# that the check below would see it).
# Usage: main_binary_without_grpc_test.sh KADM
set -euo pipefail
kadm=$1
fail=0
heavy='grpc|protobuf|absl|upb|cares'

if ldd "$kadm" | grep -E "$heavy"; then
  echo "FAIL: $kadm links the libraries above; they belong in kadm-cri.so" >&2
  fail=1
fi
[ -e "$(dirname "$kadm")/kadm-cri.so" ] || { echo "FAIL: kadm-cri.so is not next to $kadm" >&2; fail=1; }

loaded=$(LD_DEBUG=files "$kadm" version -o short 2>&1 >/dev/null | grep -E "file=.*($heavy)" || true)
if [ -n "$loaded" ]; then
  echo "FAIL: kadm version loaded:" >&2
  echo "$loaded" >&2
  fail=1
fi

# A socket file nobody listens on: the command gets as far as loading the module.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => $ARGV[0]) or die "$!\n"' \
  "$dir/stale.sock"
out=$(LD_DEBUG=files "$kadm" config images pull --kubernetes-version v1.20.2 --cri-socket "unix://$dir/stale.sock" 2>&1 || true)
if ! grep -q "file=.*kadm-cri.so" <<<"$out"; then
  echo "FAIL: config images pull did not load kadm-cri.so" >&2
  fail=1
fi
if ! grep -q "no container runtime answers at unix://$dir/stale.sock" <<<"$out"; then
  echo "FAIL: config images pull on a stale socket did not say so:" >&2
  grep -v "^ *[0-9]*:" <<<"$out" >&2 || true
  fail=1
fi
[ $fail -eq 0 ] && echo "ok: kadm links no gRPC, kadm version loads none, config images pull loads kadm-cri.so"
exit $fail
