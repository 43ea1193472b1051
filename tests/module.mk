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

# Self-checking guests: each prints and terminates; tests/guests/expect/NAME.out holds what it
# must print, NAME.status its exit status.
TEST_GUESTS :=

unit: $(UNIT_BINS) $(UNIT_SAN_BINS)
	@set -e; for t in $(UNIT_BINS) $(UNIT_SAN_BINS); do echo "== $$t"; $$t; done

test: deps
	@$(MAKE) --no-print-directory all unit
