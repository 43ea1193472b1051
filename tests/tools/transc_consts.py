#!/usr/bin/env python3
"""transc_consts.py - prints the constant tables of cpu/fpu_transc.c (pi, ln 2, atan(k/16)...).

Pure integer arithmetic (no floating point, no extra packages), so anyone can regenerate and
check the tables: `python3 tests/tools/transc_consts.py`. Values are computed with PREC working
bits and then rounded (to nearest) or truncated as each table's comment in fpu_transc.c says.
"""
PREC = 1200          # working fraction bits; every series below is summed to 2^-PREC
ONE = 1 << PREC


def atan_inv_euler(p, q):
    """atan(p/q) * 2^PREC by Euler's series: atan(x) = sum_n (2^2n (n!)^2 / (2n+1)!)
    * x^(2n+1) / (1+x^2)^(n+1); the ratio of successive terms is at most x^2/(1+x^2) <= 1/2."""
    # term_n = x/(1+x^2) * prod_{j=1..n} (2j / (2j+1)) * (x^2/(1+x^2))
    num2, den2 = p * p, p * p + q * q          # x^2/(1+x^2) = p^2 / (p^2 + q^2)
    term = ONE * p * q // den2                 # x / (1 + x^2) = pq / (p^2 + q^2)
    total = 0
    n = 0
    while term:
        total += term
        n += 1
        term = term * (2 * n) * num2 // ((2 * n + 1) * den2)
    return total


def ln2():
    """ln 2 = sum_{k>=1} 1 / (k 2^k)."""
    total, k = 0, 1
    while True:
        t = ONE // (k << k)
        if t == 0:
            return total
        total += t
        k += 1


def rounded(v, bits, e):
    """v * 2^-PREC (v > 0) as a significand of `bits` bits with top bit set, value
    m * 2^(e - bits + 1); returns m rounded to nearest."""
    shift = PREC + e - bits + 1               # v / 2^shift = m
    m = (v + (1 << (shift - 1))) >> shift
    assert m >> (bits - 1) == 1, (hex(m), bits)
    return m


def exponent(v):
    """floor(log2(v * 2^-PREC))."""
    return v.bit_length() - 1 - PREC


def words(m, n):
    return [(m >> (64 * i)) & ((1 << 64) - 1) for i in range(n)]


def xf(name, v, comment):
    e = exponent(v)
    m = rounded(v, 128, e)
    lo, hi = words(m, 2)
    print(f"\t/* {comment} */")
    print(f"\t[{name}] = {{ .hi = 0x{hi:016x}, .lo = 0x{lo:016x}, .e = {e} }},")


def main():
    pi = 4 * (4 * atan_inv_euler(1, 5) - atan_inv_euler(1, 239))
    assert abs(pi - 4 * atan_inv_euler(1, 1)) < (1 << 20)  # Machin agrees with 4 atan(1)
    l2 = ln2()
    print("/* 2/pi as a 448-bit fraction, least significant word first (truncated). */")
    two_over_pi = (2 * ONE * ONE // pi) >> (PREC - 448)
    for i, w in enumerate(words(two_over_pi, 7)):
        print(f"\t0x{w:016x},")
    print("/* Constants, 128-bit significands rounded to nearest. */")
    xf("K_PI_2", pi // 2, "pi/2")
    xf("K_3PI_4", 3 * pi // 4, "3pi/4")
    xf("K_LN2", l2, "ln 2")
    xf("K_2_LN2", 2 * ONE * ONE // l2, "2 / ln 2")
    print("/* atan(k/16), k = 1..16, 128-bit significands rounded to nearest. */")
    for k in range(1, 17):
        v = atan_inv_euler(k, 16)
        e = exponent(v)
        m = rounded(v, 128, e)
        lo, hi = words(m, 2)
        print(f"\t{{ .hi = 0x{hi:016x}, .lo = 0x{lo:016x}, .e = {e} }}, /* atan({k}/16) */")
    print("/* 1/n! for n = 0..35, 128-bit significands rounded to nearest. */")
    fact = 1
    for n in range(0, 36):
        if n:
            fact *= n
        v = ONE // fact
        e = exponent(v)
        lo, hi = words(rounded(v, 128, e), 2)
        print(f"\t{{ 0x{hi:016x}, 0x{lo:016x}, {e} }}, /* 1/{n}! */")
    print("/* 1/(2n+1) for n = 0..25, 128-bit significands rounded to nearest. */")
    for n in range(0, 26):
        v = ONE // (2 * n + 1)
        e = exponent(v)
        lo, hi = words(rounded(v, 128, e), 2)
        print(f"\t{{ 0x{hi:016x}, 0x{lo:016x}, {e} }}, /* 1/{2 * n + 1} */")
    # sqrt(2) * 2^63, truncated: the split point of the log2 reduction.
    s = 2 << 126
    r = 1 << 64
    while True:
        n = (r + s // r) // 2
        if n >= r:
            break
        r = n
    print(f"/* floor(sqrt(2) * 2^63) = 0x{r:016x} */")


main()
