# tests/net/: the network suite (tests/net/run.sh). Every tests/net/guests/n_NAME.c is a guest of
# its own, built with guestos and the helpers they share (tests/net/guests/netlib.c, not an n_
# file, so not a guest) to build/guests/n_NAME.elf; tests/net/cases/*.sh run them.
NET_TEST_GUESTS := $(patsubst tests/net/guests/%.c,%,$(wildcard tests/net/guests/n_*.c))
NET_GUEST_LIB := tests/net/guests/netlib.c
TEST_GUESTS += $(NET_TEST_GUESTS)
$(foreach g,$(NET_TEST_GUESTS),$(eval GUEST_SRCS_$(g) := tests/net/guests/$(g).c $(NET_GUEST_LIB)))

net-tests: $(BUILD)/denali guests
	sh tests/net/run.sh $(BUILD)
.PHONY: net-tests
