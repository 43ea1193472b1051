# rounds.sh - the switch runs once per round of the run queue, so VMs that wake at every
# boundary (a flood and its receiver) cannot keep the head of the queue from a VM that computes.
run --vms 3 "$G/n_rounds.elf"
work=$(sed -n 's/^\[vm 2\] work done at \([0-9]*\) us$/\1/p' "$T/out")
flood=$(sed -n 's/^\[vm 0\] flood done at \([0-9]*\) us$/\1/p' "$T/out")
if [ "$rc" -eq 0 ] && [ -n "$work" ] && [ -n "$flood" ] && grep -q '^\[vm 1\] received 20000$' "$T/out" &&
	[ "$work" -lt "$flood" ]; then
	ok "a computing VM finishes while two VMs flood each other (work at $work us, flood at $flood us)"
else
	bad "a computing VM is not starved by a flood" "$(why)"
fi
# VM 0 ends right after its last SEND, while VM 1 still holds the previous round's frames: the
# switch keeps VM 0's NIC until those last frames have left, so none is lost.
if [ "$rc" -eq 0 ] && grep -q '^\[vm 1\] received 20000$' "$T/out"; then
	ok "a VM's frames still queued when it ends reach their receiver"
else
	bad "a VM's frames still queued when it ends reach their receiver" "$(why)"
fi
