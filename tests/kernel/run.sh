#!/bin/sh
# run.sh - the isolation kernel's tests (DVA-1 sections 4 to 7 and the multi-VM run): the k_*
# guests' transcripts, scenario files and their errors, -o overrides, console modes, --stats,
# exit statuses, deterministic replay, isolation and a 10,000-VM scale run (POSIX sh, coreutils).
#
#   sh tests/kernel/run.sh BUILD_DIR
#
# Expected transcripts (expect/CASE.out, CASE.status) were worked out by hand from DVA-1; the
# derivations are in the comments of each guest (guests/k_*.S) and scenario. One line per case,
# then "N passed, M failed"; the exit status is non-zero when any case failed.
set -u

B=${1:?usage: sh tests/kernel/run.sh BUILD_DIR}
D=$B/denali
G=$B/guests
HERE=$(dirname "$0")
S=$HERE/scenarios
E=$HERE/expect
for f in "$D" "$G/k_idle.elf" "$G/k_order.elf" "$G/k_batch.elf" "$G/k_sync.elf" "$G/k_fold.elf" "$G/k_poll.elf" \
	"$G/k_work.elf" "$G/k_bad.elf" "$G/k_smcvm.elf" "$G/burst.elf" "$G/ticker.elf"; do
	[ -e "$f" ] || { echo "run.sh: $f is missing (make it first)" >&2; exit 2; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/denali-kernel.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1: $2"; }

# run [ARGS...]: denali run with no input; status in $rc, output in $T/out and $T/err.
run() {
	"$D" run "$@" </dev/null >"$T/out" 2>"$T/err"
	rc=$?
}
lines() { wc -l <"$1" | tr -d ' '; }
# same CASE FILE [NAME]: FILE equals expect/CASE.out and $rc equals expect/CASE.status.
same() {
	s_name=${3:-$1}
	if ! cmp -s "$2" "$E/$1.out"; then
		bad "$s_name" "output differs from expect/$1.out: $(diff "$E/$1.out" "$2" | sed -n 2p)"
	elif [ "$rc" != "$(cat "$E/$1.status")" ]; then
		bad "$s_name" "exit status $rc, expected $(cat "$E/$1.status")"
	else
		ok "$s_name"
	fi
}
# An image override for each group of a scenario.
img() { echo "-o $1.image=$G/$2.elf"; }

# --- decoded code: read-only code shared by the VMs of an image, written code private ---------
# The decoder runs once for the image's read-only code whatever the number of VMs: 50 copies of
# a guest that takes the same path in every VM make as many Zydis calls in all as one does.
zydis() { sed -n 's/^  "zydis_decodes": \([0-9]*\),$/\1/p' "$1/summary.json"; }
run --vms 1 --console none --stats "$T/z1" "$G/k_work.elf"
run --vms 50 --console none --stats "$T/z50" "$G/k_work.elf"
if [ -n "$(zydis "$T/z1")" ] && [ "$(zydis "$T/z1")" = "$(zydis "$T/z50")" ]; then
	ok "shared decode: 50 VMs of one image decode its code once ($(zydis "$T/z50") Zydis calls)"
else bad "shared decode" "1 VM: $(zydis "$T/z1") Zydis calls, 50 VMs: $(zydis "$T/z50")"; fi
# Each VM patches the same writable address with its own vm_id: each must run its own bytes.
run --vms 3 --console prefix "$G/k_smcvm.elf"
printf '[vm 0] vm 0: 0 1000\n[vm 1] vm 1: 1 1001\n[vm 2] vm 2: 2 1002\n' >"$T/want"
if [ "$rc" -eq 0 ] && cmp -s "$T/out" "$T/want"; then ok "written code is private to its VM"
else bad "written code is private to its VM" "status $rc: $(tr '\n' '|' <"$T/out")"; fi

# --- transcripts of the timed guests ---------------------------------------------------------
run "$G/k_idle.elf"
same idle "$T/out"
"$D" run --quantum 1000 "$G/k_batch.elf" <"$E/batch.in" >"$T/out" 2>"$T/err"
rc=$?
same batch "$T/out"
# order.ini says quantum 5000: -o run.quantum=10000 must win (the transcript is for 10000).
run "$S/order.ini" $(img order k_order) -o run.quantum=10000
same order "$T/out"
run --vms 2 --mem 1M "$G/k_sync.elf"
same sync_batched "$T/out"
run "$S/sync.ini" $(img pair k_sync)
same sync "$T/out" "sync (irq_mode = sync)"
run --vms 2 --mem 1M --irq-mode sync "$G/k_sync.elf"
same sync "$T/out" "sync (--irq-mode sync)"
run --vms 2 --mem 1M "$G/k_fold.elf"
same fold "$T/out"
run "$G/k_poll.elf"
same poll "$T/out" "poll (a line is pending from its event's time, inside a quantum)"

# --- the gatekeeper ----------------------------------------------------------------------------
run "$S/gate_active.ini" $(img w k_work)
same gate_active "$T/out"
run "$S/gate_mem.ini" $(img a k_work) $(img b k_work) $(img c k_work)
same gate_mem "$T/out"

# --- TERMINATE and the run's exit status -------------------------------------------------------
run "$S/terminate.ini" $(img ok k_work) $(img odd k_work) --stats "$T/term"
same terminate "$T/out"
st=$(cut -d, -f1,10,11 "$T/term/vms.csv" | tr '\n' ' ')
if [ "$st" = "id,status,fault 0,0, 1,0, 2,7, " ]; then ok "terminate: vms.csv statuses"
else bad "terminate: vms.csv statuses" "got '$st'"; fi

run "$S/stuck.ini" $(img w k_work) $(img idlers k_bad) --stats "$T/stuck"
if [ "$rc" -ne 125 ]; then bad "stuck: exit 125" "exit $rc"
elif ! grep -q '^denali: 2 VMs stuck' "$T/err"; then bad "stuck: exit 125" "stderr does not name 2 stuck VMs: $(head -n 1 "$T/err")"
elif [ "$(cut -d, -f10 "$T/stuck/vms.csv" | tr '\n' ' ')" != "status 0 running running " ]; then
	bad "stuck: exit 125" "vms.csv statuses: $(cut -d, -f10 "$T/stuck/vms.csv" | tr '\n' ' ')"
else ok "stuck: exit 125, '2 VMs stuck'"; fi

run "$S/limit.ini" $(img w k_work) $(img spin k_bad) --stats "$T/limit"
if [ "$rc" -ne 124 ]; then bad "max_insns: exit 124" "exit $rc"
elif ! grep -q '"instructions": 3000000,' "$T/limit/summary.json"; then bad "max_insns: exit 124" "summary.json instructions is not 3000000"
elif [ "$(cut -d, -f10 "$T/limit/vms.csv" | tr '\n' ' ')" != "status 0 running " ]; then
	bad "max_insns: exit 124" "vms.csv statuses: $(cut -d, -f10 "$T/limit/vms.csv" | tr '\n' ' ')"
else ok "max_insns: exit 124"; fi

run "$S/gate_active.ini" $(img w k_work) -o w.count=3 -o w.args='10 0'
if [ "$rc" -eq 0 ] && [ "$(grep -c '^\[vm [012]\] end$' "$T/out")" -eq 3 ]; then ok "-o GROUP.KEY: 3 VMs, all status 0, exit 0"
else bad "-o GROUP.KEY: 3 VMs, all status 0, exit 0" "exit $rc, $(lines "$T/out") lines"; fi
run "$S/gate_active.ini" $(img w k_work) -o nosuch.count=3
if [ "$rc" -ne 0 ] && [ "$(lines "$T/err")" -eq 1 ] && grep -q "^denali: -o nosuch.count=3: .*nosuch" "$T/err" && [ ! -s "$T/out" ]; then
	ok "-o with an unknown group: one line, non-zero exit"
else bad "-o with an unknown group: one line, non-zero exit" "exit $rc: $(head -n 1 "$T/err")"; fi

# --- scenario-file errors: one line FILE:LINE: reason, non-zero exit, nothing run -------------
# err CASE LINES...: the first line of stderr must start with FILE:L: for one of LINES.
err() {
	e_case=$1
	shift
	f=$S/$e_case.ini
	rm -rf "$T/errstats"
	run "$f" -o ok.image="$G/k_work.elf" --stats "$T/errstats"
	first=$(head -n 1 "$T/err")
	match=no
	for l in "$@"; do
		case "$first" in "$f:$l: "?*) match=yes ;; esac
	done
	if [ "$rc" -eq 0 ]; then bad "$e_case" "exit 0"
	elif [ "$(lines "$T/err")" -ne 1 ]; then bad "$e_case" "$(lines "$T/err") lines on stderr: $first"
	elif [ $match = no ]; then bad "$e_case" "expected '$f:$*: reason', got '$first'"
	elif [ -s "$T/out" ] || [ -e "$T/errstats" ]; then bad "$e_case" "something ran"
	else ok "$e_case ($first)"; fi
}
err err_unknown_key 8
err err_bad_value 8
err err_no_image 7
err err_image_file 7 9
err err_unknown_section 7
err err_key_before 2
err err_dup_group 7

