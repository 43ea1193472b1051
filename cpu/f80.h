/* f80.h - the x87's basic operations on 80-bit values under a control word, bit-exact.
 *
 * Every operation takes the guest's control word (precision control in bits 8-9, rounding
 * control in bits 10-11, exception masks in bits 0-5) and returns the status-word bits it
 * raises: the exception flags IE DE ZE OE UE PE, C1 where the SDM defines it (1 = the result
 * was rounded up, in magnitude), and C0/C2/C3 for compares and partial remainders. ES, B, SF
 * and TOP are never returned: the stack and the summary bits are the caller's (fpu.c).
 *
 * Results are those of the hardware under that control word, masked or not:
 *  - an unmasked invalid-operation, denormal-operand or zero-divide exception stops the
 *    operation before it computes (SDM Vol. 1, 8.5.1-8.5.3): *r is then meaningless and the
 *    caller must leave the destination alone;
 *  - an unmasked overflow or underflow on a register result delivers the result with its
 *    exponent scaled by 2^-24576 or 2^+24576 (SDM Vol. 1, 8.5.4 and 8.5.5), as here;
 *  - stores to memory (f80_st_*) return the flags only; with an unmasked exception among them
 *    the caller writes nothing.
 *
 * Two implementations exist: f80_host_* (f80_host.c) runs the real x87 instruction on an x86
 * host, f80_soft_* (f80_soft.c, integer arithmetic, every host) computes the same bits. The
 * f80_* names below select one: the software, on every host (the same bits everywhere, and
 * faster), unless DENALI_F80_HOST (make F80=host) asks for the host's x87. tests/unit/test_f80.c
 * checks the software against the silicon.
 */
#ifndef DENALI_F80_H
#define DENALI_F80_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/fpu.h"

#if defined(__x86_64__) || defined(__i386__)
#define F80_HAVE_HOST 1 /* f80_host.c is built: the tests' oracle */
#else
#define F80_HAVE_HOST 0
#endif
#if F80_HAVE_HOST && defined(DENALI_F80_HOST)
#define F80_HOST 1 /* the x87 of the host computes (make F80=host) */
#else
#define F80_HOST 0 /* f80_soft.c computes: the default on every host */
#endif

/* Control-word fields (SDM Vol. 1, 8.1.5). */
#define FCW_EXC 0x003Fu  /* exception masks IM DM ZM OM UM PM */
#define FCW_PC 0x0300u   /* precision: 0 = 24 bits, 2 = 53, 3 = 64 (1 reserved: as 64? see docs) */
#define FCW_RC 0x0C00u   /* rounding: 0 nearest, 1 down, 2 up, 3 toward zero */
#define FSW_EXC 0x003Fu  /* the six exception flags */
#define FSW_CC (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)

/* The constants FLD1 .. FLDZ load (SDM Vol. 2, FLD1/FLDL2T/FLDL2E/FLDPI/FLDLG2/FLDLN2/FLDZ). */
enum f80_const { K_ONE, K_L2T, K_L2E, K_PI, K_LG2, K_LN2, K_ZERO };

/* Packed BCD (FBLD/FBSTP): 18 digits, two per byte, least significant first; byte 9 bit 7 is
 * the sign. */
struct f80_bcd {
	uint8_t b[10];
};

/* One implementation's entry points. r may alias no input. */
#define F80_API(p) \
	unsigned p##add(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r);   /* a + b */ \
	unsigned p##sub(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r);   /* a - b */ \
	unsigned p##mul(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r);   /* a * b */ \
	unsigned p##div(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r);   /* a / b */ \
	unsigned p##sqrt(uint16_t cw, struct f80 a, struct f80 *r);                 \
	unsigned p##prem(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r);  /* FPREM: a rem b, chop */ \
	unsigned p##prem1(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r); /* FPREM1: IEEE */ \
	unsigned p##scale(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r); /* a * 2^trunc(b) */ \
	unsigned p##xtract(uint16_t cw, struct f80 a, struct f80 *exp, struct f80 *sig); \
	unsigned p##rndint(uint16_t cw, struct f80 a, struct f80 *r);               \
	unsigned p##cmp(uint16_t cw, struct f80 a, struct f80 b, bool quiet); /* C0 C2 C3: FCOM/FUCOM a, b */ \
	unsigned p##ld_f32(uint16_t cw, uint32_t v, struct f80 *r);  /* FLD m32fp */ \
	unsigned p##ld_f64(uint16_t cw, uint64_t v, struct f80 *r);  /* FLD m64fp */ \
	unsigned p##st_f32(uint16_t cw, struct f80 a, uint32_t *r);  /* FST m32fp */ \
	unsigned p##st_f64(uint16_t cw, struct f80 a, uint64_t *r);  /* FST m64fp */ \
	unsigned p##st_int(uint16_t cw, struct f80 a, unsigned size, uint64_t *r); /* FIST m16/32/64int */ \
	unsigned p##st_bcd(uint16_t cw, struct f80 a, struct f80_bcd *r);          /* FBSTP */ \
	unsigned p##ld_const(uint16_t cw, enum f80_const k, struct f80 *r)

