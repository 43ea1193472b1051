#!/bin/sh
# run.sh - differential test: each seed's cases run natively and as a DVA-1 guest, outputs compared.
#
# usage: BUILD=build MAKE=make DIFF_COUNT=800 DIFF_X87_COUNT=2000 sh tests/diff/run.sh SEED...
#
# The guest runs every case. The native half runs where the host can:
#   x86-64  on any x86-64 host: the silicon-class forms (tests/diff/classes.c) in long mode; the
#           vector-class ones print "v<N>" and are left to their unit vectors (tests/unit/);
#   i386    where the host can also run 32-bit code: every form, as before long mode.
# Prints the first differing cases of each seed and mode (both lines and the instruction's bytes;
# integer cases are c<N>, x87 cases x<N>) and ends with "N passed, M failed" (cases, summed over
# the modes); exits 1 on any failure. A guest case the native program neither ran nor declared a
# vector-class case is a failure, so nothing is skipped silently. On a host that is not x86
# there is no processor to compare with: it says so in one line and exits 0.
# DIFF_MODES="x86-64" (or "i386") runs only that half, as on a host that lacks the other.
set -u
BUILD=${BUILD:-build}
MK=${DIFF_MAKE:-${MAKE:-make}}
COUNT=${DIFF_COUNT:-800}
XCOUNT=${DIFF_X87_COUNT:-2000}
SHOW=${DIFF_SHOW:-5}
MAX_INSNS=${DIFF_MAX_INSNS:-4000000000}
MODES=${DIFF_MODES:-x86-64 i386}

case $(uname -m) in
x86_64 | amd64) can64=1 ;;
i?86) can64=0 ;;
*)
	echo "difftest: skipped: this host is $(uname -m), not x86: there is no processor to compare the guest with"
	exit 0
	;;
esac
[ $# -gt 0 ] || { echo "usage: run.sh SEED..." >&2; exit 2; }

probe=$(mktemp -d) || exit 1
trap 'rm -rf "$probe"' EXIT
printf 'int main(void) { return 42; }\n' >"$probe/p.c"
# probe BITS: whether a program built with gcc -mBITS runs here; prints why not
probe() {
	if ! gcc -m"$1" -o "$probe/p$1" "$probe/p.c" >"$probe/err" 2>&1; then
		echo "gcc -m$1 cannot link"
		return 1
	fi
	"$probe/p$1" 2>"$probe/err"
	[ $? -eq 42 ] && return 0
	echo "a $1-bit program does not run: $(head -c 200 "$probe/err")"
	return 1
}
if [ "$can64" = 1 ] && ! why64=$(probe 64); then
	echo "difftest: FAIL: an x86-64 host cannot run an x86-64 program ($why64)"
	echo "0 passed, 1 failed"
	exit 1
fi
for m in $MODES; do
	case $m in
	x86-64 | i386) ;;
	*) echo "difftest: DIFF_MODES: '$m' is not a mode (x86-64, i386)"; echo "0 passed, 1 failed"; exit 1 ;;
	esac
done
wanted() { case " $MODES " in *" $1 "*) return 0 ;; esac; return 1; }
wanted x86-64 || can64=0
if ! wanted i386; then
	can32=0
	echo "difftest: i386 native half not run: DIFF_MODES=\"$MODES\""
elif why32=$(probe 32); then
	can32=1
else
	can32=0
	echo "difftest: i386 native half not run: this host cannot run 32-bit x86 code ($why32);" \
		"the vector-class forms are checked by their unit vectors"
fi

pass=0
fail=0
# compare LABEL SEED NATIVE_OUT GUEST_OUT CASES_S AS_FLAG: add the counts, show the differences
compare() {
	label=$1 seed=$2 nout=$3 gout=$4 src=$5
	obj=${src%.s}.o
	# local labels kept (-L) so each case's bytes can be shown
	as "$6" -L -o "$obj" "$src" 2>/dev/null
	awk -v seed="$seed" -v label="$label" -v show="$SHOW" -v obj="$obj" '
		NR == FNR {
			if ($1 ~ /^[cx][0-9]+$/) want[$1] = $0
			else if ($1 ~ /^v[0-9]+$/) vec["c" substr($1, 2)] = 1
			next
		}
		$1 ~ /^[cx][0-9]+$/ { got[$1] = $0 }
		END {
			for (k in want) {
				if (want[k] == got[k]) { p++; continue }
				f++
				bad[k] = 1
			}
			for (k in got) {
				if (k in want) continue
				if (k in vec) { v++; continue }
				f++
				bad[k] = 1
				want[k] = "(not run natively, and not a vector-class case)"
			}
			shown = 0
			for (t = 0; t < 2; t++)
			for (n = 0; shown < show && n < 1000000; n++) {
				k = (t ? "x" : "c") n
				if (!(k in want) && !(k in got)) break
				if (!(k in bad)) continue
				shown++
				print "difftest: seed " seed " (" label ") case " k " differs:"
				print "  native: " (k in want ? want[k] : "(missing)")
				print "  guest:  " (k in got ? got[k] : "(missing)")
				cmd = "objdump -d -M intel " obj " 2>/dev/null | awk \"/<\\\\.L" k ">:/{on=1;next} on&&/^$/{exit} on&&/jmp/{exit} on{print}\""
				while ((cmd | getline line) > 0) print "  bytes: " line
				close(cmd)
			}
			printf "difftest: seed %s (%s): %d passed, %d failed", seed, label, p, f
			if (v) printf "; %d vector-class cases left to the unit vectors", v
			printf "\n"
			print p + 0, f + 0 > "/dev/stderr"
		}' "$nout" "$gout" 2>"$probe/counts"
	read p f <"$probe/counts"
	pass=$((pass + p))
	fail=$((fail + f))
}

