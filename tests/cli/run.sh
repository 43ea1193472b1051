#!/bin/sh
# run.sh - the `denali` command line: bad options, refused images and good runs, each checked for
# its exit status and for what it prints where (POSIX sh and coreutils only).
#
#   sh tests/cli/run.sh BUILD_DIR
#
# A bad option must give exit 2 and exactly one line on stderr, "denali: OPTION: reason", then the
# usage text; a refused image exit 1 and exactly one line, "denali: FILE: reason". One line per
# case (ok / FAIL / skip), then "N passed, M failed"; the exit status is non-zero on any failure.
set -u

B=${1:?usage: sh tests/cli/run.sh BUILD_DIR}
D=$B/denali
HELLO=$B/guests/hello.elf
CHECKSUM=$B/guests/checksum.elf
for f in "$D" "$HELLO" "$CHECKSUM"; do
	[ -e "$f" ] || { echo "run.sh: $f is missing (make it first)" >&2; exit 2; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/denali-cli.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1: $2"; }
skip() { echo "skip $1: $2"; }

# run ARGS...: run denali with no input; the status goes to $rc, its output to $T/out and $T/err.
run() {
	"$D" "$@" </dev/null >"$T/out" 2>"$T/err"
	rc=$?
}

first_err() { head -n 1 "$T/err"; }
lines() { wc -l <"$1" | tr -d ' '; }
# contains FILE TEXT: whether FILE holds TEXT (literally) somewhere.
contains() {
	case "$(cat "$1")" in *"$2"*) return 0 ;; esac
	return 1
}

# --- guest images made here ------------------------------------------------------------------
# A one-PT_LOAD (R+X) ELF32 i386 executable whose code is the given hex bytes, at VADDR, with its
# entry at VADDR. Built byte by byte so the status, fault and trace cases do not depend on the
# guest library.
# shellcheck disable=SC2059 # the format is the point: an octal escape that printf turns into a byte
byte() { printf "\\$(printf %03o "$1")"; }
le16() { byte $(($1 & 255)); byte $((($1 >> 8) & 255)); }
le32() { le16 $(($1 & 65535)); le16 $((($1 >> 16) & 65535)); }
mkelf() {
	mk_file=$1 mk_va=$2
	shift 2
	{
		for h in 7f 45 4c 46 01 01 01 00 00 00 00 00 00 00 00 00; do byte $((0x$h)); done
		le16 2; le16 3; le32 1                      # ET_EXEC, EM_386, EV_CURRENT
		le32 "$mk_va"; le32 52; le32 0              # e_entry, e_phoff, e_shoff
		le32 0; le16 52; le16 32; le16 1            # e_flags, e_ehsize, e_phentsize, e_phnum
		le16 40; le16 0; le16 0                     # no section headers
		le32 1; le32 84; le32 "$mk_va"; le32 "$mk_va" # PT_LOAD, p_offset, p_vaddr, p_paddr
		le32 $#; le32 $#; le32 5; le32 4            # p_filesz, p_memsz, PF_R|PF_X, p_align
		for h in "$@"; do byte $((0x$h)); done
	} >"$mk_file"
}
# mov eax, imm32; TERMINATE
mkelf "$T/st42.elf" 4096 b8 2a 00 00 00 0f 3f 02
mkelf "$T/st0.elf" 4096 b8 00 00 00 00 0f 3f 02
mkelf "$T/st255.elf" 4096 b8 ff 00 00 00 0f 3f 02
mkelf "$T/st_high.elf" 4096 b8 07 56 34 12 0f 3f 02   # bits 8-31 are ignored: status 7
mkelf "$T/far.elf" 65536 b8 2a 00 00 00 0f 3f 02      # code at 64K: needs more than --mem 64K
mkelf "$T/pf.elf" 4096 a3 00 00 00 00                 # mov [0], eax: a write to the RO magic
mkelf "$T/de.elf" 4096 31 c9 f7 f1                   # xor ecx, ecx; div ecx: #DE
mkelf "$T/stuck.elf" 4096 b8 ff ff ff ff 0f 3f 01     # IDLE with no timeout, nothing to wake it
# full_in: IN EAX from 0xD001 (the guest looks at its input), then IDLE forever with no line in
# irq_mask: input can never wake it.
mkelf "$T/full_in.elf" 4096 ba 01 d0 00 00  ed  b8 ff ff ff ff  0f 3f 01
# Console-input waiters. Both first set irq_mask = 2 (line 1, CONSOLE_IN): mov dword [0x28], 2.
# poll_in: loop { if (IN EAX, 0xD001) != 0 then TERMINATE 5; IDLE forever }
mkelf "$T/poll_in.elf" 4096 c7 05 28 00 00 00 02 00 00 00 \
	ba 01 d0 00 00  ed  85 c0  75 0a  b8 ff ff ff ff  0f 3f 01  eb ec  b8 05 00 00 00 0f 3f 02
# wait_in: loop { IDLE forever } until IDLE reports an event (EAX = 0); then TERMINATE 5
mkelf "$T/wait_in.elf" 4096 c7 05 28 00 00 00 02 00 00 00 \
	b8 ff ff ff ff  0f 3f 01  85 c0  75 f4  b8 05 00 00 00 0f 3f 02
