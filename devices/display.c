/* display.c - the display device: MODE names a framebuffer in guest memory, PRESENT copies it to
 * the host, and line 6 rises at the next refresh of the system clock (devices/display.h). */
#include "devices/display.h"

#include <stdlib.h>

#include "denali_arch/dva.h"

uint64_t display_next_refresh(uint64_t t)
{
	return (t / DISPLAY_REFRESH_NS + 1) * DISPLAY_REFRESH_NS;
}

static enum dva_req_status display_mode(struct display *dp, const struct dva_request *rq)
{
	uint32_t w = rq->len >> 16, h = rq->len & 0xFFFFu;
	if (w == 0 || h == 0 || w > DISPLAY_MAX_W || h > DISPLAY_MAX_H)
		return DVA_REQ_BAD;
	if (dev_range_check(&dp->dev, rq->addr, w * h * 4u, false) != DVA_REQ_DONE)
		return DVA_REQ_BAD;
	dp->width = w;
	dp->height = h;
	dp->addr = rq->addr;
	return DVA_REQ_DONE;
}

/* The frame buffer for a w x h frame: the one there is when it is big enough. */
static uint32_t *frame_for(struct display *dp, uint32_t w, uint32_t h)
{
	if (!dp->frame || (uint64_t)dp->frame_w * dp->frame_h < (uint64_t)w * h) {
		uint32_t *f = realloc(dp->frame, (size_t)w * h * 4u);
		if (!f)
			return NULL;
		dp->frame = f;
	}
	return dp->frame;
}

static enum dva_req_status display_present(struct display *dp)
{
	if (dp->width == 0)
		return DVA_REQ_BAD;
	uint32_t w = dp->width, h = dp->height, bytes = w * h * 4u;
	if (dp->watched) {
		uint32_t *f = frame_for(dp, w, h);
		if (!f)
			return DVA_REQ_WOULD_BLOCK; /* out of host memory: the guest may try again */
		if (dev_read(&dp->dev, dp->addr, bytes, f) != DVA_REQ_DONE)
			return DVA_REQ_BAD;
		dp->frame_w = w;
		dp->frame_h = h;
		dp->copies++;
	} else if (dev_range_check(&dp->dev, dp->addr, bytes, false) != DVA_REQ_DONE) {
		return DVA_REQ_BAD;
	}
	dp->presents++;
	if (dp->shown_at == DEV_NEVER) {
		dp->shown_at = display_next_refresh(dev_now(&dp->dev));
		dev_deadline_moved(&dp->dev);
	}
	return DVA_REQ_DONE;
}

static int display_out(struct device *d, uint16_t port, unsigned size, uint32_t val)
{
	struct display *dp = (struct display *)d;
	if (port != DVA_PORT_DISPLAY || size != 4)
		return DEV_GP;
	struct dva_request rq;
	int r = dev_request_load(d, val, &rq);
	if (r)
		return r;
	if (rq.op == DISPLAY_MODE)
		rq.status = display_mode(dp, &rq);
	else if (rq.op == DISPLAY_PRESENT)
		rq.status = display_present(dp);
	else
		rq.status = DVA_REQ_BAD;
	dev_request_store(d, val, &rq);
	return DEV_OK;
}

static uint64_t display_deadline(const struct device *d)
{
	return ((const struct display *)d)->shown_at;
}

static void display_expire(struct device *d, uint64_t now)
{
	struct display *dp = (struct display *)d;
	if (dp->shown_at > now)
		return;
	dp->shown_at = DEV_NEVER;
	dev_raise(d, DVA_LINE_DISPLAY);
}

static void display_destroy(struct device *d)
{
	free(((struct display *)d)->frame);
	free(d);
}

static const struct device_ops display_ops = {
	.out = display_out,
	.deadline = display_deadline,
	.expire = display_expire,
	.destroy = display_destroy,
};

struct display *display_new(void)
{
	struct display *dp = calloc(1, sizeof(*dp));
	if (!dp)
		return NULL;
	dp->dev.ops = &display_ops;
	dp->dev.port_first = dp->dev.port_last = DVA_PORT_DISPLAY;
	dp->dev.lines = 1u << DVA_LINE_DISPLAY;
	dp->shown_at = DEV_NEVER;
	return dp;
}
