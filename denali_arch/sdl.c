/* sdl.c - the window (--display sdl|mosaic; frontend.h, docs/display.md): SDL2 shows the picture
 * (screen.c) scaled by a whole factor where it fits, letterboxed, and turns the window's events
 * into the run's: keys to the focused VM, a click or Ctrl+Tab in the mosaic to move the focus,
 * closing the window to SIGINT.
 *
 * Nothing here waits for the screen: the renderer has no vsync, events are polled, and the
 * picture is copied to the texture only where it changed (struct screen's dirty box), so a
 * refresh where nothing moved costs a compose that draws nothing and an event poll. Built
 * without SDL2 (HAVE_SDL2 undefined), the window cannot be opened and says why.
 */
#include "denali_arch/frontend.h"

#include <stdio.h>

#ifdef HAVE_SDL2

#include <SDL.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "denali_arch/dva_keys.h"
#include "denali_arch/kernel.h"

#define WINDOW_START_W 1024 /* a small picture's window starts at a whole multiple within this */
#define WINDOW_START_H 768
#define PRESSED_MAX 32       /* keys held down at once that the window keeps track of */
#define TITLE_PERIOD_NS 1000000000u
/* Drawing (compose, copy, present) takes at most 1 / DRAW_SHARE of the host's time: one that
 * cost c waits (DRAW_SHARE - 1) * c before the next, so a big mosaic on a slow renderer draws
 * less often instead of slowing the emulation. Events are taken at every refresh regardless. */
#define DRAW_SHARE 5u

struct frontend {
	struct screen *s;
	SDL_Window *win;
	SDL_Renderer *ren;
	SDL_Texture *tex;
	int tex_w, tex_h;         /* the texture's size: the picture's when it was made */
	bool software;            /* the renderer is SDL's software one (no texture size limit) */
	bool failed;              /* drawing failed for good (said once on stderr) */
	bool redraw;              /* the window needs the picture again (exposed, resized) */
	bool closed;              /* the window was closed: the run was told once */
	uint64_t next_draw_ns;    /* host time before which it does not draw (DRAW_SHARE) */
	SDL_Rect dst;             /* where the picture is in the window, in output pixels */
	/* Keys given to the focused VM and not yet released: each release must go where its press
	 * went, and a focus change releases them all there (no key stays down in a VM). */
	uint32_t pressed[PRESSED_MAX];
	unsigned npressed;
	bool tab_taken;           /* the Tab of a Ctrl+Tab: its release is not the guest's either */
	/* The title's figures: the instructions the run retired since the last sample, a second
	 * ago; title_stale: say something new (the focus moved) before the next sample. */
	uint64_t sample_ns, sample_retired;
	double mips;
	bool have_mips;
	bool title_stale;
	char title[160];
};

/* --- keys ------------------------------------------------------------------------------------ */

static int pressed_find(const struct frontend *f, uint32_t code)
{
	for (unsigned i = 0; i < f->npressed; i++)
		if (f->pressed[i] == code)
			return (int)i;
	return -1;
}

/* Every key still down goes up in the VM it went down in. */
static void release_all(struct frontend *f, struct kernel *k)
{
	for (unsigned i = 0; i < f->npressed; i++)
		kernel_key(k, f->s->focus, f->pressed[i] | DVA_KEY_UP);
	f->npressed = 0;
}

static void set_focus(struct frontend *f, struct kernel *k, uint32_t id)
{
	if (id == f->s->focus)
		return;
	release_all(f, k);
	f->s->focus = id;
	f->title_stale = true; /* the title says so at once */
}

/* Ctrl+Tab, Ctrl+Shift+Tab in the mosaic: the next or the previous tile (from a focus outside
 * the grid, the first or the last). */
static void cycle_focus(struct frontend *f, struct kernel *k, bool back)
{
	uint32_t n = screen_mosaic_tiles(k), cur = f->s->focus;
	uint32_t next;
	if (cur >= n)
		next = back ? n - 1 : 0;
	else
		next = back ? (cur + n - 1) % n : (cur + 1) % n;
	set_focus(f, k, next);
}

/* A key of the keyboard device: the SDL keycode's low 16 bits and its scancode bit. */
static uint32_t key_code_of(SDL_Keycode sym)
{
	uint32_t u = (uint32_t)sym;
	return (u & 0xFFFFu) | (u & (uint32_t)SDLK_SCANCODE_MASK);
}

