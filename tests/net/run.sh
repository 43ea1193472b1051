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
# webobj_sha256 N: the sha256 of httpd's generated N-byte object (examples/webobj.h's formula).
webobj_sha256() {
	python3 -c 'import hashlib, sys; n = int(sys.argv[1]); print(hashlib.sha256(bytes((i * 31 + n) % 251 for i in range(n))).hexdigest())' "$1"
}
# big_transfers URL HOW [CMD...]: 10 MB each way between the host and an httpd guest at URL
# (http://ADDR:PORT), curl run through CMD (e.g. ip netns exec NS): GET /bytes/10485760 must
# hash to the formula's sha256, and POST /sha256 of 10 MB of random bytes must answer the
# sha256 the host computes. Two checks, named with HOW.
big_transfers() {
	url=$1 how=$2
	shift 2
	want=$(webobj_sha256 10485760)
	got=$("$@" curl -s --max-time 60 "$url/bytes/10485760" | sha256sum | cut -d' ' -f1)
	if [ "$got" = "$want" ]; then
		ok "10 MB from a guest to the host $how, sha256 right"
	else
		bad "10 MB from a guest to the host $how" "sha256 $got, want $want"
	fi
	head -c 10485760 /dev/urandom >"$T/up.bin"
	want=$(sha256sum "$T/up.bin" | cut -d' ' -f1)
	got=$("$@" curl -s --max-time 60 --data-binary @"$T/up.bin" "$url/sha256")
	if [ "$got" = "sha256 $want" ]; then
		ok "10 MB from the host to a guest $how, sha256 right"
	else
		bad "10 MB from the host to a guest $how" "answer '$got', want sha256 $want"
	fi
	rm -f "$T/up.bin"
}

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
