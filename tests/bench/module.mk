# tests/bench/: `make bench`, the benchmark suite. It prints figures and writes
# $(BUILD)/bench/results.json; it asserts no times. tests/bench/run.py runs every benchmark.
#
# The benchmark guests are built with guestos's guest_program recipe into $(BUILD)/bench/guests/
# (this fragment is included before the Makefile defines guest_image, so it cannot use it).
BENCH_GUESTS := switch idle upcall
BENCH_GUEST_ELFS := $(BENCH_GUESTS:%=$(BUILD)/bench/guests/%.elf)
BENCH_GUEST_HDRS := tests/bench/guests/bench.h guestos/include/denali.h denali_arch/dva.h

$(BUILD)/bench/guests/%.elf: tests/bench/guests/%.c $(BENCH_GUEST_HDRS) $(BUILD)/libguestos.a \
		guestos/denali.ld
	$(guest_program)

# The CPU-speed workloads (tests/bench/work/): each source builds twice, as a DVA-1 guest with
# guest_program and as a native 32-bit Linux program with the same code generation (i686, x87,
# no SSE/MMX, -O2, no PIC, no stack protector, no builtins). Loop distribution is off on both
# sides: it would turn a clearing loop into a memset call, which is guestos's REP STOSB in one
# build and glibc's SSE code in the other. The native build links glibc statically.
BENCH_WORK := hash sort interp sieve strings fp
BENCH_WORK_ELFS := $(BENCH_WORK:%=$(BUILD)/bench/work/%.elf)
BENCH_WORK_NATIVE := $(BENCH_WORK:%=$(BUILD)/bench/work/%.native)
BENCH_WORK_FLAGS := -fno-tree-loop-distribute-patterns
BENCH_NATIVE_CFLAGS := -m32 -march=i686 -mno-sse -mno-mmx -O2 -g -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-builtin $(BENCH_WORK_FLAGS) \
	-std=c11 -D_GNU_SOURCE $(WARN) -I. -DBENCH_NATIVE

# private: prerequisites (libguestos.a's objects) keep their own flags.
$(BUILD)/bench/work/%.elf: private GUEST_CFLAGS += $(BENCH_WORK_FLAGS)
$(BUILD)/bench/work/%.elf: tests/bench/work/%.c tests/bench/work/bench.h $(BUILD)/libguestos.a \
		guestos/denali.ld guestos/include/stdio.h guestos/include/stdlib.h
	$(guest_program)

$(BUILD)/bench/work/%.native: tests/bench/work/%.c tests/bench/work/bench.h
	@mkdir -p $(@D)
	$(GUEST_CC) $(BENCH_NATIVE_CFLAGS) -static -no-pie -o $@ $<

# sizes: prints the host structures a VM owns (a host program; headers only, nothing linked).
$(BUILD)/bench/sizes: tests/bench/sizes.c cpu/cache.h cpu/cpu.h cpu/insn.h cpu/fpu.h mmu/mem.h \
		denali_arch/vm.h devices/console.h devices/timer.h devices/device.h
	@mkdir -p $(@D)
	$(CC) $(filter-out -MMD -MP,$(HOST_CFLAGS)) -o $@ tests/bench/sizes.c

# BENCH_ARGS passes options to the runner, e.g. make bench BENCH_ARGS="--quick" or
# BENCH_ARGS="--only cpu".
bench: $(BUILD)/denali $(BENCH_GUEST_ELFS) $(BUILD)/bench/sizes $(BENCH_WORK_ELFS) $(BENCH_WORK_NATIVE)
	python3 tests/bench/run.py --build $(BUILD) $(BENCH_ARGS)
