/* screen.c - the picture a run shows (frontend.h; docs/display.md, "The window and the mosaic").
 *
 * DISPLAY_SDL and DISPLAY_NONE: the focused VM's last frame at its own size; a VM that has
 * presented no frame shows its console's last SINGLE_COLS x SINGLE_ROWS characters in the 8x16
 * font (640 x 400, light grey on black), one not created yet a black 640 x 400, one that ended
 * what it showed as it ended (kept by screen_vm_ended), unchanged.
 *
 * DISPLAY_MOSAIC: the run's first SCREEN_MOSAIC_MAX VMs as tiles on a grid of cells of
 * CELL_W x CELL_H pixels, each a border, a label strip ("vm N") and a TILE_W x TILE_H picture
 * (a 640 x 480 frame at half size; a console as TILE_COLS x TILE_ROWS characters, the font at
 * 1x). The top-left 2 x 2 cells are the panel: the focused VM drawn twice as large, with the
 * highlight border that its own tile in the grid has too. Tiles flow row by row around the
 * panel, so no tile moves when the focus does, and screen_vm_at is two divisions. Ended VMs
 * are dimmed, their label saying so and with what status.
 *
 * Composing is incremental: each region (the picture, the panel, a tile) remembers what it last
 * drew (struct stamp) and is drawn again only when that changed, so a compose where nothing
 * moved touches no pixel and a window redraws only what changed (struct screen's dirty box).
 */
#include "denali_arch/frontend.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "denali_arch/kernel.h"
#include "devices/console.h"
#include "devices/display.h"
#include "guestos/font8x16.h"

#define SINGLE_COLS 80u /* a console as text in the one-VM picture: 640 x 400 */
#define SINGLE_ROWS 25u
#define TILE_COLS 40u   /* in a mosaic tile: the font at 1x, 320 x 240 */
#define TILE_ROWS 15u
#define TILE_W (TILE_COLS * FONT_W)
#define TILE_H (TILE_ROWS * FONT_H)
#define BORDER 2u
#define LABEL_H ((uint32_t)FONT_H)
#define CELL_W (TILE_W + 2 * BORDER)           /* 324 */
#define CELL_H (LABEL_H + TILE_H + 2 * BORDER) /* 260 */
#define PANEL_CELLS 2u                         /* the panel is 2 x 2 cells */

#define C_BLACK 0x000000u
#define C_TEXT 0xC0C0C0u     /* console text: light grey */
#define C_BORDER 0x484848u
#define C_FOCUS 0xFFB000u    /* the focused VM's border and label: amber */
#define C_LABEL_BG 0x202020u
#define C_LABEL 0xD0D0D0u

/* What a region shows of a VM. */
enum view_kind {
	VIEW_NONE,   /* (a stamp only) nothing drawn yet */
	VIEW_ABSENT, /* not created yet: black */
	VIEW_BLANK,  /* running, no frame and no console: black */
	VIEW_FRAME,  /* its display's last frame */
	VIEW_TEXT,   /* its console's last lines */
	VIEW_KEPT,   /* ended: what it showed then */
	VIEW_ENDED,  /* ended, nothing kept: a line saying so */
};

/* A VM's picture as a region draws it. */
struct view {
	enum view_kind kind;
	uint32_t id;
	const struct vm *vm;   /* VIEW_TEXT: whose console */
	const uint32_t *pix;   /* VIEW_FRAME, VIEW_KEPT; NULL: black, or text drawn when needed */
	uint32_t w, h;
	int status;            /* VIEW_KEPT, VIEW_ENDED */
	uint64_t serial;       /* moves when the picture does: presents, or console bytes */
};

/* What a region last drew: it is drawn again only when this differs. */
struct stamp {
	enum view_kind kind;
	uint32_t id;
	bool focused;
	uint64_t serial;
	uint32_t w, h;
};

