/* test_display.c - the display (devices/display.c, port 0xD500) and the keyboard
 * (devices/keyboard.c, port 0xD400) driven through a port bus on a real 16 MiB guest memory,
 * as a VM drives them (DVA-1 section 7, docs/abi.md "Keyboard" and "Display").
 *
 * The guest: 16 MiB (so the largest mode, 1920 x 1080, fits), read-only bytes at
 * [RO_START, RO_END), request blocks at BLK. The host's clock is a variable the test sets;
 * raise and deadline_moved are counted.
 *
 * Checked:
 *  - A new display has no mode, no frame, no deadline; its port is 0xD500 alone, its line 6; a
 *    new keyboard's port is 0xD400 alone, line 5, empty, nothing counted; port_bus_lines of both
 *    is 0x60.
 *  - display_next_refresh(t) is the first multiple of 16,666,667 strictly after t.
 *  - MODE, row by row: status 0 for every size 1..1920 x 1..1080 whose buffer is wholly
 *    readable memory (page 0 and read-only bytes included, up to exactly mem_size), status 3
 *    with the mode unchanged for a 0 width or height, 1921 wide, 1081 high, a buffer past
 *    mem_size by a byte or wrapping past 4 GiB; the block's op, addr, len, arg and result stay;
 *    nothing raised, no deadline.
 *  - PRESENT before a MODE, and any op but 1 and 2: status 3, nothing counted or armed.
 *  - PRESENT of a watched display copies the buffer exactly (frame_w x frame_h = the mode; a
 *    later change of guest memory is not in the frame; a bigger then a smaller mode reallocates
 *    or reuses); an unwatched one copies nothing (frame stays NULL) but counts and arms line 6
 *    all the same, and the guest sees the same statuses.
 *  - Line 6: the deadline is the refresh after the PRESENT (deadline_moved told); several
 *    PRESENTs before it keep it; expire before it raises nothing, at or after it raises line 6
 *    once and disarms; a PRESENT at exactly a refresh is due at the next one.
 *  - Port widths and blocks: OUT of 1 or 2 bytes, IN of any width, the ports beside it: DEV_GP
 *    and nothing changed; a misaligned block DEV_GP; a block a 24-byte write could not store
 *    DEV_FAULT with that write's #PF.
 *  - The keyboard: IN EAX gives the events in order, then 0; each push raises line 5 once
 *    (dropped ones too); an event keeps bits 0-15, 30 and 31 only; a full queue (64) drops the
 *    newest and counts it in dropped, events counting all; order holds across the ring's wrap;
 *    IN of 1 or 2 bytes and OUT are DEV_GP and take nothing.
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
#include "devices/display.h"
#include "devices/keyboard.h"
#include "mmu/mem.h"

#define ROWS(a) (sizeof(a) / sizeof((a)[0]))

#define MSIZE (16u << 20)
#define ARENA ((size_t)MSIZE + (4u << 20))
#define P 16666667ull
#define BLK 0x1000u        /* the request block */
#define BUF 0x20000u       /* frame buffers */
#define RO_START 0x10000u  /* read-only bytes */
#define RO_END 0x12000u
#define BIG (1920u * 1080u * 4u)
#define ST0 0xEEEEEEEEu    /* a block's status before the OUT */
#define ARG0 0xA1A1A1A1u
#define RES0 0xA2A2A2A2u
#define WH(w, h) ((uint32_t)(w) << 16 | (uint32_t)(h))
#define PORT_KBD ((uint16_t)DVA_PORT_KEYBOARD)
#define PORT_DISP ((uint16_t)DVA_PORT_DISPLAY)

struct fixture {
	struct mem_arena arena;
	struct guest_mem m;
	struct dva_fault fault;
	struct dev_host host;
	struct port_bus bus;
	struct display *dp;
	struct keyboard *kb;
	uint64_t now;
	unsigned raises[DVA_LINES], wrong_owner, moved;
};

static uint64_t host_now(void *owner)
{
	return ((struct fixture *)owner)->now;
}

static void host_raise(void *owner, unsigned line)
{
	struct fixture *f = owner;
	if (line < DVA_LINES)
		f->raises[line]++;
	else
		f->wrong_owner++;
}

