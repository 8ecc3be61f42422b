#!/usr/bin/env bash
# The configuration corpus (tests/fixtures/config/) run against the kadm binary.
#
#   config_corpus_test.sh good|bad|lenient|print KADM FIXTURES_DIR
#
# good     every file in good/ (and the seed guide's file) validates, migrates to v1beta4 and to
#          v1beta3, the migrated files validate, and migrating them again changes nothing.
# bad      every file in bad/ fails `kadm config validate` with the exit code, message and
#          position its header promises, in one short error report, without crashing; so do a
#          missing file and a directory given as --config.
# lenient  the bad/ files whose problem is an unknown field load under `kadm config migrate`
#          (lenient decoding, as `kadm init` uses): exit 0 and a warning naming the field at the
#          same position.
# print    `kadm config print {init,join,reset,upgrade}-defaults` for v1.20 ... v1.36 and every
#          --api-version loads back with `config validate`, and `config migrate` reproduces it.
#
# Fixture headers: "# key: value" comment lines at the top of a file (or in FILE.expect for a file
# that cannot hold comments, e.g. an empty one):
#   expect: TEXT       bad: stderr must contain TEXT
#   at: L:C | L | none bad: kadm must point at "FILE:L:C:" (or "FILE:L:"); none = no position
#   exit: N            bad: expected exit code (default 3, a configuration error)
#   lenient: FIELD     bad: the problem is the unknown field FIELD (checked by "lenient" too)
#   migrate-v1beta4-has: TEXT, migrate-v1beta3-has: TEXT
#                      good: the migrated text must contain TEXT (may repeat)
# KNOWN_FAILURES in good/ and bad/ names files (one per line, "# reason" allowed) that fail today
# because of a kadm bug. They are reported as KNOWN FAILURE and do not fail the test; a listed file
# that passes does, so that the list stays true.
set -u

mode=${1:?usage: $0 good|bad|lenient|print KADM FIXTURES_DIR}
KADM=${2:?kadm binary}
FIX=${3:?fixtures dir (tests/fixtures/config)}

[ -x "$KADM" ] || { echo "FAIL: kadm binary $KADM is not executable"; exit 1; }
if [ ! -d "$FIX/good" ] || [ ! -d "$FIX/bad" ]; then echo "FAIL: $FIX has no good/ and bad/"; exit 1; fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kadm-config-corpus.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

failures=0 known=0 passed=0
start=$EPOCHREALTIME
NL=$'\n'

# run PREFIX CMD...: runs CMD with a time limit; sets RC, OUT and ERR (exit code, stdout, stderr)
# and keeps the output in PREFIX.out and PREFIX.err. Only built-ins around the command itself: the
# corpus makes several hundred runs and forks add up on a busy machine.
RC=0 OUT="" ERR=""
run() {
  local p=$1
  shift
  timeout 20 "$@" >"$p.out" 2>"$p.err"
  RC=$?
  OUT="" ERR=""
  IFS= read -r -d '' OUT <"$p.out"
  IFS= read -r -d '' ERR <"$p.err"
}