# first_in: its first device access is IN EAX from 0xD001; it prints every status it reads as
# 8 hex digits and a space, takes the bytes waiting, IDLEs for line 1 when none wait, and at the
# first status with bit 31 (end of input) prints a newline and TERMINATEs with 0:
#   top:  mov edx, 0xD001; in eax, dx; mov ebx, eax; print ebx (rol ebx, 4 eight times)
#         test ebx, ebx; js end; jnz take
#         mov dword [0x28], 2; IDLE forever; mov dword [0x24], 2; jmp top
#   take: mov ecx, ebx; 1: in al, dx; loop 1b; jmp top
#   end:  out '\n'; TERMINATE 0
mkelf "$T/first_in.elf" 4096 ba 01 d0 00 00  ed  89 c3  b9 08 00 00 00  ba 00 d0 00 00 \
	c1 c3 04  89 d8  83 e0 0f  3c 0a  72 02  04 07  04 30  ee  e2 ed  b0 20  ee \
	85 db  78 27  75 1e  c7 05 28 00 00 00 02 00 00 00  b8 ff ff ff ff  0f 3f 01 \
	c7 05 24 00 00 00 02 00 00 00  eb b4  89 d9  ec  e2 fd  eb ad  b0 0a  ee  31 c0  0f 3f 02

run --help
if [ "$rc" -ne 0 ] || [ ! -s "$T/out" ]; then
	echo "run.sh: 'denali --help' failed; cannot check the usage text" >&2
	exit 2
fi
cp "$T/out" "$T/usage"

# --- bad command lines -------------------------------------------------------------------------

# usage_error NAME THING TEXT ARGS...: exit 2, nothing on stdout, "denali: THING: ..." holding
# TEXT as the only line before the usage text on stderr.
usage_error() {
	ue_name=$1 ue_thing=$2 ue_text=$3
	shift 3
	run "$@"
	ue_line=$(first_err)
	if [ "$rc" -ne 2 ]; then
		bad "$ue_name" "exit $rc, want 2 (stderr: $ue_line)"
	elif [ -s "$T/out" ]; then
		bad "$ue_name" "wrote to stdout: $(head -n 1 "$T/out")"
	else
		case "$ue_line" in
		"denali: $ue_thing: "*"$ue_text"*)
			if [ "$(tail -n +2 "$T/err")" = "$(cat "$T/usage")" ]; then
				ok "$ue_name"
			else
				bad "$ue_name" "stderr is not one line then the usage text"
			fi ;;
		*) bad "$ue_name" "first stderr line '$ue_line', want 'denali: $ue_thing: ...$ue_text...'" ;;
		esac
	fi
}

usage_error "an unknown option is named" --frobnicate "unknown option" run --frobnicate "$HELLO"
usage_error "an unknown short option is named" -x "unknown option" run -x "$HELLO"
usage_error "an unknown option after the image is named" --memory "unknown option" run "$HELLO" --memory 1M
usage_error "--mem 12 (bytes, not a 4K multiple) is refused" --mem "'12'" run --mem 12 "$HELLO"
usage_error "--mem 5G (above 3G) is refused" --mem "'5G'" run --mem 5G "$HELLO"
usage_error "--mem abc is not a size" --mem "'abc'" run --mem abc "$HELLO"
usage_error "--mem 66K (not a 4K multiple) is refused" --mem "'66K'" run --mem 66K "$HELLO"
usage_error "--mem 60K (below 64K) is refused" --mem "'60K'" run --mem 60K "$HELLO"
usage_error "--mem 3145732K (3G + 4K) is refused" --mem "'3145732K'" run --mem 3145732K "$HELLO"
usage_error "--mem 0 is refused" --mem "'0'" run --mem 0 "$HELLO"
usage_error "--mem -64K is refused" --mem "'-64K'" run --mem -64K "$HELLO"
usage_error "--mem= (empty) is refused" --mem "''" run --mem= "$HELLO"
usage_error "--mem 16X (unknown suffix) is refused" --mem "'16X'" run --mem 16X "$HELLO"
usage_error "--mem with no value says it needs one" --mem "needs a value" run "$HELLO" --mem
usage_error "--max-insns 0 is refused" --max-insns "'0'" run --max-insns 0 "$HELLO"
usage_error "--max-insns -3 is refused" --max-insns "'-3'" run --max-insns -3 "$HELLO"
usage_error "--max-insns x is refused" --max-insns "'x'" run --max-insns x "$HELLO"
usage_error "--max-insns 1.5 is refused" --max-insns "'1.5'" run --max-insns 1.5 "$HELLO"
usage_error "--max-insns beyond 64 bits is refused" --max-insns "'18446744073709551616'" \
	run --max-insns 18446744073709551616 "$HELLO"
usage_error "--max-insns with no value says it needs one" --max-insns "needs a value" run "$HELLO" --max-insns
usage_error "--quantum 0 is refused" --quantum "'0'" run --quantum 0 "$HELLO"
usage_error "--quantum 4294967296 is refused" --quantum "'4294967296'" run --quantum 4294967296 "$HELLO"
long=$(head -c 256 /dev/zero | tr '\0' a)
usage_error "--args of 256 bytes is refused" --args "255 bytes" run --args "$long" "$HELLO"
usage_error "--args=... of 256 bytes is refused" --args "255 bytes" run "--args=$long" "$HELLO"
cp "$HELLO" "$T/second.elf"
usage_error "a second image is named" "$T/second.elf" "only one IMAGE" run "$HELLO" "$T/second.elf"
usage_error "no image is refused" run "no IMAGE" run
usage_error "no image, with options, is refused" run "no IMAGE" run --mem 1M --args x
usage_error "an unknown command is named" frobnicate "unknown command" frobnicate "$HELLO"

run
if [ "$rc" -eq 2 ] && [ ! -s "$T/out" ] && contains "$T/err" "$(head -n 1 "$T/usage")"; then
	ok "no command at all gives exit 2 and the usage on stderr"
