#!/bin/sh
# pager_disk.sh - the pager's block, its modelled paging disk and pinned groups
# (denali_arch/pager.h): --swap-block / [run] swap_block, --swap-disk / [run] swap_disk,
# [group] pinned, and loadgen's -w (warm-up) and -t (give up) (POSIX sh, coreutils, awk).
#
#   sh tests/kernel/pager_disk.sh BUILD_DIR
#
# The values the options refuse, each in one line naming the option or key; a run paging to the
# modelled disk, twice alike, whose counters add up (a read per swap-in, a write per swap-out, the
# disk's busy time from its transfers) and whose paging now costs system time; reads served one
# at a time, in order, by VMs waiting off the run queue (k_late's lateness after each IDLE); the
# block rounding what a VM holds and moves, and nothing of what it computes; a pinned group's VMs
# never moved out (each VM's own lateness says which were); loadgen's warm-up and time-out. One
# line per case, then "N passed, M failed"; the exit status is non-zero when any case failed.
set -u

B=${1:?usage: sh tests/kernel/pager_disk.sh BUILD_DIR}
D=$B/denali
G=$B/guests
for f in "$D" "$G/k_work.elf" "$G/k_memsum.elf" "$G/k_late.elf" "$G/httpd.elf" "$G/loadgen.elf"; do
	[ -e "$f" ] || { echo "pager_disk.sh: $f is missing (make it first)" >&2; exit 2; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/denali-pagerdisk.XXXXXX") || exit 2
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
# js DIR KEY: the first number after "KEY": in DIR/summary.json, -1 if none ("config" and
# "memory" keys alike; "memory" puts several on a line).
js() {
	j_v=$(sed -n "s/.*\"$2\": \([0-9.]*\).*/\1/p" "$1/summary.json" 2>/dev/null | head -n 1)
	echo "${j_v:--1}"
}
# summary.json but its "host" object (wall time, host costs): what a rerun must reproduce.
nohost() { sed '/^  "host": {$/,/^  }$/d' "$1"; }
# byvm FILE: --console prefix output with each VM's lines together, in their order.
byvm() { sort -s -t ']' -k 1,1 "$1"; }
# late FILE VMS: k_late's lateness in round 0 ("vm N round 0: late L us"), one "N L" line per
# VM of the list VMS (ids, space-separated; all when empty).
late0() {
	sed -n 's/^\[vm \([0-9]*\)\] vm \1 round 0: late \([0-9]*\) us, .*/\1 \2/p' "$1" |
		awk -v vms=" ${2:-} " 'vms == "  " || index(vms, " " $1 " ")'
}
# lates FILE VMS: every round's lateness of those VMs, one number a line.
lates() {
	sed -n 's/^\[vm \([0-9]*\)\] vm \1 round [0-9]*: late \([0-9]*\) us, .*/\1 \2/p' "$1" |
		awk -v vms=" ${2:-} " 'vms == "  " || index(vms, " " $1 " ") { print $2 }'
}

"$D" --help >"$T/usage" 2>/dev/null
[ -s "$T/usage" ] || { echo "pager_disk.sh: 'denali --help' printed nothing" >&2; exit 2; }

# --- the values refused -------------------------------------------------------------------------
# opt_error NAME OPTION TEXT ARGS...: a bad option value: exit 2, nothing on stdout, stderr one
# line "denali: OPTION: ..." holding TEXT, then the usage text (tests/cli/run.sh's rule).
opt_error() {
	o_name=$1 o_opt=$2 o_text=$3
	shift 3
	run "$@" "$G/k_work.elf"
	o_line=$(head -n 1 "$T/err")
	if [ "$rc" -ne 2 ]; then bad "$o_name" "exit $rc, want 2: $o_line"
	elif [ -s "$T/out" ]; then bad "$o_name" "something ran: $(head -n 1 "$T/out")"
	elif [ "$(tail -n +2 "$T/err")" != "$(cat "$T/usage")" ]; then bad "$o_name" "stderr is not one line then the usage text: $o_line"
	else
		case $o_line in
		"denali: $o_opt: "*"$o_text"*) ok "$o_name ($o_line)" ;;
		*) bad "$o_name" "want 'denali: $o_opt: ...$o_text...', got '$o_line'" ;;
		esac
	fi
}
opt_error "--swap-block 3K (not a power of two)" --swap-block "'3K' is not a power of two from 4K to 4M" --mem-budget 64K --swap-block 3K
opt_error "--swap-block 8M (above 4M)" --swap-block "'8M'" --mem-budget 64K --swap-block 8M
opt_error "--swap-block 0" --swap-block "'0'" --mem-budget 64K --swap-block 0
opt_error "--swap-block 2K (below 4K)" --swap-block "'2K'" --mem-budget 64K --swap-block 2K
opt_error "--swap-disk 5ms (no rate)" --swap-disk "'5ms' is not LATENCY:RATE" --mem-budget 64K --swap-disk 5ms
opt_error "--swap-disk x:100M (a latency that is not a time)" --swap-disk "the latency 'x' is not a time" --mem-budget 64K --swap-disk x:100M
opt_error "--swap-disk 5ms:0 (no rate)" --swap-disk "the rate '0' is not a positive size" --mem-budget 64K --swap-disk 5ms:0
opt_error "--swap-disk 5ms:abc" --swap-disk "the rate 'abc'" --mem-budget 64K --swap-disk 5ms:abc
opt_error "--swap-disk=5ms:abc (one argument)" --swap-disk "the rate 'abc'" --mem-budget 64K --swap-disk=5ms:abc

