/* stamp.c - a guest whose output depends on when host input arrives, for the --console-in,
 * --record and --replay tests (tests/cli/run.sh): it prints its vm_id, then each line of console
 * input followed by the system time it was read at, then "end" with the time the input ended. */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "denali.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	int c;
	printf("vm %u\n", (unsigned)dva_page0.vm_id);
	while ((c = getchar()) != EOF) {
		if (c == '\n')
			printf(" @%llu\n", (unsigned long long)dva_time_ns());
		else
			putchar(c);
	}
	printf("end @%llu\n", (unsigned long long)dva_time_ns());
	return 0;
}
