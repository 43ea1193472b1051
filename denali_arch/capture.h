/* capture.h - --pcap: the kernel's side of capturing the switch's frames (devices/pcap.h writes
 * the file). Every frame a VM sends is recorded once, as the switch takes it from the sender's
 * queue and before it delivers or drops it, stamped with the system time (Unix time: the run's
 * epoch plus time_ns, so a deterministic run gives the same file every time). With --pcap-vm,
 * only frames sent by a chosen VM, sent to one by unicast, or sent to a group address while one
 * is running. */
#ifndef DENALI_CAPTURE_H
#define DENALI_CAPTURE_H

#include <stdint.h>

#include "devices/pcap.h"

struct kernel;

struct capture {
	struct pcap_writer w;
	uint8_t *pick; /* by vm_id, 1 for the --pcap-vm ones; NULL: every frame */
};

/* Open the run's --pcap file, if any, and tap the switch. 0, or the exit status after one line. */
int capture_init(struct kernel *k);
/* Close the file: 0, or -1 after one line saying the capture could not be written. */
int capture_finish(struct kernel *k);

#endif