# alone_error NAME LINE ARGS...: exit STATUS ($a_status: 2 for a command line, 1 for a scenario),
# nothing on stdout, exactly the one line LINE on stderr (a prefix of it), no --stats written.
alone_error() {
	a_name=$1 a_want=$2
	shift 2
	rm -rf "$T/es"
	run "$@" --stats "$T/es"
	a_line=$(head -n 1 "$T/err")
	if [ "$rc" -ne "$a_status" ]; then bad "$a_name" "exit $rc, want $a_status: $a_line"
	elif [ -s "$T/out" ] || [ -e "$T/es" ]; then bad "$a_name" "something ran"
	elif [ "$(lines "$T/err")" -ne 1 ]; then bad "$a_name" "$(lines "$T/err") lines on stderr: $a_line"
	else
		case $a_line in
		"$a_want"*) ok "$a_name ($a_line)" ;;
		*) bad "$a_name" "want '$a_want...', got '$a_line'" ;;
		esac
	fi
}
a_status=2
alone_error "--swap-disk without --mem-budget" "denali: swap_disk: needs mem_budget" --swap-disk 5ms:100M "$G/k_work.elf"
alone_error "--swap-block 64K without --mem-budget" "denali: swap_block: needs mem_budget" --swap-block 64K "$G/k_work.elf"
alone_error "-o main.pinned=maybe" "denali: -o main.pinned=maybe: pinned: 'maybe' is not yes or no" -o main.pinned=maybe "$G/k_work.elf"
a_status=1
# scen NAME RUN_KEYS GROUP_KEYS: a scenario of one k_work group, $T/NAME.ini.
scen() {
	printf '[run]\n%b\n[group w]\nimage = %s\nargs = 10 0\n%b' "$2" "$G/k_work.elf" "$3" >"$T/$1.ini"
}
scen pin_maybe 'mem_budget = 1M\n' 'pinned = maybe\n'
alone_error "[group] pinned = maybe" "$T/pin_maybe.ini:7: pinned: 'maybe' is not yes or no" "$T/pin_maybe.ini"
scen blk_3k 'mem_budget = 1M\nswap_block = 3K\n' ''
alone_error "[run] swap_block = 3K" "$T/blk_3k.ini:3: swap_block: '3K' is not a power of two" "$T/blk_3k.ini"
scen disk_abc 'mem_budget = 1M\nswap_disk = 5ms:abc\n' ''
alone_error "[run] swap_disk = 5ms:abc" "$T/disk_abc.ini:3: swap_disk: '5ms:abc': the rate 'abc'" "$T/disk_abc.ini"
scen disk_nobudget 'swap_disk = 5ms:100M\n' ''
alone_error "[run] swap_disk without mem_budget" "$T/disk_nobudget.ini: swap_disk: needs mem_budget" "$T/disk_nobudget.ini"
scen blk_nobudget 'swap_block = 64K\n' ''
alone_error "[run] swap_block without mem_budget" "$T/blk_nobudget.ini: swap_block: needs mem_budget" "$T/blk_nobudget.ini"