else
	bad "no command at all gives exit 2 and the usage on stderr" "exit $rc"
fi

run run --trace "$T/no/such/dir/trace" "$HELLO"
case "$(first_err)" in
"denali: --trace: "*)
	if [ "$rc" -eq 2 ] && [ "$(lines "$T/err")" -eq 1 ] && [ ! -s "$T/out" ]; then
		ok "an unwritable --trace file is one line naming --trace, exit 2"
	else
		bad "an unwritable --trace file is one line naming --trace, exit 2" "exit $rc, $(lines "$T/err") stderr lines"
	fi ;;
*) bad "an unwritable --trace file is one line naming --trace, exit 2" "stderr: $(first_err)" ;;
esac

# --- help and version ----------------------------------------------------------------------------

for args in "--help" "-h" "help" "run --help" "run -h" "run --mem 1M --help"; do
	# shellcheck disable=SC2086 # the words are meant to split
	run $args
	if [ "$rc" -eq 0 ] && [ ! -s "$T/err" ] && [ "$(cat "$T/out")" = "$(cat "$T/usage")" ] &&
		[ "$(head -c 18 "$T/out")" = "usage: denali run " ]; then
		ok "'denali $args' prints the usage on stdout, exit 0"
	else
		bad "'denali $args' prints the usage on stdout, exit 0" "exit $rc, stderr: $(first_err)"
	fi
done
if contains "$T/usage" "--max-insns" && contains "$T/usage" "--trace" && contains "$T/usage" "--mem" &&
	contains "$T/usage" "--args" && contains "$T/usage" "--quantum" && contains "$T/usage" "124"; then
	ok "the usage names every option and exit 124"
else
	bad "the usage names every option and exit 124" "$(cat "$T/usage")"
fi

for args in "--version" "version" "run --version"; do
	# shellcheck disable=SC2086
	run $args
	if [ "$rc" -eq 0 ] && [ ! -s "$T/err" ] && [ "$(lines "$T/out")" -eq 1 ] &&
		[ "$(head -c 7 "$T/out")" = "denali " ]; then
		ok "'denali $args' prints one version line, exit 0"
	else
		bad "'denali $args' prints one version line, exit 0" "exit $rc, stdout: $(head -n 1 "$T/out")"
	fi
done

# --- refused images ------------------------------------------------------------------------------

# refused NAME FILE TEXT ARGS...: exit 1, nothing on stdout, exactly one stderr line
# "denali: FILE: ..." holding TEXT.
refused() {
	rf_name=$1 rf_file=$2 rf_text=$3
	shift 3
	run "$@"
	rf_line=$(first_err)
	if [ "$rc" -ne 1 ]; then
		bad "$rf_name" "exit $rc, want 1 (stderr: $rf_line)"
	elif [ -s "$T/out" ]; then
		bad "$rf_name" "wrote to stdout: $(head -n 1 "$T/out")"
	elif [ "$(lines "$T/err")" -ne 1 ]; then
		bad "$rf_name" "$(lines "$T/err") lines on stderr, want 1"
	else
		case "$rf_line" in
		"denali: $rf_file: "*"$rf_text"*) ok "$rf_name" ;;
		*) bad "$rf_name" "stderr '$rf_line', want 'denali: $rf_file: ...$rf_text...'" ;;
		esac
	fi
}

refused "a missing image is refused" "$T/missing.elf" "No such file" run "$T/missing.elf"
printf 'this is not a guest\n' >"$T/text.elf"
refused "a text file is refused as not ELF" "$T/text.elf" "ELF" run "$T/text.elf"
head -c 100 "$HELLO" >"$T/short.elf"
refused "the first 100 bytes of hello are refused as truncated" "$T/short.elf" "truncated" run "$T/short.elf"
head -c 1000 "$HELLO" >"$T/short1000.elf"
refused "the first 1000 bytes of hello are refused as truncated" "$T/short1000.elf" "truncated" run "$T/short1000.elf"
if [ "$(od -An -tx1 -N5 /bin/true | tr -d ' ')" = "7f454c4602" ]; then
	refused "a 64-bit ELF (/bin/true) is refused" /bin/true "32-bit" run /bin/true
else
	skip "a 64-bit ELF (/bin/true) is refused" "/bin/true is not an ELF64 file here"
fi
mkdir "$T/dir.elf"
refused "a directory is refused" "$T/dir.elf" "" run "$T/dir.elf"
refused "an image above --mem 64K is refused by name" "$T/far.elf" "mem_size" run --mem 64K "$T/far.elf"

# --- good runs -----------------------------------------------------------------------------------

# status NAME WANT ARGS...: the run exits WANT.
status() {
	st_name=$1 st_want=$2
	shift 2
	run "$@"
	if [ "$rc" -eq "$st_want" ]; then
		ok "$st_name"
	else
		bad "$st_name" "exit $rc, want $st_want (stderr: $(first_err))"
	fi
}

# runs NAME TEXT ARGS...: exit 0, TEXT on stdout, nothing on stderr.
runs() {
	rn_name=$1 rn_text=$2
	shift 2
	run "$@"
	if [ "$rc" -ne 0 ]; then
		bad "$rn_name" "exit $rc, want 0 (stderr: $(first_err))"
	elif [ -s "$T/err" ]; then
		bad "$rn_name" "stderr: $(first_err)"
	elif ! contains "$T/out" "$rn_text"; then
		bad "$rn_name" "stdout does not hold '$rn_text': $(cat "$T/out")"
	else
		ok "$rn_name"
	fi
}

