/* options.c - parsing and checking `denali run`'s options; every refusal names the option. */
#include "denali_arch/options.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "denali_arch/dva.h"
#include "denali_arch/param.h"

void options_usage(FILE *f)
{
	fprintf(f,
		"usage: denali run [options] IMAGE\n"
		"\n"
		"Run a DVA-1 guest image (a static ELF32 i386 executable) on the Denali virtual machine.\n"
		"\n"
		"options:\n"
		"  --mem SIZE        guest memory, K/M/G suffixes (default 16M; 64K to 3G, 4K multiple)\n"
		"  --args STRING     the guest's argument string (page 0, at most 255 bytes)\n"
		"  --max-insns N     stop after N instructions retired\n"
		"  --quantum N       instructions per scheduling quantum (default %u)\n"
		"  --trace FILE      write one line per executed instruction to FILE ('-' = stderr)\n"
		"  -h, --help        show this help\n"
		"  --version         show the version\n"
		"\n"
		"exit status: the guest's TERMINATE status; 128 + vector when the guest ends on an\n"
		"exception it has no handler for (255 for vectors 128-255; 134 for an instruction\n"
		"the emulator does not implement); %d when --max-insns ran out; %d when the guest\n"
		"idles with nothing that could wake it; %d for a refused image; %d for a bad option.\n",
		PARAM_QUANTUM, EXIT_LIMIT, EXIT_STUCK, EXIT_REFUSED, EXIT_USAGE);
}

int parse_size(const char *s, uint64_t *out)
{
	char *end;
	if (!*s || *s == '-')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	uint64_t mult = 1;
	switch (*end) {
	case 'k': case 'K': mult = 1ull << 10; end++; break;
	case 'm': case 'M': mult = 1ull << 20; end++; break;
	case 'g': case 'G': mult = 1ull << 30; end++; break;
	default: break;
	}
	if (*end == 'i' || *end == 'B')
		end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end || v > UINT64_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}

static int parse_count(const char *s, uint64_t *out)
{
	char *end;
	if (!*s || *s == '-')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static int bad(const char *opt, const char *fmt, const char *val)
{
	fprintf(stderr, "denali: %s: ", opt);
	fprintf(stderr, fmt, val);
	fputc('\n', stderr);
	options_usage(stderr);
	return -1;
}

int options_parse(struct run_options *o, int argc, char **argv)
{
	memset(o, 0, sizeof(*o));
	o->mem_size = DVA_MEM_DEFAULT;
	o->quantum = PARAM_QUANTUM;

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			o->help = true;
			return 0;
		}
		if (!strcmp(a, "--version")) {
			o->version = true;
			return 0;
		}
		if (a[0] != '-' || !strcmp(a, "-")) {
			if (o->image)
				return bad(a, "%s", "only one IMAGE may be given");
			o->image = a;
			continue;
		}
		/* Options with a value: "--opt VALUE" or "--opt=VALUE". */
		static const char *const valued[] = { "--mem", "--args", "--max-insns", "--trace", "--quantum" };
		const char *name = NULL;
		for (size_t k = 0; k < sizeof(valued) / sizeof(valued[0]); k++) {
			size_t n = strlen(valued[k]);
			if (!strncmp(a, valued[k], n) && (a[n] == '\0' || a[n] == '=')) {
				name = valued[k];
				val = a[n] == '=' ? a + n + 1 : NULL;
			}
		}
		if (!name)
			return bad(a, "%s", "unknown option");
		if (!val) {
			if (i + 1 >= argc)
				return bad(name, "%s", "needs a value");
			val = argv[++i];
		}
		if (!strcmp(name, "--mem")) {
			uint64_t v;
			if (parse_size(val, &v))
				return bad(name, "'%s' is not a size (use e.g. 16M, 512K, 1G)", val);
			if (v % DVA_PAGE_SIZE || v < DVA_MEM_MIN || v > DVA_MEM_MAX)
				return bad(name, "'%s' must be a multiple of 4K between 64K and 3G", val);
			o->mem_size = (uint32_t)v;
		} else if (!strcmp(name, "--args")) {
			if (strlen(val) > DVA_ARGS_MAX)
				return bad(name, "%s", "the argument string is longer than 255 bytes");
			o->args = val;
		} else if (!strcmp(name, "--max-insns")) {
			if (parse_count(val, &o->max_insns) || o->max_insns == 0)
				return bad(name, "'%s' is not a positive whole number", val);
		} else if (!strcmp(name, "--quantum")) {
			uint64_t q;
			if (parse_count(val, &q) || q == 0 || q > UINT32_MAX)
				return bad(name, "'%s' is not a whole number from 1 to 4294967295", val);
			o->quantum = (uint32_t)q;
		} else {
			o->trace = val;
		}
	}
	if (!o->image)
		return bad("run", "%s", "no IMAGE given");
	return 0;
}
