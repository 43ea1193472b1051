/* klib.c - the kernel-test guests' report (k_finish) and vector table (klib.h). */
#include "tests/kernel/guests/klib.h"

uint32_t k_vectors[256];

/* A guest without an upcall handler of its own gets this one. */
__attribute__((weak)) void k_upcall(struct k_frame *f)
{
	(void)f;
}

/* The virtual instructions and console output, here rather than from the guest library so these
 * guests pull nothing from it (only crt0 and its start code, for the C guests). */
uint32_t k_idle(uint32_t us)
{
	__asm__ volatile(".byte 0x0f, 0x3f, 0x01" : "+a"(us) : : "memory");
	return us;
}

void k_terminate(uint32_t status)
{
	for (;;)
		__asm__ volatile(".byte 0x0f, 0x3f, 0x02" : : "a"(status) : "memory");
}

void k_write(const void *buf, uint32_t n)
{
	__asm__ volatile("cld; rep outsb" : "+S"(buf), "+c"(n) : "d"((uint16_t)DVA_PORT_CONSOLE) : "memory");
}

void k_out32(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

uint64_t k_now(void)
{
	uint32_t hi, lo;
	do { /* DVA-1 section 3: high, low, high again */
		hi = (uint32_t)(dva_page0.time_ns >> 32);
		lo = (uint32_t)dva_page0.time_ns;
	} while (hi != (uint32_t)(dva_page0.time_ns >> 32));
	return (uint64_t)hi << 32 | lo;
}

/* A formatter of our own (the guest library's printf is not needed): %u %x %s %c %%, no widths.
 * The line goes out as one REP OUTSB. */
void k_printf(const char *fmt, ...)
{
	char buf[256];
	size_t n = 0;
	va_list ap;
	va_start(ap, fmt);
	for (const char *p = fmt; *p && n < sizeof(buf) - 12; p++) {
		if (*p != '%' || !p[1]) {
			buf[n++] = *p;
			continue;
		}
		char conv = *++p;
		if (conv == 'u' || conv == 'x') {
			uint32_t v = va_arg(ap, uint32_t), base = conv == 'u' ? 10 : 16;
			char digits[12];
			int k = 0;
			do {
				digits[k++] = "0123456789abcdef"[v % base];
				v /= base;
			} while (v);
			while (k)
				buf[n++] = digits[--k];
		} else if (conv == 's') {
			for (const char *q = va_arg(ap, const char *); *q && n < sizeof(buf) - 12; q++)
				buf[n++] = *q;
		} else if (conv == 'c') {
			buf[n++] = (char)va_arg(ap, int);
		} else {
			buf[n++] = conv;
		}
	}
	va_end(ap);
	k_write(buf, (uint32_t)n);
}

void k_finish(uint32_t status)
{
	dva_page0.irq_enable = 0;
	dva_page0.irq_mask = 0;
	k_out32(DVA_PORT_TIMER_ONESHOT, 0);
	k_out32(DVA_PORT_TIMER_PERIODIC, 0);
	uint64_t slot = K_PRINT_NS + (uint64_t)dva_page0.vm_id * K_PRINT_GAP_NS, now;
	while ((now = k_now()) < slot)
		k_idle((uint32_t)((slot - now + 999u) / 1000u));
	uint32_t n = &k_nrec ? k_nrec : 0; /* weak: absent in a guest without REC slots */
	for (uint32_t i = 0; i < n; i++) {
		if (k_vals[i] == K_UNSET)
			continue; /* a REC this VM's path does not pass */
		k_printf(k_labels[i], k_vals[i]);
		k_write("\n", 1);
	}
	k_terminate(status);
}