static void on_key(struct frontend *f, struct kernel *k, const SDL_KeyboardEvent *e)
{
	bool down = e->type == SDL_KEYDOWN;
	if (f->s->mode == DISPLAY_MOSAIC && e->keysym.sym == SDLK_TAB) {
		if (down && (e->keysym.mod & KMOD_CTRL)) {
			f->tab_taken = true; /* held down, it repeats: each repeat moves on */
			cycle_focus(f, k, (e->keysym.mod & KMOD_SHIFT) != 0);
			return;
		}
		if (!down && f->tab_taken) {
			f->tab_taken = false;
			return;
		}
	}
	if (e->repeat)
		return; /* the guest sees a key down once; it repeats it itself if it wants */
	uint32_t code = key_code_of(e->keysym.sym);
	if (!code)
		return; /* a key SDL has no keycode for */
	int at = pressed_find(f, code);
	if (down) {
		if (at >= 0 || f->npressed == PRESSED_MAX)
			return;
		f->pressed[f->npressed++] = code;
		kernel_key(k, f->s->focus, code);
	} else if (at >= 0) { /* a release whose press this VM had */
		f->pressed[at] = f->pressed[--f->npressed];
		kernel_key(k, f->s->focus, code | DVA_KEY_UP);
	}
}

/* --- the picture in the window --------------------------------------------------------------- */

/* Where a pw x ph picture goes in an ow x oh window: a whole multiple of its size when it fits,
 * else scaled down to fit; centred either way. */
static SDL_Rect place(int pw, int ph, int ow, int oh)
{
	SDL_Rect r = { 0, 0, pw, ph };
	if (pw <= 0 || ph <= 0 || ow <= 0 || oh <= 0)
		return r;
	if (pw <= ow && ph <= oh) {
		int m = ow / pw < oh / ph ? ow / pw : oh / ph;
		r.w = pw * m;
		r.h = ph * m;
	} else if ((long long)pw * oh >= (long long)ph * ow) {
		r.w = ow;
		r.h = (int)((long long)ph * ow / pw);
	} else {
		r.h = oh;
		r.w = (int)((long long)pw * oh / ph);
	}
	if (r.w < 1)
		r.w = 1;
	if (r.h < 1)
		r.h = 1;
	r.x = (ow - r.w) / 2;
	r.y = (oh - r.h) / 2;
	return r;
}

/* A click at window point (x, y) focuses the VM under it, in the mosaic. */
static void on_click(struct frontend *f, struct kernel *k, int x, int y)
{
	int ww, wh, ow, oh;
	SDL_GetWindowSize(f->win, &ww, &wh);
	if (SDL_GetRendererOutputSize(f->ren, &ow, &oh) || ww <= 0 || wh <= 0 || f->dst.w <= 0 || f->dst.h <= 0)
		return;
	/* window points to output pixels (they differ on a high-DPI screen), then to the picture */
	long long px = (long long)x * ow / ww - f->dst.x, py = (long long)y * oh / wh - f->dst.y;
	if (px < 0 || py < 0 || px >= f->dst.w || py >= f->dst.h)
		return;
	uint32_t id = screen_vm_at(f->s, (uint32_t)(px * f->tex_w / f->dst.w), (uint32_t)(py * f->tex_h / f->dst.h));
	if (id != UINT32_MAX)
		set_focus(f, k, id);
}

static void fail_once(struct frontend *f, const char *what)
{
	if (!f->failed)
		fprintf(stderr, "denali: --display: %s: %s; the window stops drawing\n", what, SDL_GetError());
	f->failed = true;
}

static bool open_renderer(struct frontend *f, bool software)
{
	if (f->tex)
		SDL_DestroyTexture(f->tex);
	if (f->ren)
		SDL_DestroyRenderer(f->ren);
	f->tex = NULL;
	/* no SDL_RENDERER_PRESENTVSYNC: a present must never wait for the screen */
	f->ren = SDL_CreateRenderer(f->win, -1, software ? SDL_RENDERER_SOFTWARE : 0);
	f->software = software;
	if (!f->ren)
		return false;
	SDL_SetRenderDrawColor(f->ren, 0, 0, 0, 255);
	return true;
}

/* A texture the picture's size. A renderer whose textures cannot be that large (a mosaic of
 * 256 VMs is 5508 x 4160) gives way to SDL's software one, which has no limit. */
static bool make_texture(struct frontend *f)
{
	if (f->tex)
		SDL_DestroyTexture(f->tex);
	int w = (int)f->s->w, h = (int)f->s->h;
	f->tex = SDL_CreateTexture(f->ren, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_STREAMING, w, h);
	if (!f->tex && !f->software && open_renderer(f, true))
		f->tex = SDL_CreateTexture(f->ren, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_STREAMING, w, h);
	if (!f->tex)
		return false;
	f->tex_w = w;
	f->tex_h = h;
	return true;
}