runs "hello greets" "Hello from Denali VM 0!" run "$HELLO"
runs "hello prints its --args" "args: one two" run --args "one two" "$HELLO"
runs "hello prints its --args=..." "args: x=y z" run "--args=x=y z" "$HELLO"
runs "options after the image count" "args: after" run "$HELLO" --args after
long255=$(head -c 255 /dev/zero | tr '\0' b)
runs "--args of 255 bytes reaches the guest whole" "args: $long255" run --args "$long255" "$HELLO"
runs "--mem 100K (a 4K multiple) is accepted" "Hello" run --mem 100K "$HELLO"
runs "--mem 64K, the minimum, is accepted" "Hello" run --mem 64K "$HELLO"
runs "--mem 3G, the maximum, is accepted" "Hello" run --mem 3G "$HELLO"
runs "--mem 1048576 (plain bytes) is accepted" "Hello" run --mem 1048576 "$HELLO"
runs "--quantum 1 gives the same run" "args: q" run --quantum 1 --args q "$HELLO"

status "TERMINATE 42 becomes exit status 42" 42 run "$T/st42.elf"
status "TERMINATE 0 becomes exit status 0" 0 run "$T/st0.elf"
status "TERMINATE 255 becomes exit status 255" 255 run "$T/st255.elf"
status "TERMINATE uses only EAX & 0xFF (0x12345607 gives 7)" 7 run "$T/st_high.elf"
status "an image at 64K runs with the default --mem" 42 run "$T/far.elf"
if [ -e "$B/guests/t_terminate.elf" ]; then
	status "t_terminate's return value 42 comes back as the exit status" 42 run "$B/guests/t_terminate.elf"
else
	skip "t_terminate's return value comes back as the exit status" "$B/guests/t_terminate.elf not built"
fi

run run "$T/pf.elf"
if [ "$rc" -eq 142 ] && contains "$T/err" "vector 14"; then
	ok "a write to the magic register with no handler exits 128 + 14 with a diagnostic"
else
	bad "a write to the magic register with no handler exits 128 + 14 with a diagnostic" "exit $rc, stderr: $(first_err)"
fi
run run "$T/de.elf"
if [ "$rc" -eq 128 ] && contains "$T/err" "vector 0"; then
	ok "a divide by zero with no handler exits 128 + 0 with a diagnostic"
else
	bad "a divide by zero with no handler exits 128 + 0 with a diagnostic" "exit $rc, stderr: $(first_err)"
fi
run run "$T/stuck.elf"
if [ "$rc" -eq 125 ] && contains "$T/err" "stuck"; then
	ok "IDLE with nothing to wake it exits 125 naming the stuck VM"
else
	bad "IDLE with nothing to wake it exits 125 naming the stuck VM" "exit $rc, stderr: $(first_err)"
fi

# A guest idling for console input while the host's stdin is still open must wait for it (the
# input arrives after a second), not spin through IDLE nor be declared stuck. The limit stops a
# spinning guest long before the input comes.
(sleep 1; echo hi) | "$D" run --max-insns 1000000 "$T/poll_in.elf" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 5 ]; then
	ok "a guest that reads the console and IDLEs for more input waits for it without spinning"
else
	bad "a guest that reads the console and IDLEs for more input waits for it without spinning" \
		"exit $rc, want 5: $(first_err)"
fi
(sleep 1; echo hi) | "$D" run --max-insns 1000000 "$T/wait_in.elf" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 5 ]; then
	ok "a guest IDLE with CONSOLE_IN in irq_mask is woken by input, not called stuck"
else
	bad "a guest IDLE with CONSOLE_IN in irq_mask is woken by input, not called stuck" \
		"exit $rc, want 5: $(first_err)"
fi

# A guest that looked at its input and idles with line 1 masked while its ring is full: more
# input could change nothing, so the run is stuck (125) at once, not waiting on stdin for ever.
(head -c 1000 /dev/zero; sleep 20) | timeout 10 "$D" run "$T/full_in.elf" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 125 ] && contains "$T/err" "stuck"; then
	ok "a guest idling for ever with a full console ring and line 1 masked is stuck, not waited for"
else
	bad "a guest idling for ever with a full console ring and line 1 masked is stuck" "exit $rc, stderr: $(first_err)"
fi

# Console input is known from the guest's first read (DVA-1 section 7): bit 31 at once when stdin
# is already at its end, else the bytes waiting, and bit 31 as soon as they are taken; never a 0
# that sends the guest to IDLE for a line 1 that no input will raise. The limit turns a guest
# that spins into exit 124; one stuck in IDLE exits 125.
# first_in WHAT WANT: first_in.elf on the caller's stdin must print WANT and exit 0.
first_in() {
	"$D" run --max-insns 1000000 "$T/first_in.elf" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$(cat "$T/out")" = "$2" ]; then
		ok "console status from the first read, stdin $1: $2"
	else
		bad "console status from the first read, stdin $1" \
			"exit $rc, statuses '$(cat "$T/out")', want '$2': $(first_err)"
	fi
}
: >"$T/empty"
printf abc >"$T/abc"
head -c 300 /dev/zero >"$T/300"
first_in "/dev/null" "80000000 " </dev/null
first_in "an empty file" "80000000 " <"$T/empty"
first_in "a 3-byte file" "00000003 80000000 " <"$T/abc"
# More than the console's 256-byte ring: the ring is filled again as the guest empties it, so
# the guest never reads 0 while the file still holds bytes.
first_in "a 300-byte file" "00000100 0000002C 80000000 " <"$T/300"
# dash writes a small here-document into a pipe and closes it before the command starts (bash
# 5.1 does too; other shells use a file): a pipe already at its end, with and without bytes.
first_in "an empty here-document" "80000000 " <<END
END
first_in "a here-document" "00000004 80000000 " <<END
abc
END
# A pipe still open with nothing in it: 0, not the end; the end a second later raises line 1,
# which wakes the guest to read bit 31.
(sleep 1) | "$D" run --max-insns 1000000 "$T/first_in.elf" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 0 ] && [ "$(cat "$T/out")" = "00000000 80000000 " ]; then
	ok "console status from the first read, an open pipe: 0, then bit 31 when it closes"
