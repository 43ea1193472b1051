/* test_device.c - what a device may do to its VM (devices/device.c) and the port bus's hooks
 * beyond routing (devices/ports.c), against a real 64 KiB guest memory (mmu/mem.h).
 *
 * The guest: 16 pages, page 0 the register page, read-only bytes in three ranges: two whole
 * pages (RO_WHOLE), part of one page (RO_PART) and the end of one page with the start of the
 * next (RO_STRADDLE). Every byte of memory holds a known pattern before each row.
 *
 * Checked, each boundary as a named row with its exact result:
 *  - dev_range_check, for reading and for writing: an empty range is DVA_REQ_DONE anywhere; a
 *    range must lie wholly below mem_size and may not wrap past 4 GiB; page 0 is readable and
 *    no byte of it writable; a range touching any read-only byte is readable, not writable;
 *    ranges that end just before or start just after read-only bytes are writable.
 *  - dev_read copies exactly [addr, addr+len) into the caller's buffer (nothing before or after
 *    it, memory unchanged); a refused read copies nothing. A read touching page 0 calls
 *    page0_refresh once, before copying (its marker shows in the copy); no other read does.
 *  - dev_write changes exactly [addr, addr+len); a refused one changes nothing. A write calls
 *    code_write once for each page it touches that held decoded code (PG_CODE), in order, and
 *    clears PG_CODE there, leaving other pages' flags alone; a refused write calls nothing.
 *  - dev_request_load: DEV_GP for an address not 4-byte aligned (fault record and rq untouched);
 *    DEV_FAULT with the #PF a 24-byte write would raise (vector 14, fault_addr the first byte
 *    that may not be written, error W|U plus P when that byte lies below mem_size) for blocks
 *    crossing mem_size, touching read-only bytes or lying in page 0; DEV_OK with rq equal to
 *    the 24 bytes of guest memory otherwise. Memory is never changed.
 *  - dev_request_store and dev_request_complete write status, arg and result only (op, addr,
 *    len and the bytes around the block stay); complete raises its line once, with the host's
 *    owner. dev_now, dev_raise and dev_deadline_moved reach the host with its owner.
 *  - The port bus: port_bus_attach refuses a device overlapping an attached one by one port at
 *    either end, containing or contained in one, or identical to one (-1, bus unchanged,
 *    d->host not set) and accepts adjacent ranges (then d->host is the bus's host and its ports
 *    route to it); port_bus_deadline is DEV_NEVER without devices or without deadline ops, else
 *    the minimum; port_bus_expire calls expire, with now, exactly for the devices due at or
 *    before now; port_bus_boundary calls every boundary hook with the flag given;
 *    port_bus_lines is the OR of the devices' lines; DEV_FAULT from a device's in, out,
 *    out_bytes or byte-wise out comes back from the bus unchanged, not turned into DEV_GP.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "denali_arch/dva.h"
#include "devices/device.h"
#include "mmu/mem.h"

#define ROWS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the guest -------------------------------------------------------------------------------- */

#define MSIZE DVA_MEM_MIN                        /* 64 KiB: 16 pages */
#define PAGE DVA_PAGE_SIZE
#define NPAGES (MSIZE / PAGE)
#define ARENA (1u << 20)                         /* host bytes reserved per test */
#define ADDR_LAST 0xFFFFFFFFu                    /* the last byte of the 4 GiB space */
#define WRAP_ADDR 0xFFFFFFF0u                    /* with WRAP_LEN: a range wrapping past 4 GiB */
#define WRAP_LEN 0x20u

#define RO_WHOLE_START 0x3000u                   /* pages 3 and 4, wholly read-only */
#define RO_WHOLE_END 0x5000u
#define RO_PART_START 0x7100u                    /* 128 bytes inside page 7 */
#define RO_PART_END 0x7180u
#define RO_STRADDLE_START 0x9F80u                /* the last 128 bytes of page 9, first of 10 */
#define RO_STRADDLE_END 0xA080u

#define REQ_SIZE ((uint32_t)sizeof(struct dva_request)) /* 24 */
#define OFF_OP offsetof(struct dva_request, op)
#define OFF_STATUS offsetof(struct dva_request, status)
#define OFF_ADDR offsetof(struct dva_request, addr)
#define OFF_LEN offsetof(struct dva_request, len)
#define OFF_ARG offsetof(struct dva_request, arg)
#define OFF_RESULT offsetof(struct dva_request, result)

#define ERR_WRITE_OUT (DVA_PF_W | DVA_PF_U)             /* a write at or beyond mem_size */
#define ERR_WRITE_RO (DVA_PF_P | DVA_PF_W | DVA_PF_U)   /* a write to a byte below mem_size */

#define FAULT_UNTOUCHED 0xEEEEEEEEu              /* every field of a fault record nobody filled */
#define OUT_SENTINEL 0xCCu                       /* every byte of an output buffer before a read */
#define OUT_GUARD 16u                            /* sentinel bytes either side of a read's buffer */
#define RQ_SENTINEL 0xA5u                        /* every byte of an rq before a load */
#define REFRESH_OFF offsetof(struct dva_regs, time_ns) /* where the page0_refresh hook writes */
#define REFRESH_MARK 0x7E57AB1E00C0FFEEull       /* what it writes there */
#define MAX_CODE_CALLS 16u

#define NOW_VALUE 123456789ull                   /* what the host's clock says */

/* The byte every guest address holds before a row. */
static uint8_t pattern(uint32_t a)
{
	return (uint8_t)(a * 7u + (a >> 8) + 1u);
}

/* The test's VM: memory, the fault record, the host, a bus, and what the callbacks saw. */
struct fixture {
	struct mem_arena arena;
	struct guest_mem m;
	struct dva_fault fault;
	struct dev_host host;
	/* host callbacks */
	unsigned raises, raise_line;
	const void *raise_owner;
	unsigned now_calls;
	const void *now_owner;
	unsigned moved;
	const void *moved_owner;
	/* memory hooks */
	unsigned refreshes;
	unsigned code_calls;
	uint32_t code_pfns[MAX_CODE_CALLS];
};

static void host_raise(void *owner, unsigned line)
{
	struct fixture *f = owner;
	f->raises++;
	f->raise_line = line;
	f->raise_owner = owner;
}

static uint64_t host_now(void *owner)
{
	struct fixture *f = owner;
	f->now_calls++;
	f->now_owner = owner;
	return NOW_VALUE;
}

static void host_deadline_moved(void *owner)
{
	struct fixture *f = owner;
	f->moved++;
	f->moved_owner = owner;
}

static void hook_refresh(void *opaque, uint8_t *page)
{
	struct fixture *f = opaque;
	uint64_t v = REFRESH_MARK;
	f->refreshes++;
	memcpy(page + REFRESH_OFF, &v, sizeof(v));
}

static void hook_code_write(void *opaque, uint32_t pfn)
{
	struct fixture *f = opaque;
	if (f->code_calls < MAX_CODE_CALLS)
		f->code_pfns[f->code_calls] = pfn;
	f->code_calls++;
}