/* Copy what changed of the picture into the texture: whole when its size changed. */
static bool upload(struct frontend *f)
{
	struct screen *s = f->s;
	if (!s->pix || !s->w || !s->h)
		return false;
	if (!f->tex || f->tex_w != (int)s->w || f->tex_h != (int)s->h) {
		if (!make_texture(f)) {
			fail_once(f, "cannot make a texture for the picture");
			return false;
		}
		s->dirty_x0 = s->dirty_y0 = 0;
		s->dirty_x1 = s->w;
		s->dirty_y1 = s->h;
	}
	if (s->dirty_x0 >= s->dirty_x1 || s->dirty_y0 >= s->dirty_y1)
		return false;
	SDL_Rect r = { (int)s->dirty_x0, (int)s->dirty_y0, (int)(s->dirty_x1 - s->dirty_x0),
		       (int)(s->dirty_y1 - s->dirty_y0) };
	const uint32_t *from = s->pix + (size_t)s->dirty_y0 * s->w + s->dirty_x0;
	s->dirty_x1 = s->dirty_x0; /* taken */
	if (SDL_UpdateTexture(f->tex, &r, from, (int)(s->w * sizeof(*s->pix)))) {
		fail_once(f, "cannot update the texture");
		return false;
	}
	return true;
}

static void draw(struct frontend *f)
{
	int ow, oh;
	if (SDL_GetRendererOutputSize(f->ren, &ow, &oh))
		return;
	SDL_RenderClear(f->ren);
	if (f->tex) {
		f->dst = place(f->tex_w, f->tex_h, ow, oh);
		SDL_RenderCopy(f->ren, f->tex, NULL, &f->dst);
	}
	SDL_RenderPresent(f->ren);
	f->redraw = false;
}

/* The window events after which it must be drawn again. */
static bool needs_redraw(Uint8 ev)
{
	return ev == SDL_WINDOWEVENT_EXPOSED || ev == SDL_WINDOWEVENT_SHOWN || ev == SDL_WINDOWEVENT_RESIZED ||
	       ev == SDL_WINDOWEVENT_SIZE_CHANGED || ev == SDL_WINDOWEVENT_RESTORED ||
	       ev == SDL_WINDOWEVENT_MAXIMIZED;
}

/* --- the title -------------------------------------------------------------------------------- */

/* "denali - vm 3 - 412.5 MIPS": the focused VM and the whole run's instructions per second
 * over the last second (stats.c's figure, retired instructions over host time, but recent). */
static void update_title(struct frontend *f, const struct kernel *k)
{
	uint64_t now = clock_host_ns();
	bool due = now - f->sample_ns >= TITLE_PERIOD_NS;
	if (!due && !f->title_stale)
		return;
	if (due) {
		if (f->sample_ns) {
			f->mips = (double)(k->clock.retired - f->sample_retired) / (double)(now - f->sample_ns) * 1e3;
			f->have_mips = true;
		}
		f->sample_ns = now;
		f->sample_retired = k->clock.retired;
	}
	f->title_stale = false;
	char t[sizeof(f->title)];
	const char *what = f->s->mode == DISPLAY_MOSAIC ? "denali mosaic" : "denali";
	if (f->have_mips)
		snprintf(t, sizeof(t), "%s - vm %u - %.1f MIPS", what, (unsigned)f->s->focus, f->mips);
	else
		snprintf(t, sizeof(t), "%s - vm %u", what, (unsigned)f->s->focus);
	if (strcmp(t, f->title)) {
		memcpy(f->title, t, sizeof(t));
		SDL_SetWindowTitle(f->win, t);
	}
}

/* --- frontend.h -------------------------------------------------------------------------------- */

/* The window's first size: a whole multiple of the picture within WINDOW_START_W x _H and the
 * screen, or the picture scaled down to fit 90% of the screen when it is larger than that. */
static void start_size(const struct screen *s, int *w, int *h)
{
	int sw = 1280, sh = 800;
	SDL_DisplayMode dm;
	if (SDL_GetDesktopDisplayMode(0, &dm) == 0 && dm.w > 0 && dm.h > 0) {
		sw = dm.w * 9 / 10;
		sh = dm.h * 9 / 10;
	}
	int bw = sw < WINDOW_START_W ? sw : WINDOW_START_W, bh = sh < WINDOW_START_H ? sh : WINDOW_START_H;
	int pw = s->w ? (int)s->w : 640, ph = s->h ? (int)s->h : 400;
	SDL_Rect r = place(pw, ph, pw <= bw && ph <= bh ? bw : sw, pw <= bw && ph <= bh ? bh : sh);
	*w = r.w;
	*h = r.h;
}

