/* display.h - the display device (DVA-1 section 7, port 0xD500): a request block's op 1 MODE
 * sets a framebuffer of width = len >> 16 by height = len & 0xFFFF pixels at addr (each a
 * little-endian u32 0x00RRGGBB, rows 4 * width bytes apart); op 2 PRESENT copies it, during the
 * OUT, into the device's host-side frame, which is what a window, the mosaic and a screenshot
 * show. A display no picture can show (not watched: no window, no screenshot, or a VM outside
 * the mosaic) checks and counts a PRESENT but copies nothing, which the guest cannot tell. Line 6 rises at the display's next refresh after a PRESENT: every DISPLAY_REFRESH_NS of
 * system time, so under the deterministic clock it rises at the same point of every run, whether
 * or not a window is open. The guest never waits for the host's screen.
 *
 * Limits: 1 <= width <= DISPLAY_MAX_W, 1 <= height <= DISPLAY_MAX_H; the buffer must be wholly
 * readable guest memory. Anything else, PRESENT before a MODE, and an unknown op give status 3
 * (DVA_REQ_BAD) and change nothing. */
#ifndef DENALI_DISPLAY_H
#define DENALI_DISPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"

#define DISPLAY_MAX_W 1920u
#define DISPLAY_MAX_H 1080u
#define DISPLAY_REFRESH_NS 16666667u /* 60 Hz of system time */

enum display_op { DISPLAY_MODE = 1, DISPLAY_PRESENT = 2 };

struct display {
	struct device dev;        /* first: the bus sees a struct device */
	uint32_t width, height;   /* the mode, 0 x 0 before the first MODE */
	uint32_t addr;            /* its buffer in guest memory */
	uint32_t *frame;          /* the last frame presented, frame_w * frame_h pixels, or NULL
				   * before the first PRESENT (allocated then, host memory) */
	uint32_t frame_w, frame_h;
	uint64_t presents;        /* PRESENTs done: a front end redraws when this moves */
	uint64_t copies;          /* of them, the ones copied (watched) */
	bool watched;             /* keep a copy of each frame presented (frontend.h) */
	uint64_t shown_at;        /* the refresh at which line 6 rises, or DEV_NEVER */
};

/* A display with no mode, or NULL when out of host memory. */
struct display *display_new(void);
/* The first refresh strictly after system time t (ns): a multiple of DISPLAY_REFRESH_NS. */
uint64_t display_next_refresh(uint64_t t);

#endif
