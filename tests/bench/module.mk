# tests/bench/: `make bench`, the benchmark suite. It prints figures and writes
# $(BUILD)/bench/results.json; it asserts no times. tests/bench/run.py runs every benchmark.
#
# The benchmark guests are built with guestos's guest_program recipe into $(BUILD)/bench/guests/
# (this fragment is included before the Makefile defines guest_image, so it cannot use it).
BENCH_GUESTS := switch idle upcall netflood udpblast present
BENCH_GUEST_ELFS := $(BENCH_GUESTS:%=$(BUILD)/bench/guests/%.elf)
BENCH_GUEST_HDRS := tests/bench/guests/bench.h guestos/include/denali.h denali_arch/dva.h

$(BUILD)/bench/guests/%.elf: tests/bench/guests/%.c $(BENCH_GUEST_HDRS) $(BUILD)/libguestos.a \
		guestos/denali.ld
	$(guest_program)

# The CPU-speed workloads (tests/bench/work/): each source builds three times, as a DVA-1 guest
# with guest_program, as a native i386 Linux program with the same code generation (NAME.native:
# i686, x87, no SSE/MMX, -O2, no PIC, no stack protector, no builtins), and as a native x86-64
# Linux program (NAME.native64) for hosts whose kernel cannot run i386 code. Loop distribution is
# off everywhere: it would turn a clearing loop into a memset call, which is guestos's REP STOSB in
# one build and glibc's SSE code in the others. The natives link glibc statically.
#
# The x86-64 build is as close to the others as the ABI allows: -O2, x87 for floating-point
# arithmetic (-mfpmath=387), no builtins, no loop distribution, no PIC/PIE, no stack protector,
# baseline x86-64. -mno-sse is impossible there (the x86-64 ABI passes and returns doubles in SSE
# registers), so SSE stays available but does no arithmetic; auto-vectorisation (on at -O2 since
# GCC 12) is off, since the 32-bit builds have no vector unit to use.
BENCH_WORK := hash sort interp sieve strings fp
BENCH_WORK_ELFS := $(BENCH_WORK:%=$(BUILD)/bench/work/%.elf)
BENCH_WORK_NATIVE := $(BENCH_WORK:%=$(BUILD)/bench/work/%.native)
BENCH_WORK_NATIVE64 := $(BENCH_WORK:%=$(BUILD)/bench/work/%.native64)
BENCH_WORK_FLAGS := -fno-tree-loop-distribute-patterns
BENCH_NATIVE_COMMON := -O2 -g -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-builtin $(BENCH_WORK_FLAGS) -std=c11 -D_GNU_SOURCE $(WARN) -I. -DBENCH_NATIVE
BENCH_NATIVE_CFLAGS := -m32 -march=i686 -mno-sse -mno-mmx $(BENCH_NATIVE_COMMON)
BENCH_NATIVE64_CFLAGS := -m64 -march=x86-64 -mfpmath=387 -fno-tree-vectorize $(BENCH_NATIVE_COMMON)

# private: prerequisites (libguestos.a's objects) keep their own flags.
$(BUILD)/bench/work/%.elf: private GUEST_CFLAGS += $(BENCH_WORK_FLAGS)
$(BUILD)/bench/work/%.elf: tests/bench/work/%.c tests/bench/work/bench.h $(BUILD)/libguestos.a \
		guestos/denali.ld guestos/include/stdio.h guestos/include/stdlib.h
	$(guest_program)

# Both natives are built with the guests' compiler (GCC), whatever CC builds the emulator.
$(BUILD)/bench/work/%.native: tests/bench/work/%.c tests/bench/work/bench.h
	@mkdir -p $(@D)
	$(GUEST_CC) $(BENCH_NATIVE_CFLAGS) -static -no-pie -o $@ $<

$(BUILD)/bench/work/%.native64: tests/bench/work/%.c tests/bench/work/bench.h
	@mkdir -p $(@D)
	$(GUEST_CC) $(BENCH_NATIVE64_CFLAGS) -static -no-pie -o $@ $<

# sizes: prints the host structures a VM owns (a host program; headers only, nothing linked).
$(BUILD)/bench/sizes: tests/bench/sizes.c cpu/cache.h cpu/cpu.h cpu/insn.h cpu/fpu.h mmu/mem.h \
		denali_arch/vm.h devices/console.h devices/timer.h devices/device.h devices/net.h
	@mkdir -p $(@D)
	$(CC) $(filter-out -MMD -MP,$(HOST_CFLAGS)) -o $@ tests/bench/sizes.c

# netcost: the host cost of the NIC's OUT and of the switch per frame, without a guest (a host
# program linked with the emulator's objects).
$(BUILD)/bench/netcost: $(BUILD)/obj/tests/bench/netcost.o $(CORE_OBJS)
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(HOST_LDLIBS)

# BENCH_ARGS passes options to the runner, e.g. make bench BENCH_ARGS="--quick" or
# BENCH_ARGS="--only cpu".
#
# make bench first runs `sh tests/deps.sh bench`, which installs what is missing, qemu-user
# included, when run as root on Debian (or prints the apt-get command); it carries on without
# them, the runner saying in one line what it then skips. The i386 natives are built only where
# $(GUEST_CC) -m32 can link a static glibc program (libc6-dev-i386; the guests need only
# libgcc); elsewhere one line says so and the runner compares with x86-64 alone. Whether the
# host can run them (a kernel without IA-32 emulation cannot) is the runner's to find out.
BENCH_I386_PROBE := $(BUILD)/bench/link-i386
bench:
	@sh tests/deps.sh bench || true
	@$(MAKE) --no-print-directory bench-build
	@mkdir -p $(BUILD)/bench
	@if printf 'int main(void) { return 0; }\n' | $(GUEST_CC) -m32 -static -no-pie -x c - \
			-o $(BENCH_I386_PROBE) 2>/dev/null; then \
		rm -f $(BENCH_I386_PROBE); $(MAKE) --no-print-directory $(BENCH_WORK_NATIVE); \
	else \
		rm -f $(BENCH_I386_PROBE) $(BENCH_WORK_NATIVE); \
		echo "bench: no i386 natives: $(GUEST_CC) -m32 -static cannot link a C program here (Debian: apt-get install libc6-dev-i386)"; \
	fi
	python3 tests/bench/run.py --build $(BUILD) $(BENCH_ARGS)

bench-build: $(BUILD)/denali $(BENCH_GUEST_ELFS) $(BUILD)/bench/sizes $(BUILD)/bench/netcost \
		$(BENCH_WORK_ELFS) $(BENCH_WORK_NATIVE64) guests
.PHONY: bench-build