/* The picture an ended VM showed, as screen_vm_ended found it. */
struct kept {
	uint32_t id;
	int status;
	uint32_t *pix;         /* NULL when there was no memory for it: the line is shown */
	uint32_t w, h;
};

struct screen_state {
	uint32_t text_cols, text_rows; /* a console as text: its tail's size */
	uint32_t text_w, text_h;       /* and in pixels */
	uint32_t *text;                /* text_w x text_h: a console (or a line) drawn as text */
	uint32_t *xmap;                /* scaling: the source column of each destination column */
	uint32_t xmap_cap;
	uint32_t n, cols, rows;        /* the mosaic's tiles and grid (n = 0: not laid out yet) */
	struct stamp *stamps;          /* [0]: the picture or the panel; [1 + i]: tile i */
	uint32_t nstamps;
	struct kept *kept;
	size_t nkept, kept_cap;
};

struct box {
	uint32_t x, y, w, h;
};

/* --- drawing: everything clipped to the picture --------------------------------------------- */

static struct box clip(const struct screen *s, struct box b)
{
	if (b.x >= s->w || b.y >= s->h)
		return (struct box){ 0, 0, 0, 0 };
	if (b.w > s->w - b.x)
		b.w = s->w - b.x;
	if (b.h > s->h - b.y)
		b.h = s->h - b.y;
	return b;
}

static void fill(struct screen *s, struct box b, uint32_t c)
{
	b = clip(s, b);
	for (uint32_t y = 0; y < b.h; y++) {
		uint32_t *row = s->pix + (size_t)(b.y + y) * s->w + b.x;
		for (uint32_t x = 0; x < b.w; x++)
			row[x] = c;
	}
}

/* A frame of width t just inside b. */
static void outline(struct screen *s, struct box b, uint32_t t, uint32_t c)
{
	fill(s, (struct box){ b.x, b.y, b.w, t }, c);
	fill(s, (struct box){ b.x, b.y + b.h - t, b.w, t }, c);
	fill(s, (struct box){ b.x, b.y, t, b.h }, c);
	fill(s, (struct box){ b.x + b.w - t, b.y, t, b.h }, c);
}

/* One glyph's set pixels at (x, y) of a w x h buffer (its other pixels are left alone);
 * a character the font lacks is drawn as '?'. Nothing of a glyph that does not fit whole. */
static void glyph(uint32_t *pix, uint32_t w, uint32_t h, uint32_t x, uint32_t y, char ch, uint32_t c)
{
	unsigned char u = (unsigned char)ch;
	if (u < FONT_FIRST || u > FONT_LAST)
		u = '?';
	if (x > w || w - x < FONT_W || y > h || h - y < FONT_H)
		return;
	const uint8_t *rows = font8x16[u - FONT_FIRST];
	for (uint32_t r = 0; r < FONT_H; r++) {
		uint32_t *out = pix + (size_t)(y + r) * w + x;
		for (uint32_t b = 0; b < FONT_W; b++)
			if (rows[r] & (0x80u >> b))
				out[b] = c;
	}
}

/* A string in box b of the picture, from its top-left corner, as many characters as fit. */
static void label_text(struct screen *s, struct box b, const char *str, uint32_t c)
{
	b = clip(s, b);
	for (uint32_t x = 0; *str && x + FONT_W <= b.w; x += FONT_W, str++)
		glyph(s->pix, s->w, s->h, b.x + x, b.y, *str, c);
}

/* The largest size src fits b at keeping its aspect ratio: a whole multiple when it fits at
 * least once (so a 320 x 240 picture is exactly doubled in 644 x 500), else scaled down. */
