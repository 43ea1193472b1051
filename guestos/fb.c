/* fb.c - the framebuffer library: MODE and PRESENT through one request block, drawing clipped
 * to the back buffer, and line 6 turned into "the frames presented so far are shown" (fb.h). */
#include <stdlib.h>

#include "guestos/font8x16.h"
#include "denali.h"
#include "fb.h"
#include "irq.h"
#include "sync.h"

enum { FB_OP_MODE = 1, FB_OP_PRESENT = 2 }; /* the display's request ops (DVA-1 section 7) */
#define DISPLAY_BIT (1u << DVA_LINE_DISPLAY)

/* The display is one device per VM, so its driver state is too. All of it changes with
 * interrupts off: the request block is shared by every OUT, the counters by the handler. */
static struct dva_request rq __attribute__((aligned(4)));
static uint32_t presented; /* PRESENTs the device accepted */
static uint32_t shown;     /* how many of them a rise of line 6 has covered */
static struct mutex wait_lock = MUTEX_INITIALIZER; /* only cond_wait's protocol needs it */
static struct cond shown_cond = COND_INITIALIZER;

static uint32_t display_out(uint32_t op, uint32_t addr, uint32_t len)
{
	rq = (struct dva_request){ op, 99, addr, len, 0, 0 };
	__asm__ volatile("outl %0, %w1"
			 :
			 : "a"((uint32_t)(uintptr_t)&rq), "Nd"((uint16_t)DVA_PORT_DISPLAY)
			 : "memory");
	return rq.status;
}

/* The host raises line 6 once for all the PRESENTs made since its previous rise, at the refresh
 * that follows the first of them. So a rise means: every frame presented before it is shown. */
static void frames_shown(void)
{
	shown = presented;
	cond_broadcast(&shown_cond);
}

static void display_irq(unsigned line)
{
	(void)line;
	frames_shown();
}

/* A rise still pending (not delivered yet) belongs to the frames presented before it: take it
 * now, clearing the pending bit (RW1C), so that it cannot later be mistaken for the rise that
 * shows the frame about to be presented. Interrupts are off. */
static void take_pending_rise(void)
{
	if (dva_page0.irq_pending & DISPLAY_BIT) {
		dva_page0.irq_pending = DISPLAY_BIT;
		frames_shown();
	}
}

int fb_init(struct fb *fb, unsigned w, unsigned h)
{
	*fb = (struct fb){ .status = DVA_REQ_BAD };
	/* MODE packs each dimension in 16 bits; the device itself judges the real limits. */
	if (!(dva_page0.devices & DISPLAY_BIT) || w == 0 || h == 0 || w > 0xFFFFu || h > 0xFFFFu)
		return -1;
	uint32_t *px = calloc((size_t)w * h, sizeof(*px));
	if (!px)
		return -1;
	irq_register(DVA_LINE_DISPLAY, display_irq);
	int s = irq_disable();
	fb->status = display_out(FB_OP_MODE, (uint32_t)(uintptr_t)px, (uint32_t)w << 16 | h);
	irq_restore(s);
	if (fb->status != DVA_REQ_DONE) {
		free(px);
		return -1;
	}
	fb->w = w;
	fb->h = h;
	fb->pixels = px;
	return 0;
}

uint32_t fb_present(struct fb *fb)
{
	if (!fb->pixels) /* no mode: and maybe no display, whose port would be a #GP */
		return fb->status = DVA_REQ_BAD;
	int s = irq_disable();
	take_pending_rise();
	uint32_t st = display_out(FB_OP_PRESENT, 0, 0);
	if (st == DVA_REQ_DONE) {
		presented++;
		fb->frames++;
		/* A rise between the check above and the OUT may or may not cover this frame.
		 * Take it, and present the unchanged buffer once more: that copy is certainly
		 * after the rise, so the next rise covers it (rises are a refresh apart). */
		if (dva_page0.irq_pending & DISPLAY_BIT) {
			take_pending_rise();
			if (display_out(FB_OP_PRESENT, 0, 0) == DVA_REQ_DONE)
				shown = presented - 1u;
		}
	}
	fb->status = st;
	irq_restore(s);
	return st;
}

