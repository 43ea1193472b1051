/* test_screen.c - the picture (denali_arch/screen.c, frontend.h; docs/display.md) and its PNG
 * (denali_arch/png.c), pixel by pixel.
 *
 * A hand-made struct kernel holds a few hand-made struct vm, zeroed but for what screen.c reads:
 * the state, the status, a struct display with a frame, a console (a real one, so its tail is
 * the console's own). The expected pictures follow docs/display.md's layout: the single picture
 * is the frame itself; a mosaic cell is 324 x 260 (a 2-pixel border, a 16-pixel label strip, a
 * 320 x 240 picture), the focused VM's panel the 2 x 2 cells at the top left, tiles in reading
 * order around it; a picture goes into its box at the largest whole multiple that fits, else
 * scaled down by nearest neighbour keeping its aspect ratio, centred on black.
 */
#include <png.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/harness.h"

#include "denali_arch/dva.h"
#include "denali_arch/frontend.h"
#include "denali_arch/kernel.h"
#include "devices/console.h"
#include "devices/display.h"
#include "guestos/font8x16.h"

#define CELL_W 324u
#define CELL_H 260u
#define INSET_X 2u   /* a cell's picture box: 2 pixels in, under the 2 + 16 of border and label */
#define INSET_Y 18u
#define BOX_W 320u
#define BOX_H 240u
#define FOCUS 0xFFB000u
#define BORDER 0x484848u
#define TEXT 0xC0C0C0u
#define LABEL 0xD0D0D0u
#define MAX_VMS 8

/* --- a hand-made run -------------------------------------------------------------------------- */

struct run {
	struct kernel k;
	struct vm *vm[MAX_VMS];
	struct screen s;
};

/* n VMs, running, each with a console and a display that has shown nothing yet; total VMs in
 * the run (total >= n: the rest are not created yet). */
static void run_new(struct run *r, unsigned n, unsigned total, enum display_mode mode, uint32_t focus)
{
	memset(r, 0, sizeof(*r));
	for (unsigned i = 0; i < n; i++) {
		struct vm *v = calloc(1, sizeof(*v));
		assert_non_null(v);
		v->id = i;
		v->state = VM_RUNNABLE;
		v->console = console_new(NULL);
		v->display = calloc(1, sizeof(*v->display));
		assert_non_null(v->console);
		assert_non_null(v->display);
		r->vm[i] = v;
	}
	r->k.vms = r->vm;
	r->k.created = n;
	r->k.total = total;
	assert_int_equal(screen_init(&r->s, mode, focus), 0);
}

/* What vm_release does to the devices, and the kernel to the state: the VM has ended. */
static void vm_end(struct run *r, unsigned id, int status)
{
	struct vm *v = r->vm[id];
	v->state = VM_DONE;
	v->status = status;
	screen_vm_ended(&r->s, v);
	if (v->console)
		v->console->dev.ops->destroy(&v->console->dev);
	if (v->display)
		free(v->display->frame);
	free(v->display);
	v->console = NULL;
	v->display = NULL;
}

static void run_free(struct run *r)
{
	for (unsigned i = 0; i < MAX_VMS; i++) {
		if (!r->vm[i])
			continue;
		if (r->vm[i]->state != VM_DONE)
			vm_end(r, i, 0);
		free(r->vm[i]);
	}
	screen_destroy(&r->s);
}

static uint32_t pattern(uint32_t x, uint32_t y, uint32_t seed)
{
	uint32_t v = (x * 2654435761u) ^ (y * 40503u) ^ (seed * 0x9E3779B9u);
	return (v ^ (v >> 13)) & 0xFFFFFFu;
}

/* Present a w x h frame: pattern seed, or a solid colour when solid is set. */
static const uint32_t *present(struct run *r, unsigned id, uint32_t w, uint32_t h, uint32_t seed, bool solid,
			       uint32_t colour)
{
	struct display *d = r->vm[id]->display;
	free(d->frame);
	d->frame = malloc((size_t)w * h * sizeof(*d->frame));
	assert_non_null(d->frame);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			d->frame[(size_t)y * w + x] = solid ? colour : pattern(x, y, seed);
	d->frame_w = w;
	d->frame_h = h;
	d->presents++;
	return d->frame;
}

static void print(struct run *r, unsigned id, const char *str)
{
	struct console *con = r->vm[id]->console;
	assert_int_equal(con->dev.ops->out_bytes(&con->dev, DVA_PORT_CONSOLE, (const uint8_t *)str,
						 (uint32_t)strlen(str)), 0);
}