static void fit_size(uint32_t sw, uint32_t sh, uint32_t bw, uint32_t bh, uint32_t *ow, uint32_t *oh)
{
	if (sw <= bw && sh <= bh) {
		uint32_t f = bw / sw < bh / sh ? bw / sw : bh / sh;
		*ow = sw * f;
		*oh = sh * f;
	} else if ((uint64_t)sw * bh >= (uint64_t)sh * bw) { /* wider than b: b's width */
		*ow = bw;
		*oh = (uint32_t)((uint64_t)sh * bw / sw);
	} else {
		*oh = bh;
		*ow = (uint32_t)((uint64_t)sw * bh / sh);
	}
	if (!*ow)
		*ow = 1;
	if (!*oh)
		*oh = 1;
}

static int xmap_reserve(struct screen_state *st, uint32_t n)
{
	if (n <= st->xmap_cap)
		return 0;
	uint32_t *m = realloc(st->xmap, (size_t)n * sizeof(*m));
	if (!m)
		return -1;
	st->xmap = m;
	st->xmap_cap = n;
	return 0;
}

/* Black around the w x h rectangle at (x0, y0) inside b: each pixel of b is written once. */
static void letterbox(struct screen *s, struct box b, uint32_t x0, uint32_t y0, uint32_t w, uint32_t h)
{
	fill(s, (struct box){ b.x, b.y, b.w, y0 - b.y }, C_BLACK);
	fill(s, (struct box){ b.x, y0 + h, b.w, b.y + b.h - (y0 + h) }, C_BLACK);
	fill(s, (struct box){ b.x, y0, x0 - b.x, h }, C_BLACK);
	fill(s, (struct box){ x0 + w, y0, b.x + b.w - (x0 + w), h }, C_BLACK);
}

/* Draw src (sw x sh; NULL: black) into b by nearest neighbour at fit_size, centred on black;
 * dim halves every channel. */
static int draw_fit(struct screen *s, struct screen_state *st, struct box b, const uint32_t *src,
		    uint32_t sw, uint32_t sh, bool dim)
{
	b = clip(s, b);
	if (!src || !b.w || !b.h || !sw || !sh) {
		fill(s, b, C_BLACK);
		return 0;
	}
	uint32_t ow, oh;
	fit_size(sw, sh, b.w, b.h, &ow, &oh);
	if (xmap_reserve(st, ow))
		return -1;
	for (uint32_t x = 0; x < ow; x++)
		st->xmap[x] = (uint32_t)((uint64_t)x * sw / ow);
	uint32_t x0 = b.x + (b.w - ow) / 2, y0 = b.y + (b.h - oh) / 2;
	letterbox(s, b, x0, y0, ow, oh);
	for (uint32_t y = 0; y < oh; y++) {
		const uint32_t *in = src + (size_t)((uint64_t)y * sh / oh) * sw;
		uint32_t *out = s->pix + (size_t)(y0 + y) * s->w + x0;
		if (dim)
			for (uint32_t x = 0; x < ow; x++)
				out[x] = (in[st->xmap[x]] >> 1) & 0x7F7F7Fu;
		else
			for (uint32_t x = 0; x < ow; x++)
				out[x] = in[st->xmap[x]];
	}
	return 0;
}

/* --- a VM's console as text ------------------------------------------------------------------- */

/* The console's last lines that fit into st->text, oldest at the top. */
static void render_tail(struct screen_state *st, const struct console *con)
{
	memset(st->text, 0, (size_t)st->text_w * st->text_h * sizeof(*st->text));
	const struct console_tail *t = con ? con->tail : NULL;
	if (!t)
		return;
	uint32_t shown = t->used < st->text_rows ? t->used : st->text_rows;
	uint32_t cols = t->cols < st->text_cols ? t->cols : st->text_cols;
	for (uint32_t r = 0; r < shown; r++) {
		const char *line = console_tail_line(con, t->used - shown + r);
		for (uint32_t c = 0; c < cols; c++)
			if (line[c] != ' ')
				glyph(st->text, st->text_w, st->text_h, c * FONT_W, r * FONT_H, line[c], C_TEXT);
	}
}

