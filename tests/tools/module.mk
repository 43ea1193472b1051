# tests/tools/: developer tools. transc-error measures the x87 transcendental functions against
# the host x87 and a 113-bit libquadmath reference (x86 hosts; see docs/transcendentals.md).
$(BUILD)/tests/transc-error: $(BUILD)/obj/tests/tools/transc_error.o $(BUILD)/obj/cpu/fpu_transc.o
	@mkdir -p $(@D)
	$(CC) -o $@ $^ -lquadmath

transc-error: $(BUILD)/tests/transc-error
.PHONY: transc-error
