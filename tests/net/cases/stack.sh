# stack.sh - guestos's network stack (guestos/net/): ARP, IPv4, ICMP, UDP and the socket API
# between VMs, the chatty driver's port I/Os, and the examples ping, udpecho and udp.ini. The
# n_stack_* guests check themselves and print "ok NAME" per check; a case passes when the run
# exits 0, prints exactly the expected number of ok lines, and no FAIL.

# checks NAME COUNT: the guest run just made passed all of its COUNT checks.
checks() {
	n=$(grep -c 'ok [a-z]' "$T/out")
	if [ "$rc" -eq 0 ] && [ "$n" -eq "$2" ] && ! grep -q FAIL "$T/out"; then
		ok "$1"
	else
		bad "$1" "$n of $2 checks; $(grep FAIL "$T/out" | head -n 3 | tr '\n' '|') $(why)"
	fi
}
# has NAME COUNT PATTERN: exactly COUNT output lines match the extended regular expression.
has() {
	n=$(grep -Ec "$3" "$T/out")
	if [ "$n" -eq "$2" ]; then ok "$1"; else bad "$1" "$n lines match '$3', want $2: $(why)"; fi
}

run $G/n_stack_udp.elf
checks stack.udp_sockets_loopback 45

run --stats "$T/idle" --args idle $G/n_stack_udp.elf
checks stack.udp_blocking_recv_idles 3
# The emulator's view: the VM idled the half second away and retired few instructions.
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	{ exit !($col["instructions"] < 200000 && $col["idle_ns"] >= 490000000) }' \
	"$T/idle/vms.csv" && ok stack.udp_idle_in_vms_csv || bad stack.udp_idle_in_vms_csv \
	"$(cat "$T/idle/vms.csv" | tr '\n' '|')"

run --vms 2 --args pair $G/n_stack_arp.elf
checks stack.arp_request_reply_cache_expiry 7
run --vms 2 --args late $G/n_stack_arp.elf
checks stack.arp_retries_reach_late_peer 4
run --args fail $G/n_stack_arp.elf
checks stack.arp_failure_ehostunreach 7

run $G/n_stack_icmp.elf
checks stack.icmp_ping_self_loopback 13
run --vms 8 --args "bcast 8" $G/n_stack_icmp.elf
checks stack.icmp_broadcast_every_other_vm 10

run --vms 2 $G/n_stack_raw.elf
checks stack.ipv4_bad_packets_counted_dropped 12

run --vms 2 --quantum 5000000 $G/n_stack_flood.elf
checks stack.driver_tx_backlog_and_blocking_send 8

run --vms 2 --args plain $G/n_stack_chatty.elf
checks stack.driver_one_io_per_frame 10
has stack.driver_one_io_per_frame_line 2 'port I/Os: 1 per received frame, 1 per sent frame$'
run --vms 2 --args net.chatty $G/n_stack_chatty.elf
checks stack.chatty_token_10_12_ios 10
has stack.chatty_token_line 2 'port I/Os: 10 per received frame, 12 per sent frame$'
run --vms 2 --args api $G/n_stack_chatty.elf
checks stack.chatty_api_10_12_ios 10

# ping between a few VMs: every VM pings VM 1, three replies each, exit 0.
run --vms 3 --console prefix --args "ping 10.0.0.2" $G/ping.elf
[ "$rc" -eq 0 ] && ok stack.ping_exit_0 || bad stack.ping_exit_0 "$(why)"
has stack.ping_reply_lines 9 '^\[vm [0-2]\] 64 bytes from 10\.0\.0\.2: icmp_seq=[1-3] ttl=64 time=[0-9]+\.[0-9]{3} ms$'
has stack.ping_summary 3 '^\[vm [0-2]\] 3 packets transmitted, 3 received, 0% packet loss, time 1200ms$'
has stack.ping_header 3 '^\[vm [0-2]\] PING 10\.0\.0\.2 \(10\.0\.0\.2\) 56\(84\) bytes of data\.$'
cp "$T/out" "$T/ping1"
run --vms 3 --console prefix --args "ping 10.0.0.2" $G/ping.elf
cmp -s "$T/out" "$T/ping1" && ok stack.ping_deterministic || bad stack.ping_deterministic "two runs differ"

# Nobody at 10.0.0.50: ARP gives up, ping says so and exits 1.
run --args "ping -c 3 -i 400 -W 1500 10.0.0.50" $G/ping.elf
[ "$rc" -eq 1 ] && ok stack.ping_unreachable_exit_1 || bad stack.ping_unreachable_exit_1 "$(why)"
has stack.ping_unreachable_line 1 '^From 10\.0\.0\.1 icmp_seq=3 Destination Host Unreachable$'
has stack.ping_unreachable_summary 1 '^3 packets transmitted, 0 received, 100% packet loss'

# The ip= token moves a VM: VM 1 at 10.0.0.200 answers there.
run --vms 2 --console prefix --args "ping -c 1 ip=10.0.0.{id}00 10.0.0.100" $G/ping.elf
has stack.ip_token_override 2 '^\[vm [01]\] 64 bytes from 10\.0\.0\.100: icmp_seq=1'

# udp.ini: one server, 100 clients, every datagram echoed.
ini=$(dirname "$0")/../../examples/udp.ini
run -o server.image=$G/udpecho.elf -o client.image=$G/udpecho.elf "$ini"
[ "$rc" -eq 0 ] && ok stack.udp_ini_exit_0 || bad stack.udp_ini_exit_0 "$(why)"
has stack.udp_ini_clients 100 '^\[vm [0-9]+\] udpecho client: 3 sent, 3 answered, 0% loss, rtt min/avg/max = '
has stack.udp_ini_server 1 '^\[vm 0\] udpecho server: served 300 datagrams, 30000 bytes$'
has stack.udp_ini_echo_lines 300 '^\[vm [0-9]+\] seq [1-3]: 100 bytes from 10\.0\.0\.1:7 time='
has stack.udp_ini_server_counters 1 '^\[vm 0\] net: udp_tx 300$'
