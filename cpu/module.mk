# cpu/: decode, decoded-instruction cache, execute loop, one file per instruction group.
CPU_SRCS := cpu/optable.c cpu/decode.c cpu/cache.c cpu/exec.c cpu/exception.c cpu/diag.c cpu/fast.c cpu/debug.c \
	cpu/alu.c cpu/muldiv.c cpu/bcd.c cpu/datamov.c \
	cpu/shift.c cpu/bits.c cpu/string.c cpu/stack.c cpu/branch.c \
	cpu/interrupt.c cpu/system.c

# --- x87 ------------------------------------------------------------------------------------------
# The FPU's handlers, and its basic arithmetic: the software 80-bit implementation (f80_soft.c)
# on every host — the same bits everywhere, and faster than driving the host's x87 through its
# control and status words for each operation. On x86 hosts f80_host.c (the host's own x87) is
# built too: tests/unit/test_f80.c checks the software against it, and tests/unit/test_fpu.c
# checks whole instructions against native execution. `make F80=host BUILD=build-host` makes an
# emulator that computes on the host's x87 instead (a separate build directory, since every
# object that includes cpu/f80.h changes).
CPU_SRCS += cpu/fpu.c cpu/fpu_conv.c cpu/fpu_ldst.c cpu/fpu_arith.c cpu/fpu_cmp.c cpu/fpu_ctl.c \
	cpu/fpu_transc_ops.c cpu/f80_soft.c cpu/fpu_fast.c
ifneq ($(filter x86_64-% i386-% i486-% i586-% i686-%,$(shell $(CC) -dumpmachine)),)
CPU_SRCS += cpu/f80_host.c
endif
ifeq ($(F80),host)
HOST_CFLAGS += -DDENALI_F80_HOST
endif
# --- end of x87 --------------------------------------------------------------------------------
CPU_SRCS += cpu/fpu_transc.c

# The fast forms record lazy flags as a few 32-bit stores; gcc's SLP vectoriser packs them into
# one 16-byte store through four vector moves, which measured slower (make bench: sort and sieve
# about 8%) than the plain stores.
$(BUILD)/obj/cpu/fast.o $(BUILD)/san/cpu/fast.o: HOST_CFLAGS += -fno-tree-slp-vectorize

# Every handler of the fast forms starts on a 64-byte line. They are short and run back to back
# in chains, so where line boundaries fall inside them matters; unaligned, that depended on the
# size of everything linked before them, and an unrelated change moved make bench's figures:
# mmu/mem.o 48 bytes smaller made strings 8% slower, with not one instruction of the handlers
# changed. Aligned, every build places them alike, for about 12 KiB of padding.
$(BUILD)/obj/cpu/fast.o $(BUILD)/obj/cpu/fpu_fast.o: HOST_CFLAGS += -falign-functions=64
