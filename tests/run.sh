#!/bin/sh
# run.sh - `make test`'s runner: every suite in turn, each suite's own report, then one total.
#
#   sh tests/run.sh BUILD_DIR
#
# Suites: the cmocka unit binaries (plain, then under ASan/UBSan), the self-checking guests on
# both emulator builds, the command line, the kernel, the network, the display and keyboard, the
# differential tests against the host CPU, the fuzz test under the sanitizers, and bounded
# libFuzzer sessions. The last line is "N passed, M failed" over every test case run; the exit
# status is non-zero when any suite failed.
set -u
build=$1
passed=0
failed=0
bad_suites=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Run one suite; add up the counts it reports ("N passed, M failed", or cmocka's summary).
suite() {
	name=$1
	shift
	echo "== $name"
	"$@" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\.$/\1/p; s/^\([0-9]*\) passed, [0-9]* failed.*$/\1/p' "$log" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:$/\1/p; s/^[0-9]* passed, \([0-9]*\) failed.*$/\1/p' "$log" | tail -n 1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$rc" -ne 0 ]; then
		bad_suites="$bad_suites $name"
		[ "${f:-0}" -eq 0 ] && failed=$((failed + 1)) # a crash counts as a failure
	fi
}

for t in "$build"/tests/unit_* "$build"/tests/san/unit_*; do
	[ -x "$t" ] && suite "${t#"$build"/}" "$t"
done
suite "guests (denali)" sh tests/guests/run.sh "$build" "$build/denali"
suite "guests (denali-san)" sh tests/guests/run.sh "$build" "$build/denali-san"
suite "cli" sh tests/cli/run.sh "$build"
suite "kernel" sh tests/kernel/run.sh "$build"
suite "kernel (pager disk)" sh tests/kernel/pager_disk.sh "$build"
suite "net" sh tests/net/run.sh "$build"
# The network again on the sanitizer build, but for the thousand-VM case (a minute there).
suite "net (denali-san)" env NET_DENALI="$build/denali-san" NET_SKIP=scale sh tests/net/run.sh "$build"
suite "display" sh tests/display/run.sh "$build"
suite "display (denali-san)" env DISPLAY_DENALI="$build/denali-san" DISPLAY_SKIP=window sh tests/display/run.sh "$build"
suite "debug" sh tests/debug/run.sh "$build"
suite "labs" sh tests/labs/run.sh "$build"
suite "slurm" sh tests/exp/slurm.sh "$build"
suite "experiments" sh tests/exp/run.sh "$build"
suite "difftest" make --no-print-directory -s difftest-ci BUILD="$build"
suite "fuzz (san)" "$build/tests/san/fuzz" -j2 2000 tests/fuzz/regress
suite "libFuzzer, 30 s" make --no-print-directory -s fuzz BUILD="$build" FUZZ_TIME=30
suite "libFuzzer on TCP, 15 s" make --no-print-directory -s fuzz-tcp BUILD="$build" FUZZ_TIME=15
suite "libFuzzer on RSP, 10 s" make --no-print-directory -s fuzz-rsp BUILD="$build" FUZZ_TIME=10

[ -n "$bad_suites" ] && echo "failed suites:$bad_suites"
echo "$passed passed, $failed failed"
[ -z "$bad_suites" ]
