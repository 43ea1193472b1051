/* param.h - guestos tunables, in one place. */
#ifndef GUESTOS_PARAM_H
#define GUESTOS_PARAM_H

#define GUESTOS_ARGV_MAX 32    /* argv entries crt0 makes, argv[0] included; extra words dropped */
#define GUESTOS_PRINTF_BUF 128 /* bytes dva_printf gathers before one REP OUTSB */

/* Threads (thread.c; stacks come from malloc, stack.c). */
#define GUESTOS_THREADS_MAX 64    /* thread slots, the main thread included */
#define GUESTOS_STACK_SIZE 8192u  /* bytes of stack each created thread gets (a multiple of 16) */
#define GUESTOS_SLICE_US 10000u   /* default preemption slice, us of system time; 0 = cooperative */
#define GUESTOS_STACK_CANARY 0x5AFE57ACu /* lowest word of every created stack, checked at switches */

/* Exit statuses guestos itself chooses (an exception ends with 128 + vector, as without guestos). */
#define GUESTOS_EXIT_PANIC 120    /* guestos found a misuse: stack overflow, foreign mutex unlock */

#endif
