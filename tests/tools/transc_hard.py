#!/usr/bin/env python3
"""transc_hard.py - prints the hard-argument rows of tests/unit/test_transc.c.

For every binary exponent u in [0, 62] it finds the 80-bit values x = M 2^(u-63) (M a 64-bit
significand) closest to a multiple of pi/2, from the continued fraction of 2^(u-62)/pi (its
convergents and semiconvergents and their small multiples), the arguments where an argument
reduction with too short a pi loses the most. The expected sin, cos and tan (and C1) are computed with
mpmath at 600 bits and rounded to nearest at 64 bits; rows whose exact value lies within 1/64
ulp of a rounding boundary are left out so the expected bits do not hinge on the last 2^-120.
Needs mpmath (a developer tool; the tests themselves only read the printed table).
"""
import mpmath as mp

mp.mp.prec = 600
TWO63, TWO64 = 1 << 63, 1 << 64


def f80_round(v):
    """(sexp, mant, frac) of v rounded to nearest at 64 bits; frac = position in the ulp."""
    neg = v < 0
    v = abs(v)
    e = int(mp.floor(mp.log(v, 2)))
    m = v / mp.mpf(2) ** (e - 63)
    if m >= TWO64:
        e += 1
        m /= 2
    if m < TWO63:
        e -= 1
        m *= 2
    fl = int(mp.floor(m))
    frac = m - fl
    r = int(mp.nint(m))
    if r >= TWO64:
        r >>= 1
        e += 1
    return ((0x8000 if neg else 0) | (e + 16383), r, float(frac))


def cf_candidates(beta, limit):
    """Denominators q < limit of convergents and semiconvergents of beta."""
    a = []
    x = beta
    for _ in range(80):
        ai = int(mp.floor(x))
        a.append(ai)
        x = x - ai
        if x == 0:
            break
        x = 1 / x
    qs = set()
    q_prev2, q_prev1 = 1, 0     # q_{-2}, q_{-1}
    for ai in a:
        # semiconvergents t q_{n-1} + q_{n-2}: the first and last few t below the limit
        t_max = min(ai, (limit - 1 - q_prev2) // q_prev1) if q_prev1 else 0
        for t in set(range(1, min(t_max, 4) + 1)) | set(range(max(1, t_max - 3), t_max + 1)):
            qs.add(t * q_prev1 + q_prev2)
        q = ai * q_prev1 + q_prev2
        if q >= limit:
            break
        q_prev2, q_prev1 = q_prev1, q
    return qs


def worst_for_exponent(u, keep):
    beta = mp.mpf(2) ** (u - 62) / mp.pi          # x 2/pi = M beta
    best = []
    for q in cf_candidates(beta, TWO64):
        j0 = -(-TWO63 // q)
        for j in range(j0, j0 + 3):
            M = j * q
            if not TWO63 <= M < TWO64:
                continue
            t = M * beta
            d = abs(t - mp.nint(t))
            best.append((d, M))
    best.sort()
    return best[:keep]


def row(fn, sexp, mant, v):
    rs, rm, frac = f80_round(v)
    if abs(frac - 0.5) < 1 / 64:
        return None
    flags = "FSW_PE | FSW_C1" if frac > 0.5 else "FSW_PE"   # C1: rounded up in magnitude
    return (f"\t{{ {fn}, F80(0x{sexp:04x}, 0x{mant:016x}), F80(0x{rs:04x}, 0x{rm:016x}), "
            f"{flags} }},")


def main():
    rows = []
    args = []
    for u in range(0, 63):
        for d, M in worst_for_exponent(u, 1):
            args.append((float(mp.log(d, 2)), u, M))
    args.sort()
    for lg, u, M in args[:24]:                    # the 24 closest over all exponents
        x = mp.mpf(M) * mp.mpf(2) ** (u - 63)
        rows.append(f"\t/* |x 2/pi - k| = 2^{lg:.1f} */")
        for neg in (False, True):
            sexp = (0x8000 if neg else 0) | (u + 16383)
            xs = -x if neg else x
            for fn, v in (("T_SIN", mp.sin(xs)), ("T_COS", mp.cos(xs)), ("T_TAN", mp.tan(xs))):
                r = row(fn, sexp, M, v)
                if r:
                    rows.append(r)
    print("\n".join(rows))


main()
