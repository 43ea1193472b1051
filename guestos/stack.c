/* stack.c - thread stacks: GUESTOS_STACK_SIZE bytes from malloc, a canary in the lowest word. */
#include <stdlib.h>

#include "guestos/defs.h"
#include "guestos/param.h"

_Static_assert(GUESTOS_STACK_SIZE % 16 == 0, "stacks keep 16-byte alignment");

/* Callers hold interrupts off (thread_create, thread_join), which also keeps a preempted
 * thread's malloc or free from interleaving with these. malloc's payloads are 16-byte aligned. */
void *stack_alloc(void)
{
	return malloc(GUESTOS_STACK_SIZE);
}

void stack_free(void *stack)
{
	free(stack);
}