# --- {id} in args and the console modes ---------------------------------------------------------
run --vms 12 --mem 1M --args '5 0 id={id} {id}{id}' "$G/k_work.elf"
if [ "$rc" -eq 0 ] && grep -qx '\[vm 11\] start: 5 0 id=11 1111' "$T/out" && grep -qx '\[vm 0\] start: 5 0 id=0 00' "$T/out" &&
	[ "$(grep -c 'start: 5 0 id=' "$T/out")" -eq 12 ]; then ok "{id} in args"
else bad "{id} in args" "exit $rc: $(grep 'vm 11' "$T/out" | head -n 1)"; fi

run --console prefix --mem 1M --args '5 0 partial' "$G/k_work.elf"
printf '[vm 0] start: 5 0 partial\n[vm 0] end\n' >"$T/want"
if [ "$rc" -eq 0 ] && cmp -s "$T/out" "$T/want"; then ok "console prefix (one VM; last partial line ended)"
else bad "console prefix (one VM; last partial line ended)" "$(head -n 2 "$T/out" | tr '\n' '|')"; fi

run --console "files:$T/con" --vms 2 --mem 1M --args '5 0 partial x{id}' "$G/k_work.elf"
printf 'start: 5 0 partial x1\nend' >"$T/want"
if [ "$rc" -eq 0 ] && [ ! -s "$T/out" ] && cmp -s "$T/con/vm-1.out" "$T/want" && [ -f "$T/con/vm-0.out" ] &&
	grep -q 'x0$' "$T/con/vm-0.out"; then ok "console files:DIR (vm-N.out, bytes as written)"
