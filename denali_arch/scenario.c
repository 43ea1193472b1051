/* scenario.c - reading a scenario file: INI sections [run] and [group NAME], key = value lines,
 * '#' or ';' comments, on a line of their own or after a value. Every error is reported as FILE:LINE: reason before anything runs. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "denali_arch/config.h"

/* Strip leading and trailing white space in place. */
static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* A comment may end a line: '#' or ';' after white space, outside a quoted value, and what
 * follows it is not part of the value (docs/experiments.md's example has them). */
static void strip_comment(char *v)
{
	bool quoted = false;
	for (char *p = v; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && (*p == '#' || *p == ';') && (p == v || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			return;
		}
	}
}

/* A value may be quoted with "..." to keep spaces at its ends. */
static int unquote(char *v)
{
	size_t n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		memmove(v, v + 1, n - 2);
		v[n - 2] = '\0';
	} else if (n && v[0] == '"') {
		return -1;
	}
	return 0;
}

int scenario_load(struct run_config *rc, const char *path, char err[CONFIG_ERR])
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, CONFIG_ERR, "%s: cannot open the scenario file", path);
		return -1;
	}
	char line[1024], why[CONFIG_ERR], section[64] = "";
	unsigned lineno = 0;
	int rc_status = 0;
	rc->source = path;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(why, sizeof(why), "line longer than %zu characters", sizeof(line) - 2);
			goto bad;
		}
		char *s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');
			if (!close || trim(close + 1)[0]) {
				snprintf(why, sizeof(why), "a section header is [run] or [group NAME]");
				goto bad;
			}
			*close = '\0';
			char *name = trim(s + 1);
			if (!strcmp(name, "run")) {
				strcpy(section, "run");
				continue;
			}
			if (strncmp(name, "group", 5) || !isspace((unsigned char)name[5])) {
				snprintf(why, sizeof(why), "unknown section [%s] (use [run] or [group NAME])", name);
				goto bad;
			}
			name = trim(name + 5);
			if (config_add_group(rc, name, lineno, why))
				goto bad;
			snprintf(section, sizeof(section), "%s", name);
			continue;
		}
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(why, sizeof(why), "expected key = value");
			goto bad;
		}
		*eq = '\0';
		strip_comment(eq + 1);
		char *key = trim(s), *val = trim(eq + 1);
		if (!section[0]) {
			snprintf(why, sizeof(why), "'%s' comes before any section", key);
			goto bad;
		}
		if (unquote(val)) {
			snprintf(why, sizeof(why), "unterminated quoted value");
			goto bad;
		}
		if (config_set(rc, section, key, val, why))
			goto bad;
	}
	fclose(f);
	return 0;
bad:
	snprintf(err, CONFIG_ERR, "%s:%u: %.240s", path, lineno, why);
	fclose(f);
	rc_status = -1;
	return rc_status;
}