# The values taken, as summary.json's config gives them back (40M: 40 MiB per second); the
# default block, and no disk, need no budget.
run --mem-budget 1M --swap-block 4M --swap-disk 2500us:40M --stats "$T/cf1" "$G/k_work.elf"
got=$(js "$T/cf1" swap_block):$(js "$T/cf1" swap_disk_ns):$(js "$T/cf1" swap_disk_rate)
if [ "$rc" -eq 0 ] && [ "$got" = 4194304:2500000:41943040 ]; then ok "--swap-block 4M --swap-disk 2500us:40M taken (config $got)"
else bad "--swap-block 4M --swap-disk 2500us:40M taken" "exit $rc, config swap_block:swap_disk_ns:swap_disk_rate $got: $(head -n 1 "$T/err")"; fi
run --swap-block 4K --swap-disk none --stats "$T/cf0" "$G/k_work.elf"
got=$(js "$T/cf0" swap_block):$(js "$T/cf0" swap_disk_ns):$(js "$T/cf0" swap_disk_rate)
if [ "$rc" -eq 0 ] && [ "$got" = 4096:0:0 ]; then ok "--swap-block 4K and --swap-disk none need no budget (config $got)"
else bad "--swap-block 4K and --swap-disk none need no budget" "exit $rc, config $got: $(head -n 1 "$T/err")"; fi
scen cf2 'mem_budget = 1M\nswap_disk = 8ms:1M\nswap_block = 16K\n' 'pinned = yes\n'
run "$T/cf2.ini" -o run.swap_disk=none --stats "$T/cf2"
got=$(js "$T/cf2" swap_block):$(js "$T/cf2" swap_disk_ns):$(js "$T/cf2" swap_disk_rate)
if [ "$rc" -eq 0 ] && [ "$got" = 16384:0:0 ]; then ok "[run] swap_block, swap_disk and pinned = yes taken; -o run.swap_disk=none wins (config $got)"
else bad "[run] swap_block, swap_disk, pinned = yes; -o run.swap_disk=none" "exit $rc, config $got: $(head -n 1 "$T/err")"; fi

# --- the modelled disk ------------------------------------------------------------------------
# k_memsum's 20 VMs of 64K (10 pages written each, 2 rounds, 100 ms IDLEs) under a budget of one
# VM: each goes out at each IDLE, comes back when it wakes (tests/kernel/run.sh). With a disk of
# 5 ms a transfer at 100 MiB/s: twice the same run, byte for byte; its counters; and the system
# time it costs.
LAT=5000000
memsum20() { run --vms 20 --mem 64K --quantum 1000000 --console prefix --args '2 100000' --mem-budget 64K "$@" "$G/k_memsum.elf"; }
memsum20 --stats "$T/d0"
rc0=$rc
cp "$T/out" "$T/d0.out"
memsum20 --swap-disk 5ms:100M --stats "$T/d1"
rc1=$rc
cp "$T/out" "$T/d1.out"
memsum20 --swap-disk 5ms:100M --stats "$T/d2"
cp "$T/out" "$T/d2.out"
nohost "$T/d1/summary.json" >"$T/d1.sum"
nohost "$T/d2/summary.json" >"$T/d2.sum"
n="--swap-disk: two runs alike (output, vms.csv, summary.json but host)"
if [ "$rc0" -ne 0 ] || [ "$rc1" -ne 0 ] || [ "$rc" -ne 0 ]; then bad "$n" "exit $rc0 without a disk, $rc1 and $rc with one: $(head -n 1 "$T/err")"
elif [ "$(grep -c ' 0 mismatches ok$' "$T/d1.out")" -ne 40 ] || grep -q BAD "$T/d1.out"; then
	bad "$n" "not 40 rounds ok: $(grep -v ' ok$\|filled\|@stat' "$T/d1.out" | head -n 1)"
elif ! cmp -s "$T/d1.out" "$T/d2.out"; then bad "$n" "console output differs: $(diff "$T/d1.out" "$T/d2.out" | sed -n 2p)"
elif ! cmp -s "$T/d1/vms.csv" "$T/d2/vms.csv"; then bad "$n" "vms.csv differs: $(diff "$T/d1/vms.csv" "$T/d2/vms.csv" | sed -n 2p)"
elif ! cmp -s "$T/d1.sum" "$T/d2.sum"; then bad "$n" "summary.json differs: $(diff "$T/d1.sum" "$T/d2.sum" | sed -n 2p)"
elif cmp -s "$T/d1.sum" "$T/d1/summary.json"; then bad "$n" "summary.json has no \"host\" object to leave out"
else ok "$n"; fi