else bad "console files:DIR (vm-N.out, bytes as written)" "exit $rc; $(ls "$T/con" 2>&1 | tr '\n' ' ')"; fi

run --console none --vms 3 --mem 1M --args '5 0' --stats "$T/none" "$G/k_work.elf"
if [ "$rc" -eq 0 ] && [ ! -s "$T/out" ] && [ "$(lines "$T/none/vms.csv")" -eq 4 ]; then ok "console none"
else bad "console none" "exit $rc, $(lines "$T/out") lines out"; fi

# --- --stats: vms.csv and summary.json ------------------------------------------------------------
CC=${CC:-cc}
if ! $CC -std=c11 -O2 -o "$T/jsoncheck" "$HERE/jsoncheck.c" 2>"$T/cc"; then
	bad "stats: build jsoncheck" "$(head -n 1 "$T/cc")"
fi
run "$S/terminate.ini" $(img ok k_work) $(img odd k_work) --stats "$T/st"
hdr='id,group,instructions,quanta,context_switches,irqs_raised,upcalls,lines_per_upcall,idle_ns,status,fault,cache_lookups,cache_misses,zydis_decodes,cache_invalidations,cache_flushes,net_tx_frames,net_tx_bytes,net_rx_frames,net_rx_bytes,net_drops_rx_full,net_drops_spoofed,net_drops_unknown,net_drops_not_up,net_drops_too_long'
if [ "$(head -n 1 "$T/st/vms.csv")" != "$hdr" ]; then bad "stats: vms.csv header" "$(head -n 1 "$T/st/vms.csv")"
elif [ "$(cut -d, -f1,2 "$T/st/vms.csv" | tail -n +2 | tr '\n' ' ')" != "0,ok 1,ok 2,odd " ]; then
	bad "stats: vms.csv rows" "$(cut -d, -f1,2 "$T/st/vms.csv" | tr '\n' ' ')"
