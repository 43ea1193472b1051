#!/bin/sh
# gdb.sh - the GDB stub driven by Debian's gdb in batch mode, as a student would drive it:
# break at main and at a source line, step and next, registers, memory (page 0), threads of
# several VMs, a watchpoint that stops at the writing instruction, a guest #PF seen as
# SIGSEGV, malformed packets, a client that goes away mid-run, and continuing to the exit.
#
#   sh tests/debug/gdb.sh BUILD_DIR
#
# One "ok N - NAME" or "not ok N - NAME: WHY" line per check, then "N passed, M failed". Where
# gdb is not installed it says so in one line and passes nothing and fails nothing.
set -u
B=${1:?usage: sh tests/debug/gdb.sh BUILD_DIR}
D=$B/denali
G=$B/guests/g_count.elf
SRC=tests/debug/guests/g_count.c
if ! command -v gdb >/dev/null 2>&1; then
	echo "SKIP: gdb is not installed (Debian: apt-get install gdb)"
	echo "0 passed, 0 failed"
	exit 0
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/denali-gdb.XXXXXX") || exit 2
trap 'kill $pid 2>/dev/null; rm -rf "$T"' EXIT
n=0 passed=0 failed=0 pid=
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1: $2"; }

# A port of our own: 20000 + a hash of the directory name.
port=$((20000 + $(printf '%s' "$T" | cksum | cut -d' ' -f1) % 20000))

# start ARGS...: denali -S on the port, in the background; waits until it listens (seen in
# /proc/net/tcp: connecting to find out would be a client, whose going away lets the VMs run).
listening() {
	hexport=$(printf '%04X' "$port")
	grep -q ":$hexport 00000000:0000 0A" /proc/net/tcp 2>/dev/null
}
start() {
	port=$((port + 1))
	timeout 60 "$D" run -S -gdb "tcp::$port" "$@" >"$T/out" 2>"$T/err" </dev/null &
	pid=$!
	i=0
	while [ $i -lt 200 ] && ! listening; do
		sleep 0.05
		i=$((i + 1))
	done
}
# gdbrun SCRIPT-LINES...: gdb -batch with these commands after connecting; output in $T/gdb.
gdbrun() {
	{
		echo "set pagination off"
		echo "set confirm off"
		echo "target remote :$port"
		for l in "$@"; do echo "$l"; done
	} >"$T/cmds"
	timeout 60 gdb -nx -batch -x "$T/cmds" "$G" >"$T/gdb" 2>&1
	wait $pid 2>/dev/null
	rc=$?
}
has() { grep -q -- "$2" "$T/gdb" && ok "$1" || bad "$1" "no '$2' in: $(tail -n 8 "$T/gdb" | tr '\n' '|')"; }

line=$(grep -n 'counter = counter + 1' "$SRC" | cut -d: -f1)

start "$G"
gdbrun "break main" "continue" "info registers eip" "x/4xb 0" "step" "bt" "next" "next" "continue"
has "break main: the stop is at main's first line" "Breakpoint 1, main"
has "info registers shows eip" "^eip"
has "x/4xb 0 reads page 0's magic, DNLI" "0x44	0x4e	0x4c	0x49"
has "step enters bump" "bump () at"
has "bt shows bump called from main" "in main"
has "next steps over a line, back in main" "main () at\|^22	\|^21	"
has "continue to the end: exited with the guest's status" "exited with code 07"
grep -q "vm 0: counter 3" "$T/out" && ok "the guest's output is all there" || bad "the guest's output is all there" "$(cat "$T/out")"

start "$G"
gdbrun "break $SRC:$line" "continue" "continue" "print counter" "delete" "continue"
has "break at a source line stops there" "$SRC:$line"
has "continue again stops there again, the counter moved on once" '\$1 = 1'

start "$G"
gdbrun "break main" "continue" "watch counter" "continue" "continue"
has "watch counter: the stop is at the instruction that wrote it" "Old value = 0"
has "... with the new value" "New value = 1"
has "... and again for the next write" "New value = 2"

start --vms 3 "$G"
gdbrun "break bump" "continue" "info threads" "thread 3" "info registers eip" "delete" "continue"
has "info threads shows one thread per VM" "Thread 3"
has "thread 3 can be chosen" "Switching to thread 3"

