#!/usr/bin/env bash
# Issue 6 on the lab: `kadm init` with the seed guide's configuration (a v1beta1 file with
# v1alpha-era fields, a mirror imageRepository and a pod subnet) brings up a control plane whose
# Pods run and whose node turns Ready, with the cluster objects upstream's e2e_kubeadm suite
# checks (tokens, RBAC, kubeadm-config, kubelet-config, cluster-info and its signature, node
# labels and taints), and no secret in any output line at --v=10 except the join command. The
# kubelet is started ahead of the certificates it does not need.
# Usage: kadm-init.sh KADM_BINARY
set -euo pipefail
source "$(dirname "$0")/../../lab/tests/lib.sh"
KADM=${1:?kadm binary}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
require_lab
use_lab kinit
OUT=$(mktemp)
trap 'rc=$?; rm -f "$OUT"; end_lab $rc' EXIT

kc() { "$LAB" kubectl "$@"; }
expect_eq() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; }
b64d() { base64 -d 2>/dev/null; }

say "lab up"
"$LAB" up --nodes 1 >/dev/null
say "kadm init --config examples/kubeadm-seed.yaml --v=10"
if ! on node1 "$KADM" init --config "$ROOT/examples/kubeadm-seed.yaml" --v=10 >"$OUT" 2>&1; then
  tail -40 "$OUT" >&2
  fail "kadm init failed"
