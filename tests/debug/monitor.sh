#!/bin/sh
# monitor.sh - the monitor (--monitor stdio | unix:PATH, denali_arch/monitor.c): every command's
# exact reply under the deterministic clock, pause/step/resume, x on page 0 and out of range, a
# line raised by hand and seen by a guest, a fault held for inspection, quit (exit 130), a Unix
# socket client that disconnects mid-run, a paused run that waits without spinning, malformed
# lines, and the option's errors.
#
#   sh tests/debug/monitor.sh BUILD_DIR
#
# Scripts are files on stdin, read at the first quantum boundary, before the guest has run;
# those that must come later (a VM idle or held first) come through a pipe after a pause. One
# "ok N - NAME" or "not ok N - NAME: WHY" line per check, then "N passed, M failed"; the exit
# status is non-zero on any failure. Every run is bounded by timeout.
set -u

B=${1:?usage: sh tests/debug/monitor.sh BUILD_DIR}
D=${DEBUG_DENALI:-$B/denali}
G=$B/guests
HERE=$(dirname "$0")
for f in "$D" "$G/hello.elf" "$G/ticker.elf" "$G/m_irq.elf" "$G/m_fault.elf"; do
	[ -e "$f" ] || { echo "monitor.sh: $f is missing (make $D guests first)" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "monitor.sh: python3 is needed" >&2; exit 2; }

