/* plasma.c - an animated plasma on the display, paced by its 60 Hz refresh.
 *
 *   denali run --args "W H SECONDS" --screenshot 1s:plasma.png build/guests/plasma.elf
 *
 * Defaults 320 200 0 (SECONDS 0: run until stopped). Each frame is drawn into the back buffer,
 * presented, and then the program sleeps until the display has shown it (fb_wait_shown), so it
 * draws exactly one frame per refresh when drawing takes less than one. Once per second of
 * system time it prints "plasma: N frames, F.F fps" (N frames so far, the rate over that second);
 * after SECONDS seconds it ends with status 0.
 *
 * All of the arithmetic is integer: a sine table (built once by a rotation recurrence in fixed
 * point), a palette and a square-root table are computed at start, and frame n's picture is a
 * pure function of n, so a screenshot at a given system time is the same in every run.
 */
#include <stdio.h>
#include <stdlib.h>

#include <fb.h>
#include <guestos.h>

#define NS_PER_S 1000000000ull

static int8_t sine[256];    /* sin(2 pi i / 256) * 127 */
static uint32_t palette[256];
static uint16_t *root;      /* root[k] = floor(sqrt(16 k)): distance from a squared distance */
static int16_t *col_wave;   /* per frame: the terms that depend on x alone */
static int32_t *col_dx2;    /* per frame: (x - centre x) squared */

static int sin8(int phase)
{
	return sine[phase & 255];
}

/* s[n+1] = 2 cos(d) s[n] - s[n-1] with d = 2 pi / 256, in Q30 (the constants are 2 cos(d) and
 * sin(d) scaled by 2^30): 256 steps stay within 1e-6 of the true sine. */
static void sine_init(void)
{
	const int64_t two_cos = 2146836866, sin_step = 26350943;
	int64_t prev = 0, cur = sin_step;

	sine[0] = 0;
	for (int i = 1; i < 256; i++) {
		sine[i] = (int8_t)((cur * 127 + (1 << 29)) >> 30);
		int64_t next = ((two_cos * cur + (1 << 29)) >> 30) - prev;
		prev = cur;
		cur = next;
	}
}

/* Three sines a third of a turn apart: a smooth loop through the hues. */
static void palette_init(void)
{
	for (int i = 0; i < 256; i++)
		palette[i] = FB_RGB(128 + sin8(i), 128 + sin8(i + 85), 128 + sin8(i + 171));
}

/* Enough of the square-root table for any point's distance to a centre on the screen. */
static int tables_init(unsigned w, unsigned h)
{
	uint32_t n = ((w * w + h * h) >> 4) + 1;
	uint32_t r = 0;

	root = malloc(n * sizeof(*root));
	col_wave = malloc(w * sizeof(*col_wave));
	col_dx2 = malloc(w * sizeof(*col_dx2));
	if (!root || !col_wave || !col_dx2)
		return -1;
	for (uint32_t k = 0; k < n; k++) {
		while ((r + 1) * (r + 1) <= 16 * k)
			r++;
		root[k] = (uint16_t)r;
	}
	sine_init();
	palette_init();
	return 0;
}

/* The centre of the rings wanders over the screen, a Lissajous figure in frame time. */
static void centre(const struct fb *fb, uint32_t t, int *cx, int *cy)
{
	*cx = (int)fb->w / 2 + sin8((int)t * 2) * ((int)fb->w / 3) / 128;
	*cy = (int)fb->h / 2 + sin8((int)t * 3 + 64) * ((int)fb->h / 3) / 128;
}

/* Frame t: four waves (across, down, diagonal, rings around the moving centre) summed, then
 * coloured through the palette, which also turns with t. */
static void draw_frame(struct fb *fb, uint32_t t)
{
	int cx, cy, ti = (int)t;

	centre(fb, t, &cx, &cy);
	for (int x = 0; x < (int)fb->w; x++) {
		col_wave[x] = (int16_t)sin8(x * 2 + ti * 3);
		col_dx2[x] = (x - cx) * (x - cx);
	}
	for (int y = 0; y < (int)fb->h; y++) {
		int row_wave = sin8(y * 3 - ti * 2), dy2 = (y - cy) * (y - cy);
		uint32_t *p = fb->pixels + (size_t)y * fb->w;
		for (int x = 0; x < (int)fb->w; x++) {
			int ring = root[(uint32_t)(col_dx2[x] + dy2) >> 4];
			int v = col_wave[x] + row_wave + sin8(x + y + ti * 5) +
				sin8(ring * 3 - ti * 4);
			p[x] = palette[(v / 4 + ti) & 255];
		}
	}
}

/* "plasma: N frames, F.F fps": the rate over the frames since the last report. */
static void report(uint32_t frames, uint32_t since, uint64_t ns)
{
	uint64_t tenths = ns ? ((uint64_t)(frames - since) * 10u * NS_PER_S + ns / 2) / ns : 0;

	printf("plasma: %u frames, %u.%u fps\n", (unsigned)frames, (unsigned)(tenths / 10),
	       (unsigned)(tenths % 10));
}

static unsigned arg(int argc, char **argv, int i, unsigned dflt)
{
	return i < argc ? (unsigned)strtoul(argv[i], NULL, 10) : dflt;
}

int main(int argc, char **argv)
{
	unsigned w = arg(argc, argv, 1, 320), h = arg(argc, argv, 2, 200);
	uint64_t seconds = arg(argc, argv, 3, 0);
	struct fb fb;

	if (fb_init(&fb, w, h)) {
		printf("plasma: no %ux%u display (status %u)\n", w, h, (unsigned)fb.status);
		return 1;
	}
	if (tables_init(w, h)) {
		printf("plasma: out of memory\n");
		return 1;
	}
	uint64_t start = now_ns(), next = start + NS_PER_S, last = start;
	uint32_t last_frames = 0;
	for (uint32_t t = 0;; t++) {
		draw_frame(&fb, t);
		if (fb_present(&fb) != 0) {
			printf("plasma: PRESENT failed (status %u)\n", (unsigned)fb.status);
			return 1;
		}
		fb_wait_shown(&fb);
		uint64_t now = now_ns();
		if (now >= next) { /* the first frame shown in each new second since the start */
			report(fb_frames(&fb), last_frames, now - last);
			last_frames = fb_frames(&fb);
			last = now;
			while (next <= now)
				next += NS_PER_S;
		}
		if (seconds && now - start >= seconds * NS_PER_S)
			return 0;
	}
}
