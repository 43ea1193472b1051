#!/bin/sh
# mutate.sh - `make mutate`: shows that the tests catch wrong results, by making them on purpose.
#
#   sh tests/mutate.sh [NAME...]      (default: every mutation below)
#
# Each mutation edits one line of the CPU in a copy of the tree (never this one), rebuilds there
# and runs the suite of `make test` that must catch it: the differential test against the host
# CPU in long mode only (DIFF_MODES=x86-64, the half that runs on every x86-64 host), or the unit
# vectors for a vector-class instruction. A mutation the suite does not catch is a failure, and
# so is one whose edit no longer applies (the line it names has changed: update the table).
# The last line is "N passed, M failed" (mutations caught, mutations missed).
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/denali-mutate.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

# name # file # sed expression (one substitution that must change the file) # suite
# suite: diff (make difftest-ci, long mode), or unit:NAME (build/tests/unit_NAME)
MUTATIONS='
adc-cf#cpu/flags.h#s/if (wide > m)$/if (wide > m \&\& !carry)/#diff
shld-of#cpu/shift.c#s/of = bit(res, w - 1) ^ cf;$/of = bit(res, w - 1);/#diff
imul-of-fast#cpu/fast.c#s/set_cf_of(c, p != (int32_t)p ? FL_CF | FL_OF : 0);/set_cf_of(c, p != (int32_t)p ? FL_CF : 0);/#diff
imul-of#cpu/muldiv.c#/^int op_imul/,/^}/s/cf_of(p != sval((uint32_t)p, n))/(cf_of(p != sval((uint32_t)p, n)) \& ~FL_OF)/#diff
daa-af#cpu/bcd.c#/^int op_daa/,/^}/s/^\t\tf |= FL_AF;$/\t\tf |= 0;/#unit:bcd
fprem-c0#cpu/f80_soft.c#s/cc = ((q & 4) ? FSW_C0/cc = ((q \& (ieee ? 4 : 8)) ? FSW_C0/#diff
fprem-c1#cpu/f80_soft.c#s/((q & 1) ? FSW_C1 : 0)/((q \& (ieee ? 1 : 2)) ? FSW_C1 : 0)/#diff
fprem-c2#cpu/f80_soft.c#s/return bits | FSW_C2 | exact_reg(/return bits | (ieee ? FSW_C2 : 0) | exact_reg(/#diff
fprem-c3#cpu/f80_soft.c#s/((q & 2) ? FSW_C3 : 0)/((q \& (ieee ? 2 : 1)) ? FSW_C3 : 0)/#diff
'

# The FPREM mutations apply to FPREM only (ieee is false): FPREM1 shares the core.

# The copy: every file git knows or would add, as it is now in the working tree.
(cd "$here" && git ls-files -co --exclude-standard -z | xargs -0 tar -cf -) | tar -xf - -C "$work" ||
	{ echo "mutate: cannot copy the tree"; exit 1; }
cd "$work" || exit 1
echo "mutate: building the unmutated copy in $work"
make -s -j2 all build/tests/diff-gen >build.log 2>&1 || { tail -20 build.log; echo "mutate: the unmutated tree does not build"; exit 1; }

# run_suite SUITE: 0 when it passes; its output in run.log
run_suite() {
	case $1 in
	diff)
		make -s -j2 all build/tests/diff-gen >>build.log 2>&1 &&
			DIFF_MODES=x86-64 make --no-print-directory -s difftest-ci >run.log 2>&1
		;;
	unit:*)
		make -s -j2 "build/tests/unit_${1#unit:}" >>build.log 2>&1 &&
			"build/tests/unit_${1#unit:}" >run.log 2>&1
		;;
	*)
		echo "mutate: unknown suite $1" >run.log
		return 2
		;;
	esac
}

# Every suite passes on the unmutated copy, or a "caught" would mean nothing.
for suite in $(printf '%s\n' "$MUTATIONS" | cut -d'#' -f4 | sort -u); do
	if ! run_suite "$suite"; then
		tail -20 run.log
		echo "mutate: $suite fails without any mutation: fix that first"
		echo "0 passed, 1 failed"
		exit 1
	fi
done

printf '%s\n' "$MUTATIONS" | while IFS='#' read -r name file expr suite; do
	[ -n "$name" ] || continue
	if [ $# -gt 0 ]; then
		case " $* " in *" $name "*) ;; *) continue ;; esac
	fi
	cp "$file" "$file.orig"
	sed "$expr" "$file.orig" >"$file"
	if cmp -s "$file" "$file.orig"; then
		echo "mutate: $name: MISSED: the edit no longer applies to $file (update tests/mutate.sh)"
		echo missed >>results
		mv "$file.orig" "$file"
		continue
	fi
	echo "mutate: $name: $(diff "$file.orig" "$file" | sed -n 's/^> *//p' | head -n 1)"
	run_suite "$suite"
	rc=$?
	# caught: the suite ran and reported a failing case (not a build error)
	if [ $rc -ne 0 ] && grep -q '^[0-9]* passed, [1-9][0-9]* failed\|^\[  FAILED  \] [1-9]' run.log; then
		echo "mutate: $name: caught by $suite: $(grep -m1 -A1 'differs:\|\[  FAILED  \] [a-z]' run.log |
			tr -s ' \n' ' ' | cut -c1-150)"
		echo caught >>results
	else
		echo "mutate: $name: MISSED: $suite still passes (or did not build: see $work/build.log)"
		echo missed >>results
	fi
	: >run.log
	mv "$file.orig" "$file"
	touch "$file"
done
caught=$(grep -c '^caught' results 2>/dev/null)
missed=$(grep -c '^missed' results 2>/dev/null)
echo "${caught:-0} passed, ${missed:-0} failed"
[ "${missed:-0}" -eq 0 ] && [ "${caught:-0}" -gt 0 ]
