# device.sh - the NIC's guest-visible contract (DVA-1 section 7, port 0xD100), one check per
# behaviour, each against the exact output of a tests/net/guests/n_dev_*.c guest and, where the
# switch counts something, the exact counters in vms.csv. Sourced by tests/net/run.sh, which
# sets rc, T and G and defines run, ok, bad and why.
# shellcheck shell=sh disable=SC2154

# dev_run NVMS GUEST [ARGS...]: run GUEST on NVMS VMs with --stats $T/st (the rest of run's).
dev_run() {
	dev_n=$1 dev_g=$2
	shift 2
	rm -rf "$T/st"
	run --vms "$dev_n" --console prefix --stats "$T/st" "$@" "$G/n_dev_$dev_g.elf"
}
# dev_out VM: what VM printed, without its "[vm N] " prefix.
dev_out() { sed -n "s/^\[vm $1\] //p" "$T/out"; }
# dev_csv VM COLUMN: VM's value of COLUMN in vms.csv (empty when either is missing).
dev_csv() {
	awk -F, -v id="$1" -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
		$1 == id && c { print $c }' "$T/st/vms.csv" 2>/dev/null
}
# dev_expect NAME VM <<want: VM printed exactly want, and the run ended with status 0.
dev_expect() {
	cat >"$T/want"
	dev_out "$2" >"$T/got"
	if [ "$rc" -ne 0 ]; then
		bad "$1" "$(why)"
	elif cmp -s "$T/want" "$T/got"; then
		ok "$1"
	else
		bad "$1" "vm $2 printed: $(diff "$T/want" "$T/got" | grep '^[<>]' | head -n 6 | tr '\n' '|')"
	fi
}
# dev_counts NAME VM COLUMN=VALUE...: VM's vms.csv counters are exactly these.
dev_counts() {
	dev_name=$1 dev_vm=$2 dev_bad=
	shift 2
	for kv in "$@"; do
		got=$(dev_csv "$dev_vm" "${kv%%=*}")
		[ "$got" = "${kv#*=}" ] || dev_bad="$dev_bad ${kv%%=*}=${got:-missing} (want ${kv#*=})"
	done
	if [ -z "$dev_bad" ]; then ok "$dev_name"; else bad "$dev_name" "vm $dev_vm:$dev_bad"; fi
}
NET0="net_tx_frames=0 net_tx_bytes=0 net_rx_frames=0 net_rx_bytes=0"
DROPS0="net_drops_rx_full=0 net_drops_spoofed=0 net_drops_unknown=0 net_drops_not_up=0"

# ---- SEND, and the frame at the other end ----------------------------------------------------
dev_run 2 send
dev_expect "send: status 0, block's op/addr/len/arg/result as set" 0 <<'W'
send 14: status 0 op 1 addr kept 1 len 14 arg 0xa1a1a1a1 result 0xa2a2a2a2
send 100: status 0 op 1 addr kept 1 len 100 arg 0xa1a1a1a1 result 0xa2a2a2a2
send 1514: status 0 op 1 addr kept 1 len 1514 arg 0xa1a1a1a1 result 0xa2a2a2a2
W
dev_expect "send: 14, 100 and 1514-byte frames arrive byte for byte, line 2 woke the receiver" 1 <<'W'
up: status 2
idle 0, line 2 pending 1
recv: status 0 result 14 arg 14 differ 0 past 0
recv: status 0 result 100 arg 100 differ 0 past 0
recv: status 0 result 1514 arg 1514 differ 0 past 0
then: status 2
W
# shellcheck disable=SC2086 # word lists of counters
dev_counts "send: vms.csv counts the frames on both sides" 0 net_tx_frames=3 net_tx_bytes=1628 net_rx_frames=0 $DROPS0
# shellcheck disable=SC2086
dev_counts "send: vms.csv counts the frames received" 1 net_tx_frames=0 net_rx_frames=3 net_rx_bytes=1628 $DROPS0

# ---- bad blocks ------------------------------------------------------------------------------
dev_run 2 bad
dev_expect "bad: status 3 for every bad block, block and target untouched, the frame still waits" 0 <<'W'
up: status 2
line 2: 1
send of 13 bytes: status 3, block kept 1
send of 1515 bytes: status 3, block kept 1
send of 0 bytes: status 3, block kept 1
op 0: status 3, block kept 1
op 3: status 3, block kept 1
op 0xffffffff: status 3, block kept 1
send crossing mem_size: status 3, block kept 1
send at mem_size: status 3, block kept 1
send wrapping past 4 GiB: status 3, block kept 1
recv into read-only text: status 3, block kept 1, target kept 1
recv into the first text page: status 3, block kept 1, target kept 1
recv into page 0: status 3, block kept 1, target kept 1
recv crossing mem_size: status 3, block kept 1
recv at mem_size: status 3, block kept 1
recv wrapping past 4 GiB: status 3, block kept 1
recv: status 0 result 60 arg 60 differ 0
then: status 2
W
dev_expect "bad: no bad SEND reaches the other VM" 1 <<'W'
up: status 2
send: status 0
line 2 in 20 ms: 0
recv: status 2
W
# shellcheck disable=SC2086
dev_counts "bad: a bad SEND is neither carried nor dropped by the switch" 0 net_tx_frames=0 net_tx_bytes=0 net_rx_frames=1 net_rx_bytes=60 $DROPS0

