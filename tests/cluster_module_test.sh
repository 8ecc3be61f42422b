#!/usr/bin/env bash
# The commands that make keys or talk to a cluster live in kadm-cluster.so with libcrypto
# (CMakeLists.txt, kadmcluster): the kadm binary must not link libcrypto, `kadm version` and the
# `config` commands must run without loading it, a command of the module must load it and work,
# a binary whose module is missing must say so, without breaking the commands it holds, and
# --rootfs must not lose the modules.
# Usage: cluster_module_test.sh KADM
set -euo pipefail
kadm=$1
fail=0
crypto='libcrypto|libssl|kadm-cluster'

if ldd "$kadm" | grep -E "$crypto"; then
  echo "FAIL: $kadm links the libraries above; they belong in kadm-cluster.so" >&2
  fail=1
fi

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf 'apiVersion: kubeadm.k8s.io/v1beta1\nkind: ClusterConfiguration\nkubernetesVersion: v1.20.2\n' >"$dir/old.yaml"
for cmd in "version -o short" "config print init-defaults" "config images list --kubernetes-version v1.20.2" \
           "config migrate --old-config $dir/old.yaml"; do
  # shellcheck disable=SC2086
  if ! out=$(LD_DEBUG=files "$kadm" $cmd 2>&1); then
    echo "FAIL: kadm $cmd failed:" >&2
    grep -v "^ *[0-9]*:" <<<"$out" >&2 || true
    fail=1
  fi
  if loaded=$(grep -E "file=.*($crypto)" <<<"$out"); then
    echo "FAIL: kadm $cmd loaded:" >&2
    echo "$loaded" >&2
    fail=1
  fi
done

# A command of the module loads it and libcrypto, and does its work.
out=$(LD_DEBUG=files "$kadm" certs certificate-key 2>&1)
for lib in kadm-cluster.so libcrypto; do
  grep -q "file=.*$lib" <<<"$out" || { echo "FAIL: certs certificate-key did not load $lib" >&2; fail=1; }
done
grep -Eqx '[0-9a-f]{64}' <<<"$(grep -v "^ *[0-9]*:" <<<"$out")" ||
  { echo "FAIL: certs certificate-key printed no key" >&2; fail=1; }

# --rootfs chroots before the command runs: the modules it needs later (kadm-http.so here) must
# have been loaded first, since the binary's directory is out of reach after it (root only). The
# error then names the API server it could not reach.
if [ "$(id -u)" -eq 0 ]; then
  printf 'apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\nlocalAPIEndpoint:\n  advertiseAddress: 127.0.0.1\n  bindPort: 1\n---\napiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.20.2\ncertificatesDir: %s/pki\n' \
    "$dir" >"$dir/local.yaml"
  "$kadm" init phase certs ca --config "$dir/local.yaml" >/dev/null
  "$kadm" init phase kubeconfig admin --config "$dir/local.yaml" --kubeconfig-dir "$dir/root" >/dev/null
  out=$("$kadm" token list --rootfs "$dir/root" --kubeconfig /admin.conf 2>&1 || true)
  if ! grep -q "https://127.0.0.1:1: connection refused" <<<"$out"; then
    echo "FAIL: token list under --rootfs did not get as far as connecting, or did not name the server:" >&2
    echo "$out" >&2
    fail=1
  fi
fi

# The binary alone, without its modules.
cp "$kadm" "$dir/kadm"
if out=$("$dir/kadm" init --help 2>&1); then
  echo "FAIL: kadm init --help succeeded without kadm-cluster.so" >&2
  fail=1
elif ! grep -q "kadm-cluster.so was not found in $dir" <<<"$out"; then
  echo "FAIL: a missing kadm-cluster.so is not named:" >&2
  echo "$out" >&2
  fail=1
fi
"$dir/kadm" version -o short >/dev/null || { echo "FAIL: kadm version needs kadm-cluster.so" >&2; fail=1; }

[ $fail -eq 0 ] && echo "ok: kadm links no libcrypto, version and config load none, the module's commands load kadm-cluster.so"
exit $fail
