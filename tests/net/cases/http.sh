# http.sh - examples/httpd.c, httpget.c and loadgen.c over guestos's TCP: a guest fetches both
# of the paper's objects and the sha256 of each is the one Python computes from the objects'
# formula (examples/webobj.h); bad requests get their 4xx; curl on the host fetches them through
# --hostfwd, and moves 10 MB each way through it (GET /bytes/N, POST /sha256); wrk drives 1 and 100 server VMs with no errors; loadgen drives 50 servers with
# Zipf popularity, and the same run twice gives the same bytes.
HTTPD=$G/httpd.elf
# up PORT: wait (20 s at most) until an HTTP server answers on 127.0.0.1:PORT, so a slow start
# (100 VMs on the sanitizer build) is not taken for errors.
up() {
	i=0
	while [ $i -lt 200 ] && ! curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$1/index.html"; do
		sleep 0.1
		i=$((i + 1))
	done
}
if [ ! -e "$HTTPD" ] || [ ! -e "$G/httpget.elf" ] || [ ! -e "$G/loadgen.elf" ]; then
	bad "http" "the http examples are not built"
else
	for size in 2258 134007; do
		want=$(webobj_sha256 "$size")
		cat >"$T/get.ini" <<INI
[run]
console = prefix
[group server]
image = $HTTPD
args = 80 -n 1
[group client]
image = $G/httpget.elf
args = httpget 10.0.0.1 /$size.bin
INI
		run "$T/get.ini"
		if [ "$rc" -eq 0 ] && grep -q '^\[vm 1\] HTTP/1.1 200 OK$' "$T/out" &&
			grep -q "^\[vm 1\] body $size bytes sha256 $want\$" "$T/out" &&
			grep -q '^\[vm 0\] httpd: served 1 responses (1 2xx, 0 4xx) on 1 connections$' "$T/out"; then
			ok "a guest fetches /$size.bin from a guest's httpd over TCP, sha256 right"
		else
			bad "a guest fetches /$size.bin over TCP" "$(why)"
		fi
	done
	if command -v curl >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then
		P=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		timeout 60 "$D" run --vms 2 --net user --hostfwd "tcp::$P+-*:80" --args "80 -n 3" "$HTTPD" \
			>"$T/srv.out" 2>"$T/srv.err" &
		pid=$!
		sleep 0.5
		c1=$(curl -s --max-time 10 "http://127.0.0.1:$P/2258.bin" | sha256sum | cut -d' ' -f1)
		c2=$(curl -s --max-time 10 "http://127.0.0.1:$((P + 1))/134007.bin" | sha256sum | cut -d' ' -f1)
		n404=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P/nothing")
		n405=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$P/2258.bin")
		nhead=$(curl -s --max-time 10 -I "http://127.0.0.1:$((P + 1))/2258.bin" | tr -d '\r' | grep -i '^content-length:')
		long=$(python3 -c 'print("/" + "a" * 3000)')
		n414=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$((P + 1))$long")
		wait "$pid"
		rc=$?
		if [ "$rc" -eq 0 ] && [ "$c1" = "$(webobj_sha256 2258)" ] && [ "$c2" = "$(webobj_sha256 134007)" ]; then
			ok "curl on the host fetches both objects from two VMs through --hostfwd, sha256 right"
		else
			bad "curl fetches both objects through --hostfwd" "exit $rc: $c1 $c2 $(head -n 2 "$T/srv.err" | tr '\n' '|')"
		fi
		if [ "$n404" = 404 ] && [ "$n405" = 405 ] && [ "$n414" = 414 ] && [ "$nhead" = "Content-Length: 2258" ]; then
			ok "httpd answers an unknown path 404, POST 405, a long request line 414, HEAD with the length"
		else
			bad "httpd's error answers" "404:$n404 405:$n405 414:$n414 head:$nhead"
		fi
		# 10 MB each way through slirp; then a POST without a length (411), and an upload
		# whose body and the next, pipelined, request came in one piece
		P=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		timeout 120 "$D" run --net user --hostfwd "tcp::$P-0:80" --args "80 -q 3000" "$HTTPD" \
			>"$T/big.out" 2>"$T/big.err" &
		pid=$!
		up "$P"
		big_transfers "http://127.0.0.1:$P" "through --net user (slirp)"
		n411=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$P/sha256")
		piped=$(python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"POST /sha256 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcHEAD /2258.bin HTTP/1.1\r\nConnection: close\r\n\r\n")
got = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    got += b
print(" ".join(l.strip() for l in got.decode().split("\n") if l.startswith(("sha256", "HTTP/1.1", "Content-Length"))))' "$P")
		wait "$pid"
		abc=$(printf abc | sha256sum | cut -d' ' -f1)
		if [ "$n411" = 411 ] &&
			[ "$piped" = "HTTP/1.1 200 OK Content-Length: 72 sha256 $abc HTTP/1.1 200 OK Content-Length: 2258" ]; then
			ok "POST /sha256 without a length gets 411; an upload and a pipelined request in one piece are both answered"
		else
			bad "POST /sha256's edges" "411:$n411 pipelined: $piped"
		fi
	fi
fi

# wrk on the host for 10 s against one server VM, and for 5 s against 100 (one wrk thread a
# VM, each at its own forwarded port): no connect, read, write or timeout error (wrk's timeout
# is 5 s, and a request that waited out slirp's backlog of one or its 16 ARP entries took 1-7
# s: docs/network.md), and every response a 200.
# wrk_clean FILE: no non-2xx answer and no socket error of any kind (wrk prints the line only
# when there was one).
wrk_clean() {
	! grep -q 'Non-2xx' "$1" && ! grep -q 'Socket errors' "$1"
}
if command -v wrk >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1 && [ -e "$HTTPD" ]; then
	P=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	timeout 40 "$D" run --net user --hostfwd "tcp::$P-0:80" -o main.net_rxq=512 --args "80 -q 2000" "$HTTPD" \
		>"$T/w1.out" 2>"$T/w1.err" &
	pid=$!
	up "$P"
	wrk -t2 -c20 -d10s --timeout 5s "http://127.0.0.1:$P/2258.bin" >"$T/wrk1.txt" 2>&1
	wait "$pid"
	rc=$?
	reqs=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$T/wrk1.txt")
	served=$(sed -n 's/^httpd: served \([0-9]*\) responses (\([0-9]*\) 2xx, 0 4xx).*/\2/p' "$T/w1.out")
	if [ "$rc" -eq 0 ] && [ "${reqs:-0}" -gt 1000 ] && wrk_clean "$T/wrk1.txt" &&
		[ "${served:-0}" -ge "$reqs" ]; then
		ok "wrk, 10 s, 20 connections to one server VM through --hostfwd: $reqs requests, no errors"
	else
		bad "wrk against one server VM" "exit $rc: $(tr '\n' '|' <"$T/wrk1.txt") served ${served:-?}"
	fi
	cat >"$T/many.lua" <<'LUA'
-- one wrk thread a server VM: thread n connects to the forward of VM n
local base, n = tonumber(os.getenv("WRK_BASE")), 0
function setup(thread)
  thread.addr = wrk.lookup("127.0.0.1", tostring(base + n))[1]
  n = n + 1
