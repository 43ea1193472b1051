/* t_libc_ctype.c - ctype.h against glibc's "C" locale: for EOF and every unsigned char value, a
 * letter per class the value is in, and its toupper/tolower; expect/t_libc_ctype.out is this
 * file built natively (tests/guests/libc_expect.sh).
 */
#include <ctype.h>
#include <stdio.h>

int main(void)
{
	for (int c = -1; c < 256; c++) {
		printf("%4d %c%c%c%c%c%c%c%c%c%c%c%c %d %d\n", c, isalnum(c) ? 'N' : '-',
		       isalpha(c) ? 'A' : '-', isblank(c) ? 'B' : '-', iscntrl(c) ? 'C' : '-',
		       isdigit(c) ? 'D' : '-', isgraph(c) ? 'G' : '-', islower(c) ? 'L' : '-',
		       isprint(c) ? 'P' : '-', ispunct(c) ? '!' : '-', isspace(c) ? 'S' : '-',
		       isupper(c) ? 'U' : '-', isxdigit(c) ? 'X' : '-', toupper(c), tolower(c));
	}
	return 0;
}
