/* frontend.h - what a run shows of its VMs: the picture (one VM's frame, or a mosaic of many),
 * the SDL2 window that shows it (--display sdl|mosaic), and PNG screenshots of it
 * (--screenshot, which needs no window). docs/display.md describes them for users.
 *
 * The kernel owns one struct screen when the run shows or saves a picture, and one struct
 * frontend when a window is open. Both read the VMs' devices (struct display's last frame, the
 * console's last lines) between quanta, on the main thread; neither ever blocks emulation.
 */
#ifndef DENALI_FRONTEND_H
#define DENALI_FRONTEND_H

#include <stddef.h>
#include <stdint.h>

#include "denali_arch/config.h"

struct kernel;
struct vm;

#define FRONTEND_PERIOD_NS 16666667u /* the window refreshes at most 60 times a second */

/* The picture: in DISPLAY_SDL and DISPLAY_NONE the focused VM's last frame at its own size (its
 * console's last lines drawn as text when it has shown no frame); in DISPLAY_MOSAIC a grid of
 * the run's first VMs, the focused one drawn larger. */
struct screen {
	enum display_mode mode;
	uint32_t focus;          /* the VM that gets the keyboard, by vm_id */
	uint32_t *pix;           /* w * h pixels, 0x00RRGGBB, rows w apart */
	uint32_t w, h;
	size_t cap;              /* pixels allocated */
	/* The part of pix changed since the window last drew it, [x0, x1) x [y0, y1): every
	 * screen_compose that changes the picture grows it, the window empties it (x0 = x1) once
	 * it has taken those pixels, so it copies only what changed. */
	uint32_t dirty_x0, dirty_y0, dirty_x1, dirty_y1;
	void *priv;              /* screen.c's own state (the frames of VMs that ended, layout) */
};

/* The mosaic shows the run's first SCREEN_MOSAIC_MAX VMs. */
#define SCREEN_MOSAIC_MAX 256u

/* Whether the picture can ever show VM id: the focused one, or one of the mosaic's. Only those
 * VMs' displays keep a copy of what they present (struct display's watched), so a million VMs
 * that draw cost no host memory for frames nobody sees. */
static inline int screen_watches(const struct screen *s, uint32_t id)
{
	return s && (id == s->focus || (s->mode == DISPLAY_MOSAIC && id < SCREEN_MOSAIC_MAX));
}

/* How many tiles the mosaic has: the run's first VMs, all it will create (known from the
 * start, so the grid does not change as they come), at most SCREEN_MOSAIC_MAX, at least one.
 * Ctrl+Tab cycles through them. */
uint32_t screen_mosaic_tiles(const struct kernel *k);

/* Set up a screen for mode, focused on VM focus: 0, or -1 when out of host memory. */
int screen_init(struct screen *s, enum display_mode mode, uint32_t focus);
/* Compose the picture from k's VMs now: 0, or -1 when out of host memory. */
int screen_compose(struct screen *s, const struct kernel *k);
/* Which VM the picture shows at pixel (x, y) of the composed picture, or UINT32_MAX. */
uint32_t screen_vm_at(const struct screen *s, uint32_t x, uint32_t y);
/* v has just been created and screen_watches it: from now on its display keeps each frame it
 * presents and its console its last lines (console_keep_tail), so the picture shows what it
 * did before the next compose (a screenshot's, which may be its first). */
void screen_vm_created(struct screen *s, struct vm *v);
/* v is ending (called before its devices are destroyed): keep what the picture shows of it. */
void screen_vm_ended(struct screen *s, const struct vm *v);
void screen_destroy(struct screen *s);

/* Write pix (w * h, 0x00RRGGBB) to path as an 8-bit RGB PNG: 0, or -1 with one line (without
 * "denali: ") in err. */
int png_write(const char *path, const uint32_t *pix, uint32_t w, uint32_t h, char *err, size_t errlen);

/* The window. frontend_open fails (NULL, one line in err) where SDL2 cannot open one, or in a
 * build without SDL2. */
struct frontend;
struct frontend *frontend_open(struct kernel *k, struct screen *s, char *err, size_t errlen);
/* Draw the picture if anything changed and handle the window's events: keys go to the focused
 * VM (kernel_key), a click in the mosaic focuses a VM, closing the window ends the run as
 * SIGINT does (kernel_interrupt). The kernel calls it between quanta, at most every
 * FRONTEND_PERIOD_NS of host time and at least that often while every VM waits. */
void frontend_refresh(struct frontend *f, struct kernel *k);
void frontend_close(struct frontend *f);
/* Whether this build can open a window (it was built with SDL2). */
int frontend_available(void);

#endif