end
LUA
	# 100 ports in a row that are free now
	P=$(python3 -c '
import random, socket
for _ in range(200):
    base = random.randrange(20000, 60000, 100)
    try:
        held = []
        for p in range(base, base + 100):
            s = socket.socket(); s.bind(("127.0.0.1", p)); held.append(s)
        print(base)
        break
    except OSError:
        pass
')
	timeout 90 "$D" run --vms 100 --mem 4M --net user --hostfwd "tcp::$P+-*:80" -o main.net_rxq=64 --pcap "$T/w100.pcap" \
		--args "80 -q 2000 -b 4" "$HTTPD" >"$T/w100.out" 2>"$T/w100.err" &
	pid=$!
	up "$P"
	up $((P + 99))
	WRK_BASE=$P wrk -t100 -c100 -d5s --timeout 5s -s "$T/many.lua" "http://127.0.0.1:$P/2258.bin" >"$T/wrk100.txt" 2>&1
	wait "$pid"
	rc=$?
	reqs=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$T/wrk100.txt")
	if [ "$rc" -eq 0 ] && [ "${reqs:-0}" -gt 1000 ] && wrk_clean "$T/wrk100.txt" &&
		[ "$(grep -c '^\[vm [0-9]*\] httpd: served [0-9]* responses ([0-9]* 2xx, 0 4xx)' "$T/w100.out")" -eq 100 ]; then
		ok "wrk, 5 s, against 100 server VMs at once: $reqs requests, no errors"
	else
		bad "wrk against 100 server VMs" "exit $rc: $(tr '\n' '|' <"$T/wrk100.txt") $(head -n 1 "$T/w100.err")"
	fi
	# slirp remembers 16 addresses; the port answers its ARP requests for the rest, so the wire
	# carries about one request per VM (the first, before the VM has said anything), not one
	# per frame slirp held back (18,990 in 5 s before the port answered them). slirp asks again
	# for each frame it holds until the VM's reply comes, so a busy host (the VMs run in host
	# time) sees a few per VM: 120-210 on a quiet machine, 403 once in a clean-clone CI. The
	# bound is set against the failure it guards, not against the host's speed.
	if command -v tcpdump >/dev/null 2>&1; then
		asked=$(tcpdump -nn -r "$T/w100.pcap" 'arp and arp[6:2] = 1 and src host 10.255.255.254' 2>/dev/null | wc -l)
		if [ "$asked" -ge 1 ] && [ "$asked" -le 1000 ]; then
			ok "slirp's ARP requests to 100 VMs under wrk: $asked on the wire"
		else
			bad "slirp's ARP requests to 100 VMs under wrk" "$asked on the wire (want 1-1000)"
		fi
	fi
	rm -f "$T/w100.pcap"
fi

# loadgen: 2 generators, 10 servers picked with Zipf popularity, one connection a request. Every
# request answered; the "@stat" lines reach guest-stats.csv; the same run twice gives the same
# bytes (output, vms.csv and the guests' statistics); -r paces requests in an open loop.
if [ -e "$G/loadgen.elf" ]; then
	cat >"$T/web.ini" <<INI
[run]
console = prefix
[group server]
image = $HTTPD
count = 10
mem = 4M
args = 80 -q 5000 -b 16
[group loadgen]
image = $G/loadgen.elf
count = 2
mem = 4M
args = loadgen 10 -c 5 -n 200 -a 1.0
INI
	run --stats "$T/ws1" "$T/web.ini"
	cp "$T/out" "$T/web1.out"
	gs=$(grep -c '^1[01],requests,200$' "$T/ws1/guest-stats.csv")
	if [ "$rc" -eq 0 ] && [ "$(grep -c '^\[vm 1[01]\] loadgen: requests 200 errors 0 ' "$T/out")" -eq 2 ] &&
		[ "$gs" -eq 2 ] && [ "$(grep -c '^1[01],errors,0$' "$T/ws1/guest-stats.csv")" -eq 2 ]; then
		ok "loadgen: 400 requests over 10 Zipf-chosen servers, all answered, and guest-stats.csv has them"
	else
		bad "loadgen against 10 servers" "$(why) $(tr '\n' ' ' <"$T/ws1/guest-stats.csv" 2>/dev/null)"
	fi
	run --stats "$T/ws2" "$T/web.ini"
	if cmp -s "$T/out" "$T/web1.out" && cmp -s "$T/ws1/vms.csv" "$T/ws2/vms.csv" &&
		cmp -s "$T/ws1/guest-stats.csv" "$T/ws2/guest-stats.csv"; then
		ok "the web scenario run twice gives the same output, vms.csv and guest-stats.csv"
	else
		bad "the web scenario is deterministic" "$(diff "$T/out" "$T/web1.out" | head -n 3 | tr '\n' '|')"
	fi
	# -r: an open loop. 300 requests at 150 a second start over 2 s of system time (the last
	# is due at 299/150 s), whatever the servers' speed, and are all answered
	sed 's/^args = loadgen 10 -c 5 -n 200 -a 1.0$/args = loadgen 10 -c 5 -n 300 -r 150 -a 1.0/' "$T/web.ini" >"$T/rate.ini"
	run "$T/rate.ini"
	us=$(sed -n 's/^\[vm 10\] loadgen: requests 300 errors 0 us \([0-9]*\) rps 150 .*/\1/p' "$T/out")
	if [ "$rc" -eq 0 ] && [ -n "$us" ] && [ "$us" -ge 1993333 ] && [ "$us" -lt 2200000 ]; then
		ok "loadgen -r 150: 300 requests paced over 2 s of system time, all answered"
	else
		bad "loadgen -r paces its requests" "$(why) us ${us:-?}"
	fi
fi
