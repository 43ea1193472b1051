/* webobj.c - the built-in objects of examples/httpd.c (examples/webobj.h). */
#include "webobj.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char index_html[] =
	"<!doctype html>\n<html><head><title>denali httpd</title></head>\n"
	"<body><h1>Served by a Denali VM</h1>\n"
	"<ul><li><a href=\"/2258.bin\">2258.bin</a> (the paper's small object)</li>\n"
	"<li><a href=\"/134007.bin\">134007.bin</a> (the paper's large object)</li></ul>\n"
	"</body></html>\n";

static struct webobj objs[3];
static size_t nobjs;

static uint8_t *generated(size_t len)
{
	uint8_t *b = malloc(len);
	if (!b)
		return NULL;
	/* webobj_byte(len, i) by steps of 31 mod 251: no division, which at 10,000 VMs each making
	 * 136 KB is a good part of their start */
	unsigned v = (unsigned)(len % 251u);
	for (size_t i = 0; i < len; i++) {
		b[i] = (uint8_t)v;
		v += 31u;
		if (v >= 251u)
			v -= 251u;
	}
	return b;
}

const struct webobj *webobj_all(size_t *n)
{
	if (!nobjs) {
		uint8_t *small = generated(2258), *large = generated(134007);
		if (!small || !large)
			return NULL;
		objs[0] = (struct webobj){ "/index.html", "text/html", (const uint8_t *)index_html,
					   sizeof(index_html) - 1 };
		objs[1] = (struct webobj){ "/2258.bin", "application/octet-stream", small, 2258 };
		objs[2] = (struct webobj){ "/134007.bin", "application/octet-stream", large, 134007 };
		nobjs = 3;
	}
	*n = nobjs;
	return objs;
}

const struct webobj *webobj_find(const char *path, size_t path_len)
{
	size_t n;
	const struct webobj *o = webobj_all(&n);
	if (!o)
		return NULL;
	if (path_len == 1 && path[0] == '/')
		return &o[0];
	for (size_t i = 0; i < n; i++)
		if (strlen(o[i].path) == path_len && !memcmp(o[i].path, path, path_len))
			return &o[i];
	return NULL;
}
