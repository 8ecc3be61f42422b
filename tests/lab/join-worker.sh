#!/usr/bin/env bash
# Issue 7 on the lab, worker joins to a kadm control plane:
#  - every discovery failure produced for real from node2 (the tampered cluster-info last, from
#    node4), each with its own message and exit code within a bounded time, nothing written: wrong
#    port (10), unknown token (11), wrong token secret and really tampered cluster-info (12), wrong
#    CA hash (13, the seen hash printed), malformed token and hash (3, the bad character named);
#  - `kadm join --dry-run` prints what it would write and call, and writes nothing;
#  - `kadm join` (v1beta3 JoinConfiguration and flags) joins node2: bootstrap-kubelet.conf gone,
#    kubelet.conf and the CRI socket annotation in place, no token secret in the output;
#  - upstream kubeadm v1.20.2 joins node3 to the same kadm cluster;
#  - all three nodes Ready and a Pod (pause) runs on each worker.
# Usage: join-worker.sh KADM_BINARY
set -euo pipefail
source "$(dirname "$0")/../../lab/tests/lib.sh"
KADM=${1:?kadm binary}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
require_lab
use_lab kjw
OUT=$(mktemp -d /tmp/kadm-join-worker.XXXXXX)
trap 'rc=$?; rm -rf "$OUT"; end_lab $rc' EXIT

kc() { "$LAB" kubectl "$@"; }

say "lab up --nodes 4 (node4 only for the last failure case)"
"$LAB" up --nodes 4 >/dev/null
say "kadm init on node1 (examples/kubeadm-seed-lab.yaml)"
on node1 "$KADM" init --config "$ROOT/examples/kubeadm-seed-lab.yaml" >"$OUT/init.log" 2>&1 ||
  { tail -30 "$OUT/init.log" >&2; fail "kadm init failed"; }
joinargs=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$OUT/init.log" | grep -E '^kadm join ' | grep -v -- --control-plane |
  tail -n1 | sed -E 's/^kadm join //; s/[[:space:]]+/ /g; s/ $//')
read -r endpoint _ token _ hash <<<"$joinargs"
[[ $endpoint == 10.0.0.11:6443 && $token =~ ^[a-z0-9]{6}\.[a-z0-9]{16}$ && $hash == sha256:* ]] ||
  fail "cannot parse the join command: $joinargs"