else
	bad "console status from the first read, an open pipe: 0, then bit 31 when it closes" \
		"exit $rc, statuses '$(cat "$T/out")': $(first_err)"
fi

# --max-insns: checksum runs far longer than 100 instructions.
run run --max-insns 100 "$CHECKSUM"
if [ "$rc" -eq 124 ] && [ "$(lines "$T/err")" -eq 1 ] && contains "$T/err" "--max-insns" &&
	contains "$T/err" " 100 instructions"; then
	ok "--max-insns 100 stops checksum with exit 124 and one line on stderr"
else
	bad "--max-insns 100 stops checksum with exit 124 and one line on stderr" "exit $rc, stderr: $(first_err)"
fi
status "--max-insns 1 stops a two-instruction guest (exit 124)" 124 run --max-insns 1 "$T/st42.elf"
status "--max-insns 2 lets a two-instruction guest finish (TERMINATE retires)" 42 run --max-insns 2 "$T/st42.elf"

# --- --trace -------------------------------------------------------------------------------------

# trace_shape FILE: every line starts with an 8-hex-digit EIP and two spaces.
trace_shape() {
	[ -s "$1" ] &&
		[ -z "$(cut -c1-8 "$1" | tr -d '0-9a-f\n')" ] &&
		[ "$(cut -c1-8 "$1" | tr -d '\n' | wc -c)" -eq $((8 * $(lines "$1"))) ] &&
		[ "$(cut -c9-10 "$1" | tr -d '\n')" = "$(head -c $((2 * $(lines "$1"))) /dev/zero | tr '\0' ' ')" ]
}

run run --trace "$T/t2" "$T/st42.elf"
if [ "$rc" -eq 42 ] && trace_shape "$T/t2" && [ "$(lines "$T/t2")" -eq 2 ] &&
	[ "$(cut -c1-8 "$T/t2" | tr '\n' ' ')" = "00001000 00001005 " ]; then
	ok "--trace writes exactly one line per instruction of a two-instruction guest, EIP first"
else
	bad "--trace writes exactly one line per instruction of a two-instruction guest, EIP first" \
		"exit $rc, trace: $(tr '\n' '|' <"$T/t2" 2>/dev/null)"
fi

run run --args "t r" "$HELLO"
cp "$T/out" "$T/plain.out"
run run --trace "$T/trace" --args "t r" "$HELLO"
n=0
[ -f "$T/trace" ] && n=$(lines "$T/trace")
if [ "$rc" -eq 0 ] && trace_shape "$T/trace" && [ "$n" -gt 100 ] &&
	[ "$(cat "$T/out")" = "$(cat "$T/plain.out")" ] && [ ! -s "$T/err" ]; then
	ok "--trace on hello writes $n well-formed lines and leaves its output alone"
	# The guest retires exactly as many instructions as there are lines: with a limit one
	# short it must stop (and say after how many), with exactly that limit it must finish.
	run run --max-insns "$n" --args "t r" "$HELLO"
	rc_at=$rc
	run run --max-insns $((n - 1)) --args "t r" "$HELLO"
	if [ "$rc_at" -eq 0 ] && [ "$rc" -eq 124 ] && contains "$T/err" " $((n - 1)) instructions"; then
		ok "hello retires exactly as many instructions as --trace wrote lines ($n)"
	else
		bad "hello retires exactly as many instructions as --trace wrote lines ($n)" \
			"--max-insns $n exits $rc_at, --max-insns $((n - 1)) exits $rc: $(first_err)"
	fi
else
	bad "--trace on hello writes well-formed lines and leaves its output alone" \
		"exit $rc, $n lines, stderr: $(first_err)"
fi

run run --trace - "$T/st42.elf"
cp "$T/err" "$T/t_stderr"
if [ "$rc" -eq 42 ] && trace_shape "$T/t_stderr" && [ "$(lines "$T/t_stderr")" -eq 2 ] && [ ! -s "$T/out" ]; then
	ok "--trace - writes the trace to stderr"
else
	bad "--trace - writes the trace to stderr" "exit $rc, stderr: $(first_err)"
fi

# --- host input: --console-in, --record, --replay; devices ----------------------------------------

STAMP=$B/guests/c_stamp.elf
# one_line NAME WANT_RC TEXT: the last run exited WANT_RC with one line on stderr holding TEXT.
one_line() {
	if [ "$rc" -eq "$2" ] && [ "$(lines "$T/err")" -eq 1 ] && contains "$T/err" "$3"; then
		ok "$1"
	else
		bad "$1" "exit $rc (want $2), stderr: $(tr '\n' '|' <"$T/err")"
	fi
}
if [ ! -e "$STAMP" ]; then
	skip "host input: --console-in, --record, --replay" "$STAMP not built"