static uint32_t px(const struct screen *s, uint32_t x, uint32_t y)
{
	assert_true(x < s->w && y < s->h);
	return s->pix[(size_t)y * s->w + x];
}

static void compose(struct run *r)
{
	assert_int_equal(screen_compose(&r->s, &r->k), 0);
}

/* --- what a box must hold -------------------------------------------------------------------- */

/* The box (bx, by, bw, bh) holds src (sw x sh) fitted as docs/display.md says, dimmed when
 * dim; everything else in the box black. */
static void box_holds(const struct screen *s, uint32_t bx, uint32_t by, uint32_t bw, uint32_t bh,
		      const uint32_t *src, uint32_t sw, uint32_t sh, bool dim)
{
	uint32_t ow, oh;
	if (sw <= bw && sh <= bh) {
		uint32_t f = bw / sw < bh / sh ? bw / sw : bh / sh;
		ow = sw * f;
		oh = sh * f;
	} else if ((uint64_t)sw * bh >= (uint64_t)sh * bw) {
		ow = bw;
		oh = (uint32_t)((uint64_t)sh * bw / sw);
	} else {
		oh = bh;
		ow = (uint32_t)((uint64_t)sw * bh / sh);
	}
	uint32_t x0 = (bw - ow) / 2, y0 = (bh - oh) / 2;
	for (uint32_t y = 0; y < bh; y++) {
		for (uint32_t x = 0; x < bw; x++) {
			uint32_t want = 0;
			if (x >= x0 && x < x0 + ow && y >= y0 && y < y0 + oh) {
				uint64_t sx = (uint64_t)(x - x0) * sw / ow, sy = (uint64_t)(y - y0) * sh / oh;
				want = src[sy * sw + sx];
				if (dim)
					want = (want >> 1) & 0x7F7F7Fu;
			}
			uint32_t got = px(s, bx + x, by + y);
			if (got != want)
				fail_msg("pixel (%u, %u) of the box at (%u, %u) is %06x, want %06x", x, y, bx, by,
					 got, want);
		}
	}
}

/* Character ch of the font, scaled by f, at (x, y): its set pixels fg, the others bg. */
static void glyph_at(const struct screen *s, uint32_t x, uint32_t y, char ch, uint32_t f, uint32_t fg,
		     uint32_t bg)
{
	const uint8_t *rows = font8x16[(unsigned char)ch - FONT_FIRST];
	for (uint32_t r = 0; r < FONT_H * f; r++)
		for (uint32_t c = 0; c < FONT_W * f; c++) {
			uint32_t want = rows[r / f] & (0x80u >> (c / f)) ? fg : bg;
			if (px(s, x + c, y + r) != want)
				fail_msg("'%c' at (%u, %u): pixel (%u, %u) is %06x, want %06x", ch, x, y, c, r,
					 px(s, x + c, y + r), want);
		}
}

/* The mosaic's cell of tile i for a grid of cols columns: beside the 2 x 2 panel, then under it. */
static void tile_origin(uint32_t cols, uint32_t i, uint32_t *x, uint32_t *y)
{
	uint32_t side = cols - 2, col, row;
	if (i < 2 * side) {
		row = i / side;
		col = 2 + i % side;
	} else {
		row = 2 + (i - 2 * side) / cols;
		col = (i - 2 * side) % cols;
	}
	*x = col * CELL_W;
	*y = row * CELL_H;
}

static void border_is(const struct screen *s, uint32_t x, uint32_t y, uint32_t w, uint32_t h, uint32_t c)
{
	for (uint32_t i = 0; i < w; i++) {
		assert_int_equal(px(s, x + i, y), c);
		assert_int_equal(px(s, x + i, y + 1), c);
		assert_int_equal(px(s, x + i, y + h - 1), c);
	}
	for (uint32_t j = 0; j < h; j++) {
		assert_int_equal(px(s, x, y + j), c);
		assert_int_equal(px(s, x + w - 2, y + j), c);
		assert_int_equal(px(s, x + w - 1, y + j), c);
	}
}

static bool dirty_empty(const struct screen *s)
{
	return s->dirty_x0 >= s->dirty_x1 || s->dirty_y0 >= s->dirty_y1;
}

static void take_dirty(struct screen *s)
{
	s->dirty_x1 = s->dirty_x0;
}

/* --- one VM ---------------------------------------------------------------------------------- */