/* Refill memory with the pattern, drop every PG_CODE, clear the fault record and the counts. */
static void reset(struct fixture *f)
{
	for (uint32_t a = 0; a < MSIZE; a++)
		f->m.base[a] = pattern(a);
	for (uint32_t pfn = 0; pfn < NPAGES; pfn++)
		f->m.pflags[pfn] &= (uint8_t)~PG_CODE;
	memset(&f->fault, 0xEE, sizeof(f->fault));
	f->raises = f->raise_line = 0;
	f->raise_owner = NULL;
	f->now_calls = 0;
	f->now_owner = NULL;
	f->moved = 0;
	f->moved_owner = NULL;
	f->refreshes = f->code_calls = 0;
	memset(f->code_pfns, 0, sizeof(f->code_pfns));
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_int_equal(mem_arena_init(&f->arena, ARENA), 0);
	assert_int_equal(mem_init(&f->m, &f->arena, MSIZE), 0);
	assert_int_equal(mem_protect(&f->m, RO_WHOLE_START, RO_WHOLE_END), 0);
	assert_int_equal(mem_protect(&f->m, RO_PART_START, RO_PART_END), 0);
	assert_int_equal(mem_protect(&f->m, RO_STRADDLE_START, RO_STRADDLE_END), 0);
	f->m.hooks = (struct mem_hooks){ .opaque = f, .page0_refresh = hook_refresh,
					 .code_write = hook_code_write };
	f->host = (struct dev_host){ .mem = &f->m, .fault = &f->fault, .owner = f,
				     .now = host_now, .raise = host_raise,
				     .deadline_moved = host_deadline_moved };
	reset(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	mem_destroy(&f->m);
	mem_arena_destroy(&f->arena);
	free(f);
	return 0;
}

/* ---- a test device ---------------------------------------------------------------------------- */

struct tdev {
	struct device dev;   /* first */
	uint64_t at;         /* what its deadline op returns */
	unsigned expires;    /* expire calls */
	uint64_t expire_now; /* the now of the last one */
	unsigned boundaries; /* boundary calls */
	bool final;          /* the flag of the last one */
	unsigned ins, outs, out_bytes_calls;
	int rc;              /* what in, out_bytes, and out at byte fail_at, return */
	unsigned fail_at;    /* out: the call (0-based) that returns rc; earlier ones return DEV_OK */
};

static int t_in(struct device *d, uint16_t port, unsigned size, uint32_t *val)
{
	struct tdev *t = (struct tdev *)d;
	(void)port;
	(void)size;
	t->ins++;
	*val = 0;
	return t->rc;
}

static int t_out(struct device *d, uint16_t port, unsigned size, uint32_t val)
{
	struct tdev *t = (struct tdev *)d;
	(void)port;
	(void)size;
	(void)val;
	return t->outs++ == t->fail_at ? t->rc : DEV_OK;
}

static int t_out_bytes(struct device *d, uint16_t port, const uint8_t *bytes, uint32_t n)
{
	struct tdev *t = (struct tdev *)d;
	(void)port;
	(void)bytes;
	(void)n;
	t->out_bytes_calls++;
	return t->rc;
}

static uint64_t t_deadline(const struct device *d)
{
	return ((const struct tdev *)d)->at;
}

static void t_expire(struct device *d, uint64_t now)
{
	struct tdev *t = (struct tdev *)d;
	t->expires++;
	t->expire_now = now;
}

static void t_boundary(struct device *d, bool final)
{
	struct tdev *t = (struct tdev *)d;
	t->boundaries++;
	t->final = final;
}

/* Every hook. */
static const struct device_ops ops_full = {
	.in = t_in, .out = t_out, .deadline = t_deadline, .expire = t_expire, .boundary = t_boundary,
};
/* expire and boundary, but no deadline: never due. */
static const struct device_ops ops_no_deadline = {
	.in = t_in, .out = t_out, .expire = t_expire, .boundary = t_boundary,
};
/* A deadline, nothing to call when it is due, no boundary. */
static const struct device_ops ops_deadline_only = { .in = t_in, .deadline = t_deadline };
/* REP OUTSB in one call. */
static const struct device_ops ops_out_bytes = { .in = t_in, .out = t_out, .out_bytes = t_out_bytes };

static void tdev_init(struct tdev *t, const struct device_ops *ops, uint16_t first, uint16_t last)
{
	memset(t, 0, sizeof(*t));
	t->dev.ops = ops;
	t->dev.port_first = first;
	t->dev.port_last = last;
	t->at = DEV_NEVER;
	t->rc = DEV_OK;
	t->fail_at = UINT32_MAX;
}

/* A device on its own, attached to nothing: d->host set by hand. */
static void lone_device(struct fixture *f, struct tdev *t)
{
	tdev_init(t, &ops_full, 0, 0);
	t->dev.host = &f->host;
}

/* ---- dev_range_check -------------------------------------------------------------------------- */

static void range_check_rows(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *name;
		uint32_t addr, len;
		enum dva_req_status want_read, want_write;
	} rows[] = {
		{ "an empty range at address 0 is valid", 0, 0, DVA_REQ_DONE, DVA_REQ_DONE },
		{ "an empty range at mem_size is valid", MSIZE, 0, DVA_REQ_DONE, DVA_REQ_DONE },
		{ "an empty range at 0xFFFFFFFF is valid", ADDR_LAST, 0, DVA_REQ_DONE, DVA_REQ_DONE },
		{ "an empty range inside read-only bytes is valid", RO_PART_START, 0, DVA_REQ_DONE, DVA_REQ_DONE },
		{ "the last byte of memory is readable and writable", MSIZE - 1, 1, DVA_REQ_DONE, DVA_REQ_DONE },
		{ "the last 16 bytes of memory are readable and writable", MSIZE - 16, 16, DVA_REQ_DONE, DVA_REQ_DONE },
		{ "the last byte of memory and the one after are bad", MSIZE - 1, 2, DVA_REQ_BAD, DVA_REQ_BAD },
		{ "the byte at mem_size is bad", MSIZE, 1, DVA_REQ_BAD, DVA_REQ_BAD },
		{ "a byte far beyond mem_size is bad", 0x80000000u, 1, DVA_REQ_BAD, DVA_REQ_BAD },
		{ "the byte at 0xFFFFFFFF is bad", ADDR_LAST, 1, DVA_REQ_BAD, DVA_REQ_BAD },
		{ "a range wrapping past 4 GiB is bad", WRAP_ADDR, WRAP_LEN, DVA_REQ_BAD, DVA_REQ_BAD },
		{ "a range from page 1 wrapping past 4 GiB back into memory is bad", PAGE, ADDR_LAST, DVA_REQ_BAD, DVA_REQ_BAD },
		{ "a range from byte 1 ending exactly at 4 GiB is bad", 1, ADDR_LAST, DVA_REQ_BAD, DVA_REQ_BAD },
		{ "all of memory is readable, not writable (page 0)", 0, MSIZE, DVA_REQ_DONE, DVA_REQ_BAD },
		{ "all of memory and one byte more is bad", 0, MSIZE + 1, DVA_REQ_BAD, DVA_REQ_BAD },
		{ "page 0 is readable, not writable", 0, PAGE, DVA_REQ_DONE, DVA_REQ_BAD },
		{ "byte 0 is readable, not writable", 0, 1, DVA_REQ_DONE, DVA_REQ_BAD },
		{ "the registers a guest may write are not writable by a device", DVA_RW_FIRST, DVA_RW_END - DVA_RW_FIRST, DVA_REQ_DONE, DVA_REQ_BAD },
		{ "the argument string is readable, not writable", offsetof(struct dva_regs, args), DVA_ARGS_MAX + 1, DVA_REQ_DONE, DVA_REQ_BAD },
		{ "the last byte of page 0 is readable, not writable", PAGE - 1, 1, DVA_REQ_DONE, DVA_REQ_BAD },
		{ "a range from page 0's last byte into page 1 is readable, not writable", PAGE - 1, 2, DVA_REQ_DONE, DVA_REQ_BAD },
		{ "the first byte of page 1 is writable", PAGE, 1, DVA_REQ_DONE, DVA_REQ_DONE },
		{ "page 1 up to the first read-only page is writable", PAGE, RO_WHOLE_START - PAGE, DVA_REQ_DONE, DVA_REQ_DONE },
		{ "page 1 to the end of memory is readable, not writable (read-only bytes)", PAGE, MSIZE - PAGE, DVA_REQ_DONE, DVA_REQ_BAD },
		/* whole read-only pages */
		{ "the first byte of the read-only pages is readable, not writable", RO_WHOLE_START, 1, DVA_REQ_DONE, DVA_REQ_BAD },
		{ "the last byte of the read-only pages is readable, not writable", RO_WHOLE_END - 1, 1, DVA_REQ_DONE, DVA_REQ_BAD },
		{ "a range ending on the read-only pages' first byte is not writable", RO_WHOLE_START - 1, 2, DVA_REQ_DONE, DVA_REQ_BAD },
		{ "a range starting on the read-only pages' last byte is not writable", RO_WHOLE_END - 1, 2, DVA_REQ_DONE, DVA_REQ_BAD },
		{ "a range inside the read-only pages is not writable", RO_WHOLE_START + 0x800, 0x10, DVA_REQ_DONE, DVA_REQ_BAD },
		{ "a range containing the read-only pages is not writable", RO_WHOLE_START - PAGE, 4 * PAGE, DVA_REQ_DONE, DVA_REQ_BAD },
		{ "the byte just before the read-only pages is writable", RO_WHOLE_START - 1, 1, DVA_REQ_DONE, DVA_REQ_DONE },
		{ "the page ending just before the read-only pages is writable", RO_WHOLE_START - PAGE, PAGE, DVA_REQ_DONE, DVA_REQ_DONE },
		{ "the byte just after the read-only pages is writable", RO_WHOLE_END, 1, DVA_REQ_DONE, DVA_REQ_DONE },
		{ "the page starting just after the read-only pages is writable", RO_WHOLE_END, PAGE, DVA_REQ_DONE, DVA_REQ_DONE },
		/* read-only bytes inside one page */
		{ "the first read-only byte of a partial page is readable, not writable", RO_PART_START, 1, DVA_REQ_DONE, DVA_REQ_BAD },
		{ "the last read-only byte of a partial page is readable, not writable", RO_PART_END - 1, 1, DVA_REQ_DONE, DVA_REQ_BAD },
		{ "a range ending on a partial page's first read-only byte is not writable", RO_PART_START - 1, 2, DVA_REQ_DONE, DVA_REQ_BAD },
		{ "a range starting on a partial page's last read-only byte is not writable", RO_PART_END - 1, 2, DVA_REQ_DONE, DVA_REQ_BAD },
		{ "the whole page holding read-only bytes is not writable", RO_PART_START & ~(PAGE - 1), PAGE, DVA_REQ_DONE, DVA_REQ_BAD },
		{ "the byte just before a partial page's read-only bytes is writable", RO_PART_START - 1, 1, DVA_REQ_DONE, DVA_REQ_DONE },
		{ "the page's bytes up to its read-only bytes are writable", RO_PART_START & ~(PAGE - 1), RO_PART_START & (PAGE - 1), DVA_REQ_DONE, DVA_REQ_DONE },
		{ "the byte just after a partial page's read-only bytes is writable", RO_PART_END, 1, DVA_REQ_DONE, DVA_REQ_DONE },
		{ "the page's bytes after its read-only bytes are writable", RO_PART_END, PAGE - (RO_PART_END & (PAGE - 1)), DVA_REQ_DONE, DVA_REQ_DONE },
		/* read-only bytes across a page boundary, part of each page */
		{ "the first byte of a read-only range across two pages is not writable", RO_STRADDLE_START, 1, DVA_REQ_DONE, DVA_REQ_BAD },
		{ "the first byte of the second page of that range is not writable", RO_STRADDLE_END & ~(PAGE - 1), 1, DVA_REQ_DONE, DVA_REQ_BAD },
		{ "the last byte of a read-only range across two pages is not writable", RO_STRADDLE_END - 1, 1, DVA_REQ_DONE, DVA_REQ_BAD },
		{ "the byte just before a read-only range across two pages is writable", RO_STRADDLE_START - 1, 1, DVA_REQ_DONE, DVA_REQ_DONE },
		{ "the byte just after a read-only range across two pages is writable", RO_STRADDLE_END, 1, DVA_REQ_DONE, DVA_REQ_DONE },
		{ "the first page's bytes up to that range are writable", RO_STRADDLE_START & ~(PAGE - 1), RO_STRADDLE_START & (PAGE - 1), DVA_REQ_DONE, DVA_REQ_DONE },
		{ "the second page's bytes after that range are writable", RO_STRADDLE_END, PAGE - (RO_STRADDLE_END & (PAGE - 1)), DVA_REQ_DONE, DVA_REQ_DONE },
	};
	struct tdev t;
	lone_device(f, &t);
	int bad = 0;
	for (size_t i = 0; i < ROWS(rows); i++) {
		enum dva_req_status r = dev_range_check(&t.dev, rows[i].addr, rows[i].len, false);
		enum dva_req_status w = dev_range_check(&t.dev, rows[i].addr, rows[i].len, true);
		if (r != rows[i].want_read) {
			print_error("%s: read check %d, want %d\n", rows[i].name, r, rows[i].want_read);
			bad++;
		}
		if (w != rows[i].want_write) {
			print_error("%s: write check %d, want %d\n", rows[i].name, w, rows[i].want_write);
			bad++;
		}
	}
	if (f->refreshes || f->code_calls || f->fault.vector != FAULT_UNTOUCHED) {
		print_error("checking ranges called a hook or filled the fault record\n");
		bad++;
	}
	if (bad)
		fail_msg("%d mismatches", bad);
}