fi
grep -q "Your Kubernetes control-plane has initialized successfully!" "$OUT" || fail "no success banner"
join_line=$(grep -m1 '^kadm join ' "$OUT") || fail "no join command printed"
token=$(sed -n 's/.*--token \([a-z0-9]\{6\}\.[a-z0-9]\{16\}\).*/\1/p' <<<"$join_line")
[ -n "$token" ] || fail "no token in the join command: $join_line"
token_id=${token%%.*}
token_secret=${token#*.}

say "the kubelet was started ahead of the certificates it does not need"
# kubelet-start writes config.yaml just before it starts the kubelet; the API server's
# certificate and the control-plane manifests come after, while the kubelet boots.
grep -q 'ran ahead of their turn: certs, certs/ca, kubeconfig, kubeconfig/kubelet, kubelet-start$' "$OUT" ||
  fail "init did not say it ran the kubelet ahead"
on node1 test /var/lib/kubelet/config.yaml -ot /etc/kubernetes/pki/apiserver.crt ||
  fail "apiserver.crt was made before the kubelet was started"
on node1 test /var/lib/kubelet/config.yaml -ot /etc/kubernetes/manifests/kube-apiserver.yaml ||
  fail "the API server's manifest was written before the kubelet was started"

say "no secret outside the join command"
# The join command spans two lines (the second has the CA hash); nothing else may hold the
# token secret, nor the private keys of the PKI.
leaks=$(grep -n -- "$token_secret" "$OUT" | grep -v -- "--token $token" || true)
[ -z "$leaks" ] || fail "the token secret appears outside the join command:\n$leaks"
if grep -q "PRIVATE KEY" "$OUT"; then fail "a private key appears in the output"; fi

say "waiting for the node and the control plane"
deadline=$((SECONDS + 240))
until kc get node node1 -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null | grep -q True; do
  [ $SECONDS -lt $deadline ] || fail "node1 not Ready after 240s"
  sleep 2
done
for c in etcd kube-apiserver kube-controller-manager kube-scheduler; do
  until [ "$(kc get pod -n kube-system "$c-node1" -o jsonpath='{.status.phase}' 2>/dev/null)" = Running ]; do
    [ $SECONDS -lt $deadline ] || fail "$c-node1 not Running after 240s"
    sleep 2
  done
done

say "bootstrap token Secret"
secret=$(kc get secret -n kube-system "bootstrap-token-$token_id" -o json)
expect_eq "token type" "$(jq -r .type <<<"$secret")" "bootstrap.kubernetes.io/token"
expect_eq "token-id" "$(jq -r '.data["token-id"]' <<<"$secret" | b64d)" "$token_id"
expect_eq "usage-bootstrap-signing" "$(jq -r '.data["usage-bootstrap-signing"]' <<<"$secret" | b64d)" true
expect_eq "usage-bootstrap-authentication" "$(jq -r '.data["usage-bootstrap-authentication"]' <<<"$secret" | b64d)" true
expect_eq "auth-extra-groups" "$(jq -r '.data["auth-extra-groups"]' <<<"$secret" | b64d)" \
  "system:bootstrappers:kubeadm:default-node-token"
[ -n "$(jq -r '.data.expiration // empty' <<<"$secret")" ] || fail "token has no expiration (default TTL 24h)"

say "RBAC for bootstrapping nodes"
check_crb() {
  local crb role kind subject
  crb=$(kc get clusterrolebinding "$1" -o json) || fail "ClusterRoleBinding $1 missing"
  expect_eq "$1 roleRef" "$(jq -r .roleRef.name <<<"$crb")" "$2"
  expect_eq "$1 subject" "$(jq -r '.subjects[0].name' <<<"$crb")" "$3"
}
check_crb kubeadm:kubelet-bootstrap system:node-bootstrapper system:bootstrappers:kubeadm:default-node-token
check_crb kubeadm:node-autoapprove-bootstrap system:certificates.k8s.io:certificatesigningrequests:nodeclient \
  system:bootstrappers:kubeadm:default-node-token
check_crb kubeadm:node-autoapprove-certificate-rotation \
  system:certificates.k8s.io:certificatesigningrequests:selfnodeclient system:nodes
check_crb kubeadm:get-nodes kubeadm:get-nodes system:bootstrappers:kubeadm:default-node-token
expect_eq "kubeadm:get-nodes rule" "$(kc get clusterrole kubeadm:get-nodes -o jsonpath='{.rules[0].resources[0]}/{.rules[0].verbs[0]}')" "nodes/get"
for rb in "kube-system kubeadm:nodes-kubeadm-config" "kube-system kubeadm:kubelet-config-1.20" \
  "kube-public kubeadm:bootstrap-signer-clusterinfo"; do
  set -- $rb
  kc get role -n "$1" "$2" >/dev/null || fail "Role $1/$2 missing"
  kc get rolebinding -n "$1" "$2" >/dev/null || fail "RoleBinding $1/$2 missing"
done
expect_eq "cluster-info reader" \
  "$(kc get rolebinding -n kube-public kubeadm:bootstrap-signer-clusterinfo -o jsonpath='{.subjects[0].name}')" system:anonymous

say "kubeadm-config and kubelet-config ConfigMaps"
cc=$(kc get cm -n kube-system kubeadm-config -o jsonpath='{.data.ClusterConfiguration}')
grep -q '^apiVersion: kubeadm.k8s.io/v1beta2$' <<<"$cc" || fail "kubeadm-config is not v1beta2 for v1.20:\n$cc"
grep -q '^imageRepository: registry.cn-hangzhou.aliyuncs.com/google_containers$' <<<"$cc" || fail "imageRepository lost"
grep -q 'podSubnet: 10.68.0.0/16' <<<"$cc" || fail "podSubnet lost"
grep -q 'node-monitor-grace-period: 10s' <<<"$cc" || fail "controllerManagerExtraArgs lost"
cs=$(kc get cm -n kube-system kubeadm-config -o jsonpath='{.data.ClusterStatus}')
grep -q 'node1:' <<<"$cs" && grep -q 'advertiseAddress: 10.0.0.11' <<<"$cs" || fail "ClusterStatus lacks node1:\n$cs"
kc get cm -n kube-system kubelet-config-1.20 -o jsonpath='{.data.kubelet}' | grep -q 'kind: KubeletConfiguration' ||
  fail "kubelet-config-1.20 has no KubeletConfiguration"

say "cluster-info and its JWS signature (made by the controller-manager's bootstrap signer)"
until kc get cm -n kube-public cluster-info -o json | jq -e ".data[\"jws-kubeconfig-$token_id\"]" >/dev/null; do
  [ $SECONDS -lt $deadline ] || fail "cluster-info never got a signature for token $token_id"
  sleep 2
done
ci=$(kc get cm -n kube-public cluster-info -o json)
kubeconfig=$(jq -r .data.kubeconfig <<<"$ci")
jws=$(jq -r ".data[\"jws-kubeconfig-$token_id\"]" <<<"$ci")
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
header=$(printf '{"alg":"HS256","kid":"%s"}' "$token_id" | b64url)
payload=$(jq -j .data.kubeconfig <<<"$ci" | b64url)  # exact bytes: $(…) would drop the final newline
sig=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$token_secret" -binary | b64url)
expect_eq "cluster-info signature" "$jws" "$header..$sig"
grep -q 'server: https://10.0.0.11:6443' <<<"$kubeconfig" || fail "cluster-info server is wrong:\n$kubeconfig"

say "node labels, taints and CRI socket annotation"
node=$(kc get node node1 -o json)
for l in node-role.kubernetes.io/master node-role.kubernetes.io/control-plane; do
  jq -e ".metadata.labels[\"$l\"] == \"\"" <<<"$node" >/dev/null || fail "node1 lacks label $l"
done
expect_eq "taint" "$(jq -r '[.spec.taints[] | .key + ":" + .effect] | join(",")' <<<"$node")" \
  "node-role.kubernetes.io/master:NoSchedule"
expect_eq "cri-socket" "$(jq -r '.metadata.annotations["kubeadm.alpha.kubernetes.io/cri-socket"]' <<<"$node")" \
  "/run/containerd/containerd.sock"

say "ok"
