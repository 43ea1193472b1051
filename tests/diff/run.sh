#!/bin/sh
# run.sh - differential test: each seed's cases run natively and as a DVA-1 guest, outputs compared.
#
# usage: BUILD=build MAKE=make DIFF_COUNT=800 DIFF_X87_COUNT=2000 sh tests/diff/run.sh SEED...
# Prints the first differing cases of each seed (both lines and the instruction's bytes; integer
# cases are c<N>, x87 cases x<N>) and ends
# with "N passed, M failed" (cases); exits 1 on any failure. On a host that cannot run 32-bit x86
# code natively there is nothing to compare against: it says so and exits 0.
set -u
BUILD=${BUILD:-build}
MK=${DIFF_MAKE:-${MAKE:-make}}
COUNT=${DIFF_COUNT:-800}
XCOUNT=${DIFF_X87_COUNT:-2000}
SHOW=${DIFF_SHOW:-5}
MAX_INSNS=${DIFF_MAX_INSNS:-4000000000}

skip() {
	echo "difftest: skipped: this host cannot run 32-bit x86 code natively${1:+ ($1)}"
	exit 0
}

case $(uname -m) in
x86_64 | i?86 | amd64) ;;
*) skip "$(uname -m)" ;;
esac
probe=$(mktemp -d) || exit 1
trap 'rm -rf "$probe"' EXIT
printf 'int main(void) { return 42; }\n' >"$probe/p.c"
gcc -m32 -o "$probe/p" "$probe/p.c" >/dev/null 2>&1 || skip "gcc -m32 cannot link"
"$probe/p" 2>/dev/null
[ $? -eq 42 ] || skip "a 32-bit program does not run"

[ $# -gt 0 ] || { echo "usage: run.sh SEED..." >&2; exit 2; }
pass=0
fail=0
for seed in "$@"; do
	dir=$BUILD/diff/s$seed-n$COUNT-x$XCOUNT
	$MK --no-print-directory -s "$dir/native" || { echo "difftest: seed $seed: native build failed"; fail=$((fail + 1)); continue; }
	"$dir/native" >"$dir/native.out" 2>"$dir/native.err"
	rc=$?
	if [ $rc -eq 3 ]; then
		echo "difftest: seed $seed: the low window cannot be mapped here (vm.mmap_min_addr); running without 16-bit addressing cases"
		dir=$dir-nolow
		$MK --no-print-directory -s "$dir/native" || { fail=$((fail + 1)); continue; }
		"$dir/native" >"$dir/native.out" 2>"$dir/native.err"
		rc=$?
	fi
	if [ $rc -ne 0 ]; then
		# a case the generator should never have produced faulted on the host
		echo "difftest: seed $seed: the native program failed (status $rc) after $(grep -c '^[cx]' "$dir/native.out") cases: a generator bug"
		fail=$((fail + 1))
		continue
	fi
	$MK --no-print-directory -s "$dir/guest.elf" || { echo "difftest: seed $seed: guest build failed"; fail=$((fail + 1)); continue; }
	"$BUILD/denali" run --max-insns "$MAX_INSNS" "$dir/guest.elf" >"$dir/guest.out" 2>"$dir/guest.err"
	grc=$?
	[ $grc -eq 0 ] || echo "difftest: seed $seed: the guest ended with status $grc: $(head -c 600 "$dir/guest.err")"
	# local labels kept (-L) so each case's bytes can be shown
	as --32 -L -o "$dir/cases.o" "$dir/cases.s" 2>/dev/null
	awk -v seed="$seed" -v show="$SHOW" -v obj="$dir/cases.o" '
		NR == FNR { if ($1 ~ /^[cx][0-9]+$/) want[$1] = $0; next }
		$1 ~ /^[cx][0-9]+$/ { got[$1] = $0 }
		END {
			for (k in want) {
				if (want[k] == got[k]) { p++; continue }
				f++
				bad[k] = 1
			}
			shown = 0
			for (t = 0; t < 2; t++)
			for (n = 0; shown < show && n < 1000000; n++) {
				k = (t ? "x" : "c") n
				if (!(k in want)) break
				if (!(k in bad)) continue
				shown++
				print "difftest: seed " seed " case " k " differs:"
				print "  native: " want[k]
				print "  guest:  " (k in got ? got[k] : "(missing)")
				cmd = "objdump -d -M intel " obj " 2>/dev/null | awk \"/<\\\\.L" k ">:/{on=1;next} on&&/^$/{exit} on&&/jmp/{exit} on{print}\""
				while ((cmd | getline line) > 0) print "  bytes: " line
				close(cmd)
			}
			printf "difftest: seed %s: %d passed, %d failed\n", seed, p, f
			print p + 0, f + 0 > "/dev/stderr"
		}' "$dir/native.out" "$dir/guest.out" 2>"$dir/counts"
	read p f <"$dir/counts"
	pass=$((pass + p))
	fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