/* ---- dev_read --------------------------------------------------------------------------------- */

/* Whether memory is the pattern everywhere except where the refresh hook wrote (if it ran). */
static int memory_is_pattern(const struct fixture *f, bool refreshed, const char *name)
{
	uint8_t mark[sizeof(uint64_t)];
	uint64_t v = REFRESH_MARK;
	memcpy(mark, &v, sizeof(mark));
	for (uint32_t a = 0; a < MSIZE; a++) {
		bool in_mark = refreshed && a >= REFRESH_OFF && a < REFRESH_OFF + sizeof(mark);
		uint8_t want = in_mark ? mark[a - REFRESH_OFF] : pattern(a);
		if (f->m.base[a] != want) {
			print_error("%s: guest byte 0x%x is 0x%02x, want 0x%02x\n", name, a, f->m.base[a], want);
			return 1;
		}
	}
	return 0;
}

static void dev_read_rows(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *name;
		uint32_t addr, len;
		enum dva_req_status want;
		unsigned want_refreshes;
	} rows[] = {
		{ "a read of page 1 copies it and does not refresh page 0", PAGE, 16, DVA_REQ_DONE, 0 },
		{ "a read of the last byte of memory copies it", MSIZE - 1, 1, DVA_REQ_DONE, 0 },
		{ "a read of read-only bytes copies them", RO_PART_START - 8, 16, DVA_REQ_DONE, 0 },
		{ "a read of all memory but page 0 copies it without a refresh", PAGE, MSIZE - PAGE, DVA_REQ_DONE, 0 },
		{ "a read of page 0's first bytes refreshes page 0 once", 0, 16, DVA_REQ_DONE, 1 },
		{ "a read of time_ns sees what the refresh wrote", REFRESH_OFF, sizeof(uint64_t), DVA_REQ_DONE, 1 },
		{ "a read of page 0's last byte refreshes page 0", PAGE - 1, 1, DVA_REQ_DONE, 1 },
		{ "a read from page 0 into page 1 refreshes page 0 once", PAGE - 4, 8, DVA_REQ_DONE, 1 },
		{ "a read of all memory refreshes page 0 once and copies everything", 0, MSIZE, DVA_REQ_DONE, 1 },
		{ "an empty read at 0 copies nothing and refreshes nothing", 0, 0, DVA_REQ_DONE, 0 },
		{ "an empty read at mem_size copies nothing", MSIZE, 0, DVA_REQ_DONE, 0 },
		{ "a read crossing mem_size is bad and copies nothing", MSIZE - 1, 2, DVA_REQ_BAD, 0 },
		{ "a read at mem_size is bad", MSIZE, 1, DVA_REQ_BAD, 0 },
		{ "a read wrapping past 4 GiB is bad", WRAP_ADDR, WRAP_LEN, DVA_REQ_BAD, 0 },
		{ "a read of page 0 running past mem_size is bad and does not refresh", 0, MSIZE + 1, DVA_REQ_BAD, 0 },
	};
	struct tdev t;
	lone_device(f, &t);
	int bad = 0;
	for (size_t i = 0; i < ROWS(rows); i++) {
		reset(f);
		size_t cap = rows[i].len <= MSIZE ? rows[i].len : MSIZE; /* a refused read copies none */
		uint8_t *buf = malloc(cap + 2 * OUT_GUARD);
		assert_non_null(buf);
		memset(buf, OUT_SENTINEL, cap + 2 * OUT_GUARD);
		enum dva_req_status st = dev_read(&t.dev, rows[i].addr, rows[i].len, buf + OUT_GUARD);
		if (st != rows[i].want) {
			print_error("%s: status %d, want %d\n", rows[i].name, st, rows[i].want);
			bad++;
		}
		if (f->refreshes != rows[i].want_refreshes) {
			print_error("%s: %u refreshes, want %u\n", rows[i].name, f->refreshes,
				    rows[i].want_refreshes);
			bad++;
		}
		bool copied = st == DVA_REQ_DONE && rows[i].want == DVA_REQ_DONE;
		for (size_t k = 0; k < cap + 2 * OUT_GUARD; k++) {
			bool inside = copied && k >= OUT_GUARD && k < OUT_GUARD + cap;
			/* a copied byte is what memory holds now (refresh marker included) */
			uint8_t want = inside ? f->m.base[rows[i].addr + (k - OUT_GUARD)] : OUT_SENTINEL;
			if (buf[k] != want) {
				print_error("%s: output byte %td is 0x%02x, want 0x%02x\n", rows[i].name,
					    (ptrdiff_t)k - (ptrdiff_t)OUT_GUARD, buf[k], want);
				bad++;
				break;
			}
		}
		bad += memory_is_pattern(f, f->refreshes > 0, rows[i].name);
		if (copied && rows[i].want_refreshes && rows[i].addr <= REFRESH_OFF &&
		    rows[i].addr + rows[i].len >= REFRESH_OFF + sizeof(uint64_t)) {
			uint64_t v;
			memcpy(&v, buf + OUT_GUARD + (REFRESH_OFF - rows[i].addr), sizeof(v));
			if (v != REFRESH_MARK) {
				print_error("%s: the copy shows time_ns 0x%llx, not the refresh's\n",
					    rows[i].name, (unsigned long long)v);
				bad++;
			}
		}
		free(buf);
	}
	if (bad)
		fail_msg("%d mismatches", bad);
}

