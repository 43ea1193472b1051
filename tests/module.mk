# tests/: unit vectors (cmocka), self-checking guests, differential tests against the host CPU.
UNIT_TESTS := $(patsubst tests/unit/test_%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_TESTS:%=$(BUILD)/tests/unit_%)
UNIT_SAN_BINS := $(UNIT_TESTS:%=$(BUILD)/tests/san/unit_%)
HARNESS_OBJ := $(BUILD)/obj/tests/unit/harness.o
HARNESS_SAN_OBJ := $(BUILD)/san/tests/unit/harness.o

$(BUILD)/tests/unit_%: $(BUILD)/obj/tests/unit/test_%.o $(HARNESS_OBJ) $(CORE_OBJS)
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(HOST_LDLIBS) -lcmocka
$(BUILD)/tests/san/unit_%: $(BUILD)/san/tests/unit/test_%.o $(HARNESS_SAN_OBJ) $(CORE_SAN_OBJS)
	@mkdir -p $(@D)
	$(CC) $(SAN_FLAGS) -o $@ $^ $(HOST_LDLIBS) -lcmocka

# test_tcp: guestos's TCP (guestos/net/tcp*.c) built for the host against tests/unit/tcp_host.c's
# stand-ins (a clock the test moves, timers, pbufs, a capture of what IP would send), so the
# state machine is driven segment by segment. Explicit rules: they replace the pattern's.
UNIT_TCP_SRCS := tests/unit/test_tcp.c tests/unit/tcp_host.c guestos/net/tcp.c \
	guestos/net/tcp_in.c guestos/net/tcp_out.c guestos/net/tcp_timer.c
UNIT_TCP_DEPS := $(UNIT_TCP_SRCS) tests/unit/tcp_host.h guestos/net/net_defs.h \
	guestos/net/net_param.h guestos/include/net.h guestos/include/timer.h \
	guestos/include/netinet/tcp.h
UNIT_TCP_CFLAGS = $(filter-out -MMD -MP,$(HOST_CFLAGS)) -DNET_HOST_TEST
$(BUILD)/tests/unit_tcp: $(UNIT_TCP_DEPS)
	@mkdir -p $(@D)
	$(CC) $(UNIT_TCP_CFLAGS) -o $@ $(UNIT_TCP_SRCS) -lcmocka
$(BUILD)/tests/san/unit_tcp: $(UNIT_TCP_DEPS)
	@mkdir -p $(@D)
	$(CC) $(UNIT_TCP_CFLAGS) $(SAN_FLAGS) -o $@ $(UNIT_TCP_SRCS) -lcmocka

# Self-checking guests: each prints and terminates; tests/guests/expect/NAME.out holds what it
# must print, NAME.status its exit status.
TEST_GUESTS := t_entry t_console t_terminate t_terminate_nested t_page0 t_smc t_rodata t_rotext \
	t_checksum
GUEST_SRCS_t_entry := tests/guests/t_entry.c tests/guests/check.c
GUEST_SRCS_t_console := tests/guests/t_console.c tests/guests/check.c
GUEST_SRCS_t_terminate := tests/guests/t_terminate.c
GUEST_SRCS_t_terminate_nested := tests/guests/t_terminate_nested.c
GUEST_SRCS_t_page0 := tests/guests/t_page0.c tests/guests/check.c
GUEST_SRCS_t_smc := tests/guests/t_smc.c tests/guests/check.c
GUEST_SRCS_t_rodata := tests/guests/t_rodata.c tests/guests/check.c
GUEST_SRCS_t_rotext := tests/guests/t_rotext.c
# The checksum example doubles as an end-to-end CPU test (expected values computed in Python).
GUEST_SRCS_t_checksum := examples/checksum.c
# guestos's C library, one guest per area. Most print everything they check and expect glibc's
# output (tests/guests/libc_expect.sh); t_libc_malloc and t_libc_misc check themselves.
TEST_GUESTS += t_libc_printf t_libc_strtol t_libc_string t_libc_ctype t_libc_qsort t_libc_setjmp \
	t_libc_malloc t_libc_misc
