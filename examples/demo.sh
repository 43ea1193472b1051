#!/bin/sh
# demo.sh - runs the example guests under the emulator, printing each command first.
# usage: sh examples/demo.sh BUILD_DIR    (exits non-zero if any run fails)
set -u
build=${1:-build}
failed=0

# show_run CMD ARG...: print the command as one could type it, then run it.
show_run() {
	line='$'
	for a in "$@"; do
		case $a in
		*' '* | '') line="$line '$a'" ;;
		*) line="$line $a" ;;
		esac
	done
	echo "$line"
	"$@"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "demo: failed with status $rc: $*" >&2
		failed=1
	fi
	echo
}

show_run "$build/denali" run --args "world from the demo" "$build/guests/hello.elf"
show_run "$build/denali" run "$build/guests/checksum.elf"
show_run "$build/denali" run --vms 4 --args "2 6 500" "$build/guests/ticker.elf"
show_run "$build/denali" run "$build/guests/threads.elf"
show_run "$build/denali" run --args "4 3" "$build/guests/sleepers.elf"
show_run "$build/denali" run --args handled "$build/guests/faults.elf"
show_run "$build/denali" run --vms 3 --args "ping -c 2 10.0.0.1" "$build/guests/ping.elf"
show_run "$build/denali" run --summary examples/demo.ini
exit $failed