elif [ -n "$(awk -F, 'NR > 1 && NF != 25' "$T/st/vms.csv")" ]; then bad "stats: vms.csv rows" "not 25 fields"
else ok "stats: vms.csv header and one row per VM"; fi
if [ -x "$T/jsoncheck" ] && "$T/jsoncheck" <"$T/st/summary.json" 2>"$T/jc" &&
	grep -q '^  "vms": 3,$' "$T/st/summary.json" && grep -q '^  "vms_done": 3,$' "$T/st/summary.json" &&
	grep -q '^  "vms_status_0": 2,$' "$T/st/summary.json" && grep -q '^  "exit_status": 1,$' "$T/st/summary.json"; then
	ok "stats: summary.json parses (vms 3, done 3, status 0: 2, exit 1)"
else bad "stats: summary.json parses (vms 3, done 3, status 0: 2, exit 1)" "$(cat "$T/jc" 2>/dev/null)"; fi
# k_fold: five wakes of VM 0, none by an upcall; k_batch: three upcalls, 4 lines in all.
run --vms 2 --mem 1M --stats "$T/fs" "$G/k_fold.elf"
if [ "$(sed -n 2p "$T/fs/vms.csv" | cut -d, -f7,10)" = "0,0" ] && [ "$(sed -n 3p "$T/fs/vms.csv" | cut -d, -f6,7)" = "0,0" ]; then
	ok "stats: fold upcalls and raises"
else bad "stats: fold upcalls and raises" "$(sed -n 2,3p "$T/fs/vms.csv" | tr '\n' ' ')"; fi
"$D" run --quantum 1000 --stats "$T/bs" "$G/k_batch.elf" <"$E/batch.in" >/dev/null 2>&1
if [ "$(sed -n 2p "$T/bs/vms.csv" | cut -d, -f7,8)" = "3,1.333" ]; then ok "stats: batch upcalls=3, lines_per_upcall=1.333"
else bad "stats: batch upcalls=3, lines_per_upcall=1.333" "$(sed -n 2p "$T/bs/vms.csv")"; fi