/* ---- dev_write -------------------------------------------------------------------------------- */

#define PG(n) (1u << (n)) /* a page's bit in a row's code-page mask */

static void dev_write_rows(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *name;
		uint32_t addr, len;
		uint32_t code_pages;     /* pages marked PG_CODE before the write */
		enum dva_req_status want;
		unsigned ncalls;         /* code_write calls wanted, with these pfns in order */
		uint32_t pfns[4];
	} rows[] = {
		{ "a write to page 1 without code changes exactly its bytes", PAGE + 5, 16, 0, DVA_REQ_DONE, 0, { 0 } },
		{ "a write to a code page invalidates it once", 2 * PAGE + 0x10, 8, PG(2), DVA_REQ_DONE, 1, { 2 } },
		{ "a write across two code pages invalidates both in order", 2 * PAGE - 8, 16, PG(1) | PG(2), DVA_REQ_DONE, 2, { 1, 2 } },
		{ "a write across two pages invalidates only the one with code", 2 * PAGE - 8, 16, PG(2), DVA_REQ_DONE, 1, { 2 } },
		{ "a write leaves code on the pages it does not touch", 2 * PAGE, PAGE, PG(1) | PG(2) | PG(5), DVA_REQ_DONE, 1, { 2 } },
		{ "a write of pages 1 and 2 invalidates both", PAGE, RO_WHOLE_START - PAGE, PG(1) | PG(2), DVA_REQ_DONE, 2, { 1, 2 } },
		{ "a write after read-only code pages invalidates only the pages written", RO_WHOLE_END, 2 * PAGE, PG(4) | PG(5) | PG(6) | PG(7), DVA_REQ_DONE, 2, { 5, 6 } },
		{ "a write of the last byte of memory invalidates the last page", MSIZE - 1, 1, PG(NPAGES - 1), DVA_REQ_DONE, 1, { NPAGES - 1 } },
		{ "a write just before a partial page's read-only bytes is done", RO_PART_START - 16, 16, PG(7), DVA_REQ_DONE, 1, { 7 } },
		{ "a write just after a partial page's read-only bytes is done", RO_PART_END, 16, 0, DVA_REQ_DONE, 0, { 0 } },
		{ "an empty write at 0 changes nothing", 0, 0, 0, DVA_REQ_DONE, 0, { 0 } },
		{ "an empty write on a code page does not invalidate it", 2 * PAGE, 0, PG(2), DVA_REQ_DONE, 0, { 0 } },
		{ "a write crossing mem_size is bad and invalidates nothing", MSIZE - 1, 2, PG(NPAGES - 1), DVA_REQ_BAD, 0, { 0 } },
		{ "a write at mem_size is bad", MSIZE, 1, 0, DVA_REQ_BAD, 0, { 0 } },
		{ "a write wrapping past 4 GiB is bad", WRAP_ADDR, WRAP_LEN, 0, DVA_REQ_BAD, 0, { 0 } },
		{ "a write to page 0 is bad", 0, 4, 0, DVA_REQ_BAD, 0, { 0 } },
		{ "a write to the registers a guest may write is bad", DVA_RW_FIRST, 4, 0, DVA_REQ_BAD, 0, { 0 } },
		{ "a write from page 0's last byte into a code page is bad and invalidates nothing", PAGE - 1, 2, PG(1), DVA_REQ_BAD, 0, { 0 } },
		{ "a write from a code page into read-only pages is bad and invalidates nothing", RO_WHOLE_START - 8, 16, PG(2), DVA_REQ_BAD, 0, { 0 } },
		{ "a write touching a partial page's last read-only byte is bad", RO_PART_END - 1, 2, PG(7), DVA_REQ_BAD, 0, { 0 } },
		{ "a write touching a read-only range across two pages is bad", RO_STRADDLE_START - 4, 8, PG(9), DVA_REQ_BAD, 0, { 0 } },
	};
	struct tdev t;
	lone_device(f, &t);
	int bad = 0;
	for (size_t i = 0; i < ROWS(rows); i++) {
		reset(f);
		for (uint32_t pfn = 0; pfn < NPAGES; pfn++)
			if (rows[i].code_pages & PG(pfn))
				f->m.pflags[pfn] |= PG_CODE;
		uint8_t flags_before[NPAGES];
		memcpy(flags_before, f->m.pflags, NPAGES);
		size_t cap = rows[i].len <= MSIZE ? rows[i].len : MSIZE; /* a refused write reads none */
		uint8_t *in = malloc(cap ? cap : 1);
		assert_non_null(in);
		for (size_t k = 0; k < cap; k++)
			in[k] = (uint8_t)~pattern(rows[i].addr + (uint32_t)k); /* differs from every byte */
		enum dva_req_status st = dev_write(&t.dev, rows[i].addr, rows[i].len, in);
		if (st != rows[i].want) {
			print_error("%s: status %d, want %d\n", rows[i].name, st, rows[i].want);
			bad++;
		}
		/* memory: the input inside the range on success, the pattern everywhere else */
		bool wrote = st == DVA_REQ_DONE && rows[i].want == DVA_REQ_DONE;
		for (uint32_t a = 0; a < MSIZE; a++) {
			bool inside = wrote && a >= rows[i].addr && a - rows[i].addr < rows[i].len;
			uint8_t want = inside ? in[a - rows[i].addr] : pattern(a);
			if (f->m.base[a] != want) {
				print_error("%s: guest byte 0x%x is 0x%02x, want 0x%02x\n", rows[i].name, a,
					    f->m.base[a], want);
				bad++;
				break;
			}
		}
		/* code_write: exactly the pages wanted, in order */
		if (f->code_calls != rows[i].ncalls) {
			print_error("%s: %u code_write calls, want %u\n", rows[i].name, f->code_calls,
				    rows[i].ncalls);
			bad++;
		} else {
			for (unsigned k = 0; k < rows[i].ncalls; k++)
				if (f->code_pfns[k] != rows[i].pfns[k]) {
					print_error("%s: code_write %u for page %u, want %u\n", rows[i].name,
						    k, f->code_pfns[k], rows[i].pfns[k]);
					bad++;
				}
		}
		/* flags: PG_CODE cleared on the pages invalidated, every other flag as it was */
		for (uint32_t pfn = 0; pfn < NPAGES; pfn++) {
			uint8_t want = flags_before[pfn];
			for (unsigned k = 0; k < rows[i].ncalls; k++)
				if (rows[i].pfns[k] == pfn)
					want &= (uint8_t)~PG_CODE;
			if (f->m.pflags[pfn] != want) {
				print_error("%s: page %u flags 0x%02x, want 0x%02x\n", rows[i].name, pfn,
					    f->m.pflags[pfn], want);
				bad++;
			}
		}
		if (f->refreshes) {
			print_error("%s: a write refreshed page 0\n", rows[i].name);
			bad++;
		}
		free(in);
	}
	reset(f);
	if (bad)
		fail_msg("%d mismatches", bad);
}