GUEST_SRCS_t_libc_printf := tests/guests/t_libc_printf.c
GUEST_SRCS_t_libc_strtol := tests/guests/t_libc_strtol.c
GUEST_SRCS_t_libc_string := tests/guests/t_libc_string.c
GUEST_SRCS_t_libc_ctype := tests/guests/t_libc_ctype.c
GUEST_SRCS_t_libc_qsort := tests/guests/t_libc_qsort.c
GUEST_SRCS_t_libc_setjmp := tests/guests/t_libc_setjmp.c
GUEST_SRCS_t_libc_malloc := tests/guests/t_libc_malloc.c tests/guests/check.c
GUEST_SRCS_t_libc_misc := tests/guests/t_libc_misc.c tests/guests/check.c
# Exception delivery (DVA-1 section 5): guests recording through vectors.S; the t_exc_fatal cases
# (one image, the case named in expect/NAME.opts) end the VM where delivery is impossible.
TEST_GUESTS += t_exc_de t_exc_bp_of t_exc_br t_exc_ud t_exc_gp t_exc_pf t_exc_nested t_exc_irq \
	t_exc_nohandler t_exc_badentry t_exc_badentry_page0 t_exc_badentry_mem_size \
	t_exc_badentry_int80 t_exc_badtable t_exc_badstack t_exc_badstack_fault \
	t_exc_badstack_straddle
GUEST_SRCS_t_exc_de := tests/guests/t_exc_de.c \
	tests/guests/vectors.S tests/guests/vectors.c tests/guests/check.c
GUEST_SRCS_t_exc_bp_of := tests/guests/t_exc_bp_of.c \
	tests/guests/vectors.S tests/guests/vectors.c tests/guests/check.c
GUEST_SRCS_t_exc_br := tests/guests/t_exc_br.c \
	tests/guests/vectors.S tests/guests/vectors.c tests/guests/check.c
GUEST_SRCS_t_exc_ud := tests/guests/t_exc_ud.c \
	tests/guests/vectors.S tests/guests/vectors.c tests/guests/check.c
GUEST_SRCS_t_exc_gp := tests/guests/t_exc_gp.c \
	tests/guests/vectors.S tests/guests/vectors.c tests/guests/check.c
GUEST_SRCS_t_exc_pf := tests/guests/t_exc_pf.c \
	tests/guests/vectors.S tests/guests/vectors.c tests/guests/check.c
GUEST_SRCS_t_exc_nested := tests/guests/t_exc_nested.c \
	tests/guests/vectors.S tests/guests/vectors.c tests/guests/check.c
GUEST_SRCS_t_exc_irq := tests/guests/t_exc_irq.c \
	tests/guests/vectors.S tests/guests/vectors.c tests/guests/check.c
GUEST_SRCS_t_exc_nohandler := tests/guests/t_exc_fatal.c \
	tests/guests/vectors.S tests/guests/vectors.c tests/guests/check.c
GUEST_SRCS_t_exc_badentry := tests/guests/t_exc_fatal.c \
	tests/guests/vectors.S tests/guests/vectors.c tests/guests/check.c
GUEST_SRCS_t_exc_badentry_page0 := tests/guests/t_exc_fatal.c \
	tests/guests/vectors.S tests/guests/vectors.c tests/guests/check.c
GUEST_SRCS_t_exc_badentry_mem_size := tests/guests/t_exc_fatal.c \
	tests/guests/vectors.S tests/guests/vectors.c tests/guests/check.c
GUEST_SRCS_t_exc_badentry_int80 := tests/guests/t_exc_fatal.c \
	tests/guests/vectors.S tests/guests/vectors.c tests/guests/check.c
GUEST_SRCS_t_exc_badtable := tests/guests/t_exc_fatal.c \
	tests/guests/vectors.S tests/guests/vectors.c tests/guests/check.c
GUEST_SRCS_t_exc_badstack := tests/guests/t_exc_fatal.c \
	tests/guests/vectors.S tests/guests/vectors.c tests/guests/check.c
GUEST_SRCS_t_exc_badstack_fault := tests/guests/t_exc_fatal.c \
	tests/guests/vectors.S tests/guests/vectors.c tests/guests/check.c
GUEST_SRCS_t_exc_badstack_straddle := tests/guests/t_exc_fatal.c \
	tests/guests/vectors.S tests/guests/vectors.c tests/guests/check.c

# Every unit binary runs plain and under AddressSanitizer + UndefinedBehaviorSanitizer.
unit: $(UNIT_BINS) $(UNIT_SAN_BINS)
	@set -e; for t in $(UNIT_BINS) $(UNIT_SAN_BINS); do echo "== $$t"; $$t; done

