# cpu/: decode, decoded-instruction cache, execute loop, one file per instruction group.
CPU_SRCS := cpu/optable.c cpu/decode.c cpu/cache.c cpu/exec.c cpu/exception.c cpu/diag.c \
	cpu/alu.c cpu/muldiv.c cpu/bcd.c cpu/datamov.c \
	cpu/shift.c cpu/bits.c cpu/string.c cpu/stack.c cpu/branch.c \
	cpu/interrupt.c cpu/system.c
CPU_SRCS += cpu/fpu_transc.c
