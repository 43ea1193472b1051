/* test_hostin.c - host input through the whole kernel (denali_arch/hostin.c): --record, --replay
 * and --console-in, driven by kernel_init / kernel_run on a real pipe as stdin.
 *
 * The guest is hand-assembled (below): it polls its console status; for each byte waiting it
 * takes it, writes it, then page 0's instret as 8 hex digits and a newline, so its output
 * says WHEN each byte arrived; once the input has ended it writes "E\n" and terminates 0; else
 * it IDLEs 10 us. Its output goes to DIR/vm-N.out (console = files:DIR). What is checked:
 *
 * - Record then replay: a run recorded while a child process feeds stdin in pieces, each written
 *   only after the kernel has drained the previous one and a pause (so they land at points the
 *   host decides, one input entry each), and a replay of it whose stdin holds other bytes, give
 *   byte-identical output files; the output holds every fed byte in order, each stamped no
 *   earlier than its entry's instruction count; the record is the format line, the header,
 *   one `input Q N LEN HEX` line per piece in point order and one `end Q N` line, last; and the
 *   replay's stdin pipe still holds every one of its bytes (FIONREAD).
 * - A record that is not this run's is refused by kernel_init with EXIT_REFUSED and exactly one
 *   line on stderr naming the difference ("recorded with X, this run has Y"): another quantum,
 *   seed, cpu_hz, irq_mode, image (one byte differs: both FNV-1a hashes named), count of VMs;
 *   a header item missing (in the middle and at the end) or extra; a first line that is not
 *   "denali-record 1"; an empty file; entries out of order, malformed, with bad hex, or a
 *   header item after an entry (these name FILE:LINE). The unchanged record and one with two
 *   entries at the same point are accepted with nothing on stderr (the controls), and a
 *   refused run writes no output.
 * - A record whose first entry's instruction count is one smaller than recorded: the run says
 *   it left the record in exactly one line, naming the entry's point and, as where the run
 *   already was, the point the entry was recorded at (the run follows the record up to there);
 *   the guest sees its input end (it writes only "E\n" and terminates), the run exits
 *   EXIT_REFUSED, and stdin is not read.
 * - --console-in: with 3 VMs and console_in = 2 only VM 2 gets the bytes, VMs 0 and 1 see their
 *   input end at once; the same when the gatekeeper (max_active = 1) admits VM 2 last;
 *   config_check refuses console_in = 3 of 3 VMs and 1 of 1, naming the VM and the count.
 *
 * Every run is bounded by max_insns and every feeding child ends by itself, so nothing hangs.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/unit/harness.h"

#include "denali_arch/config.h"
#include "denali_arch/hostin.h"
#include "denali_arch/kernel.h"
#include "denali_arch/param.h"

#define QUANTUM "10000"
#define MAX_INSNS "100000000" /* a run that went wrong stops after some seconds, never hangs */
#define PAUSE_MS 20           /* between a piece being drained and the next being written */

/* --- the guest ------------------------------------------------------------------------------- */

#define CODE_VA 0x1000u

static const uint8_t guest_code[] = {
	/* 00 loop: */
	0xBA, 0x01, 0xD0, 0x00, 0x00,       /* mov edx, 0xD001                                  */
	0xED,                               /* in eax, dx       ; status                        */
	0x85, 0xC0,                         /* test eax, eax                                    */
	0x78, 0x36,                         /* js ended (40)    ; bit 31: the input has ended   */
	0x74, 0x2A,                         /* jz idle (36)     ; nothing waits                 */
	0xBA, 0x00, 0xD0, 0x00, 0x00,       /* mov edx, 0xD000                                  */
	0xEC,                               /* in al, dx        ; take a byte                   */
	0xEE,                               /* out dx, al       ; and write it                  */
	0x8B, 0x1D, 0x48, 0x00, 0x00, 0x00, /* mov ebx, [0x48]  ; page 0 instret, low 32 bits   */
	0xB9, 0x08, 0x00, 0x00, 0x00,       /* mov ecx, 8                                       */
	/* 1e hex: */
	0xC1, 0xC3, 0x04,                   /* rol ebx, 4       ; next nibble, high first       */
	0x88, 0xD8,                         /* mov al, bl                                       */
	0x24, 0x0F,                         /* and al, 0x0f                                     */
	0x04, 0x30,                         /* add al, '0'                                      */
	0x3C, 0x39,                         /* cmp al, '9'                                      */
	0x76, 0x02,                         /* jbe digit (2d)                                   */
	0x04, 0x27,                         /* add al, 'a' - '0' - 10                           */
	/* 2d digit: */
	0xEE,                               /* out dx, al                                       */
	0x49,                               /* dec ecx                                          */
	0x75, 0xED,                         /* jnz hex (1e)                                     */
	0xB0, 0x0A,                         /* mov al, '\n'                                     */
	0xEE,                               /* out dx, al                                       */
	0xEB, 0xCA,                         /* jmp loop (00)                                    */
	/* 36 idle: */
	0xB8, 0x0A, 0x00, 0x00, 0x00,       /* mov eax, 10      ; microseconds                  */
	0x0F, 0x3F, 0x01,                   /* IDLE                                             */
	0xEB, 0xC0,                         /* jmp loop (00)                                    */
	/* 40 ended: */
	0xBA, 0x00, 0xD0, 0x00, 0x00,       /* mov edx, 0xD000                                  */
	0xB0, 0x45,                         /* mov al, 'E'                                      */
	0xEE,                               /* out dx, al                                       */
	0xB0, 0x0A,                         /* mov al, '\n'                                     */
	0xEE,                               /* out dx, al                                       */
	0x31, 0xC0,                         /* xor eax, eax                                     */
	0x0F, 0x3F, 0x02,                   /* TERMINATE 0                                      */
	/* 50: one byte never run, the tag that tells image A from image B */
};

