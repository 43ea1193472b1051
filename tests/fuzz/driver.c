/* driver.c - runs the fuzz target without libFuzzer: seeded generated inputs and the saved
 * regression inputs, each in its own child process with a time limit, then "N passed, M failed".
 *
 *   fuzz [-j JOBS] [-v] N [REGRESS_DIR]   seeds 1..N, then every file in REGRESS_DIR
 *                                          (default tests/fuzz/regress, skipped if absent)
 *   fuzz --replay FILE...                  the given input files
 *   fuzz --one SEED                        one seed in this process (for a debugger)
 *   fuzz --dump SEED FILE                  write seed's input to FILE (to save a regression)
 *   fuzz --write-corpus DIR N              seeds 1..N as DIR/seed-K, a libFuzzer start corpus
 *
 * A case fails when its child dies (an invariant abort()s, a sanitizer reports, a signal) or
 * runs past FZ_CASE_SECONDS (a hang); the failure names the seed or file so it can be rerun.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <Zydis/Zydis.h>

#include "cpu/cpu.h"
#include "tests/fuzz/fuzz.h"

#define FZ_CASE_SECONDS 30 /* a case takes well under a second even under ASan */
#define FZ_BUF (FZ_HEADER + FZ_REG_BYTES + FZ_CODE_MAX)
#define FZ_JOBS_MAX 64

/* One case: a seed, or a file of input bytes. */
struct fz_case {
	uint64_t seed;
	const char *path;
};

/* Totals for the summary. */
struct fz_stats {
	unsigned exits[6];          /* by enum cpu_exit */
	unsigned vectors[DVA_VECTORS]; /* undelivered vectors */
	unsigned unimpl[ZYDIS_MNEMONIC_MAX_VALUE + 1];
	const char *why[16];        /* reasons a vector could not be delivered, and their counts */
	unsigned why_n[16];
	uint64_t instret, entries;
	double slowest;             /* seconds taken by the slowest passing case */
	const struct fz_case *slowest_case;
};

static size_t read_file(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "fuzz: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	size_t n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static void write_file(const char *path, const uint8_t *buf, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, n, f) != n || fclose(f)) {
		fprintf(stderr, "fuzz: cannot write %s\n", path);
		exit(2);
	}
}

static size_t case_input(const struct fz_case *k, uint8_t *buf)
{
	return k->path ? read_file(k->path, buf, FZ_BUF) : fz_generate(k->seed, buf, FZ_BUF);
}

static void case_name(const struct fz_case *k, char *s, size_t n)
{
	if (k->path)
		snprintf(s, n, "file %s", k->path);
	else
		snprintf(s, n, "seed %" PRIu64, k->seed);
}

/* The child: run the case, send the result up the pipe, leave without atexit work. */
static _Noreturn void child(const struct fz_case *k, int fd)
{
	uint8_t *buf = malloc(FZ_BUF);
	struct fz_result r;
	if (!buf)
		_exit(3);
	alarm(FZ_CASE_SECONDS);
	size_t n = case_input(k, buf);
	fz_run(buf, n, &r);
	ssize_t w = write(fd, &r, sizeof(r));
	_exit(w == (ssize_t)sizeof(r) ? 0 : 3);
}

