/* kbd.c - the keyboard driver: line 5 drains the device into a ring, threads take events from
 * it, and presses become characters under the Shift and Caps Lock state (kbd.h). */
#include <string.h>

#include "denali.h"
#include "irq.h"
#include "kbd.h"
#include "sync.h"

#define KEYBOARD_BIT (1u << DVA_LINE_KEYBOARD)

/* The one keyboard of this VM. The ring and the modifier state change with interrupts off:
 * the handler fills the ring, threads empty it. */
static int state; /* 0 not set up yet, 1 ready, -1 no keyboard */
static uint32_t ring[KBD_BUFFER];
static uint32_t head, count; /* count events from ring[head] on */
static uint32_t dropped;
static struct mutex wait_lock = MUTEX_INITIALIZER; /* only cond_wait's protocol needs it */
static struct cond key_cond = COND_INITIALIZER;

/* Modifiers, from the events taken so far. */
static int lshift, rshift, capslock;

/* US layout: the character Shift turns each unshifted key into. */
static const char unshifted_keys[] = "`1234567890-=[]\\;',./";
static const char shifted_keys[] = "~!@#$%^&*()_+{}|:\"<>?";

static uint32_t keyboard_in(void)
{
	uint32_t ev;

	__asm__ volatile("inl %w1, %0" : "=a"(ev) : "Nd"((uint16_t)DVA_PORT_KEYBOARD) : "memory");
	return ev;
}

/* Take every event the device holds (0 means none is left); wake the waiting threads. */
static void drain(void)
{
	uint32_t ev, got = 0;

	while ((ev = keyboard_in()) != 0) {
		got++;
		if (count == KBD_BUFFER) {
			dropped++; /* keep the older ones: their order is what a reader relies on */
			continue;
		}
		ring[(head + count++) % KBD_BUFFER] = ev;
	}
	if (got)
		cond_broadcast(&key_cond);
}

static void keyboard_irq(unsigned line)
{
	(void)line;
	drain();
}

int kbd_init(void)
{
	if (state)
		return state > 0 ? 0 : -1;
	if (!(dva_page0.devices & KEYBOARD_BIT)) {
		state = -1;
		return -1;
	}
	state = 1;
	irq_register(DVA_LINE_KEYBOARD, keyboard_irq);
	int s = irq_disable();
	drain(); /* what arrived before the line was unmasked */
	irq_restore(s);
	return 0;
}

int kbd_is_up(uint32_t ev)
{
	return (ev & DVA_KEY_UP) != 0;
}

/* Follow the modifier keys through an event being taken. */
static void track_modifiers(uint32_t ev)
{
	int down = !kbd_is_up(ev);

	switch (KBD_CODE(ev)) {
	case DVA_KEY_LSHIFT:
		lshift = down;
		break;
	case DVA_KEY_RSHIFT:
		rshift = down;
		break;
	case DVA_KEY_CAPSLOCK:
		if (down)
			capslock = !capslock;
		break;
	default:
		break;
	}
}

/* The oldest buffered event into *ev: 1, or 0 when the ring is empty. Interrupts are off. */
static int take(uint32_t *ev)
{
	if (count == 0)
		return 0;
	*ev = ring[head];
	head = (head + 1) % KBD_BUFFER;
	count--;
	track_modifiers(*ev);
	return 1;
}

int kbd_poll(uint32_t *ev)
{
	if (kbd_init())
		return 0;
	int s = irq_disable();
	int got = take(ev);
	irq_restore(s);
	return got;
}

uint32_t kbd_getkey(void)
{
	uint32_t ev;

	if (kbd_init())
		return 0;
	mutex_lock(&wait_lock);
	/* Interrupts off from the check to the wait: the handler's wake-up cannot slip between. */
	int s = irq_disable();
	while (!take(&ev))
		cond_wait(&key_cond, &wait_lock);
	irq_restore(s);
	mutex_unlock(&wait_lock);
	return ev;
}

/* The character of a printable key (its keycode is the unshifted character) under Shift and
 * Caps Lock: Caps Lock affects letters only, and Shift reverses it for them. */
static int printable_char(uint32_t code)
{
	int shift = kbd_shift();

	if (code >= 'a' && code <= 'z')
		return (int)code - ((shift != capslock) ? 'a' - 'A' : 0);
	const char *p = shift ? strchr(unshifted_keys, (int)code) : NULL;
	return p ? shifted_keys[p - unshifted_keys] : (int)code;
}

int kbd_char(uint32_t ev)
{
	uint32_t code = KBD_CODE(ev);

	if (kbd_is_up(ev) || (code & DVA_KEY_SCANCODE_MASK))
		return -1;
	switch (code) {
	case DVA_KEY_RETURN:
		return '\n';
	case DVA_KEY_BACKSPACE:
	case DVA_KEY_TAB:
	case DVA_KEY_ESCAPE:
		return (int)code; /* '\b', '\t' and 27 are these keycodes themselves */
	default:
		break;
	}
	if (code >= ' ' && code < 127)
		return printable_char(code);
	return -1;
}

int kbd_getchar(void)
{
	if (kbd_init())
		return -1;
	for (;;) {
		int c = kbd_char(kbd_getkey());
		if (c >= 0)
			return c;
	}
}

/* The keys DVA_KEY_NAMES names, as a table. */
static const struct {
	const char *name;
	uint32_t code;
} named_keys[] = {
#define KBD_NAMED(n, c) { n, (uint32_t)(c) },
	DVA_KEY_NAMES(KBD_NAMED)
#undef KBD_NAMED
};

/* Every printable character followed by a NUL, so that &printable_names[2 * (c - 33)] is the
 * one-character string for c ('!' .. '~'; Space has a name of its own). */
static const char printable_names[] =
	"!\0\"\0#\0$\0%\0&\0'\0(\0)\0*\0+\0,\0-\0.\0/\0"
	"0\0001\0002\0003\0004\0005\0006\0007\0008\0009\0"
	":\0;\0<\0=\0>\0?\0@\0"
	"A\0B\0C\0D\0E\0F\0G\0H\0I\0J\0K\0L\0M\0N\0O\0P\0Q\0R\0S\0T\0U\0V\0W\0X\0Y\0Z\0"
	"[\0\\\0]\0^\0_\0`\0"
	"a\0b\0c\0d\0e\0f\0g\0h\0i\0j\0k\0l\0m\0n\0o\0p\0q\0r\0s\0t\0u\0v\0w\0x\0y\0z\0"
	"{\0|\0}\0~";
_Static_assert(sizeof(printable_names) == 2 * ('~' - '!' + 1), "one string per character");

const char *kbd_name(uint32_t ev)
{
	uint32_t code = KBD_CODE(ev);

	for (size_t i = 0; i < sizeof(named_keys) / sizeof(named_keys[0]); i++)
		if (named_keys[i].code == code)
			return named_keys[i].name;
	if (code > ' ' && code < 127)
		return &printable_names[2 * (code - '!')];
	return "?";
}

int kbd_shift(void)
{
	return lshift || rshift;
}

int kbd_capslock(void)
{
	return capslock;
}

uint32_t kbd_dropped(void)
{
	return dropped;
}
