#!/bin/sh
# run.sh - the isolation kernel's tests (DVA-1 sections 4 to 7 and the multi-VM run): the k_*
# guests' transcripts, scenario files and their errors, -o overrides, console modes, --stats,
# exit statuses, deterministic replay, isolation, the pager and shared image pages, and 10,000- and
# 100,000-VM scale runs (POSIX sh, coreutils; readelf, and mount when run as root, where present).
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
	"$G/k_work.elf" "$G/k_bad.elf" "$G/k_smcvm.elf" "$G/k_memsum.elf" "$G/k_share.elf" "$G/burst.elf" \
	"$G/ticker.elf"; do
	[ -e "$f" ] || { echo "run.sh: $f is missing (make it first)" >&2; exit 2; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/denali-kernel.XXXXXX") || exit 2
MOUNTS="" # file systems the pager's cases mounted (as root), unmounted before $T goes
trap 'for m in $MOUNTS; do umount "$m" 2>/dev/null; done; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1: $2"; }
skip() { echo "skip $1: $2"; }

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

# --- the pager and shared image pages ----------------------------------------------------------
# --mem-budget moves idle VMs out to the swap file and back (denali_arch/pager.h, mmu/swap.h);
# the VMs of an image share its pages until they write them (mmu/pool.h).
IDLE=$B/bench/guests/idle.elf # built by make test (tests/bench/module.mk), not by make
M=$G/k_memsum.elf
# mem DIR KEY: a number of DIR/summary.json ("memory" puts several keys on a line), -1 if none.
mem() {
	m_v=$(sed -n "s/.*\"$2\": \([0-9.]*\).*/\1/p" "$1/summary.json" 2>/dev/null | head -n 1)
	echo "${m_v:--1}"
}
# Everything in summary.json a budget may change: config.mem_budget, "memory" and "host".
nopager() { sed -e '/^    "mem_budget": /d' -e '/^  "memory": {$/,/^  },$/d' -e '/^  "host": {$/,/^  }$/d' "$1"; }
# every_line_in FILE REF: FILE ends in a newline and each of its lines is a line of REF.
every_line_in() { [ -s "$1" ] && [ -z "$(tail -c 1 "$1")" ] && [ -z "$(grep -Fxvf "$2" "$1")" ]; }

# Swapping is invisible. 200 VMs of k_memsum (each writes 10 of its 16 pages: incompressible,
# zero, repeated and sparse pages, image pages changed and image pages written back; checksums;
# IDLEs; checks every word; twice), once with no budget and once with a budget of one VM's
# memory: each VM that idles goes out when the next is admitted or another wakes, and back in
# when it runs. The gatekeeper waits while the budget has no room for a VM (docs/quirks.md), so
# for the runs to be the same VMs must be admitted as without a budget: each reaches its first
# IDLE within its first quantum (--quantum), and the IDLE outlasts the admission of all 200.
t0=$(date +%s)
memsum200() { run --vms 200 --mem 64K --quantum 1000000 --console prefix --args '2 100000' "$@" "$M"; }
memsum200 --stats "$T/p0"
rc0=$rc
cp "$T/out" "$T/p0.out"
memsum200 --stats "$T/p1" --mem-budget 64K
cp "$T/out" "$T/p1.out"
nopager "$T/p0/summary.json" >"$T/p0.sum"
nopager "$T/p1/summary.json" >"$T/p1.sum"
n="swapping is invisible (200 VMs, each out and back at each IDLE)"
if [ "$rc0" -ne 0 ] || [ "$rc" -ne 0 ]; then
	bad "$n" "exit $rc0 without a budget, $rc with one: $(head -n 1 "$T/err")$(grep -h -m 1 BAD "$T/p0.out" "$T/p1.out")"
elif [ "$(grep -c ' 0 mismatches ok$' "$T/p0.out")" -ne 400 ] || grep -q BAD "$T/p0.out"; then
	bad "$n" "not 400 rounds ok without a budget: $(grep -v ' ok$' "$T/p0.out" | grep -v 'filled\|@stat' | head -n 1)"
elif [ "$(mem "$T/p1" swap_outs)" -lt 400 ] || [ "$(mem "$T/p1" swap_ins)" -lt 400 ]; then
	bad "$n" "$(mem "$T/p1" swap_outs) swap-outs, $(mem "$T/p1" swap_ins) swap-ins (want 400 each: 200 VMs, 2 IDLEs)"
elif ! cmp -s "$T/p0.out" "$T/p1.out"; then bad "$n" "console output differs: $(diff "$T/p0.out" "$T/p1.out" | sed -n 2p)"
elif ! cmp -s "$T/p0/vms.csv" "$T/p1/vms.csv"; then bad "$n" "vms.csv differs: $(diff "$T/p0/vms.csv" "$T/p1/vms.csv" | sed -n 2p)"
elif [ "$(lines "$T/p0/guest-stats.csv")" -ne 801 ] || ! cmp -s "$T/p0/guest-stats.csv" "$T/p1/guest-stats.csv"; then
	bad "$n" "guest-stats.csv: $(lines "$T/p0/guest-stats.csv") and $(lines "$T/p1/guest-stats.csv") lines, or they differ"
elif ! cmp -s "$T/p0.sum" "$T/p1.sum"; then bad "$n" "summary.json differs: $(diff "$T/p0.sum" "$T/p1.sum" | sed -n 2p)"
elif ! grep -q '^  "memory": {$' "$T/p0/summary.json" || ! grep -q '^  "host": {$' "$T/p0/summary.json"; then
	bad "$n" "summary.json has no \"memory\" or \"host\" object to leave out"
else ok "$n: output, vms.csv, guest-stats.csv, summary.json (but mem_budget, memory, host), $(($(date +%s) - t0)) s"; fi

# Most of a VM's memory out and back: 20 VMs of k_memsum with 256 KiB each (58 of its 64 pages
# written: 51 above the image, 4 of .data, page 0, .bss, the stack) under a budget of a quarter
# of one VM's memory, so each goes out at each of its two IDLEs (the gatekeeper admits the next
# VM when one ends). Every VM must find every word as it left it (equal sums, no mismatch), and
# print what it prints without a budget.
t0=$(date +%s)
run --vms 20 --mem 256K --console prefix --stats "$T/ms0" "$M"
sort -s -t ']' -k 1,1 "$T/out" >"$T/ms0.out"
run --vms 20 --mem 256K --console prefix --mem-budget 64K --stats "$T/ms1" "$M"
sort -s -t ']' -k 1,1 "$T/out" >"$T/ms1.out"
n="a VM's memory comes back whole (20 VMs, 58 of 64 pages written)"
sums=$(sed -n 's/^\[vm \([0-9]*\)\] vm \1 round [01]: sum \([0-9a-f]*\) \2, 0 mismatches ok$/x/p' "$T/out" | wc -l | tr -d ' ')
filled=$(sed -n 's/^\[vm 0\] vm 0 round 0: filled \([0-9]*\) pages.*/\1/p' "$T/out")
if [ "$rc" -ne 0 ]; then bad "$n" "exit $rc: $(grep -v ' ok$\|filled\|@stat' "$T/out" | head -n 1)"
elif [ "$sums" -ne 40 ] || grep -q BAD "$T/out"; then bad "$n" "$sums rounds with equal sums and no mismatch, not 40: $(grep BAD "$T/out" | head -n 1)"
elif [ "${filled:-0}" -lt 48 ]; then bad "$n" "VM 0 filled ${filled:-no} pages (not most of its 64)"
elif [ "$(mem "$T/ms1" swap_outs)" -lt 40 ] || [ "$(mem "$T/ms1" swap_ins)" -lt 40 ]; then
	bad "$n" "$(mem "$T/ms1" swap_outs) swap-outs and $(mem "$T/ms1" swap_ins) swap-ins, not one at each of the 40 IDLEs"
elif [ "$(mem "$T/ms1" pages_free)" -eq 0 ] || [ "$(mem "$T/ms1" pages_out)" -eq 0 ]; then
	bad "$n" "pages_out $(mem "$T/ms1" pages_out), pages_free $(mem "$T/ms1" pages_free): zero and image pages should cost nothing"
elif ! cmp -s "$T/ms0.out" "$T/ms1.out"; then bad "$n" "a VM's lines differ from the run without a budget: $(diff "$T/ms0.out" "$T/ms1.out" | sed -n 2p)"
else ok "$n: equal sums, $(mem "$T/ms1" swap_outs) out, ratio $(mem "$T/ms1" compression_ratio), $(($(date +%s) - t0)) s"; fi

# One image, two VMs: VM 0 writes its data and rewrites code in its writable page; VM 1 must see
# the image's data and run the image's code. Then the same where VM 1 runs in the window VM 0
# had before it was swapped out (a budget of one VM), and where each VM gets the window the one
# before ended in (--max-active 1): a window goes back to its pool as the image left it.
w0='vm 0: code 22222222, data 1024 words 5a000000, word written by 0'
w3='vm 0: code 33333333, data 1024 words 5a000000, word written by 0'
r1='vm 1: code 11111111, data 1024 words a5a5a5a5, word original'
r2='vm 2: code 11111111, data 1024 words a5a5a5a5, word original'
run --vms 2 --console prefix "$G/k_share.elf"
printf '[%s] %s\n' 'vm 0' "$w0" 'vm 1' "$r1" 'vm 0' "$w0" 'vm 0' "$w3" >"$T/want"
if [ "$rc" -eq 0 ] && cmp -s "$T/out" "$T/want"; then ok "shared image pages: what VM 0 writes, VM 1 does not see"
else bad "shared image pages: what VM 0 writes, VM 1 does not see" "exit $rc: $(tr '\n' '|' <"$T/out")"; fi
run --vms 3 --mem 64K --console prefix --mem-budget 64K --stats "$T/sh1" "$G/k_share.elf"
printf '[%s] %s\n' 'vm 0' "$w0" 'vm 1' "$r1" 'vm 2' "$r2" 'vm 0' "$w0" 'vm 0' "$w3" >"$T/want"
n="shared image pages: a window swapped out of goes back to its pool as the image left it"
if [ "$rc" -ne 0 ] || ! cmp -s "$T/out" "$T/want"; then bad "$n" "exit $rc: $(tr '\n' '|' <"$T/out")"
elif [ "$(mem "$T/sh1" swap_outs)" -lt 1 ] || [ "$(mem "$T/sh1" windows)" -ge 3 ]; then
	bad "$n" "$(mem "$T/sh1" swap_outs) swap-outs, $(mem "$T/sh1" windows) windows: no VM ran in a window VM 0 had written"
else ok "$n"; fi
# Self-modifying code across a swap: VM 0 runs code it wrote in its .data (decoded, its page
# marked as holding code), is swapped out while it idles (VM 1's admission needs the room, and
# VM 1 cannot be out before it has run), comes back, runs the same code and then rewrites it
# once more: the decoded copy must go (the page's code mark is kept in the swap record), or the
# third line would still say 22222222. One swap-out and one swap-in, both VM 0's.
run --vms 2 --mem 64K --console prefix --mem-budget 64K --stats "$T/sh0" "$G/k_share.elf"
printf '[%s] %s\n' 'vm 0' "$w0" 'vm 1' "$r1" 'vm 0' "$w0" 'vm 0' "$w3" >"$T/want"
n="self-modifying code: a VM swapped out between running its written code and rewriting it runs the new code"
if [ "$rc" -ne 0 ] || ! cmp -s "$T/out" "$T/want"; then bad "$n" "exit $rc: $(tr '\n' '|' <"$T/out")"
elif [ "$(mem "$T/sh0" swap_outs)" -ne 1 ] || [ "$(mem "$T/sh0" swap_ins)" -ne 1 ]; then
	bad "$n" "$(mem "$T/sh0" swap_outs) swap-outs and $(mem "$T/sh0" swap_ins) swap-ins, not 1 and 1"
else ok "$n"; fi
run --vms 3 --mem 64K --console prefix --max-active 1 --stats "$T/sh2" "$G/k_share.elf"
printf '[%s] %s\n' 'vm 0' "$w0" 'vm 0' "$w0" 'vm 0' "$w3" 'vm 1' "$r1" 'vm 2' "$r2" >"$T/want"
n="shared image pages: a window a VM ended in goes back as the image left it"
if [ "$rc" -ne 0 ] || ! cmp -s "$T/out" "$T/want"; then bad "$n" "exit $rc: $(tr '\n' '|' <"$T/out")"
elif [ "$(mem "$T/sh2" windows)" -ne 1 ]; then bad "$n" "$(mem "$T/sh2" windows) windows for 3 VMs one at a time, not 1"
else ok "$n"; fi

# 1,000 idle VMs of one image cost the host their private pages, not copies of the image. The
# process's Pss (a page mapped by many windows counts once) with 1,000 VMs against 1 VM, once
# every VM idles (the process sleeps: three samples in state S 20 ms apart, as
# tests/bench/run.py's idle_footprint waits); then SIGTERM, which writes --stats. Only its
# anonymous and shmem parts where the kernel splits Pss: the share of libc's pages moves with
# what else the host runs (by about 1 MiB between runs here). idle.elf "4 N" writes 4 pages of
# .bss; page 0, its stack and its data page are written too: 7 pages (memory.resident_pages).
# Measured here: 30,950 bytes a VM, steady over runs (7 pages and about 2.2 KiB of host
# structures: struct vm, its decoded-code cache and page flags); the bound is 8 pages + 2 KiB,
# and copying the text (4 pages, readelf -l) for each VM would cost 11 pages and more.
# pss N: Pss in KiB in $pss (empty when it cannot be read), exit status in $rc.
pss() {
	rm -rf "$T/pss$1"
	"$D" run --clock host --vms "$1" --mem 64K --console none --args '4 60000000' --stats "$T/pss$1" \
		"$IDLE" </dev/null >/dev/null 2>"$T/err" &
	p_pid=$!
	p_asleep=0
	p_n=0
	while [ "$p_asleep" -lt 3 ] && [ "$p_n" -lt 1500 ]; do # 30 s at most
		sleep 0.02
		p_n=$((p_n + 1))
		p_state=$(sed 's/.*) //' "/proc/$p_pid/stat" 2>/dev/null | cut -d ' ' -f 1)
		case $p_state in
		S) p_asleep=$((p_asleep + 1)) ;;
		'') break ;; # it ended
		*) p_asleep=0 ;;
		esac
	done
	pss=$(awk '$1 == "Pss:" { all = $2 } $1 == "Pss_Anon:" || $1 == "Pss_Shmem:" { own += $2; split_ = 1 }
		END { if (all != "") print split_ ? own : all }' "/proc/$p_pid/smaps_rollup" 2>/dev/null)
	kill -TERM "$p_pid" 2>/dev/null
	wait "$p_pid"
	rc=$?
}
n="1000 idle VMs of one image: Pss grows by their private pages"
if [ ! -e "$IDLE" ]; then skip "$n" "$IDLE not built (make test builds it)"
elif [ ! -r /proc/self/smaps_rollup ]; then skip "$n" "no /proc/PID/smaps_rollup on this host"
else
	pss 1
	pss1=$pss
	rc1=$rc
	pss 1000
	text=$(readelf -lW "$IDLE" 2>/dev/null | awk '$1 == "LOAD" && $7 == "R" && $8 == "E" { print $6 }')
	text_pages=$(((${text:-0} + 4095) / 4096))
	if [ -z "$pss1" ] || [ -z "$pss" ] || [ "$rc1" -ne 143 ] || [ "$rc" -ne 143 ]; then
		bad "$n" "Pss '$pss1' and '$pss' KiB, exit $rc1 and $rc (SIGTERM: 143): $(head -n 1 "$T/err")"
	elif [ "$(mem "$T/pss1000" windows_copying_image)" != 0 ]; then
		bad "$n" "$(mem "$T/pss1000" windows_copying_image) windows copy the image instead of sharing it"
	else
		per=$(((pss - pss1) * 1024 / 999))
		priv=$(($(mem "$T/pss1000" resident_pages) / 1000))
		if [ "$per" -gt $((8 * 4096 + 2048)) ]; then
			bad "$n" "$per bytes a VM (Pss $pss1 KiB for 1 VM, $pss KiB for 1000): above 8 pages + 2 KiB"
		elif [ "$text_pages" -lt 1 ] || [ "$per" -ge $(((priv + text_pages) * 4096)) ]; then
			bad "$n" "$per bytes a VM: not below $priv private pages + $text_pages of text copied ($text_pages text pages per readelf)"
		else ok "$n ($per bytes a VM: $priv private pages; a copy of the text would add $text_pages)"; fi
	fi