/* How an ended VM's status reads: the run stops the VMs still going as it ends with -1. */
static void ended_words(char *buf, size_t len, int status)
{
	if (status < 0)
		snprintf(buf, len, "ended (stopped by the run)");
	else
		snprintf(buf, len, "ended (status %d)", status);
}

/* One line of text, at the top of st->text. */
static void render_line(struct screen_state *st, const char *str)
{
	memset(st->text, 0, (size_t)st->text_w * st->text_h * sizeof(*st->text));
	for (uint32_t x = 0; *str && x + FONT_W <= st->text_w; x += FONT_W, str++)
		glyph(st->text, st->text_w, st->text_h, x, 0, *str, C_TEXT);
}

/* --- what each VM shows --------------------------------------------------------------------- */

static struct kept *find_kept(struct screen_state *st, uint32_t id)
{
	for (size_t i = 0; i < st->nkept; i++)
		if (st->kept[i].id == id)
			return &st->kept[i];
	return NULL;
}

/* A VM the picture shows keeps its frames and its last lines from now on (cheap when it does
 * already; out of memory it shows less, never fails the picture). */
static void watch(struct screen_state *st, struct vm *v)
{
	if (v->display)
		v->display->watched = true;
	if (v->console)
		console_keep_tail(v->console, st->text_cols, st->text_rows);
}

/* What a running VM shows now. */
static void view_live(struct screen_state *st, const struct vm *v, struct view *vw)
{
	const struct display *d = v->display;
	if (d && d->frame && d->frame_w && d->frame_h) {
		vw->kind = VIEW_FRAME;
		vw->pix = d->frame;
		vw->w = d->frame_w;
		vw->h = d->frame_h;
		vw->serial = d->presents;
		return;
	}
	vw->kind = v->console ? VIEW_TEXT : VIEW_BLANK;
	vw->vm = v;
	vw->w = st->text_w;
	vw->h = st->text_h;
	vw->serial = v->console && v->console->tail ? v->console->tail->bytes : 0;
}

static void look(struct screen_state *st, const struct kernel *k, uint32_t id, struct view *vw)
{
	*vw = (struct view){ .kind = VIEW_ABSENT, .id = id, .w = st->text_w, .h = st->text_h };
	if (id >= k->created)
		return;
	struct vm *v = k->vms[id];
	if (v->state != VM_DONE) {
		watch(st, v);
		view_live(st, v, vw);
		return;
	}
	const struct kept *kp = find_kept(st, id);
	vw->status = kp ? kp->status : v->status;
	vw->serial = (uint64_t)(int64_t)vw->status;
	if (kp && kp->pix) {
		vw->kind = VIEW_KEPT;
		vw->pix = kp->pix;
		vw->w = kp->w;
		vw->h = kp->h;
	} else {
		vw->kind = VIEW_ENDED;
	}
}

/* The view's pixels: text is drawn into st->text only now, when a region needs it. */
static void view_pixels(struct screen_state *st, struct view *vw)
{
	if (vw->kind == VIEW_TEXT) {
		render_tail(st, vw->vm->console);
		vw->pix = st->text;
	} else if (vw->kind == VIEW_ENDED) {
		char words[64], line[96];
		ended_words(words, sizeof(words), vw->status);
		snprintf(line, sizeof(line), "vm %u %s", (unsigned)vw->id, words);
		render_line(st, line);
		vw->pix = st->text;
	}
}

static bool stamp_same(const struct stamp *a, const struct stamp *b)
{
	return a->kind == b->kind && a->id == b->id && a->focused == b->focused && a->serial == b->serial &&
	       a->w == b->w && a->h == b->h;
}

static struct stamp stamp_of(const struct view *vw, bool focused)
{
	return (struct stamp){ vw->kind, vw->id, focused, vw->serial, vw->w, vw->h };
}