void fb_wait_shown(struct fb *fb)
{
	(void)fb; /* one display: its counters are the driver's */
	mutex_lock(&wait_lock);
	/* Interrupts off from the check to the wait, so the handler's broadcast cannot fall
	 * between them; cond_wait blocks with them off and the handler runs meanwhile. */
	int s = irq_disable();
	uint32_t target = presented;
	while ((int32_t)(shown - target) < 0)
		cond_wait(&shown_cond, &wait_lock);
	irq_restore(s);
	mutex_unlock(&wait_lock);
}

uint32_t fb_frames(const struct fb *fb)
{
	return fb->frames;
}

uint32_t fb_shown(const struct fb *fb)
{
	(void)fb;
	return shown;
}

/* ---- drawing ------------------------------------------------------------------------------ */

/* The part of the rectangle x, y, w, h that lies on screen, as [x0, x1) x [y0, y1); 0 if none.
 * 64-bit sums, so no coordinate or size overflows. */
struct box {
	int x0, y0, x1, y1;
};

static int clip(const struct fb *fb, int x, int y, int w, int h, struct box *b)
{
	int64_t x1 = (int64_t)x + w, y1 = (int64_t)y + h;

	if (x1 > (int64_t)fb->w)
		x1 = fb->w;
	if (y1 > (int64_t)fb->h)
		y1 = fb->h;
	b->x0 = x < 0 ? 0 : x;
	b->y0 = y < 0 ? 0 : y;
	b->x1 = (int)x1;
	b->y1 = (int)y1;
	return b->x0 < b->x1 && b->y0 < b->y1;
}

void fb_pixel(struct fb *fb, int x, int y, uint32_t color)
{
	if (x >= 0 && y >= 0 && (unsigned)x < fb->w && (unsigned)y < fb->h)
		fb->pixels[(size_t)y * fb->w + (unsigned)x] = color;
}

void fb_rect(struct fb *fb, int x, int y, int w, int h, uint32_t color)
{
	struct box b;

	if (!clip(fb, x, y, w, h, &b))
		return;
	for (int row = b.y0; row < b.y1; row++) {
		uint32_t *p = fb->pixels + (size_t)row * fb->w;
		for (int col = b.x0; col < b.x1; col++)
			p[col] = color;
	}
}

void fb_fill(struct fb *fb, uint32_t color)
{
	size_t n = (size_t)fb->w * fb->h;

	for (size_t i = 0; i < n; i++)
		fb->pixels[i] = color;
}

void fb_blit(struct fb *fb, int x, int y, const uint32_t *src, int w, int h)
{
	struct box b;

	if (!clip(fb, x, y, w, h, &b))
		return;
	for (int row = b.y0; row < b.y1; row++) {
		const uint32_t *from = src + (size_t)(row - y) * (unsigned)w + (unsigned)(b.x0 - x);
		uint32_t *to = fb->pixels + (size_t)row * fb->w + (unsigned)b.x0;
		for (int col = b.x0; col < b.x1; col++)
			*to++ = *from++;
	}
}

/* One glyph row: bit 7 is the leftmost of its 8 pixels. */
static void glyph_row(struct fb *fb, int x, int y, uint8_t bits, uint32_t fg, uint32_t bg)
{
	for (int col = 0; col < FONT_W; col++) {
		if (bits & (0x80u >> col))
			fb_pixel(fb, x + col, y, fg);
		else if (bg != FB_TRANSPARENT)
			fb_pixel(fb, x + col, y, bg);
	}
}

void fb_char(struct fb *fb, int x, int y, int ch, uint32_t fg, uint32_t bg)
{
	if (ch < FONT_FIRST || ch > FONT_LAST)
		ch = '?';
	const uint8_t *glyph = font8x16[ch - FONT_FIRST];
	for (int row = 0; row < FONT_H; row++)
		glyph_row(fb, x, y + row, glyph[row], fg, bg);
}

int fb_text(struct fb *fb, int x, int y, const char *s, uint32_t fg, uint32_t bg)
{
	int col = x;

	for (; *s; s++) {
		if (*s == '\n') {
			col = x;
			y += FONT_H;
			continue;
		}
		fb_char(fb, col, y, (unsigned char)*s, fg, bg);
		col += FONT_W;
	}
	return col;
}