# ---- blocks the NIC cannot use: #GP(0) and #PF -----------------------------------------------
# On the bare machine the emulator ends the VM with 128 + vector and says why on stderr.
for m in mis1 mis2 mis3; do
	dev_run 1 fault --args "$m"
	if [ "$rc" -eq 141 ] && [ "$(dev_out 0 | tr '\n' '|')" = "up: status 2|out|" ] &&
		grep -q '^denali: vm 0: #GP general protection (vector 13) at eip 0x[0-9a-f]*, error code 0, ' "$T/err" &&
		grep -q 'out dx, eax' "$T/err"; then
		ok "fault: a block misaligned ($m) is #GP(0): exit 141, diagnostic names the OUT"
	else
		bad "fault: a block misaligned ($m) is #GP(0): exit 141, diagnostic names the OUT" "$(why)"
	fi
done
for m in "past:0x01000000, error code 0x6" "ro:0x0000[0-9a-f]*, error code 0x7" "page0:0x00000200, error code 0x7"; do
	dev_run 1 fault --args "${m%%:*}"
	if [ "$rc" -eq 142 ] && [ "$(dev_out 0 | tr '\n' '|')" = "up: status 2|out|" ] &&
		grep -q "^denali: vm 0: #PF page fault (vector 14) at eip 0x[0-9a-f]*, address ${m#*:}, " "$T/err" &&
		grep -q 'out dx, eax' "$T/err"; then
		ok "fault: a block ${m%%:*} is #PF as a 24-byte write: exit 142, address and error code"
	else
		bad "fault: a block ${m%%:*} is #PF as a 24-byte write: exit 142, address and error code" "$(why)"
	fi
done
# With handlers: exact vector, error code, fault_addr; the OUT did nothing.
dev_run 1 trap
dev_expect "trap: #GP(0) for a misaligned block, #PF with the 24-byte write's address and error" 0 <<'W'
misaligned by 1: traps 1 vector 13 error 0 at out 1 fault_addr kept 1 block kept 1
misaligned by 2: traps 1 vector 13 error 0 at out 1 fault_addr kept 1 block kept 1
misaligned by 3: traps 1 vector 13 error 0 at out 1 fault_addr kept 1 block kept 1
crossing mem_size: traps 1 vector 14 error 6 at out 1 fault_addr-block 8
at mem_size: traps 1 vector 14 error 6 at out 1 fault_addr-block 0
far past mem_size: traps 1 vector 14 error 6 at out 1 fault_addr-block 0
in read-only text: traps 1 vector 14 error 7 at out 1 fault_addr-block 0
in page 0: traps 1 vector 14 error 7 at out 1 fault_addr-block 0
on page 0's writable fields: traps 1 vector 14 error 7 at out 1 fault_addr-block 12
good send: status 0
W
dev_counts "trap: a faulting OUT sends nothing (only the good SEND is carried)" 0 net_tx_frames=1 net_tx_bytes=60

# ---- status 1 --------------------------------------------------------------------------------
dev_run 2 status1
dev_expect "status1: a status 1 left in the block is always overwritten (0, 2 or 3)" 0 <<'W'
recv, nothing waiting: 2
send: 0
send of 13 bytes: 3
op 7: 3
recv past mem_size: 3
line 2: 1
recv: 0, 60 bytes
sends done 32, then 2
W

# ---- RECV with nothing waiting ---------------------------------------------------------------
dev_run 1 empty
dev_expect "empty: RECV with nothing waiting is 2, buffer, arg and result untouched" 0 <<'W'
recv 1514: status 2 arg 0xa1a1a1a1 result 0xa2a2a2a2 changed 0
recv 60: status 2 arg 0xa1a1a1a1 result 0xa2a2a2a2 changed 0
recv 0: status 2 arg 0xa1a1a1a1 result 0xa2a2a2a2 changed 0
line 2 in 1 ms: 0
idle: 1
recv 1514: status 2 arg 0xa1a1a1a1 result 0xa2a2a2a2 changed 0
W
# shellcheck disable=SC2086
dev_counts "empty: nothing counted" 0 $NET0 $DROPS0