static void grow_dirty(struct screen *s, struct box b)
{
	b = clip(s, b);
	if (!b.w || !b.h)
		return;
	if (s->dirty_x0 >= s->dirty_x1 || s->dirty_y0 >= s->dirty_y1) {
		s->dirty_x0 = b.x;
		s->dirty_y0 = b.y;
		s->dirty_x1 = b.x + b.w;
		s->dirty_y1 = b.y + b.h;
		return;
	}
	if (b.x < s->dirty_x0)
		s->dirty_x0 = b.x;
	if (b.y < s->dirty_y0)
		s->dirty_y0 = b.y;
	if (b.x + b.w > s->dirty_x1)
		s->dirty_x1 = b.x + b.w;
	if (b.y + b.h > s->dirty_y1)
		s->dirty_y1 = b.y + b.h;
}

/* The picture is w x h pixels (its contents undefined until drawn). */
static int picture_size(struct screen *s, uint32_t w, uint32_t h)
{
	size_t need = (size_t)w * h;
	if (need > s->cap) {
		uint32_t *p = realloc(s->pix, need * sizeof(*p));
		if (!p)
			return -1;
		s->pix = p;
		s->cap = need;
	}
	s->w = w;
	s->h = h;
	return 0;
}

/* --- one VM at its own size ----------------------------------------------------------------- */

static int compose_single(struct screen *s, struct screen_state *st, const struct kernel *k)
{
	struct view vw;
	look(st, k, s->focus, &vw);
	struct stamp now = stamp_of(&vw, true);
	if (stamp_same(&now, &st->stamps[0]))
		return 0;
	if (picture_size(s, vw.w, vw.h))
		return -1;
	view_pixels(st, &vw);
	struct box all = { 0, 0, vw.w, vw.h };
	if (draw_fit(s, st, all, vw.pix, vw.w, vw.h, false))
		return -1;
	st->stamps[0] = now;
	grow_dirty(s, all);
	return 0;
}

/* --- the mosaic ----------------------------------------------------------------------------- */

/* Tile i's cell: PANEL_CELLS rows beside the panel, then whole rows under it. */
static void tile_cell(uint32_t cols, uint32_t i, uint32_t *col, uint32_t *row)
{
	uint32_t side = cols - PANEL_CELLS;
	if (i < PANEL_CELLS * side) {
		*row = i / side;
		*col = PANEL_CELLS + i % side;
	} else {
		i -= PANEL_CELLS * side;
		*row = PANEL_CELLS + i / cols;
		*col = i % cols;
	}
}

uint32_t screen_mosaic_tiles(const struct kernel *k)
{
	uint64_t n = k->total > k->created ? k->total : k->created;
	if (n > SCREEN_MOSAIC_MAX)
		n = SCREEN_MOSAIC_MAX;
	return n ? (uint32_t)n : 1;
}

/* A grid for n tiles and the panel: ceil(sqrt(cells)) columns, at least one beside the panel. */
static int mosaic_layout(struct screen *s, struct screen_state *st, uint32_t n)
{
	uint32_t cells = n + PANEL_CELLS * PANEL_CELLS, cols = PANEL_CELLS + 1;
	while (cols * cols < cells)
		cols++;
	uint32_t col, row;
	tile_cell(cols, n - 1, &col, &row);
	uint32_t rows = row + 1 > PANEL_CELLS ? row + 1 : PANEL_CELLS;
	struct stamp *stamps = calloc(n + 1, sizeof(*stamps)); /* VIEW_NONE: all to draw */
	if (!stamps || picture_size(s, cols * CELL_W, rows * CELL_H)) {
		free(stamps);
		return -1;
	}
	free(st->stamps);
	st->stamps = stamps;
	st->nstamps = n + 1;
	st->n = n;
	st->cols = cols;
	st->rows = rows;
	struct box all = { 0, 0, s->w, s->h };
	fill(s, all, C_BLACK);
	grow_dirty(s, all);
	return 0;
}

