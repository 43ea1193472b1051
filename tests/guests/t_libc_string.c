/* t_libc_string.c - string.h against glibc: each function's results printed for a table of
 * cases; expect/t_libc_string.out is this file built natively (tests/guests/libc_expect.sh).
 *
 * Comparison results are printed as their sign only (C fixes the sign, not the value). Pointer
 * results are printed as offsets into their string, or NULL. The cases aim at the edges: empty
 * strings and needles, matches at the first and last position, bytes above 0x7F (compared as
 * unsigned char), NUL searched for, strncpy's padding and its missing NUL, overlapping memmove
 * both ways, and strtok_r over runs of delimiters at both ends and of mixed delimiter sets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void show_ptr(const char *what, const char *base, const char *p)
{
	if (p == NULL)
		printf("%s = NULL\n", what);
	else
		printf("%s = +%d\n", what, (int)(p - base));
}

/* Bytes of a buffer, NULs shown as '.', so padding is visible. */
static void show_bytes(const char *what, const char *p, size_t n)
{
	printf("%s = [", what);
	for (size_t i = 0; i < n; i++)
		putchar(p[i] == '\0' ? '.' : p[i]);
	printf("]\n");
}

/* s with bytes outside printable ASCII as \xNN, so the expect file stays text. */
static const char *quote(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s != '\0' && n + 5 < size; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c < 0x7f)
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, size - n, "\\x%02x", c);
	}
	out[n] = '\0';
	return out;
}

static const char *const words[] = {
	"", "a", "abc", "abd", "ab", "ABC", "abc\x80", "abc\x7f", "b",
};

static void test_compare(void)
{
	char what[64], qa[32], qb[32];

	for (size_t i = 0; i < COUNT(words); i++) {
		for (size_t j = 0; j < COUNT(words); j++) {
			const char *a = words[i], *b = words[j];
			printf("cmp(\"%s\", \"%s\"): strcmp %d strncmp2 %d memcmp %d casecmp %d "
			       "ncasecmp2 %d\n",
			       quote(a, qa, sizeof qa), quote(b, qb, sizeof qb), sign(strcmp(a, b)),
			       sign(strncmp(a, b, 2)),
			       sign(memcmp(a, b, strlen(a) < strlen(b) ? strlen(a) + 1 : strlen(b) + 1)),
			       sign(strcasecmp(a, b)), sign(strncasecmp(a, b, 2)));
		}
		snprintf(what, sizeof what, "strlen(\"%s\")", quote(words[i], qa, sizeof qa));
		printf("%s = %d, strnlen 2 = %d\n", what, (int)strlen(words[i]),
		       (int)strnlen(words[i], 2));
	}
}

static void test_search(void)
{
	static const char *const hay[] = { "", "hello world", "aaab", "abababc", "xyz" };
	static const char *const needles[] = { "", "o", "world", "ab", "abc", "aab", "xyzz", "d" };
	static const char chars[] = { 'o', 'l', 'h', 'd', 'z', '\0' };
	char what[96];

	for (size_t h = 0; h < COUNT(hay); h++) {
		const char *s = hay[h];
		for (size_t n = 0; n < COUNT(needles); n++) {
			snprintf(what, sizeof what, "strstr(\"%s\", \"%s\")", s, needles[n]);
			show_ptr(what, s, strstr(s, needles[n]));
			snprintf(what, sizeof what, "strpbrk(\"%s\", \"%s\")", s, needles[n]);
			show_ptr(what, s, strpbrk(s, needles[n]));
			printf("strspn(\"%s\", \"%s\") = %d, strcspn = %d\n", s, needles[n],
			       (int)strspn(s, needles[n]), (int)strcspn(s, needles[n]));
		}
		for (size_t c = 0; c < COUNT(chars); c++) {
			snprintf(what, sizeof what, "strchr(\"%s\", %d)", s, chars[c]);
			show_ptr(what, s, strchr(s, chars[c]));
			snprintf(what, sizeof what, "strrchr(\"%s\", %d)", s, chars[c]);
			show_ptr(what, s, strrchr(s, chars[c]));
			snprintf(what, sizeof what, "memchr(\"%s\", %d, len)", s, chars[c]);
			show_ptr(what, s, memchr(s, chars[c], strlen(s)));
		}
	}
	/* memchr compares as unsigned char: 0x180 finds 0x80. */
	show_ptr("memchr(\"ab\\x80\", 0x180)", "ab\x80", memchr("ab\x80", 0x180, 3));
}

static void test_copy(void)
{
	char buf[16], *p;

	memset(buf, 'X', sizeof buf);
	strncpy(buf, "abc", 8);
	show_bytes("strncpy pads", buf, 10);
	memset(buf, 'X', sizeof buf);
	strncpy(buf, "abcdefgh", 4);
	show_bytes("strncpy no NUL", buf, 6);
	strcpy(buf, "ab");
	strcat(buf, "cd");
	strncat(buf, "efghij", 3);
	show_bytes("strcat strncat", buf, 10);
	strncat(buf, "", 5);
	printf("strncat empty = %s\n", buf);
	p = strdup("duplicate me");
	printf("strdup = %s\n", p);
	free(p);
	p = strndup("duplicate me", 3);
	printf("strndup = %s (%d)\n", p, (int)strlen(p));
	free(p);

	strcpy(buf, "0123456789");
	memmove(buf + 2, buf, 6);
	printf("memmove up = %s\n", buf);
	strcpy(buf, "0123456789");
	memmove(buf, buf + 3, 6);
	printf("memmove down = %s\n", buf);
	strcpy(buf, "0123456789");
	memmove(buf + 1, buf, 0);
	printf("memmove 0 = %s\n", buf);
}

static void test_tokens(void)
{
	static const char *const lines[] = {
		"a b c", "  leading and trailing  ", "one", "", "   ", ",,a,,b;;c;", "x;y, z",
	};
	char buf[64], *save, *tok;

	for (size_t i = 0; i < COUNT(lines); i++) {
		strcpy(buf, lines[i]);
		printf("strtok_r(\"%s\"):", lines[i]);
		for (tok = strtok_r(buf, " ,;", &save); tok != NULL; tok = strtok_r(NULL, " ,;", &save))
			printf(" [%s]", tok);
		printf("\n");
	}
	/* The delimiter set may change between calls. */
	strcpy(buf, "key=value; other=thing");
	tok = strtok_r(buf, "=", &save);
	printf("changing delims: [%s]", tok);
	tok = strtok_r(NULL, ";", &save);
	printf(" [%s]", tok);
	tok = strtok_r(NULL, " =", &save);
	printf(" [%s]", tok);
	tok = strtok_r(NULL, "", &save);
	printf(" [%s]", tok);
	printf(" then %s\n", strtok_r(NULL, "=", &save) == NULL ? "NULL" : "more");
	/* strtok keeps its own place. */
	strcpy(buf, "p/q//r");
	printf("strtok:");
	for (tok = strtok(buf, "/"); tok != NULL; tok = strtok(NULL, "/"))
		printf(" [%s]", tok);
	printf("\n");
}

int main(void)
{
	test_compare();
	test_search();
	test_copy();
	test_tokens();
	return 0;
}