# ---- truncation ------------------------------------------------------------------------------
dev_run 2 trunc
dev_expect "trunc: a short RECV copies len bytes, result len, arg the frame's length, and consumes it" 0 <<'W'
up: status 2
line 2: 1
recv into 50: status 0 result 50 arg 200 differ 0 past 0
recv into 1514: status 0 result 100 arg 100 differ 0 past 0
recv into 0: status 0 result 0 arg 60 differ 0 past 0
recv into 80: status 0 result 80 arg 80 differ 0 past 0
then: status 2
W
dev_counts "trunc: rx_bytes counts whole frames, cut or not" 0 net_rx_frames=4 net_rx_bytes=440

# ---- a full transmit queue -------------------------------------------------------------------
dev_run 1 txfull
dev_expect "txfull: NET_TXQ SENDs, then 2; line 3 once the switch drained; SEND works again" 0 <<'W'
sends done 32, then status 2
line 3 pending before the switch ran: 0
one more send: status 2
idle 0, line 3 1
send after line 3: status 0
idle 1, line 3 0
W
dev_counts "txfull: the switch carried the 33 frames that got status 0" 0 net_tx_frames=33 net_tx_bytes=1980

# ---- receive-queue overflow ------------------------------------------------------------------
dev_run 2 rxfull
dev_expect "rxfull: the sender got all 40 out (status 2 once, waited for line 3)" 0 <<'W'
sent 40, status 2 1 times
W
dev_expect "rxfull: line 2 rose on arrival; the receiver holds exactly the first 32, in order" 1 <<'W'
up: status 2
line 2 pending before: 0
idle 0, line 2 1
received 32, in order 32, then status 2
W
dev_counts "rxfull: net_drops_rx_full counts the 8 that found the ring full" 1 net_rx_frames=32 net_rx_bytes=2048 net_drops_rx_full=8
dev_counts "rxfull: the sender carried 40" 0 net_tx_frames=40 net_drops_rx_full=0

# ---- spoofed source MACs ---------------------------------------------------------------------
dev_run 2 spoof
dev_expect "spoof: only the frames with the sender's own source MAC arrive" 1 <<'W'
up: status 2
line 2: 1
frame from 0 seq 4 len 64 arg 64 differ 0
frame from 0 seq 5 len 65 arg 65 differ 0
then: status 2 after 2 frames
W
dev_expect "spoof: SEND is 0 for each (the switch drops them later); nothing comes back" 0 <<'W'
send seq 1: status 0
send seq 2: status 0
send seq 3: status 0
send seq 4: status 0
send seq 5: status 0
send seq 6: status 0
line 2 in 5 ms: 0
W
dev_counts "spoof: net_drops_spoofed counts the 4 on the sender" 0 net_drops_spoofed=4 net_tx_frames=2 net_tx_bytes=129
dev_counts "spoof: nothing counted on the VM posed as" 1 net_drops_spoofed=0 net_tx_frames=0 net_rx_frames=2

# ---- unknown unicast, and one's own MAC ------------------------------------------------------
dev_run 2 unknown
dev_expect "unknown: a frame to one's own MAC is not looped back" 0 <<'W'
up: status 2
send seq 1: status 0
send seq 2: status 0
send seq 3: status 0
line 2 in 5 ms: 0
then: status 2 after 0 frames
W
dev_expect "unknown: the other VM gets only the frame addressed to it" 1 <<'W'
up: status 2
line 2: 1
frame from 0 seq 3 len 63 arg 63 differ 0
then: status 2 after 1 frames
W
dev_counts "unknown: net_drops_unknown counts the unknown unicast (only)" 0 net_drops_unknown=1 net_rx_frames=0
dev_counts "unknown: the receiver counts no drop" 1 net_drops_unknown=0 net_rx_frames=1

# ---- unicast privacy -------------------------------------------------------------------------
dev_run 4 unicast
for v in 0 1 2 3; do
	dev_mac=$(printf '02:44:4e:00:00:%02x' "$v")
	dev_got=$(dev_out "$v" | head -n 1)
	if [ "$dev_got" = "mac $dev_mac" ]; then
		ok "unicast: vm $v's page-0 mac is $dev_mac"
	else
		bad "unicast: vm $v's page-0 mac is $dev_mac" "$dev_got"
	fi