static void the_single_picture_is_the_focused_vms_frame(void **state)
{
	(void)state;
	struct run r;
	run_new(&r, 3, 3, DISPLAY_SDL, 1);
	present(&r, 0, 50, 40, 9, false, 0);
	const uint32_t *f = present(&r, 1, 64, 48, 1, false, 0);
	compose(&r);
	assert_int_equal(r.s.w, 64);
	assert_int_equal(r.s.h, 48);
	assert_memory_equal(r.s.pix, f, 64 * 48 * sizeof(*f));
	assert_int_equal(r.s.dirty_x0, 0);
	assert_int_equal(r.s.dirty_y0, 0);
	assert_int_equal(r.s.dirty_x1, 64);
	assert_int_equal(r.s.dirty_y1, 48);
	assert_int_equal(screen_vm_at(&r.s, 0, 0), 1);
	assert_int_equal(screen_vm_at(&r.s, 63, 47), 1);
	assert_int_equal(screen_vm_at(&r.s, 64, 0), UINT32_MAX);

	/* nothing new: nothing drawn */
	take_dirty(&r.s);
	compose(&r);
	assert_true(dirty_empty(&r.s));
	/* a new frame of another size: the picture follows it */
	f = present(&r, 1, 30, 70, 2, false, 0);
	compose(&r);
	assert_int_equal(r.s.w, 30);
	assert_int_equal(r.s.h, 70);
	assert_memory_equal(r.s.pix, f, 30 * 70 * sizeof(*f));
	assert_false(dirty_empty(&r.s));

	/* --display none shows the same picture (for --screenshot) */
	struct screen none;
	assert_int_equal(screen_init(&none, DISPLAY_NONE, 1), 0);
	assert_int_equal(screen_compose(&none, &r.k), 0);
	assert_int_equal(none.w, 30);
	assert_memory_equal(none.pix, f, 30 * 70 * sizeof(*f));
	screen_destroy(&none);
	run_free(&r);
}

static void frames_of_1x1_and_1920x1080_are_shown_whole(void **state)
{
	(void)state;
	struct run r;
	run_new(&r, 1, 1, DISPLAY_SDL, 0);
	const uint32_t *f = present(&r, 0, 1, 1, 0, true, 0x123456);
	compose(&r);
	assert_int_equal(r.s.w, 1);
	assert_int_equal(r.s.h, 1);
	assert_int_equal(r.s.pix[0], 0x123456);
	f = present(&r, 0, DISPLAY_MAX_W, DISPLAY_MAX_H, 5, false, 0);
	compose(&r);
	assert_int_equal(r.s.w, DISPLAY_MAX_W);
	assert_int_equal(r.s.h, DISPLAY_MAX_H);
	assert_memory_equal(r.s.pix, f, (size_t)DISPLAY_MAX_W * DISPLAY_MAX_H * sizeof(*f));
	f = present(&r, 0, 1, 1, 0, true, 0x654321); /* smaller again: the buffer is reused */
	compose(&r);
	assert_int_equal(r.s.w, 1);
	assert_int_equal(r.s.pix[0], 0x654321);
	run_free(&r);
}

static void a_vm_not_created_yet_is_a_black_640x400(void **state)
{
	(void)state;
	struct run r;
	run_new(&r, 0, 4, DISPLAY_SDL, 2);
	compose(&r);
	assert_int_equal(r.s.w, 640);
	assert_int_equal(r.s.h, 400);
	for (size_t i = 0; i < 640 * 400; i++)
		assert_int_equal(r.s.pix[i], 0);
	run_free(&r);
}

/* A VM that has presented nothing shows its console's last lines, 80 x 25 characters. */
static void without_a_frame_the_console_shows_as_text(void **state)
{
	(void)state;
	struct run r;
	run_new(&r, 1, 1, DISPLAY_SDL, 0);
	screen_vm_created(&r.s, r.vm[0]); /* as the kernel does at creation: the tail from now */
	assert_non_null(r.vm[0]->console->tail);
	assert_true(r.vm[0]->display->watched);
	print(&r, 0, "A\n  Bq");
	compose(&r);
	assert_int_equal(r.s.w, 640);
	assert_int_equal(r.s.h, 400);
	glyph_at(&r.s, 0, 0, 'A', 1, TEXT, 0);
	glyph_at(&r.s, 8, 0, ' ', 1, TEXT, 0);
	glyph_at(&r.s, 16, 16, 'B', 1, TEXT, 0);
	glyph_at(&r.s, 24, 16, 'q', 1, TEXT, 0);
	glyph_at(&r.s, 0, 32, ' ', 1, TEXT, 0);
	/* more output draws again; past 25 lines the oldest go */
	take_dirty(&r.s);
	for (int i = 0; i < 30; i++)
		print(&r, 0, "\nZ");
	compose(&r);
	assert_false(dirty_empty(&r.s));
	for (uint32_t row = 0; row < 25; row++)
		glyph_at(&r.s, 0, row * 16, 'Z', 1, TEXT, 0);
	/* the first frame replaces the text */
	const uint32_t *f = present(&r, 0, 8, 8, 3, false, 0);
	compose(&r);
	assert_int_equal(r.s.w, 8);
	assert_memory_equal(r.s.pix, f, 64 * sizeof(*f));
	run_free(&r);
}

