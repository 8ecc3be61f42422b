#!/usr/bin/env bash
# Exactness of PKI and kubeconfig files against upstream kubeadm v1.20.2 (ctest label "compare").
# For several configurations, runs `init phase certs all` and `init phase kubeconfig all` with
# both tools into separate directories and compares, field by field, what each certificate, key
# and kubeconfig says: subject, issuer, SANs, key usage, extended key usage, basic constraints,
# key identifiers' presence, key type and size, serial form and validity length; for kubeconfigs
# the structure, names, server URL, that the embedded CA is ca.crt, and the client certificates.
# Random parts (keys, serials, timestamps) are not compared byte for byte.
# Usage: pki-v1.20.sh /path/to/kadm
set -euo pipefail

KADM=${1:?usage: $0 /path/to/kadm}
KUBEADM=${KUBEADM:-/var/cache/kadm-lab/k8s/v1.20.2/bin/kubeadm}
if [[ ! -x $KUBEADM ]]; then
  echo "SKIP: upstream kubeadm v1.20.2 not found at $KUBEADM (run lab/ci-prepare to build it)"
  exit 77
fi
command -v openssl >/dev/null || { echo "SKIP: openssl(1) is not installed"; exit 77; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kadm-compare-pki.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { echo "FAIL [$CASE]: $*"; failures=$((failures + 1)); }

# The fields of a certificate that must agree, one per line, with random values masked.
cert_fields() {
  openssl x509 -in "$1" -noout -text -nameopt oneline |
    sed -E -e '/^ +([0-9a-fA-F]{2}:)+[0-9a-fA-F]{0,2}$/d' \
           -e '/^ +[0-9a-fA-F]{2}$/d' \
           -e 's/Serial Number: [1-9][0-9]* \(0x[0-9a-f]+\)/Serial Number: <random>/' \
           -e '/Not (Before|After) *:/d'
  # A leaf's authority key id must be its CA's subject key id; compare presence only here.
}

# Seconds between NotBefore and NotAfter.
validity_seconds() {
  local nb na
  nb=$(date -d "$(openssl x509 -in "$1" -noout -startdate | cut -d= -f2)" +%s)
  na=$(date -d "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)" +%s)
  echo $((na - nb))
}

key_kind() {  # PEM header and key type/size
  head -1 "$1"
  openssl pkey -in "$1" -noout -text 2>/dev/null | head -1 | sed -E 's/^(Private-Key: \([0-9]+ bit).*/\1)/'
}

compare_pki() {
  local up=$1 ours=$2 f rel
  while IFS= read -r f; do
    rel=${f#"$up"/}
    [[ -e $ours/$rel ]] || { fail "kadm did not write $rel"; continue; }
    [[ $(stat -c %a "$f") == $(stat -c %a "$ours/$rel") ]] ||
      fail "$rel: mode $(stat -c %a "$ours/$rel"), upstream $(stat -c %a "$f")"
    case $rel in
      *.crt)
        if ! diff <(cert_fields "$f") <(cert_fields "$ours/$rel") >"$WORK/diff"; then
          fail "$rel differs:"; sed 's/^/    /' "$WORK/diff"
        fi
        local a b
        a=$(validity_seconds "$f"); b=$(validity_seconds "$ours/$rel")
        ((a - b < 120 && b - a < 120)) || fail "$rel: validity ${b}s, upstream ${a}s"
        ;;
      *.key)
        diff <(key_kind "$f") <(key_kind "$ours/$rel") >"$WORK/diff" || { fail "$rel key differs:"; cat "$WORK/diff"; }
        ;;
      *.pub)
        [[ $(head -1 "$f") == $(head -1 "$ours/$rel") ]] || fail "$rel: PEM type differs"
        openssl pkey -pubin -in "$ours/$rel" -noout 2>/dev/null || fail "$rel: not a public key"
        ;;
    esac
  done < <(find "$up" -type f | sort)
  while IFS= read -r f; do
    rel=${f#"$ours"/}
    [[ -e $up/$rel ]] || fail "kadm wrote $rel, upstream did not"
  done < <(find "$ours" -type f | sort)
  # Every leaf verifies against its CA.
  for f in "$ours"/*.crt "$ours"/etcd/*.crt; do
    [[ -e $f ]] || continue
    case $(basename "$f") in ca.crt|front-proxy-ca.crt) continue ;; esac
    local ca=$ours/ca.crt
    [[ $f == */front-proxy-client.crt ]] && ca=$ours/front-proxy-ca.crt
    [[ $f == */etcd/* || $f == */apiserver-etcd-client.crt ]] && ca=$ours/etcd/ca.crt
    openssl verify -CAfile "$ca" "$f" >/dev/null 2>&1 || fail "${f#"$ours"/} does not verify against $(basename "$ca")"
  done
}

kubeconfig_shape() {  # the file with embedded data masked
  sed -E 's/^( *(certificate-authority-data|client-certificate-data|client-key-data)): .+$/\1: <data>/' "$1"
}

embedded() {  # embedded <field> <file>: the decoded value
  grep -E "^ *$1:" "$2" | head -1 | awk '{print $2}' | base64 -d
}