token_id=${token%%.*}
secret=${token#*.}

# A JoinConfiguration (v1beta3) with a short discovery timeout for the failure cases.
joincfg() { # ENDPOINT TOKEN HASH
  cat <<EOF
apiVersion: kubeadm.k8s.io/v1beta3
kind: JoinConfiguration
discovery:
  timeout: 15s
  bootstrapToken:
    apiServerEndpoint: "$1"
    token: "$2"
    caCertHashes: ["$3"]
EOF
}

joiner=node2 # where the failing joins run; nothing may be written there
nothing_written() {
  local left
  left=$(on "$joiner" find /etc/kubernetes /var/lib/kubelet -mindepth 1 2>/dev/null || true)
  [ -z "$left" ] || fail "$1 left files on $joiner: $left"
}

# expect_fail NAME CODE MAX_SECONDS PATTERN -- ARGS...: kadm join on $joiner fails as expected.
expect_fail() {
  local name=$1 code=$2 max=$3 pattern=$4 t0 rc=0 took
  shift 5
  t0=$SECONDS
  on "$joiner" "$KADM" join "$@" >"$OUT/$name.log" 2>&1 || rc=$?
  took=$((SECONDS - t0))
  [ "$rc" -eq "$code" ] || { cat "$OUT/$name.log" >&2; fail "$name: exit code $rc, want $code"; }
  grep -qF -- "$pattern" "$OUT/$name.log" || { cat "$OUT/$name.log" >&2; fail "$name: no '$pattern' in the output"; }
  [ "$took" -le "$max" ] || fail "$name: took ${took}s, bound ${max}s"
  if grep -qF -- "$secret" "$OUT/$name.log"; then fail "$name: the token secret was printed"; fi
  nothing_written "$name"
  say "  $name: exit $rc in ${took}s: $(grep -m1 -F -- "$pattern" "$OUT/$name.log" | cut -c1-150)"
}

# The bootstrap signer signs cluster-info for the init token once the controller-manager runs;
# discovery tells an unknown token from a not-yet-signed one by the signatures it sees, so the
# timings below start from a signed cluster-info.
deadline=$((SECONDS + 120))
until kc -n kube-public get cm cluster-info -o json 2>/dev/null |
  jq -e --arg id "jws-kubeconfig-$token_id" '.data | has($id)' >/dev/null; do
  [ $SECONDS -lt $deadline ] || fail "cluster-info was not signed for token $token_id"
  sleep 1
done

say "discovery failures from node2"
joincfg 10.0.0.11:6444 "$token" "$hash" >"$OUT/wrong-port.yaml"
# The two that wait out a timeout run side by side (neither writes anything).
expect_fail wrong-port 10 40 "cannot reach the API server at 10.0.0.11:6444" -- --config "$OUT/wrong-port.yaml" &
wrong_port=$!
expect_fail unknown-token 11 60 "token id \"zz9zz9\" is invalid for this cluster or it has expired" -- \
  "$endpoint" --token zz9zz9.0123456789abcdef --discovery-token-ca-cert-hash "$hash" &
unknown_token=$!
wait "$wrong_port" || fail "wrong-port"
wait "$unknown_token" || fail "unknown-token"
wrong_secret="$token_id.$(rev <<<"$secret")"
expect_fail wrong-secret 12 30 "failed to verify JWS signature of received cluster info object" -- \
  "$endpoint" --token "$wrong_secret" --discovery-token-ca-cert-hash "$hash"
expect_fail wrong-hash 13 30 "none of the public keys \"$hash\"" -- \
  "$endpoint" --token "$token" --discovery-token-ca-cert-hash "sha256:$(printf '0%.0s' {1..64})"
expect_fail stray-space 3 10 "character 24 is a space" -- \
  "$endpoint" --token "$token " --discovery-token-ca-cert-hash "$hash"
expect_fail bad-hash 3 10 "character 20 is 'x', not a hex digit" -- \
  "$endpoint" --token "$token" --discovery-token-ca-cert-hash "sha256:0123456789abx"

say "kadm join --dry-run on node2"
on node2 "$KADM" join "$endpoint" --token "$token" --discovery-token-ca-cert-hash "$hash" --dry-run \
  >"$OUT/dry-run.log" 2>&1 || { cat "$OUT/dry-run.log" >&2; fail "join --dry-run failed"; }
for want in '[dryrun] Would write file "/etc/kubernetes/bootstrap-kubelet.conf"' \
  '[dryrun] Would write file "/var/lib/kubelet/config.yaml"' \
  '[dryrun] Would write file "/var/lib/kubelet/kubeadm-flags.env"' \
  '[dryrun] Would perform action PATCH on resource "nodes"' \
  'kubeadm.alpha.kubernetes.io/cri-socket' \
  '[dryrun] Finished dry-running successfully'; do
  grep -qF -- "$want" "$OUT/dry-run.log" || { cat "$OUT/dry-run.log" >&2; fail "dry-run output lacks: $want"; }
done
if grep -qF -- "$secret" "$OUT/dry-run.log"; then fail "dry-run printed the token secret"; fi
nothing_written dry-run

say "kadm join node2 (flags)"
t0=$SECONDS
on node2 "$KADM" join "$endpoint" --token "$token" --discovery-token-ca-cert-hash "$hash" --v=1 \
  >"$OUT/join-node2.log" 2>&1 || { tail -40 "$OUT/join-node2.log" >&2; fail "kadm join failed on node2"; }
say "  joined in $((SECONDS - t0))s; $(grep -o 'TLS bootstrap and Node registration took [0-9]*ms' "$OUT/join-node2.log")"
grep -q "This node has joined the cluster:" "$OUT/join-node2.log" || fail "no success message"
if grep -qF -- "$secret" "$OUT/join-node2.log"; then fail "the join output holds the token secret"; fi
on node2 test ! -e /etc/kubernetes/bootstrap-kubelet.conf || fail "bootstrap-kubelet.conf was not removed"
on node2 test -s /etc/kubernetes/kubelet.conf || fail "no kubelet.conf"
on node2 test -s /etc/kubernetes/pki/ca.crt || fail "no ca.crt"
# What kubeadm v1.20 writes for containerd (no pause image flag before v1.21), and the kubelet
# configuration of the cluster's ConfigMap, as on node1.
flags=$(on node2 cat /var/lib/kubelet/kubeadm-flags.env)
[ "$flags" = 'KUBELET_KUBEADM_ARGS="--container-runtime=remote --container-runtime-endpoint=/run/containerd/containerd.sock"' ] ||
  fail "kubeadm-flags.env: $flags"
diff <(on node1 cat /var/lib/kubelet/config.yaml) <(on node2 cat /var/lib/kubelet/config.yaml) >&2 ||
  fail "node2's kubelet config.yaml differs from node1's"
sock=$(kc get node node2 -o jsonpath='{.metadata.annotations.kubeadm\.alpha\.kubernetes\.io/cri-socket}')
[ "$sock" = /run/containerd/containerd.sock ] || fail "CRI socket annotation: '$sock'"

say "upstream kubeadm v1.20.2 join node3 to the kadm cluster"
on node3 kubeadm join "$endpoint" --token "$token" --discovery-token-ca-cert-hash "$hash" >"$OUT/join-node3.log" 2>&1 ||
  { tail -30 "$OUT/join-node3.log" >&2; fail "kubeadm join failed on node3"; }

say "waiting for three Ready nodes"
"$LAB" wait-ready --timeout 400 >/dev/null || { kc get nodes,pods -A -o wide || true; fail "cluster not ready"; }
nodes=$(kc get nodes -o jsonpath='{range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status} {end}')
[ "$nodes" = "node1=True node2=True node3=True " ] || fail "nodes: $nodes"

for n in node2 node3; do
  say "a pause Pod on $n"
  kc run "pause-$n" --image=k8s.gcr.io/pause:3.2 --restart=Never \
    --overrides="{\"spec\":{\"nodeSelector\":{\"kubernetes.io/hostname\":\"$n\"}}}" >/dev/null
  deadline=$((SECONDS + 180))
  until [ "$(kc get pod "pause-$n" -o jsonpath='{.status.phase}')" = Running ]; do
    [ $SECONDS -lt $deadline ] || { kc describe pod "pause-$n" || true; fail "pause-$n not Running"; }
    sleep 2
  done
  [ "$(kc get pod "pause-$n" -o jsonpath='{.spec.nodeName}')" = "$n" ] || fail "pause-$n not on $n"
done

# Last, as it leaves the cluster without its controller-manager (which would re-sign the
# tampered ConfigMap, and which approves the kubelets' CSRs): a restarted one waits out its
# predecessor's leader lease before it approves anything.
say "tampered cluster-info from node4 (controller-manager stopped so that nothing re-signs it)"
joiner=node4
on node1 mv /etc/kubernetes/manifests/kube-controller-manager.yaml "$OUT/kcm.yaml"
kcm_running() { on node1 crictl ps | awk '$2 == "CONTAINER_RUNNING" && $3 == "kube-controller-manager"' | grep -q .; }
deadline=$((SECONDS + 120))
while kcm_running; do
  [ $SECONDS -lt $deadline ] || fail "kube-controller-manager did not stop"
  sleep 1
done
kc -n kube-public get cm cluster-info -o json | jq 'del(.metadata.resourceVersion)' >"$OUT/cluster-info.json"
jq '.data.kubeconfig |= sub("https://10.0.0.11:6443"; "https://10.0.0.66:6443")' "$OUT/cluster-info.json" |
  kc replace -f - >/dev/null
expect_fail tampered 12 30 "failed to verify JWS signature of received cluster info object" -- \
  "$endpoint" --token "$token" --discovery-token-ca-cert-hash "$hash"

echo "PASS $TEST_NAME"