n="--swap-disk: a read per swap-in, a write per swap-out"
r=$(js "$T/d1" disk_reads) w=$(js "$T/d1" disk_writes) si=$(js "$T/d1" swap_ins) so=$(js "$T/d1" swap_outs)
if [ "$so" -lt 20 ]; then bad "$n" "$so swap-outs: the budget did not force swapping"
elif [ "$r" -ne "$si" ] || [ "$w" -ne "$so" ]; then bad "$n" "disk_reads $r, swap_ins $si; disk_writes $w, swap_outs $so"
elif [ "$(js "$T/d1" disk_busy_ns)" -le 0 ] || [ "$(js "$T/d1" disk_bytes)" -le 0 ]; then
	bad "$n" "disk_busy_ns $(js "$T/d1" disk_busy_ns), disk_bytes $(js "$T/d1" disk_bytes)"
elif [ "$(js "$T/d1" disk_wait_ns)" -lt $((r * LAT)) ]; then bad "$n" "disk_wait_ns $(js "$T/d1" disk_wait_ns): less than $r reads of 5 ms"
else ok "$n ($r reads, $w writes, $(js "$T/d1" disk_bytes) bytes)"; fi

# Every transfer takes the latency plus its bytes at the rate (truncated to the nanosecond).
n="--swap-disk: disk_busy_ns = (reads + writes) x latency + disk_bytes / rate"
busy=$(js "$T/d1" disk_busy_ns) bytes=$(js "$T/d1" disk_bytes) rate=$(js "$T/d1" swap_disk_rate) lat=$(js "$T/d1" swap_disk_ns)
verdict=$(awk -v n="$((r + w))" -v busy="$busy" -v bytes="$bytes" -v rate="$rate" -v lat="$lat" 'BEGIN {
	want = n * lat + bytes * 1e9 / rate
	printf "%s %.0f", (busy <= want + 1 && busy >= want - n - 1) ? "yes" : "no", want }')
if [ "$lat" -ne "$LAT" ] || [ "$rate" -ne 104857600 ]; then bad "$n" "config swap_disk_ns $lat, swap_disk_rate $rate: not 5ms:100M"
elif [ "${verdict%% *}" = yes ]; then ok "$n ($busy ns, ${verdict#* } ns computed)"
else bad "$n" "disk_busy_ns $busy, computed ${verdict#* } ($((r + w)) transfers, $bytes bytes)"; fi

n="--swap-disk: paging costs system time, and changes nothing a VM computes"
t0=$(js "$T/d0" system_time_ns) t1=$(js "$T/d1" system_time_ns)
byvm "$T/d0.out" >"$T/d0.byvm"
byvm "$T/d1.out" >"$T/d1.byvm"
if [ "$t1" -lt $((t0 + LAT)) ]; then bad "$n" "system_time_ns $t1 with the disk, $t0 without: not one read's 5 ms longer"
elif [ "$(js "$T/d0" swap_outs)" -lt 20 ]; then bad "$n" "$(js "$T/d0" swap_outs) swap-outs without the disk"
elif [ "$(js "$T/d0" disk_reads):$(js "$T/d0" disk_writes):$(js "$T/d0" disk_bytes):$(js "$T/d0" disk_busy_ns):$(js "$T/d0" disk_wait_ns)" != 0:0:0:0:0 ]; then
	bad "$n" "the run without a disk counts disk transfers: $(grep disk_reads "$T/d0/summary.json")"
elif ! cmp -s "$T/d0.byvm" "$T/d1.byvm"; then bad "$n" "a VM's lines differ with the disk: $(diff "$T/d0.byvm" "$T/d1.byvm" | sed -n 2p)"
else ok "$n (system time $t0 -> $t1 ns)"; fi

# One read at a time, in the order asked, while the others wait off the run queue. k_late's 6
# VMs of 64K (9 pages held each) write 6 pages and IDLE until 20 ms; the budget (16 pages)
# holds one, so each is moved out when the next is admitted (five writes at the start, 5.35 ms
# each: 5 ms and 36 KiB at 100 MiB/s) and all wake at 20 ms. The one still in runs at once;
# each of the other five asks for its read, queued behind those writes and one another: the
# first is done after the writes (past 26 ms), each next at least 5 ms after the one before.
run --vms 6 --mem 64K --console prefix --args '6 1 20000' --mem-budget 64K --stats "$T/f0" "$G/k_late.elf"
cp "$T/out" "$T/f0.out"
rcf0=$rc
run --vms 6 --mem 64K --console prefix --args '6 1 20000' --mem-budget 64K --swap-disk 5ms:100M --stats "$T/f1" "$G/k_late.elf"
n="--swap-disk: reads one at a time, in order, behind the writes; the VM left in runs at once"
l=$(late0 "$T/out" | awk '{ print $2 }' | sort -n | tr '\n' ' ')
check=$(echo "$l" | awk -v lat=5000 '{
	if (NF != 6) { print "not 6 VMs"; exit }
	if ($1 >= lat) { print "no VM ran at once"; exit }
	if ($2 < lat) { print "two VMs ran without waiting for the disk"; exit }
	if ($2 < 2 * lat) { print "the first read did not wait for the writes"; exit }
	for (i = 3; i <= NF; i++) if ($i - $(i - 1) < lat) { print "reads " i - 2 " and " i - 1 " overlap"; exit }
	print "yes" }')
