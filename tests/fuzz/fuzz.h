/* fuzz.h - the fuzz target (random bytes run as guest code) and its input generators.
 *
 * One input is one guest run. Its first bytes are a header choosing how the machine is set up;
 * the rest is the code, placed at FZ_CODE:
 *
 *   byte 0  mode   bits 0-1  handlers: 0 none (vector_base 0), 1 terminate, 2-3 resume
 *                  bit 2     the vector table and handler code are writable (else read-only)
 *                  bit 3     sparse table: a third of the entries are 0
 *                  bit 4     interrupts: irq_enable = 1, irq_mask = 0x7F, a line raised at
 *                            every quantum boundary (upcalls)
 *                  bit 5     registers from the input (FZ_REG_BYTES after the header)
 *                  bit 6     resume chunk of 64 bytes (else 16)
 *                  bit 7     the last quarter of the code is read-only (byte-granular)
 *   byte 1  budget bits 0-2 quanta - 1 (1..8), bits 3-4 quantum 64 << 2k (64..4096)
 *                  bit 5     second run also traced (else only re-split into other quanta)
 *   byte 2  spare  (generators fill it; kept so the layout can grow)
 *   byte 3  spare
 *
 * "terminate" handlers end the run at the first entry: vector n executes MOV EAX, n then
 * TERMINATE. "resume" handlers count the entry, move to their own stack, and IRET to the start
 * of the next FZ chunk of the code after the previous resume point, or TERMINATE with EAX = n
 * once the chunks run out; so one input visits many exceptions, nested ones included.
 */
#ifndef DENALI_FUZZ_H
#define DENALI_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#define FZ_HEADER 4
#define FZ_REG_BYTES 28     /* EAX ECX EDX EBX EBP ESI EDI, little-endian; ESP is never set */
#define FZ_CODE_MAX 0x8000u /* code bytes used; the rest of the input is ignored */

enum fz_mode {
	FZ_H_MASK = 0x03, FZ_H_NONE = 0, FZ_H_TERMINATE = 1,
	FZ_RW_TABLE = 0x04,
	FZ_SPARSE = 0x08,
	FZ_IRQ = 0x10,
	FZ_REGS = 0x20,
	FZ_CHUNK64 = 0x40,
	FZ_RO_CODE = 0x80,
};
#define FZ_TRACED 0x20 /* in the budget byte */

/* What one run ended in, for the driver's summary. */
struct fz_result {
	int exit;             /* enum cpu_exit of the first run's last cpu_run */
	uint32_t vector;      /* CPU_EXIT_FAULT: the vector that could not be delivered */
	const char *why;      /* CPU_EXIT_FAULT: cpu.no_handler (a string literal of the core) */
	uint16_t unimpl;      /* CPU_EXIT_UNIMPL: ZydisMnemonic */
	uint64_t instret;     /* instructions retired */
	uint32_t entries;     /* resume handlers entered (guest counter) */
};

/* Run one input twice and check every invariant; abort() with a message on a violation.
 * Returns 0 (the input was acceptable and ran). */
int fz_run(const uint8_t *data, size_t size, struct fz_result *res);

/* Generators: fill buf (capacity cap >= 64) with a pseudo-random input for seed; returns its
 * size. Generator choice, header and code are all functions of seed alone. */
size_t fz_generate(uint64_t seed, uint8_t *buf, size_t cap);

#endif
