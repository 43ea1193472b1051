/* keys.h - key events for the keyboard device: their names, --keys scripts, and delivery to a
 * VM (kernel_key, in kernel.h). docs/display.md describes the script format for users:
 *
 *   # a comment; blank lines are ignored
 *   500ms  press Right          down and up at system time 500 ms
 *   +100ms down LShift          "+": that long after the line before (its last typed key)
 *   +0s    up LShift
 *   2s vm 3 type hello, world   one VM's keyboard (default: the focused VM); type presses each
 *                               character, KEYS_TYPE_GAP_NS apart, with LShift where it needs it
 *
 * A key is a printable character ("a", "7", "/") or a name from dva_keys.h ("Return", "Left").
 */
#ifndef DENALI_KEYS_H
#define DENALI_KEYS_H

#include <stddef.h>
#include <stdint.h>

#define KEYS_TYPE_GAP_NS 20000000u /* type: 20 ms of system time per character */

struct key_event {
	uint64_t at_ns;  /* system time it is delivered at */
	uint32_t vm;     /* the VM whose keyboard gets it */
	uint32_t event;  /* keycode, DVA_KEY_UP for a release */
};

/* A script's events, sorted by time (stable: a line's events in order). */
struct key_script {
	struct key_event *ev;
	size_t n, next;  /* next: the first not yet delivered */
};

/* Read path for a run of nvms VMs; events without "vm N" go to default_vm. 0, or -1 with one
 * line in err: "FILE:LINE: reason" (or "FILE: reason" when it cannot be read). */
int keys_load(struct key_script *ks, const char *path, uint32_t default_vm, uint64_t nvms, char *err,
	      size_t errlen);
void keys_free(struct key_script *ks);

/* The keycode a name stands for ("a", "Return", "Left"), or 0 for none. */
uint32_t key_code(const char *name);
/* The name of a keycode (its DVA_KEY_UP bit ignored), or NULL for one without a name. buf
 * holds a one-character name. */
const char *key_name(uint32_t code, char buf[2]);
/* The unshifted key and whether LShift is needed to type the printable character c (US
 * layout), or 0 when c cannot be typed. */
uint32_t key_for_char(char c, int *shift);

#endif