if [ "$rc" -ne 0 ] || [ "$rcf0" -ne 0 ] || [ "$(grep -c ' pages ok$' "$T/out")" -ne 6 ]; then
	bad "$n" "exit $rcf0 and $rc, $(grep -c ' pages ok$' "$T/out") of 6 VMs with their pages: $(grep -m 1 BAD "$T/out")"
elif [ "$(js "$T/f1" disk_reads)" -ne 5 ] || [ "$(js "$T/f1" disk_writes)" -lt 5 ]; then
	bad "$n" "$(js "$T/f1" disk_reads) reads (want 5), $(js "$T/f1" disk_writes) writes (want 5 or more)"
elif [ "$check" != yes ]; then bad "$n" "$check: round 0 lateness (us, sorted) $l"
elif [ -n "$(lates "$T/f0.out" | awk '$1 >= 5000')" ]; then bad "$n" "without the disk a VM is 5 ms late: $(lates "$T/f0.out" | tr '\n' ' ')"
else ok "$n (lateness, us: $l)"; fi

# --- --swap-block -------------------------------------------------------------------------------
# One VM of k_memsum in 256K (64 pages: it writes 58), under a budget it fits in: the same output
# with any block; 4K counts what it wrote, no padding; 64K counts its 4 blocks whole (64 pages:
# the same 58 pages held, 6 of padding); 4M, past its memory, counts its memory once.
for blk in 4K 64K 4M; do
	run --mem 256K --console prefix --mem-budget 1M --swap-block "$blk" --stats "$T/b$blk" "$G/k_memsum.elf"
	cp "$T/out" "$T/b$blk.out"
	echo "$rc" >"$T/b$blk.rc"
done
n="--swap-block: guest output the same with 4K, 64K and 4M blocks"
if [ "$(cat "$T/b4K.rc" "$T/b64K.rc" "$T/b4M.rc" | tr '\n' ' ')" != "0 0 0 " ]; then
	bad "$n" "exit $(cat "$T/b4K.rc" "$T/b64K.rc" "$T/b4M.rc" | tr '\n' ' ')"
elif [ "$(grep -c ' 0 mismatches ok$' "$T/b4K.out")" -ne 2 ]; then bad "$n" "not 2 rounds ok with 4K blocks"
elif ! cmp -s "$T/b4K.out" "$T/b64K.out" || ! cmp -s "$T/b4K.out" "$T/b4M.out"; then
	bad "$n" "output differs: $(diff "$T/b4K.out" "$T/b64K.out" | sed -n 2p)$(diff "$T/b4K.out" "$T/b4M.out" | sed -n 2p)"
else ok "$n"; fi
n="--swap-block: a VM holds each block it wrote in, whole"
h4=$(js "$T/b4K" resident_pages) p4=$(js "$T/b4K" block_padding_pages) k4=$(js "$T/b4K" resident_pages_peak)
h64=$(js "$T/b64K" resident_pages) p64=$(js "$T/b64K" block_padding_pages) k64=$(js "$T/b64K" resident_pages_peak)
hM=$(js "$T/b4M" resident_pages) pM=$(js "$T/b4M" block_padding_pages) kM=$(js "$T/b4M" resident_pages_peak)
if [ "$(js "$T/b4K" swap_block):$(js "$T/b64K" swap_block):$(js "$T/b4M" swap_block)" != 4096:65536:4194304 ]; then
	bad "$n" "config swap_block $(js "$T/b4K" swap_block), $(js "$T/b64K" swap_block), $(js "$T/b4M" swap_block)"