/* An ended VM keeps what it showed, unchanged, after its devices are gone. */
static void an_ended_vm_keeps_its_last_picture(void **state)
{
	(void)state;
	struct run r;
	run_new(&r, 2, 2, DISPLAY_SDL, 0);
	const uint32_t *f = present(&r, 0, 40, 30, 7, false, 0);
	uint32_t copy[40 * 30];
	memcpy(copy, f, sizeof(copy));
	compose(&r);
	vm_end(&r, 0, 3);
	compose(&r);
	assert_int_equal(r.s.w, 40);
	assert_int_equal(r.s.h, 30);
	assert_memory_equal(r.s.pix, copy, sizeof(copy));
	/* one that ended as text keeps its text */
	r.s.focus = 1;
	screen_vm_created(&r.s, r.vm[1]);
	print(&r, 1, "bye");
	vm_end(&r, 1, 0);
	compose(&r);
	assert_int_equal(r.s.w, 640);
	glyph_at(&r.s, 0, 0, 'b', 1, TEXT, 0);
	glyph_at(&r.s, 16, 0, 'e', 1, TEXT, 0);
	run_free(&r);
}

/* One that ended with nothing kept (it was not shown then) says so. */
static void an_ended_vm_without_a_kept_picture_says_it_ended(void **state)
{
	(void)state;
	struct run r;
	run_new(&r, 2, 2, DISPLAY_SDL, 0);
	r.vm[1]->state = VM_DONE;
	r.vm[1]->status = 7;
	r.s.focus = 1;
	compose(&r);
	assert_int_equal(r.s.w, 640);
	assert_int_equal(r.s.h, 400);
	const char *want = "vm 1 ended (status 7)";
	for (uint32_t i = 0; want[i]; i++)
		glyph_at(&r.s, i * 8, 0, want[i], 1, TEXT, 0);
	r.vm[1]->state = VM_RUNNABLE; /* run_free ends it properly */
	run_free(&r);
}

/* --- the mosaic -------------------------------------------------------------------------------- */

static const uint32_t colours[MAX_VMS] = { 0x102030, 0x405060, 0x708090, 0xA0B0C0,
					   0xD0E0F0, 0x332211, 0x665544, 0x998877 };

/* Six VMs (cells: 6 + the panel's 4 -> 4 columns, 3 rows), each a solid 640 x 480 frame. */
static void mosaic_of_six(struct run *r, uint32_t focus)
{
	run_new(r, 6, 6, DISPLAY_MOSAIC, focus);
	for (unsigned i = 0; i < 6; i++)
		present(r, i, 640, 480, 0, true, colours[i]);
	compose(r);
	assert_int_equal(r->s.w, 4 * CELL_W);
	assert_int_equal(r->s.h, 3 * CELL_H);
}