# --- deterministic replay -----------------------------------------------------------------------
REPLAY="$S/replay.ini $(img ticker ticker) $(img burst burst) $(img work k_work) $(img wild k_bad) $(img fault k_bad)"
run $REPLAY --stats "$T/r1"
cp "$T/out" "$T/r1.out"
rc1=$rc
run $REPLAY --stats "$T/r2"
nohost() { sed '/^  "host": {$/,/^  }$/d' "$1"; }
nohost "$T/r1/summary.json" >"$T/r1.sum"
nohost "$T/r2/summary.json" >"$T/r2.sum"
if [ "$rc1" -ne 1 ] || [ "$rc" -ne 1 ]; then bad "replay" "exit $rc1 and $rc (a bad VM: expected 1)"
elif [ "$(lines "$T/r1.out")" -lt 10 ]; then bad "replay" "too little output"
elif ! cmp -s "$T/r1.out" "$T/out"; then bad "replay" "console output differs"
elif ! cmp -s "$T/r1/vms.csv" "$T/r2/vms.csv"; then bad "replay" "vms.csv differs"
elif ! cmp -s "$T/r1.sum" "$T/r2.sum"; then bad "replay" "summary.json differs outside \"host\""
elif cmp -s "$T/r1/summary.json" "$T/r1.sum"; then bad "replay" "summary.json has no \"host\" object to leave out"
else ok "replay: output, vms.csv, summary.json (without host) byte for byte"; fi

# --- isolation: a bad VM changes nothing for the others ----------------------------------------
ISO="$(img burst burst) $(img work k_work)"
run "$S/iso_good.ini" $ISO --stats "$T/good"
sort -s -t ']' -k 1,1 "$T/out" >"$T/good.out"
# Everything per VM but context_switches (field 5), which counts switches from other VMs, and
# the cache counters (fields 12-16): VMs of one image share its decoded code and the links
# between its blocks, so which of them ran a piece of code first (the order they take turns in,
# which the bad VM changes) decides who counts its look-ups and decodes. What a guest can see
# (instructions, time, interrupts, status, fault) must not change.
cut -d, -f1-4,6-11 "$T/good/vms.csv" >"$T/good.csv"
if [ "$rc" -ne 0 ] || [ "$(lines "$T/good.csv")" -ne 6 ]; then bad "isolation: the good run" "exit $rc"; fi
# iso MODE EXIT STATUS FAULT
iso() {
	run "$S/iso_bad.ini" $ISO $(img bad k_bad) -o bad.args="$1" -o run.max_insns=40000000 --stats "$T/bad"
	grep -v '^\[vm 5\]' "$T/out" | sort -s -t ']' -k 1,1 >"$T/bad.out"
	cut -d, -f1-4,6-11 "$T/bad/vms.csv" | sed '$d' >"$T/bad.csv"
	row=$(sed -n 7p "$T/bad/vms.csv" | cut -d, -f1,10,11)
	if [ "$rc" -ne "$2" ]; then bad "isolation: $1" "exit $rc, expected $2"
	elif [ "$row" != "5,$3,$4" ]; then bad "isolation: $1" "the bad VM's row: $row"
	elif ! cmp -s "$T/good.out" "$T/bad.out"; then bad "isolation: $1" "the good VMs' output differs: $(diff "$T/good.out" "$T/bad.out" | sed -n 2p)"
	elif ! cmp -s "$T/good.csv" "$T/bad.csv"; then bad "isolation: $1" "the good VMs' rows differ: $(diff "$T/good.csv" "$T/bad.csv" | sed -n 2p)"
	else ok "isolation: $1 (others' output and vms.csv rows unchanged)"; fi
}
iso fault 1 142 14
iso wild 1 160 32
iso spin 124 running ''

# --- scale: 10,000 VMs ------------------------------------------------------------------------------
t0=$(date +%s)
run --vms 10000 --mem 1M --args '1 2 100' --console none --stats "$T/scale" "$G/ticker.elf"
secs=$(($(date +%s) - t0))
nrow=$(tail -n +2 "$T/scale/vms.csv" | awk -F, '$10 == "0"' | wc -l | tr -d ' ')
if [ "$rc" -ne 0 ]; then bad "scale: 10000 VMs" "exit $rc"
elif [ "$nrow" -ne 10000 ]; then bad "scale: 10000 VMs" "$nrow rows with status 0"
elif [ "$secs" -gt 60 ]; then bad "scale: 10000 VMs" "took $secs s (limit 60)"
else ok "scale: 10000 VMs of ticker, every status 0, $secs s"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
