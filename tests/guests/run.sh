#!/bin/sh
# run.sh - runs the self-checking guests and compares each one's stdout and exit status with
# tests/guests/expect/NAME.out and NAME.status.
#
#   sh tests/guests/run.sh BUILD_DIR DENALI_BINARY [NAME...]
#
# Without NAMEs it runs every BUILD_DIR/guests/t_*.elf. An optional expect/NAME.opts holds extra
# `denali run` options, in shell quoting (e.g. --mem 1M --args 'a b'); an optional expect/NAME.in
# is the guest's console input (otherwise /dev/null); an optional expect/NAME.check is a shell
# script run after the guest as `sh NAME.check STATS_DIR`, the guest having been run with
# --stats STATS_DIR: it checks the emulator's statistics and prints why when it exits non-zero.
# Prints one line per guest, then
# "N passed, M failed"; exits 1 if any guest failed.
set -u

if [ $# -lt 2 ]; then
	echo "usage: sh tests/guests/run.sh BUILD_DIR DENALI_BINARY [NAME...]" >&2
	exit 2
fi
build=$1
denali=$2
shift 2
expect=$(dirname "$0")/expect
# A runaway guest stops here (exit 124) instead of hanging the test run.
max_insns=500000000

if [ $# -eq 0 ]; then
	for elf in "$build"/guests/t_*.elf; do
		[ -e "$elf" ] || continue
		name=${elf##*/}
		set -- "$@" "${name%.elf}"
	done
fi
if [ $# -eq 0 ]; then
	echo "run.sh: no guests found in $build/guests" >&2
	exit 2
fi

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
passed=0
failed=0

# run_one NAME: runs the guest, leaves its stdout, stderr and status in $tmp; returns 0 when all
# match what expect/ says.
run_one() {
	name=$1
	elf=$build/guests/$name.elf
	set --
	if [ -f "$expect/$name.opts" ]; then
		eval "set -- $(cat "$expect/$name.opts")"
	fi
	input=/dev/null
	[ -f "$expect/$name.in" ] && input=$expect/$name.in
	if [ -f "$expect/$name.check" ]; then
		rm -rf "$tmp/stats"
		set -- --stats "$tmp/stats" "$@"
	fi
	"$denali" run --max-insns "$max_insns" "$@" "$elf" >"$tmp/out" 2>"$tmp/err" <"$input"
	echo $? >"$tmp/status"
	why=
	if [ -f "$expect/$name.check" ] && ! sh "$expect/$name.check" "$tmp/stats" >"$tmp/check" 2>&1; then
		why="$name.check: $(head -n 1 "$tmp/check")"
	fi
	if [ ! -f "$expect/$name.out" ] || [ ! -f "$expect/$name.status" ]; then
		why="no expect/$name.out or expect/$name.status"
		return 1
	fi
	if [ "$(cat "$tmp/status")" != "$(cat "$expect/$name.status")" ]; then
		why="${why:+$why; }status $(cat "$tmp/status"), want $(cat "$expect/$name.status")"
	fi
	if ! cmp -s "$expect/$name.out" "$tmp/out"; then
		why="${why:+$why; }stdout differs"
	fi
	[ -z "$why" ]
}

for name in "$@"; do
	if run_one "$name"; then
		echo "ok   $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name: $why"
		if [ -f "$expect/$name.out" ]; then
			diff -u "$expect/$name.out" "$tmp/out" | sed -n '1,40s/^/    /p'
		fi
		sed -n '1,10s/^/    stderr: /p' "$tmp/err"
		failed=$((failed + 1))
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