fi

# The swap file's errors: one line naming the file and why, a non-zero exit, no crash, and the
# VMs' output so far complete. Each runs memsum200's workload: the lines its VMs print before
# their first IDLE are those of the run without a budget ($T/p0.out).
# swap_err NAME SWAPFILE STATUS REASON...: after a run, stderr must be one line starting
# "denali: --swap SWAPFILE: " that contains one of the REASONs (and, for STATUS 1, "; stopping the
# run"), the exit status STATUS (not a signal's), and every VM created (a row of $T/se/vms.csv)
# must have printed its line, whole; a run refused (STATUS 2) must print nothing.
swap_err() {
	e_name=$1 e_file=$2 e_status=$3
	shift 3
	e_line=$(head -n 1 "$T/err")
	e_vms=0
	[ -f "$T/se/vms.csv" ] && e_vms=$(($(lines "$T/se/vms.csv") - 1))
	e_why=no
	for r in "$@"; do
		case $e_line in "denali: --swap $e_file: "*"$r"*) e_why=yes ;; esac
	done
	case $e_status:$e_line in 1:*"; stopping the run"*) ;; 1:*) e_why=no ;; esac
	if [ "$rc" -gt 128 ]; then bad "$e_name" "killed by signal $((rc - 128)) (exit $rc): $e_line"
	elif [ "$rc" -ne "$e_status" ]; then bad "$e_name" "exit $rc, expected $e_status: $e_line"
	elif [ "$(lines "$T/err")" -ne 1 ]; then bad "$e_name" "$(lines "$T/err") lines on stderr: $e_line"
	elif [ $e_why = no ]; then bad "$e_name" "expected 'denali: --swap $e_file: ...' with one of: $*; got '$e_line'"
	elif [ "$e_status" -ne 1 ]; then
		if [ -s "$T/out" ]; then bad "$e_name" "refused, yet something ran"; else ok "$e_name ($e_line)"; fi
	elif ! every_line_in "$T/out" "$T/p0.out" || [ "$(lines "$T/out")" -ne "$e_vms" ] || [ "$e_vms" -lt 1 ]; then
		bad "$e_name" "$(lines "$T/out") lines of output for $e_vms VMs, or a line cut short or not its VM's"
	else ok "$e_name ($e_vms VMs' lines; $e_line)"; fi
}
se() { rm -rf "$T/se"; memsum200 --mem-budget 64K --stats "$T/se" "$@"; }
# A read-only directory: mode bits where not root (root passes them), else a read-only tmpfs.
n="--swap in a read-only directory"
mkdir "$T/ro"
if [ "$(id -u)" -ne 0 ]; then
	chmod 555 "$T/ro"
	se --swap "$T/ro/swap"
	swap_err "$n" "$T/ro/swap" 2 "cannot open: Permission denied"
	chmod 755 "$T/ro"
