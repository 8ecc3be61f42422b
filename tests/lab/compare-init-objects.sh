#!/usr/bin/env bash
# Issue 6 on the lab: the cluster objects `kadm init` creates, and the progress lines it prints,
# equal those of upstream kubeadm v1.20.2 for the same configuration. Two labs side by side, one
# per tool; every object init makes is read back as JSON, stripped of what the server sets (uid,
# resourceVersion, timestamps, managedFields, status …) and of what is random per run (token, CA
# data, signatures), then diffed.
# Usage: compare-init-objects.sh KADM_BINARY
set -euo pipefail
source "$(dirname "$0")/../../lab/tests/lib.sh"
KADM=${1:?kadm binary}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CONFIG=$ROOT/examples/kubeadm-seed-lab.yaml
require_lab
command -v python3 >/dev/null || skip "python3 missing: run scripts/install-deps"

LAB_A="cmpk-$$" LAB_B="cmpu-$$"
WORK=$(mktemp -d)
cleanup() {
  local rc=$?
  KADM_LAB=$LAB_A "$LAB" down --purge >/dev/null 2>&1 || true
  KADM_LAB=$LAB_B "$LAB" down --purge >/dev/null 2>&1 || true
  [ "$rc" -eq 0 ] && rm -rf "$WORK" || echo "(compare-init-objects: dumps kept in $WORK)" >&2
  exit "$rc"
}
trap cleanup EXIT

init_lab() {  # NAME TOOL…
  local name=$1
  shift
  KADM_LAB=$name "$LAB" up --nodes 1 >/dev/null
  KADM_LAB=$name "$LAB" exec node1 -- "$@" init --config "$CONFIG" >"$WORK/$name.init.log" 2>&1 ||
    fail "$* init failed in lab $name: $(tail -5 "$WORK/$name.init.log")"
}

say "kadm init (lab $LAB_A) and kubeadm init (lab $LAB_B)"
init_lab "$LAB_A" "$KADM" &
pid_a=$!
init_lab "$LAB_B" kubeadm &
pid_b=$!
wait "$pid_a" || fail "kadm side failed"
wait "$pid_b" || fail "kubeadm side failed"

# Every object init creates: kind namespace name.
OBJECTS=(
  "configmap kube-system kubeadm-config" "configmap kube-system kubelet-config-1.20"
  "configmap kube-system kube-proxy" "configmap kube-system coredns" "configmap kube-public cluster-info"
  "clusterrole - kubeadm:get-nodes" "clusterrole - system:coredns"
  "clusterrolebinding - kubeadm:get-nodes" "clusterrolebinding - kubeadm:kubelet-bootstrap"
  "clusterrolebinding - kubeadm:node-autoapprove-bootstrap"
  "clusterrolebinding - kubeadm:node-autoapprove-certificate-rotation"
  "clusterrolebinding - kubeadm:node-proxier" "clusterrolebinding - system:coredns"
  "role kube-system kubeadm:nodes-kubeadm-config" "rolebinding kube-system kubeadm:nodes-kubeadm-config"
  "role kube-system kubeadm:kubelet-config-1.20" "rolebinding kube-system kubeadm:kubelet-config-1.20"
  "role kube-system kube-proxy" "rolebinding kube-system kube-proxy"
  "role kube-public kubeadm:bootstrap-signer-clusterinfo" "rolebinding kube-public kubeadm:bootstrap-signer-clusterinfo"
  "serviceaccount kube-system coredns" "serviceaccount kube-system kube-proxy"
  "deployment kube-system coredns" "daemonset kube-system kube-proxy" "service kube-system kube-dns"
  "node - node1"
)

dump() {  # LAB OUTDIR
  mkdir -p "$2"
  local entry kind ns name
  for entry in "${OBJECTS[@]}"; do
    read -r kind ns name <<<"$entry"
    local args=(get "$kind" "$name" -o json)
    [ "$ns" != - ] && args+=(-n "$ns")
    KADM_LAB=$1 "$LAB" kubectl "${args[@]}" >"$2/$kind.$ns.$name.json" 2>/dev/null ||
      echo '{"missing": true}' >"$2/$kind.$ns.$name.json"
  done
  # The token Secret: one per cluster, its name random.
  KADM_LAB=$1 "$LAB" kubectl get secret -n kube-system --field-selector type=bootstrap.kubernetes.io/token \
    -o json >"$2/secret.kube-system.bootstrap-tokens.json"
}