/* The label: "vm N", and what became of it. */
static void label_for(const struct view *vw, char *buf, size_t len)
{
	char words[64];
	if (vw->kind == VIEW_ABSENT) {
		snprintf(buf, len, "vm %u - not started", (unsigned)vw->id);
	} else if (vw->kind == VIEW_KEPT || vw->kind == VIEW_ENDED) {
		ended_words(words, sizeof(words), vw->status);
		snprintf(buf, len, "vm %u - %s", (unsigned)vw->id, words);
	} else {
		snprintf(buf, len, "vm %u", (unsigned)vw->id);
	}
}

/* A cell (a tile or the panel): border, label strip, the VM's picture fitted under it. */
static int draw_cell(struct screen *s, struct screen_state *st, struct box b, struct view *vw, bool focused)
{
	char label[96];
	outline(s, b, BORDER, focused ? C_FOCUS : C_BORDER);
	struct box strip = { b.x + BORDER, b.y + BORDER, b.w - 2 * BORDER, LABEL_H };
	fill(s, strip, C_LABEL_BG);
	label_for(vw, label, sizeof(label));
	label_text(s, strip, label, focused ? C_FOCUS : C_LABEL);
	struct box in = { b.x + BORDER, b.y + BORDER + LABEL_H, b.w - 2 * BORDER, b.h - 2 * BORDER - LABEL_H };
	view_pixels(st, vw);
	if (draw_fit(s, st, in, vw->pix, vw->w, vw->h, vw->kind == VIEW_KEPT))
		return -1;
	grow_dirty(s, b);
	return 0;
}

/* Region r (0: the panel; 1 + i: tile i) shows VM id: drawn again if that changed. */
static int mosaic_region(struct screen *s, struct screen_state *st, const struct kernel *k, uint32_t r,
			 uint32_t id, struct box b)
{
	struct view vw;
	look(st, k, id, &vw);
	struct stamp now = stamp_of(&vw, id == s->focus);
	if (stamp_same(&now, &st->stamps[r]))
		return 0;
	if (draw_cell(s, st, b, &vw, now.focused))
		return -1;
	st->stamps[r] = now;
	return 0;
}

static int compose_mosaic(struct screen *s, struct screen_state *st, const struct kernel *k)
{
	uint32_t n = screen_mosaic_tiles(k);
	if (n != st->n && mosaic_layout(s, st, n))
		return -1;
	struct box panel = { 0, 0, PANEL_CELLS * CELL_W, PANEL_CELLS * CELL_H };
	if (mosaic_region(s, st, k, 0, s->focus, panel))
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t col, row;
		tile_cell(st->cols, i, &col, &row);
		struct box b = { col * CELL_W, row * CELL_H, CELL_W, CELL_H };
		if (mosaic_region(s, st, k, 1 + i, i, b))
			return -1;
	}
	return 0;
}

/* --- frontend.h ----------------------------------------------------------------------------- */

int screen_init(struct screen *s, enum display_mode mode, uint32_t focus)
{
	*s = (struct screen){ .mode = mode, .focus = focus };
	struct screen_state *st = calloc(1, sizeof(*st));
	if (!st)
		return -1;
	bool mosaic = mode == DISPLAY_MOSAIC;
	st->text_cols = mosaic ? TILE_COLS : SINGLE_COLS;
	st->text_rows = mosaic ? TILE_ROWS : SINGLE_ROWS;
	st->text_w = st->text_cols * FONT_W;
	st->text_h = st->text_rows * FONT_H;
	st->text = malloc((size_t)st->text_w * st->text_h * sizeof(*st->text));
	st->stamps = mosaic ? NULL : calloc(1, sizeof(*st->stamps));
	st->nstamps = mosaic ? 0 : 1;
	if (!st->text || (!mosaic && !st->stamps)) {
		free(st->text);
		free(st->stamps);
		free(st);
		return -1;
	}
	s->priv = st;
	return 0;
}