elif mount -t tmpfs -o ro,size=64k denali-ro "$T/ro" 2>/dev/null; then
	MOUNTS="$MOUNTS $T/ro"
	se --swap "$T/ro/swap"
	swap_err "$n" "$T/ro/swap" 2 "cannot open: Read-only file system"
	umount "$T/ro"
else skip "$n" "root, and mount -t tmpfs is refused here"; fi
# /dev/full: every write fails with ENOSPC, at the first VM moved out.
se --swap /dev/full
swap_err "--swap /dev/full: stops the run" /dev/full 1 "No space left on device"
# A file system that fills up: a 64 KiB tmpfs (root only). A write that crosses the end is cut
# short (said as such) or, from its first byte, fails with ENOSPC.
n="--swap on a full file system: stops the run"
mkdir "$T/small"
if [ "$(id -u)" -ne 0 ]; then skip "$n" "not root: cannot mount a small tmpfs"
elif mount -t tmpfs -o size=64k denali-small "$T/small" 2>/dev/null; then
	MOUNTS="$MOUNTS $T/small"
	se --swap "$T/small/swap"
	swap_err "$n" "$T/small/swap" 1 "No space left on device" "short write"
	umount "$T/small"
else skip "$n" "mount -t tmpfs is refused here"; fi
# ulimit -f (512-byte blocks in sh): a write past it fails with EFBIG, and SIGXFSZ, which would
# kill the process, must not (a write that crosses the limit is cut short instead, said as such).
# 256 KiB is past the image and a 20th of what the swap file needs; 32 KiB is less than the
# 40 KiB of k_memsum's image pages too, which the pool puts in a memfd at start-up.
for blocks in 512 64; do
	rm -rf "$T/se"
	(ulimit -f "$blocks" && exec "$D" run --vms 200 --mem 64K --quantum 1000000 --console prefix --args '2 100000' \
		--mem-budget 64K --swap "$T/fsz" --stats "$T/se" "$M") </dev/null >"$T/out" 2>"$T/err"
	rc=$?
	swap_err "--swap past ulimit -f $blocks: stops the run" "$T/fsz" 1 "File too large" "short write"
