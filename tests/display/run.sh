#!/bin/sh
# run.sh - the display and keyboard suite: the devices' contract seen from guests (DVA-1 section
# 7: ports 0xD400 and 0xD500, lines 5 and 6, page 0's devices), --keys scripts and their errors,
# and --screenshot (PNGs decoded by tests/display/png.py and compared pixel for pixel), each
# case a run of a tests/display/guests/d_*.c guest checked for its exact output and status.
# At the end it runs the window's tests, tests/display/window.sh, when that file exists, and
# counts their ok / not ok lines with its own.
#
#   sh tests/display/run.sh BUILD_DIR
#   DISPLAY_DENALI=BUILD_DIR/denali-san DISPLAY_SKIP=window sh tests/display/run.sh BUILD_DIR
#
# DISPLAY_DENALI runs another emulator build (make test runs the suite again on the sanitizer
# build); DISPLAY_SKIP=window leaves out window.sh (SDL2's and D-Bus's own allocations, which
# they keep until exit, would be reported as leaks there).
#
# Expected outputs were worked out from the contract (docs/abi.md, Keyboard and Display): the
# guests print what they saw, never what they expect. One "ok N - NAME" or "not ok N - NAME: WHY"
# line per check, then "N passed, M failed"; the exit status is non-zero on any failure. Every
# run is bounded (timeout, --max-insns); the suite takes a few seconds.
set -u