/* SDL falls back on video drivers that show nothing (offscreen, dummy) where there is no
 * display: a window nobody can see is no window, unless SDL_VIDEODRIVER asked for one. */
static bool invisible_driver(void)
{
	const char *d = SDL_GetCurrentVideoDriver();
	return d && !getenv("SDL_VIDEODRIVER") && (!strcmp(d, "offscreen") || !strcmp(d, "dummy"));
}

struct frontend *frontend_open(struct kernel *k, struct screen *s, char *err, size_t errlen)
{
	/* SIGINT and SIGTERM stay the kernel's: SDL would turn them into an SDL_QUIT event */
	SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
	SDL_SetHint(SDL_HINT_RENDER_VSYNC, "0");
	SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "nearest");
	/* a window that watches VMs is not a game: the screen saver and the desktop's compositor
	 * stay as the user has them */
	SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "1");
	SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
	if (SDL_Init(SDL_INIT_VIDEO)) {
		snprintf(err, errlen, "%s", SDL_GetError());
		SDL_Quit();
		return NULL;
	}
	if (invisible_driver()) { /* SDL's last error is then some other driver's, beside the point */
		snprintf(err, errlen, "no display to open a window on (DISPLAY is %s)",
			 getenv("DISPLAY") ? "set, but no X server answers there" : "not set");
		SDL_Quit();
		return NULL;
	}
	struct frontend *f = calloc(1, sizeof(*f));
	if (!f || screen_compose(s, k)) {
		snprintf(err, errlen, "out of host memory");
		goto fail;
	}
	f->s = s;
	int w, h;
	start_size(s, &w, &h);
	f->win = SDL_CreateWindow("denali", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, w, h,
				  SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
	if (!f->win || !open_renderer(f, false)) {
		snprintf(err, errlen, "%s", SDL_GetError());
		goto fail;
	}
	SDL_StopTextInput(); /* the guests take keys, not text: no input method in between */
	f->redraw = true;
	update_title(f, k);
	return f;
fail:
	frontend_close(f);
	return NULL;
}

void frontend_refresh(struct frontend *f, struct kernel *k)
{
	SDL_Event e;
	while (SDL_PollEvent(&e)) {
		if (e.type == SDL_QUIT || (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_CLOSE)) {
			if (!f->closed)
				kernel_interrupt(k, SIGINT); /* as ^C: the run ends, status 130 */
			f->closed = true;
		} else if (e.type == SDL_WINDOWEVENT) {
			if (e.window.event == SDL_WINDOWEVENT_FOCUS_LOST)
				release_all(f, k); /* its key-ups will go to another window */
			else if (needs_redraw(e.window.event))
				f->redraw = true;
		} else if (e.type == SDL_KEYDOWN || e.type == SDL_KEYUP) {
			on_key(f, k, &e.key);
		} else if (e.type == SDL_MOUSEBUTTONDOWN && e.button.button == SDL_BUTTON_LEFT &&
			   f->s->mode == DISPLAY_MOSAIC) {
			on_click(f, k, e.button.x, e.button.y);
		}
	}
	update_title(f, k);
	uint64_t start = clock_host_ns();
	if (f->failed || (start < f->next_draw_ns && !f->redraw))
		return;
	if (screen_compose(f->s, k))
		return; /* out of host memory: the window shows what it had, and tries again */
	if (upload(f) || f->redraw)
		draw(f);
	uint64_t end = clock_host_ns();
	f->next_draw_ns = end + (end - start) * (DRAW_SHARE - 1);
}

void frontend_close(struct frontend *f)
{
	if (f) {
		if (f->tex)
			SDL_DestroyTexture(f->tex);
		if (f->ren)
			SDL_DestroyRenderer(f->ren);
		if (f->win)
			SDL_DestroyWindow(f->win);
		free(f);
	}
	SDL_Quit();
}

int frontend_available(void)
{
	return 1;
}

#else /* no SDL2 */

struct frontend *frontend_open(struct kernel *k, struct screen *s, char *err, size_t errlen)
{
	(void)k;
	(void)s;
	snprintf(err, errlen, "this build has no SDL2 window (install libsdl2-dev and rebuild); use --display none");
	return NULL;
}

void frontend_refresh(struct frontend *f, struct kernel *k)
{
	(void)f;
	(void)k;
}

void frontend_close(struct frontend *f)
{
	(void)f;
}

int frontend_available(void)
{
	return 0;
}

#endif
