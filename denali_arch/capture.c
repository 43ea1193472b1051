/* capture.c - --pcap and --pcap-vm (denali_arch/capture.h). */
#include "denali_arch/capture.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "denali_arch/kernel.h"
#include "denali_arch/param.h"

/* The VM n belongs to, or UINT32_MAX for the host's port. */
static uint32_t vm_of(const struct net *n)
{
	return n->dev.host ? ((const struct vm *)n->dev.host->owner)->id : UINT32_MAX;
}

static bool picked(const struct capture *c, const struct net *n)
{
	uint32_t id = vm_of(n);
	return id != UINT32_MAX && c->pick[id];
}

/* A group frame goes to every running VM but its sender: is a chosen one among them? */
static bool group_reaches_pick(const struct kernel *k, uint32_t from)
{
	for (unsigned i = 0; i < k->cfg->npcap_vms; i++) {
		uint32_t id = k->cfg->pcap_vms[i];
		if (id != from && id < k->created && k->vms[id]->state != VM_DONE)
			return true;
	}
	return false;
}

static void tap(void *opaque, const struct net *from, const struct net *to, const struct net_frame *f)
{
	struct kernel *k = opaque;
	struct capture *c = &k->capture;
	if (c->pick) {
		bool keep = picked(c, from) || (to && picked(c, to)) ||
			    ((f->data[0] & 1) && group_reaches_pick(k, vm_of(from)));
		if (!keep)
			return;
	}
	pcap_frame(&c->w, k->clock.epoch_ns + k->raise_time, f->data, f->len);
}

int capture_init(struct kernel *k)
{
	const struct run_config *cfg = k->cfg;
	struct capture *c = &k->capture;
	if (!cfg->pcap)
		return 0;
	if (cfg->npcap_vms) {
		c->pick = calloc(k->total, 1);
		if (!c->pick) {
			fprintf(stderr, "denali: out of host memory for --pcap-vm\n");
			return EXIT_REFUSED;
		}
		for (unsigned i = 0; i < cfg->npcap_vms; i++)
			c->pick[cfg->pcap_vms[i]] = 1; /* config_check: each is a VM of the run */
	}
	if (pcap_open(&c->w, cfg->pcap)) {
		fprintf(stderr, "denali: --pcap: cannot create '%s': %s\n", cfg->pcap, strerror(errno));
		return EXIT_USAGE;
	}
	k->sw.tap = tap;
	return 0;
}

int capture_finish(struct kernel *k)
{
	struct capture *c = &k->capture;
	free(c->pick);
	c->pick = NULL;
	k->sw.tap = NULL;
	if (!pcap_close(&c->w))
		return 0;
	fprintf(stderr, "denali: --pcap: could not write '%s': %s\n", k->cfg->pcap, strerror(errno));
	return -1;
}