static void mosaic_tiles_are_where_the_layout_says_and_clicks_find_them(void **state)
{
	(void)state;
	struct run r;
	mosaic_of_six(&r, 0);
	for (unsigned i = 0; i < 6; i++) {
		uint32_t x, y;
		tile_origin(4, i, &x, &y);
		/* a 640 x 480 frame at half size fills the tile's box exactly */
		for (uint32_t dy = 0; dy < BOX_H; dy++)
			for (uint32_t dx = 0; dx < BOX_W; dx++)
				if (px(&r.s, x + INSET_X + dx, y + INSET_Y + dy) != colours[i])
					fail_msg("tile %u: pixel (%u, %u) is not its colour", i, dx, dy);
		/* every pixel of its cell is it, for a click */
		for (uint32_t dy = 0; dy < CELL_H; dy += 7)
			for (uint32_t dx = 0; dx < CELL_W; dx += 5)
				assert_int_equal(screen_vm_at(&r.s, x + dx, y + dy), i);
		assert_int_equal(screen_vm_at(&r.s, x + CELL_W - 1, y + CELL_H - 1), i);
	}
	/* the panel is the focused VM, the empty cells and beyond the picture nobody */
	assert_int_equal(screen_vm_at(&r.s, 0, 0), 0);
	assert_int_equal(screen_vm_at(&r.s, 2 * CELL_W - 1, 2 * CELL_H - 1), 0);
	assert_int_equal(screen_vm_at(&r.s, 2 * CELL_W, 2 * CELL_H), UINT32_MAX);
	assert_int_equal(screen_vm_at(&r.s, 4 * CELL_W - 1, 3 * CELL_H - 1), UINT32_MAX);
	assert_int_equal(screen_vm_at(&r.s, 4 * CELL_W, 0), UINT32_MAX);
	assert_int_equal(screen_vm_at(&r.s, 0, 3 * CELL_H), UINT32_MAX);
	for (uint32_t y = 2 * CELL_H; y < 3 * CELL_H; y++)
		for (uint32_t x = 2 * CELL_W; x < 4 * CELL_W; x++)
			assert_int_equal(px(&r.s, x, y), 0);
	/* every pixel's VM, the other way round: its picture's colour is that VM's */
	for (uint32_t y = 0; y < r.s.h; y += 13)
		for (uint32_t x = 0; x < r.s.w; x += 11) {
			uint32_t id = screen_vm_at(&r.s, x, y);
			uint32_t cx = x % CELL_W, cy = y % CELL_H;
			bool inside = cx >= INSET_X && cx < INSET_X + BOX_W && cy >= INSET_Y && cy < INSET_Y + BOX_H;
			if (id != UINT32_MAX && id != r.s.focus && inside && px(&r.s, x, y) != colours[id])
				fail_msg("(%u, %u) is vm %u's but not its colour", x, y, id);
		}
	run_free(&r);
}

static void the_focused_vm_is_highlighted_and_drawn_larger(void **state)
{
	(void)state;
	struct run r;
	mosaic_of_six(&r, 0);
	uint32_t x, y;
	/* the panel: the focus colour around a 640 x 480 picture (the frame at its own size) */
	border_is(&r.s, 0, 0, 2 * CELL_W, 2 * CELL_H, FOCUS);
	box_holds(&r.s, INSET_X, INSET_Y, 2 * CELL_W - 4, 2 * CELL_H - 20, r.vm[0]->display->frame, 640, 480, false);
	tile_origin(4, 0, &x, &y);
	border_is(&r.s, x, y, CELL_W, CELL_H, FOCUS);
	tile_origin(4, 3, &x, &y);
	border_is(&r.s, x, y, CELL_W, CELL_H, BORDER);

	/* focus on VM 3: its tile lights up, VM 0's goes grey, the panel shows VM 3 */
	take_dirty(&r.s);
	r.s.focus = 3;
	compose(&r);
	tile_origin(4, 3, &x, &y);
	border_is(&r.s, x, y, CELL_W, CELL_H, FOCUS);
	tile_origin(4, 0, &x, &y);
	border_is(&r.s, x, y, CELL_W, CELL_H, BORDER);
	assert_int_equal(px(&r.s, CELL_W, CELL_H), colours[3]);
	assert_int_equal(screen_vm_at(&r.s, 10, 10), 3);
	/* drawn again: the panel and the two tiles; the dirty box covers them */
	assert_int_equal(r.s.dirty_x0, 0);
	assert_int_equal(r.s.dirty_y0, 0);
	assert_true(r.s.dirty_x1 >= 4 * CELL_W);
	assert_true(r.s.dirty_y1 >= 2 * CELL_H);

	/* one new frame draws one tile, nothing else */
	take_dirty(&r.s);
	compose(&r);
	assert_true(dirty_empty(&r.s));
	present(&r, 5, 640, 480, 0, true, 0x00FF00);
	compose(&r);
	tile_origin(4, 5, &x, &y);
	assert_int_equal(r.s.dirty_x0, x);
	assert_int_equal(r.s.dirty_y0, y);
	assert_int_equal(r.s.dirty_x1, x + CELL_W);
	assert_int_equal(r.s.dirty_y1, y + CELL_H);
	assert_int_equal(px(&r.s, x + 100, y + 100), 0x00FF00);
	run_free(&r);
}