# run_native SEED DIR PROGRAM: run it into PROGRAM.out; 0 when it ran every case
run_native() {
	"$2/$3" >"$2/$3.out" 2>"$2/$3.err"
	rc=$?
	[ $rc -eq 0 ] && return 0
	[ $rc -eq 3 ] && return 3
	# a case the generator should never have produced faulted on the host
	echo "difftest: seed $1: $3 failed (status $rc) after $(grep -c '^[cxv]' "$2/$3.out") cases: a generator bug"
	fail=$((fail + 1))
	return 1
}

# run_guest SEED DIR: build and run the guest into DIR/guest.out
run_guest() {
	$MK --no-print-directory -s "$2/guest.elf" || { echo "difftest: seed $1: guest build failed"; return 1; }
	"$BUILD/denali" run --max-insns "$MAX_INSNS" "$2/guest.elf" >"$2/guest.out" 2>"$2/guest.err"
	grc=$?
	if [ $grc -ne 0 ]; then
		echo "difftest: seed $1: the guest ended with status $grc: $(head -c 600 "$2/guest.err")"
		fail=$((fail + 1))
	fi
	return 0
}

# ended SEED LABEL FILE [WANT]: FILE's last line is the driver's "end N M" (WANT exactly, when
# given: a native half must end as the guest did); a half that stopped early is a failure even
# when the cases it did print all matched.
ended() {
	last=$(tail -n 1 "$3")
	case "$last" in
	"end "*[0-9]" "*[0-9]) [ -z "${4:-}" ] || [ "$last" = "$4" ] && return 0 ;;
	esac
	echo "difftest: seed $1 ($2): the output ends '$(printf %.80s "$last")', not '${4:-end N M}'"
	fail=$((fail + 1))
}

for seed in "$@"; do
	dir=$BUILD/diff/s$seed-n$COUNT-x$XCOUNT
	run_guest "$seed" "$dir" || { fail=$((fail + 1)); continue; }
	ended "$seed" guest "$dir/guest.out"
	if [ "$can64" = 1 ]; then
		if $MK --no-print-directory -s "$dir/native64"; then
			run_native "$seed" "$dir" native64
			rc=$?
			[ $rc -eq 3 ] && { echo "difftest: seed $seed: native64 cannot map the low window (it should need none)"; fail=$((fail + 1)); }
			if [ $rc -eq 0 ]; then
				compare x86-64 "$seed" "$dir/native64.out" "$dir/guest.out" "$dir/cases64.s" --64
				ended "$seed" "x86-64 native" "$dir/native64.out" "$(tail -n 1 "$dir/guest.out")"
			fi
		else
			echo "difftest: seed $seed: x86-64 native build failed"
			fail=$((fail + 1))
		fi
	fi
	[ "$can32" = 1 ] || continue
	$MK --no-print-directory -s "$dir/native" || { echo "difftest: seed $seed: i386 native build failed"; fail=$((fail + 1)); continue; }
	run_native "$seed" "$dir" native
	rc=$?
	if [ $rc -eq 3 ]; then
		echo "difftest: seed $seed: the low window cannot be mapped here (vm.mmap_min_addr); running the i386 half without 16-bit addressing cases"
		dir=$dir-nolow
		$MK --no-print-directory -s "$dir/native" || { fail=$((fail + 1)); continue; }
		run_guest "$seed" "$dir" || { fail=$((fail + 1)); continue; }
		run_native "$seed" "$dir" native
		rc=$?
	fi
	if [ $rc -eq 0 ]; then
		compare i386 "$seed" "$dir/native.out" "$dir/guest.out" "$dir/cases.s" --32
		ended "$seed" "i386 native" "$dir/native.out" "$(tail -n 1 "$dir/guest.out")"
	fi
done
# every seed compared something: a run that checked nothing is not a pass
[ "$pass" -gt 0 ] || { echo "difftest: no case was compared"; fail=$((fail + 1)); }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
