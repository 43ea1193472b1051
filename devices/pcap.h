/* pcap.h - a capture file of the frames the switch carries, in the classic pcap format with
 * nanosecond timestamps (magic 0xa1b23c4d, LINKTYPE_ETHERNET), which tcpdump, tshark and
 * Wireshark read. */
#ifndef DENALI_PCAP_H
#define DENALI_PCAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct pcap_writer {
	FILE *f;
	bool failed;     /* a write failed: pcap_close says so */
	int err;         /* its errno */
	uint64_t frames; /* records written */
};

/* Create path and write the file header: 0, or -1 with errno set. */
int pcap_open(struct pcap_writer *w, const char *path);
/* One record: the frame's bytes, stamped unix_ns (ns since 1970). */
void pcap_frame(struct pcap_writer *w, uint64_t unix_ns, const uint8_t *data, uint32_t len);
/* Flush and close: 0, or -1 with errno set when any write failed. Harmless on a writer never
 * opened (zero-filled). */
int pcap_close(struct pcap_writer *w);

#endif
