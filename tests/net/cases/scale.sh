# scale.sh - the suite's big runs (left out on the sanitizer build). A thousand VMs ping one server VM: VM 0 (a ping of itself that stays up 3 s) and
# 1,000 clients that start a millisecond apart (ping -D {id}) and send it two echo requests
# each. Every client must resolve the server by ARP and get both replies; the switch must drop
# nothing; the server must have answered exactly 1,000 ARP requests and 2,000 echoes.
cat >"$T/scale.ini" <<INI
[run]
console = files:$T/con
[group server]
image = $G/ping.elf
count = 1
mem = 1M
args = ping -c 1 -W 3000 10.0.0.1
[group client]
image = $G/ping.elf
count = 1000
mem = 1M
args = ping -D {id} -c 2 10.0.0.1
INI
run --stats "$T/st" "$T/scale.ini"
answered=$(cat "$T"/con/vm-*.out 2>/dev/null | grep -c '^2 packets transmitted, 2 received, 0% packet loss')
if [ "$rc" -eq 0 ] && [ "$answered" -eq 1000 ] && grep -q '"vms_status_0": 1001,' "$T/st/summary.json"; then
	ok "1,000 VMs ping one server VM: every one gets both replies"
else
	bad "1,000 VMs ping one server VM" "$(why) $answered clients answered in full"
fi
# VM 0 took 1,000 ARP requests (60 bytes) and 2,000 echo requests (98), and sent as many
# replies; each client sent one ARP request and two echoes and took the other 999 clients'
# ARP broadcasts, the server's ARP reply and two echo replies. Nothing was dropped for a full
# queue, a spoofed source or an unknown destination (some broadcasts of the first clients find
# VMs that have not started yet: those count as not up).
row0=$(sed -n 2p "$T/st/vms.csv" | cut -d, -f17-25)
row1=$(sed -n 3p "$T/st/vms.csv" | cut -d, -f17-25)
drops=$(tail -n +2 "$T/st/vms.csv" | awk -F, '{ d += $21 + $22 + $23 + $25 } END { print d + 0 }')
if [ "$row0" = "3000,238000,3000,238000,0,0,0,0,0" ] && [ "$(echo "$row1" | cut -d, -f1-2)" = "3,238" ] &&
	[ "$drops" -eq 0 ]; then
	ok "the switch carried every frame of the thousand clients, none dropped for want of room"
else
	bad "the switch carried every frame and dropped none" "VM 0: $row0, VM 1: $row1, drops $drops"
fi

# The paper's scenario as examples/web-zipf.ini ships it (its images taken from this build):
# 1,000 httpd VMs and 10 loadgens. Every one of the 20,000 requests is answered, and a replay
# of its record gives the same output, vms.csv and guest-stats.csv byte for byte.
sed "s|build/guests/|$G/|" "$cases/../../../examples/web-zipf.ini" >"$T/zipf.ini"
run --max-insns 50000000000 --record "$T/zipf.rec" --stats "$T/z1" "$T/zipf.ini"
cp "$T/out" "$T/z1.out"
answered=$(sed -n 's/^\[vm [0-9]*\] loadgen: requests \([0-9]*\) errors 0 .*/\1/p' "$T/z1.out" | awk '{ s += $1 } END { print s + 0 }')
if [ "$rc" -eq 0 ] && [ "$answered" -eq 20000 ]; then
	ok "web-zipf.ini: 1,000 servers answer all 20,000 of the loadgens' requests"
else
	bad "web-zipf.ini answers every request" "$(why) answered $answered"
fi
run --max-insns 50000000000 --replay "$T/zipf.rec" --stats "$T/z2" "$T/zipf.ini"
if [ "$rc" -eq 0 ] && cmp -s "$T/out" "$T/z1.out" && cmp -s "$T/z1/vms.csv" "$T/z2/vms.csv" &&
	cmp -s "$T/z1/guest-stats.csv" "$T/z2/guest-stats.csv"; then
	ok "web-zipf.ini's replay gives its output, vms.csv and guest-stats.csv byte for byte"
else
	bad "web-zipf.ini's replay is byte-identical" "$(why)"
fi
rm -rf "$T/z1" "$T/z2"
