/* m_irq.c - waits for a line nobody raises but the monitor (tests/debug/monitor.sh): line 4,
 * the disk's, which a run without a disk never raises. It unmasks the line, says so, IDLEs until
 * the upcall has come, then prints how many upcalls carried the line and terminates. */
#include <stdio.h>

#include "denali.h"
#include "irq.h"

static volatile unsigned got;

static void on_line(unsigned line)
{
	if (line == DVA_LINE_DISK)
		got++;
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	irq_register(DVA_LINE_DISK, on_line);
	irq_restore(1);
	printf("waiting for line 4\n");
	while (!got)
		dva_idle(DVA_IDLE_FOREVER);
	printf("line 4 upcalls %u\n", got);
	return 0;
}
