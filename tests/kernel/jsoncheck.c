/* jsoncheck.c - exits 0 when stdin is one well-formed JSON value (RFC 8259), else prints where it
 * went wrong and exits 1. For tests/kernel/run.sh, which cannot count on python3. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct in {
	const char *p;
	int depth;
};

static void ws(struct in *s)
{
	while (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r')
		s->p++;
}

static int value(struct in *s);

static int string(struct in *s)
{
	if (*s->p++ != '"')
		return -1;
	for (;;) {
		unsigned char c = (unsigned char)*s->p++;
		if (c == '"')
			return 0;
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			c = (unsigned char)*s->p++;
			if (c == 'u') {
				for (int i = 0; i < 4; i++)
					if (!isxdigit((unsigned char)*s->p++))
						return -1;
			} else if (!strchr("\"\\/bfnrt", c) || !c) {
				return -1;
			}
		}
	}
}

static int number(struct in *s)
{
	if (*s->p == '-')
		s->p++;
	if (*s->p == '0')
		s->p++;
	else if (isdigit((unsigned char)*s->p))
		while (isdigit((unsigned char)*s->p))
			s->p++;
	else
		return -1;
	if (*s->p == '.') {
		s->p++;
		if (!isdigit((unsigned char)*s->p))
			return -1;
		while (isdigit((unsigned char)*s->p))
			s->p++;
	}
	if (*s->p == 'e' || *s->p == 'E') {
		s->p++;
		if (*s->p == '+' || *s->p == '-')
			s->p++;
		if (!isdigit((unsigned char)*s->p))
			return -1;
		while (isdigit((unsigned char)*s->p))
			s->p++;
	}
	return 0;
}

/* Elements of an array (close ']') or members of an object (close '}'). */
static int items(struct in *s, char close)
{
	s->p++;
	ws(s);
	if (*s->p == close) {
		s->p++;
		return 0;
	}
	for (;;) {
		ws(s);
		if (close == '}') {
			if (string(s))
				return -1;
			ws(s);
			if (*s->p++ != ':')
				return -1;
		}
		if (value(s))
			return -1;
		ws(s);
		if (*s->p == ',') {
			s->p++;
			continue;
		}
		return *s->p++ == close ? 0 : -1;
	}
}

static int value(struct in *s)
{
	ws(s);
	if (++s->depth > 64)
		return -1;
	int r;
	switch (*s->p) {
	case '{': r = items(s, '}'); break;
	case '[': r = items(s, ']'); break;
	case '"': r = string(s); break;
	case 't': r = strncmp(s->p, "true", 4) ? -1 : (s->p += 4, 0); break;
	case 'f': r = strncmp(s->p, "false", 5) ? -1 : (s->p += 5, 0); break;
	case 'n': r = strncmp(s->p, "null", 4) ? -1 : (s->p += 4, 0); break;
	default: r = number(s); break;
	}
	s->depth--;
	return r;
}

int main(void)
{
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf) - 1, stdin);
	buf[n] = '\0';
	struct in s = { buf, 0 };
	if (strlen(buf) != n || value(&s) || (ws(&s), *s.p)) {
		fprintf(stderr, "jsoncheck: not JSON at byte %ld\n", (long)(s.p - buf));
		return 1;
	}
	return 0;
}
