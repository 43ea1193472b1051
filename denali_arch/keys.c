/* keys.c - key names, and --keys scripts: key events at given system times (denali_arch/keys.h). */
#include "denali_arch/keys.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "denali_arch/config.h"
#include "denali_arch/dva_keys.h"

#define KEYS_LINE_MAX 1024

static const struct { const char *name; uint32_t code; } named[] = {
#define KEY_ENTRY(n, c) { n, (uint32_t)(c) },
	DVA_KEY_NAMES(KEY_ENTRY)
#undef KEY_ENTRY
};

uint32_t key_code(const char *name)
{
	if (name[0] > ' ' && name[0] < 127 && !name[1]) /* a printable character names itself */
		return (uint32_t)(name[0] >= 'A' && name[0] <= 'Z' ? name[0] - 'A' + 'a' : name[0]);
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (!strcmp(named[i].name, name))
			return named[i].code;
	return 0;
}

const char *key_name(uint32_t code, char buf[2])
{
	code &= ~DVA_KEY_UP;
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (named[i].code == code)
			return named[i].name;
	if (code > ' ' && code < 127) {
		buf[0] = (char)code;
		buf[1] = '\0';
		return buf;
	}
	return NULL;
}

/* US layout: the shifted characters and the key each is on. */
static const char shifted[] = "~!@#$%^&*()_+{}|:\"<>?";
static const char unshifted[] = "`1234567890-=[]\\;',./";

uint32_t key_for_char(char c, int *shift)
{
	*shift = 0;
	if (c == ' ')
		return DVA_KEY_SPACE;
	if (c >= 'A' && c <= 'Z') {
		*shift = 1;
		return (uint32_t)(c - 'A' + 'a');
	}
	const char *p = c ? strchr(shifted, c) : NULL;
	if (p) {
		*shift = 1;
		return (uint32_t)(unsigned char)unshifted[p - shifted];
	}
	if (c > ' ' && c < 127)
		return (uint32_t)(unsigned char)c;
	return 0;
}

/* ---- scripts ------------------------------------------------------------------------------ */

struct parse {
	struct key_script *ks;
	size_t cap;
	const char *path;
	uint64_t nvms;
	unsigned line;
	char *err;
	size_t errlen;
};

static int bad(struct parse *p, const char *fmt, ...)
{
	int n = snprintf(p->err, p->errlen, "%s:%u: ", p->path, p->line);
	va_list ap;
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int add(struct parse *p, uint64_t at, uint32_t vm, uint32_t event)
{
	struct key_script *ks = p->ks;
	if (ks->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct key_event *e = realloc(ks->ev, cap * sizeof(*e));
		if (!e)
			return bad(p, "out of host memory");
		ks->ev = e;
		p->cap = cap;
	}
	ks->ev[ks->n++] = (struct key_event){ at, vm, event };
	return 0;
}

static int press(struct parse *p, uint64_t at, uint32_t vm, uint32_t code, int shift)
{
	if (shift && add(p, at, vm, DVA_KEY_LSHIFT))
		return -1;
	if (add(p, at, vm, code) || add(p, at, vm, code | DVA_KEY_UP))
		return -1;
	return shift ? add(p, at, vm, DVA_KEY_LSHIFT | DVA_KEY_UP) : 0;
}

/* The next blank-separated word of *s, NUL-terminated in place, or NULL at the end. */
static char *word(char **s)
{
	char *w = *s + strspn(*s, " \t");
	if (!*w)
		return NULL;
	char *end = w + strcspn(w, " \t");
	*s = *end ? end + 1 : end;
	*end = '\0';
	return w;
}

/* One line: TIME [vm N] ACTION ARG. *t is the previous line's time, and becomes this one's. */
static int parse_line(struct parse *p, char *s, uint64_t *t, uint32_t default_vm)
{
	char *w = word(&s);
	if (!w || *w == '#')
		return 0;
	uint64_t at;
	bool rel = *w == '+';
	if (parse_time_ns(w + rel, &at))
		return bad(p, "'%s' is not a time (such as 1.5s, 200ms or +100ms)", w);
	if (rel) {
		if (at > UINT64_MAX - *t)
			return bad(p, "'%s' is too late", w);
		at += *t;
	} else if (at < *t) {
		return bad(p, "'%s' is earlier than the line before: times must not go back", w);
	}
	*t = at;
	uint32_t vm = default_vm;
	char *action = word(&s);
	if (action && !strcmp(action, "vm")) {
		char *n = word(&s);
		uint64_t v;
		if (!n || parse_count(n, &v) || v >= UINT32_MAX)
			return bad(p, "'vm' needs a VM number");
		if (v >= p->nvms)
			return bad(p, "VM %llu does not exist: the run has %llu VM%s", (unsigned long long)v,
				   (unsigned long long)p->nvms, p->nvms == 1 ? "" : "s");
		vm = (uint32_t)v;
		action = word(&s);
	}
	if (!action)
		return bad(p, "no action (press, down, up or type)");
	if (!strcmp(action, "type")) {
		const char *text = s + strspn(s, " \t");
		if (!*text)
			return bad(p, "'type' needs text");
		for (const char *c = text; *c; c++, at += KEYS_TYPE_GAP_NS) {
			int shift;
			uint32_t code = key_for_char(*c, &shift);
			if (!code)
				return bad(p, "'type' cannot type the byte 0x%02x", (unsigned char)*c);
			if (press(p, at, vm, code, shift))
				return -1;
		}
		*t = at - KEYS_TYPE_GAP_NS;
		return 0;
	}
	bool is_press = !strcmp(action, "press"), is_down = !strcmp(action, "down"),
	     is_up = !strcmp(action, "up");
	if (!is_press && !is_down && !is_up)
		return bad(p, "'%s' is not an action (press, down, up or type)", action);
	char *key = word(&s);
	if (!key)
		return bad(p, "'%s' needs a key", action);
	uint32_t code = key_code(key);
	if (!code)
		return bad(p, "'%s' is not a key (a character, or a name such as Return, Left, LShift)", key);
	if (word(&s))
		return bad(p, "more than one key after '%s'", action);
	if (is_press)
		return press(p, at, vm, code, 0);
	return add(p, at, vm, code | (is_up ? DVA_KEY_UP : 0));
}

int keys_load(struct key_script *ks, const char *path, uint32_t default_vm, uint64_t nvms, char *err,
	      size_t errlen)
{
	memset(ks, 0, sizeof(*ks));
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	struct parse p = { .ks = ks, .path = path, .nvms = nvms, .err = err, .errlen = errlen };
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	uint64_t t = 0;
	int rc = 0;
	while (!rc && (len = getline(&buf, &cap, f)) >= 0) {
		p.line++;
		size_t n = (size_t)len;
		if (n && buf[n - 1] == '\n')
			buf[--n] = '\0';
		if (n && buf[n - 1] == '\r')
			buf[--n] = '\0';
		if (n > KEYS_LINE_MAX)
			rc = bad(&p, "longer than %d bytes", KEYS_LINE_MAX);
		else if (memchr(buf, '\0', n))
			rc = bad(&p, "a NUL byte: this is not a text file");
		else
			rc = parse_line(&p, buf, &t, default_vm);
	}
	free(buf);
	if (!rc && ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	fclose(f);
	if (rc)
		keys_free(ks);
	return rc;
}

void keys_free(struct key_script *ks)
{
	free(ks->ev);
	memset(ks, 0, sizeof(*ks));
}