else
	# --console-in N: the input goes to VM N; every other VM's console input has ended.
	printf 'hi\n' | "$D" run --vms 3 --console-in 2 --console prefix "$STAMP" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq 0 ] && grep -q '^\[vm 2\] hi @[0-9]*$' "$T/out" &&
		[ "$(grep -c 'hi @' "$T/out")" -eq 1 ] && [ "$(grep -c '\] end @' "$T/out")" -eq 3 ]; then
		ok "--console-in 2 gives stdin to VM 2 alone; VMs 0 and 1 see their input end at once"
	else
		bad "--console-in 2 gives stdin to VM 2 alone" "exit $rc, out: $(tr '\n' '|' <"$T/out") err: $(first_err)"
	fi
	printf 'hi\n' | "$D" run --vms 3 --console prefix "$STAMP" >"$T/out" 2>"$T/err"
	if grep -q '^\[vm 0\] hi @' "$T/out" && [ "$(grep -c 'hi @' "$T/out")" -eq 1 ]; then
		ok "without --console-in, VM 0 takes stdin"
	else
		bad "without --console-in, VM 0 takes stdin" "out: $(tr '\n' '|' <"$T/out")"
	fi
	run run --vms 3 --console-in 3 "$STAMP"
	one_line "--console-in 3 of a 3-VM run is refused in one line naming the VM" 2 "VM 3 does not exist"
	run run --console-in x "$STAMP"
	if [ "$rc" -eq 2 ] && contains "$T/err" "denali: --console-in: 'x' is not"; then
		ok "--console-in x is refused naming the option"
	else
		bad "--console-in x is refused naming the option" "exit $rc, stderr: $(first_err)"
	fi

	# --record: input that arrives while the guest runs, at host-decided moments, so the times
	# the guest prints differ from run to run; --replay gives the same bytes again, stdin unread.
	(sleep 0.3; printf 'ab\n'; sleep 0.3; printf 'cd\n') |
		"$D" run --record "$T/rec" --stats "$T/s1" "$STAMP" >"$T/rec.out" 2>"$T/err"
	rc_rec=$?
	printf 'zz\n' | "$D" run --replay "$T/rec" --stats "$T/s2" "$STAMP" >"$T/rep.out" 2>"$T/rep.err"
	rc_rep=$?
	if [ "$rc_rec" -eq 0 ] && [ "$rc_rep" -eq 0 ] && grep -q '^ab @' "$T/rec.out" && grep -q '^cd @' "$T/rec.out" &&
		cmp -s "$T/rec.out" "$T/rep.out" && cmp -s "$T/s1/vms.csv" "$T/s2/vms.csv" && [ ! -s "$T/rep.err" ]; then
		ok "--replay of a run fed console input gives its output and vms.csv byte for byte, stdin unread"
	else
		bad "--replay of a run fed console input gives the same bytes" \
			"exit $rc_rec/$rc_rep, recorded '$(tr '\n' '|' <"$T/rec.out")', replayed '$(tr '\n' '|' <"$T/rep.out")' $(head -n 1 "$T/rep.err")"
	fi
	if [ "$(head -n 1 "$T/rec")" = "denali-record 1" ] && grep -q '^input [0-9]* [0-9]* 3 61620a$' "$T/rec" &&
		grep -q '^end [0-9]* [0-9]*$' "$T/rec" && grep -q '^quantum 100000$' "$T/rec" &&
		grep -q '^group main image fnv1a64:[0-9a-f]\{16\}$' "$T/rec"; then
		ok "the record names the format, the run's options and image, and each input with its point"
	else
		bad "the record's shape" "$(tr '\n' '|' <"$T/rec")"
	fi

	# A record of another run is refused before anything runs, naming the difference.
	run run --replay "$T/rec" --quantum 5000 "$STAMP"
	one_line "--replay with another --quantum is refused: recorded with quantum 100000, this run has 5000" 1 \
		"not a record of this run: recorded with quantum 100000, this run has 5000"
	[ -s "$T/out" ] && bad "a refused replay runs nothing" "stdout: $(cat "$T/out")"
	run run --replay "$T/rec" "$HELLO"
	one_line "--replay with another image is refused naming the group's image" 1 "recorded with group main image fnv1a64:"
	run run --replay "$T/rec" --seed 7 "$STAMP"
	one_line "--replay with another --seed is refused naming the seed" 1 "recorded with seed 0x"
	printf 'not a record\n' >"$T/bogus"
	run run --replay "$T/bogus" "$STAMP"
	one_line "--replay of a file that is not a record is refused" 1 "not a denali record"
	sed 's/^input \([0-9]*\) \([0-9]*\) 3 .*/input \1 \2 3 zz/' "$T/rec" >"$T/badhex"
	run run --replay "$T/badhex" "$STAMP"
	one_line "--replay of a record with bad bytes is refused naming the line" 1 "the bytes are not 3 in hex"
	run run --replay "$T/missing" "$STAMP"
	one_line "--replay of a missing file is refused" 2 "cannot open"
	# A record whose first input lies at a point the run passes without taking it: the run
	# leaves the record, says so once, and exits 1 (its console input ends: nothing waits).
	awk '/^input/ && !done { $3 = 1; done = 1 } { print }' "$T/rec" >"$T/early"
	run run --replay "$T/early" "$STAMP"
	if [ "$rc" -eq 1 ] && [ "$(grep -c 'left the record' "$T/err")" -eq 1 ]; then
		ok "a replay that leaves its record says so once and exits 1"
	else
		bad "a replay that leaves its record says so once and exits 1" "exit $rc, stderr: $(tr '\n' '|' <"$T/err")"
	fi
	# A run stopped by a signal or by --max-insns: the record says where, and its replay stops
	# there too, with the same output and exit status (the guest polls with a timeout, so
	# without the stop entry the replay would run on for ever).
	(printf 'ab\n'; sleep 3) | timeout --preserve-status -s INT 1 "$D" run --record "$T/sig.rec" "$STAMP" \
		>"$T/sig.out" 2>"$T/err"
	rc_rec=$?
	timeout 20 "$D" run --replay "$T/sig.rec" "$STAMP" </dev/null >"$T/sigr.out" 2>"$T/sigr.err"
	rc_rep=$?
	if [ "$rc_rec" -eq 130 ] && [ "$rc_rep" -eq 130 ] && grep -q '^stop [0-9]* [0-9]* 130$' "$T/sig.rec" &&
		cmp -s "$T/sig.out" "$T/sigr.out" && grep -q '^ab @' "$T/sig.out" && contains "$T/sigr.err" "was stopped here"; then
		ok "a run stopped by SIGINT replays to the same point: same output, exit 130"
	else
		bad "a run stopped by SIGINT replays to the same point" \
			"exit $rc_rec/$rc_rep, out '$(tr '\n' '|' <"$T/sig.out")' / '$(tr '\n' '|' <"$T/sigr.out")', $(head -n 1 "$T/sigr.err")"
	fi
	(printf 'ab\n'; sleep 1; printf 'cd\n') | "$D" run --record "$T/lim.rec" --max-insns 300000 "$STAMP" >"$T/lim.out" 2>"$T/err"
	rc_rec=$?
	timeout 20 "$D" run --replay "$T/lim.rec" "$STAMP" </dev/null >"$T/limr.out" 2>"$T/err"
	rc_rep=$?
	if [ "$rc_rec" -eq 124 ] && [ "$rc_rep" -eq 124 ] && cmp -s "$T/lim.out" "$T/limr.out" &&
		grep -q "^stop [0-9]* 300000 124$" "$T/lim.rec"; then
		ok "a run stopped by --max-insns replays to the same point without the option: exit 124"
	else
		bad "a run stopped by --max-insns replays to the same point" "exit $rc_rec/$rc_rep: $(first_err)"
	fi
	# A record that cannot be written is said in one line and fails the run.
	if [ -w /dev/full ]; then
		printf 'x\n' | "$D" run --record /dev/full "$STAMP" >"$T/out" 2>"$T/err"
		rc=$?
		one_line "--record to a file that cannot be written is refused in one line" 2 "--record /dev/full: cannot write"
	fi
	# A run refused for another reason leaves an existing record alone.
	cp "$T/rec" "$T/keep.rec"
	run run --record "$T/keep.rec" --trace "$T/no/such/dir/t" "$STAMP"
	if [ "$rc" -eq 2 ] && cmp -s "$T/rec" "$T/keep.rec"; then
		ok "a run refused before it starts leaves its --record file as it was"
	else
		bad "a run refused before it starts leaves its --record file as it was" "exit $rc: $(first_err)"
	fi
	run run --console-in 0 -o main.devices=timer "$STAMP"
	one_line "--console-in naming a VM without a console is refused" 2 "VM 0 has no console"
	run run --record "$T/r2" --clock host "$STAMP"
	one_line "--record with --clock host is refused: it needs the deterministic clock" 2 "needs the deterministic clock"
	run run --record "$T/r2" --replay "$T/rec" "$STAMP"
	one_line "--record with --replay is refused" 2 "not both"
	run run --record "$T/no/such/dir/r" "$STAMP"
	one_line "--record into a missing directory is refused" 2 "cannot create"