/* ---- request blocks ------------------------------------------------------------------------- */

static void dev_request_load_rows(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *name;
		uint32_t addr;
		int want;           /* DEV_OK, DEV_GP or DEV_FAULT */
		uint32_t pf_addr;   /* DEV_FAULT: fault_addr */
		uint32_t pf_error;  /* DEV_FAULT: the error code */
	} rows[] = {
		{ "a block at 4097 is not aligned: #GP", PAGE + 1, DEV_GP, 0, 0 },
		{ "a block at 4098 is not aligned: #GP", PAGE + 2, DEV_GP, 0, 0 },
		{ "a block at 4099 is not aligned: #GP", PAGE + 3, DEV_GP, 0, 0 },
		{ "an unaligned block in page 0 is #GP, not #PF", 0x101, DEV_GP, 0, 0 },
		{ "an unaligned block crossing mem_size is #GP, not #PF", MSIZE - 2, DEV_GP, 0, 0 },
		{ "an unaligned block at 0xFFFFFFFF is #GP", ADDR_LAST, DEV_GP, 0, 0 },
		{ "a block at the start of page 1 loads", PAGE, DEV_OK, 0, 0 },
		{ "the last block that fits in memory loads", MSIZE - REQ_SIZE, DEV_OK, 0, 0 },
		{ "a block ending just before read-only pages loads", RO_WHOLE_START - REQ_SIZE, DEV_OK, 0, 0 },
		{ "a block starting just after read-only pages loads", RO_WHOLE_END, DEV_OK, 0, 0 },
		{ "a block ending just before a partial page's read-only bytes loads", RO_PART_START - REQ_SIZE, DEV_OK, 0, 0 },
		{ "a block starting just after a partial page's read-only bytes loads", RO_PART_END, DEV_OK, 0, 0 },
		{ "a block crossing mem_size faults at mem_size, P clear", MSIZE - 20, DEV_FAULT, MSIZE, ERR_WRITE_OUT },
		{ "a block with only its first 8 bytes in memory faults at mem_size", MSIZE - 8, DEV_FAULT, MSIZE, ERR_WRITE_OUT },
		{ "a block with only its first 4 bytes in memory faults at mem_size", MSIZE - 4, DEV_FAULT, MSIZE, ERR_WRITE_OUT },
		{ "a block at mem_size faults there", MSIZE, DEV_FAULT, MSIZE, ERR_WRITE_OUT },
		{ "a block at 0xFFFFFFFC faults there (it would wrap)", ADDR_LAST - 3, DEV_FAULT, ADDR_LAST - 3, ERR_WRITE_OUT },
		{ "a block running into read-only pages faults at their first byte", RO_WHOLE_START - 8, DEV_FAULT, RO_WHOLE_START, ERR_WRITE_RO },
		{ "a block inside read-only pages faults at its first byte", RO_WHOLE_START + 0x100, DEV_FAULT, RO_WHOLE_START + 0x100, ERR_WRITE_RO },
		{ "a block on read-only pages' last 4 bytes faults at its first byte", RO_WHOLE_END - 4, DEV_FAULT, RO_WHOLE_END - 4, ERR_WRITE_RO },
		{ "a block running into a partial page's read-only bytes faults at the first", RO_PART_START - 4, DEV_FAULT, RO_PART_START, ERR_WRITE_RO },
		{ "a block on a partial page's last read-only bytes faults at its first byte", RO_PART_END - 4, DEV_FAULT, RO_PART_END - 4, ERR_WRITE_RO },
		{ "a block running into a read-only range across two pages faults at its start", RO_STRADDLE_START - 16, DEV_FAULT, RO_STRADDLE_START, ERR_WRITE_RO },
		{ "a block at 0x100 in page 0 faults at 0x100", 0x100, DEV_FAULT, 0x100, ERR_WRITE_RO },
		{ "a block at 0 faults at 0", 0, DEV_FAULT, 0, ERR_WRITE_RO },
		{ "a block from page 0 into page 1 faults at its first byte", PAGE - 8, DEV_FAULT, PAGE - 8, ERR_WRITE_RO },
	};
	struct tdev t;
	lone_device(f, &t);
	int bad = 0;
	for (size_t i = 0; i < ROWS(rows); i++) {
		reset(f);
		struct dva_request rq, untouched;
		memset(&rq, RQ_SENTINEL, sizeof(rq));
		untouched = rq;
		int rc = dev_request_load(&t.dev, rows[i].addr, &rq);
		if (rc != rows[i].want) {
			print_error("%s: rc %d, want %d\n", rows[i].name, rc, rows[i].want);
			bad++;
			continue;
		}
		if (rc == DEV_OK) {
			if (memcmp(&rq, f->m.base + rows[i].addr, REQ_SIZE)) {
				print_error("%s: rq is not the 24 bytes at 0x%x\n", rows[i].name, rows[i].addr);
				bad++;
			}
		} else if (memcmp(&rq, &untouched, sizeof(rq))) {
			print_error("%s: a refused load changed rq\n", rows[i].name);
			bad++;
		}
		if (rc == DEV_FAULT) {
			if (f->fault.vector != DVA_VEC_PF || f->fault.addr != rows[i].pf_addr ||
			    f->fault.error != rows[i].pf_error) {
				print_error("%s: fault vector %u addr 0x%x error 0x%x, want #PF 0x%x 0x%x\n",
					    rows[i].name, f->fault.vector, f->fault.addr, f->fault.error,
					    rows[i].pf_addr, rows[i].pf_error);
				bad++;
			}
		} else if (f->fault.vector != FAULT_UNTOUCHED || f->fault.addr != FAULT_UNTOUCHED ||
			   f->fault.error != FAULT_UNTOUCHED) {
			print_error("%s: rc %d filled the fault record\n", rows[i].name, rc);
			bad++;
		}
		bad += memory_is_pattern(f, false, rows[i].name);
		if (f->refreshes || f->raises) {
			print_error("%s: a load refreshed page 0 or raised a line\n", rows[i].name);
			bad++;
		}
	}
	if (bad)
		fail_msg("%d mismatches", bad);
}