# has_line TEXT PREFIX: TEXT has a line starting with PREFIX.
has_line() { [[ "$NL$1" == *"$NL$2"* ]]; }
# lines_with TEXT PREFIX: how many lines of TEXT start with PREFIX.
lines_with() {
  local l n=0
  if [ -n "$1" ]; then
    while IFS= read -r l; do [[ $l == "$2"* ]] && n=$((n + 1)); done <<<"${1%"$NL"}"
  fi
  echo "$n"
}
short() { local s=${1//$NL/ | }; printf '%s' "${s:0:400}"; }

# read_headers FILE: fills H[key] with the "# key: value" lines of FILE's leading comment block
# (or of FILE.expect); a repeated key's values are joined with newlines.
declare -A H
read_headers() {
  local src=$1 line key first=1
  [ -f "$1.expect" ] && src=$1.expect
  H=()
  while IFS= read -r line || [ -n "$line" ]; do
    if [ $first -eq 1 ]; then line=${line#$'\xef\xbb\xbf'}; first=0; fi
    line=${line%$'\r'}
    case $line in
      '# '[a-z]*': '*)
        key=${line#'# '}
        key=${key%%:*}
        [[ $key == *' '* ]] && continue
        H[$key]+="${H[$key]:+$NL}${line#"# $key: "}"
        ;;
      '#'* | '---'*) ;;
      *) break ;;
    esac
  done <"$src"
}

declare -A KNOWN
load_known() {
  local line
  KNOWN=()
  [ -f "$1/KNOWN_FAILURES" ] || return 0
  while IFS= read -r line; do
    line=${line%%#*}
    line=${line//[[:space:]]/}
    [ -n "$line" ] && KNOWN[$line]=1
  done <"$1/KNOWN_FAILURES"
}

# finish NAME KEY PROBLEMS...: records the outcome for one case; KEY is its KNOWN_FAILURES name.
finish() {
  local name=$1 key=$2
  shift 2
  if [ $# -eq 0 ]; then
    if [ -n "${KNOWN[$key]:-}" ]; then
      echo "UNEXPECTED PASS $name: listed in KNOWN_FAILURES, remove it from there"
      failures=$((failures + 1))
    else
      passed=$((passed + 1))
    fi
    return
  fi
  local label=FAIL p
  if [ -n "${KNOWN[$key]:-}" ]; then
    label="KNOWN FAILURE"
    known=$((known + 1))
  else
    failures=$((failures + 1))
  fi
  echo "$label $name:"
  for p in "$@"; do echo "    - $p"; done
}

# sane WHAT: the last run ended on its own, without a crash or a sanitizer report.
sane() {
  if [ "$RC" -eq 124 ]; then
    problems+=("$1: did not finish within 20s")
  elif [ "$RC" -ge 128 ]; then
    problems+=("$1: crashed (exit $RC): $(short "$ERR")")
  fi
  case $ERR in
    *'terminate called'* | *'what():'* | *'Segmentation fault'* | *AddressSanitizer* | *'runtime error:'*)
      problems+=("$1: stderr shows a crash or sanitizer report: $(short "$ERR")")
      ;;
  esac
}

check_good_file() {
  local f=$1 name=$2 seed=${3:-}
  local p=$tmp/g v want out
  problems=()
  read_headers "$f"
  # Files holding only component configs (KubeletConfiguration ...) migrate to themselves.
  local kubeadm_input=0 text=""
  IFS= read -r -d '' text <"$f"
  [[ $text == *kubeadm.k8s.io/* ]] && kubeadm_input=1
  run "$p.val" "$KADM" config validate --config "$f"
  sane "config validate"
  if [ -n "$seed" ]; then
    # The seed guide's file targets v1.13.1, outside kadm's range: validate must say so.
    [ "$RC" -eq 3 ] || problems+=("config validate: exit $RC, want 3 (v1.13.1 is not supported)")
    [[ $ERR == *'kubernetesVersion: Kubernetes v1.13.1 is not supported'* ]] ||
      problems+=("config validate: no message about the unsupported v1.13.1: $(short "$ERR")")
  elif [ "$RC" -ne 0 ]; then
    problems+=("config validate: exit $RC: $(short "$ERR")")
  fi
  for v in v1beta4 v1beta3; do
    run "$p.$v" "$KADM" config migrate --old-config "$f" --api-version "$v"
    sane "config migrate --api-version $v"
    if [ "$RC" -eq 3 ] && [[ $ERR == *"holds nothing that kubeadm.k8s.io/$v can express"* ]]; then
      # Nothing of the file exists in $v (a ResetConfiguration and v1beta3): refused, nothing written.
      [ -z "$OUT" ] || problems+=("config migrate --api-version $v: refused but printed output")
      continue
    fi
    if [ "$RC" -ne 0 ]; then
      problems+=("config migrate --api-version $v: exit $RC: $(short "$ERR")")
      continue
    fi
    out=$OUT
    has_line "$ERR" error && problems+=("config migrate --api-version $v: printed an error yet exited 0")
    if [ -z "$out" ]; then
      # Nothing of the file exists in $v (e.g. a ResetConfiguration and v1beta3): each dropped
      # document must be reported, and there is nothing left to check.
      [[ $ERR == *"not migrated: "* ]] ||
        problems+=("config migrate --api-version $v: printed nothing and reported nothing as not migrated")
      continue
    fi
    if [ "$kubeadm_input" = 1 ] && ! has_line "$out" "apiVersion: kubeadm.k8s.io/$v$NL"; then
      problems+=("config migrate --api-version $v: printed no kubeadm.k8s.io/$v document")
    fi
    if [ -n "$seed" ]; then
      [[ $ERR == *"kubernetesVersion v1.13.1 is outside kadm's supported range"* ]] ||
        problems+=("config migrate --api-version $v: no warning that v1.13.1 is outside kadm's range")
      # Its v1alpha2-style fields (api, *ExtraArgs) must arrive in their modern places.
      for want in "advertiseAddress: 139.196.91.113" "runtime-config" "api/all=true" \
        "horizontal-pod-autoscaler-sync-period" "imageRepository: registry.cn-hangzhou.aliyuncs.com/google_containers"; do
        [[ $out == *"$want"* ]] || problems+=("config migrate --api-version $v: the output lacks \"$want\"")
      done
    fi
    while IFS= read -r want; do
      [ -z "$want" ] && continue
      [[ $out == *"$want"* ]] || problems+=("config migrate --api-version $v: the output lacks \"$want\"")
    done <<<"${H[migrate-$v-has]:-}"
    run "$p.$v.again" "$KADM" config migrate --old-config "$p.$v.out" --api-version "$v"
    sane "config migrate of the $v output"
    if [ "$RC" -ne 0 ]; then
      problems+=("config migrate of the $v output: exit $RC: $(short "$ERR")")
    elif [ "$OUT" != "$out" ]; then
      problems+=("config migrate is not idempotent for $v: $(diff "$p.$v.out" "$p.$v.again.out" | head -6 | tr '\n' ' ')")
    fi
    if [ -z "$seed" ]; then
      run "$p.$v.val" "$KADM" config validate --config "$p.$v.out"
      sane "config validate of the $v output"
      [ "$RC" -eq 0 ] || problems+=("config validate of the $v output: exit $RC: $(short "$ERR")")
    fi
  done
  finish "$name" "${f##*/}" "${problems[@]}"
}

check_bad_file() {
  local f=$1 name=$2
  local p=$tmp/b expect at want_rc errors other
  problems=()
  read_headers "$f"
  expect=${H[expect]:-} at=${H[at]:-} want_rc=${H[exit]:-3}
  if [ -z "$expect" ] || [ -z "$at" ]; then
    finish "$name" "${f##*/}" "the fixture has no '# expect:' or no '# at:' header"
    return
  fi
  run "$p" "$KADM" config validate --config "$f"
  sane "config validate"
  [ "$RC" -eq "$want_rc" ] || problems+=("exit $RC, want $want_rc")
  has_line "$OUT" "ok" && problems+=("printed \"ok\" on stdout")
  [[ $ERR == *"$expect"* ]] || problems+=("stderr lacks \"$expect\"")
  [[ $ERR == *"$f"* ]] || problems+=("stderr does not name the file")
  if [ "$at" != none ] && [[ $ERR != *"$f:$at:"* ]]; then
    problems+=("stderr does not point at $at (\"FILE:$at:\")")
  fi
  # One error report: a single "error:" line, optionally followed by a short "  - " list.
  errors=$(lines_with "$ERR" "error: ")
  other=$(($(lines_with "$ERR" "") - errors - $(lines_with "$ERR" "  - ") - $(lines_with "$ERR" "[WARNING] ")))
  [ "$errors" -eq 1 ] || problems+=("$errors \"error:\" lines, want exactly 1")
  [ "$other" -le 0 ] || problems+=("$other stderr line(s) that are neither the error, its list nor warnings")
  [ "$(lines_with "$ERR" "  - ")" -le 10 ] || problems+=("more than 10 problems listed")
  [ ${#problems[@]} -eq 0 ] || problems+=("stderr was: $(short "$ERR")")
  finish "$name" "${f##*/}" "${problems[@]}"
}

# check_path NAME PATH EXPECT: `config validate --config PATH` for a PATH that is not a regular
# file fails with exit 3 and EXPECT, naming PATH. NAME is the KNOWN_FAILURES key.
check_path() {
  local name=$1 path=$2 expect=$3
  problems=()
  run "$tmp/x" "$KADM" config validate --config "$path"
  sane "config validate"
  [ "$RC" -eq 3 ] || problems+=("exit $RC, want 3")
  [[ $ERR == "error: $path: "*"$expect"* ]] || problems+=("stderr is not \"error: $path: ...$expect...\": $(short "$ERR")")
  finish "$name (--config $path)" "$name" "${problems[@]}"
}

check_lenient_file() {
  local f=$1 name=$2
  local p=$tmp/l field at line
  problems=()
  read_headers "$f"
  field=${H[lenient]} at=${H[at]:-none}
  run "$p" "$KADM" config migrate --old-config "$f"
  sane "config migrate"
  [ "$RC" -eq 0 ] || problems+=("config migrate: exit $RC, want 0 (unknown fields only warn): $(short "$ERR")")
  [[ $ERR == *"unknown field \"$field\""* ]] || problems+=("config migrate: no warning naming unknown field \"$field\"")
  line=""
  while IFS= read -r line; do [[ $line == *"unknown field \"$field\""* ]] && break; line=""; done <<<"$ERR"
  if [ -n "$line" ]; then
    [[ $line == "[WARNING] "* ]] || problems+=("the unknown-field message is not a [WARNING]: $line")
    [ "$at" = none ] || [[ $line == *"$f:$at:"* ]] || problems+=("the warning does not point at $at: $line")
  fi
  has_line "$OUT" "apiVersion: kubeadm.k8s.io/v1beta4$NL" || problems+=("config migrate printed no v1beta4 document")
  finish "$name" "${f##*/}" "${problems[@]}"
}

check_print() {
  local kind=$1 minor=$2 api=$3
  local name="config print $kind-defaults --kubernetes-version v1.$minor.0 --api-version $api"
  local p=$tmp/p out
  problems=()
  run "$p" "$KADM" config print "$kind-defaults" --kubernetes-version "v1.$minor.0" --api-version "$api"
  sane "config print"
  if { [ "$kind" = reset ] || [ "$kind" = upgrade ]; } && [ "$api" != v1beta4 ]; then
    # These kinds exist only in v1beta4: a usage error and nothing printed.
    [ "$RC" -eq 2 ] || problems+=("exit $RC, want 2 ($kind configuration does not exist in $api)")
    [ -z "$OUT" ] || problems+=("printed a document for a kind that $api does not have")
    finish "$name" "$name" "${problems[@]}"
    return
  fi
  if [ "$RC" -ne 0 ]; then
    finish "$name" "$name" "exit $RC: $(short "$ERR")"
    return
  fi
  out=$OUT
  has_line "$out" "apiVersion: kubeadm.k8s.io/$api$NL" || problems+=("printed no kubeadm.k8s.io/$api document")
  run "$p.val" "$KADM" config validate --config "$p.out"
  sane "config validate"
  [ "$RC" -eq 0 ] || problems+=("config validate: exit $RC: $(short "$ERR")")
  run "$p.mig" "$KADM" config migrate --old-config "$p.out" --api-version "$api"
  sane "config migrate"
  if [ "$RC" -ne 0 ]; then
    problems+=("config migrate: exit $RC: $(short "$ERR")")
  elif [ "$OUT" != "$out" ]; then
    problems+=("config migrate does not reproduce the printed defaults: $(diff "$p.out" "$p.mig.out" | head -6 | tr '\n' ' ')")
  fi
  finish "$name" "$name" "${problems[@]}"
}

fixtures() {
  local f
  for f in "$1"/*.yaml "$1"/*.yml "$1"/*.json; do [ -f "$f" ] && echo "$f"; done | sort
}

case $mode in
  good)
    load_known "$FIX/good"
    mapfile -t files < <(fixtures "$FIX/good")
    [ ${#files[@]} -ge 30 ] || { echo "FAIL: only ${#files[@]} files in $FIX/good"; exit 1; }
    for f in "${files[@]}"; do check_good_file "$f" "good/${f##*/}"; done
    check_good_file "$FIX/seed-v1beta1.yaml" "seed-v1beta1.yaml" seed
    ;;
  bad)
    load_known "$FIX/bad"
    mapfile -t files < <(fixtures "$FIX/bad")
    [ ${#files[@]} -ge 70 ] || { echo "FAIL: only ${#files[@]} files in $FIX/bad, want at least 70"; exit 1; }
    for f in "${files[@]}"; do check_bad_file "$f" "bad/${f##*/}"; done
    check_path missing-file "$FIX/bad/no-such-file.yaml" "cannot read the configuration file"
    check_path directory-as-config "$FIX/bad" "is a directory"
    ;;
  lenient)
    load_known "$FIX/bad"
    n=0
    while IFS= read -r f; do
      read_headers "$f"
      [ -n "${H[lenient]:-}" ] || continue
      n=$((n + 1))
      check_lenient_file "$f" "bad/${f##*/} (lenient)"
    done < <(fixtures "$FIX/bad")
    [ "$n" -ge 3 ] || { echo "FAIL: only $n '# lenient:' files in $FIX/bad"; exit 1; }
    ;;
  print)
    KNOWN=()
    for minor in $(seq 20 36); do
      for kind in init join reset upgrade; do
        for api in v1beta4 v1beta3 v1beta2; do check_print "$kind" "$minor" "$api"; done
      done
    done
    ;;
  *)
    echo "unknown mode $mode (good, bad, lenient, print)"
    exit 2
    ;;
esac

elapsed=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
echo "config corpus ($mode): $passed passed, $failures failed, $known known failures (${elapsed}s)"
[ "$failures" -eq 0 ]