fi

# SIGINT or SIGTERM ends the run between two instructions: its output so far and --stats are
# written, and the status is 128 + the signal. A guest that writes 'x' then spins for ever.
mkelf "$T/spin_x.elf" 4096 b0 78  ba 00 d0 00 00  ee  eb fe
for sig in INT TERM; do
	want=130
	[ "$sig" = TERM ] && want=143
	rm -rf "$T/sig"
	timeout --preserve-status -s "$sig" 1 "$D" run --stats "$T/sig" "$T/spin_x.elf" </dev/null >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq "$want" ] && [ "$(cat "$T/out")" = "x" ] && contains "$T/err" "interrupted (signal" &&
		[ -s "$T/sig/summary.json" ] && grep -q '^0,' "$T/sig/vms.csv"; then
		ok "SIG$sig ends a spinning run with exit $want, its output and its statistics written"
	else
		bad "SIG$sig ends a spinning run with exit $want, its output and its statistics written" \
			"exit $rc, out '$(cat "$T/out")', stderr: $(first_err), stats: $(ls "$T/sig" 2>&1 | tr '\n' ' ')"
	fi
done
# A guest idling for input that never comes (a pipe kept open) is interrupted in its wait.
(sleep 5) | timeout --preserve-status -s INT 1 "$D" run "$T/poll_in.elf" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 130 ] && contains "$T/err" "interrupted"; then
	ok "SIGINT ends a run waiting in poll for host input"
else
	bad "SIGINT ends a run waiting in poll for host input" "exit $rc, stderr: $(first_err)"
fi