# Switch thread and step one VM: thread 2 moves one instruction, the others stay where they are.
start --vms 3 "$G"
gdbrun "break bump" "continue" "delete" "monitor vms" "thread 2" "stepi" "monitor vms" "continue"
a1=$(grep -m1 '^1 stopped instructions=' "$T/gdb")
b1=$(grep '^1 stopped instructions=' "$T/gdb" | sed -n 2p)
a0=$(grep -m1 '^0 stopped instructions=' "$T/gdb")
b0=$(grep '^0 stopped instructions=' "$T/gdb" | sed -n 2p)
i1=$(echo "$a1" | sed 's/.*instructions=\([0-9]*\).*/\1/')
j1=$(echo "$b1" | sed 's/.*instructions=\([0-9]*\).*/\1/')
if [ -n "$a0" ] && [ "$a0" = "$b0" ] && [ -n "$i1" ] && [ -n "$j1" ] && [ "$j1" -eq $((i1 + 1)) ]; then
	ok "stepi in thread 2 moves VM 1 one instruction and leaves VM 0 where it was"
else
	bad "stepi in thread 2 moves VM 1 one instruction and leaves VM 0 where it was" "vm 0: '$a0' / '$b0', vm 1: '$a1' / '$b1'"
fi

# Ctrl-C while the VMs run: every VM stops and GDB hears SIGINT (T02).
start --args "1 100000 1000" "$B/guests/ticker.elf"
python3 - "$port" >"$T/intr" 2>&1 <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.settimeout(5)
def pkt(p):
    return b"$" + p + b"#" + b"%02x" % (sum(p) & 255)
s.sendall(pkt(b"c"))
time.sleep(0.3)
s.sendall(b"\x03")
data = b""
try:
    while b"#" not in data.split(b"$", 1)[-1] or not data.count(b"$"):
        data += s.recv(64)
except socket.timeout:
    pass
print(data)
s.sendall(b"+" + pkt(b"k"))
s.close()
PY
wait $pid
grep -q 'T02thread:1;' "$T/intr" && ok "Ctrl-C stops the running VMs and is reported as SIGINT" ||
	bad "Ctrl-C stops the running VMs and is reported as SIGINT" "$(cat "$T/intr")"

start --args fault "$G"
gdbrun "continue" "info registers eip" "x/i \$pc" "kill"
has "a guest #PF is reported as SIGSEGV" "SIGSEGV"
has "... at the faulting instruction" "0x44"

# Malformed packets: bad checksums, overlong, truncated, unknown; the stub answers or ignores them
# as GDB expects and the run goes on (then a real gdb still works).
start "$G"
python3 - "$port" >"$T/raw" 2>&1 <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.settimeout(5)
def pkt(p):
    return b"$" + p + b"#" + b"%02x" % (sum(p) & 255)
def ask(raw):
    """Send raw; return what comes back: an ack, then (unless it is "-") one whole packet."""
    s.sendall(raw)
    data = b""
    while True:
        try:
            c = s.recv(1)
        except socket.timeout:
            break
        if not c:
            break
        data += c
        if data == b"-":
            break
        i = data.find(b"#")
        if i >= 0 and len(data) >= i + 3:
            break
    return data
print("bad checksum:", ask(b"$g#00"))
print("unknown:", ask(pkt(b"qDenaliNoSuchThing")))
print("malformed m:", ask(pkt(b"mzz,4")))
print("overlong:", ask(pkt(b"x" * 20000)))
s.sendall(b"$g#")  # truncated, then the connection goes away
s.close()
PY
sleep 0.3
if grep -q "bad checksum: b'-'" "$T/raw" && grep -q "unknown: b'+\$#00'" "$T/raw" && grep -q "malformed m: b'+\$E01#a6'" "$T/raw"; then
	ok "a bad checksum is answered -, an unknown packet with an empty reply, a malformed one E01"
else
	bad "a bad checksum is answered -, an unknown packet with an empty reply, a malformed one E01" "$(tr '\n' '|' <"$T/raw")"
fi
grep -q "overlong: b'+\$E01" "$T/raw" && ok "an overlong packet is refused with E01" || bad "an overlong packet is refused with E01" "$(tr '\n' '|' <"$T/raw")"
wait $pid
rc=$?
if [ "$rc" -eq 7 ] && grep -q "vm 0: counter 3" "$T/out"; then
	ok "a client that goes away mid-run leaves the run going to its end"
else
	bad "a client that goes away mid-run leaves the run going to its end" "exit $rc: $(cat "$T/err")"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
