# tests/diff/: differential tests: generated instruction cases run natively and as a DVA-1 guest,
# outputs compared line by line (tests/diff/run.sh). The native half is an x86-64 program on any
# x86-64 host (the silicon-class forms, tests/diff/classes.c) and, where the host can run i386
# code, also a 32-bit one (every form).
#
#   make difftest [SEEDS="1 2 3"] [DIFF_COUNT=N] [DIFF_X87_COUNT=M]   run these seeds
#   make difftest-ci                              the fixed seeds `make test` runs
#   make diff-coverage                            every implemented instruction has a template
#
# Per seed S, integer case count N and x87 case count M: build/diff/sS-nN-xM/cases.s (diff-gen),
# .../native (a 32-bit Linux program), .../cases64.s and .../native64 (the x86-64 one) and
# .../guest.elf; a directory named sS-nN-xM-nolow leaves
# out the 16-bit addressing
# cases (run.sh uses it where the low window cannot be mapped natively). The guest is linked with
# its code at 64 KiB, above the low window those cases use (tests/diff/case.h).

DIFF_GEN_SRCS := tests/diff/main.c tests/diff/gen.c tests/diff/forms.c tests/diff/coverage.c \
	tests/diff/classes.c tests/diff/x87forms.c tests/diff/x87gen.c
DIFF_GEN_OBJS := $(DIFF_GEN_SRCS:%.c=$(BUILD)/obj/%.o)
DIFF_DRIVER := tests/diff/driver.c tests/diff/tramp.S tests/diff/case.h
DIFF_DRIVER64 := tests/diff/driver.c tests/diff/tramp64.S tests/diff/case.h
SEEDS ?= 1 2 3 4 5 6 7 8
DIFF_CI_SEEDS ?= 1 2 3 4
DIFF_COUNT ?= 800
DIFF_X87_COUNT ?= 2000
# where the coverage check looks for the vector-class groups' unit vectors ("vectors: KEY")
DIFF_VECTORS ?= tests/unit
DIFF_NATIVE_CC ?= gcc
DIFF_NATIVE_CFLAGS := -m32 -march=i686 -mno-sse -mno-mmx -O2 -fno-pie -no-pie -std=c11 \
	-D_GNU_SOURCE $(WARN) -I. -DDIFF_NATIVE
# Linked below 4 GiB (no PIE): case.h's records hold addresses as 32-bit words.
DIFF_NATIVE64_CFLAGS := -m64 -O2 -fno-pie -no-pie -std=c11 -D_GNU_SOURCE $(WARN) -I. -DDIFF_NATIVE

# diff-gen reads the opcode table; the whole archive, so weak handler references resolve and the
# table's fn fields say which instructions exist.
$(BUILD)/tests/diff-gen: $(DIFF_GEN_OBJS) $(BUILD)/libdenali.a
	@mkdir -p $(@D)
	$(CC) -o $@ $(DIFF_GEN_OBJS) -Wl,--whole-archive $(BUILD)/libdenali.a -Wl,--no-whole-archive \
		$(HOST_LDLIBS)

# the stem sS-nN-xM[-nolow]: seed, count, x87 count, flag
diff_words = $(subst -, ,$(1))
$(BUILD)/diff/%/cases.s: $(BUILD)/tests/diff-gen
	@mkdir -p $(@D)
	$(BUILD)/tests/diff-gen $(patsubst s%,%,$(word 1,$(call diff_words,$*))) \
		$(patsubst n%,%,$(word 2,$(call diff_words,$*))) \
		--x87 $(patsubst x%,%,$(word 3,$(call diff_words,$*))) \
		$(if $(filter nolow,$(call diff_words,$*)),--no-low) > $@.tmp && mv $@.tmp $@

$(BUILD)/diff/%/cases64.s: $(BUILD)/tests/diff-gen
	@mkdir -p $(@D)
	$(BUILD)/tests/diff-gen $(patsubst s%,%,$(word 1,$(call diff_words,$*))) \
		$(patsubst n%,%,$(word 2,$(call diff_words,$*))) \
		--x87 $(patsubst x%,%,$(word 3,$(call diff_words,$*))) --long \
		$(if $(filter nolow,$(call diff_words,$*)),--no-low) > $@.tmp && mv $@.tmp $@

$(BUILD)/diff/%/native: $(BUILD)/diff/%/cases.s $(DIFF_DRIVER)
	$(DIFF_NATIVE_CC) $(DIFF_NATIVE_CFLAGS) -o $@ tests/diff/driver.c tests/diff/tramp.S $<

$(BUILD)/diff/%/native64: $(BUILD)/diff/%/cases64.s $(DIFF_DRIVER64)
	$(DIFF_NATIVE_CC) $(DIFF_NATIVE64_CFLAGS) -o $@ tests/diff/driver.c tests/diff/tramp64.S $<

$(BUILD)/diff/%/guest.elf: $(BUILD)/diff/%/cases.s $(DIFF_DRIVER) $(BUILD)/libguestos.a guestos/denali.ld
	$(GUEST_CC) $(filter-out -MMD -MP,$(GUEST_CFLAGS)) $(GUEST_LDFLAGS) \
		-Wl,--section-start=.text=0x10000 -o $@ tests/diff/driver.c tests/diff/tramp.S $< \
		$(BUILD)/libguestos.a $(GUEST_LIBGCC)

.PRECIOUS: $(BUILD)/diff/%/cases.s $(BUILD)/diff/%/cases64.s
.PHONY: difftest difftest-ci diff-coverage
difftest: $(BUILD)/tests/diff-gen $(BUILD)/denali $(BUILD)/libguestos.a
	@BUILD=$(BUILD) MAKE="$(MAKE)" DIFF_COUNT=$(DIFF_COUNT) DIFF_X87_COUNT=$(DIFF_X87_COUNT) sh tests/diff/run.sh $(SEEDS)

difftest-ci: diff-coverage $(BUILD)/tests/diff-gen $(BUILD)/denali $(BUILD)/libguestos.a
	@BUILD=$(BUILD) MAKE="$(MAKE)" DIFF_COUNT=$(DIFF_COUNT) DIFF_X87_COUNT=$(DIFF_X87_COUNT) sh tests/diff/run.sh $(DIFF_CI_SEEDS)

diff-coverage: $(BUILD)/tests/diff-gen
	@$(BUILD)/tests/diff-gen --coverage $(DIFF_COUNT) $(DIFF_CI_SEEDS) --x87 $(DIFF_X87_COUNT) \
		--vectors $(DIFF_VECTORS)