/* Each tile's label: "vm N" in the strip under the top border. */
static void each_tile_is_labelled(void **state)
{
	(void)state;
	struct run r;
	run_new(&r, 3, 5, DISPLAY_MOSAIC, 0); /* 5 in the run, 3 created */
	compose(&r);
	uint32_t x, y;
	tile_origin(3, 2, &x, &y); /* 5 + 4 cells: 3 columns */
	const char *want = "vm 2";
	for (uint32_t i = 0; want[i]; i++)
		glyph_at(&r.s, x + 2 + 8 * i, y + 2, want[i], 1, LABEL, 0x202020);
	tile_origin(3, 4, &x, &y);
	want = "vm 4 - not started";
	for (uint32_t i = 0; want[i]; i++)
		glyph_at(&r.s, x + 2 + 8 * i, y + 2, want[i], 1, LABEL, 0x202020);
	tile_origin(3, 0, &x, &y); /* the focused one's label is in the focus colour */
	glyph_at(&r.s, x + 2, y + 2, 'v', 1, FOCUS, 0x202020);
	run_free(&r);
}

/* A VM without frames shows its console in its tile (the font at 1x, 40 x 15 characters, the
 * last lines that fit), and twice as large in the panel. */
static void a_tile_without_frames_shows_the_console(void **state)
{
	(void)state;
	struct run r;
	run_new(&r, 2, 2, DISPLAY_MOSAIC, 1);
	for (unsigned i = 0; i < 2; i++)
		screen_vm_created(&r.s, r.vm[i]);
	assert_int_equal(r.vm[0]->console->tail->cols, 40);
	assert_int_equal(r.vm[0]->console->tail->rows, 15);
	print(&r, 0, "hi\nK");
	for (int i = 0; i < 20; i++)
		print(&r, 1, "\nline");
	print(&r, 1, "\nW");
	compose(&r);
	uint32_t x, y;
	tile_origin(3, 0, &x, &y);
	glyph_at(&r.s, x + INSET_X, y + INSET_Y, 'h', 1, TEXT, 0);
	glyph_at(&r.s, x + INSET_X + 8, y + INSET_Y, 'i', 1, TEXT, 0);
	glyph_at(&r.s, x + INSET_X, y + INSET_Y + 16, 'K', 1, TEXT, 0);
	tile_origin(3, 1, &x, &y);
	glyph_at(&r.s, x + INSET_X, y + INSET_Y, 'l', 1, TEXT, 0);
	glyph_at(&r.s, x + INSET_X, y + INSET_Y + 14 * 16, 'W', 1, TEXT, 0);
	/* the panel: 640 x 480 centred in its 644 x 500 box, so 2 + 2 and 18 + 10 in */
	glyph_at(&r.s, 4, 28, 'l', 2, TEXT, 0);
	glyph_at(&r.s, 4, 28 + 14 * 32, 'W', 2, TEXT, 0);
	run_free(&r);
}

/* Large and tiny frames fit their tiles keeping their aspect ratio. */
static void tiles_scale_any_frame_into_their_box(void **state)
{
	(void)state;
	struct run r;
	run_new(&r, 3, 3, DISPLAY_MOSAIC, 2);
	const uint32_t *big = present(&r, 0, DISPLAY_MAX_W, DISPLAY_MAX_H, 11, false, 0);
	const uint32_t *one = present(&r, 1, 1, 1, 0, true, 0xABCDEF);
	const uint32_t *odd = present(&r, 2, 7, 300, 4, false, 0);
	compose(&r);
	uint32_t x, y;
	tile_origin(3, 0, &x, &y);
	box_holds(&r.s, x + INSET_X, y + INSET_Y, BOX_W, BOX_H, big, DISPLAY_MAX_W, DISPLAY_MAX_H, false);
	tile_origin(3, 1, &x, &y);
	box_holds(&r.s, x + INSET_X, y + INSET_Y, BOX_W, BOX_H, one, 1, 1, false);
	assert_int_equal(px(&r.s, x + INSET_X + 160, y + INSET_Y + 120), 0xABCDEF);
	assert_int_equal(px(&r.s, x + INSET_X + 10, y + INSET_Y + 120), 0); /* 240 x 240, centred */
	tile_origin(3, 2, &x, &y);
	box_holds(&r.s, x + INSET_X, y + INSET_Y, BOX_W, BOX_H, odd, 7, 300, false);
	box_holds(&r.s, INSET_X, INSET_Y, 2 * CELL_W - 4, 2 * CELL_H - 20, odd, 7, 300, false);
	run_free(&r);
}

