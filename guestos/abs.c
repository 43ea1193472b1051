/* abs.c - abs, labs, llabs, div and ldiv (C's truncating division, as the hardware does it). */
#include <stdlib.h>

int abs(int v)
{
	return v < 0 ? -v : v;
}

long labs(long v)
{
	return v < 0 ? -v : v;
}

long long llabs(long long v)
{
	return v < 0 ? -v : v;
}

div_t div(int num, int den)
{
	return (div_t){ .quot = num / den, .rem = num % den };
}

ldiv_t ldiv(long num, long den)
{
	return (ldiv_t){ .quot = num / den, .rem = num % den };
}