/* The guest's block: each field a distinct value, none equal to what the device writes back. */
static const struct dva_request guest_block = {
	.op = 0x0B0B0B01u, .status = 0x5757A701u, .addr = 0xADD0ADD0u,
	.len = 0x1E1E1E1Eu, .arg = 0xA1A1A1A1u, .result = 0x2E2E2E2Eu,
};
/* What the device writes back: every field different from the guest's. */
static const struct dva_request device_reply = {
	.op = 0xDEAD0001u, .status = DVA_REQ_DONE, .addr = 0xDEAD0003u,
	.len = 0xDEAD0004u, .arg = 0xC0DE0005u, .result = 0xC0DE0006u,
};

static void dev_request_store_and_complete_rows(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *name;
		uint32_t addr;
		bool complete;     /* dev_request_complete rather than dev_request_store */
		unsigned line;
	} rows[] = {
		{ "store at the start of page 1 writes status, arg and result only", PAGE, false, 0 },
		{ "store in the middle of memory writes status, arg and result only", 0x8000, false, 0 },
		{ "store in the last block of memory writes status, arg and result only", MSIZE - REQ_SIZE, false, 0 },
		{ "complete writes status, arg and result and raises the disk line", 0x8000, true, DVA_LINE_DISK },
		{ "complete of the last block of memory raises the network line", MSIZE - REQ_SIZE, true, DVA_LINE_NET_RX },
		{ "complete can raise line 0 (timer)", PAGE, true, DVA_LINE_TIMER },
	};
	struct tdev t;
	lone_device(f, &t);
	int bad = 0;
	for (size_t i = 0; i < ROWS(rows); i++) {
		reset(f);
		uint32_t a = rows[i].addr;
		memcpy(f->m.base + a, &guest_block, REQ_SIZE);
		struct dva_request rq = device_reply;
		if (rows[i].complete)
			dev_request_complete(&t.dev, a, &rq, rows[i].line);
		else
			dev_request_store(&t.dev, a, &rq);
		struct dva_request got;
		memcpy(&got, f->m.base + a, REQ_SIZE);
		struct dva_request want = guest_block;
		want.status = device_reply.status;
		want.arg = device_reply.arg;
		want.result = device_reply.result;
		static const struct { const char *field; size_t off; } fields[] = {
			{ "op", OFF_OP }, { "status", OFF_STATUS }, { "addr", OFF_ADDR },
			{ "len", OFF_LEN }, { "arg", OFF_ARG }, { "result", OFF_RESULT },
		};
		for (size_t k = 0; k < ROWS(fields); k++) {
			uint32_t g, w;
			memcpy(&g, (const uint8_t *)&got + fields[k].off, 4);
			memcpy(&w, (const uint8_t *)&want + fields[k].off, 4);
			if (g != w) {
				print_error("%s: %s is 0x%08x, want 0x%08x\n", rows[i].name, fields[k].field, g, w);
				bad++;
			}
		}
		/* nothing outside the block changed */
		for (uint32_t b = 0; b < MSIZE; b++) {
			if (b >= a && b < a + REQ_SIZE)
				continue;
			if (f->m.base[b] != pattern(b)) {
				print_error("%s: guest byte 0x%x outside the block changed\n", rows[i].name, b);
				bad++;
				break;
			}
		}
		if (memcmp(&rq, &device_reply, sizeof(rq))) {
			print_error("%s: the device's rq changed\n", rows[i].name);
			bad++;
		}
		unsigned want_raises = rows[i].complete ? 1 : 0;
		if (f->raises != want_raises) {
			print_error("%s: %u raises, want %u\n", rows[i].name, f->raises, want_raises);
			bad++;
		} else if (want_raises && (f->raise_line != rows[i].line || f->raise_owner != f)) {
			print_error("%s: raised line %u owner %p, want line %u owner %p\n", rows[i].name,
				    f->raise_line, f->raise_owner, rows[i].line, (void *)f);
			bad++;
		}
		if (f->moved || f->now_calls || f->fault.vector != FAULT_UNTOUCHED) {
			print_error("%s: a store moved a deadline, read the clock or faulted\n", rows[i].name);
			bad++;
		}
	}
	if (bad)
		fail_msg("%d mismatches", bad);
}

static void the_host_callbacks_get_the_hosts_owner(void **state)
{
	struct fixture *f = *state;
	struct tdev t;
	lone_device(f, &t);
	reset(f);
	assert_int_equal(dev_now(&t.dev), NOW_VALUE);
	assert_int_equal(f->now_calls, 1);
	assert_ptr_equal(f->now_owner, f);
	dev_raise(&t.dev, DVA_LINE_DISPLAY);
	assert_int_equal(f->raises, 1);
	assert_int_equal(f->raise_line, DVA_LINE_DISPLAY);
	assert_ptr_equal(f->raise_owner, f);
	dev_deadline_moved(&t.dev);
	assert_int_equal(f->moved, 1);
	assert_ptr_equal(f->moved_owner, f);
}

/* ---- the port bus ----------------------------------------------------------------------------- */

/* Three attached devices: A 0x100-0x1FF, B 0x300-0x3FF, C 0xFFF0-0xFFFF. */
#define A_FIRST 0x100u
#define A_LAST 0x1FFu
#define B_FIRST 0x300u
#define B_LAST 0x3FFu
#define C_FIRST 0xFFF0u
#define C_LAST 0xFFFFu

