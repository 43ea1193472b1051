# uplink.sh - --net user: the switch's port to the host through libslirp. A host UDP client
# reaches a guest server through --hostfwd (one VM, and VM n at PORT + n with the range form);
# a guest pings the gateway 10.255.255.254 and talks UDP and TCP (httpget) to host servers on
# 127.0.0.1 through it; a capture shows the gateway's frames; bad forwards are refused in one line. Loopback
# only, every run bounded by timeout(1). python3 plays the host's side.
# A host program can take a second to start (a python3 shim): wait, 10 s at most, for the
# file it makes once its socket is bound, rather than a fixed sleep.
wait_ready() { i=0; while [ ! -e "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; }
UDPECHO=$G/udpecho.elf
if ! command -v python3 >/dev/null 2>&1; then
	skip "uplink" "python3 is not installed"
else
	# host_udp PORT MESSAGE...: send each message to 127.0.0.1:PORT, print each answer (or
	# "timeout"), a second at most for each.
	host_udp() {
		python3 - "$@" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
port = int(sys.argv[1])
for m in sys.argv[2:]:
    s.sendto(m.encode(), ("127.0.0.1", port))
    try:
        print(s.recvfrom(2000)[0].decode())
    except OSError:
        print("timeout")
PY
	}
	free_port() { python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
	P=$(free_port)
	timeout 20 "$D" run --net user --hostfwd "udp::$P-0:7" --stats "$T/st" --args "server 7 -n 2 -q 10000" "$UDPECHO" \
		>"$T/srv.out" 2>"$T/srv.err" &
	pid=$!
	sleep 0.5
	host_udp "$P" "hello denali" "second" >"$T/host.out"
	wait "$pid"
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$(cat "$T/host.out")" = "hello denali
second" ] && grep -q '^udpecho server: served 2 datagrams, 18 bytes$' "$T/srv.out" &&
		grep -q '"host_network": "user",' "$T/st/summary.json" && grep -q '"deterministic": false,' "$T/st/summary.json"; then
		ok "a host UDP client reaches a guest's server through --hostfwd, and the summary says the run is not reproducible"
	else
		bad "a host UDP client reaches a guest through --hostfwd" "exit $rc: $(tr '\n' '|' <"$T/host.out") $(head -n 2 "$T/srv.err")"
	fi
	# The range form: VM n answers at P + n.
	P=$(free_port)
	timeout 20 "$D" run --vms 3 --net user --hostfwd "udp::$P+-*:7" --args "server 7 -n 1 -q 5000" "$UDPECHO" \
		>"$T/rng.out" 2>"$T/rng.err" &
	pid=$!
	sleep 0.5
	for k in 0 1 2; do host_udp $((P + k)) "to $k"; done >"$T/host.out"
	wait "$pid"
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$(tr '\n' ' ' <"$T/host.out")" = "to 0 to 1 to 2 " ] &&
		[ "$(grep -c '^\[vm [012]\] udpecho server: served 1 datagrams, 4 bytes$' "$T/rng.out")" -eq 3 ]; then
		ok "--hostfwd udp::PORT+-*:7 gives VM n the host port PORT + n"
	else
		bad "--hostfwd's range form" "exit $rc: $(tr '\n' '|' <"$T/host.out") $(head -n 2 "$T/rng.err")"
	fi
	# Out: a guest pings the gateway and echoes UDP off a host server (python, on 127.0.0.1).
	run --net user --pcap "$T/gw.pcap" --args "ping -c 2 -W 500 10.255.255.254" "$G/ping.elf"
	if [ "$rc" -eq 0 ] && grep -q '^2 packets transmitted, 2 received, 0% packet loss' "$T/out" &&
		{ ! command -v tcpdump >/dev/null 2>&1 ||
		  [ "$(tcpdump -nn -r "$T/gw.pcap" 2>/dev/null | grep -c 'IP 10.255.255.254 > 10.0.0.1: ICMP echo reply')" -eq 2 ]; }; then
		ok "a guest pings the gateway 10.255.255.254 (slirp), and the capture shows its replies"
	else
		bad "a guest pings the gateway" "$(why)"
	fi
	P=$(free_port)
	rm -f "$T/echo.ready"
	python3 - "$P" "$T/echo.ready" >"$T/echo.out" 2>&1 <<'PY' &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
open(sys.argv[2], "w").close()
s.settimeout(10)
for _ in range(3):
    d, a = s.recvfrom(2000)
    s.sendto(d, a)
print("served")
PY
	epid=$!
	wait_ready "$T/echo.ready"
	run --net user --args "client 10.255.255.254 $P -c 3 -s 50 -i 10" "$UDPECHO"
	wait "$epid"
	if [ "$rc" -eq 0 ] && grep -q '^udpecho client: 3 sent, 3 answered, 0% loss' "$T/out" && grep -q served "$T/echo.out"; then
		ok "a guest's UDP reaches a host server on 127.0.0.1 through the gateway, and back"
	else
		bad "a guest's UDP reaches a host server through the gateway" "$(why) $(cat "$T/echo.out")"
	fi
	# outbound TCP: httpget in a guest fetches a file from Python's http.server on 127.0.0.1
	if [ -e "$G/httpget.elf" ]; then
		mkdir -p "$T/www"
		head -c 300000 /dev/urandom >"$T/www/blob"
		want=$(sha256sum "$T/www/blob" | cut -d' ' -f1)
		P=$(free_port)
		(cd "$T/www" && timeout 30 python3 -m http.server --bind 127.0.0.1 "$P" >/dev/null 2>&1) &
		hpid=$!
		i=0
		while [ $i -lt 50 ] && ! curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$P/blob"; do
			sleep 0.1
			i=$((i + 1))
		done
		run --net user --args "httpget 10.255.255.254:$P /blob" "$G/httpget.elf"
		kill "$hpid" 2>/dev/null
		wait "$hpid" 2>/dev/null
		if [ "$rc" -eq 0 ] && grep -q "^body 300000 bytes sha256 $want\$" "$T/out"; then
			ok "a guest's TCP reaches a host HTTP server on 127.0.0.1 through the gateway (300 KB, sha256 right)"
		else
			bad "a guest's TCP reaches a host server through the gateway" "$(why)"
		fi
	fi
fi
# Refusals, one line each.
uplink_refused() {
	ur_name=$1 ur_text=$2
	shift 2
	run "$@" "$G/hello.elf"
	if [ "$rc" -eq 2 ] && head -n 1 "$T/err" | grep -qF -- "$ur_text"; then
		ok "$ur_name"
	else
		bad "$ur_name" "$(why)"
	fi
}
uplink_refused "--hostfwd without --net user is refused" "hostfwd udp::20000-0:7: needs net = user" --hostfwd udp::20000-0:7
uplink_refused "--hostfwd to a VM the run lacks is refused" "hostfwd udp::20000-3:7: VM 3 does not exist" \
	--net user --hostfwd udp::20000-3:7
uplink_refused "a malformed --hostfwd is refused" "--hostfwd: 'tcp:80' is not tcp:HOSTADDR:HOSTPORT-VM:GUESTPORT" \
	--net user --hostfwd tcp:80
uplink_refused "a --hostfwd port of 0 is refused" "'udp::0-0:7': '0' is not a port" --net user --hostfwd udp::0-0:7
uplink_refused "a --hostfwd host address that is not IPv4 is refused" "'tcp:localhost:80-0:80': 'localhost' is not an IPv4 address" \
	--net user --hostfwd tcp:localhost:80-0:80
uplink_refused "a range past port 65535 is refused" "3 VMs need ports 65534 to 65536, past 65535" \
	--net user --vms 3 --hostfwd tcp::65534+-*:80
uplink_refused "--net user with the virtual clock is refused" "net: user needs the host clock" --net user --clock virtual
uplink_refused "--net of another kind is refused" "--net: 'bogus' is not a host network (none, user or tap:IFNAME)" --net bogus
if command -v python3 >/dev/null 2>&1; then
	P=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	rm -f "$T/busy.ready"
	python3 -c 'import socket, sys, time; s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); open(sys.argv[2], "w").close(); time.sleep(10)' "$P" "$T/busy.ready" &
	lpid=$!
	wait_ready "$T/busy.ready"
	uplink_refused "a --hostfwd port in use is refused in one line" "--hostfwd tcp::$P-0:80: cannot listen on 127.0.0.1:$P" \
		--net user --hostfwd "tcp::$P-0:80"
	kill "$lpid" 2>/dev/null
	wait "$lpid" 2>/dev/null
fi
