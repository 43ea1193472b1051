# capture.sh - --pcap and --pcap-vm: the file tcpdump reads back, its filter, its determinism
# (the same run twice, and a replay, give the same bytes), and the options' refusals.
NET=$G/c_net.elf
if ! command -v tcpdump >/dev/null 2>&1; then
	skip "capture" "tcpdump is not installed (make deps installs it)"
elif [ ! -e "$NET" ]; then
	bad "capture" "$NET is missing"
else
	# c_net: VM 0 broadcasts (twice: the first finds the others' NICs not up), VMs 1 and 2 answer.
	run --vms 3 --pcap "$T/a.pcap" "$NET"
	# (tcpdump dumps an unknown EtherType's payload in hex on lines of their own: not those)
	tcpdump -nn -e -r "$T/a.pcap" 2>"$T/td.err" | sed -n 's/^[0-9:.]* //p' >"$T/a.txt"
	want='02:44:4e:00:00:00 > ff:ff:ff:ff:ff:ff, ethertype Unknown (0x88b5), length 26: 
02:44:4e:00:00:00 > ff:ff:ff:ff:ff:ff, ethertype Unknown (0x88b5), length 26: 
02:44:4e:00:00:01 > 02:44:4e:00:00:00, ethertype Unknown (0x88b5), length 27: 
02:44:4e:00:00:02 > 02:44:4e:00:00:00, ethertype Unknown (0x88b5), length 27: '
	if [ "$rc" -eq 0 ] && [ "$(cat "$T/a.txt")" = "$want" ] &&
		grep -q 'link-type EN10MB (Ethernet)' "$T/td.err"; then
		ok "--pcap: tcpdump reads back every frame the switch carried, in order"
	else
		bad "--pcap: tcpdump reads back every frame" "$(why) tcpdump: $(tr '\n' '|' <"$T/a.txt") $(head -n 1 "$T/td.err")"
	fi
	# Stamped with system time: the deterministic clock's epoch (2002-12-09, OSDI) plus time_ns.
	first=$(tcpdump -nn --nano -tt -r "$T/a.pcap" 2>/dev/null | head -n 1 | cut -d' ' -f1)
	case "$first" in
	1039392000.000*) ok "capture timestamps are the epoch plus system time, in ns ($first)" ;;
	*) bad "capture timestamps are the epoch plus system time" "first stamp '$first'" ;;
	esac
	run --vms 3 --pcap "$T/b.pcap" "$NET"
	if [ "$rc" -eq 0 ] && cmp -s "$T/a.pcap" "$T/b.pcap"; then
		ok "the same run twice gives a byte-identical capture"
	else
		bad "the same run twice gives a byte-identical capture" "$(why)"
	fi
	run --vms 3 --pcap "$T/r.pcap" --record "$T/net.rec" "$NET"
	cp "$T/out" "$T/rec.out"
	run --vms 3 --pcap "$T/p.pcap" --replay "$T/net.rec" "$NET"
	if [ "$rc" -eq 0 ] && cmp -s "$T/r.pcap" "$T/p.pcap" && cmp -s "$T/a.pcap" "$T/p.pcap" &&
		cmp -s "$T/out" "$T/rec.out"; then
		ok "a replay gives the recorded run's capture and output byte for byte"
	else
		bad "a replay gives the recorded run's capture byte for byte" "$(why)"
	fi
	# --pcap-vm 2: what VM 2 sent, and the broadcasts it could receive; not VM 1's answer.
	run --vms 3 --pcap "$T/f.pcap" --pcap-vm 2 "$NET"
	got=$(tcpdump -nn -e -r "$T/f.pcap" 2>/dev/null | sed -n 's/^[0-9:.]* \([^,]*\),.*/\1/p' | tr '\n' '|')
	if [ "$rc" -eq 0 ] && [ "$got" = "02:44:4e:00:00:00 > ff:ff:ff:ff:ff:ff|02:44:4e:00:00:00 > ff:ff:ff:ff:ff:ff|02:44:4e:00:00:02 > 02:44:4e:00:00:00|" ]; then
		ok "--pcap-vm 2 keeps the frames VM 2 sent or could receive, and only those"
	else
		bad "--pcap-vm 2 keeps VM 2's frames only" "$(why) got $got"
	fi
	# --pcap-vm 0: its broadcasts, and the unicast answers sent to it.
	run --vms 3 --pcap "$T/z.pcap" --pcap-vm 0 "$NET"
	if [ "$rc" -eq 0 ] && cmp -s "$T/z.pcap" "$T/a.pcap"; then
		ok "--pcap-vm 0 keeps the unicast frames sent to VM 0 as well as its own"
	else
		bad "--pcap-vm 0 keeps the unicast frames sent to VM 0" "$(why)"
	fi
	run --vms 3 --pcap "$T/g.pcap" --pcap-vm 1 --pcap-vm 2 "$NET"
	if [ "$rc" -eq 0 ] && [ "$(tcpdump -nn -e -r "$T/g.pcap" 2>/dev/null | grep -c ' > ')" -eq 4 ] &&
		cmp -s "$T/g.pcap" "$T/a.pcap"; then
		ok "--pcap-vm repeats: VMs 1 and 2 together see every frame of this run"
	else
		bad "--pcap-vm repeats" "$(why)"
	fi
	run --vms 3 -o run.pcap="$T/s.pcap" -o run.pcap_vm=1,2 "$NET"
	if [ "$rc" -eq 0 ] && cmp -s "$T/s.pcap" "$T/a.pcap"; then
		ok "the scenario keys pcap and pcap_vm (a comma list) do what the options do"
	else
		bad "the scenario keys pcap and pcap_vm" "$(why)"
	fi
	# A VM without a NIC puts nothing on the wire: a valid capture with no frames.
	run --pcap "$T/e.pcap" -o main.devices=console,timer "$G/c_stamp.elf"
	if [ "$(wc -c <"$T/e.pcap")" -eq 24 ] && tcpdump -r "$T/e.pcap" >/dev/null 2>&1; then
		ok "a run with no frames leaves a valid, empty capture"
	else
		bad "a run with no frames leaves a valid, empty capture" "$(why) $(wc -c <"$T/e.pcap") bytes"
	fi