# The network (devices = ...,net): VM 0 broadcasts, the others answer it by unicast through the
# switch; every status of the device shows in the output, and two runs give the same bytes.
NET=$B/guests/c_net.elf
if [ -e "$NET" ]; then
	run run --vms 3 -o main.devices=console,timer,net --console prefix "$NET"
	cp "$T/out" "$T/net1.out"
	run run --vms 3 -o main.devices=console,timer,net --console prefix "$NET"
	if [ "$rc" -eq 0 ] && cmp -s "$T/out" "$T/net1.out" &&
		grep -q '^\[vm 0\] vm 0 devices 0xf$' "$T/out" &&
		[ "$(grep -c 'short send status 3$' "$T/out")" -eq 3 ] &&
		grep -q '^\[vm 0\] empty recv status 2$' "$T/out" &&
		grep -q "^\[vm 1\] got 'hello from 0' from 00$" "$T/out" &&
		grep -q "^\[vm 2\] got 'hello from 0' from 00$" "$T/out" &&
		grep -q "^\[vm 0\] got 'answer from [12]' from 0[12]$" "$T/out" &&
		grep -q '^\[vm 1\] recv status 0, 26 of 26 bytes$' "$T/out"; then
		ok "three VMs on the switch: a broadcast reaches the others, their unicast answer comes back"
	else
		bad "three VMs on the switch: broadcast and unicast answers" "exit $rc: $(tr '\n' '|' <"$T/out") $(first_err)"
	fi
	# The network's counters, per VM and in all: VM 0 sent its broadcast twice (the first found
	# the others' NICs not up), each other VM received one and answered once.
	run run --vms 3 -o main.devices=console,timer,net --console none --stats "$T/ns" "$NET"
	if [ "$rc" -eq 0 ] && [ "$(cut -d, -f17-25 "$T/ns/vms.csv" | tr '\n' ' ')" = \
		"net_tx_frames,net_tx_bytes,net_rx_frames,net_rx_bytes,net_drops_rx_full,net_drops_spoofed,net_drops_unknown,net_drops_not_up,net_drops_too_long 2,52,1,27,0,0,0,0,0 1,27,1,26,0,0,0,1,0 1,27,1,26,0,0,0,1,0 " ] &&
		grep -q '"net": { "tx_frames": 4, "tx_bytes": 106, "rx_frames": 3, "rx_bytes": 79,' "$T/ns/summary.json" &&
		grep -q '"drops_not_up": 2, "drops_too_long": 0,' "$T/ns/summary.json"; then
		ok "vms.csv and summary.json count each VM's frames, bytes and drops, and the totals"
	else
		bad "vms.csv and summary.json count the network" "$(cut -d, -f1,17-25 "$T/ns/vms.csv" | tr '\n' ' ') $(grep -A1 '"net"' "$T/ns/summary.json" | tr '\n' ' ')"
	fi
	run run -o main.devices=console,timer "$NET"
	if [ "$rc" -eq 141 ] && grep -q 'devices 0x3$' "$T/out"; then
		ok "without net in devices the NIC port is #GP(0) and page 0 says so"
	else
		bad "without net in devices the NIC port is #GP(0)" "exit $rc: $(first_err)"
	fi
else
	skip "the network" "$NET not built"
fi

# devices: a group's VMs get the devices it lists; page 0's devices word follows.
run run -o main.devices=timer "$HELLO"
if [ "$rc" -eq 141 ] && contains "$T/err" "vector 13" && [ ! -s "$T/out" ]; then
	ok "a VM without a console gets #GP(0) on its first console write (exit 128 + 13)"
else
	bad "a VM without a console gets #GP(0) on its first console write" "exit $rc, stderr: $(first_err)"
fi
status "devices = console,timer is the default: hello runs" 0 run -o main.devices=console,timer "$HELLO"
run run -o main.devices=console,disk "$HELLO"
one_line "devices naming an unknown device is refused" 2 "'disk' is not a device (console, timer, net, keyboard, display)"
run run -o main.devices=timer,timer "$HELLO"
one_line "devices naming a device twice is refused" 2 "names timer twice"

# --- the progress line --------------------------------------------------------------------------
# --progress shows VMs created, resident, swapped, idle and done; without a budget, created, idle
# and done. The last line is the run's end.
IDLE=$B/bench/guests/idle.elf
if [ -e "$IDLE" ]; then
	run run --vms 300 --mem 64K --console none --mem-budget 100K --progress --args "4 1000" "$IDLE"
	last=$(tr '\r' '\n' <"$T/err" | grep 'denali:' | tail -n 1)
	swapped=$(tr '\r' '\n' <"$T/err" | grep -c ' [1-9][0-9]* swapped')
	case "$last" in
	"denali: 300 created, 0 resident, 0 swapped, 0 idle, 300/300 done,"*)
		if [ "$rc" -eq 0 ] && [ "$swapped" -ge 1 ]; then
			ok "--progress with --mem-budget: created, resident, swapped, idle, done"
		else
			bad "--progress with --mem-budget" "exit $rc, no line with VMs swapped out"
		fi ;;
	*) bad "--progress with --mem-budget" "exit $rc, last line '$last'" ;;
	esac
	run run --vms 3 --mem 64K --console none --progress --args "4 1000" "$IDLE"
	last=$(tr '\r' '\n' <"$T/err" | grep 'denali:' | tail -n 1)
	case "$last" in
	"denali: 3 created, 0 idle, 3/3 done,"*) ok "--progress without a budget: created, idle, done" ;;
	*) bad "--progress without a budget" "exit $rc, last line '$last'" ;;
	esac
	run run --vms 2 --mem 64K --mem-budget 1M --swap "$T/no/such/dir/swap" "$IDLE"
	one_line "--swap in a directory that does not exist is refused" 2 "denali: --swap $T/no/such/dir/swap: cannot open: No such file or directory"
else
	skip "the progress line" "$IDLE not built"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
