# tcp.sh - guestos's TCP (guestos/net/tcp*.c): the socket calls and the state machine through
# loopback (n_tcp_basic), a blocking recv that idles, and transfers between VMs checked with
# FNV-1a (n_tcp_bulk): one connection each way, 64 connections to one server, a backlog of
# several clients, and a transfer through the switch's loss, duplication and reordering.
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
