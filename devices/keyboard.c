/* keyboard.c - the keyboard device: a bounded queue of key events the host pushes and the guest
 * takes one at a time with IN EAX, DX from port 0xD400 (devices/keyboard.h). */
#include "devices/keyboard.h"

#include <stdlib.h>

#include "denali_arch/dva.h"

bool keyboard_push(struct keyboard *kb, uint32_t event)
{
	kb->events++;
	if (!kb->queue)
		kb->queue = malloc(KEYBOARD_QUEUE * sizeof(*kb->queue));
	bool queued = kb->queue && kb->len < KEYBOARD_QUEUE;
	if (queued)
		kb->queue[(kb->head + kb->len++) % KEYBOARD_QUEUE] = event & KEY_EVENT_MASK;
	else
		kb->dropped++; /* the newest is lost: the guest keeps the order of what it has */
	dev_raise(&kb->dev, DVA_LINE_KEYBOARD);
	return queued;
}

static int keyboard_in(struct device *d, uint16_t port, unsigned size, uint32_t *val)
{
	struct keyboard *kb = (struct keyboard *)d;
	if (port != DVA_PORT_KEYBOARD || size != 4)
		return DEV_GP;
	*val = 0;
	if (kb->len) {
		*val = kb->queue[kb->head];
		kb->head = (kb->head + 1) % KEYBOARD_QUEUE;
		kb->len--;
	}
	return DEV_OK;
}

static void keyboard_destroy(struct device *d)
{
	free(((struct keyboard *)d)->queue);
	free(d);
}

static const struct device_ops keyboard_ops = {
	.in = keyboard_in,
	.destroy = keyboard_destroy,
};

struct keyboard *keyboard_new(void)
{
	struct keyboard *kb = calloc(1, sizeof(*kb));
	if (!kb)
		return NULL;
	kb->dev.ops = &keyboard_ops;
	kb->dev.port_first = kb->dev.port_last = DVA_PORT_KEYBOARD;
	kb->dev.lines = 1u << DVA_LINE_KEYBOARD;
	return kb;
}