struct slot {
	pid_t pid;
	int fd;
	const struct fz_case *k;
	double started; /* seconds, CLOCK_MONOTONIC */
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Collect one finished child; returns 1 if its case passed. */
static int reap(struct slot *slots, unsigned jobs, struct fz_stats *st)
{
	int status;
	pid_t pid;
	do
		pid = wait(&status);
	while (pid < 0 && errno == EINTR);
	if (pid < 0) {
		perror("fuzz: wait");
		exit(2);
	}
	for (unsigned j = 0; j < jobs; j++) {
		struct slot *s = &slots[j];
		if (s->pid != pid)
			continue;
		struct fz_result r;
		ssize_t got = read(s->fd, &r, sizeof(r));
		close(s->fd);
		s->pid = 0;
		char name[600];
		case_name(s->k, name, sizeof(name));
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && got == (ssize_t)sizeof(r)) {
			if (r.exit >= 0 && r.exit < 6)
				st->exits[r.exit]++;
			if (r.exit == CPU_EXIT_FAULT && r.vector < DVA_VECTORS)
				st->vectors[r.vector]++;
			for (unsigned w = 0; r.exit == CPU_EXIT_FAULT && w < 16; w++) {
				if (!st->why[w] || st->why[w] == r.why) {
					st->why[w] = r.why;
					st->why_n[w]++;
					break;
				}
			}
			if (r.exit == CPU_EXIT_UNIMPL && r.unimpl <= ZYDIS_MNEMONIC_MAX_VALUE)
				st->unimpl[r.unimpl]++;
			st->instret += r.instret;
			st->entries += r.entries;
			double took = now() - s->started;
			if (took > st->slowest) {
				st->slowest = took;
				st->slowest_case = s->k;
			}
			return 1;
		}
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
			fprintf(stderr, "fuzz: FAIL %s: still running after %d s (a hang)\n", name,
				FZ_CASE_SECONDS);
		else if (WIFSIGNALED(status))
			fprintf(stderr, "fuzz: FAIL %s: killed by signal %d\n", name, WTERMSIG(status));
		else
			fprintf(stderr, "fuzz: FAIL %s: exit status %d\n", name, WEXITSTATUS(status));
		return 0;
	}
	return 1; /* not one of ours */
}

static void summary(const struct fz_stats *st, unsigned n)
{
	static const char *const names[6] = { "budget", "idle", "terminate", "undeliverable",
					      "unimplemented", "event" };
	printf("fuzz: %u cases, %" PRIu64 " instructions, %" PRIu64 " resumed handler entries; ends:",
	       n, st->instret, st->entries);
	for (int i = 0; i < 6; i++)
		if (st->exits[i])
			printf(" %s %u", names[i], st->exits[i]);
	printf("\nfuzz: undelivered vectors:");
	for (unsigned v = 0; v < DVA_VECTORS; v++)
		if (st->vectors[v])
			printf(" %u(x%u)", v, st->vectors[v]);
	printf("\n");
	if (st->slowest_case) {
		char name[600];
		case_name(st->slowest_case, name, sizeof(name));
		printf("fuzz: slowest case: %s, %.3f s\n", name, st->slowest);
	}
	for (unsigned w = 0; w < 16 && st->why[w]; w++)
		printf("fuzz:   %u x %s\n", st->why_n[w], st->why[w]);
	int any = 0;
	for (unsigned m = 0; m <= ZYDIS_MNEMONIC_MAX_VALUE; m++) {
		if (!st->unimpl[m])
			continue;
		printf("%s %s(x%u)", any ? "" : "fuzz: not implemented:", ZydisMnemonicGetString(m),
		       st->unimpl[m]);
		any = 1;
	}
	if (any)
		printf("\n");
}

/* Run every case, at most jobs at a time; print the summary and the total line. */
static int run_cases(const struct fz_case *cases, unsigned n, unsigned jobs, int verbose)
{
	struct slot slots[FZ_JOBS_MAX] = { 0 };
	struct fz_stats *st = calloc(1, sizeof(*st));
	unsigned passed = 0, failed = 0, running = 0;
	if (!st)
		exit(2);
	fflush(stdout);
	for (unsigned i = 0; i < n || running > 0;) {
		if (i < n && running < jobs) {
			unsigned j = 0;
			while (slots[j].pid)
				j++;
			int p[2];
			if (pipe(p)) {
				perror("fuzz: pipe");
				exit(2);
			}
			pid_t pid = fork();
			if (pid < 0) {
				perror("fuzz: fork");
				exit(2);
			}
			if (pid == 0) {
				close(p[0]);
				child(&cases[i], p[1]);
			}
			close(p[1]);
			slots[j] = (struct slot){ pid, p[0], &cases[i], now() };
			running++;
			i++;
			continue;
		}
		if (reap(slots, jobs, st))
			passed++;
		else
			failed++;
		running--;
	}
	if (verbose || failed)
		summary(st, n);
	free(st);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct fz_case *)a)->path, ((const struct fz_case *)b)->path);
}