static void attach_refuses_overlaps_and_accepts_neighbours(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *name;
		uint16_t first, last;
		int want;
	} rows[] = {
		{ "a range whose last port is A's first overlaps by one", 0x0F0, A_FIRST, -1 },
		{ "a range whose first port is A's last overlaps by one", A_LAST, 0x210, -1 },
		{ "a range containing A overlaps it", 0x0F0, 0x210, -1 },
		{ "a range inside A overlaps it", 0x150, 0x160, -1 },
		{ "A's own range overlaps it", A_FIRST, A_LAST, -1 },
		{ "A's first port alone overlaps it", A_FIRST, A_FIRST, -1 },
		{ "A's last port alone overlaps it", A_LAST, A_LAST, -1 },
		{ "a range from A's last port to B's first overlaps both", A_LAST, B_FIRST, -1 },
		{ "a range filling the gap and B's first port overlaps B", A_LAST + 1, B_FIRST, -1 },
		{ "port 0xFFFF alone overlaps C", C_LAST, C_LAST, -1 },
		{ "a range ending on C's first port overlaps it", 0xFF00, C_FIRST, -1 },
		{ "every port overlaps every device", 0x0000, 0xFFFF, -1 },
		{ "the range just below A is adjacent and accepted", 0x0F0, A_FIRST - 1, 0 },
		{ "the range just above A is adjacent and accepted", A_LAST + 1, 0x210, 0 },
		{ "exactly the gap between A and B is accepted", A_LAST + 1, B_FIRST - 1, 0 },
		{ "the port just above B alone is accepted", B_LAST + 1, B_LAST + 1, 0 },
		{ "the port just below C alone is accepted", C_FIRST - 1, C_FIRST - 1, 0 },
		{ "port 0 alone is accepted", 0x0000, 0x0000, 0 },
	};
	int bad = 0;
	for (size_t i = 0; i < ROWS(rows); i++) {
		struct port_bus bus = { .host = &f->host };
		struct tdev a, b, c, d;
		tdev_init(&a, &ops_full, A_FIRST, A_LAST);
		tdev_init(&b, &ops_full, B_FIRST, B_LAST);
		tdev_init(&c, &ops_full, C_FIRST, C_LAST);
		assert_int_equal(port_bus_attach(&bus, &a.dev), 0);
		assert_int_equal(port_bus_attach(&bus, &b.dev), 0);
		assert_int_equal(port_bus_attach(&bus, &c.dev), 0);
		struct port_bus before = bus;
		tdev_init(&d, &ops_full, rows[i].first, rows[i].last);
		int rc = port_bus_attach(&bus, &d.dev);
		if (rc != rows[i].want) {
			print_error("%s: attach %d, want %d\n", rows[i].name, rc, rows[i].want);
			bad++;
			continue;
		}
		if (rc) {
			if (memcmp(&bus, &before, sizeof(bus))) {
				print_error("%s: a refused attach changed the bus\n", rows[i].name);
				bad++;
			}
			if (d.dev.host) {
				print_error("%s: a refused attach set the device's host\n", rows[i].name);
				bad++;
			}
			continue;
		}
		if (bus.n != 4 || bus.dev[3] != &d.dev || d.dev.host != &f->host) {
			print_error("%s: accepted, but n %u, dev[3] %p, host %p\n", rows[i].name, bus.n,
				    (void *)bus.dev[3], (const void *)d.dev.host);
			bad++;
		}
		uint32_t val;
		if (port_bus_in(&bus, rows[i].first, 4, &val) != DEV_OK ||
		    port_bus_in(&bus, rows[i].last, 4, &val) != DEV_OK || d.ins != 2 ||
		    a.ins + b.ins + c.ins) {
			print_error("%s: its ports do not reach it alone (%u ins)\n", rows[i].name, d.ins);
			bad++;
		}
	}
	if (bad)
		fail_msg("%d mismatches", bad);
}

/* A device of a bus row: its ops and what its deadline op answers. */
enum dev_kind { K_NONE, K_FULL, K_NO_DEADLINE, K_DEADLINE_ONLY };
#define BUS_ROW_DEVS 4

static const struct device_ops *kind_ops(enum dev_kind k)
{
	return k == K_FULL ? &ops_full : k == K_NO_DEADLINE ? &ops_no_deadline : &ops_deadline_only;
}

/* Attach the row's devices (kind K_NONE ends the list), one port each at 0x10, 0x11, ... */
static unsigned attach_row(struct port_bus *bus, struct tdev *t, const enum dev_kind *kinds,
			   const uint64_t *at, const uint32_t *lines)
{
	unsigned n = 0;
	for (; n < BUS_ROW_DEVS && kinds[n] != K_NONE; n++) {
		tdev_init(&t[n], kind_ops(kinds[n]), (uint16_t)(0x10 + n), (uint16_t)(0x10 + n));
		if (at)
			t[n].at = at[n];
		if (lines)
			t[n].dev.lines = lines[n];
		assert_int_equal(port_bus_attach(bus, &t[n].dev), 0);
	}
	return n;
}

static void deadline_is_the_earliest_of_the_devices(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *name;
		enum dev_kind kinds[BUS_ROW_DEVS];
		uint64_t at[BUS_ROW_DEVS];
		uint64_t want;
	} rows[] = {
		{ "a bus without devices is never due", { K_NONE }, { 0 }, DEV_NEVER },
		{ "devices without a deadline op are never due", { K_NO_DEADLINE, K_NO_DEADLINE }, { 5, 6 }, DEV_NEVER },
		{ "devices whose deadlines are all DEV_NEVER are never due", { K_FULL, K_DEADLINE_ONLY }, { DEV_NEVER, DEV_NEVER }, DEV_NEVER },
		{ "one device's deadline is the bus's", { K_FULL }, { 700 }, 700 },
		{ "the minimum of three deadlines, in the middle", { K_FULL, K_FULL, K_FULL }, { 500, 300, 900 }, 300 },
		{ "the minimum of three deadlines, the last", { K_FULL, K_FULL, K_DEADLINE_ONLY }, { 500, 900, 300 }, 300 },
		{ "a device without a deadline op does not count, even first", { K_NO_DEADLINE, K_FULL }, { 1, 700 }, 700 },
		{ "a DEV_NEVER device does not hide a later one's deadline", { K_FULL, K_FULL }, { DEV_NEVER, 42 }, 42 },
		{ "a deadline of 0 is the minimum", { K_FULL, K_FULL }, { 9, 0 }, 0 },
		{ "the largest deadline below DEV_NEVER counts", { K_FULL, K_FULL }, { DEV_NEVER, DEV_NEVER - 1 }, DEV_NEVER - 1 },
	};
	int bad = 0;
	for (size_t i = 0; i < ROWS(rows); i++) {
		struct port_bus bus = { .host = &f->host };
		struct tdev t[BUS_ROW_DEVS];
		attach_row(&bus, t, rows[i].kinds, rows[i].at, NULL);
		uint64_t got = port_bus_deadline(&bus);
		if (got != rows[i].want) {
			print_error("%s: deadline %llu, want %llu\n", rows[i].name, (unsigned long long)got,
				    (unsigned long long)rows[i].want);
			bad++;
		}
	}
	if (bad)
		fail_msg("%d mismatches", bad);
}

static void expire_calls_exactly_the_devices_due(void **state)
{
	struct fixture *f = *state;
	/* Due at 100, 200 and 300; one never due; one with expire but no deadline op. */
	static const enum dev_kind kinds[BUS_ROW_DEVS] = { K_FULL, K_FULL, K_FULL, K_NO_DEADLINE };
	static const uint64_t at[BUS_ROW_DEVS] = { 200, 100, 300, 1 };
	static const struct {
		const char *name;
		uint64_t now;
		bool want[BUS_ROW_DEVS]; /* expired, in attach order */
	} rows[] = {
		{ "at 0 nothing is due", 0, { false, false, false, false } },
		{ "just before the earliest deadline nothing is due", 99, { false, false, false, false } },
		{ "at the earliest deadline exactly its device is due", 100, { false, true, false, false } },
		{ "between deadlines the earlier two are due", 250, { true, true, false, false } },
		{ "at the latest deadline all three are due", 300, { true, true, true, false } },
		{ "long after, all three are due, the one without deadline op never", DEV_NEVER - 1, { true, true, true, false } },
	};
	int bad = 0;
	for (size_t i = 0; i < ROWS(rows); i++) {
		struct port_bus bus = { .host = &f->host };
		struct tdev t[BUS_ROW_DEVS];
		unsigned n = attach_row(&bus, t, kinds, at, NULL);
		port_bus_expire(&bus, rows[i].now);
		for (unsigned k = 0; k < n; k++) {
			unsigned want = rows[i].want[k] ? 1 : 0;
			if (t[k].expires != want) {
				print_error("%s: device %u expired %u times, want %u\n", rows[i].name, k,
					    t[k].expires, want);
				bad++;
			} else if (want && t[k].expire_now != rows[i].now) {
				print_error("%s: device %u expired with now %llu\n", rows[i].name, k,
					    (unsigned long long)t[k].expire_now);
				bad++;
			}
		}
	}
	/* A device with a deadline but no expire op is skipped without harm. */
	struct port_bus bus = { .host = &f->host };
	struct tdev lone;
	tdev_init(&lone, &ops_deadline_only, 0x10, 0x10);
	lone.at = 0;
	assert_int_equal(port_bus_attach(&bus, &lone.dev), 0);
	port_bus_expire(&bus, 1);
	assert_int_equal(lone.expires, 0);
	if (bad)
		fail_msg("%d mismatches", bad);
}

