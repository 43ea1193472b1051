/* show.c - the kernel's side of what a run shows: the picture (frontend.h), the window and its
 * refresh, --screenshot at system times or at exit, and key events from --keys scripts and the
 * window (keys.h). Everything here runs between quanta; a run that shows nothing pays one
 * compare per quantum (kernel_run's look at show_next_ns). */
#include "denali_arch/show.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "denali_arch/kernel.h"
#include "denali_arch/param.h"
#include "denali_arch/sched.h"
#include "devices/display.h"
#include "devices/keyboard.h"

void kernel_key(struct kernel *k, uint32_t vm, uint32_t event)
{
	if (vm >= k->created || !(event & ~DVA_KEY_UP))
		return; /* not created yet, or a key SDL has no code for */
	struct vm *v = k->vms[vm];
	if (v->state == VM_DONE || !v->keyboard)
		return;
	k->raise_time = kernel_now(k);
	keyboard_push(v->keyboard, event);
}

/* The system time of the next thing to show or deliver: a scripted key or a screenshot. */
static uint64_t next_due(const struct kernel *k)
{
	uint64_t t = k->keys.next < k->keys.n ? k->keys.ev[k->keys.next].at_ns : UINT64_MAX;
	for (unsigned i = 0; i < k->cfg->nshots; i++) {
		const struct screenshot *s = &k->cfg->shots[i];
		if (!s->at_exit && !k->shot_taken[i] && s->at_ns < t)
			t = s->at_ns;
	}
	return t;
}

/* Save the picture as it is now to path: one line on stderr when it cannot be. */
static void save(struct kernel *k, const char *path)
{
	char err[512];
	if (screen_compose(k->screen, k)) {
		fprintf(stderr, "denali: --screenshot %s: out of host memory\n", path);
		k->shot_failed = true;
		return;
	}
	if (png_write(path, k->screen->pix, k->screen->w, k->screen->h, err, sizeof(err))) {
		fprintf(stderr, "denali: --screenshot %s: %s\n", path, err);
		k->shot_failed = true;
	}
}

void show_due(struct kernel *k, uint64_t now)
{
	struct key_script *ks = &k->keys;
	while (ks->next < ks->n && ks->ev[ks->next].at_ns <= now) {
		const struct key_event *e = &ks->ev[ks->next++];
		kernel_key(k, e->vm, e->event);
	}
	for (unsigned i = 0; i < k->cfg->nshots; i++) {
		const struct screenshot *s = &k->cfg->shots[i];
		if (!s->at_exit && !k->shot_taken[i] && s->at_ns <= now) {
			k->shot_taken[i] = true;
			save(k, s->path);
		}
	}
	k->show_next_ns = next_due(k);
}

static void window_tick(void *opaque)
{
	struct kernel *k = opaque;
	frontend_refresh(k->frontend, k);
	evloop_timer_arm(&k->loop, k->frontend_timer, evloop_now(&k->loop) + FRONTEND_PERIOD_NS);
}

int show_init(struct kernel *k)
{
	const struct run_config *cfg = k->cfg;
	char err[600];
	k->show_next_ns = UINT64_MAX;
	k->frontend_timer = -1;
	if (cfg->keys && keys_load(&k->keys, cfg->keys, cfg->focus, config_vm_count(cfg), err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	if (cfg->nshots && !(k->shot_taken = calloc(cfg->nshots, sizeof(*k->shot_taken)))) {
		fprintf(stderr, "denali: out of host memory\n");
		return EXIT_REFUSED;
	}
	if (cfg->display != DISPLAY_NONE || cfg->nshots) {
		k->screen = calloc(1, sizeof(*k->screen));
		if (!k->screen || screen_init(k->screen, cfg->display, cfg->focus)) {
			fprintf(stderr, "denali: out of host memory for the picture\n");
			return EXIT_REFUSED;
		}
	}
	if (cfg->display != DISPLAY_NONE) {
		k->frontend = frontend_open(k, k->screen, err, sizeof(err));
		if (!k->frontend) {
			fprintf(stderr, "denali: --display %s: %s\n", cfg->display == DISPLAY_SDL ? "sdl" : "mosaic", err);
			return EXIT_USAGE;
		}
		k->frontend_timer = evloop_timer_add(&k->loop, window_tick, k);
		if (k->frontend_timer < 0) {
			fprintf(stderr, "denali: --display: no host timer left for the window\n");
			return EXIT_REFUSED;
		}
		evloop_timer_arm(&k->loop, k->frontend_timer, evloop_now(&k->loop));
	}
	k->show_next_ns = next_due(k);
	return 0;
}

void show_vm_created(struct kernel *k, struct vm *v)
{
	if (k->screen && screen_watches(k->screen, v->id))
		screen_vm_created(k->screen, v); /* its frames are copied, its console's tail kept */
}

void show_vm_ended(struct kernel *k, struct vm *v)
{
	if (v->display) {
		k->presents += v->display->presents;
		k->presents_copied += v->display->copies;
	}
	if (v->keyboard) {
		k->keys_given += v->keyboard->events;
		k->keys_dropped += v->keyboard->dropped;
	}
	if (k->screen && screen_watches(k->screen, v->id))
		screen_vm_ended(k->screen, v);
}

int show_finish(struct kernel *k)
{
	const struct run_config *cfg = k->cfg;
	for (unsigned i = 0; i < cfg->nshots; i++) {
		const struct screenshot *s = &cfg->shots[i];
		if (k->shot_taken[i])
			continue;
		if (!s->at_exit)
			fprintf(stderr, "denali: --screenshot %s: the run ended before its time; saved as it ended\n",
				s->path);
		k->shot_taken[i] = true;
		save(k, s->path);
	}
	if (k->frontend)
		frontend_refresh(k->frontend, k); /* the last frames, before the window closes */
	return k->shot_failed ? -1 : 0;
}

void show_destroy(struct kernel *k)
{
	if (k->frontend) {
		frontend_close(k->frontend);
		k->frontend = NULL;
	}
	if (k->frontend_timer >= 0) {
		evloop_timer_remove(&k->loop, k->frontend_timer);
		k->frontend_timer = -1;
	}
	if (k->screen) {
		screen_destroy(k->screen);
		free(k->screen);
		k->screen = NULL;
	}
	free(k->shot_taken);
	k->shot_taken = NULL;
	keys_free(&k->keys);
}