elif [ "$p4" -ne 0 ] || [ "$h4" -lt 48 ] || [ "$h4" -ge 64 ]; then bad "$n" "4K blocks: resident_pages $h4, block_padding_pages $p4 (want most of 64, and 0)"
elif [ "$p64" -le 0 ] || [ "$k64" -lt "$k4" ] || [ "$k64" -le "$k4" ]; then bad "$n" "64K blocks: padding $p64, peak $k64 against the 4K run's $k4 (want padding > 0, a peak above it)"
elif [ "$h64" -ne 64 ] || [ "$k64" -ne 64 ] || [ $((h64 - p64)) -ne "$h4" ]; then
	bad "$n" "64K blocks: resident_pages $h64 (peak $k64), padding $p64: not 64 pages, or not the 4K run's $h4 held plus padding"
elif [ "$hM" -ne 64 ] || [ "$kM" -ne 64 ] || [ $((hM - pM)) -ne "$h4" ]; then
	bad "$n" "4M blocks on a 256K VM: resident_pages $hM (peak $kM), padding $pM: not its 64 pages, counted once"
else ok "$n (4K: $h4 pages; 64K: $h64, $p64 of padding; 4M: $hM)"; fi

# Under swapping and the modelled disk: k_memsum's 20 VMs of 256K under a budget of 64K (each
# out and back at each IDLE, tests/kernel/run.sh). Every transfer moves whole blocks (64K: the
# disk's bytes are a multiple of 64 KiB); the peak the pager saw, mid-run (the run ends with
# nothing resident), is whole blocks too; each VM prints what it prints with 4K blocks.
for blk in 4K 64K; do
	run --vms 20 --mem 256K --console prefix --mem-budget 64K --swap-block "$blk" --swap-disk 1ms:1G --stats "$T/s$blk" "$G/k_memsum.elf"
	byvm "$T/out" >"$T/s$blk.out"
	echo "$rc" >"$T/s$blk.rc"
done
n="--swap-block 64K under swapping: whole blocks moved, each VM's output as with 4K"
sb=$(js "$T/s64K" disk_bytes)
if [ "$(cat "$T/s4K.rc" "$T/s64K.rc" | tr '\n' ' ')" != "0 0 " ]; then bad "$n" "exit $(cat "$T/s4K.rc" "$T/s64K.rc" | tr '\n' ' ')"
elif [ "$(grep -c ' 0 mismatches ok$' "$T/s64K.out")" -ne 40 ] || grep -q BAD "$T/s64K.out"; then
	bad "$n" "not 40 rounds ok with 64K blocks: $(grep -m 1 BAD "$T/s64K.out")"
elif [ "$(js "$T/s64K" swap_outs)" -lt 40 ] || [ "$(js "$T/s4K" swap_outs)" -lt 40 ]; then
	bad "$n" "$(js "$T/s4K" swap_outs) and $(js "$T/s64K" swap_outs) swap-outs (want 40 or more)"
elif [ "$(js "$T/s4K" block_padding_pages)" -ne 0 ]; then bad "$n" "4K blocks: block_padding_pages $(js "$T/s4K" block_padding_pages)"
elif [ "$sb" -le 0 ] || [ $((sb % 65536)) -ne 0 ]; then bad "$n" "64K blocks: disk_bytes $sb, not whole 64 KiB blocks"
elif [ "$(js "$T/s64K" resident_pages_peak)" -le "$(js "$T/s4K" resident_pages_peak)" ] ||
	[ $(($(js "$T/s64K" resident_pages_peak) % 16)) -ne 0 ]; then
	bad "$n" "resident_pages_peak $(js "$T/s64K" resident_pages_peak) with 64K blocks, $(js "$T/s4K" resident_pages_peak) with 4K: want whole blocks, above"
elif [ "$sb" -le "$(js "$T/s4K" disk_bytes)" ]; then bad "$n" "64K blocks move $sb bytes, 4K blocks $(js "$T/s4K" disk_bytes): the padding moved nothing"
elif ! cmp -s "$T/s4K.out" "$T/s64K.out"; then bad "$n" "a VM's lines differ: $(diff "$T/s4K.out" "$T/s64K.out" | sed -n 2p)"
else ok "$n ($sb bytes against $(js "$T/s4K" disk_bytes))"; fi

