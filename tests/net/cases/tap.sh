# tap.sh - --net tap:IFNAME: the host kernel's own stack on the other end of the wire. In a
# network namespace of its own (so nothing outside it sees the interface) the test makes a TAP
# interface with 10.255.255.254/8; a guest pings the kernel, the kernel pings a guest, a
# UDP client in the namespace gets a guest's echo, and curl there moves 10 MB each way to and
# from a guest's httpd over TCP. Skips in one line where namespaces or TAP
# devices cannot be made (not root, no CAP_NET_ADMIN, no /dev/net/tun).
ns=denali-tap-$$
tap_skip() { skip "tap" "$1"; }
if ! command -v ip >/dev/null 2>&1; then
	tap_skip "no ip(8) (iproute2)"
elif ! ip netns add "$ns" 2>/dev/null; then
	tap_skip "cannot create a network namespace here (not root, or no CAP_SYS_ADMIN)"
else
	inns() { ip netns exec "$ns" "$@"; }
	if ! inns ip tuntap add dev dtap0 mode tap 2>/dev/null; then
		tap_skip "cannot create a TAP interface here (no /dev/net/tun, or no CAP_NET_ADMIN)"
	else
		inns ip link set lo up
		inns ip addr add 10.255.255.254/8 dev dtap0
		inns ip link set dtap0 up
		inns timeout 20 "$D" run --net tap:dtap0 --stats "$T/st" --args "ping -c 2 -W 500 10.255.255.254" \
			"$G/ping.elf" >"$T/out" 2>"$T/err"
		rc=$?
		if [ "$rc" -eq 0 ] && grep -q '^2 packets transmitted, 2 received, 0% packet loss' "$T/out" &&
			grep -q '"host_network": "tap",' "$T/st/summary.json"; then
			ok "a guest pings the host kernel through a TAP interface"
		else
			bad "a guest pings the host kernel through TAP" "$(why)"
		fi
		inns timeout 20 "$D" run --net tap:dtap0 --args "server 7 -n 1 -q 8000" "$G/udpecho.elf" \
			>"$T/srv.out" 2>"$T/srv.err" &
		pid=$!
		sleep 0.5
		inns ping -c 2 -W 2 10.0.0.1 >"$T/kping.out" 2>&1
		kping=$?
		inns python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(b"over tap", ("10.0.0.1", 7))
print(s.recvfrom(100)[0].decode())' >"$T/udp.out" 2>&1
		wait "$pid"
		rc=$?
		if [ "$kping" -eq 0 ] && grep -q '2 received' "$T/kping.out"; then
			ok "the host kernel pings a guest through the TAP interface"
		else
			bad "the host kernel pings a guest" "$(tail -n 2 "$T/kping.out" | tr '\n' '|')"
		fi
		if [ "$rc" -eq 0 ] && [ "$(cat "$T/udp.out")" = "over tap" ] &&
			grep -q '^udpecho server: served 1 datagrams, 8 bytes$' "$T/srv.out"; then
			ok "a host UDP client gets a guest's echo through the TAP interface"
		else
			bad "a host UDP client through TAP" "exit $rc: $(cat "$T/udp.out") $(head -n 1 "$T/srv.err")"
		fi
		# the host kernel's TCP and a guest's: 10 MB each way
		inns timeout 120 "$D" run --net tap:dtap0 --args "80 -q 3000" "$G/httpd.elf" \
			>"$T/big.out" 2>"$T/big.err" &
		pid=$!
		i=0
		while [ $i -lt 100 ] && ! inns curl -s --max-time 1 -o /dev/null http://10.0.0.1/index.html; do
			sleep 0.1
			i=$((i + 1))
		done
		big_transfers "http://10.0.0.1" "through TAP" ip netns exec "$ns"
		wait "$pid"
	fi
	ip netns del "$ns"
fi
run --net tap:this-name-is-far-too-long "$G/hello.elf"
if [ "$rc" -eq 1 ] && grep -q "^denali: --net tap:this-name-is-far-too-long: 'this-name-is-far-too-long' is longer than an interface name may be$" "$T/err"; then
	ok "a TAP name too long is refused in one line"
else
	bad "a TAP name too long is refused in one line" "$(why)"
fi
