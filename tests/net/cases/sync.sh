# sync.sh - the lazy receiver and --irq-mode sync: a frame for an idle VM wakes it at the next
# quantum boundary when batched, at once (the sender preempted) in sync mode.
S=$G/n_sync.elf
run --vms 2 --irq-mode sync "$S"
if [ "$rc" -eq 0 ] && grep -q '^\[vm 1\] took the frame within 10 us after its SEND$' "$T/out" &&
	grep -q '^\[vm 0\] send status 0$' "$T/out"; then
	ok "--irq-mode sync: the receiver takes the frame at once, before the sender goes on"
else
	bad "--irq-mode sync: the receiver takes the frame at once" "$(why)"
fi
run --vms 2 "$S"
if [ "$rc" -eq 0 ] && grep -q '^\[vm 1\] took the frame more than 10 us after its SEND$' "$T/out"; then
	ok "batched: the receiver sees the frame only after the sender's quantum"
else
	bad "batched: the receiver sees the frame only after the sender's quantum" "$(why)"
fi