# --- pinned groups ----------------------------------------------------------------------------------
# Two groups of 3 k_late VMs (9 pages each) under a budget of 40 pages with the 5 ms disk: p's
# VMs, admitted first, run least recently and are the pager's first choice. A VM is 5 ms late
# after an IDLE when, and only when, it was out while it idled and waited for its read (its
# own lateness is the evidence, VM by VM). Unpinned, some of p's VMs are; with pinned = yes,
# none of p's, and u's VMs take every swap-in.
pin_ini() {
	printf '[run]\nconsole = prefix\nmem_budget = 160K\nswap_disk = 5ms:100M\n\n' >"$T/$1.ini"
	printf '[group p]\nimage = %s\ncount = 3\nmem = 64K\nargs = 6 3 20000\n%s\n' "$G/k_late.elf" "$2" >>"$T/$1.ini"
	printf '[group u]\nimage = %s\ncount = 3\nmem = 64K\nargs = 6 3 20000\n' "$G/k_late.elf" >>"$T/$1.ini"
}
pin_ini pin0 ''
pin_ini pin1 'pinned = yes'
run "$T/pin0.ini" --stats "$T/pin0"
cp "$T/out" "$T/pin0.out"
rcp0=$rc
run "$T/pin1.ini" --stats "$T/pin1"
cp "$T/out" "$T/pin1.out"
n="pinned = yes: none of the group's VMs moved out; the other group's take the swapping"
p0=$(lates "$T/pin0.out" "0 1 2" | awk '$1 >= 5000' | wc -l | tr -d ' ')
p1=$(lates "$T/pin1.out" "0 1 2" | awk '$1 >= 5000' | wc -l | tr -d ' ')
u1=$(lates "$T/pin1.out" "3 4 5" | awk '$1 >= 5000' | wc -l | tr -d ' ')
if [ "$rcp0" -ne 0 ] || [ "$rc" -ne 0 ]; then bad "$n" "exit $rcp0 unpinned, $rc pinned: $(head -n 1 "$T/err")"
elif [ "$(grep -c ' pages ok$' "$T/pin0.out")" -ne 18 ] || [ "$(grep -c ' pages ok$' "$T/pin1.out")" -ne 18 ]; then
	bad "$n" "not 18 rounds with their pages: $(grep -m 1 BAD "$T/pin0.out" "$T/pin1.out")"
elif [ "$p0" -eq 0 ]; then bad "$n" "unpinned, none of p's VMs was ever late: the case proves nothing ($(lates "$T/pin0.out" | tr '\n' ' '))"
elif [ "$p1" -ne 0 ]; then bad "$n" "pinned, p's VMs were late $p1 times (read from the disk): $(lates "$T/pin1.out" "0 1 2" | tr '\n' ' ')"
elif [ "$(js "$T/pin1" swap_outs)" -le 0 ] || [ "$u1" -ne "$(js "$T/pin1" swap_ins)" ] || [ "$u1" -ne "$(js "$T/pin1" disk_reads)" ]; then
	bad "$n" "pinned: $(js "$T/pin1" swap_outs) swap-outs, $(js "$T/pin1" swap_ins) swap-ins, $(js "$T/pin1" disk_reads) reads, u's VMs late $u1 times"
else ok "$n (p's VMs late: $p0 times unpinned, 0 pinned; u's $u1 = swap_ins)"; fi

# A run whose only group is pinned moves nobody: k_memsum's 10 VMs of 64K under a budget of one
# (20 swap-outs unpinned); pinned, the gatekeeper waits for room instead, and each VM prints the
# same. -o GROUP.pinned=yes sets it too.
mp() { run --vms 10 --mem 64K --quantum 1000000 --console prefix --args '2 100000' --mem-budget 64K "$@" "$G/k_memsum.elf"; }
mp --stats "$T/m0"
byvm "$T/out" >"$T/m0.out"
rcm0=$rc
mp -o main.pinned=yes --stats "$T/m1"
byvm "$T/out" >"$T/m1.out"
n="pinned = yes on the only group: no swap-out, no swap-in; the same output"
if [ "$rcm0" -ne 0 ] || [ "$rc" -ne 0 ]; then bad "$n" "exit $rcm0 unpinned, $rc pinned: $(head -n 1 "$T/err")"
elif [ "$(js "$T/m0" swap_outs)" -lt 20 ]; then bad "$n" "unpinned: $(js "$T/m0" swap_outs) swap-outs (want 20): the case proves nothing"
elif [ "$(js "$T/m1" swap_outs):$(js "$T/m1" swap_ins):$(js "$T/m1" swapped_peak)" != 0:0:0 ]; then
	bad "$n" "pinned: swap_outs:swap_ins:swapped_peak $(js "$T/m1" swap_outs):$(js "$T/m1" swap_ins):$(js "$T/m1" swapped_peak)"