B=${1:?usage: sh tests/display/run.sh BUILD_DIR}
D=${DISPLAY_DENALI:-$B/denali}
G=$B/guests
HERE=$(dirname "$0")
PNG="$HERE/png.py"
for f in "$D" "$G/d_mode.elf" "$G/d_trap.elf" "$G/d_fault.elf" "$G/d_line.elf" "$G/d_lineirq.elf" \
	"$G/d_keys.elf" "$G/d_shot.elf"; do
	[ -e "$f" ] || { echo "run.sh: $f is missing (make $D guests first)" >&2; exit 2; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/denali-display.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

n=0
passed=0
failed=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1: $2"; }

# run ARGS...: denali run with no input, bounded; status in $rc, output in $T/out and $T/err.
run() {
	timeout 60 "$D" run --max-insns 4000000000 "$@" </dev/null >"$T/out" 2>"$T/err"
	rc=$?
}
lines() { wc -l <"$1" | tr -d ' '; }
# The output and the first line of stderr on one line, for a failure's message.
why() { echo "exit $rc: $(head -c 400 "$T/out" | tr '\n' '|') $(head -n 1 "$T/err")"; }
# expect NAME [STATUS] <<want: the run printed exactly want on stdout and exited with STATUS (0).
expect() {
	cat >"$T/want"
	if [ "$rc" -ne "${2:-0}" ]; then
		bad "$1" "$(why)"
	elif cmp -s "$T/want" "$T/out"; then
		ok "$1"
	else
		bad "$1" "$(diff "$T/want" "$T/out" | grep '^[<>]' | head -n 6 | tr '\n' '|')"
	fi
}
# expect_prefixed NAME VM <<want: what VM printed (without "[vm N] ") is exactly want, status 0.
expect_prefixed() {
	cat >"$T/want"
	sed -n "s/^\[vm $2\] //p" "$T/out" >"$T/got"
	if [ "$rc" -ne 0 ]; then
		bad "$1" "$(why)"
	elif cmp -s "$T/want" "$T/got"; then
		ok "$1"
	else
		bad "$1" "vm $2: $(diff "$T/want" "$T/got" | grep '^[<>]' | head -n 6 | tr '\n' '|')"
	fi
}

# ---- MODE and PRESENT: every status and limit ------------------------------------------------
run --args rows "$G/d_mode.elf"
expect "MODE/PRESENT statuses: limits 1..1920 x 1..1080, mem_size, 4 GiB wrap, page 0, read-only text, unknown ops; arg and result kept" <<'W'
PRESENT before any MODE: status 3 kept 1
MODE 0x0: status 3 kept 1
MODE 0x1: status 3 kept 1
MODE 1x0: status 3 kept 1
MODE 0x1080: status 3 kept 1
MODE 1921x1: status 3 kept 1
MODE 1x1081: status 3 kept 1
MODE 1921x1080: status 3 kept 1
MODE 1920x1081: status 3 kept 1
MODE 65535x65535: status 3 kept 1
MODE 1x1 at mem_size: status 3 kept 1
MODE 1x1 one byte past mem_size: status 3 kept 1
MODE 1x1 far past mem_size: status 3 kept 1
MODE 8x1 wrapping past 4 GiB: status 3 kept 1
MODE 1x1 at 0xFFFFFFFC: status 3 kept 1
MODE 1920x1080 one byte past mem_size: status 3 kept 1
MODE 1920x1080 four bytes past mem_size: status 3 kept 1
PRESENT after failed MODEs only: status 3 kept 1
op 0: status 3 kept 1
op 3: status 3 kept 1
op 0x101: status 3 kept 1
op 0x80000002: status 3 kept 1
op 0xffffffff: status 3 kept 1
PRESENT after unknown ops: status 3 kept 1
MODE 1x1: status 0 kept 1
PRESENT: status 0 kept 1
PRESENT ignores the block's addr and len: status 0 kept 1
op 3 after a MODE: status 3 kept 1
MODE 1921x1 after a good MODE: status 3 kept 1
PRESENT after a failed MODE: status 0 kept 1
MODE 1920x1: status 0 kept 1
MODE 1x1080: status 0 kept 1
PRESENT 1x1080: status 0 kept 1
MODE 1920x1080 ending exactly at mem_size: status 0 kept 1
PRESENT 1920x1080: status 0 kept 1
MODE 1x1 the last 4 bytes of memory: status 0 kept 1
MODE 2x1 the last 4 bytes and one past: status 3 kept 1
MODE 16x16 in page 0: status 0 kept 1
PRESENT from page 0: status 0 kept 1
MODE 1024x1 all of page 0: status 0 kept 1
MODE 1024x2 page 0 and page 1: status 0 kept 1
MODE 16x4 in read-only text: status 0 kept 1
PRESENT from read-only text: status 0 kept 1
MODE 64x1 in read-only data: status 0 kept 1
PRESENT from read-only data: status 0 kept 1
MODE 3x1 at an odd address: status 0 kept 1
PRESENT at an odd address: status 0 kept 1
W
# The same rows with a screenshot: a watched display copies each frame (1920x1080 included).
run --args rows --screenshot exit:"$T/rows.png" "$G/d_mode.elf"
if [ "$rc" -eq 0 ] && cmp -s "$T/want" "$T/out"; then
	ok "MODE/PRESENT statuses are the same when a screenshot watches the display"
else
	bad "MODE/PRESENT statuses are the same when a screenshot watches the display" "$(why)"
fi
run --mem 4M --args top "$G/d_mode.elf"
expect "--mem 4M: 1024x1024 at 0 is all of memory (0), at 4 one word past (3); 1920x1080 cannot fit (3)" <<'W'
mem_size 4194304
MODE 1024x1024 at 0: status 0 kept 1
MODE 1024x1024 at 4: status 3 kept 1
MODE 1920x1080 at 0: status 3 kept 1
MODE 1920x1080 ending exactly at mem_size: status 3 kept 1
MODE 1920x1080 one byte past mem_size: status 3 kept 1
PRESENT: status 0 kept 1
W
run --mem 8M --args top "$G/d_mode.elf"
expect "--mem 8M: 1920x1080 at 0 and ending exactly at mem_size (0), one byte past (3)" <<'W'
mem_size 8388608
MODE 1024x1024 at 0: status 0 kept 1
MODE 1024x1024 at 4: status 0 kept 1
MODE 1920x1080 at 0: status 0 kept 1
MODE 1920x1080 ending exactly at mem_size: status 0 kept 1
MODE 1920x1080 one byte past mem_size: status 3 kept 1
PRESENT: status 0 kept 1
W

# ---- what faults: #GP(0) and #PF, with handlers ------------------------------------------------
run "$G/d_trap.elf"
expect "ports: keyboard IN EAX only, display OUT EAX only, misaligned block #GP(0), unwritable block #PF as a 24-byte write" <<'W'
keyboard IN EAX, nothing queued: traps 0 vector 57005 error 57005 at insn 0 eax 0x0
keyboard IN AL: traps 1 vector 13 error 0 at insn 1 eax kept 1
keyboard IN AX: traps 1 vector 13 error 0 at insn 1 eax kept 1
keyboard INSB: traps 1 vector 13 error 0 at insn 1 eax kept 1
keyboard OUT EAX: traps 1 vector 13 error 0 at insn 1 block kept 1
keyboard OUT AL: traps 1 vector 13 error 0 at insn 1 block kept 1
keyboard OUT AX: traps 1 vector 13 error 0 at insn 1 block kept 1
IN EAX from 0xD401: traps 1 vector 13 error 0 at insn 1 eax kept 1
IN EAX from 0xD3FF: traps 1 vector 13 error 0 at insn 1 eax kept 1
display OUT AL: traps 1 vector 13 error 0 at insn 1 block kept 1
display OUT AX: traps 1 vector 13 error 0 at insn 1 block kept 1
display OUTSB: traps 1 vector 13 error 0 at insn 1 block kept 1
display IN EAX: traps 1 vector 13 error 0 at insn 1 eax kept 1
display IN AL: traps 1 vector 13 error 0 at insn 1 eax kept 1
display IN AX: traps 1 vector 13 error 0 at insn 1 eax kept 1
OUT EAX to 0xD501: traps 1 vector 13 error 0 at insn 1 block kept 1
OUT EAX to 0xD4FF: traps 1 vector 13 error 0 at insn 1 block kept 1
block misaligned by 1: traps 1 vector 13 error 0 at insn 1
  fault_addr kept 1 block kept 1
block misaligned by 2: traps 1 vector 13 error 0 at insn 1
  fault_addr kept 1 block kept 1
block misaligned by 3: traps 1 vector 13 error 0 at insn 1
  fault_addr kept 1 block kept 1
block crossing mem_size: traps 1 vector 14 error 6 at insn 1 fault_addr-block 8
block at mem_size: traps 1 vector 14 error 6 at insn 1 fault_addr-block 0
block far past mem_size: traps 1 vector 14 error 6 at insn 1 fault_addr-block 0
block in read-only text: traps 1 vector 14 error 7 at insn 1 fault_addr-block 0
block in page 0: traps 1 vector 14 error 7 at insn 1 fault_addr-block 0
block on page 0's writable fields: traps 1 vector 14 error 7 at insn 1 fault_addr-block 12
display OUT EAX, good block: traps 0 vector 57005 error 57005 at insn 0 block kept 0
good block: status 0
W

# On the bare machine the emulator ends the VM with 128 + vector and names the instruction.
for c in "mis1:13:out dx, eax" "mis2:13:out dx, eax" "mis3:13:out dx, eax" "ro:14:out dx, eax" \
	"inb:13:in al, dx" "ind:13:in eax, dx" "outk:13:out dx, eax"; do
	m=${c%%:*} rest=${c#*:}
	vec=${rest%%:*} insn=${rest#*:}
	run --args "$m" "$G/d_fault.elf"
	name="bare machine, $m: exit $((128 + vec)), the diagnostic names vector $vec and '$insn'"
	if [ "$rc" -eq $((128 + vec)) ] && [ "$(tr '\n' '|' <"$T/out")" = "out|" ] &&
		grep -q "^denali: vm 0: #[GP][PF] [a-z ]* (vector $vec) at eip 0x[0-9a-f]*, " "$T/err" &&
		grep -q "$insn" "$T/err"; then
		ok "$name"
	else
		bad "$name" "$(why)"
	fi
done

# ---- page 0's devices and a group's devices list ------------------------------------------------
run "$HERE/nodev.ini" -o all.image="$G/d_trap.elf" -o none.image="$G/d_trap.elf" \
	-o kbd.image="$G/d_trap.elf" -o disp.image="$G/d_trap.elf"
expect_prefixed "devices: keyboard (bit 5) and display (bit 6) by default, both answer" 0 <<'W'
devices 0x6f
keyboard IN EAX: traps 0 vector 57005 error 57005 at insn 0 eax 0x0
display OUT EAX, good block: traps 0 vector 57005 error 57005 at insn 0 block kept 0
display block status 0x0
W
expect_prefixed "devices = console,timer: bits 5 and 6 clear, both ports #GP(0)" 1 <<'W'
devices 0x3
keyboard IN EAX: traps 1 vector 13 error 0 at insn 1 eax kept 1
display OUT EAX, good block: traps 1 vector 13 error 0 at insn 1 block kept 1
display block status 0xeeeeeeee
W
expect_prefixed "devices = console,timer,keyboard: bit 5 only, the display's port #GP(0)" 2 <<'W'
devices 0x23
keyboard IN EAX: traps 0 vector 57005 error 57005 at insn 0 eax 0x0
display OUT EAX, good block: traps 1 vector 13 error 0 at insn 1 block kept 1
display block status 0xeeeeeeee
W
expect_prefixed "devices = console,timer,display: bit 6 only, the keyboard's port #GP(0)" 3 <<'W'
devices 0x43
keyboard IN EAX: traps 1 vector 13 error 0 at insn 1 eax kept 1
display OUT EAX, good block: traps 0 vector 57005 error 57005 at insn 0 block kept 0
display block status 0x0
W
run -o main.devices=console,timer --args probe "$G/d_trap.elf"
expect "-o main.devices=console,timer on a one-image run removes both" <<'W'
devices 0x3
keyboard IN EAX: traps 1 vector 13 error 0 at insn 1 eax kept 1
display OUT EAX, good block: traps 1 vector 13 error 0 at insn 1 block kept 1
display block status 0xeeeeeeee
W

# ---- line 6 ------------------------------------------------------------------------------------
run "$G/d_line.elf"
expect "line 6 rises at the first multiple of 16,666,667 ns after a PRESENT (busy and IDLE), once for several, never for a failed PRESENT, MODE or unknown op" <<'W'
PRESENT before MODE: status 3
  quiet 3 1
MODE: status 0
  quiet 3 1
op 7: status 3
  quiet 3 1
busy, 1 PRESENT at +1000 ns: status 0, one period 1, clear 20 us before 1, seen 1, not early 1, not late 1
  then quiet 3 1
busy, 1 PRESENT at +8333333 ns: status 0, one period 1, clear 20 us before 1, seen 1, not early 1, not late 1
  then quiet 3 1
busy, 1 PRESENT at +16663667 ns: status 0, one period 1, clear 20 us before 1, seen 1, not early 1, not late 1
  then quiet 3 1
busy, 3 PRESENTs at +1000 ns: status 0, one period 1, clear 20 us before 1, seen 1, not early 1, not late 1
  then quiet 3 1
busy, 10 PRESENTs at +5555555 ns: status 0, one period 1, clear 20 us before 1, seen 1, not early 1, not late 1
  then quiet 3 1
idle, PRESENT at +1000 ns: status 0, one period 1, woke by the line 1, pending 1, at the refresh 1
idle, PRESENT at +8333333 ns: status 0, one period 1, woke by the line 1, pending 1, at the refresh 1
idle, PRESENT at +16663667 ns: status 0, one period 1, woke by the line 1, pending 1, at the refresh 1
W
run "$G/d_lineirq.elf"
expect "line 6 upcall: time_ns in [R, R + 5 us) for the refresh R after the PRESENT, one upcall for 1, 3 or 20 PRESENTs" <<'W'
MODE: status 0
1 PRESENT at +2000 ns: status 0, upcalls 1, first at the refresh 1
1 PRESENT at +8333333 ns: status 0, upcalls 1, first at the refresh 1
3 PRESENTs at +16266667 ns: status 0, upcalls 1, first at the refresh 1
20 PRESENTs at +5000 ns: status 0, upcalls 1, first at the refresh 1
W
run --screenshot exit:"$T/line.png" "$G/d_lineirq.elf"
if [ "$rc" -eq 0 ] && cmp -s "$T/want" "$T/out"; then
	ok "line 6 rises at the same points when a screenshot watches the display"
else
	bad "line 6 rises at the same points when a screenshot watches the display" "$(why)"
fi

# ---- --keys: events in order, codes, up bits, times --------------------------------------------
run --keys "$HERE/basic.keys" --args "log 3000" "$G/d_keys.elf"
expect "--keys: press/down/up, names and characters, upper case B = b, relative times, us/ms/s, comments; empty reads 0" <<'W'
devices 0x6f, first read 0x0
500 ms: 0x00000061
500 ms: 0x80000061
600 ms: 0x400000e1
600 ms: 0x00000062
600 ms: 0x80000062
650 ms: 0xc00000e1
1500 ms: 0x4000004f
1500 ms: 0xc000004f
1500 ms: 0x40000045
2000 ms: 0xc0000045
2250 ms: 0x0000000d
2250 ms: 0x8000000d
2260 ms: 0x0000002f
2260 ms: 0x8000002f
2270 ms: 0x00000020
2270 ms: 0x80000020
2280 ms: 0x00000037
2280 ms: 0x80000037
2300 ms: 0x400000e0
2300 ms: 0xc00000e0
2400 ms: 0x0000001b
2400 ms: 0x8000001b
events 22, empty reads 0x0
W
cp "$T/out" "$T/basic1"
run --keys "$HERE/basic.keys" --args "log 3000" "$G/d_keys.elf"
if [ "$rc" -eq 0 ] && cmp -s "$T/basic1" "$T/out"; then
	ok "--keys: a second run prints the same bytes"
else
	bad "--keys: a second run prints the same bytes" "$(why)"
fi
run --keys "$HERE/type.keys" --args "log 3000" "$G/d_keys.elf"
expect "--keys type Hello!: 20 ms apart, LShift down/up around H and ! (on 1), space typed as Space" <<'W'
devices 0x6f, first read 0x0
1000 ms: 0x400000e1
1000 ms: 0x00000068
1000 ms: 0x80000068
1000 ms: 0xc00000e1
1020 ms: 0x00000065
1020 ms: 0x80000065
1040 ms: 0x0000006c
1040 ms: 0x8000006c
1060 ms: 0x0000006c
1060 ms: 0x8000006c
1080 ms: 0x0000006f
1080 ms: 0x8000006f
1100 ms: 0x400000e1
1100 ms: 0x00000031
1100 ms: 0x80000031
1100 ms: 0xc00000e1
2000 ms: 0x00000061
2000 ms: 0x80000061
2020 ms: 0x00000020
2020 ms: 0x80000020
2040 ms: 0x00000062
2040 ms: 0x80000062
events 22, empty reads 0x0
W
run --vms 2 --focus 1 --keys "$HERE/vm.keys" --args "log 500" "$G/d_keys.elf"
expect_prefixed "--keys with --focus 1: lines without vm go to VM 1" 1 <<'W'
devices 0x6f, first read 0x0
100 ms: 0x00000061
100 ms: 0x80000061
300 ms: 0x00000063
300 ms: 0x80000063
events 4, empty reads 0x0
W
expect_prefixed "--keys with --focus 1: vm 0 lines go to VM 0 only" 0 <<'W'
devices 0x6f, first read 0x0
200 ms: 0x00000062
200 ms: 0x80000062
events 2, empty reads 0x0
W
run --vms 2 --keys "$HERE/vm.keys" --args "log 500" "$G/d_keys.elf"
expect_prefixed "--keys without --focus: lines without vm go to VM 0" 0 <<'W'
devices 0x6f, first read 0x0
100 ms: 0x00000061
100 ms: 0x80000061
200 ms: 0x00000062
200 ms: 0x80000062
events 4, empty reads 0x0
W
run --keys "$HERE/wait.keys" --args wait "$G/d_keys.elf"
expect "--keys wakes a VM that IDLEs for ever, at each key's time; after the last the run is stuck (125)" 125 <<'W'
devices 0x6f, first read 0x0
500 ms (idle 0): 0x00000061
500 ms (idle 0): 0x80000061
2000 ms (idle 0): 0x40000052
2000 ms (idle 0): 0xc0000052
W
run --keys "$HERE/busy.keys" --args "busy 60 20000 20500 40000" "$G/d_keys.elf"
expect "--keys to a spinning guest: each event at the first quantum boundary at or after its time, none early" <<'W'
devices 0x6f, first read 0x0
0x00000061 at 20000 us: not before it 1, within 200 us 1
0x80000061
0x00000062 at 20500 us: not before it 1, within 200 us 1
0x80000062
0x00000063 at 40000 us: not before it 1, within 200 us 1
0x80000063
events 6, empty reads 0x0
W
{
	echo "devices 0x6f, first read 0x0"
	echo "line 5 pending at 1000 ms 1"
	echo "line 5 pending at 2000 ms 1"
	i=0
	for c in 61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 70 71 72 73 74 75 76 77 78 79 7a 30 31 32 33 34 35; do
		echo "$i: 0x000000$c"
		echo "$((i + 1)): 0x800000$c"
		i=$((i + 2))
	done
	echo "drained 64, then 0x0"
	echo "3000 ms: 0x00000078"
	echo "3000 ms: 0x80000078"
	echo "events 2, empty reads 0x0"
} >"$T/queue.want"
run --keys "$HERE/queue.keys" --args "queue 1000 2000 3500" --stats "$T/qstats" "$G/d_keys.elf"
expect "--keys, 74 events while line 5 is masked: exactly the first 64 in order, then 0; dropped ones raise line 5; the queue works again after" <"$T/queue.want"
q=$(grep -o '"display": {[^}]*}' "$T/qstats/summary.json" 2>/dev/null)
case "$q" in
*'"keys": 76, "keys_dropped": 10'*) ok "--stats: summary.json's display object counts the keys given and the 10 dropped" ;;
*) bad "--stats: summary.json's display object counts the keys given and the 10 dropped" "got: $q" ;;
esac

# ---- --keys errors: one line FILE:LINE: reason, exit 2, nothing run ------------------------------
# keys_error NAME LINE TEXT [ARGS...]: a script of TEXT (printf format) is refused.
keys_error() {
	ke_name=$1 ke_line=$2
	# shellcheck disable=SC2059 # the format is the point
	printf "$3" >"$T/e.keys"
	shift 3
	run --keys "$T/e.keys" "$@" --args "log 100" "$G/d_keys.elf"
	if [ "$rc" -eq 2 ] && [ ! -s "$T/out" ] && [ "$(lines "$T/err")" -eq 1 ] &&
		grep -q "^$T/e.keys:$ke_line: [^ ]" "$T/err"; then
		ok "--keys error, $ke_name: exit 2, nothing run, one line 'FILE:$ke_line: reason'"
	else
		bad "--keys error, $ke_name: exit 2, nothing run, one line 'FILE:$ke_line: reason'" "$(why)"
	fi
}
keys_error "bad time (after a comment and a blank line)" 3 '# c\n\nsoon press a\n'
keys_error "time without a unit" 1 '500 press a\n'
keys_error "'+' alone" 1 '+ press a\n'
keys_error "going back" 2 '1s press a\n500ms press b\n'
keys_error "unknown action" 1 '1s hit a\n'
keys_error "no action" 2 '1s press a\n2s\n'
keys_error "unknown key" 1 '1s press Enter\n'
keys_error "missing key" 1 '1s press\n'
keys_error "missing key after up" 1 '1s up\n'
keys_error "two keys" 1 '1s press a b\n'
keys_error "type without text" 1 '1s type\n'
keys_error "vm without a number" 1 '1s vm press a\n'
keys_error "vm beyond the run (1 VM)" 2 '1s press a\n2s vm 1 press a\n'
keys_error "vm beyond the run (--vms 2)" 1 '1s vm 2 press a\n' --vms 2
printf '1s vm 1 press a\n' >"$T/ok.keys"
run --vms 2 --keys "$T/ok.keys" --args "log 10" "$G/d_keys.elf"
if [ "$rc" -eq 0 ] && [ ! -s "$T/err" ]; then ok "--keys: vm 1 of a 2-VM run is accepted"
else bad "--keys: vm 1 of a 2-VM run is accepted" "$(why)"; fi
for f in "$T/missing.keys" "$T"; do
	run --keys "$f" "$G/d_keys.elf"
	if [ "$rc" -eq 2 ] && [ ! -s "$T/out" ] && [ "$(lines "$T/err")" -eq 1 ] &&
		grep -q "^$f: [^ ]" "$T/err"; then
		ok "--keys error, unreadable file ${f##*/}: exit 2, nothing run, one line 'FILE: reason'"
	else
		bad "--keys error, unreadable file ${f##*/}: exit 2, nothing run, one line 'FILE: reason'" "$(why)"
	fi
done

# ---- --screenshot --------------------------------------------------------------------------------
# shot NAME FILE pattern S W H | words ... W H: FILE decodes to exactly that picture.
shot() {
	s_name=$1
	shift
	s_why=$(python3 "$PNG" check "$@" 2>&1)
	if [ "$s_why" = ok ]; then ok "$s_name"; else bad "$s_name" "$s_why"; fi
}
run --display none --args seq --screenshot 50ms:"$T/a.png" --screenshot 150ms:"$T/b.png" \
	--screenshot 250ms:"$T/c.png" --screenshot exit:"$T/e.png" --screenshot 10s:"$T/late.png" \
	"$G/d_shot.elf"
expect "--screenshot run: statuses, the run completes" <<'W'
A: mode 0 present 0
B: mode 0 present 0
C: bad mode 3 present 0
done
W
shot "--screenshot 50ms: frame A, 37x23 (odd width), pixel for pixel" "$T/a.png" pattern 1 37 23
shot "--screenshot 150ms: frame B as PRESENT copied it, not the buffer drawn over after" "$T/b.png" pattern 2 64 48
shot "--screenshot 250ms: frame C at B's mode (the failed MODE changed nothing)" "$T/c.png" pattern 3 64 48
shot "--screenshot exit: the last frame" "$T/e.png" pattern 3 64 48
shot "--screenshot 10s (after the end): saved as the run ended" "$T/late.png" pattern 3 64 48
if [ "$(lines "$T/err")" -eq 1 ] && grep -q "^denali: --screenshot $T/late.png: " "$T/err"; then
	ok "--screenshot 10s (after the end): one line says so"
else
	bad "--screenshot 10s (after the end): one line says so" "stderr: $(tr '\n' '|' <"$T/err")"
fi
for f in a b c e; do cp "$T/$f.png" "$T/first-$f.png"; done
run --display none --args seq --screenshot 50ms:"$T/a.png" --screenshot 150ms:"$T/b.png" \
	--screenshot 250ms:"$T/c.png" --screenshot exit:"$T/e.png" "$G/d_shot.elf"
same=1
for f in a b c e; do cmp -s "$T/$f.png" "$T/first-$f.png" || same=0; done
if [ "$rc" -eq 0 ] && [ "$same" -eq 1 ]; then ok "--screenshot: a second run saves the same bytes"
else bad "--screenshot: a second run saves the same bytes" "$(why), same $same"; fi
run --mem 1M --args page0 --screenshot exit:"$T/p0.png" "$G/d_shot.elf"
shot "--screenshot of a frame in page 0: magic, version, vm_id, mem_size, cpu_hz, flags" "$T/p0.png" words \
	0x4c4e44 0x000001 0x000000 0x100000 0x9aca00 0x000001 8 1
run --vms 3 --focus 1 --args vm --screenshot exit:"$T/f1.png" "$G/d_shot.elf"
shot "--screenshot with --focus 1: VM 1's frame at its own size" "$T/f1.png" pattern 1 23 11
run --vms 3 --args vm --screenshot exit:"$T/f0.png" "$G/d_shot.elf"
shot "--screenshot without --focus: VM 0's frame" "$T/f0.png" pattern 0 20 10
run --args seq --screenshot 50ms:"$T/nodir/x.png" --screenshot exit:"$T/e2.png" "$G/d_shot.elf"
if [ "$rc" -eq 1 ] && [ "$(tail -n 1 "$T/out")" = done ] && [ "$(lines "$T/err")" -eq 1 ] &&
	grep -q "^denali: --screenshot $T/nodir/x.png: [^ ]" "$T/err"; then
	ok "--screenshot to an unwritable path: the run completes, one line, exit 1"
else
	bad "--screenshot to an unwritable path: the run completes, one line, exit 1" "$(why)"
fi
shot "--screenshot: the other shot of that run is still saved" "$T/e2.png" pattern 3 64 48
# A bad option is one line on stderr, "denali: OPTION: reason", then the usage text (as
# tests/cli/run.sh checks for every option), exit 2, nothing run.
"$D" --help >"$T/usage" 2>/dev/null
for w in "soon:x.png" "5:x.png" ":x.png" "1s:" "1s" "-1s:x.png" "1.5.5s:x.png" "exit2:x.png"; do
	run --screenshot "$w" "$G/d_shot.elf"
	if [ "$rc" -eq 2 ] && [ ! -s "$T/out" ] && head -n 1 "$T/err" | grep -q "^denali: --screenshot: [^ ]" &&
		[ "$(tail -n +2 "$T/err")" = "$(cat "$T/usage")" ]; then
		ok "--screenshot $w is refused: exit 2, one line then the usage text, nothing run"
	else
		bad "--screenshot $w is refused: exit 2, one line then the usage text, nothing run" "$(why)"
	fi
done

# ---- the examples --------------------------------------------------------------------------------
# plasma, snake and term (examples/) under the deterministic clock, their screenshots compared
# pixel for pixel with tests/display/expect/*.png. Those were made by these very runs and checked
# by eye when the examples were written; a change that moves a pixel must say why and update
# them. snake plays tests/display/snake.keys to a known score; term is typed into.
same_png() { # NAME GOT WANT: GOT has WANT's size and pixels
	s_why=$(python3 "$PNG" same "$2" "$3" 2>&1)
	if [ "$s_why" = ok ]; then ok "$1"; else bad "$1" "$s_why"; fi
}
EX=$HERE/expect
if [ -e "$G/plasma.elf" ] && [ -e "$G/snake.elf" ] && [ -e "$G/term.elf" ]; then
	run --screenshot 500ms:"$T/plasma.png" --args "64 40 1" "$G/plasma.elf"
	expect "plasma: 64 x 40 for 1 s prints its frame rate, 60 frames a second of system time" <<'W'
plasma: 61 frames, 60.0 fps
W
	same_png "plasma: its frame at 500 ms is the expected picture" "$T/plasma.png" "$EX/plasma-64x40-500ms.png"
	run --keys "$HERE/snake.keys" --screenshot exit:"$T/snake.png" "$G/snake.elf"
	expect "snake: tests/display/snake.keys plays it to a score of 4" <<'W'
snake: ready
score 1
score 2
score 3
score 4
game over: score 4
W
	same_png "snake: the board at the end of the scripted game is the expected picture" "$T/snake.png" "$EX/snake-end.png"
	run --keys "$HERE/term.keys" --screenshot exit:"$T/term.png" "$G/term.elf"
	expect "term: typed commands run, and exit 3 ends it with status 3" 3 <<'W'
denali term: 80x25, type help
$ echo hi
hi
$ exit 3
W
	same_png "term: the terminal's screen as it exits is the expected picture" "$T/term.png" "$EX/term-exit.png"
else
	bad "the examples" "plasma.elf, snake.elf or term.elf is missing from $G"
fi

# ---- the window's tests --------------------------------------------------------------------------
if [ -f "$HERE/window.sh" ] && [ "${DISPLAY_SKIP:-}" != window ]; then
	timeout 300 sh "$HERE/window.sh" "$B" >"$T/window" 2>&1
	wrc=$?
	wfailed=0
	while IFS= read -r l; do
		case $l in
		"ok "*) ok "window: $(echo "$l" | sed 's/^ok[[:space:]]*[0-9]*[[:space:]]*-\{0,1\}[[:space:]]*//')" ;;
		"not ok "*)
			wfailed=1
			bad "window: $(echo "$l" | sed 's/^not ok[[:space:]]*[0-9]*[[:space:]]*-\{0,1\}[[:space:]]*//')" "see above"
			;;
		"FAIL "*)
			wfailed=1
			bad "window: ${l#FAIL }" "see above"
			;;
		*[0-9]" passed, "[0-9]*" failed"*) ;;
		*) echo "$l" ;;
		esac
	done <"$T/window"
	[ "$wrc" -ne 0 ] && [ "$wfailed" -eq 0 ] && bad "window.sh" "exit status $wrc"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
