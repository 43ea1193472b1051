# tcp.sh - guestos's TCP (guestos/net/tcp*.c): the socket calls and the state machine through
# loopback (n_tcp_basic), a blocking recv that idles, and transfers between VMs checked with
# FNV-1a (n_tcp_bulk): one connection each way, 64 connections to one server, a backlog of
# several clients, transfers through the switch's loss, duplication and reordering (2 MB, and
# 10 MB on a seed that stalled before the fix of bare ACKs' sequence numbers), and a hostile
# neighbour sending malformed TCP beside a real client (n_tcp_hostile).
# The guests print "ok NAME" per check; a case passes when the run exits 0 with exactly the
# expected number of ok lines and no FAIL.

# tcp_checks NAME COUNT: the run just made passed all of its COUNT checks.
tcp_checks() {
	n=$(grep -c 'ok [a-z]' "$T/out")
	if [ "$rc" -eq 0 ] && [ "$n" -eq "$2" ] && ! grep -q FAIL "$T/out"; then
		ok "$1"
	else
		bad "$1" "$n of $2 checks; $(grep FAIL "$T/out" | head -n 3 | tr '\n' '|') $(why)"
	fi
}
# tcp_counter VM NAME: VM's printed counter NAME (0 when it was not printed).
tcp_counter() {
	v=$(sed -n "s/^\[vm $1\] net: $2 //p" "$T/out")
	echo "${v:-0}"
}

run $G/n_tcp_basic.elf
tcp_checks tcp.loopback_api_and_states 45

run --stats "$T/idle" --args idle $G/n_tcp_basic.elf
tcp_checks tcp.blocking_recv_idles 3
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	{ exit !($col["idle_ns"] >= 490000000) }' "$T/idle/vms.csv" && ok tcp.idle_in_vms_csv ||
	bad tcp.idle_in_vms_csv "$(tr '\n' '|' <"$T/idle/vms.csv")"

# 1 MB each way between two VMs (10 MB takes about 1.8 s of host time plain: see
# docs/network.md), then the same run again: the emulator is deterministic.
run --vms 2 --console prefix --args "bulk 1000000 1 2" $G/n_tcp_bulk.elf
tcp_checks tcp.transfer_1mb_each_way 5
cp "$T/out" "$T/bulk1"
run --vms 2 --console prefix --args "bulk 1000000 1 2" $G/n_tcp_bulk.elf
cmp -s "$T/out" "$T/bulk1" && ok tcp.transfer_deterministic || bad tcp.transfer_deterministic "runs differ"
[ "$(tcp_counter 0 tcp_rexmits)" -eq 0 ] && ok tcp.no_rexmits_without_faults ||
	bad tcp.no_rexmits_without_faults "$(tcp_counter 0 tcp_rexmits) retransmissions"

run --vms 2 --console prefix --args "bulk 20000 64 2" $G/n_tcp_bulk.elf
tcp_checks tcp.64_connections_to_one_server 5
[ "$(tcp_counter 0 tcp_accepted)" -eq 64 ] && ok tcp.64_accepted_counted ||
	bad tcp.64_accepted_counted "$(tcp_counter 0 tcp_accepted)"

run --vms 5 --console prefix --args "bulk 100000 2 5" $G/n_tcp_bulk.elf
tcp_checks tcp.backlog_four_clients_two_each 11

# Through 5 % loss, 1 % duplication and 1 % reordering: intact, with retransmissions, fast
# retransmits and timeouts counted on both sides.
run --vms 2 --console prefix --net-loss 0.05 --net-dup 0.01 --net-reorder 0.01 \
	--args "bulk 2000000 1 2" $G/n_tcp_bulk.elf
tcp_checks tcp.transfer_through_loss_dup_reorder 5
for v in 0 1; do
	r=$(tcp_counter $v tcp_rexmits) f=$(tcp_counter $v tcp_fast_rexmits) t=$(tcp_counter $v tcp_timeouts)
	[ "$r" -gt 0 ] && [ "$f" -gt 0 ] && [ "$t" -gt 0 ] && [ "$r" -ge "$f" ] && ok tcp.vm${v}_recovery_counted ||
		bad tcp.vm${v}_recovery_counted "rexmits $r fast $f timeouts $t"
done

# 10 MB each way through the same faults. Seed 2 stalled at 5.9 MB before bare ACKs were
# numbered snd_max: both ends retransmitting at once dropped each other's ACKs as old
# segments (docs/network.md, TCP). About 2.8 s of host time plain.
run --vms 2 --console prefix --seed 2 --net-loss 0.05 --net-dup 0.01 --net-reorder 0.01 \
	--args "bulk 10000000 1 2" $G/n_tcp_bulk.elf
tcp_checks tcp.transfer_10mb_through_loss_dup_reorder 5

# A raw-NIC neighbour (VM 1) sends VM 0 bad data offsets, bad checksums, malformed MSS
# options, a 400-SYN flood, out-of-window RSTs and ACKs, and keeps a connection at window 0
# for ever; VM 2's two connections (one opened during the flood) move 1 MB each way intact,
# and VM 0 counts each kind of bad segment and keeps probing the shut window.
run --vms 3 --console prefix --args "hostile 1000000" $G/n_tcp_hostile.elf
tcp_checks tcp.hostile_neighbour_cannot_hurt_others 18
[ "$(tcp_counter 0 tcp_bad_header)" -eq 6 ] && [ "$(tcp_counter 0 tcp_bad_checksum)" -eq 3 ] &&
	[ "$(tcp_counter 0 tcp_syn_drops)" -ge 392 ] && ok tcp.hostile_segments_counted ||
	bad tcp.hostile_segments_counted "bad_header $(tcp_counter 0 tcp_bad_header) bad_checksum\
 $(tcp_counter 0 tcp_bad_checksum) syn_drops $(tcp_counter 0 tcp_syn_drops)"