/* Append every regular file of dir (sorted by name) to cases. */
static unsigned add_dir(const char *dir, struct fz_case **cases, unsigned n)
{
	DIR *d = opendir(dir);
	if (!d)
		return n;
	unsigned first = n;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		char *path = malloc(len);
		struct fz_case *grown = realloc(*cases, (n + 1) * sizeof(**cases));
		if (!path || !grown)
			exit(2);
		snprintf(path, len, "%s/%s", dir, e->d_name);
		*cases = grown;
		(*cases)[n++] = (struct fz_case){ .path = path };
	}
	closedir(d);
	qsort(*cases + first, n - first, sizeof(**cases), by_name);
	return n;
}

static _Noreturn void usage(void)
{
	fprintf(stderr, "usage: fuzz [-j JOBS] [-v] N [REGRESS_DIR] | --replay FILE... | --one SEED |"
		" --dump SEED FILE | --write-corpus DIR N\n");
	exit(2);
}

static uint64_t number(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || end == s)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	static uint8_t buf[FZ_BUF]; /* one input at a time; too big for the stack */
	unsigned jobs = 2;
	int verbose = 0, a = 1;

	if (argc >= 3 && !strcmp(argv[1], "--one")) {
		struct fz_result r;
		fz_run(buf, fz_generate(number(argv[2]), buf, FZ_BUF), &r);
		printf("exit %d vector %" PRIu32 " instret %" PRIu64 " entries %" PRIu32 "\n", r.exit,
		       r.vector, r.instret, r.entries);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "--dump")) {
		write_file(argv[3], buf, fz_generate(number(argv[2]), buf, FZ_BUF));
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "--write-corpus")) {
		uint64_t n = number(argv[3]);
		for (uint64_t s = 1; s <= n; s++) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/seed-%" PRIu64, argv[2], s);
			write_file(path, buf, fz_generate(s, buf, FZ_BUF));
		}
		return 0;
	}
	struct fz_case *cases = NULL;
	unsigned n = 0;
	if (argc >= 3 && !strcmp(argv[1], "--replay")) {
		cases = calloc((size_t)argc, sizeof(*cases));
		if (!cases)
			return 2;
		for (int i = 2; i < argc; i++)
			cases[n++] = (struct fz_case){ .path = argv[i] };
		int rc = run_cases(cases, n, jobs, 1);
		free(cases);
		return rc;
	}
	for (; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "-v"))
			verbose = 1;
		else if (!strcmp(argv[a], "-j") && a + 1 < argc)
			jobs = (unsigned)number(argv[++a]);
		else if (!strncmp(argv[a], "-j", 2))
			jobs = (unsigned)number(argv[a] + 2);
		else
			usage();
	}
	if (a >= argc || argc - a > 2 || jobs < 1 || jobs > FZ_JOBS_MAX)
		usage();
	uint64_t seeds = number(argv[a]);
	cases = calloc(seeds ? seeds : 1, sizeof(*cases));
	if (!cases)
		return 2;
	for (uint64_t s = 1; s <= seeds; s++)
		cases[n++] = (struct fz_case){ .seed = s };
	unsigned generated = n;
	n = add_dir(a + 1 < argc ? argv[a + 1] : "tests/fuzz/regress", &cases, n);
	int rc = run_cases(cases, n, jobs, verbose);
	for (unsigned i = generated; i < n; i++)
		free((char *)cases[i].path);
	free(cases);
	return rc;
}
