/* dva_keys.h - the keycodes of the keyboard device (DVA-1 section 7) and their names, shared by
 * the emulator (--keys scripts, the window) and guests (guestos's keyboard driver).
 *
 * A keycode is SDL2's: a key that types a character is that character (lower case: 'a' = 97),
 * any other key is its USB HID scancode with bit 30 set (SDLK_SCANCODE_MASK). These values are
 * SDL2's published keycode ABI (SDL_keycode.h); the names are ours, one word each, so a --keys
 * line needs no quoting. Like dva.h this depends on nothing but <stdint.h>.
 */
#ifndef DENALI_DVA_KEYS_H
#define DENALI_DVA_KEYS_H

#include <stdint.h>

#define DVA_KEY_UP (1u << 31)            /* the event is a release */
#define DVA_KEY_SCANCODE_MASK (1u << 30) /* the keycode is a scancode, not a character */
#define DVA_KEY_SC(n) (DVA_KEY_SCANCODE_MASK | (n))

enum dva_key {
	DVA_KEY_BACKSPACE = 8,
	DVA_KEY_TAB = 9,
	DVA_KEY_RETURN = 13,
	DVA_KEY_ESCAPE = 27,
	DVA_KEY_SPACE = 32,
	DVA_KEY_DELETE = 127,
	DVA_KEY_CAPSLOCK = DVA_KEY_SC(57),
	DVA_KEY_F1 = DVA_KEY_SC(58), /* F1-F12: 58-69 */
	DVA_KEY_F12 = DVA_KEY_SC(69),
	DVA_KEY_INSERT = DVA_KEY_SC(73),
	DVA_KEY_HOME = DVA_KEY_SC(74),
	DVA_KEY_PAGEUP = DVA_KEY_SC(75),
	DVA_KEY_END = DVA_KEY_SC(77),
	DVA_KEY_PAGEDOWN = DVA_KEY_SC(78),
	DVA_KEY_RIGHT = DVA_KEY_SC(79),
	DVA_KEY_LEFT = DVA_KEY_SC(80),
	DVA_KEY_DOWN = DVA_KEY_SC(81),
	DVA_KEY_UP_ARROW = DVA_KEY_SC(82),
	DVA_KEY_LCTRL = DVA_KEY_SC(224),
	DVA_KEY_LSHIFT = DVA_KEY_SC(225),
	DVA_KEY_LALT = DVA_KEY_SC(226),
	DVA_KEY_LGUI = DVA_KEY_SC(227),
	DVA_KEY_RCTRL = DVA_KEY_SC(228),
	DVA_KEY_RSHIFT = DVA_KEY_SC(229),
	DVA_KEY_RALT = DVA_KEY_SC(230),
	DVA_KEY_RGUI = DVA_KEY_SC(231),
};

/* The named keys, X(name, keycode): every key that does not type a printable ASCII character.
 * A printable character other than space is named by itself ("a", "7", "/"). */
#define DVA_KEY_NAMES(X)                                                                        \
	X("Backspace", DVA_KEY_BACKSPACE) X("Tab", DVA_KEY_TAB) X("Return", DVA_KEY_RETURN)     \
	X("Escape", DVA_KEY_ESCAPE) X("Space", DVA_KEY_SPACE) X("Delete", DVA_KEY_DELETE)       \
	X("CapsLock", DVA_KEY_CAPSLOCK) X("F1", DVA_KEY_SC(58)) X("F2", DVA_KEY_SC(59))         \
	X("F3", DVA_KEY_SC(60)) X("F4", DVA_KEY_SC(61)) X("F5", DVA_KEY_SC(62))                 \
	X("F6", DVA_KEY_SC(63)) X("F7", DVA_KEY_SC(64)) X("F8", DVA_KEY_SC(65))                 \
	X("F9", DVA_KEY_SC(66)) X("F10", DVA_KEY_SC(67)) X("F11", DVA_KEY_SC(68))               \
	X("F12", DVA_KEY_SC(69)) X("Insert", DVA_KEY_INSERT) X("Home", DVA_KEY_HOME)            \
	X("PageUp", DVA_KEY_PAGEUP) X("End", DVA_KEY_END) X("PageDown", DVA_KEY_PAGEDOWN)       \
	X("Right", DVA_KEY_RIGHT) X("Left", DVA_KEY_LEFT) X("Down", DVA_KEY_DOWN)               \
	X("Up", DVA_KEY_UP_ARROW) X("LCtrl", DVA_KEY_LCTRL) X("LShift", DVA_KEY_LSHIFT)         \
	X("LAlt", DVA_KEY_LALT) X("LGui", DVA_KEY_LGUI) X("RCtrl", DVA_KEY_RCTRL)               \
	X("RShift", DVA_KEY_RSHIFT) X("RAlt", DVA_KEY_RALT) X("RGui", DVA_KEY_RGUI)

#endif