fi

# refused ARGS... / TEXT: exit 2, one line on stderr that holds TEXT, nothing run.
refused_opt() {
	ro_name=$1 ro_text=$2
	shift 2
	run "$@"
	if [ "$rc" -eq 2 ] && [ ! -s "$T/out" ] && head -n 1 "$T/err" | grep -qF -- "$ro_text" &&
		{ [ "$(wc -l <"$T/err")" -eq 1 ] || sed -n 2p "$T/err" | grep -q '^usage: denali run'; }; then
		ok "$ro_name"
	else
		bad "$ro_name" "$(why)"
	fi
}
refused_opt "--pcap-vm without --pcap is refused" "pcap_vm: needs pcap" --vms 2 --pcap-vm 1 "$NET"
refused_opt "--pcap-vm naming a VM the run does not have is refused" "VM 3 does not exist: the run has 3 VMs" \
	--vms 3 --pcap "$T/x.pcap" --pcap-vm 3 "$NET"
refused_opt "--pcap-vm that is not a number is refused" "--pcap-vm: 'x' is not a whole number" \
	--pcap "$T/x.pcap" --pcap-vm x "$NET"
refused_opt "--pcap-vm with an empty item is refused" "'1,,2' is not a list of vm_ids" \
	--vms 3 --pcap "$T/x.pcap" --pcap-vm 1,,2 "$NET"
refused_opt "--pcap into a missing directory is refused in one line" "--pcap: cannot create '$T/no/such/x.pcap'" \
	--pcap "$T/no/such/x.pcap" "$NET"
if [ -w /dev/full ]; then
	run --vms 3 --pcap /dev/full "$NET"
	if [ "$rc" -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "^denali: --pcap: could not write '/dev/full': " "$T/err"; then
		ok "a capture that cannot be written fails the run in one line"
	else
		bad "a capture that cannot be written fails the run in one line" "$(why)"
	fi
fi

# A capture of guestos's stack at work: five VMs ping VM 0 (which pings itself by loopback, off
# the wire). tcpdump must show each client's ARP request and VM 0's reply, then the echo
# requests and replies; a replay gives the same capture.
PING=$G/ping.elf
if command -v tcpdump >/dev/null 2>&1 && [ -e "$PING" ]; then
	run --vms 5 --pcap "$T/ping.pcap" --record "$T/ping.rec" --args "ping -c 2 10.0.0.1" "$PING"
	rc_ping=$rc
	tcpdump -nn -r "$T/ping.pcap" 2>/dev/null | sed 's/^[0-9:.]* //' >"$T/ping.txt"
	n_req=$(grep -c '^ARP, Request who-has 10.0.0.1 tell 10.0.0.[2-5], length 28$' "$T/ping.txt")
	n_rep=$(grep -c '^ARP, Reply 10.0.0.1 is-at 02:44:4e:00:00:00, length 28$' "$T/ping.txt")
	n_echo=$(grep -c '^IP 10.0.0.[2-5] > 10.0.0.1: ICMP echo request, id [0-9]*, seq [12], length 64$' "$T/ping.txt")
	n_ans=$(grep -c '^IP 10.0.0.1 > 10.0.0.[2-5]: ICMP echo reply, id [0-9]*, seq [12], length 64$' "$T/ping.txt")
	if [ "$rc_ping" -eq 0 ] && [ "$n_req" -eq 4 ] && [ "$n_rep" -eq 4 ] && [ "$n_echo" -eq 8 ] &&
		[ "$n_ans" -eq 8 ] && [ "$(wc -l <"$T/ping.txt")" -eq 24 ] &&
		[ "$(head -n 1 "$T/ping.txt" | cut -c1-3)" = "ARP" ]; then
		ok "tcpdump reads a ping run's capture: 4 ARP requests and replies, 8 echo requests and replies"
	else
		bad "tcpdump reads a ping run's capture" "exit $rc_ping: $n_req $n_rep $n_echo $n_ans: $(head -n 3 "$T/ping.txt" | tr '\n' '|')"
	fi
	cp "$T/out" "$T/ping.out"
	run --vms 5 --pcap "$T/ping2.pcap" --replay "$T/ping.rec" --args "ping -c 2 10.0.0.1" "$PING"
	if [ "$rc" -eq 0 ] && cmp -s "$T/ping.pcap" "$T/ping2.pcap" && cmp -s "$T/out" "$T/ping.out"; then
		ok "a replay of the ping run gives its output and capture byte for byte"
	else
		bad "a replay of the ping run gives its output and capture byte for byte" "$(why)"
	fi
fi