/* An ended VM's tile shows its last picture dimmed and says how it ended. */
static void an_ended_tile_is_dimmed_and_says_so(void **state)
{
	(void)state;
	struct run r;
	run_new(&r, 2, 2, DISPLAY_MOSAIC, 0);
	present(&r, 1, 640, 480, 0, true, 0x80FF40);
	compose(&r);
	vm_end(&r, 1, 5);
	compose(&r);
	uint32_t x, y;
	tile_origin(3, 1, &x, &y);
	assert_int_equal(px(&r.s, x + INSET_X, y + INSET_Y), 0x407F20);
	assert_int_equal(px(&r.s, x + INSET_X + BOX_W - 1, y + INSET_Y + BOX_H - 1), 0x407F20);
	const char *want = "vm 1 - ended (status 5)";
	for (uint32_t i = 0; want[i]; i++)
		glyph_at(&r.s, x + 2 + 8 * i, y + 2, want[i], 1, LABEL, 0x202020);
	/* focused, the panel shows it too, from what was kept */
	r.s.focus = 1;
	compose(&r);
	assert_int_equal(px(&r.s, CELL_W, CELL_H), 0x407F20);
	run_free(&r);
}

/* The mosaic holds the run's first SCREEN_MOSAIC_MAX VMs; a focus beyond them has the panel. */
static void the_mosaic_holds_the_first_vms_and_the_focus_beyond(void **state)
{
	(void)state;
	struct run r;
	run_new(&r, 1, 100000, DISPLAY_MOSAIC, 99999);
	compose(&r);
	/* 256 + 4 cells: 17 columns; 2 x 15 beside the panel, 226 under it in 14 rows */
	assert_int_equal(r.s.w, 17 * CELL_W);
	assert_int_equal(r.s.h, 16 * CELL_H);
	uint32_t x, y;
	tile_origin(17, SCREEN_MOSAIC_MAX - 1, &x, &y);
	assert_int_equal(screen_vm_at(&r.s, x + 5, y + 5), SCREEN_MOSAIC_MAX - 1);
	assert_int_equal(screen_vm_at(&r.s, x + CELL_W + 5, y + 5), UINT32_MAX);
	assert_int_equal(screen_vm_at(&r.s, 5, 5), 99999);
	const char *want = "vm 99999 - not started";
	for (uint32_t i = 0; want[i]; i++)
		glyph_at(&r.s, 2 + 8 * i, 2, want[i], 1, FOCUS, 0x202020);
	run_free(&r);
}

/* --- PNG ----------------------------------------------------------------------------------------- */

static void temp_path(char *buf, size_t len, const char *name)
{
	const char *dir = getenv("TMPDIR");
	snprintf(buf, len, "%s/denali_test_screen_%d_%s", dir && *dir ? dir : "/tmp", (int)getpid(), name);
}

/* Write, read back with libpng, compare every pixel. */
static void png_round_trip(uint32_t w, uint32_t h)
{
	char path[512], err[256] = "";
	temp_path(path, sizeof(path), "rt.png");
	uint32_t *pix = malloc((size_t)w * h * sizeof(*pix));
	assert_non_null(pix);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			pix[(size_t)y * w + x] = pattern(x, y, w);
	if (png_write(path, pix, w, h, err, sizeof(err)))
		fail_msg("png_write: %s", err);
	png_image img;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	assert_true(png_image_begin_read_from_file(&img, path));
	assert_int_equal(img.width, w);
	assert_int_equal(img.height, h);
	assert_int_equal(img.format & PNG_FORMAT_FLAG_ALPHA, 0); /* RGB, no alpha */
	assert_int_equal(img.format & PNG_FORMAT_FLAG_COLOR, PNG_FORMAT_FLAG_COLOR);
	img.format = PNG_FORMAT_RGB;
	unsigned char *rgb = malloc(PNG_IMAGE_SIZE(img));
	assert_non_null(rgb);
	assert_true(png_image_finish_read(&img, NULL, rgb, 0, NULL));
	for (size_t i = 0; i < (size_t)w * h; i++) {
		uint32_t got = (uint32_t)rgb[3 * i] << 16 | (uint32_t)rgb[3 * i + 1] << 8 | rgb[3 * i + 2];
		if (got != pix[i])
			fail_msg("pixel %zu is %06x, want %06x", i, got, pix[i]);
	}
	free(rgb);
	free(pix);
	unlink(path);
}

static void a_png_reads_back_pixel_for_pixel(void **state)
{
	(void)state;
	png_round_trip(37, 23);
	png_round_trip(1, 1);
	png_round_trip(1920, 1080);
}