say "comparing the progress lines"
# Scripts and people read init's output: kadm prints upstream's lines in upstream's order (kadm
# started the kubelet ahead of the certificates, and still prints it where kubeadm does). Only the
# tool's name, the token and the seconds differ; warnings are kadm's own.
progress() {
  grep '^\[' "$1" | grep -v '^\[WARNING' |
    sed -E 's/\bkadm\b/kubeadm/g; s/after [0-9.]+ seconds/after N seconds/; s/Using token: .*/Using token: <token>/'
}
diff -u <(progress "$WORK/$LAB_B.init.log") <(progress "$WORK/$LAB_A.init.log") >"$WORK/progress.diff" ||
  fail "kadm's progress lines differ from kubeadm's (-kubeadm +kadm):\n$(cat "$WORK/progress.diff")"

say "waiting until both clusters settle (nodes Ready, kube-system Pods running)"
KADM_LAB=$LAB_A "$LAB" wait-ready --timeout 300 >/dev/null || fail "kadm's cluster did not settle"
KADM_LAB=$LAB_B "$LAB" wait-ready --timeout 300 >/dev/null || fail "kubeadm's cluster did not settle"
say "dumping the objects"
dump "$LAB_A" "$WORK/kadm"
dump "$LAB_B" "$WORK/kubeadm"

say "comparing"
python3 - "$WORK/kadm" "$WORK/kubeadm" <<'PY'
import json, os, re, sys, difflib

SERVER_FIELDS = {"uid", "resourceVersion", "creationTimestamp", "managedFields", "selfLink", "generation"}
SERVER_ANNOTATIONS = {"deployment.kubernetes.io/revision", "deprecated.daemonset.template.generation",
                      "node.alpha.kubernetes.io/ttl", "volumes.kubernetes.io/controller-managed-attach-detach"}

def normalize(obj, name):
    if obj.get("kind") == "List":
        obj = {"items": sorted((normalize(i, name) for i in obj["items"]), key=json.dumps)}
        return obj
    obj.pop("status", None)
    md = obj.get("metadata", {})
    for f in SERVER_FIELDS:
        md.pop(f, None)
    ann = md.get("annotations", {})
    for a in SERVER_ANNOTATIONS:
        ann.pop(a, None)
    if not ann:
        md.pop("annotations", None)
    kind = obj.get("kind")
    if kind == "Secret":  # random token: compare the shape
        md["name"] = "bootstrap-token-<id>"
        obj["data"] = {k: "<value>" for k in obj.get("data", {})}
    if kind == "ConfigMap" and md.get("name") == "cluster-info":
        data = obj["data"]
        data["kubeconfig"] = re.sub(r"certificate-authority-data: \S+", "certificate-authority-data: <ca>", data["kubeconfig"])
        for k in list(data):
            if k.startswith("jws-kubeconfig-"):
                data.pop(k)
                data["jws-kubeconfig-<id>"] = "<signature>"
    if kind == "Node":  # only what init sets
        obj = {"metadata": {"labels": {k: v for k, v in md.get("labels", {}).items() if "node-role" in k or "exclude" in k},
                            "annotations": {k: v for k, v in md.get("annotations", {}).items() if k.startswith("kubeadm")}},
               "spec": {"taints": obj.get("spec", {}).get("taints")}}
    if kind == "Service":
        obj.get("spec", {}).pop("clusterIPs", None)
    if kind == "ServiceAccount":  # token Secret names are random
        obj.pop("secrets", None)
    return obj

a_dir, b_dir = sys.argv[1], sys.argv[2]
failed = []
for f in sorted(os.listdir(b_dir)):
    a = normalize(json.load(open(os.path.join(a_dir, f))), f)
    b = normalize(json.load(open(os.path.join(b_dir, f))), f)
    if a != b:
        diff = difflib.unified_diff(json.dumps(b, indent=1, sort_keys=True).splitlines(),
                                    json.dumps(a, indent=1, sort_keys=True).splitlines(),
                                    "kubeadm/" + f, "kadm/" + f, lineterm="", n=2)
        failed.append("\n".join(diff))
if failed:
    print("\n\n".join(failed))
    print(f"\n{len(failed)} object(s) differ")
    sys.exit(1)
print("all objects equal")
PY
say "ok"
