/* check.c - the reporting half of check.h; counts failures for the guest's exit status. */
#include <string.h>

#include "denali.h"
#include "tests/guests/check.h"

/* Failures so far. A guest is one single-threaded program, so a counter here is its state. */
static unsigned failures;

void check_u32(const char *name, uint32_t got, uint32_t want)
{
	if (got == want) {
		dva_printf("ok %s\n", name);
		return;
	}
	dva_printf("FAIL %s: got 0x%x want 0x%x\n", name, got, want);
	failures++;
}

void check_u64(const char *name, uint64_t got, uint64_t want)
{
	if (got == want) {
		dva_printf("ok %s\n", name);
		return;
	}
	dva_printf("FAIL %s: got 0x%llx want 0x%llx\n", name, got, want);
	failures++;
}

void check_str(const char *name, const char *got, const char *want)
{
	if (got != NULL && strcmp(got, want) == 0) {
		dva_printf("ok %s\n", name);
		return;
	}
	dva_printf("FAIL %s: got \"%s\" want \"%s\"\n", name, got, want);
	failures++;
}

void check_true(const char *name, int cond)
{
	if (cond) {
		dva_printf("ok %s\n", name);
		return;
	}
	dva_printf("FAIL %s\n", name);
	failures++;
}

int check_status(void)
{
	return failures == 0 ? 0 : 1;
}
