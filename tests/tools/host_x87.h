/* host_x87.h - the host CPU's own x87 transcendental instructions, for the tests and the
 * accuracy tool to compare cpu/fpu_transc.c against silicon. x86 hosts only (HOST_X87 is 1).
 *
 * host_x87() starts from FNINIT (all exceptions masked, 64-bit precision, round to nearest),
 * loads b then a (so a is ST(0) and b ST(1)), runs the one instruction, reads the status word
 * right after it and stores ST(0) to *r0 and ST(1) to *r1. It returns the exception, C1 and C2
 * bits (HOST_FSW_MASK). What the instruction did not write (C2 set, a popped slot) is garbage.
 * Every asm ends with FNINIT, so the register stack is empty again whatever was left there.
 */
#ifndef DENALI_HOST_X87_H
#define DENALI_HOST_X87_H

#include <stdint.h>

#include "cpu/fpu.h"

#if defined(__x86_64__) || defined(__i386__)
#define HOST_X87 1

/* The status bits the transcendental functions define (C0 and C3 are undefined). */
#define HOST_FSW_MASK (FSW_IE | FSW_DE | FSW_ZE | FSW_OE | FSW_UE | FSW_PE | FSW_C1 | FSW_C2)

enum host_op { H_FSIN, H_FCOS, H_FSINCOS, H_FPTAN, H_FPATAN, H_F2XM1, H_FYL2X, H_FYL2XP1 };

/* fldt reads and fstpt writes 10 bytes: struct f80 is mant then sexp, little-endian. */
static inline unsigned host_x87(enum host_op op, struct f80 a, struct f80 b, struct f80 *r0,
				struct f80 *r1)
{
	uint16_t sw = 0;
	struct f80 o0 = { 0, 0 }, o1 = { 0, 0 };
	switch (op) {
	case H_FSIN:
		__asm__ volatile("fninit\n\tfldt %4\n\tfldt %3\n\tfsin\n\tfnstsw %2\n\t"
				 "fstpt %0\n\tfstpt %1\n\tfninit"
				 : "=m"(o0), "=m"(o1), "=m"(sw) : "m"(a), "m"(b)
				 : "st", "st(1)", "memory");
		break;
	case H_FCOS:
		__asm__ volatile("fninit\n\tfldt %4\n\tfldt %3\n\tfcos\n\tfnstsw %2\n\t"
				 "fstpt %0\n\tfstpt %1\n\tfninit"
				 : "=m"(o0), "=m"(o1), "=m"(sw) : "m"(a), "m"(b)
				 : "st", "st(1)", "memory");
		break;
	case H_FSINCOS:                      /* pushes: ST(0) = cos, ST(1) = sin */
		__asm__ volatile("fninit\n\tfldt %3\n\tfsincos\n\tfnstsw %2\n\t"
				 "fstpt %0\n\tfstpt %1\n\tfninit"
				 : "=m"(o0), "=m"(o1), "=m"(sw) : "m"(a), "m"(b)
				 : "st", "st(1)", "memory");
		break;
	case H_FPTAN:                        /* pushes: ST(0) = 1.0, ST(1) = tan */
		__asm__ volatile("fninit\n\tfldt %3\n\tfptan\n\tfnstsw %2\n\t"
				 "fstpt %0\n\tfstpt %1\n\tfninit"
				 : "=m"(o0), "=m"(o1), "=m"(sw) : "m"(a), "m"(b)
				 : "st", "st(1)", "memory");
		break;
	case H_FPATAN:                       /* atan(ST(1) / ST(0)), pops */
		__asm__ volatile("fninit\n\tfldt %4\n\tfldt %3\n\tfpatan\n\tfnstsw %2\n\t"
				 "fstpt %0\n\tfninit"
				 : "=m"(o0), "=m"(o1), "=m"(sw) : "m"(a), "m"(b)
				 : "st", "st(1)", "memory");
		break;
	case H_F2XM1:
		__asm__ volatile("fninit\n\tfldt %3\n\tf2xm1\n\tfnstsw %2\n\t"
				 "fstpt %0\n\tfninit"
				 : "=m"(o0), "=m"(o1), "=m"(sw) : "m"(a), "m"(b)
				 : "st", "memory");
		break;
	case H_FYL2X:                        /* ST(1) * log2 ST(0), pops */
		__asm__ volatile("fninit\n\tfldt %4\n\tfldt %3\n\tfyl2x\n\tfnstsw %2\n\t"
				 "fstpt %0\n\tfninit"
				 : "=m"(o0), "=m"(o1), "=m"(sw) : "m"(a), "m"(b)
				 : "st", "st(1)", "memory");
		break;
	case H_FYL2XP1:                      /* ST(1) * log2(ST(0) + 1), pops */
		__asm__ volatile("fninit\n\tfldt %4\n\tfldt %3\n\tfyl2xp1\n\tfnstsw %2\n\t"
				 "fstpt %0\n\tfninit"
				 : "=m"(o0), "=m"(o1), "=m"(sw) : "m"(a), "m"(b)
				 : "st", "st(1)", "memory");
		break;
	}
	*r0 = o0;
	*r1 = o1;
	return sw & HOST_FSW_MASK;
}

/* The same signatures and argument order as cpu/fpu.h. */
static inline unsigned host_sin(struct f80 x, struct f80 *r)
{
	struct f80 unused;
	return host_x87(H_FSIN, x, x, r, &unused);
}

static inline unsigned host_cos(struct f80 x, struct f80 *r)
{
	struct f80 unused;
	return host_x87(H_FCOS, x, x, r, &unused);
}

static inline unsigned host_sincos(struct f80 x, struct f80 *s, struct f80 *c)
{
	return host_x87(H_FSINCOS, x, x, c, s);
}

/* FPTAN's pushed value (1.0, or the NaN when the result is one) goes to *pushed. */
static inline unsigned host_tan2(struct f80 x, struct f80 *r, struct f80 *pushed)
{
	return host_x87(H_FPTAN, x, x, pushed, r);
}

static inline unsigned host_tan(struct f80 x, struct f80 *r)
{
	struct f80 pushed;
	return host_tan2(x, r, &pushed);
}

static inline unsigned host_atan2(struct f80 y, struct f80 x, struct f80 *r)
{
	struct f80 unused;
	return host_x87(H_FPATAN, x, y, r, &unused);
}

static inline unsigned host_2xm1(struct f80 x, struct f80 *r)
{
	struct f80 unused;
	return host_x87(H_F2XM1, x, x, r, &unused);
}

static inline unsigned host_yl2x(struct f80 x, struct f80 y, struct f80 *r)
{
	struct f80 unused;
	return host_x87(H_FYL2X, x, y, r, &unused);
}

static inline unsigned host_yl2xp1(struct f80 x, struct f80 y, struct f80 *r)
{
	struct f80 unused;
	return host_x87(H_FYL2XP1, x, y, r, &unused);
}

#endif
#endif