compare_kubeconfigs() {
  local up=$1 ours=$2 ca=$3 f name
  for f in "$up"/*.conf; do
    name=$(basename "$f")
    [[ -e $ours/$name ]] || { fail "kadm did not write $name"; continue; }
    [[ $(stat -c %a "$ours/$name") == 600 ]] || fail "$name: mode $(stat -c %a "$ours/$name"), want 600"
    diff <(kubeconfig_shape "$f") <(kubeconfig_shape "$ours/$name") >"$WORK/diff" ||
      { fail "$name structure differs:"; sed 's/^/    /' "$WORK/diff"; }
    cmp -s <(embedded certificate-authority-data "$ours/$name") "$ca" || fail "$name: embedded CA is not ca.crt"
    embedded client-certificate-data "$f" >"$WORK/up.crt"
    embedded client-certificate-data "$ours/$name" >"$WORK/ours.crt"
    diff <(cert_fields "$WORK/up.crt") <(cert_fields "$WORK/ours.crt") >"$WORK/diff" ||
      { fail "$name client certificate differs:"; sed 's/^/    /' "$WORK/diff"; }
    embedded client-key-data "$f" >"$WORK/up.key"
    embedded client-key-data "$ours/$name" >"$WORK/ours.key"
    diff <(key_kind "$WORK/up.key") <(key_kind "$WORK/ours.key") >"$WORK/diff" || { fail "$name client key differs"; cat "$WORK/diff"; }
    openssl verify -CAfile "$ca" "$WORK/ours.crt" >/dev/null 2>&1 || fail "$name: client certificate does not verify against ca.crt"
  done
  for f in "$ours"/*.conf; do
    [[ -e $up/$(basename "$f") ]] || fail "kadm wrote $(basename "$f"), upstream did not"
  done
}

# write_config <dir> <extra InitConfiguration yaml> <extra ClusterConfiguration yaml>
write_config() {
  local dir=$1 advertise=$2 cluster_extra=$3
  cat >"$dir/config.yaml" <<YAML
apiVersion: kubeadm.k8s.io/v1beta2
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: "$advertise"
  bindPort: 6443
nodeRegistration:
  name: node-a
  criSocket: /run/containerd/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta2
kind: ClusterConfiguration
kubernetesVersion: v1.20.2
certificatesDir: $dir/pki
$cluster_extra
YAML
}

run_case() {
  CASE=$1
  local advertise=$2 extra=$3 tool
  for tool in upstream kadm; do
    local dir=$WORK/$CASE/$tool bin=$KUBEADM
    [[ $tool == kadm ]] && bin=$KADM
    mkdir -p "$dir"
    write_config "$dir" "$advertise" "$extra"
    if ! "$bin" init phase certs all --config "$dir/config.yaml" >"$dir/certs.out" 2>&1 ||
       ! "$bin" init phase kubeconfig all --config "$dir/config.yaml" --kubeconfig-dir "$dir/kc" >"$dir/kc.out" 2>&1; then
      fail "$tool failed:"; sed 's/^/    /' "$dir"/*.out; return
    fi
    # Progress lines name the directories; make them comparable.
    sed -i "s#$dir#<dir>#g" "$dir/certs.out" "$dir/kc.out"
  done
  local up=$WORK/$CASE/upstream ours=$WORK/$CASE/kadm
  diff "$up/certs.out" "$ours/certs.out" >"$WORK/diff" || { fail "certs output differs:"; sed 's/^/    /' "$WORK/diff"; }
  diff "$up/kc.out" "$ours/kc.out" >"$WORK/diff" || { fail "kubeconfig output differs:"; sed 's/^/    /' "$WORK/diff"; }
  compare_pki "$up/pki" "$ours/pki"
  compare_kubeconfigs "$up/kc" "$ours/kc" "$ours/pki/ca.crt"
  echo "ok [$CASE]"
}

run_case default 10.1.2.3 ""
run_case endpoint-and-sans 10.1.2.3 'controlPlaneEndpoint: "cp.example.com:7443"
apiServer:
  certSANs: ["10.0.0.100", "api.example.com", "*.apps.example.com", "NODE-A"]
etcd:
  local:
    serverCertSANs: ["etcd.example.com", "10.0.0.5"]
    peerCertSANs: ["peer.example.com"]'
run_case ip-endpoint 10.1.2.3 'controlPlaneEndpoint: "192.168.10.10"'
run_case ipv6 fd00:10::a 'networking:
  serviceSubnet: fd00:96::/112'
run_case custom-names 10.1.2.3 'clusterName: prod-east
networking:
  dnsDomain: corp.internal
  serviceSubnet: 10.200.0.0/16'
run_case external-etcd 10.1.2.3 'etcd:
  external:
    endpoints: ["https://10.1.2.10:2379"]
    caFile: /etc/kubernetes/pki/etcd/ca.crt
    certFile: /etc/kubernetes/pki/apiserver-etcd-client.crt
    keyFile: /etc/kubernetes/pki/apiserver-etcd-client.key'

if ((failures > 0)); then
  echo "$failures difference(s) from upstream kubeadm v1.20.2"
  exit 1
fi
echo "PKI and kubeconfig files match upstream kubeadm v1.20.2 in all cases"