static void host_moved(void *owner)
{
	((struct fixture *)owner)->moved++;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_int_equal(mem_arena_init(&f->arena, ARENA), 0);
	assert_int_equal(mem_init(&f->m, &f->arena, MSIZE), 0);
	assert_int_equal(mem_protect(&f->m, RO_START, RO_END), 0);
	f->host = (struct dev_host){ .mem = &f->m, .fault = &f->fault, .owner = f, .now = host_now,
				     .raise = host_raise, .deadline_moved = host_moved };
	f->bus.host = &f->host;
	f->dp = display_new();
	f->kb = keyboard_new();
	assert_non_null(f->dp);
	assert_non_null(f->kb);
	assert_int_equal(port_bus_attach(&f->bus, &f->dp->dev), 0);
	assert_int_equal(port_bus_attach(&f->bus, &f->kb->dev), 0);
	f->dp->watched = true;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	port_bus_destroy(&f->bus);
	mem_destroy(&f->m);
	mem_arena_destroy(&f->arena);
	free(f);
	return 0;
}

static void poke32(struct fixture *f, uint32_t a, uint32_t v)
{
	memcpy(f->m.base + a, &v, 4);
}

static uint32_t peek32(struct fixture *f, uint32_t a)
{
	uint32_t v;
	memcpy(&v, f->m.base + a, 4);
	return v;
}

static uint32_t pixel(uint32_t i, uint32_t seed)
{
	return (i * 2654435761u + seed * 40503u) & 0x00FFFFFFu;
}

static void fill(struct fixture *f, uint32_t addr, uint32_t n, uint32_t seed)
{
	for (uint32_t i = 0; i < n; i++)
		poke32(f, addr + 4 * i, pixel(i, seed));
}

/* Write a request block at BLK and OUT its address: the bus's result; the block's status in *st. */
static int request(struct fixture *f, uint32_t op, uint32_t addr, uint32_t len, uint32_t *st)
{
	const struct dva_request rq = { op, ST0, addr, len, ARG0, RES0 };
	memcpy(f->m.base + BLK, &rq, sizeof(rq));
	int r = port_bus_out(&f->bus, PORT_DISP, 4, BLK);
	struct dva_request after;
	memcpy(&after, f->m.base + BLK, sizeof(after));
	if (r == DEV_OK && (after.op != op || after.addr != addr || after.len != len || after.arg != ARG0 ||
			    after.result != RES0))
		fail_msg("op %u: the block's op/addr/len/arg/result changed", op);
	*st = after.status;
	return r;
}

static uint32_t req(struct fixture *f, uint32_t op, uint32_t addr, uint32_t len)
{
	uint32_t st;
	assert_int_equal(request(f, op, addr, len, &st), DEV_OK);
	return st;
}

static unsigned total_raises(const struct fixture *f)
{
	unsigned n = f->wrong_owner;
	for (unsigned i = 0; i < DVA_LINES; i++)
		n += f->raises[i];
	return n;
}

/* ---- new devices -------------------------------------------------------------------------------- */

static void new_devices(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(f->dp->width, 0);
	assert_int_equal(f->dp->height, 0);
	assert_null(f->dp->frame);
	assert_int_equal(f->dp->presents, 0);
	assert_true(f->dp->shown_at == DEV_NEVER);
	assert_int_equal(f->dp->dev.port_first, 0xD500);
	assert_int_equal(f->dp->dev.port_last, 0xD500);
	assert_int_equal(f->dp->dev.lines, 1u << 6);
	assert_int_equal(f->kb->dev.port_first, 0xD400);
	assert_int_equal(f->kb->dev.port_last, 0xD400);
	assert_int_equal(f->kb->dev.lines, 1u << 5);
	assert_int_equal(f->kb->len, 0);
	assert_int_equal(f->kb->events, 0);
	assert_int_equal(f->kb->dropped, 0);
	assert_int_equal(port_bus_lines(&f->bus), 0x60);
	assert_true(port_bus_deadline(&f->bus) == DEV_NEVER);
	assert_int_equal(total_raises(f), 0);
}

