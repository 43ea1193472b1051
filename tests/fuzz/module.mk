# tests/fuzz/: random bytes run as guest code, every invariant checked after each run.
#
#   make fuzz-run [FUZZ_SEEDS=N] [FUZZ_JOBS=J]   the seeded driver under ASan/UBSan (make test)
#   make fuzz [FUZZ_TIME=seconds]                 libFuzzer (clang), coverage-guided, bounded
#   make fuzz-tcp [FUZZ_TIME=seconds]             libFuzzer on guestos's TCP (tests/fuzz/tcp_fuzz.c)
#   make fuzz-rsp [FUZZ_TIME=seconds]             libFuzzer on the GDB packet layer (tests/fuzz/rsp_fuzz.c)
#
# The driver (build/tests/fuzz, build/tests/san/fuzz) runs seeds 1..N of tests/fuzz/gen.c and
# replays every saved input in tests/fuzz/regress/, one child process per case. `make fuzz`
# builds the same target with clang's libFuzzer and the core compiled for coverage, starts from
# a corpus of generated inputs in build/fuzz/corpus, and leaves crashing inputs in build/fuzz/
# (save them small under tests/fuzz/regress/ so the driver keeps replaying them).

FUZZ_DRIVER_SRCS := tests/fuzz/fuzz_exec.c tests/fuzz/gen.c tests/fuzz/driver.c
FUZZ_SEEDS ?= 2000
FUZZ_JOBS ?= 2
FUZZ_TIME ?= 60
FUZZ_CORPUS_SEEDS ?= 300
FUZZ_CC ?= $(firstword $(shell command -v clang clang-14 2>/dev/null))
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

$(BUILD)/tests/fuzz: $(FUZZ_DRIVER_SRCS:%.c=$(BUILD)/obj/%.o) $(CORE_OBJS)
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(HOST_LDLIBS)
$(BUILD)/tests/san/fuzz: $(FUZZ_DRIVER_SRCS:%.c=$(BUILD)/san/%.o) $(CORE_SAN_OBJS)
	@mkdir -p $(@D)
	$(CC) $(SAN_FLAGS) -o $@ $^ $(HOST_LDLIBS)

fuzz-run: $(BUILD)/tests/san/fuzz
	@$(BUILD)/tests/san/fuzz -j $(FUZZ_JOBS) $(FUZZ_SEEDS) tests/fuzz/regress

# libFuzzer build: every object compiled by clang with coverage instrumentation. -Werror is left
# out: a newer clang's new warnings must not stop a fuzzing session.
FUZZ_LF_CFLAGS := $(filter-out -Werror,$(HOST_CFLAGS)) $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_LF_OBJS := $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(CORE_SRCS) tests/fuzz/fuzz_exec.c)

$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_LF_CFLAGS) -c $< -o $@
$(BUILD)/fuzz/obj/devices/uplink.o: FUZZ_LF_CFLAGS += $(SLIRP_CFLAGS)
$(BUILD)/fuzz/fuzz_exec: $(FUZZ_LF_OBJS)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(HOST_LDLIBS)

fuzz:
	@if [ -z "$(FUZZ_CC)" ]; then \
		echo "make fuzz: clang not found (Debian: apt-get install clang-14 libclang-rt-14-dev)" >&2; \
		exit 1; fi
	@$(MAKE) --no-print-directory $(BUILD)/fuzz/fuzz_exec $(BUILD)/tests/fuzz
	@mkdir -p $(BUILD)/fuzz/corpus
	@if [ -z "$$(ls -A $(BUILD)/fuzz/corpus)" ]; then \
		$(BUILD)/tests/fuzz --write-corpus $(BUILD)/fuzz/corpus $(FUZZ_CORPUS_SEEDS) && \
		for f in tests/fuzz/regress/*; do [ -f "$$f" ] && cp "$$f" $(BUILD)/fuzz/corpus/; done; \
		true; fi
	$(BUILD)/fuzz/fuzz_exec -max_total_time=$(FUZZ_TIME) -timeout=20 -max_len=8192 \
		-rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/corpus

# guestos's TCP built for the host (as test_tcp is), fed random segments and clock steps into a
# listener and an established connection, its invariants and pbuf count checked after each.
FUZZ_TCP_SRCS := tests/fuzz/tcp_fuzz.c tests/unit/tcp_host.c guestos/net/tcp.c guestos/net/tcp_in.c \
	guestos/net/tcp_out.c guestos/net/tcp_timer.c
$(BUILD)/fuzz/tcp_fuzz: $(FUZZ_TCP_SRCS) tests/unit/tcp_host.h guestos/net/net_defs.h guestos/net/net_param.h
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -O1 -g -I. -DNET_HOST_TEST -fsanitize=fuzzer $(FUZZ_SAN) \
		-o $@ $(FUZZ_TCP_SRCS)

fuzz-tcp:
	@if [ -z "$(FUZZ_CC)" ]; then \
		echo "make fuzz-tcp: clang not found (Debian: apt-get install clang-14 libclang-rt-14-dev)" >&2; \
		exit 1; fi
	@$(MAKE) --no-print-directory $(BUILD)/fuzz/tcp_fuzz
	@mkdir -p $(BUILD)/fuzz/tcp_corpus
	$(BUILD)/fuzz/tcp_fuzz -max_total_time=$(FUZZ_TIME) -max_len=512 -print_final_stats=1 \
		-artifact_prefix=$(BUILD)/fuzz/tcp- $(BUILD)/fuzz/tcp_corpus

# The GDB protocol's packet layer (denali_arch/rsp.c) with a 256-byte packet bound, so inputs
# reach overlong packets: arbitrary streams framed, parsed and framed again (rsp_fuzz.c says
# what is checked). The corpus starts from the sessions in tests/fuzz/rsp_seeds/.
FUZZ_RSP_SRCS := tests/fuzz/rsp_fuzz.c denali_arch/rsp.c
$(BUILD)/fuzz/rsp_fuzz: $(FUZZ_RSP_SRCS) denali_arch/rsp.h
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -O1 -g -I. -DRSP_PACKET_MAX=256 -fsanitize=fuzzer $(FUZZ_SAN) \
		-o $@ $(FUZZ_RSP_SRCS)

fuzz-rsp:
	@if [ -z "$(FUZZ_CC)" ]; then \
		echo "make fuzz-rsp: clang not found (Debian: apt-get install clang-14 libclang-rt-14-dev)" >&2; \
		exit 1; fi
	@$(MAKE) --no-print-directory $(BUILD)/fuzz/rsp_fuzz
	@mkdir -p $(BUILD)/fuzz/rsp_corpus
	@if [ -z "$$(ls -A $(BUILD)/fuzz/rsp_corpus)" ]; then cp tests/fuzz/rsp_seeds/* $(BUILD)/fuzz/rsp_corpus/; fi
	$(BUILD)/fuzz/rsp_fuzz -max_total_time=$(FUZZ_TIME) -max_len=2048 -print_final_stats=1 \
		-artifact_prefix=$(BUILD)/fuzz/rsp- $(BUILD)/fuzz/rsp_corpus

.PHONY: fuzz fuzz-run fuzz-tcp fuzz-rsp
