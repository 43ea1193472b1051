/* keyboard.h - the keyboard device (DVA-1 section 7, port 0xD400): IN EAX, DX takes the next key
 * event, 0 when none waits. An event is the SDL keycode's low 16 bits, its bit 30
 * (SDLK_SCANCODE_MASK: keys without a character, such as the arrows) and bit 31 for key up.
 * Events come from the window (the focused VM) or a --keys script, through keyboard_push; line 5
 * rises for each. The queue holds KEYBOARD_QUEUE events; one pushed into a full queue is dropped
 * and counted. */
#ifndef DENALI_KEYBOARD_H
#define DENALI_KEYBOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "denali_arch/dva_keys.h"
#include "devices/device.h"

#define KEYBOARD_QUEUE 64u
/* What of an event a keycode keeps: its low 16 bits and bit 30; bit 31 is DVA_KEY_UP. */
#define KEY_EVENT_MASK (DVA_KEY_UP | DVA_KEY_SCANCODE_MASK | 0xFFFFu)

struct keyboard {
	struct device dev;        /* first: the bus sees a struct device */
	uint32_t *queue;          /* KEYBOARD_QUEUE events, allocated at the first push */
	uint32_t head, len;
	uint64_t events;          /* events pushed, dropped ones included */
	uint64_t dropped;         /* events that found the queue full */
};

/* An empty keyboard, or NULL when out of host memory. */
struct keyboard *keyboard_new(void);
/* Queue an event (a keycode, with DVA_KEY_UP for a release) and raise line 5: true, or false when
 * the queue is full (counted in dropped; the line still rises, so the guest drains it). */
bool keyboard_push(struct keyboard *kb, uint32_t event);

#endif