elif [ "$(grep -c ' 0 mismatches ok$' "$T/m1.out")" -ne 20 ] || ! cmp -s "$T/m0.out" "$T/m1.out"; then
	bad "$n" "a VM's lines differ: $(diff "$T/m0.out" "$T/m1.out" | sed -n 2p)"
else ok "$n"; fi

# --- loadgen -w and -t ------------------------------------------------------------------------------
# One httpd, one loadgen (tools/exp/experiments/batching.json's shape, a 1 KiB document): with
# -w 20 the server answers 70 requests and loadgen counts 50.
cat >"$T/web.ini" <<EOF
[run]
console = prefix

[group server]
image = $G/httpd.elf
mem = 4M
net_rxq = 256
args = 80 -q 2000 -b 16

[group loadgen]
image = $G/loadgen.elf
mem = 4M
net_rxq = 256
args = loadgen 1 -c 10 -n 50 -w 20 -a 0 -p /bytes/1024
EOF
run "$T/web.ini" --stats "$T/web"
lg=$(sed -n 's/^\[vm 1\] \(loadgen: .*\)/\1/p' "$T/out")
served=$(sed -n 's/^\[vm 0\] httpd: served \([0-9]*\) responses.*/\1/p' "$T/out")
n="loadgen -n 50 -w 20: 70 requests made, 50 counted"
case $lg in "loadgen: requests 50 errors 0 us "*) lg_ok=yes ;; *) lg_ok=no ;; esac
if [ "$rc" -ne 0 ]; then bad "$n" "exit $rc: $(head -n 1 "$T/err") $lg"
elif [ $lg_ok = no ]; then bad "$n" "got '$lg'"
elif [ "${served:-0}" -ne 70 ]; then bad "$n" "httpd served ${served:-no} responses, not 50 + 20 of warm-up"
elif ! grep -qx '1,requests,50' "$T/web/guest-stats.csv" || ! grep -qx '1,errors,0' "$T/web/guest-stats.csv"; then
	bad "$n" "guest-stats.csv: $(grep '^1,' "$T/web/guest-stats.csv" | tr '\n' ' ')"
else ok "$n ($lg)"; fi

# loadgen alone (no server: nothing ever answers), 2 slots, 5 requests.
lg_run() {
	run --mem 4M --console prefix --args "loadgen 1 -c 2 -n 5 $1" "$G/loadgen.elf"
	lg=$(sed -n 's/^\[vm 0\] \(loadgen: .*\)/\1/p' "$T/out")
	lg_us=$(echo "$lg" | sed -n 's/.* us \([0-9]*\) .*/\1/p')
}
lg_run "-t 0"
n="loadgen -t 0 is refused: the usage line, status 2"
case $lg in
"loadgen: -c takes "*"-t 1 to 3600"*) if [ "$rc" -eq 2 ]; then ok "$n"; else bad "$n" "exit $rc: $lg"; fi ;;
*) bad "$n" "exit $rc, got '$lg'" ;;
esac
lg_run "-t 1"
n="loadgen -t 1 gives up after 1 s of nothing moving (5 s without -t)"
lg1=$lg us1=${lg_us:-0} rc1=$rc
lg_run ""
if [ "$rc1" -ne 1 ] || [ "$rc" -ne 1 ]; then bad "$n" "exit $rc1 and $rc, want 1 (requests failed): $lg1"
else
	case $lg1 in
	"loadgen: requests 0 errors 5 us "*)
		if [ "$us1" -lt 1000000 ] || [ "$us1" -ge 1500000 ]; then bad "$n" "-t 1: gave up after $us1 us"
		elif [ "${lg_us:-0}" -lt 5000000 ] || [ "${lg_us:-0}" -ge 5500000 ]; then bad "$n" "no -t: gave up after ${lg_us:-?} us, not 5 s"
		else ok "$n ($us1 us, $lg_us us)"; fi ;;
	*) bad "$n" "-t 1: '$lg1'" ;;
	esac
fi
lg_run "-w 3 -t 1"
n="loadgen -w 3 with nothing answering: the warm-up's failures are not counted"
case $lg in
"loadgen: requests 0 errors 5 us "*) if [ "$rc" -eq 1 ]; then ok "$n ($lg)"; else bad "$n" "exit $rc"; fi ;;
*) bad "$n" "exit $rc, got '$lg' (want requests 0 errors 5)" ;;
esac

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
