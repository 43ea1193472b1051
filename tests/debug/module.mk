# tests/debug/: the debugging suite (tests/debug/run.sh: the monitor's tests, monitor.sh). Every
# tests/debug/guests/NAME.c is a guest of its own, built with guestos to build/guests/NAME.elf
# (its name starts with m_ so it is told apart).
DEBUG_TEST_GUESTS := $(patsubst tests/debug/guests/%.c,%,$(wildcard tests/debug/guests/*.c))
TEST_GUESTS += $(DEBUG_TEST_GUESTS)
$(foreach g,$(DEBUG_TEST_GUESTS),$(eval GUEST_SRCS_$(g) := tests/debug/guests/$(g).c))

debug-tests: $(BUILD)/denali guests
	sh tests/debug/run.sh $(BUILD)
.PHONY: debug-tests