done
dev_expect "unicast: VM 1 gets VM 0's two frames" 1 <<'W'
mac 02:44:4e:00:00:01
up: status 2
line 2 in 5 ms: 1
frame from 0 seq 1 len 100 arg 100 differ 0
frame from 0 seq 2 len 200 arg 200 differ 0
then: status 2 after 2 frames
W
dev_expect "unicast: VM 0 gets VM 2's frame" 0 <<'W'
mac 02:44:4e:00:00:00
up: status 2
send seq 1: status 0
send seq 2: status 0
line 2 in 5 ms: 1
frame from 2 seq 3 len 300 arg 300 differ 0
then: status 2 after 1 frames
W
dev_expect "unicast: VM 2 (a sender) sees none of VM 0's unicast to VM 1" 2 <<'W'
mac 02:44:4e:00:00:02
up: status 2
send seq 3: status 0
line 2 in 5 ms: 0
then: status 2 after 0 frames
W
dev_expect "unicast: VM 3 sees no one's unicast" 3 <<'W'
mac 02:44:4e:00:00:03
up: status 2
line 2 in 5 ms: 0
then: status 2 after 0 frames
W
# shellcheck disable=SC2086
dev_counts "unicast: VM 3 counts nothing" 3 $NET0 $DROPS0

# ---- broadcast and multicast -----------------------------------------------------------------
dev_run 4 group
for v in 1 3; do
	dev_expect "group: VM $v gets the broadcast and both multicasts, in order" "$v" <<'W'
up: status 2
line 2 in 5 ms: 1
frame from 0 seq 1 len 60 arg 60 differ 0
frame from 0 seq 2 len 70 arg 70 differ 0
frame from 0 seq 3 len 80 arg 80 differ 0
then: status 2 after 3 frames
W
done
dev_expect "group: VM 2 gets them and its unicast after them" 2 <<'W'
up: status 2
line 2 in 5 ms: 1
frame from 0 seq 1 len 60 arg 60 differ 0
frame from 0 seq 2 len 70 arg 70 differ 0
frame from 0 seq 3 len 80 arg 80 differ 0
frame from 0 seq 4 len 90 arg 90 differ 0
then: status 2 after 4 frames
W
dev_expect "group: the sender gets none of its own group frames" 0 <<'W'
up: status 2
send seq 1: status 0
send seq 2: status 0
send seq 3: status 0
send seq 4: status 0
line 2 in 5 ms: 0
then: status 2 after 0 frames
W
dev_counts "group: a group frame counts once on its sender" 0 net_tx_frames=4 net_tx_bytes=300 net_rx_frames=0
dev_counts "group: VM 3's receive counters" 3 net_rx_frames=3 net_rx_bytes=210

# ---- no NIC ----------------------------------------------------------------------------------
dev_run 1 nonic -o main.devices=console,timer
dev_expect "nonic: devices = console,timer: devices 0x3, OUT to 0xD100 is #GP(0)" 0 <<'W'
devices 0x3
recv: #GP 1 error 0 fault_vector 13 at out 1, status 0xeeeeeeee
W
dev_run 1 nonic
dev_expect "nonic: by default devices 0x6f (the NIC's lines 2 and 3 among them) and the NIC answers" 0 <<'W'
devices 0x6f
recv: status 2
W

# ---- --irq-mode sync and batched ---------------------------------------------------------------
NETCOLS="net_tx_frames net_tx_bytes net_rx_frames net_rx_bytes net_drops_rx_full net_drops_spoofed net_drops_unknown net_drops_not_up"
for mode in batched sync; do
	dev_run 3 irqmode --irq-mode "$mode"
	dev_expect "irqmode $mode: every ping answered through line-2 upcalls" 0 <<'W'
up: status 2
ping 1: status 0, answer 101 from 1
ping 2: status 0, answer 102 from 1
ping 3: status 0, answer 103 from 1
ping 4: status 0, answer 104 from 1
ping 5: status 0, answer 105 from 1
ping 6: status 0, answer 106 from 1
ping 7: status 0, answer 107 from 1
ping 8: status 0, answer 108 from 1
line 2 upcalls 8
W
	for v in 0 1 2; do dev_out "$v" >"$T/$mode.$v"; done
	for v in 0 1; do for c in $NETCOLS; do printf '%s=%s ' "$c" "$(dev_csv "$v" "$c")"; done; done >"$T/$mode.csv"
	if grep -q "\"irq_mode\": \"$mode\"" "$T/st/summary.json"; then ok "irqmode $mode: the run used it"; else bad "irqmode $mode: the run used it" "$(grep irq_mode "$T/st/summary.json")"; fi
done
if cmp -s "$T/batched.0" "$T/sync.0" && cmp -s "$T/batched.1" "$T/sync.1" && cmp -s "$T/batched.2" "$T/sync.2"; then
	ok "irqmode: each VM prints the same under sync and batched"
else
	bad "irqmode: each VM prints the same under sync and batched" "$(diff "$T/batched.1" "$T/sync.1" | head -n 4 | tr '\n' '|')"
fi
if cmp -s "$T/batched.csv" "$T/sync.csv" && grep -q 'net_tx_frames=8 .*net_rx_frames=8 ' "$T/sync.csv"; then
	ok "irqmode: the same network counters under both (8 frames each way)"
else
	bad "irqmode: the same network counters under both (8 frames each way)" "$(cat "$T/sync.csv")"
fi