static void next_refresh_rows(void **state)
{
	(void)state;
	static const struct { uint64_t t, want; } rows[] = {
		{ 0, 16666667 }, { 1, 16666667 }, { 16666666, 16666667 }, { 16666667, 33333334 },
		{ 16666668, 33333334 }, { 33333333, 33333334 }, { 1000000000, 1000000020 },
		{ 3600000000000ull, 3600000072000ull }, { 1099511627776ull, 1099516688657ull },
	};
	for (size_t i = 0; i < ROWS(rows); i++)
		if (display_next_refresh(rows[i].t) != rows[i].want)
			fail_msg("display_next_refresh(%llu) = %llu, want %llu", (unsigned long long)rows[i].t,
				 (unsigned long long)display_next_refresh(rows[i].t),
				 (unsigned long long)rows[i].want);
}

/* ---- MODE ----------------------------------------------------------------------------------- */

static void mode_rows(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *name;
		uint32_t addr, len, want;
	} rows[] = {
		{ "0 x 0", BUF, WH(0, 0), 3 },
		{ "0 x 1", BUF, WH(0, 1), 3 },
		{ "1 x 0", BUF, WH(1, 0), 3 },
		{ "1920 x 0", BUF, WH(1920, 0), 3 },
		{ "1 x 1", BUF, WH(1, 1), 0 },
		{ "1921 x 1", BUF, WH(1921, 1), 3 },
		{ "1 x 1081", BUF, WH(1, 1081), 3 },
		{ "65535 x 65535", BUF, 0xFFFFFFFFu, 3 },
		{ "1920 x 1", BUF, WH(1920, 1), 0 },
		{ "1 x 1080", BUF, WH(1, 1080), 0 },
		{ "1920 x 1080", BUF, WH(1920, 1080), 0 },
		{ "1921 x 1080", BUF, WH(1921, 1080), 3 },
		{ "1920 x 1081", BUF, WH(1920, 1081), 3 },
		{ "1920 x 1080 ending exactly at mem_size", MSIZE - BIG, WH(1920, 1080), 0 },
		{ "1920 x 1080 one byte past mem_size", MSIZE - BIG + 1, WH(1920, 1080), 3 },
		{ "1 x 1 the last word of memory", MSIZE - 4, WH(1, 1), 0 },
		{ "1 x 1 one byte past mem_size", MSIZE - 3, WH(1, 1), 3 },
		{ "1 x 1 at mem_size", MSIZE, WH(1, 1), 3 },
		{ "1 x 1 at 0xFFFFFFFC", 0xFFFFFFFCu, WH(1, 1), 3 },
		{ "2 x 1 wrapping past 4 GiB to 0x4", 0xFFFFFFFCu, WH(2, 1), 3 },
		{ "1024 x 2 wrapping past 4 GiB into memory", 0xFFFFF000u, WH(1024, 2), 3 },
		{ "16 x 16 in page 0", 0, WH(16, 16), 0 },
		{ "1024 x 1 all of page 0", 0, WH(1024, 1), 0 },
		{ "read-only bytes", RO_START, WH(1024, 2), 0 },
		{ "across the read-only bytes' end", RO_END - 8, WH(4, 1), 0 },
		{ "an odd address", BUF + 1, WH(3, 3), 0 },
		{ "1920 x 1080 from 0", 0, WH(1920, 1080), 0 },
	};
	uint32_t w = 0, h = 0, a = 0;
	int bad = 0;
	for (size_t i = 0; i < ROWS(rows); i++) {
		uint32_t st = req(f, DISPLAY_MODE, rows[i].addr, rows[i].len);
		if (st != rows[i].want) {
			print_error("MODE %s: status %u, want %u\n", rows[i].name, st, rows[i].want);
			bad++;
		}
		if (rows[i].want == 0) {
			w = rows[i].len >> 16;
			h = rows[i].len & 0xFFFF;
			a = rows[i].addr;
		}
		if (f->dp->width != w || f->dp->height != h || f->dp->addr != a) {
			print_error("MODE %s: mode %ux%u at 0x%x, want %ux%u at 0x%x\n", rows[i].name,
				    f->dp->width, f->dp->height, f->dp->addr, w, h, a);
			bad++;
		}
	}
	if (total_raises(f) || f->dp->presents || f->dp->frame || f->dp->shown_at != DEV_NEVER || f->moved) {
		print_error("MODE raised a line, presented, or armed a deadline\n");
		bad++;
	}
	if (bad)
		fail_msg("%d mismatches", bad);
}

