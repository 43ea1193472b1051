# faults.sh - --net-loss, --net-dup and --net-reorder: two VMs ping VM 0 ten times each through a
# switch that loses, doubles or delays frames; ping shows it, summary.json counts it, and the
# same seed gives the same run.
PING=$G/ping.elf
faults_run() { run --vms 3 --stats "$T/st" "$@" --args "ping -c 10 -i 50 10.0.0.1" "$PING"; }
injected() { grep -o "\"injected_$1\": [0-9]*" "$T/st/summary.json" | cut -d' ' -f2; }
faults_run --net-loss 0.2
cp "$T/out" "$T/loss1.out"
lost=$(injected loss)
received=$(grep -c '^\[vm [12]\] 64 bytes from 10.0.0.1' "$T/out")
if [ "$rc" -eq 1 ] && [ "${lost:-0}" -gt 0 ] && [ "$received" -lt 20 ] &&
	[ "$(injected dup)" -eq 0 ] && grep -q '^\[vm [12]\] 10 packets transmitted, [0-9] received' "$T/out"; then
	ok "--net-loss 0.2 loses frames ($lost): ping loses replies and exits 1"
else
	bad "--net-loss 0.2 loses frames" "$(why) lost ${lost:-?}, $received replies"
fi
faults_run --net-loss 20%
if cmp -s "$T/out" "$T/loss1.out" && [ "$(injected loss)" = "$lost" ]; then
	ok "the same seed loses the same frames (20% is 0.2)"
else
	bad "the same seed loses the same frames" "$(why)"
fi
faults_run --net-loss 0.2 --seed 99
if ! cmp -s "$T/out" "$T/loss1.out"; then
	ok "another seed loses other frames"
else
	bad "another seed loses other frames" "the output is the same"
fi
faults_run --net-dup 0.3
dups=$(grep -c '(DUP!)$' "$T/out")
if [ "$rc" -eq 0 ] && [ "$(injected dup)" -gt 0 ] && [ "$dups" -gt 0 ]; then
	ok "--net-dup 0.3 doubles frames ($(injected dup)): ping sees duplicates ($dups)"
else
	bad "--net-dup 0.3 doubles frames" "$(why) $(injected dup) injected, $dups DUP lines"
fi
faults_run --net-reorder 0.3
if [ "$rc" -eq 0 ] && [ "$(injected reorder)" -gt 0 ] && [ "$(injected loss)" -eq 0 ] &&
	[ "$(grep -c ' 10 received, 0% packet loss' "$T/out")" -eq 3 ]; then
	ok "--net-reorder 0.3 delays frames ($(injected reorder)) and loses none"
else
	bad "--net-reorder 0.3 delays frames and loses none" "$(why)"
fi
faults_run --net-loss 1.5
if [ "$rc" -eq 2 ] && head -n 1 "$T/err" | grep -qF -- "denali: --net-loss: '1.5' is not a probability"; then
	ok "--net-loss 1.5 is refused in one line"
else
	bad "--net-loss 1.5 is refused in one line" "$(why)"
fi
