# http.sh - examples/httpd.c, httpget.c and loadgen.c over guestos's TCP: a guest fetches both
# of the paper's objects and the sha256 of each is the one Python computes from the objects'
# formula (examples/webobj.h); bad requests get their 4xx; curl on the host fetches them through
# --hostfwd; wrk drives 1 and 100 server VMs with no errors; loadgen drives 50 servers with
# Zipf popularity, and the same run twice gives the same bytes.
HTTPD=$G/httpd.elf
if [ ! -e "$HTTPD" ] || [ ! -e "$G/httpget.elf" ] || [ ! -e "$G/loadgen.elf" ]; then
	bad "http" "the http examples are not built"
else
	sha_of() { python3 -c 'import hashlib, sys; n = int(sys.argv[1]); print(hashlib.sha256(bytes((i * 31 + n) % 251 for i in range(n))).hexdigest())' "$1"; }
	for size in 2258 134007; do
		want=$(sha_of "$size")
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
		if [ "$rc" -eq 0 ] && [ "$c1" = "$(sha_of 2258)" ] && [ "$c2" = "$(sha_of 134007)" ]; then
			ok "curl on the host fetches both objects from two VMs through --hostfwd, sha256 right"
		else
			bad "curl fetches both objects through --hostfwd" "exit $rc: $c1 $c2 $(head -n 2 "$T/srv.err" | tr '\n' '|')"
		fi
		if [ "$n404" = 404 ] && [ "$n405" = 405 ] && [ "$n414" = 414 ] && [ "$nhead" = "Content-Length: 2258" ]; then
			ok "httpd answers an unknown path 404, POST 405, a long request line 414, HEAD with the length"
		else
			bad "httpd's error answers" "404:$n404 405:$n405 414:$n414 head:$nhead"
		fi
	fi
fi