static void present_before_mode_and_unknown_ops(void **state)
{
	struct fixture *f = *state;
	static const uint32_t ops[] = { 0, 3, 4, 0x101, 0x102, 0x80000001u, 0xFFFFFFFFu };
	assert_int_equal(req(f, DISPLAY_PRESENT, BUF, WH(1, 1)), 3);
	assert_int_equal(req(f, DISPLAY_MODE, BUF, WH(1921, 1)), 3);
	assert_int_equal(req(f, DISPLAY_PRESENT, 0, 0), 3);
	for (size_t i = 0; i < ROWS(ops); i++)
		if (req(f, ops[i], BUF, WH(2, 2)) != 3)
			fail_msg("op 0x%x before a MODE: status not 3", ops[i]);
	assert_int_equal(f->dp->width, 0);
	assert_int_equal(f->dp->presents, 0);
	assert_null(f->dp->frame);
	assert_true(port_bus_deadline(&f->bus) == DEV_NEVER);
	assert_int_equal(req(f, DISPLAY_MODE, BUF, WH(2, 2)), 0);
	for (size_t i = 0; i < ROWS(ops); i++)
		if (req(f, ops[i], BUF + 64, WH(5, 5)) != 3)
			fail_msg("op 0x%x after a MODE: status not 3", ops[i]);
	assert_int_equal(f->dp->width, 2);
	assert_int_equal(f->dp->height, 2);
	assert_int_equal(f->dp->addr, BUF);
	assert_int_equal(f->dp->presents, 0);
	assert_true(port_bus_deadline(&f->bus) == DEV_NEVER);
	assert_int_equal(total_raises(f), 0);
	assert_int_equal(f->moved, 0);
}

/* ---- PRESENT -------------------------------------------------------------------------------- */

static void frame_is(struct fixture *f, uint32_t w, uint32_t h, uint32_t addr, const char *what)
{
	if (f->dp->frame_w != w || f->dp->frame_h != h)
		fail_msg("%s: frame %ux%u, want %ux%u", what, f->dp->frame_w, f->dp->frame_h, w, h);
	assert_non_null(f->dp->frame);
	if (memcmp(f->dp->frame, f->m.base + addr, (size_t)w * h * 4))
		fail_msg("%s: the frame is not the buffer", what);
}

