#!/bin/sh
# deps.sh - install the Debian packages the build needs, or say exactly how (make deps).
# Packages: gcc-multilib (32-bit guests and the native half of the differential tests), liblz4-dev
# (the pager compresses swapped-out pages with LZ4: fast enough for the million-VM target),
# libzydis-dev (the decoder), libcmocka-dev (unit tests), libsdl2-dev (the optional window), libpng-dev
# (screenshots), xvfb (the window's test runs on a virtual X server), gdb (the GDB stub's tests
# drive Debian's gdb),
# clang-14 and libclang-rt-14-dev (libFuzzer, for make fuzz), python3 (make bench's runner),
# tcpdump (the network tests read --pcap captures back with it), libslirp-dev (--net user: the
# host's port on the switch, QEMU's user-mode network stack), iputils-ping and iproute2 (the
# TAP test pings a guest from the host kernel, in a network namespace it makes), curl and wrk
# (the HTTP tests fetch from and load guests' web servers through --hostfwd), slurm-wlm and munge
# (tests/exp/slurm.sh starts a throwaway one-node Slurm, slurmctld + slurmd with munged, to run an
# experiment sweep as a job array through tools/exp/slurm.py), python3-matplotlib (tools/exp/run
# draws each experiment's plot, ours beside the paper's; without it the CSVs are still written).
# `sh tests/deps.sh bench` (make bench) also wants qemu-user (qemu-i386, which make bench runs
# the workloads under for a comparison); the plain call (make deps, make test, make demo, CI)
# does not.
set -e
PKGS="gcc-multilib libzydis-dev liblz4-dev libcmocka-dev libsdl2-dev libpng-dev xvfb gdb clang-14 libclang-rt-14-dev python3 tcpdump libslirp-dev iputils-ping iproute2 curl wrk slurm-wlm munge python3-matplotlib"
[ "$1" = bench ] && PKGS="$PKGS qemu-user"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
	echo "denali: missing packages:$missing (install them with your system's package manager)" >&2
	exit 1
fi
if [ "$(id -u)" = 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO="sudo"
else
	echo "denali: missing packages:$missing" >&2
	echo "denali: run: sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "denali: installing$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq$missing
