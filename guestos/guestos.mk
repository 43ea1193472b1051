# guestos.mk - build your own DVA-1 guest against guestos, from your own Makefile:
#
#   DENALI := /path/to/denali            # the denali source tree, built (make -C $(DENALI))
#   include $(DENALI)/guestos/guestos.mk
#
#   mine.elf: main.c util.c              # one rule per guest: its sources...
#   	$(guestos_link)                  # ...and this recipe (compile and link in one step)
#
# A single-file guest needs no rule at all: `make prog.elf` finds prog.c through the pattern
# rule below. Run the result with `$(DENALI)/build/denali run mine.elf`. The flags are the
# ones denali's own Makefile builds its guests with (GUEST_CFLAGS, GUEST_LDFLAGS there).
ifndef DENALI
$(error set DENALI to the denali source tree before including guestos.mk)
endif

GUESTOS_CC ?= gcc
# 32-bit, freestanding, no SSE or MMX (DVA-1 has neither), no stack protector (it would read
# %gs:, which is page 0), guestos's own headers in place of the host's libc.
GUESTOS_CFLAGS := -m32 -march=i686 -mno-sse -mno-mmx -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-builtin -nostdinc \
	-isystem $(shell $(GUESTOS_CC) -m32 -print-file-name=include) \
	-std=c11 -O2 -g -Wall -Wextra -I$(DENALI) -I$(DENALI)/guestos/include
# Static, no host start files or libraries, laid out by guestos's linker script.
GUESTOS_LDFLAGS := -m32 -nostdlib -static -no-pie -Wl,-T,$(DENALI)/guestos/denali.ld \
	-Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments
GUESTOS_LIB := $(DENALI)/build/libguestos.a
GUESTOS_LIBGCC := $(shell $(GUESTOS_CC) -m32 -print-libgcc-file-name)

# The recipe: every .c and .S prerequisite, compiled and linked with guestos and libgcc.
define guestos_link
$(GUESTOS_CC) $(GUESTOS_CFLAGS) $(GUESTOS_LDFLAGS) -o $@ $(filter %.c %.S,$^) \
	$(GUESTOS_LIB) $(GUESTOS_LIBGCC)
endef

%.elf: %.c $(GUESTOS_LIB)
	$(guestos_link)