static void present_copies(void **state)
{
	struct fixture *f = *state;
	f->now = 5000000;
	fill(f, BUF, 37 * 23, 1);
	assert_int_equal(req(f, DISPLAY_MODE, BUF, WH(37, 23)), 0);
	assert_null(f->dp->frame); /* MODE alone copies nothing */
	assert_int_equal(req(f, DISPLAY_PRESENT, 0, 0), 0);
	assert_int_equal(f->dp->presents, 1);
	frame_is(f, 37, 23, BUF, "first PRESENT");
	/* the guest draws over the buffer: the frame is what the OUT copied */
	uint32_t *copy = malloc(37 * 23 * 4);
	assert_non_null(copy);
	memcpy(copy, f->m.base + BUF, 37 * 23 * 4);
	fill(f, BUF, 37 * 23, 2);
	assert_memory_equal(f->dp->frame, copy, 37 * 23 * 4);
	free(copy);
	assert_int_equal(req(f, DISPLAY_PRESENT, 0, 0), 0);
	assert_int_equal(f->dp->presents, 2);
	frame_is(f, 37, 23, BUF, "second PRESENT");
	/* a bigger mode elsewhere: the old frame stays until its PRESENT */
	fill(f, BUF + 0x10000, 640 * 480, 3);
	assert_int_equal(req(f, DISPLAY_MODE, BUF + 0x10000, WH(640, 480)), 0);
	assert_int_equal(f->dp->frame_w, 37);
	assert_int_equal(f->dp->frame_h, 23);
	assert_int_equal(req(f, DISPLAY_PRESENT, 0, 0), 0);
	frame_is(f, 640, 480, BUF + 0x10000, "bigger mode");
	/* a smaller one */
	assert_int_equal(req(f, DISPLAY_MODE, BUF + 4, WH(3, 2)), 0);
	assert_int_equal(req(f, DISPLAY_PRESENT, 0, 0), 0);
	frame_is(f, 3, 2, BUF + 4, "smaller mode");
	/* a failed MODE keeps the mode: PRESENT copies the 3 x 2 at BUF + 4 again */
	fill(f, BUF, 16, 4);
	assert_int_equal(req(f, DISPLAY_MODE, BUF, WH(1921, 2)), 3);
	assert_int_equal(req(f, DISPLAY_PRESENT, 0, 0), 0);
	frame_is(f, 3, 2, BUF + 4, "after a failed MODE");
	/* the largest, and a buffer in page 0 and in read-only memory */
	fill(f, MSIZE - BIG, 1920 * 1080, 5);
	assert_int_equal(req(f, DISPLAY_MODE, MSIZE - BIG, WH(1920, 1080)), 0);
	assert_int_equal(req(f, DISPLAY_PRESENT, 0, 0), 0);
	frame_is(f, 1920, 1080, MSIZE - BIG, "1920 x 1080");
	for (uint32_t i = 0; i < 64; i++)
		f->m.base[i] = (uint8_t)(i * 3 + 1);
	assert_int_equal(req(f, DISPLAY_MODE, 0, WH(16, 1)), 0);
	assert_int_equal(req(f, DISPLAY_PRESENT, 0, 0), 0);
	frame_is(f, 16, 1, 0, "page 0");
	fill(f, RO_START, 1024, 6);
	assert_int_equal(req(f, DISPLAY_MODE, RO_START, WH(32, 32)), 0);
	assert_int_equal(req(f, DISPLAY_PRESENT, 0, 0), 0);
	frame_is(f, 32, 32, RO_START, "read-only memory");
	assert_int_equal(f->dp->presents, 8);
}

static void present_unwatched(void **state)
{
	struct fixture *f = *state;
	f->dp->watched = false;
	f->now = 1000;
	fill(f, BUF, 64, 7);
	assert_int_equal(req(f, DISPLAY_MODE, BUF, WH(8, 8)), 0);
	assert_int_equal(req(f, DISPLAY_PRESENT, 0, 0), 0);
	assert_int_equal(req(f, DISPLAY_PRESENT, 0, 0), 0);
	assert_int_equal(f->dp->presents, 2);
	assert_null(f->dp->frame);
	assert_int_equal(f->dp->frame_w, 0);
	assert_int_equal(f->dp->frame_h, 0);
	/* line 6 all the same */
	assert_true(port_bus_deadline(&f->bus) == P);
	port_bus_expire(&f->bus, P);
	assert_int_equal(f->raises[DVA_LINE_DISPLAY], 1);
	/* watched again: the next PRESENT copies */
	f->dp->watched = true;
	assert_int_equal(req(f, DISPLAY_PRESENT, 0, 0), 0);
	frame_is(f, 8, 8, BUF, "watched again");
	assert_int_equal(f->dp->presents, 3);
}

/* ---- line 6 ----------------------------------------------------------------------------------- */