done

# Scale: 100,000 VMs of idle.elf with 64 KiB each under a 64 MiB budget: all created, idle at
# once (the timeout outlasts their creation), out, woken, back in, terminated with status 0.
# Resident, they would take 7 pages each (2.7 GiB); the budget keeps about 2,340 in, so most are
# out at once. Peak RSS measured here (x86-64, 2 cores): 297.5 to 297.8 MB in four runs, the
# budget's 64 MiB of guest pages and about 2.3 KB of host structures a VM (without a budget,
# 20,000 VMs alone take 624 MB); the bound, 400 MB, leaves a third more. 2.3 to 2.9 s here.
n="scale: 100000 VMs under --mem-budget 64M"
if [ ! -e "$IDLE" ]; then skip "$n" "$IDLE not built (make test builds it)"
else
	t0=$(date +%s)
	run --vms 100000 --mem 64K --console none --mem-budget 64M --args '4 1000000' --stats "$T/big" "$IDLE"
	secs=$(($(date +%s) - t0))
	done_=$(sed -n 's/^  "vms_done": \([0-9]*\),$/\1/p' "$T/big/summary.json" 2>/dev/null)
	ok0=$(sed -n 's/^  "vms_status_0": \([0-9]*\),$/\1/p' "$T/big/summary.json" 2>/dev/null)
	rss=$(mem "$T/big" peak_rss_bytes)
	if [ "$rc" -ne 0 ]; then bad "$n" "exit $rc: $(head -n 1 "$T/err")"
	elif [ "${done_:-0}" -ne 100000 ] || [ "${ok0:-0}" -ne 100000 ]; then bad "$n" "vms_done ${done_:-?}, vms_status_0 ${ok0:-?}"
	elif [ "$(mem "$T/big" swapped_peak)" -lt 90000 ]; then bad "$n" "swapped_peak $(mem "$T/big" swapped_peak): not most VMs out at once"
	elif [ "$(mem "$T/big" resident_pages_peak)" -gt $((16384 + 16)) ]; then
		bad "$n" "resident_pages_peak $(mem "$T/big" resident_pages_peak): past the budget's 16384 pages and a VM's 16"
	elif [ "$rss" -gt 400000000 ] || [ "$rss" -le 0 ]; then bad "$n" "peak_rss_bytes $rss (bound 400000000)"
	elif [ "$secs" -gt 60 ]; then bad "$n" "took $secs s (limit 60)"
	else ok "$n: every status 0, $(mem "$T/big" swapped_peak) out at once, peak RSS $((rss / 1000000)) MB, $secs s"; fi
fi

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
