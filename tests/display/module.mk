# tests/display/: the display and keyboard suite (tests/display/run.sh, which also runs the
# window's test, tests/display/window.sh). Every tests/display/guests/NAME.c is a guest of its
# own, built with guestos to build/guests/NAME.elf (its name starts with d_ so it is told apart).
DISPLAY_TEST_GUESTS := $(patsubst tests/display/guests/%.c,%,$(wildcard tests/display/guests/*.c))
TEST_GUESTS += $(DISPLAY_TEST_GUESTS)
$(foreach g,$(DISPLAY_TEST_GUESTS),$(eval GUEST_SRCS_$(g) := tests/display/guests/$(g).c))

display-tests: $(BUILD)/denali guests
	sh tests/display/run.sh $(BUILD)
.PHONY: display-tests