F80_API(f80_soft_);
#if F80_HAVE_HOST
F80_API(f80_host_);
#endif
#if F80_HOST
#define F80_IMPL(name) f80_host_##name
#else
#define F80_IMPL(name) f80_soft_##name
#endif

/* The implementation in use, by the names handlers call. */
static inline unsigned f80_add(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { return F80_IMPL(add)(cw, a, b, r); }
static inline unsigned f80_sub(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { return F80_IMPL(sub)(cw, a, b, r); }
static inline unsigned f80_mul(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { return F80_IMPL(mul)(cw, a, b, r); }
static inline unsigned f80_div(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { return F80_IMPL(div)(cw, a, b, r); }
static inline unsigned f80_sqrt(uint16_t cw, struct f80 a, struct f80 *r) { return F80_IMPL(sqrt)(cw, a, r); }
static inline unsigned f80_prem(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { return F80_IMPL(prem)(cw, a, b, r); }
static inline unsigned f80_prem1(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { return F80_IMPL(prem1)(cw, a, b, r); }
static inline unsigned f80_scale(uint16_t cw, struct f80 a, struct f80 b, struct f80 *r) { return F80_IMPL(scale)(cw, a, b, r); }
static inline unsigned f80_xtract(uint16_t cw, struct f80 a, struct f80 *e, struct f80 *s) { return F80_IMPL(xtract)(cw, a, e, s); }
static inline unsigned f80_rndint(uint16_t cw, struct f80 a, struct f80 *r) { return F80_IMPL(rndint)(cw, a, r); }
static inline unsigned f80_cmp(uint16_t cw, struct f80 a, struct f80 b, bool quiet) { return F80_IMPL(cmp)(cw, a, b, quiet); }
static inline unsigned f80_ld_f32(uint16_t cw, uint32_t v, struct f80 *r) { return F80_IMPL(ld_f32)(cw, v, r); }
static inline unsigned f80_ld_f64(uint16_t cw, uint64_t v, struct f80 *r) { return F80_IMPL(ld_f64)(cw, v, r); }
static inline unsigned f80_st_f32(uint16_t cw, struct f80 a, uint32_t *r) { return F80_IMPL(st_f32)(cw, a, r); }
static inline unsigned f80_st_f64(uint16_t cw, struct f80 a, uint64_t *r) { return F80_IMPL(st_f64)(cw, a, r); }
static inline unsigned f80_st_int(uint16_t cw, struct f80 a, unsigned size, uint64_t *r) { return F80_IMPL(st_int)(cw, a, size, r); }
static inline unsigned f80_st_bcd(uint16_t cw, struct f80 a, struct f80_bcd *r) { return F80_IMPL(st_bcd)(cw, a, r); }
static inline unsigned f80_ld_const(uint16_t cw, enum f80_const k, struct f80 *r) { return F80_IMPL(ld_const)(cw, k, r); }

/* Exact operations, the same code for both implementations (fpu_conv.c). */
struct f80 f80_from_int(int64_t v);                /* FILD: exact, raises nothing */
struct f80 f80_from_bcd(const struct f80_bcd *b);  /* FBLD: exact, raises nothing */
/* A memory operand of FADD/FCOM/... m32fp or m64fp widened without rounding or quieting (the
 * arithmetic then sees an SNaN as an SNaN); *denormal tells whether it was a denormal. */
struct f80 f80_widen_f32(uint32_t v, bool *denormal);
struct f80 f80_widen_f64(uint64_t v, bool *denormal);

/* Classes of an 80-bit value, as FXAM and the tag word see them (SDM Vol. 1, 8.2.2 and 4.8.3). */
enum f80_class {
	F80_UNSUPPORTED, /* unnormal, pseudo-NaN, pseudo-infinity */
	F80_NAN,
	F80_NORMAL,
	F80_INF,
	F80_ZERO,
	F80_DENORMAL,    /* exponent 0, significand non-zero (pseudo-denormals too) */
};
enum f80_class f80_classify(struct f80 x);

static inline bool f80_sign(struct f80 x)
{
	return x.sexp >> 15;
}

/* The real indefinite: the QNaN a masked invalid operation delivers (SDM Vol. 1, 4.8.3.7). */
static inline struct f80 f80_indefinite(void)
{
	return (struct f80){ 0xC000000000000000ull, 0xFFFF };
}

#endif
