# cpu/: decode, decoded-instruction cache, execute loop, one file per instruction group.
CPU_SRCS := cpu/optable.c cpu/decode.c cpu/cache.c cpu/exec.c cpu/exception.c cpu/diag.c cpu/fast.c \
	cpu/alu.c cpu/muldiv.c cpu/bcd.c cpu/datamov.c \
	cpu/shift.c cpu/bits.c cpu/string.c cpu/stack.c cpu/branch.c \
	cpu/interrupt.c cpu/system.c

# --- x87 (owner: the FPU helper) ---------------------------------------------------------------
# The FPU's handlers, and its basic arithmetic: on x86 hosts the host's own x87 (f80_host.c) so
# results are silicon's; elsewhere the software 80-bit implementation (f80_soft.c), which is
# always built so tests/unit/test_f80.c can check it against the host x87 wherever there is one.
# The choice follows the compiler's target, as cpu/f80.h's F80_HOST does; `make F80=soft
# BUILD=build-soft` uses the software one on an x86 host too (a separate build directory, since
# every object that includes cpu/f80.h changes).
CPU_SRCS += cpu/fpu.c cpu/fpu_conv.c cpu/fpu_ldst.c cpu/fpu_arith.c cpu/fpu_cmp.c cpu/fpu_ctl.c \
	cpu/fpu_transc_ops.c cpu/f80_soft.c
ifneq ($(filter x86_64-% i386-% i486-% i586-% i686-%,$(shell $(CC) -dumpmachine)),)
CPU_SRCS += cpu/f80_host.c
endif
ifeq ($(F80),soft)
HOST_CFLAGS += -DDENALI_F80_SOFT
endif
# --- end of x87 --------------------------------------------------------------------------------
CPU_SRCS += cpu/fpu_transc.c
