#!/bin/sh
# libc_expect.sh - writes tests/guests/expect/NAME.out and NAME.status for the t_libc_* guests
# whose expected output is glibc's: builds NAME.c natively (gcc -m32, x87 like the guest, and
# -fno-builtin so glibc's functions run rather than gcc's folding of them), runs it and records
# what it printed and its exit status.
#
#   sh tests/guests/libc_expect.sh NAME...      e.g. t_libc_printf t_libc_strtol
#
# Only for guests written in portable C11 that print everything they check; see each file's
# opening comment for what its table probes.
set -eu

dir=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
for name in "$@"; do
	gcc -m32 -march=i686 -mno-sse -mno-mmx -std=c11 -O2 -D_GNU_SOURCE -fno-builtin -Wall -Wextra \
		-Werror \
		-o "$tmp/$name" "$dir/$name.c"
	status=0
	"$tmp/$name" >"$tmp/$name.out" || status=$?
	case $name in
	t_libc_printf)
		# glibc 2.36 drops the zeros '#' keeps in %#g of 999999.5 (see t_libc_printf.c).
		sed -i -e 's/^\(%#g *\)<1\.e+06> <1\.e+06> 6 6$/\1<1.00000e+06> <1.00000e+06> 11 11/' \
			-e 's/^\(%#g *\)<-1\.e+06> <-1\.e+06> 7 7$/\1<-1.00000e+06> <-1.00000e+06> 12 12/' \
			"$tmp/$name.out" ;;
	esac
	mv "$tmp/$name.out" "$dir/expect/$name.out"
	echo "$status" >"$dir/expect/$name.status"
	echo "$name: $(wc -l <"$dir/expect/$name.out") lines, status $status"
done