int screen_compose(struct screen *s, const struct kernel *k)
{
	struct screen_state *st = s->priv;
	return s->mode == DISPLAY_MOSAIC ? compose_mosaic(s, st, k) : compose_single(s, st, k);
}

uint32_t screen_vm_at(const struct screen *s, uint32_t x, uint32_t y)
{
	const struct screen_state *st = s->priv;
	if (!s->pix || x >= s->w || y >= s->h)
		return UINT32_MAX;
	if (s->mode != DISPLAY_MOSAIC)
		return s->focus;
	uint32_t col = x / CELL_W, row = y / CELL_H;
	if (!st->n || col >= st->cols)
		return UINT32_MAX;
	if (col < PANEL_CELLS && row < PANEL_CELLS)
		return s->focus;
	/* the cells before this one in reading order, less the panel's among them */
	uint64_t cell = (uint64_t)row * st->cols + col;
	uint64_t panel = row < PANEL_CELLS ? (uint64_t)(row + 1) * PANEL_CELLS : PANEL_CELLS * PANEL_CELLS;
	uint64_t i = cell - panel;
	return i < st->n ? (uint32_t)i : UINT32_MAX;
}

void screen_vm_created(struct screen *s, struct vm *v)
{
	if (screen_watches(s, v->id))
		watch(s->priv, v);
}

/* A copy of what v shows now, scaled down to fit a tile in the mosaic (the largest size it is
 * drawn at but for the panel, which may enlarge it; a mosaic of 256 VMs that ended holds 256
 * tiles, not 256 frames), at its own size otherwise. NULL when out of memory. */
static uint32_t *snapshot(struct screen *s, struct screen_state *st, const struct vm *v, uint32_t *w,
			  uint32_t *h)
{
	struct view vw = { .id = v->id };
	view_live(st, v, &vw);
	view_pixels(st, &vw);
	uint32_t ow = vw.w, oh = vw.h;
	if (s->mode == DISPLAY_MOSAIC && (ow > TILE_W || oh > TILE_H))
		fit_size(vw.w, vw.h, TILE_W, TILE_H, &ow, &oh);
	uint32_t *pix = malloc((size_t)ow * oh * sizeof(*pix));
	if (!pix)
		return NULL;
	/* draw_fit works on a picture: lend it one that is the copy */
	struct screen tmp = { .pix = pix, .w = ow, .h = oh, .cap = (size_t)ow * oh };
	if (draw_fit(&tmp, st, (struct box){ 0, 0, ow, oh }, vw.pix, vw.w, vw.h, false)) {
		free(pix);
		return NULL;
	}
	*w = ow;
	*h = oh;
	return pix;
}

void screen_vm_ended(struct screen *s, const struct vm *v)
{
	struct screen_state *st = s->priv;
	if (!st)
		return; /* destroyed already */
	struct kept *kp = find_kept(st, v->id);
	if (!kp) {
		if (st->nkept == st->kept_cap) {
			size_t cap = st->kept_cap ? 2 * st->kept_cap : 16;
			struct kept *l = realloc(st->kept, cap * sizeof(*l));
			if (!l)
				return; /* it shows as ended, without its last picture */
			st->kept = l;
			st->kept_cap = cap;
		}
		kp = &st->kept[st->nkept++];
		*kp = (struct kept){ .id = v->id };
	}
	free(kp->pix);
	kp->status = v->status;
	kp->pix = snapshot(s, st, v, &kp->w, &kp->h);
}

void screen_destroy(struct screen *s)
{
	struct screen_state *st = s->priv;
	if (st) {
		for (size_t i = 0; i < st->nkept; i++)
			free(st->kept[i].pix);
		free(st->kept);
		free(st->stamps);
		free(st->text);
		free(st->xmap);
		free(st);
	}
	free(s->pix);
	*s = (struct screen){ .mode = s->mode, .focus = s->focus };
}