static void line6_timing(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(req(f, DISPLAY_MODE, BUF, WH(4, 4)), 0);
	f->now = 5000000;
	assert_int_equal(req(f, DISPLAY_PRESENT, 0, 0), 0);
	assert_true(f->dp->shown_at == P);
	assert_true(port_bus_deadline(&f->bus) == P);
	assert_true(f->moved >= 1);
	/* more PRESENTs before the refresh: the same deadline */
	f->now = 10000000;
	assert_int_equal(req(f, DISPLAY_PRESENT, 0, 0), 0);
	f->now = P - 1;
	assert_int_equal(req(f, DISPLAY_PRESENT, 0, 0), 0);
	assert_true(port_bus_deadline(&f->bus) == P);
	/* not yet */
	assert_true(port_bus_expire(&f->bus, P - 1) == P);
	assert_int_equal(total_raises(f), 0);
	/* at the refresh: once */
	assert_true(port_bus_expire(&f->bus, P) == DEV_NEVER);
	assert_int_equal(f->raises[DVA_LINE_DISPLAY], 1);
	assert_int_equal(total_raises(f), 1);
	assert_true(port_bus_deadline(&f->bus) == DEV_NEVER);
	port_bus_expire(&f->bus, 5 * P);
	assert_int_equal(total_raises(f), 1);
	/* a PRESENT at exactly a refresh is due at the next one */
	f->now = P;
	unsigned moved = f->moved;
	assert_int_equal(req(f, DISPLAY_PRESENT, 0, 0), 0);
	assert_true(port_bus_deadline(&f->bus) == 2 * P);
	assert_true(f->moved > moved);
	/* expired late: still one line, then disarmed */
	port_bus_expire(&f->bus, 4 * P + 123);
	assert_int_equal(f->raises[DVA_LINE_DISPLAY], 2);
	assert_true(port_bus_deadline(&f->bus) == DEV_NEVER);
	/* just before a refresh */
	f->now = 3 * P - 1 + 2 * P;
	assert_int_equal(req(f, DISPLAY_PRESENT, 0, 0), 0);
	assert_true(port_bus_deadline(&f->bus) == 5 * P);
	port_bus_expire(&f->bus, 5 * P);
	assert_int_equal(f->raises[DVA_LINE_DISPLAY], 3);
	/* a failed request arms nothing */
	f->now = 6 * P + 5;
	assert_int_equal(req(f, 9, BUF, WH(4, 4)), 3);
	assert_int_equal(req(f, DISPLAY_MODE, BUF, WH(0, 4)), 3);
	assert_int_equal(req(f, DISPLAY_MODE, BUF, WH(4, 4)), 0);
	assert_true(port_bus_deadline(&f->bus) == DEV_NEVER);
	assert_int_equal(total_raises(f), 3);
	assert_int_equal(f->raises[DVA_LINE_DISPLAY], 3);
}

static void line6_at_time_zero(void **state)
{
	struct fixture *f = *state;
	f->now = 0;
	assert_int_equal(req(f, DISPLAY_MODE, BUF, WH(1, 1)), 0);
	assert_int_equal(req(f, DISPLAY_PRESENT, 0, 0), 0);
	assert_true(port_bus_deadline(&f->bus) == P);
}

/* ---- port widths and blocks ------------------------------------------------------------------ */