static void boundary_reaches_every_device_with_the_flag(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *name;
		bool final;
	} rows[] = {
		{ "a boundary between quanta passes final = false", false },
		{ "the VM's last boundary passes final = true", true },
	};
	static const enum dev_kind kinds[BUS_ROW_DEVS] = { K_FULL, K_DEADLINE_ONLY, K_NO_DEADLINE, K_NONE };
	int bad = 0;
	for (size_t i = 0; i < ROWS(rows); i++) {
		struct port_bus bus = { .host = &f->host };
		struct tdev t[BUS_ROW_DEVS];
		unsigned n = attach_row(&bus, t, kinds, NULL, NULL);
		port_bus_boundary(&bus, rows[i].final);
		for (unsigned k = 0; k < n; k++) {
			unsigned want = t[k].dev.ops->boundary ? 1 : 0;
			if (t[k].boundaries != want || (want && t[k].final != rows[i].final)) {
				print_error("%s: device %u saw %u boundaries, final %d\n", rows[i].name, k,
					    t[k].boundaries, t[k].final);
				bad++;
			}
		}
	}
	struct port_bus empty = { .host = &f->host };
	port_bus_boundary(&empty, true); /* no devices: nothing to call */
	if (bad)
		fail_msg("%d mismatches", bad);
}

static void lines_are_the_or_of_the_devices(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *name;
		enum dev_kind kinds[BUS_ROW_DEVS];
		uint32_t lines[BUS_ROW_DEVS];
		uint32_t want;
	} rows[] = {
		{ "a bus without devices has no lines", { K_NONE }, { 0 }, 0 },
		{ "a device that raises nothing adds no line", { K_FULL }, { 0 }, 0 },
		{ "one device's line", { K_FULL }, { 1u << DVA_LINE_TIMER }, 1u << DVA_LINE_TIMER },
		{ "two devices' lines together",
		  { K_FULL, K_FULL }, { 1u << DVA_LINE_TIMER, 1u << DVA_LINE_CONSOLE_IN },
		  (1u << DVA_LINE_TIMER) | (1u << DVA_LINE_CONSOLE_IN) },
		{ "a line two devices share counts once",
		  { K_FULL, K_NO_DEADLINE, K_DEADLINE_ONLY },
		  { (1u << DVA_LINE_NET_RX) | (1u << DVA_LINE_NET_TX_SPACE), 1u << DVA_LINE_NET_RX, 1u << DVA_LINE_DISPLAY },
		  (1u << DVA_LINE_NET_RX) | (1u << DVA_LINE_NET_TX_SPACE) | (1u << DVA_LINE_DISPLAY) },
		{ "every line", { K_FULL, K_FULL }, { DVA_LINE_MASK & 0x0Fu, DVA_LINE_MASK & ~0x0Fu }, DVA_LINE_MASK },
	};
	int bad = 0;
	for (size_t i = 0; i < ROWS(rows); i++) {
		struct port_bus bus = { .host = &f->host };
		struct tdev t[BUS_ROW_DEVS];
		attach_row(&bus, t, rows[i].kinds, NULL, rows[i].lines);
		uint32_t got = port_bus_lines(&bus);
		if (got != rows[i].want) {
			print_error("%s: lines 0x%x, want 0x%x\n", rows[i].name, got, rows[i].want);
			bad++;
		}
	}
	if (bad)
		fail_msg("%d mismatches", bad);
}

#define DEV_PORT 0x40u
#define NBYTES 4u /* bytes of every REP OUTSB row */

static void a_device_result_comes_back_from_the_bus_unchanged(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *name;
		char dir;          /* 'i' IN, 'o' OUT, 's' REP OUTSB */
		bool out_bytes;    /* the device has out_bytes */
		int rc;            /* what the device answers */
		unsigned fail_at;  /* byte-wise out: the call that answers rc */
		unsigned n;        /* REP OUTSB: bytes */
		int want;
		unsigned want_outs, want_out_bytes;
	} rows[] = {
		{ "REP OUTSB byte by byte: DEV_FAULT on the first byte comes back as DEV_FAULT", 's', false, DEV_FAULT, 0, NBYTES, DEV_FAULT, 1, 0 },
		{ "REP OUTSB byte by byte: DEV_FAULT on the last byte stops there", 's', false, DEV_FAULT, NBYTES - 1, NBYTES, DEV_FAULT, NBYTES, 0 },
		{ "REP OUTSB byte by byte: DEV_GP on the second byte stops there", 's', false, DEV_GP, 1, NBYTES, DEV_GP, 2, 0 },
		{ "REP OUTSB byte by byte: every byte taken is DEV_OK", 's', false, DEV_FAULT, UINT32_MAX, NBYTES, DEV_OK, NBYTES, 0 },
		{ "REP OUTSB of no bytes calls nothing", 's', false, DEV_FAULT, 0, 0, DEV_OK, 0, 0 },
		{ "REP OUTSB through out_bytes: DEV_FAULT comes back", 's', true, DEV_FAULT, 0, NBYTES, DEV_FAULT, 0, 1 },
		{ "OUT: DEV_FAULT comes back", 'o', false, DEV_FAULT, 0, 0, DEV_FAULT, 1, 0 },
		{ "IN: DEV_FAULT comes back", 'i', false, DEV_FAULT, 0, 0, DEV_FAULT, 0, 0 },
	};
	static const uint8_t bytes[NBYTES] = { 'd', 'v', 'a', '1' };
	int bad = 0;
	for (size_t i = 0; i < ROWS(rows); i++) {
		struct port_bus bus = { .host = &f->host };
		struct tdev t;
		tdev_init(&t, rows[i].out_bytes ? &ops_out_bytes : &ops_full, DEV_PORT, DEV_PORT);
		t.rc = rows[i].rc;
		t.fail_at = rows[i].fail_at;
		assert_int_equal(port_bus_attach(&bus, &t.dev), 0);
		uint32_t val;
		int rc = rows[i].dir == 'i'   ? port_bus_in(&bus, DEV_PORT, 4, &val)
			 : rows[i].dir == 'o' ? port_bus_out(&bus, DEV_PORT, 4, 0)
					      : port_bus_out_bytes(&bus, DEV_PORT, bytes, rows[i].n);
		if (rc != rows[i].want) {
			print_error("%s: rc %d, want %d\n", rows[i].name, rc, rows[i].want);
			bad++;
		}
		if (t.outs != rows[i].want_outs || t.out_bytes_calls != rows[i].want_out_bytes) {
			print_error("%s: %u outs and %u out_bytes calls, want %u and %u\n", rows[i].name,
				    t.outs, t.out_bytes_calls, rows[i].want_outs, rows[i].want_out_bytes);
			bad++;
		}
	}
	if (bad)
		fail_msg("%d mismatches", bad);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* guest memory through the device interface */
		T(range_check_rows),
		T(dev_read_rows),
		T(dev_write_rows),
		T(dev_request_load_rows),
		T(dev_request_store_and_complete_rows),
		T(the_host_callbacks_get_the_hosts_owner),
		/* the port bus */
		T(attach_refuses_overlaps_and_accepts_neighbours),
		T(deadline_is_the_earliest_of_the_devices),
		T(expire_calls_exactly_the_devices_due),
		T(boundary_reaches_every_device_with_the_flag),
		T(lines_are_the_or_of_the_devices),
		T(a_device_result_comes_back_from_the_bus_unchanged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