/* The picture of a mosaic, saved: what was composed is what is read back. */
static void a_composed_mosaic_saves_as_composed(void **state)
{
	(void)state;
	struct run r;
	mosaic_of_six(&r, 2);
	char path[512], err[256] = "";
	temp_path(path, sizeof(path), "mosaic.png");
	assert_int_equal(png_write(path, r.s.pix, r.s.w, r.s.h, err, sizeof(err)), 0);
	png_image img;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	assert_true(png_image_begin_read_from_file(&img, path));
	img.format = PNG_FORMAT_BGRA; /* little-endian 0xAARRGGBB words */
	uint32_t *back = malloc(PNG_IMAGE_SIZE(img));
	assert_non_null(back);
	assert_true(png_image_finish_read(&img, NULL, back, 0, NULL));
	for (size_t i = 0; i < (size_t)r.s.w * r.s.h; i++)
		if ((back[i] & 0xFFFFFFu) != r.s.pix[i])
			fail_msg("pixel %zu differs", i);
	free(back);
	unlink(path);
	run_free(&r);
}

static void png_write_fails_with_one_line(void **state)
{
	(void)state;
	uint32_t pix[4] = { 1, 2, 3, 4 };
	char err[256];
	strcpy(err, "");
	assert_int_equal(png_write("/nonexistent-denali-dir/x.png", pix, 2, 2, err, sizeof(err)), -1);
	assert_true(strlen(err) > 0);
	assert_null(strchr(err, '\n'));
	assert_non_null(strstr(err, "No such file or directory"));
	/* a full device: a write error, and the device is of course not removed */
	struct stat sb;
	if (stat("/dev/full", &sb) == 0 && S_ISCHR(sb.st_mode)) {
		static uint32_t big[256 * 256];
		for (size_t i = 0; i < 256 * 256; i++)
			big[i] = pattern((uint32_t)i, 0, 1);
		strcpy(err, "");
		assert_int_equal(png_write("/dev/full", big, 256, 256, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "write error"));
		assert_null(strchr(err, '\n'));
		assert_int_equal(stat("/dev/full", &sb), 0);
	}
	/* a picture of no pixels is refused */
	strcpy(err, "");
	assert_int_equal(png_write("/tmp/never.png", pix, 0, 2, err, sizeof(err)), -1);
	assert_true(strlen(err) > 0);
	/* a regular file that fails part way (past RLIMIT_FSIZE: EFBIG) is removed */
	char path[512];
	temp_path(path, sizeof(path), "gone.png");
	struct rlimit old, small = { 4096, 4096 };
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small.rlim_max = old.rlim_max;
	if (old.rlim_max == RLIM_INFINITY || old.rlim_max > 4096) {
		static uint32_t noise[512 * 512];
		for (size_t i = 0; i < 512 * 512; i++)
			noise[i] = pattern((uint32_t)i, 7, 3);
		void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
		strcpy(err, "");
		int rc = png_write(path, noise, 512, 512, err, sizeof(err));
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
		signal(SIGXFSZ, was);
		assert_int_equal(rc, -1);
		assert_non_null(strstr(err, "write error"));
		assert_int_equal(access(path, F_OK), -1);
	}
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_single_picture_is_the_focused_vms_frame),
		cmocka_unit_test(frames_of_1x1_and_1920x1080_are_shown_whole),
		cmocka_unit_test(a_vm_not_created_yet_is_a_black_640x400),
		cmocka_unit_test(without_a_frame_the_console_shows_as_text),
		cmocka_unit_test(an_ended_vm_keeps_its_last_picture),
		cmocka_unit_test(an_ended_vm_without_a_kept_picture_says_it_ended),
		cmocka_unit_test(mosaic_tiles_are_where_the_layout_says_and_clicks_find_them),
		cmocka_unit_test(the_focused_vm_is_highlighted_and_drawn_larger),
		cmocka_unit_test(each_tile_is_labelled),
		cmocka_unit_test(a_tile_without_frames_shows_the_console),
		cmocka_unit_test(tiles_scale_any_frame_into_their_box),
		cmocka_unit_test(an_ended_tile_is_dimmed_and_says_so),
		cmocka_unit_test(the_mosaic_holds_the_first_vms_and_the_focus_beyond),
		cmocka_unit_test(a_png_reads_back_pixel_for_pixel),
		cmocka_unit_test(a_composed_mosaic_saves_as_composed),
		cmocka_unit_test(png_write_fails_with_one_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
