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

# sizes: prints the host structures a VM owns (a host program; headers only, nothing linked).
$(BUILD)/bench/sizes: tests/bench/sizes.c cpu/cache.h cpu/cpu.h cpu/insn.h cpu/fpu.h mmu/mem.h \
		denali_arch/vm.h devices/console.h devices/timer.h devices/device.h
	@mkdir -p $(@D)
	$(CC) $(filter-out -MMD -MP,$(HOST_CFLAGS)) -o $@ tests/bench/sizes.c

# BENCH_ARGS passes options to the runner, e.g. make bench BENCH_ARGS="--quick" or
# BENCH_ARGS="--only switch".
bench: $(BUILD)/denali $(BENCH_GUEST_ELFS) $(BUILD)/bench/sizes
	python3 tests/bench/run.py --build $(BUILD) $(BENCH_ARGS)
