#!/usr/bin/env bash
# The lab's scripts pass shellcheck (lab/.shellcheckrc), so quoting and error-handling slips in
# scripts that run as root and kill processes are caught before they run.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
command -v shellcheck >/dev/null || skip "shellcheck not installed (apt-get install shellcheck)"
lab_dir=$(dirname "$TESTS_DIR")
cd "$lab_dir"
mapfile -t scripts < <(grep -rlE '^#!/usr/bin/env bash|^# shellcheck shell=bash' --exclude-dir=helpers . | sort)
[ ${#scripts[@]} -ge 10 ] || fail "expected the lab's scripts, found only: ${scripts[*]}"
shellcheck -x "${scripts[@]}" || fail "shellcheck found problems (above)"
echo "PASS $TEST_NAME (${#scripts[@]} scripts)"
