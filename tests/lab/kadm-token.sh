#!/usr/bin/env bash
# Issue 8 on the lab: `kadm token create|list|delete` against a v1.20.2 cluster made by kadm init.
# A created token has upstream's Secret layout; a token from `token create --print-join-command`
# joins node2 with upstream kubeadm (so the bootstrap signer signed cluster-info for it); a token
# with a short TTL is removed by the controller-manager's token cleaner; listings never show a
# secret half; malformed tokens, TTLs, usages and groups fail with a clear error and change nothing.
# Usage: kadm-token.sh KADM_BINARY
set -euo pipefail
source "$(dirname "$0")/../../lab/tests/lib.sh"
KADM=${1:?kadm binary}
require_lab
use_lab ktok
OUT=$(mktemp)
trap 'rc=$?; rm -f "$OUT"; end_lab $rc' EXIT

kc() { "$LAB" kubectl "$@"; }
b64d() { base64 -d 2>/dev/null; }
tokens() { kc get secrets -n kube-system --field-selector type=bootstrap.kubernetes.io/token -o name | sort; }

say "lab up, kadm init on node1"
"$LAB" up --nodes 2 >/dev/null
"$LAB" init --tool "$KADM" >"$OUT" 2>&1 || { tail -30 "$OUT" >&2; fail "kadm init failed"; }
deadline=$((SECONDS + 120))
until kc get ns kube-system >/dev/null 2>&1; do
  [ $SECONDS -lt $deadline ] || fail "API server not answering after kadm init"
  sleep 2
done

say "token create with --ttl, --usages, --groups, --description"
tok=$(on node1 "$KADM" token create --ttl 2h --usages signing,authentication \
  --groups system:bootstrappers:kubeadm:default-node-token --description "kadm lab test")
[[ $tok =~ ^[a-z0-9]{6}\.[a-z0-9]{16}$ ]] || fail "token create printed '$tok'"
id=${tok%%.*}
secret_half=${tok#*.}
s=$(kc get secret -n kube-system "bootstrap-token-$id" -o json)
[ "$(jq -r .type <<<"$s")" = bootstrap.kubernetes.io/token ] || fail "wrong Secret type"
[ "$(jq -r '.data["token-secret"]' <<<"$s" | b64d)" = "$secret_half" ] || fail "wrong token-secret"
[ "$(jq -r '.data.description' <<<"$s" | b64d)" = "kadm lab test" ] || fail "wrong description"
[ "$(jq -r '.data["usage-bootstrap-signing"]' <<<"$s" | b64d)" = true ] || fail "no signing usage"
exp=$(jq -r '.data.expiration' <<<"$s" | b64d)
left=$(($(date -d "$exp" +%s) - $(date +%s)))
[ "$left" -gt 7000 ] && [ "$left" -le 7200 ] || fail "expiration $exp is not 2h from now ($left s)"

say "token list shows ids, never secrets"
list=$(on node1 "$KADM" token list)
grep -q "^$id\.<redacted> " <<<"$list" || fail "list lacks $id:\n$list"
[ "$(grep -c '\.<redacted> ' <<<"$list")" -eq 2 ] || fail "expected the init token and ours:\n$list"
grep -q "kadm lab test" <<<"$list" || fail "description not listed"
if grep -q -- "$secret_half" <<<"$list"; then fail "token list printed a secret"; fi
json=$(on node1 "$KADM" token list -o json)
if grep -q -- "$secret_half" <<<"$json"; then fail "token list -o json printed a secret"; fi
[ "$(jq -rs "map(select(.token == \"$id.<redacted>\")) | .[0].description" <<<"$json")" = "kadm lab test" ] ||
  fail "-o json lacks our token:\n$json"
on node1 "$KADM" token list -o yaml | grep -q "token: $id.<redacted>" || fail "-o yaml lacks our token"

say "bad input: clear error, non-zero exit, nothing created or deleted"
before=$(tokens)
bad() {
  local rc=0 msg
  msg=$(on node1 "$KADM" token "$@" 2>&1 >/dev/null) || rc=$?
  [ "$rc" -ne 0 ] || fail "token $* succeeded"
  [ -n "$msg" ] || fail "token $* failed without a message"
  echo "$msg"
}
bad create abcdef.0123456789ABCDEF | grep -q "the bootstrap token given as argument is invalid" || fail "no clear message for a malformed token"
bad create abcdef0123456789abcdef >/dev/null
bad create --ttl soon | grep -q -- "--ttl" || fail "no clear message for a bad TTL"
bad create --ttl=-1h | grep -q "cannot be negative" || fail "no clear message for a negative TTL"
bad create --usages signing,bogus | grep -q "invalid bootstrap token usage string: bogus" || fail "no clear message for a bad usage"
bad create --groups system:nodes | grep -q 'bootstrap group "system:nodes" is invalid' || fail "no clear message for a bad group"
bad create --usages signing | grep -q 'unless --usages includes "authentication"' || fail "groups without authentication"
bad create "$tok" | grep -q "a token with id \"$id\" already exists" || fail "duplicate token accepted"
bad create --certificate-key 00 >/dev/null
bad delete "$id" not-a-token | grep -q "didn't match pattern" || fail "bad delete argument"
[ "$(tokens)" = "$before" ] || fail "bad input changed the token Secrets:\n$before\n---\n$(tokens)"

say "upstream kubeadm joins node2 with kadm's --print-join-command"
join=$(on node1 "$KADM" token create --print-join-command --description "for node2")
[[ $join =~ ^kadm\ join\ 10\.0\.0\.11:6443\ --token\ [a-z0-9]{6}\.[a-z0-9]{16}\ --discovery-token-ca-cert-hash\ sha256:[0-9a-f]{64}\ *$ ]] ||
  fail "unexpected join command: $join"
read -ra args <<<"${join#kadm join }"
on node2 kubeadm join "${args[@]}" >"$OUT" 2>&1 || { tail -30 "$OUT" >&2; fail "kubeadm join with kadm's token failed"; }
deadline=$((SECONDS + 120))
until kc get node node2 >/dev/null 2>&1; do
  [ $SECONDS -lt $deadline ] || fail "node2 never registered"
  sleep 2
done

say "the token cleaner removes an expired kadm token"
short=$(on node1 "$KADM" token create --ttl 5s)
sid=${short%%.*}
kc get secret -n kube-system "bootstrap-token-$sid" >/dev/null || fail "short-lived token not created"
deadline=$((SECONDS + 120))
while kc get secret -n kube-system "bootstrap-token-$sid" >/dev/null 2>&1; do
  [ $SECONDS -lt $deadline ] || fail "the token cleaner never removed bootstrap-token-$sid"
  sleep 3
done

say "token delete by id and by whole token"
out=$(on node1 "$KADM" token delete "$id")
[ "$out" = "bootstrap token \"$id\" deleted" ] || fail "delete printed '$out'"
if kc get secret -n kube-system "bootstrap-token-$id" >/dev/null 2>&1; then fail "token $id still exists"; fi
t2=$(on node1 "$KADM" token create)
on node1 "$KADM" token delete "$t2" | grep -q "bootstrap token \"${t2%%.*}\" deleted" || fail "delete by whole token"
rc=0
on node1 "$KADM" token delete "$id" >/dev/null 2>&1 || rc=$?
[ "$rc" -ne 0 ] || fail "deleting a missing token succeeded"

say "ok"