# The self-checking guests run on the plain and on the sanitizer build of the emulator.
guest-tests: $(BUILD)/denali $(BUILD)/denali-san guests
	sh tests/guests/run.sh $(BUILD) $(BUILD)/denali
	sh tests/guests/run.sh $(BUILD) $(BUILD)/denali-san

cli-tests: $(BUILD)/denali guests
	sh tests/cli/run.sh $(BUILD)

# make mutate [MUTATE="adc-cf daa-af"]: wrong results made on purpose in a copy of the tree, each
# of which a suite of `make test` must catch (tests/mutate.sh; docs/testing.md).
mutate:
	@sh tests/mutate.sh $(MUTATE)
.PHONY: mutate

include tests/diff/module.mk
include tests/tools/module.mk
include tests/fuzz/module.mk
include tests/bench/module.mk
include tests/net/module.mk
include tests/display/module.mk
include tests/debug/module.mk

# Everything `make test` runs is built first, then tests/run.sh runs the suites in order and
# ends with one total line.
test: deps
	@$(MAKE) --no-print-directory all $(UNIT_BINS) $(UNIT_SAN_BINS) $(BUILD)/denali-san \
		$(BUILD)/tests/diff-gen $(BUILD)/tests/san/fuzz $(BENCH_GUEST_ELFS)
	@+sh tests/run.sh $(BUILD)
.PHONY: unit guest-tests cli-tests

# Kernel tests (tests/kernel/run.sh runs them; tests/guests/run.sh takes t_* only): the timed
# guests are assembly from their own _start plus klib.c's report; the C guests add klib.S.
KLIB_ASM := tests/kernel/guests/klib.c
KLIB_C := tests/kernel/guests/klib.c tests/kernel/guests/klib.S
TEST_GUESTS += k_idle k_order k_batch k_sync k_fold k_poll k_work k_bad k_smcvm
GUEST_SRCS_k_smcvm := tests/kernel/guests/k_smcvm.c
GUEST_SRCS_k_idle := tests/kernel/guests/k_idle.S $(KLIB_ASM)
GUEST_SRCS_k_order := tests/kernel/guests/k_order.S $(KLIB_ASM)
GUEST_SRCS_k_batch := tests/kernel/guests/k_batch.S $(KLIB_ASM)
GUEST_SRCS_k_sync := tests/kernel/guests/k_sync.S $(KLIB_ASM)
GUEST_SRCS_k_fold := tests/kernel/guests/k_fold.S $(KLIB_ASM)
GUEST_SRCS_k_poll := tests/kernel/guests/k_poll.S $(KLIB_ASM)
GUEST_SRCS_k_work := tests/kernel/guests/k_work.c $(KLIB_C)
GUEST_SRCS_k_bad := tests/kernel/guests/k_bad.c $(KLIB_C)
# The pager's and the shared image pages' guests (tests/kernel/run.sh).
TEST_GUESTS += k_memsum k_share
GUEST_SRCS_k_memsum := tests/kernel/guests/k_memsum.c $(KLIB_C)
GUEST_SRCS_k_share := tests/kernel/guests/k_share.c $(KLIB_C)
TEST_GUESTS += k_late
GUEST_SRCS_k_late := tests/kernel/guests/k_late.c $(KLIB_C)
# Guests of the command-line tests (tests/cli/run.sh).
TEST_GUESTS += c_stamp c_net
GUEST_SRCS_c_stamp := tests/cli/guests/stamp.c
GUEST_SRCS_c_net := tests/cli/guests/net.c
# guestos (the library OS): interrupts, timers, threads, the idle loop.
TEST_GUESTS += t_os_irq t_os_timer t_os_thread t_os_idle
GUEST_SRCS_t_os_irq := tests/guests/t_os_irq.c tests/guests/check.c
GUEST_SRCS_t_os_timer := tests/guests/t_os_timer.c tests/guests/check.c
GUEST_SRCS_t_os_thread := tests/guests/t_os_thread.c tests/guests/check.c
GUEST_SRCS_t_os_idle := tests/guests/t_os_idle.c tests/guests/check.c
TEST_GUESTS += t_os_trap
GUEST_SRCS_t_os_trap := tests/guests/t_os_trap.c tests/guests/check.c
# x87 from C (float, double, long double, rounding and precision control, FPREM): expect/t_float.out
# is the host's output (sh tests/guests/libc_expect.sh t_float).
TEST_GUESTS += t_float
GUEST_SRCS_t_float := tests/guests/t_float.c
