/* pcap.c - the capture file (devices/pcap.h). Fields are written little-endian whatever the host,
 * so a capture made here reads the same everywhere; readers tell the order from the magic. */
#include "devices/pcap.h"

#include <errno.h>

#define PCAP_MAGIC_NS 0xa1b23c4du /* the nanosecond-resolution variant of the classic format */
#define PCAP_SNAPLEN 65535u
#define LINKTYPE_ETHERNET 1u

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put(struct pcap_writer *w, const void *p, size_t n)
{
	if (!w->failed && fwrite(p, 1, n, w->f) != n) {
		w->failed = true;
		w->err = errno ? errno : EIO;
	}
}

int pcap_open(struct pcap_writer *w, const char *path)
{
	w->failed = false;
	w->err = 0;
	w->frames = 0;
	w->f = fopen(path, "wb");
	if (!w->f)
		return -1;
	uint8_t h[24];
	put32(h, PCAP_MAGIC_NS);
	h[4] = 2; /* version 2.4 */
	h[5] = 0;
	h[6] = 4;
	h[7] = 0;
	put32(h + 8, 0);  /* this zone: UTC */
	put32(h + 12, 0); /* timestamp accuracy: unused, 0 as the format says */
	put32(h + 16, PCAP_SNAPLEN);
	put32(h + 20, LINKTYPE_ETHERNET);
	put(w, h, sizeof(h));
	return 0;
}

void pcap_frame(struct pcap_writer *w, uint64_t unix_ns, const uint8_t *data, uint32_t len)
{
	uint8_t h[16];
	put32(h, (uint32_t)(unix_ns / 1000000000u));
	put32(h + 4, (uint32_t)(unix_ns % 1000000000u));
	put32(h + 8, len); /* frames are at most 1514 bytes: never cut */
	put32(h + 12, len);
	put(w, h, sizeof(h));
	put(w, data, len);
	w->frames++;
}

int pcap_close(struct pcap_writer *w)
{
	if (!w->f)
		return 0;
	bool failed = w->failed;
	int err = w->err;
	if (fflush(w->f) && !failed) {
		failed = true;
		err = errno;
	}
	if (fclose(w->f) && !failed) {
		failed = true;
		err = errno;
	}
	w->f = NULL;
	if (failed)
		errno = err;
	return failed ? -1 : 0;
}
