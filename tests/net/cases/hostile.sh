# hostile.sh - a hostile neighbour cannot disturb the others: four VMs ping each other in a ring
# (VM k pings VM k+1) while VM 4 makes random NIC requests for the first half second
# (n_hostile: frames of every length to every kind of address, spoofed sources, malformed
# IPv4/ARP/ICMP/UDP aimed at them, bad blocks). The pingers' output must be what it is without
# VM 4, but for the round-trip times (VM 4's quanta take system time), and VM 4 must end by
# itself with status 0.
hostile_ini() {
	echo "[run]"
	echo "console = prefix"
	for k in 0 1 2 3; do
		echo "[group p$k]"
		echo "image = $G/ping.elf"
		echo "mem = 1M"
		echo "args = ping -c 5 -i 200 10.0.0.$(((k + 1) % 4 + 1))"
	done
	if [ "$1" = with ]; then
		echo "[group hostile]"
		echo "image = $G/n_hostile.elf"
		echo "mem = 1M"
		echo "args = 500"
	fi
}
hostile_ini with >"$T/with.ini"
hostile_ini without >"$T/without.ini"
# Round-trip times, the rtt summary and how the VMs' lines interleave depend on who else
# runs; each VM's own lines must not.
untimed() {
	grep -v '^\[vm 4\]' "$1" | sed 's/ time=[0-9.]* ms$/ time=T ms/; s/, time [0-9]*ms$//; /rtt min/d' |
		sort -s -k2,2n
}
run --stats "$T/ws" "$T/with.ini"
cp "$T/out" "$T/with.out"
rc_with=$rc
run "$T/without.ini"
untimed "$T/with.out" >"$T/with.txt"
untimed "$T/out" >"$T/without.txt"
if [ "$rc_with" -eq 0 ] && [ "$rc" -eq 0 ] && cmp -s "$T/with.txt" "$T/without.txt" &&
	[ "$(grep -c '5 packets transmitted, 5 received, 0% packet loss' "$T/with.txt")" -eq 4 ]; then
	ok "four VMs pinging each other print the same with a hostile neighbour as without"
else
	bad "pingers unchanged by a hostile neighbour" "exit $rc_with/$rc: $(diff "$T/with.txt" "$T/without.txt" | head -n 5 | tr '\n' '|')"
fi
row=$(sed -n 6p "$T/ws/vms.csv" | cut -d, -f1,10,17-25)
spoofed=$(echo "$row" | cut -d, -f8)
too_long=$(echo "$row" | cut -d, -f11)
if grep -q '^\[vm 4\] hostile: status 0 [0-9]*, 1 0, 2 [0-9]*, 3 [0-9]*, other 0$' "$T/with.out" &&
	[ "$(echo "$row" | cut -d, -f1,2)" = "4,0" ] && [ "${spoofed:-0}" -gt 0 ] && [ "${too_long:-0}" -gt 0 ]; then
	ok "the hostile VM ends by itself; the switch counted its spoofed and too-long frames ($spoofed, $too_long)"
else
	bad "the hostile VM ends by itself, its spoofed frames counted" "row $row; $(grep '^\[vm 4\]' "$T/with.out" | head -n 2 | tr '\n' '|')"
fi
