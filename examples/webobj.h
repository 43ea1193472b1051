/* webobj.h - the objects examples/httpd.c serves, built in memory at start: an index page and
 * the Denali paper's two sizes, 2,258 and 134,007 bytes (its web workload's small and large
 * documents). Their bytes are a function of the name and offset only, so a client or a test
 * on the host can rebuild them and compare (tests/net/cases/http.sh does it in Python). */
#ifndef EXAMPLES_WEBOBJ_H
#define EXAMPLES_WEBOBJ_H

#include <stddef.h>
#include <stdint.h>

struct webobj {
	const char *path;        /* "/2258.bin" */
	const char *type;        /* its Content-Type */
	const uint8_t *body;
	size_t len;
};

/* Build the objects (once); NULL when out of memory. n gets their number. */
const struct webobj *webobj_all(size_t *n);
/* The object at path, or NULL. */
const struct webobj *webobj_find(const char *path, size_t path_len);
/* The byte at offset i of a generated object of size len: (i * 31 + len) mod 251, a pattern
 * that repeats neither with the page size nor with a byte. */
static inline uint8_t webobj_byte(size_t len, size_t i)
{
	return (uint8_t)((i * 31u + len) % 251u);
}

#endif
