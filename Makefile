# Makefile - denali: builds build/denali, the guest images in build/guests/, and runs the tests.
#
#   make            build everything        make test     every test (also under ASan/UBSan)
#   make demo       install deps, build, run the example guests
#   make deps       install the Debian packages the build needs (or say how)
#   make difftest SEEDS="1 2 3"   more differential-test seeds
#   make mutate     deliberate CPU bugs, each of which the tests must catch
#   make bench      benchmarks: the kernel, and the CPU against native x86-64, i386 and QEMU
#   make experiments  the paper's experiments at quick sizes: out/exp/*.csv and plots
#
# Each directory lists its own files in a module.mk fragment; this file holds the rules.

BUILD ?= build
CC ?= gcc
ifeq ($(origin CC),default)
CC := gcc
endif

VERSION := 0.1.0

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
HOST_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g $(WARN) -I. -MMD -MP -DDENALI_VERSION='"$(VERSION)"'
HOST_LDLIBS = -lZydis -lZycore -llz4 $(SLIRP_LIBS) $(PNG_LIBS) $(SDL_LIBS)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# Guests: 32-bit, freestanding, no SSE (DVA-1 has none), linked by our own script.
GUEST_CC ?= gcc
GUEST_CFLAGS := -m32 -march=i686 -mno-sse -mno-mmx -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-builtin -nostdinc \
	-isystem $(shell $(GUEST_CC) -m32 -print-file-name=include) \
	-std=c11 -O2 -g $(WARN) -I. -Iguestos/include -MMD -MP
GUEST_LDFLAGS := -m32 -nostdlib -static -no-pie -Wl,-T,guestos/denali.ld -Wl,--build-id=none \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments
GUEST_LIBGCC := $(shell $(GUEST_CC) -m32 -print-libgcc-file-name)

.PHONY: all deps demo test check unit guest-tests difftest clean help bench
all: $(BUILD)/denali guests

# --- fragments -----------------------------------------------------------------------------
include mmu/module.mk
include cpu/module.mk
include denali_arch/module.mk
include devices/module.mk
include guestos/module.mk
include examples/module.mk

# The emulator core as a library, so the CLI and the tests link the same objects.
CORE_SRCS := $(MMU_SRCS) $(CPU_SRCS) $(ARCH_SRCS) $(DEVICE_SRCS)
CORE_OBJS := $(CORE_SRCS:%.c=$(BUILD)/obj/%.o)
CORE_SAN_OBJS := $(CORE_SRCS:%.c=$(BUILD)/san/%.o)

include tests/module.mk
include tools/exp/module.mk

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/san/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(BUILD)/libdenali.a: $(CORE_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libdenali-san.a: $(CORE_SAN_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/denali: $(BUILD)/obj/denali_arch/main.o $(CORE_OBJS)
	$(CC) -o $@ $^ $(HOST_LDLIBS)

$(BUILD)/denali-san: $(BUILD)/san/denali_arch/main.o $(CORE_SAN_OBJS)
	$(CC) $(SAN_FLAGS) -o $@ $^ $(HOST_LDLIBS)

# --- guests --------------------------------------------------------------------------------
GUESTOS_OBJS := $(GUESTOS_SRCS:%=$(BUILD)/gobj/%.o)
$(BUILD)/gobj/%.c.o: %.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@
$(BUILD)/gobj/%.S.o: %.S
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@
$(BUILD)/libguestos.a: $(GUESTOS_OBJS)
	@rm -f $@
	ar rcs $@ $^

# guest_image(NAME, SOURCES): build/guests/NAME.elf from the given sources plus guestos.
define guest_image
$(BUILD)/guests/$(1).elf: $(2:%=$(BUILD)/gobj/%.o) $(BUILD)/libguestos.a guestos/denali.ld
	@mkdir -p $$(@D)
	$(GUEST_CC) $(GUEST_LDFLAGS) -o $$@ $(2:%=$(BUILD)/gobj/%.o) $(BUILD)/libguestos.a $(GUEST_LIBGCC)
GUEST_IMAGES += $(BUILD)/guests/$(1).elf
endef
$(foreach g,$(EXAMPLE_GUESTS),$(eval $(call guest_image,$(g),$(GUEST_SRCS_$(g)))))
$(foreach g,$(TEST_GUESTS),$(eval $(call guest_image,$(g),$(GUEST_SRCS_$(g)))))

guests: $(GUEST_IMAGES)
.PHONY: guests

# --- set-up ---------------------------------------------------------------------------------
deps:
	@sh tests/deps.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@sh examples/demo.sh $(BUILD)

help:
	@sed -n '2,12p' Makefile | sed 's/^# \{0,1\}//'

clean:
	rm -rf $(BUILD)

# Object files are never intermediates to delete.
.SECONDARY:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