T=$(mktemp -d "${TMPDIR:-/tmp}/denali-monitor.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

n=0
passed=0
failed=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1: $2"; }

# mon SCRIPT ARGS...: denali run --monitor stdio ARGS with SCRIPT on stdin; $rc, $T/out, $T/err.
mon() {
	script=$1
	shift
	timeout 20 "$D" run --monitor stdio "$@" <"$script" >"$T/out" 2>"$T/err"
	rc=$?
}
# want NAME STATUS: the run's status is STATUS and its stdout is exactly $T/want.
want() {
	if [ "$rc" -ne "$2" ]; then
		notok "$1" "exit status $rc, want $2 ($(head -n 1 "$T/err"))"
	elif ! cmp -s "$T/out" "$T/want"; then
		notok "$1" "stdout differs: $(diff "$T/want" "$T/out" | head -n 6 | tr '\n' '|')"
	else
		ok "$1"
	fi
}
has_err() { grep -qF "$1" "$T/err"; }

# ---- every command's reply, at the first boundary of hello.elf -----------------------------
printf 'help\nvms\nregs 0\nx 0 0 4\nx 0 0x1000 8\nx 0 0xfffffff0 32\ndisas 0 eip 3\nstats\n' >"$T/s"
mon "$T/s" "$G/hello.elf"
cat >"$T/want" <<'X'
11 commands
vms [FIRST]          every VM (64 from FIRST): state, instructions, lines
regs N               EIP, EFLAGS and the eight registers of vm N
x N ADDR LEN         LEN (at most 256) bytes of vm N's memory, in hex
disas N ADDR [COUNT] disassemble COUNT (at most 32) instructions
step N [COUNT]       run stopped vm N for COUNT instructions; it stays stopped
pause [N]            stop vm N (every vm)
resume [N]           continue vm N (every vm); a held fault ends its vm
irq N LINE           raise line LINE (0-6) of vm N
stats                the run's counters
quit                 end the run as on SIGINT (exit status 130)
help                 this list
.
1 vms
0 runnable instructions=0 pending=0x00 mask=0x00 idle_deadline=-
.
eip=0x00001000 eflags=0x00000002 eax=0x494c4e44 ecx=0x00000000 edx=0x00000000 ebx=0x00000000 esp=0x01000000 ebp=0x00000000 esi=0x00000000 edi=0x00000000
0x00000000 44 4e 4c 49
0x00001000 a3 20 50 00 00 89 0d 24
error: 0xfffffff0+32 is outside vm 0's memory (0x1000000 bytes)
3 instructions
0x00001000  a3 20 50 00 00           mov [0x00005020], eax
0x00001005  89 0d 24 50 00 00        mov [0x00005024], ecx
0x0000100b  89 15 28 50 00 00        mov [0x00005028], edx
.
vms created=1 active=1 idle=0 stopped=0 done=0 instructions=0 time_ns=0 quanta=0 switches=0 upcalls=0
Hello from Denali VM 0!
X
want "help, vms, regs, x (page 0's DNLI, code, out of range), disas, stats" 0

# ---- pause, step, resume ------------------------------------------------------------------
printf 'step 0\npause\nstep 0\nstep 0 3\nregs 0\nvms\nresume 0\nresume\nstats\n' >"$T/s"
mon "$T/s" "$G/hello.elf"
cat >"$T/want" <<'X'
error: vm 0 is runnable, not stopped (pause 0 first)
1 vms paused
stepped 1 eip=0x00001005 89 0d 24 50 00 00        mov [0x00005024], ecx
stepped 3 eip=0x00001017 89 25 30 50 00 00        mov [0x00005030], esp
eip=0x00001017 eflags=0x00000002 eax=0x494c4e44 ecx=0x00000000 edx=0x00000000 ebx=0x00000000 esp=0x01000000 ebp=0x00000000 esi=0x00000000 edi=0x00000000
1 vms
0 stopped instructions=4 pending=0x00 mask=0x00 idle_deadline=-
.
vm 0 resumed
0 vms resumed, 0 ended on their faults
vms created=1 active=1 idle=0 stopped=0 done=0 instructions=4 time_ns=4 quanta=0 switches=0 upcalls=0
Hello from Denali VM 0!
X
want "step refused while running; pause, step 1 and 3, regs, vms, resume" 0

# A step that reaches the end: TERMINATE inside the step ends the VM, and so the run.
printf 'pause\nstep 0 100000\n' >"$T/s"
mon "$T/s" "$G/hello.elf"
if [ "$rc" -eq 0 ] && grep -q '^terminated after [0-9]* status 0$' "$T/out" && grep -q '^Hello from Denali VM 0!$' "$T/out"; then
	ok "step through TERMINATE: terminated after N status 0, the run ends"
else
	notok "step through TERMINATE" "status $rc: $(tr '\n' '|' <"$T/out")"
fi

# ---- irq: a line raised by hand ---------------------------------------------------------------
# Before the guest unmasked it: pending, delivered once the guest unmasks and enables.
printf 'irq 0 4\n' >"$T/s"
mon "$T/s" "$G/m_irq.elf"
printf 'vm 0 line 4 raised pending=0x10 mask=0x00\nwaiting for line 4\nline 4 upcalls 1\n' >"$T/want"
want "irq before the guest unmasks: pending, delivered at its next delivery point" 0
# While the guest idles for ever: the kernel waits for the monitor, the line wakes the VM.
(sleep 0.5; printf 'vms\nirq 0 4\n') | timeout 20 "$D" run --monitor stdio "$G/m_irq.elf" >"$T/out" 2>"$T/err"
rc=$?
cat >"$T/want" <<'X'
waiting for line 4
1 vms
0 idle instructions=436 pending=0x00 mask=0x10 idle_deadline=never
.
vm 0 line 4 raised pending=0x10 mask=0x10
line 4 upcalls 1
X
want "irq wakes an idle VM (IDLE for ever), the upcall carries the line" 0

# ---- a fault held for the monitor --------------------------------------------------------------
(sleep 0.5; printf 'vms\nregs 0\nstep 0\nresume 0\n') | timeout 20 "$D" run --monitor stdio "$G/m_fault.elf" >"$T/out" 2>"$T/err"
rc=$?
cat >"$T/want" <<'X'
before
1 vms
0 held instructions=204 pending=0x00 mask=0x00 idle_deadline=-
.
eip=0x00001065 eflags=0x00000002 eax=0x00000007 ecx=0x00000000 edx=0xffffd000 ebx=0x00000001 esp=0x00ffffc0 ebp=0x00ffffd8 esi=0x00000000 edi=0x00000000
fault after 0 vector 14 (#PF page fault) eip=0x00001065 a1 f0 ff ff ff           mov eax, [0xFFFFFFF0] held
vm 0 ended on its fault (status 142)
X
want "a fault without a handler is held; step faults again; resume ends it (142)" 142
if has_err "denali: vm 0 held on vector 14 (#PF page fault) at eip=0x00001065" && has_err "not delivered"; then
	ok "held: one line on stderr, then the usual diagnostic when it ends"
else
	notok "held: stderr" "$(tr '\n' '|' <"$T/err")"
fi
# With the monitor's input at its end nobody can decide: the VM ends as without the hold.
mon /dev/null "$G/m_fault.elf"
printf 'before\n' >"$T/want"
want "held with stdin at its end: ends as without the hold" 142

# ---- quit ------------------------------------------------------------------------------------
printf 'pause\nstep 0 2\nquit\nstats\n' >"$T/s"
mon "$T/s" "$G/ticker.elf"
printf '1 vms paused\nstepped 2 eip=0x0000100b 89 15 e8 90 00 00        mov [0x000090E8], edx\nbye\n' >"$T/want"
want "quit: bye, flushed, nothing read after it, exit 130" 130
if has_err "denali: interrupted (signal 2) after 2 instructions"; then
	ok "quit ends the run as SIGINT does"
else
	notok "quit: stderr" "$(tr '\n' '|' <"$T/err")"
fi

# ---- malformed lines ---------------------------------------------------------------------------
python3 -c '
import sys
w = sys.stdout.buffer.write
w(b"pause\n\n   \n" + b"a" * 5000 + b"\n\x01\x02\xff junk\nregs\x000\nstats\r\n")
w(b"x 0 0x1000 0\nx zz 0 4\npause 9\nirq 0 7\nvms 0 1\ndisas 0 0 1\nx 0 0xffffff00 256\n")
w(b"step 0 0\nregs -1\nregs 0x\nregs 99999999999999999999999\nREGS 0\nresume\nstats")
' >"$T/s"
mon "$T/s" "$G/hello.elf"
cat >"$T/want" <<'X'
1 vms paused
error: an empty line (help lists the commands)
error: an empty line (help lists the commands)
error: the line is longer than 4096 bytes
error: the line holds bytes that are not text
error: the line holds bytes that are not text
vms created=1 active=1 idle=0 stopped=1 done=0 instructions=0 time_ns=0 quanta=0 switches=0 upcalls=0
error: '0' is not a length from 1 to 256
error: 'zz' is not a vm number
error: no vm 9: the run has 1
error: '7' is not a line from 0 to 6
error: usage: vms [FIRST]
error: 0x00000000 is not readable code of vm 0 (page 0, or outside its 0x1000000 bytes)
error: 0xffffff00+256 is outside vm 0's memory (0x1000000 bytes)
error: '0' is not a count from 1 to 100000000
error: '-1' is not a vm number
error: '0x' is not a vm number
error: '99999999999999999999999' is not a vm number
error: unknown command 'REGS' (help lists the commands)
1 vms resumed, 0 ended on their faults
vms created=1 active=1 idle=0 stopped=0 done=0 instructions=0 time_ns=0 quanta=0 switches=0 upcalls=0
Hello from Denali VM 0!
X
want "malformed lines (empty, 5000 bytes, binary, NUL, CRLF, bad numbers): one error line each" 0

# ---- a paused run waits in poll ----------------------------------------------------------------
python3 "$HERE/client.py" idle "$D" --args "10 1000000 1000" "$G/ticker.elf" >"$T/out" 2>"$T/err"
rc=$?
printf '1 vms paused\npaused cpu under 0.2 s\nbye\nstatus 130\n' >"$T/want"
want "a paused run (a periodic timer, virtual clock) waits for the monitor without spinning" 0

# ---- the Unix socket ---------------------------------------------------------------------------
S=$T/mon.sock
timeout 20 "$D" run --monitor "unix:$S" --clock host --args "10 30 50000" "$G/ticker.elf" >"$T/run" 2>"$T/runerr" &
pid=$!
printf 'vms\nsecond\nstats\nbogus\n' | timeout 10 python3 "$HERE/client.py" sock "$S" >"$T/c1" 2>&1
printf 'help\n' | timeout 10 python3 "$HERE/client.py" sock "$S" >"$T/c2" 2>&1
wait "$pid"
rc=$?
if [ "$rc" -eq 0 ] && grep -q '^vm 0: tick 30 at' "$T/run" && [ ! -e "$S" ]; then
	ok "unix socket: the run goes on to its end after its clients disconnect; the socket is removed"
else
	notok "unix socket run" "status $rc, $(tail -n 1 "$T/run") $(head -n 1 "$T/runerr")"
fi
if [ "$(sed -n 1p "$T/c1")" = "1 vms" ] && grep -q '^0 \(runnable\|idle\) instructions=' "$T/c1" &&
	grep -qx "error: unknown command 'second' (help lists the commands)" "$T/c1" &&
	grep -qx 'second client: error: the monitor has a client already' "$T/c1" &&
	grep -q '^vms created=1 active=1 ' "$T/c1" &&
	grep -qx "error: unknown command 'bogus' (help lists the commands)" "$T/c1"; then
	ok "unix socket: replies; a second client is refused with one line"
else
	notok "unix socket replies" "$(tr '\n' '|' <"$T/c1")"
fi
if [ "$(sed -n 1p "$T/c2")" = "11 commands" ] && [ "$(tail -n 1 "$T/c2")" = "." ]; then
	ok "unix socket: a client after the first one is served"
else
	notok "unix socket reconnect" "$(tr '\n' '|' <"$T/c2")"
fi

# ---- the option --------------------------------------------------------------------------------
opt() { # NAME WANT-LINE ARGS...: exit 2 and stderr's first line exactly WANT-LINE
	name=$1
	line=$2
	shift 2
	timeout 10 "$D" run "$@" </dev/null >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq 2 ] && [ "$(head -n 1 "$T/err")" = "$line" ]; then
		ok "$name"
	else
		notok "$name" "status $rc: $(head -n 1 "$T/err")"
	fi
}
opt "--monitor bogus" "denali: --monitor: 'bogus' is not a monitor (stdio, or unix:PATH)" --monitor bogus "$G/hello.elf"
opt "--monitor unix: without a path" "denali: --monitor: unix: needs the socket's path (unix:PATH)" --monitor unix: "$G/hello.elf"
opt "--monitor stdio with --console-in" "denali: console_in and monitor stdio: stdin is the monitor's (use --monitor unix:PATH)" \
	--monitor stdio --console-in 0 "$G/hello.elf"
opt "--monitor with --record" "denali: monitor and record: the monitor's commands are not recorded, so such a run could not be replayed" \
	--monitor stdio --record "$T/rec" "$G/hello.elf"
: >"$T/file"
opt "--monitor unix: on a file that is not a socket" "denali: --monitor unix:$T/file: the path exists and is not a socket" \
	--monitor "unix:$T/file" "$G/hello.elf"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