static void display_port_faults(void **state)
{
	struct fixture *f = *state;
	const struct dva_request rq = { DISPLAY_MODE, ST0, BUF, WH(2, 2), ARG0, RES0 };
	uint8_t image[sizeof(rq)];
	memcpy(f->m.base + BLK, &rq, sizeof(rq));
	memcpy(image, &rq, sizeof(rq));
	uint32_t v = 0x12345678u;
	assert_int_equal(port_bus_out(&f->bus, PORT_DISP, 1, BLK), DEV_GP);
	assert_int_equal(port_bus_out(&f->bus, PORT_DISP, 2, BLK), DEV_GP);
	assert_int_equal(port_bus_out(&f->bus, PORT_DISP + 1, 4, BLK), DEV_GP);
	assert_int_equal(port_bus_out(&f->bus, PORT_DISP - 1, 4, BLK), DEV_GP);
	for (unsigned size = 1; size <= 4; size *= 2) {
		assert_int_equal(port_bus_in(&f->bus, PORT_DISP, size, &v), DEV_GP);
		assert_int_equal(port_bus_out(&f->bus, PORT_KBD, size, BLK), DEV_GP);
	}
	assert_int_equal(port_bus_out_bytes(&f->bus, PORT_DISP, image, 4), DEV_GP);
	assert_memory_equal(f->m.base + BLK, image, sizeof(image));
	assert_int_equal(f->dp->width, 0);
	/* misaligned */
	for (uint32_t mis = 1; mis < 4; mis++) {
		memcpy(f->m.base + BLK + 0x100 + mis, &rq, sizeof(rq));
		memset(&f->fault, 0xEE, sizeof(f->fault));
		assert_int_equal(port_bus_out(&f->bus, PORT_DISP, 4, BLK + 0x100 + mis), DEV_GP);
		assert_memory_equal(f->m.base + BLK + 0x100 + mis, image, sizeof(image));
		assert_int_equal(f->fault.vector, 0xEEEEEEEEu);
	}
	assert_int_equal(f->dp->width, 0);
	/* blocks a 24-byte write could not store: that write's #PF */
	static const struct { uint32_t block, addr, error; } pf[] = {
		{ RO_START, RO_START, DVA_PF_P | DVA_PF_W | DVA_PF_U },
		{ RO_START - 8, RO_START, DVA_PF_P | DVA_PF_W | DVA_PF_U },
		{ MSIZE - 8, MSIZE, DVA_PF_W | DVA_PF_U },
		{ MSIZE, MSIZE, DVA_PF_W | DVA_PF_U },
		{ 0x200, 0x200, DVA_PF_P | DVA_PF_W | DVA_PF_U },
	};
	for (size_t i = 0; i < ROWS(pf); i++) {
		memset(&f->fault, 0xEE, sizeof(f->fault));
		assert_int_equal(port_bus_out(&f->bus, PORT_DISP, 4, pf[i].block), DEV_FAULT);
		if (f->fault.vector != DVA_VEC_PF || f->fault.addr != pf[i].addr || f->fault.error != pf[i].error)
			fail_msg("block at 0x%x: fault %u at 0x%x error 0x%x, want #PF at 0x%x error 0x%x",
				 pf[i].block, f->fault.vector, f->fault.addr, f->fault.error, pf[i].addr,
				 pf[i].error);
	}
	assert_int_equal(f->dp->width, 0);
	assert_int_equal(total_raises(f), 0);
	/* a block ending exactly at mem_size is good */
	memcpy(f->m.base + MSIZE - 24, &rq, sizeof(rq));
	assert_int_equal(port_bus_out(&f->bus, PORT_DISP, 4, MSIZE - 24), DEV_OK);
	assert_int_equal(peek32(f, MSIZE - 24 + 4), 0);
	assert_int_equal(f->dp->width, 2);
}

/* ---- the keyboard ---------------------------------------------------------------------------- */

static uint32_t kin(struct fixture *f)
{
	uint32_t v = 0xDEADBEEFu;
	assert_int_equal(port_bus_in(&f->bus, PORT_KBD, 4, &v), DEV_OK);
	return v;
}

static void keyboard_order_and_mask(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(kin(f), 0);
	assert_int_equal(kin(f), 0);
	static const struct { uint32_t push, read; } rows[] = {
		{ 'a', 'a' },
		{ 'a' | DVA_KEY_UP, 0x80000061u },
		{ 0x40000050u, 0x40000050u },            /* Left */
		{ 0xC0000050u, 0xC0000050u },            /* Left up */
		{ 0xFFFFFFFFu, 0xC000FFFFu },            /* only bits 0-15, 30, 31 */
		{ 0x3FFF0061u, 0x00000061u },
		{ 0x7FFF00E1u, 0x400000E1u },
		{ 0x8ABC1234u, 0x80001234u },
		{ 0x0001FFFFu, 0x0000FFFFu },
	};
	for (size_t i = 0; i < ROWS(rows); i++)
		assert_true(keyboard_push(f->kb, rows[i].push));
	assert_int_equal(f->raises[DVA_LINE_KEYBOARD], ROWS(rows));
	assert_int_equal(total_raises(f), ROWS(rows));
	assert_int_equal(f->kb->events, ROWS(rows));
	assert_int_equal(f->kb->dropped, 0);
	/* the wrong widths and OUT take nothing */
	uint32_t v = 0x12345678u;
	assert_int_equal(port_bus_in(&f->bus, PORT_KBD, 1, &v), DEV_GP);
	assert_int_equal(port_bus_in(&f->bus, PORT_KBD, 2, &v), DEV_GP);
	assert_int_equal(port_bus_in(&f->bus, PORT_KBD + 1, 4, &v), DEV_GP);
	assert_int_equal(port_bus_in(&f->bus, PORT_KBD - 1, 4, &v), DEV_GP);
	assert_int_equal(port_bus_out(&f->bus, PORT_KBD, 4, 0), DEV_GP);
	assert_int_equal(port_bus_out_bytes(&f->bus, PORT_KBD, (const uint8_t *)"x", 1), DEV_GP);
	for (size_t i = 0; i < ROWS(rows); i++) {
		uint32_t got = kin(f);
		if (got != rows[i].read)
			fail_msg("event %zu: read 0x%x, want 0x%x", i, got, rows[i].read);
	}
	assert_int_equal(kin(f), 0);
	assert_int_equal(f->kb->len, 0);
	assert_true(port_bus_deadline(&f->bus) == DEV_NEVER);
}

