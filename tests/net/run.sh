#!/bin/sh
# run.sh - the network suite: the NIC's contract seen from guests, the switch, guestos's stack,
# capture and determinism, each case a multi-VM run checked for its output and exit status.
#
#   sh tests/net/run.sh BUILD_DIR [CASE...]
#
# NET_DENALI names another emulator binary (make test runs the suite again on denali-san) and
# NET_SKIP the cases to leave out, separated by spaces.
#
# Each tests/net/cases/NAME.sh is sourced in turn (all of them, or the NAMEs given) with these
# at hand: $D the emulator, $G the guest directory, $T an empty scratch directory of its own,
# run ARGS... (denali with no input: status in $rc, output in $T/out and $T/err), ok NAME,
# bad NAME WHY, skip NAME WHY. One line per check, then "N passed, M failed"; the exit status is
# non-zero on any failure.
set -u

B=${1:?usage: sh tests/net/run.sh BUILD_DIR [CASE...]}
shift
D=${NET_DENALI:-$B/denali}
G=$B/guests
[ -x "$D" ] || { echo "run.sh: $D is missing (make it first)" >&2; exit 2; }
cases=$(dirname "$0")/cases

top=$(mktemp -d "${TMPDIR:-/tmp}/denali-net.XXXXXX") || exit 2
trap 'rm -rf "$top"' EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1: $2"; }
skip() { echo "skip $1: $2"; }

# A runaway guest stops (exit 124) instead of hanging the suite.
run() {
	"$D" run --max-insns 2000000000 "$@" </dev/null >"$T/out" 2>"$T/err"
	rc=$?
}
# The first line of stderr and the output on one line, for a failure's message.
why() { echo "exit $rc: $(head -c 600 "$T/out" | tr '\n' '|') $(head -n 1 "$T/err")"; }

if [ $# -eq 0 ]; then
	for f in "$cases"/*.sh; do
		[ -e "$f" ] || continue
		n=${f##*/}
		set -- "$@" "${n%.sh}"
	done
fi
for c in "$@"; do
	case " ${NET_SKIP:-} " in *" $c "*) echo "-- $c: skipped"; continue ;; esac
	T=$top/$c
	mkdir -p "$T"
	echo "-- $c"
	# shellcheck disable=SC1090 # the cases are the suite
	. "$cases/$c.sh"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
