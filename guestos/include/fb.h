/* fb.h - the framebuffer library: drawing into a guest-memory back buffer, PRESENT, and waiting
 * for the display's refresh (the display device, DVA-1 section 7, port 0xD500, line 6).
 *
 * Double buffering comes from the device: fb_init allocates the pixel buffer and names it with
 * MODE; every drawing call writes only that buffer, which nobody sees; fb_present makes the
 * device copy the whole buffer into its own frame during the OUT. So the buffer is the back
 * buffer: right after fb_present returns, the program may start drawing the next frame into
 * it, and the display keeps showing the frame it copied. Line 6 rises at the next 60 Hz refresh
 * of system time after a PRESENT; fb_wait_shown sleeps until then, which paces an animation at
 * the display's rate without any busy waiting.
 *
 * The display is one device per VM, so fb_init is meant to be called once. The drawing calls
 * are plain memory writes (threads drawing into the same buffer must agree among themselves);
 * fb_present and fb_wait_shown are for threads, not interrupt handlers or timer callbacks:
 * fb_wait_shown blocks, and fb_present relies on line 6's handler not being half-way through a
 * batch. */
#ifndef GUESTOS_FB_H
#define GUESTOS_FB_H

#include <stdint.h>

#include "guestos/font8x16.h" /* FONT_W, FONT_H: the text cell */

/* A pixel is 0x00RRGGBB (the device's little-endian u32). */
#define FB_RGB(r, g, b)                                                                     \
	((((uint32_t)(r) & 0xFFu) << 16) | (((uint32_t)(g) & 0xFFu) << 8) | ((uint32_t)(b) & 0xFFu))
/* A background colour no pixel can have: fb_text leaves the pixels behind the glyphs alone. */
#define FB_TRANSPARENT 0xFF000000u

/* The device's limits on a mode. */
#define FB_MAX_W 1920u
#define FB_MAX_H 1080u

struct fb {
	unsigned w, h;     /* the mode, in pixels */
	uint32_t *pixels;  /* the back buffer: w * h pixels, row y at pixels + y * w */
	uint32_t frames;   /* PRESENTs the device accepted */
	uint32_t status;   /* the device's status for the last MODE or PRESENT (dva_req_status) */
};

/* Allocate a w x h back buffer (black, from malloc) and MODE it. 0 on success; -1 if there is
 * no display (page 0's devices bit 6), w or h is 0 or beyond the limits, memory is short, or the
 * device refused the mode (fb->status then holds its status). */
int fb_init(struct fb *fb, unsigned w, unsigned h);

/* Drawing into the back buffer. Coordinates may lie anywhere: everything is clipped to the
 * mode, so a shape partly or wholly off screen is fine. */
void fb_pixel(struct fb *fb, int x, int y, uint32_t color);
void fb_fill(struct fb *fb, uint32_t color);                          /* the whole buffer */
void fb_rect(struct fb *fb, int x, int y, int w, int h, uint32_t color); /* filled */
/* Copy a w x h image (row-major, w pixels a row) with its top-left corner at x, y. */
void fb_blit(struct fb *fb, int x, int y, const uint32_t *src, int w, int h);

/* Text in the 8x16 console font (guestos/font8x16.h), top-left corner of the first glyph at
 * x, y. fg colours the glyph's pixels, bg the rest of its 8x16 cell, unless bg is
 * FB_TRANSPARENT. '\n' starts a new line under x; a byte outside 32..126 is drawn as '?'.
 * fb_text returns the x just right of the last character drawn. */
void fb_char(struct fb *fb, int x, int y, int ch, uint32_t fg, uint32_t bg);
int fb_text(struct fb *fb, int x, int y, const char *s, uint32_t fg, uint32_t bg);

/* PRESENT: the device copies the back buffer now. Returns the device's status: 0 (and
 * fb->frames counts it), or non-zero when nothing was presented (3 for an fb without a mode). */
uint32_t fb_present(struct fb *fb);
/* Sleep the calling thread until the display has shown the last frame presented (line 6 rose
 * after it). Returns at once if every frame presented has been shown already. */
void fb_wait_shown(struct fb *fb);
/* Frames presented so far (fb->frames), and how many of them the display has shown. */
uint32_t fb_frames(const struct fb *fb);
uint32_t fb_shown(const struct fb *fb);

#endif
