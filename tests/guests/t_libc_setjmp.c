/* t_libc_setjmp.c - setjmp/longjmp and exit/atexit against glibc; expect/t_libc_setjmp.out and
 * .status are this file built natively (tests/guests/libc_expect.sh).
 *
 * setjmp returns 0 directly and longjmp's value (1 for 0) later; longjmp unwinds any depth of
 * frames; volatile locals keep the values they had at the longjmp; callee-saved registers hold
 * their setjmp-time values afterwards (a function keeping several values live across the call
 * makes gcc use EBX, ESI and EDI); a jmp_buf can be reused, and two can be live at once. exit
 * runs the atexit functions last registered first, and its status is the program's.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

static jmp_buf outer, inner;
static volatile int depth_reached;

static void dive(int depth, int val)
{
	depth_reached = depth;
	if (depth < 0)
		return; /* never: a way out, or gcc calls the recursion infinite */
	if (depth == 0)
		longjmp(outer, val);
	dive(depth - 1, val + 0 * depth); /* not a tail call: gcc keeps the frames */
	printf("not reached\n");
}

/* Values kept live across setjmp in registers; each path adds them up. */
static __attribute__((noinline)) int live_values(int a, int b, int c, int d)
{
	jmp_buf env;
	volatile int round = 0;
	int x = a * 3, y = b * 5, z = c * 7, w = d * 11;

	if (setjmp(env) < 3) {
		round++;
		if (round < 3)
			longjmp(env, round + 1);
	}
	return x + y + z + w + round;
}

static void bye1(void)
{
	printf("atexit: first registered, runs last\n");
}

static void bye2(void)
{
	printf("atexit: second registered\n");
}

static void bye3(void)
{
	printf("atexit: last registered, runs first\n");
}

int main(void)
{
	volatile int count = 0;
	int r;

	r = setjmp(outer);
	printf("setjmp returned %d (count %d)\n", r, count);
	count++;
	if (r == 0)
		dive(50, 7);
	else if (r == 7)
		dive(3, 0); /* longjmp(env, 0) makes setjmp return 1 */
	printf("depth reached %d\n", depth_reached);

	r = setjmp(inner);
	if (r == 0) {
		printf("inner set, jumping\n");
		longjmp(inner, -5);
	}
	printf("inner returned %d\n", r);

	printf("live values: %d\n", live_values(1, 2, 3, 4));
	printf("live values: %d\n", live_values(-10, 20, -30, 40));

	atexit(bye1);
	atexit(bye2);
	atexit(bye3);
	printf("calling exit(3)\n");
	exit(3);
}