static void keyboard_overflow(void **state)
{
	struct fixture *f = *state;
	for (uint32_t i = 0; i < 70; i++) {
		bool queued = keyboard_push(f->kb, 0x100 + i);
		if (queued != (i < 64))
			fail_msg("push %u: %s", i, queued ? "queued" : "dropped");
	}
	assert_int_equal(f->kb->events, 70);
	assert_int_equal(f->kb->dropped, 6);
	assert_int_equal(f->raises[DVA_LINE_KEYBOARD], 70); /* the line rises for dropped ones too */
	for (uint32_t i = 0; i < 64; i++) {
		uint32_t got = kin(f);
		if (got != 0x100 + i)
			fail_msg("read %u: 0x%x, want 0x%x (the oldest 64 in order)", i, got, 0x100 + i);
	}
	assert_int_equal(kin(f), 0);
	/* room again */
	assert_true(keyboard_push(f->kb, 'q'));
	assert_int_equal(kin(f), 'q');
	assert_int_equal(kin(f), 0);
	assert_int_equal(f->kb->events, 71);
	assert_int_equal(f->kb->dropped, 6);
}

static void keyboard_wrap(void **state)
{
	struct fixture *f = *state;
	uint32_t next_read = 0;
	for (uint32_t i = 0; i < 40; i++)
		assert_true(keyboard_push(f->kb, 0x1000 + i));
	for (uint32_t i = 0; i < 30; i++)
		assert_int_equal(kin(f), 0x1000 + next_read++);
	/* 10 left: 54 more fit, 6 are dropped */
	for (uint32_t i = 0; i < 60; i++) {
		bool queued = keyboard_push(f->kb, 0x2000 + i);
		if (queued != (i < 54))
			fail_msg("second batch push %u: %s", i, queued ? "queued" : "dropped");
	}
	assert_int_equal(f->kb->dropped, 6);
	assert_int_equal(f->kb->events, 100);
	for (uint32_t i = 30; i < 40; i++)
		assert_int_equal(kin(f), 0x1000 + i);
	for (uint32_t i = 0; i < 54; i++) {
		uint32_t got = kin(f);
		if (got != 0x2000 + i)
			fail_msg("after the wrap, read %u: 0x%x, want 0x%x", i, got, 0x2000 + i);
	}
	assert_int_equal(kin(f), 0);
	/* many rounds through the ring */
	for (uint32_t round = 0; round < 10; round++) {
		for (uint32_t i = 0; i < 37; i++)
			assert_true(keyboard_push(f->kb, round * 100 + i + 1));
		for (uint32_t i = 0; i < 37; i++)
			assert_int_equal(kin(f), round * 100 + i + 1);
	}
	assert_int_equal(kin(f), 0);
	assert_int_equal(f->kb->dropped, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(new_devices, setup, teardown),
		cmocka_unit_test(next_refresh_rows),
		cmocka_unit_test_setup_teardown(mode_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(present_before_mode_and_unknown_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(present_copies, setup, teardown),
		cmocka_unit_test_setup_teardown(present_unwatched, setup, teardown),
		cmocka_unit_test_setup_teardown(line6_timing, setup, teardown),
		cmocka_unit_test_setup_teardown(line6_at_time_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(display_port_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(keyboard_order_and_mask, setup, teardown),
		cmocka_unit_test_setup_teardown(keyboard_overflow, setup, teardown),
		cmocka_unit_test_setup_teardown(keyboard_wrap, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
