#!/bin/sh
# run.sh - the debugging suite: the monitor (monitor.sh), then the GDB stub driven by gdb
# (gdb.sh). Prints each script's "ok N - NAME" / "not ok N - NAME: WHY" lines and one
# "N passed, M failed" over both; the exit status is non-zero when either failed.
#
#   sh tests/debug/run.sh BUILD_DIR
set -u
B=${1:?usage: sh tests/debug/run.sh BUILD_DIR}
HERE=$(dirname "$0")
log=$(mktemp) || exit 2
trap 'rm -f "$log"' EXIT
passed=0 failed=0 status=0
for t in monitor gdb; do
	sh "$HERE/$t.sh" "$B" >"$log" 2>&1 || status=1
	grep -v '^[0-9]* passed, [0-9]* failed$' "$log" | sed "s/^\(not \)\{0,1\}ok [0-9]* - /&$t: /"
	p=$(sed -n 's/^\([0-9]*\) passed, [0-9]* failed$/\1/p' "$log" | tail -n 1)
	f=$(sed -n 's/^[0-9]* passed, \([0-9]*\) failed$/\1/p' "$log" | tail -n 1)
	[ -z "$p" ] && f=$((${f:-0} + 1)) # it ended without its count: a failure
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
done
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