/* The image: one R+X PT_LOAD at CODE_VA holding the code and then the tag byte. */
static size_t build_image(uint8_t *out, size_t cap, uint8_t tag)
{
	uint8_t code[sizeof(guest_code) + 1];
	memcpy(code, guest_code, sizeof(guest_code));
	code[sizeof(guest_code)] = tag;
	return tvm_elf(out, cap, CODE_VA, code, sizeof(code));
}

static uint64_t fnv1a64(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* snprintf that fails the test when the text does not fit. */
__attribute__((format(printf, 3, 4))) static void strf(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(out, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		fail_msg("'%s...' does not fit %zu bytes", out, size);
}

/* --- files ------------------------------------------------------------------------------------ */

static struct {
	char root[PATH_MAX];          /* every file of the run of tests lives under it */
	char image_a[PATH_MAX], image_b[PATH_MAX];
	uint64_t hash_a, hash_b;
	char base_rec[PATH_MAX];      /* a record of one VM fed "hi" after a pause (group setup) */
	unsigned ndirs;
} g;

static void write_file(const char *path, const void *bytes, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* The whole file, NUL-terminated (NULL if it does not exist); its length in *n. */
static char *read_all(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*n = 0;
		return NULL;
	}
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	size_t got;
	while ((got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += got;
		if (cap - len - 1 == 0) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	fclose(f);
	buf[len] = '\0';
	*n = len;
	return buf;
}

/* A fresh directory under the root: its path in out. */
static void new_dir(char out[PATH_MAX], const char *what)
{
	strf(out, PATH_MAX, "%s/%s-%u", g.root, what, g.ndirs++);
	assert_int_equal(mkdir(out, 0777), 0);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* --- a run ------------------------------------------------------------------------------------ */

static void set(struct run_config *rc, const char *section, const char *key, const char *value)
{
	char err[CONFIG_ERR];
	if (config_set(rc, section, key, value, err))
		fail_msg("config_set %s.%s = %s: %s", section, key, value, err);
}

/* One group "main" of count VMs of image, 64K each, their output in DIR/vm-N.out. */
static void cfg_make(struct run_config *rc, const char *image, unsigned count, const char *dir)
{
	char err[CONFIG_ERR], buf[PATH_MAX + 8];
	config_init(rc);
	set(rc, "run", "quantum", QUANTUM);
	set(rc, "run", "max_insns", MAX_INSNS);
	strf(buf, sizeof(buf), "files:%s", dir);
	set(rc, "run", "console", buf);
	assert_int_equal(config_add_group(rc, "main", 0, err), 0);
	set(rc, "main", "image", image);
	strf(buf, sizeof(buf), "%u", count);
	set(rc, "main", "count", buf);
	set(rc, "main", "mem", "64K");
}

struct outcome {
	int init;      /* kernel_init's status */
	int run;       /* kernel_run's, or -1 when init refused */
	char *err;     /* everything written to fd 2 meanwhile */
	size_t err_len;
};

static unsigned count_lines(const char *s)
{
	unsigned n = 0;
	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

static void outcome_free(struct outcome *o)
{
	free(o->err);
	o->err = NULL;
}

/* kernel_init, then (if it accepted and not init_only) kernel_run, then kernel_destroy, with fd 0 replaced by
 * stdin_fd and fd 2 by a file. Both are restored before anything is checked. */
static struct outcome run_kernel_opt(const struct run_config *rc, int stdin_fd, bool init_only)
{
	struct outcome o = { .run = -1 };
	char errpath[PATH_MAX];
	strf(errpath, sizeof(errpath), "%s/stderr-%u", g.root, g.ndirs++);
	int efd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	assert_true(efd >= 0);
	int saved_in = dup(STDIN_FILENO), saved_err = dup(STDERR_FILENO);
	assert_true(saved_err >= 0);
	fflush(stderr);
	assert_true(dup2(stdin_fd, STDIN_FILENO) == STDIN_FILENO);
	assert_true(dup2(efd, STDERR_FILENO) == STDERR_FILENO);
	close(efd);

	struct kernel *k = calloc(1, sizeof(*k));
	if (k) {
		o.init = kernel_init(k, rc);
		if (o.init == 0 && !init_only)
			o.run = kernel_run(k);
		kernel_destroy(k);
		free(k);
	}

	fflush(stderr);
	dup2(saved_err, STDERR_FILENO);
	close(saved_err);
	if (saved_in >= 0) {
		dup2(saved_in, STDIN_FILENO);
		close(saved_in);
	} else {
		close(STDIN_FILENO);
	}
	assert_non_null(k);
	o.err = read_all(errpath, &o.err_len);
	assert_non_null(o.err);
	unlink(errpath);
	return o;
}

static struct outcome run_kernel(const struct run_config *rc, int stdin_fd)
{
	return run_kernel_opt(rc, stdin_fd, false);
}

/* A pipe whose read end holds bytes; the write end is closed when close_it (else returned in
 * *wfd). Returns the read end. */
static int pipe_with(const char *bytes, bool close_it, int *wfd)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	size_t n = strlen(bytes);
	assert_int_equal(write(p[1], bytes, n), (ssize_t)n);
	if (close_it)
		close(p[1]);
	else
		*wfd = p[1];
	return p[0];
}

static int pipe_unread(int fd)
{
	int n = -1;
	assert_int_equal(ioctl(fd, FIONREAD, &n), 0);
	return n;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* A child that writes pieces into a pipe: before each, it waits (at most 5 s) until the
 * kernel has read everything written so far and then PAUSE_MS more; after the last it waits
 * the same way and exits, which ends the input. Returns its pid; the parent's write end is
 * closed. */
static pid_t feed(int rfd, int wfd, const char *const *pieces, unsigned n)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		for (unsigned i = 0; i <= n; i++) {
			for (int t = 0; t < 5000; t++) {
				int left = 0;
				if (ioctl(rfd, FIONREAD, &left) || left == 0)
					break;
				sleep_ms(1);
			}
			sleep_ms(PAUSE_MS);
			if (i < n && write(wfd, pieces[i], strlen(pieces[i])) != (ssize_t)strlen(pieces[i]))
				_exit(1);
		}
		_exit(0);
	}
	close(wfd);
	return pid;
}

static void feed_done(pid_t pid)
{
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* Record one VM of image while feed() gives it pieces. The run must end 0, quietly. */
static void record_fed(const char *image, const char *rec, const char *dir,
		       const char *const *pieces, unsigned n)
{
	struct run_config rc;
	char err[CONFIG_ERR];
	cfg_make(&rc, image, 1, dir);
	set(&rc, "run", "record", rec);
	assert_int_equal(config_check(&rc, err), 0);
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = feed(p[0], p[1], pieces, n);
	struct outcome o = run_kernel(&rc, p[0]);
	close(p[0]);
	feed_done(pid);
	if (o.init || o.run || o.err_len)
		fail_msg("the recorded run: init %d, run %d, stderr '%s'", o.init, o.run, o.err);
	outcome_free(&o);
	config_free(&rc);
}

/* --- records ---------------------------------------------------------------------------------- */

#define LINES_MAX 256

struct record {
	char *text;               /* the file, its newlines replaced by NULs */
	char *line[LINES_MAX];    /* line i + 1 of the file */
	unsigned n;
	unsigned first_entry;     /* index of the first input/end line (n if none) */
};

static void record_load(struct record *r, const char *path)
{
	size_t len;
	memset(r, 0, sizeof(*r));
	r->text = read_all(path, &len);
	assert_non_null(r->text);
	for (char *p = r->text; *p && r->n < LINES_MAX;) {
		r->line[r->n++] = p;
		char *nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	r->first_entry = r->n;
	for (unsigned i = 0; i < r->n; i++)
		if (!strncmp(r->line[i], "input ", 6) || !strncmp(r->line[i], "end ", 4)) {
			r->first_entry = i;
			break;
		}
}

static void record_free(struct record *r)
{
	free(r->text);
	r->text = NULL;
}

/* Write lines [0, upto) of r, except line skip (or none: -1), with line replace_at replaced by
 * replacement, then every line of extra (NULL-terminated). */
static void record_write(const char *path, const struct record *r, unsigned upto, int skip,
			 int replace_at, const char *replacement, const char *const *extra)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (unsigned i = 0; i < upto && i < r->n; i++) {
		if ((int)i == skip)
			continue;
		fprintf(f, "%s\n", (int)i == replace_at ? replacement : r->line[i]);
	}
	for (unsigned i = 0; extra && extra[i]; i++)
		fprintf(f, "%s\n", extra[i]);
	assert_int_equal(fclose(f), 0);
}

/* An input entry's point and bytes. Returns 0, or -1 if line is not a well-formed entry. */
struct entry {
	uint64_t q, n;
	int len;                  /* -1: end */
	unsigned char bytes[CONSOLE_IN_BUF];
};

static int parse_entry(const char *line, struct entry *e)
{
	int used = 0;
	char hex[2 * CONSOLE_IN_BUF + 2];
	if (sscanf(line, "end %" SCNu64 " %" SCNu64 "%n", &e->q, &e->n, &used) == 2 && !line[used]) {
		e->len = -1;
		return 0;
	}
	if (sscanf(line, "input %" SCNu64 " %" SCNu64 " %d %513s%n", &e->q, &e->n, &e->len, hex, &used) != 4 ||
	    line[used] || e->len <= 0 || e->len > CONSOLE_IN_BUF || strlen(hex) != 2 * (size_t)e->len)
		return -1;
	for (int i = 0; i < e->len; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		e->bytes[i] = (unsigned char)v;
	}
	return 0;
}

/* --- the group's fixture ---------------------------------------------------------------------- */

static int setup(void **state)
{
	(void)state;
	const char *t = getenv("TMPDIR");
	strf(g.root, sizeof(g.root), "%s/denali-hostin-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(g.root))
		return -1;
	uint8_t img[512];
	size_t n = build_image(img, sizeof(img), 0xCC);
	strf(g.image_a, sizeof(g.image_a), "%s/a.elf", g.root);
	write_file(g.image_a, img, n);
	g.hash_a = fnv1a64(img, n);
	n = build_image(img, sizeof(img), 0xCD); /* one byte differs */
	strf(g.image_b, sizeof(g.image_b), "%s/b.elf", g.root);
	write_file(g.image_b, img, n);
	g.hash_b = fnv1a64(img, n);

	char dir[PATH_MAX];
	new_dir(dir, "base");
	strf(g.base_rec, sizeof(g.base_rec), "%s/base.rec", g.root);
	static const char *const hi[] = { "hi" };
	record_fed(g.image_a, g.base_rec, dir, hi, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (g.root[0])
		nftw(g.root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* --- 1. record, then replay ------------------------------------------------------------------- */

static void a_replay_of_a_recorded_run_gives_its_output_byte_for_byte_without_reading_stdin(void **state)
{
	(void)state;
	static const char *const pieces[] = { "ab", "cd", "efg", "h" };
	const char *fed = "abcdefgh";
	char dir1[PATH_MAX], dir2[PATH_MAX], rec[PATH_MAX], out1[PATH_MAX], out2[PATH_MAX];
	new_dir(dir1, "rec");
	new_dir(dir2, "rep");
	strf(rec, sizeof(rec), "%s/run.rec", dir1);
	record_fed(g.image_a, rec, dir1, pieces, 4);

	/* The record: the format, the header, one entry per piece in point order, the end last. */
	struct record r;
	record_load(&r, rec);
	assert_true(r.n > 0);
	assert_string_equal(r.line[0], HOSTIN_FORMAT);
	assert_string_equal(r.line[1], "quantum " QUANTUM);
	char want[128];
	strf(want, sizeof(want), "group main image fnv1a64:%016" PRIx64, g.hash_a);
	bool has_image = false;
	for (unsigned i = 1; i < r.first_entry; i++)
		has_image |= !strcmp(r.line[i], want);
	assert_true(has_image);
	static struct entry e[LINES_MAX];
	unsigned ne = r.n - r.first_entry, ninput = 0;
	char bytes[64] = "";
	for (unsigned i = 0; i < ne; i++) {
		const char *line = r.line[r.first_entry + i];
		if (parse_entry(line, &e[i]))
			fail_msg("record line %u is not an entry: '%s'", r.first_entry + i + 1, line);
		if (i && (e[i].q < e[i - 1].q || (e[i].q == e[i - 1].q && e[i].n < e[i - 1].n)))
			fail_msg("record line %u is before the one above it", r.first_entry + i + 1);
		if (e[i].len < 0) {
			if (i != ne - 1)
				fail_msg("the end entry (line %u) is not the last line", r.first_entry + i + 1);
			continue;
		}
		ninput++;
		if (strlen(bytes) + (size_t)e[i].len >= sizeof(bytes))
			fail_msg("the record holds more bytes than were fed: '%s'...", bytes);
		strncat(bytes, (const char *)e[i].bytes, (size_t)e[i].len);
	}
	assert_true(ne >= 1 && e[ne - 1].len == -1); /* one end, the last line */
	assert_string_equal(bytes, fed);
	assert_int_equal(ninput, 4); /* each piece was drained before the next: its own entry */

	/* The replay, with other bytes on stdin. */
	struct run_config rc;
	char err[CONFIG_ERR];
	cfg_make(&rc, g.image_a, 1, dir2);
	set(&rc, "run", "replay", rec);
	assert_int_equal(config_check(&rc, err), 0);
	int wfd;
	int rfd = pipe_with("DIFFERENT", false, &wfd);
	struct outcome o = run_kernel(&rc, rfd);
	int unread = pipe_unread(rfd);
	close(rfd);
	close(wfd);
	config_free(&rc);
	assert_int_equal(o.init, 0);
	assert_int_equal(o.run, 0);
	assert_string_equal(o.err, "");
	outcome_free(&o);
	assert_int_equal(unread, 9); /* "DIFFERENT" is still in the pipe */

	strf(out1, sizeof(out1), "%s/vm-0.out", dir1);
	strf(out2, sizeof(out2), "%s/vm-0.out", dir2);
	size_t n1, n2;
	char *a = read_all(out1, &n1), *b = read_all(out2, &n2);
	assert_non_null(a);
	assert_non_null(b);
	if (n1 != n2 || memcmp(a, b, n1))
		fail_msg("the replay's output differs:\nrecorded '%s'\nreplayed '%s'", a, b);

	/* Non-trivial: each fed byte with its stamp, the stamps rising, each no earlier than the
	 * instruction count of the entry that brought the byte (one VM: its instret is the run's). */
	assert_int_equal(n1, strlen(fed) * 10 + 2);
	assert_string_equal(a + n1 - 2, "E\n");
	unsigned entry = 0, used = 0;
	uint32_t last = 0;
	for (size_t i = 0; i < strlen(fed); i++) {
		const char *l = a + 10 * i;
		char hex[9];
		memcpy(hex, l + 1, 8);
		hex[8] = '\0';
		assert_int_equal(l[0], fed[i]);
		assert_int_equal(l[9], '\n');
		assert_int_equal(strspn(hex, "0123456789abcdef"), 8);
		uint32_t stamp = (uint32_t)strtoul(hex, NULL, 16);
		while (used == (unsigned)e[entry].len) {
			entry++;
			used = 0;
		}
		used++;
		if (stamp < e[entry].n)
			fail_msg("byte '%c' is stamped %" PRIu32 ", before its entry's instruction %" PRIu64,
				 fed[i], stamp, e[entry].n);
		if (i && stamp <= last)
			fail_msg("byte '%c' is stamped %" PRIu32 ", not after %" PRIu32, fed[i], stamp, last);
		last = stamp;
	}
	free(a);
	free(b);
	record_free(&r);
}

/* --- 2. records refused ----------------------------------------------------------------------- */

/* A replay of rec with the base run's options (one VM of image A), changed by row: must be
 * refused by kernel_init with status, one line on stderr holding want, and no output. */
struct refuse_row {
	const char *name;
	const char *key, *value;  /* a run key to set ("main.KEY": the group's), or NULL */
	bool image_b;             /* run image B instead of A */
	unsigned count;           /* VMs (0: 1) */
};

static int expect_refused(const char *name, const struct run_config *rc, const char *dir,
			  const char *want, int status)
{
	struct outcome o = run_kernel(rc, STDIN_FILENO);
	int bad = 0;
	if (o.init != status) {
		print_error("%s: kernel_init gave %d, want %d\n", name, o.init, status);
		bad = 1;
	}
	if (count_lines(o.err) != 1 || o.err[o.err_len ? o.err_len - 1 : 0] != '\n') {
		print_error("%s: stderr is not one line: '%s'\n", name, o.err);
		bad = 1;
	}
	if (!strstr(o.err, want)) {
		print_error("%s: stderr '%s' does not hold '%s'\n", name, o.err, want);
		bad = 1;
	}
	char out[PATH_MAX];
	strf(out, sizeof(out), "%s/vm-0.out", dir);
	if (access(out, F_OK) == 0) {
		print_error("%s: a refused run wrote %s\n", name, out);
		bad = 1;
	}
	outcome_free(&o);
	return bad;
}

static void a_record_of_another_run_is_refused_naming_the_first_difference(void **state)
{
	(void)state;
	char hash_msg[256];
	strf(hash_msg, sizeof(hash_msg),
		 "recorded with group main image fnv1a64:%016" PRIx64 ", this run has fnv1a64:%016" PRIx64,
		 g.hash_a, g.hash_b);
	const struct {
		struct refuse_row row;
		const char *want;
	} rows[] = {
		{ { "another quantum", "quantum", "5000", false, 0 },
		  "not a record of this run: recorded with quantum " QUANTUM ", this run has 5000" },
		{ { "another seed", "seed", "7", false, 0 },
		  "not a record of this run: recorded with seed 0x44454e414c49, this run has 0x7" },
		{ { "another image, one byte apart", NULL, NULL, true, 0 }, hash_msg },
		{ { "another count of VMs", NULL, NULL, false, 2 },
		  "not a record of this run: recorded with group main count 1, this run has 2" },
		{ { "another cpu_hz", "cpu_hz", "2000000", false, 0 },
		  "recorded with cpu_hz 1000000000, this run has 2000000" },
		{ { "another irq_mode", "irq_mode", "sync", false, 0 },
		  "recorded with irq_mode batched, this run has sync" },
		{ { "another epoch", "epoch_ns", "5", false, 0 },
		  "recorded with epoch_ns 1039392000000000000, this run has 5" },
		{ { "a gatekeeper limit on VMs", "max_active", "3", false, 0 },
		  "recorded with max_active 0, this run has 3" },
		{ { "a gatekeeper memory budget", "mem_budget", "1M", false, 0 },
		  "recorded with mem_budget 0, this run has 1048576" },
		{ { "loss injected on the wire", "net_loss", "0.5", false, 0 },
		  "recorded with net_loss_ppm 0, this run has 500000" },
		{ { "duplication injected on the wire", "net_dup", "1", false, 0 },
		  "recorded with net_dup_ppm 0, this run has 1000000" },
		{ { "reordering injected on the wire", "net_reorder", "1%", false, 0 },
		  "recorded with net_reorder_ppm 0, this run has 10000" },
		{ { "input for another VM", "console_in", "1", false, 2 },
		  "recorded with console_in 0, this run has 1" },
		{ { "another guest memory size", "main.mem", "128K", false, 0 },
		  "recorded with group main mem 65536, this run has 131072" },
		{ { "another argument string", "main.args", "x", false, 0 },
		  "recorded with group main args hex:, this run has hex:78" },
		{ { "another receive ring", "main.net_rxq", "64", false, 0 },
		  "recorded with group main net_rxq 32, this run has 64" },
		{ { "other devices", "main.devices", "console", false, 0 },
		  "recorded with group main devices console,timer,net,keyboard,display, this run has console" },
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct refuse_row *row = &rows[i].row;
		char dir[PATH_MAX], prefix[PATH_MAX + 64], err[CONFIG_ERR];
		new_dir(dir, "refuse");
		struct run_config rc;
		cfg_make(&rc, row->image_b ? g.image_b : g.image_a, row->count ? row->count : 1, dir);
		set(&rc, "run", "replay", g.base_rec);
		if (row->key && strchr(row->key, '.')) /* "GROUP.KEY" */
			set(&rc, "main", strchr(row->key, '.') + 1, row->value);
		else if (row->key)
			set(&rc, "run", row->key, row->value);
		assert_int_equal(config_check(&rc, err), 0);
		strf(prefix, sizeof(prefix), "denali: --replay %s: %s", g.base_rec, rows[i].want);
		bad += expect_refused(row->name, &rc, dir,
				      strstr(rows[i].want, "not a record") ? prefix : rows[i].want, EXIT_REFUSED);
		config_free(&rc);
	}
	if (bad)
		fail_msg("%d refusal%s wrong", bad, bad == 1 ? "" : "s");
}

/* The base record changed by a row: its first lines (upto) except skip, line replace_at
 * replaced, extra lines appended. A refusal must hold want after "denali: --replay FILE"
 * (":LINE" added when the row names the line of one of its extra lines), or want alone when it
 * does not start with ':'. */
struct edit_row {
	const char *name;
	int upto;                 /* lines kept: 0 every one, -1 the header, -2 none */
	int skip;                 /* a line index to leave out, or -1 */
	int replace_at;           /* a line index to replace, or -1 */
	const char *replacement;
	const char *extra[4];
	int line_of_extra;        /* want names the line of extra[line_of_extra] (-1: no line) */
	const char *want;         /* after "denali: --replay PATH" (with ":LINE" if named) */
	int status;               /* kernel_init's, 0 for the control */
};

static void a_record_that_is_not_well_formed_is_refused_naming_the_file_and_line(void **state)
{
	(void)state;
	struct record r;
	record_load(&r, g.base_rec);
	assert_true(r.first_entry > 2 && r.first_entry < r.n);
	const int last_header = (int)r.first_entry - 1;
	char devices_missing[128];
	strf(devices_missing, sizeof(devices_missing),
		 ": not a record of this run: the record has no %s (this run has it)", r.line[last_header]);
	const struct edit_row rows[] = {
		{ "the record as made (the control)", 0, -1, -1, NULL, { NULL }, -1, "", 0 },
		{ "two entries at one point are in order", -1, -1, -1, NULL,
		  { "input 5 100 1 61", "input 5 100 1 62", "end 5 100", NULL }, -1, "", 0 },
		{ "a first line of another version", 0, -1, 0, "denali-record 2", { NULL }, -1,
		  ": not a denali record (its first line is not 'denali-record 1')", EXIT_REFUSED },
		{ "a first line with a trailing space", 0, -1, 0, "denali-record 1 ", { NULL }, -1,
		  ": not a denali record (its first line is not 'denali-record 1')", EXIT_REFUSED },
		{ "an empty file", -2, -1, -1, NULL, { NULL }, -1, ": the file is empty", EXIT_REFUSED },
		{ "a header item missing in the middle (cpu_hz)", 0, 2, -1, NULL, { NULL }, -1,
		  "cpu_hz 1000000000", EXIT_REFUSED },
		{ "the last header item missing", 0, last_header, -1, NULL, { NULL }, -1, devices_missing,
		  EXIT_REFUSED },
		{ "a header item this run does not have", -1, -1, -1, NULL, { "frames 1", NULL }, -1,
		  ": not a record of this run: recorded with frames 1, which this run does not have",
		  EXIT_REFUSED },
		{ "an entry before the one above it (same quantum)", -1, -1, -1, NULL,
		  { "input 5 100 1 61", "input 5 99 1 62", NULL }, 1,
		  ": not an input entry in order (input QUANTUM INSN LEN HEX, or end QUANTUM INSN)", EXIT_REFUSED },
		{ "an entry in an earlier quantum than the one above it", -1, -1, -1, NULL,
		  { "input 6 10 1 61", "input 5 100 1 62", NULL }, 1, ": not an input entry in order", EXIT_REFUSED },
		{ "the end before the input above it", -1, -1, -1, NULL,
		  { "input 5 100 1 61", "end 5 99", NULL }, 1, ": not an input entry in order", EXIT_REFUSED },
		{ "an input without its bytes", -1, -1, -1, NULL, { "input 5 100 1", NULL }, 0,
		  ": not an input entry in order", EXIT_REFUSED },
		{ "an input of length 0", -1, -1, -1, NULL, { "input 5 100 0 ", NULL }, 0,
		  ": not an input entry in order", EXIT_REFUSED },
		{ "an input longer than the console's ring", -1, -1, -1, NULL, { "input 5 100 257 61", NULL }, 0,
		  ": not an input entry in order", EXIT_REFUSED },
		{ "an input with a word after its bytes", -1, -1, -1, NULL, { "input 5 100 1 61 62", NULL }, 0,
		  ": not an input entry in order", EXIT_REFUSED },
		{ "an end without its instruction count", -1, -1, -1, NULL, { "input 5 100 1 61", "end 6", NULL }, 1,
		  ": not an input entry in order", EXIT_REFUSED },
		{ "an end with a word after it", -1, -1, -1, NULL, { "end 6 7 8", NULL }, 0,
		  ": not an input entry in order", EXIT_REFUSED },
		{ "an input whose bytes are fewer than its length", -1, -1, -1, NULL,
		  { "input 5 100 1 61", "input 5 200 2 61", NULL }, 1, ": the bytes are not 2 in hex", EXIT_REFUSED },
		{ "an input whose bytes are not hex (a hex digit, then an x)", -1, -1, -1, NULL,
		  { "input 5 100 2 6x7a", NULL }, 0, ": the bytes are not 2 in hex", EXIT_REFUSED },
		{ "an input whose byte is a signed number", -1, -1, -1, NULL, { "input 5 100 1 -1", NULL }, 0,
		  ": the bytes are not 1 in hex", EXIT_REFUSED },
		{ "an input whose byte is a bare 0x prefix", -1, -1, -1, NULL, { "input 5 100 1 0x", NULL }, 0,
		  ": the bytes are not 1 in hex", EXIT_REFUSED },
		{ "a header item after an entry", -1, -1, -1, NULL, { "input 5 100 1 61", "quantum 7", NULL }, 1,
		  ": not an input entry or a header item", EXIT_REFUSED },
		{ "a stop entry after the input is in order (the control)", -1, -1, -1, NULL,
		  { "input 5 100 1 61", "stop 5 200 130", NULL }, -1, "", 0 },
		{ "a stop entry after the end of input is in order (the control)", -1, -1, -1, NULL,
		  { "end 5 100", "stop 5 100 124", NULL }, -1, "", 0 },
		{ "an entry after the run's stop", -1, -1, -1, NULL, { "stop 5 200 130", "input 6 1 1 61", NULL }, 1,
		  ": an entry after the run's stop", EXIT_REFUSED },
		{ "a second stop", -1, -1, -1, NULL, { "stop 5 200 130", "stop 6 1 130", NULL }, 1,
		  ": an entry after the run's stop", EXIT_REFUSED },
		{ "an input after the end of input", -1, -1, -1, NULL, { "end 5 100", "input 5 200 1 61", NULL }, 1,
		  ": an entry after the end of input", EXIT_REFUSED },
		{ "a stop with exit status 0", -1, -1, -1, NULL, { "stop 5 200 0", NULL }, 0,
		  ": not a stop entry in order (stop QUANTUM INSN STATUS)", EXIT_REFUSED },
		{ "a stop before the entry above it", -1, -1, -1, NULL, { "input 5 100 1 61", "stop 5 99 130", NULL }, 1,
		  ": not a stop entry in order", EXIT_REFUSED },
		{ "a stop with a negative count", -1, -1, -1, NULL, { "stop -5 200 130", NULL }, 0,
		  ": not a stop entry in order", EXIT_REFUSED },
		{ "an input with a negative instruction count", -1, -1, -1, NULL, { "input 5 -1 1 61", NULL }, 0,
		  ": not an input entry in order", EXIT_REFUSED },
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct edit_row *row = &rows[i];
		char dir[PATH_MAX], rec[PATH_MAX], want[PATH_MAX + 256], err[CONFIG_ERR];
		new_dir(dir, "edit");
		strf(rec, sizeof(rec), "%s/edited.rec", dir);
		unsigned upto = row->upto == -2 ? 0 : row->upto == -1 ? r.first_entry
				: row->upto == 0 ? r.n : (unsigned)row->upto;
		record_write(rec, &r, upto, row->skip, row->replace_at, row->replacement, row->extra);
		struct run_config rc;
		cfg_make(&rc, g.image_a, 1, dir);
		set(&rc, "run", "replay", rec);
		assert_int_equal(config_check(&rc, err), 0);
		if (row->status == 0) { /* a control: accepted, quietly */
			struct outcome o = run_kernel_opt(&rc, STDIN_FILENO, true);
			config_free(&rc);
			if (o.init != 0 || o.err_len) {
				print_error("%s: kernel_init gave %d, stderr '%s'\n", row->name, o.init, o.err);
				bad++;
			}
			outcome_free(&o);
			continue;
		}
		if (row->line_of_extra >= 0) {
			unsigned removed = row->skip >= 0 && (unsigned)row->skip < upto;
			strf(want, sizeof(want), "denali: --replay %s:%u%s", rec,
				 upto - removed + (unsigned)row->line_of_extra + 1, row->want);
		} else if (row->want[0] == ':') {
			strf(want, sizeof(want), "denali: --replay %s%s", rec, row->want);
		} else {
			strf(want, sizeof(want), "%s", row->want);
		}
		bad += expect_refused(row->name, &rc, dir, want, row->status);
		config_free(&rc);
	}
	record_free(&r);
	if (bad)
		fail_msg("%d case%s wrong", bad, bad == 1 ? "" : "s");
}

/* --- 3. a replay that leaves its record ------------------------------------------------------- */

static void a_replay_that_passes_an_entry_without_taking_it_says_so_once_and_ends_the_input(void **state)
{
	(void)state;
	struct record r;
	record_load(&r, g.base_rec);
	struct entry e;
	unsigned at = r.first_entry;
	assert_true(at < r.n);
	assert_int_equal(parse_entry(r.line[at], &e), 0);
	assert_true(e.len == 2 && !memcmp(e.bytes, "hi", 2));
	assert_true(e.n > 0);
	char line[64], dir[PATH_MAX], rec[PATH_MAX], err[CONFIG_ERR];
	strf(line, sizeof(line), "input %" PRIu64 " %" PRIu64 " 2 6869", e.q, e.n - 1);
	new_dir(dir, "early");
	strf(rec, sizeof(rec), "%s/early.rec", dir);
	record_write(rec, &r, r.n, -1, (int)at, line, NULL);
	record_free(&r);

	struct run_config rc;
	cfg_make(&rc, g.image_a, 1, dir);
	set(&rc, "run", "replay", rec);
	assert_int_equal(config_check(&rc, err), 0);
	int wfd;
	int rfd = pipe_with("zz", false, &wfd);
	struct outcome o = run_kernel(&rc, rfd);
	int unread = pipe_unread(rfd);
	close(rfd);
	close(wfd);
	config_free(&rc);

	assert_int_equal(o.init, 0);
	/* The point where the run finds the entry passed is the one it was recorded at: the first
	 * console read at or after the edited point (the guest runs as recorded up to there). */
	char want[PATH_MAX + 256];
	strf(want, sizeof(want),
		 "denali: --replay %s: this run left the record: its input 1 (bytes at quantum %" PRIu64
		 ", instruction %" PRIu64 ") was not taken; this run is already at quantum %" PRIu64
		 ", instruction %" PRIu64 "\n", rec, e.q, e.n - 1, e.q, e.n);
	assert_string_equal(o.err, want);
	assert_int_equal(o.run, EXIT_REFUSED);
	outcome_free(&o);
	assert_int_equal(unread, 2);

	char out[PATH_MAX];
	strf(out, sizeof(out), "%s/vm-0.out", dir);
	size_t n;
	char *text = read_all(out, &n);
	assert_non_null(text);
	assert_string_equal(text, "E\n"); /* no bytes, and the end: it terminated, it did not hang */
	free(text);
}

/* --- 4. --console-in -------------------------------------------------------------------------- */

static void check_console_in_outputs(const char *dir, unsigned nvms, unsigned in_vm, const char *fed)
{
	for (unsigned id = 0; id < nvms; id++) {
		char out[PATH_MAX];
		strf(out, sizeof(out), "%s/vm-%u.out", dir, id);
		size_t n;
		char *text = read_all(out, &n);
		if (!text)
			fail_msg("vm %u wrote nothing (%s)", id, out);
		if (id != in_vm) {
			if (strcmp(text, "E\n"))
				fail_msg("vm %u is not console_in but wrote '%s' (want only its end)", id, text);
		} else {
			size_t nf = strlen(fed);
			if (n != nf * 10 + 2 || strcmp(text + n - 2, "E\n"))
				fail_msg("vm %u (console_in) wrote '%s'", id, text);
			for (size_t i = 0; i < nf; i++)
				if (text[10 * i] != fed[i] || text[10 * i + 9] != '\n')
					fail_msg("vm %u (console_in) wrote '%s', want the bytes '%s'", id, text, fed);
		}
		free(text);
	}
}

static void only_the_console_in_vm_gets_the_host_input(void **state)
{
	(void)state;
	char dir[PATH_MAX], err[CONFIG_ERR];
	new_dir(dir, "cin");
	struct run_config rc;
	cfg_make(&rc, g.image_a, 3, dir);
	set(&rc, "run", "console_in", "2");
	assert_int_equal(config_check(&rc, err), 0);
	int rfd = pipe_with("hi", true, NULL);
	struct outcome o = run_kernel(&rc, rfd);
	int unread = pipe_unread(rfd);
	close(rfd);
	config_free(&rc);
	assert_int_equal(o.init, 0);
	assert_int_equal(o.run, 0);
	assert_string_equal(o.err, "");
	outcome_free(&o);
	assert_int_equal(unread, 0);
	check_console_in_outputs(dir, 3, 2, "hi");
}

static void the_console_in_vm_gets_the_input_when_the_gatekeeper_admits_it_last(void **state)
{
	(void)state;
	char dir[PATH_MAX], err[CONFIG_ERR];
	new_dir(dir, "cin-late");
	struct run_config rc;
	cfg_make(&rc, g.image_a, 3, dir);
	set(&rc, "run", "console_in", "2");
	set(&rc, "run", "max_active", "1");
	assert_int_equal(config_check(&rc, err), 0);
	int rfd = pipe_with("xyz", true, NULL);
	struct outcome o = run_kernel(&rc, rfd);
	int unread = pipe_unread(rfd);
	close(rfd);
	config_free(&rc);
	assert_int_equal(o.init, 0);
	assert_int_equal(o.run, 0);
	assert_string_equal(o.err, "");
	outcome_free(&o);
	assert_int_equal(unread, 0);
	check_console_in_outputs(dir, 3, 2, "xyz");
}

static void console_in_naming_no_vm_of_the_run_is_refused_by_config_check(void **state)
{
	(void)state;
	char err[CONFIG_ERR];
	struct run_config rc;
	cfg_make(&rc, g.image_a, 3, g.root);
	set(&rc, "run", "console_in", "3"); /* the key alone cannot know the count */
	assert_int_equal(config_check(&rc, err), -1);
	assert_string_equal(err, "console_in: VM 3 does not exist: the run has 3 VMs");
	set(&rc, "run", "console_in", "2");
	assert_int_equal(config_check(&rc, err), 0);
	config_free(&rc);

	cfg_make(&rc, g.image_a, 1, g.root);
	set(&rc, "run", "console_in", "1");
	assert_int_equal(config_check(&rc, err), -1);
	assert_string_equal(err, "console_in: VM 1 does not exist: the run has 1 VM");
	config_free(&rc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_replay_of_a_recorded_run_gives_its_output_byte_for_byte_without_reading_stdin),
		cmocka_unit_test(a_record_of_another_run_is_refused_naming_the_first_difference),
		cmocka_unit_test(a_record_that_is_not_well_formed_is_refused_naming_the_file_and_line),
		cmocka_unit_test(a_replay_that_passes_an_entry_without_taking_it_says_so_once_and_ends_the_input),
		cmocka_unit_test(only_the_console_in_vm_gets_the_host_input),
		cmocka_unit_test(the_console_in_vm_gets_the_input_when_the_gatekeeper_admits_it_last),
		cmocka_unit_test(console_in_naming_no_vm_of_the_run_is_refused_by_config_check),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
