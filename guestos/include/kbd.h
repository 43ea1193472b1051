/* kbd.h - the keyboard driver: key events from the keyboard device (DVA-1 section 7, port
 * 0xD400, line 5), kept in a buffer in guest memory, and their translation into characters.
 *
 * An event is what the device delivers: the key's SDL keycode (bits 0-15, and bit 30 =
 * DVA_KEY_SCANCODE_MASK for keys without a character, such as the arrows) and bit 31 =
 * DVA_KEY_UP for a release. The keycodes are in denali_arch/dva_keys.h: a key that types a
 * printable character is that character in lower case ('a', '7', '/'), Return is 13, the
 * arrows are DVA_KEY_LEFT, DVA_KEY_RIGHT, DVA_KEY_UP_ARROW, DVA_KEY_DOWN, and so on.
 *
 * The device queues only 64 events, so line 5's handler takes all of them each time, into a
 * KBD_BUFFER-event ring that threads read with kbd_getkey (blocking) or kbd_poll. Shift and
 * Caps Lock are tracked as events are taken from the ring, whichever call takes them, so
 * kbd_char translates an event with the modifiers that were in force when it happened. */
#ifndef GUESTOS_KBD_H
#define GUESTOS_KBD_H

#include <stdint.h>

#include "denali_arch/dva_keys.h"

#define KBD_BUFFER 256u /* events buffered in the guest; more are dropped (kbd_dropped) */

/* The keycode of an event (its release bit removed), and whether it is a release. */
#define KBD_CODE(ev) ((uint32_t)(ev) & ~DVA_KEY_UP)
int kbd_is_up(uint32_t ev);

/* Install line 5's handler and take the events already queued. 0, or -1 when the VM has no
 * keyboard (page 0's devices bit 5). The other calls do it themselves on first use. */
int kbd_init(void);

/* The next event, sleeping the calling thread until there is one; 0 when there is no keyboard.
 * For threads only (it blocks); not for interrupt handlers or timer callbacks. */
uint32_t kbd_getkey(void);
/* The next event in *ev and 1, or 0 at once when none is waiting. Never blocks. */
int kbd_poll(uint32_t *ev);

/* The character a key press types with the current Shift and Caps Lock state (US layout):
 * letters, digits and punctuation, Space, Return as '\n', Backspace as '\b', Tab as '\t',
 * Escape as 27. -1 for releases and keys that type nothing (arrows, Shift, F1, ...). */
int kbd_char(uint32_t ev);
/* The next character typed, sleeping until there is one (events that type nothing are taken
 * and skipped); -1 (EOF) when there is no keyboard. */
int kbd_getchar(void);

/* A key's name, as --keys scripts write it: "Return", "Left", "LShift", ... for the keys
 * DVA_KEY_NAMES names, the character itself ("a", "7", "/") for the other printable keys, "?"
 * for a keycode that is neither. Whether ev is a press or a release does not matter. */
const char *kbd_name(uint32_t ev);

/* 1 while either Shift key is down, 1 while Caps Lock is on (as of the events taken). */
int kbd_shift(void);
int kbd_capslock(void);
/* Events lost because the guest's buffer was full. (The device drops its own when its queue of
 * 64 is full; the handler drains it on every rise of line 5, so that takes a flood within one
 * delivery.) */
uint32_t kbd_dropped(void);

#endif
