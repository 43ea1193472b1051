#!/usr/bin/env python3
"""png.py - a small PNG reader (Python 3 standard library only: zlib, struct) for the
--screenshot cases of tests/display/run.sh, and the patterns the d_shot guest draws.

    python3 png.py check FILE.png pattern S W H    FILE is W x H, pixel (x, y) pattern S's
    python3 png.py check FILE.png words 0xRRGGBB... W H  its first pixels, row by row, are these
    python3 png.py same FILE.png WANT.png           the two have the same size and pixels
    python3 png.py info FILE.png                    print "W H" (or why it is not a good PNG)

A screenshot must be an 8-bit RGB PNG (colour type 2, bit depth 8, no interlace): the reader
checks the signature, every chunk's CRC, IHDR, that IDAT inflates to exactly H rows of
1 + 3 W bytes, and undoes filter types 0-4 (anything else is an error). "check" prints "ok",
or the first thing that differs, and exits 0 or 1.
"""
import struct
import sys
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


class PngError(Exception):
    pass


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    if pb <= pc:
        return b
    return c


def decode(path):
    """(width, height, rows): rows[y] is a list of 0xRRGGBB ints."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != SIGNATURE:
        raise PngError("not a PNG (bad signature)")
    pos, ihdr, idat, seen_iend = 8, None, [], False
    while pos < len(data):
        if pos + 8 > len(data):
            raise PngError("truncated chunk header at %d" % pos)
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc_at = pos + 8 + length
        if crc_at + 4 > len(data):
            raise PngError("truncated chunk %r" % ctype)
        (crc,) = struct.unpack(">I", data[crc_at:crc_at + 4])
        if zlib.crc32(ctype + body) & 0xFFFFFFFF != crc:
            raise PngError("bad CRC in chunk %r" % ctype)
        if ihdr is None and ctype != b"IHDR":
            raise PngError("first chunk is %r, not IHDR" % ctype)
        if ctype == b"IHDR":
            if length != 13:
                raise PngError("IHDR of %d bytes" % length)
            ihdr = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat.append(body)
        elif ctype == b"IEND":
            seen_iend = True
            break
        pos = crc_at + 4
    if not seen_iend:
        raise PngError("no IEND chunk")
    w, h, depth, ctype, comp, filt, interlace = ihdr
    if (depth, ctype, comp, filt, interlace) != (8, 2, 0, 0, 0):
        raise PngError("not 8-bit RGB without interlace: depth %d colour type %d compression %d "
                       "filter %d interlace %d" % (depth, ctype, comp, filt, interlace))
    if w == 0 or h == 0:
        raise PngError("empty image %dx%d" % (w, h))
    try:
        raw = zlib.decompress(b"".join(idat))
    except zlib.error as e:
        raise PngError("IDAT does not inflate: %s" % e)
    stride = 3 * w
    if len(raw) != h * (stride + 1):
        raise PngError("IDAT inflates to %d bytes, want %d" % (len(raw), h * (stride + 1)))
    prev = bytearray(stride)
    rows = []
    for y in range(h):
        base = y * (stride + 1)
        ft = raw[base]
        line = bytearray(raw[base + 1:base + 1 + stride])
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b = prev[i]
            c = prev[i - 3] if i >= 3 else 0
            if ft == 0:
                pass
            elif ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 255
            elif ft == 4:
                line[i] = (line[i] + paeth(a, b, c)) & 255
            else:
                raise PngError("row %d has filter type %d" % (y, ft))
        rows.append([line[3 * x] << 16 | line[3 * x + 1] << 8 | line[3 * x + 2] for x in range(w)])
        prev = line
    return w, h, rows


def pattern(s, x, y):
    """d_shot.c's pattern s at (x, y)."""
    return ((x * 7 + s * 31) & 255) << 16 | ((y * 13 + s * 17) & 255) << 8 | ((x * y + s * 5 + (x ^ y)) & 255)


def check(path, want_w, want_h, pixel_at, count=None):
    try:
        w, h, rows = decode(path)
    except (OSError, PngError) as e:
        return "%s: %s" % (path, e)
    if (w, h) != (want_w, want_h):
        return "%s is %dx%d, want %dx%d" % (path, w, h, want_w, want_h)
    n = 0
    for y in range(h):
        for x in range(w):
            if count is not None and n >= count:
                return None
            want = pixel_at(x, y)
            if rows[y][x] != want:
                return "%s: pixel (%d, %d) is 0x%06x, want 0x%06x" % (path, x, y, rows[y][x], want)
            n += 1
    return None


def main(argv):
    if len(argv) >= 3 and argv[1] == "info":
        try:
            w, h, _ = decode(argv[2])
        except (OSError, PngError) as e:
            print("%s: %s" % (argv[2], e))
            return 1
        print("%d %d" % (w, h))
        return 0
    if len(argv) == 4 and argv[1] == "same":
        try:
            w, h, rows = decode(argv[3])
        except (OSError, PngError) as e:
            print("%s: %s" % (argv[3], e))
            return 1
        why = check(argv[2], w, h, lambda x, y: rows[y][x])
        print(why or "ok")
        return 1 if why else 0
    if len(argv) == 7 and argv[1] == "check" and argv[3] == "pattern":
        s, w, h = int(argv[4]), int(argv[5]), int(argv[6])
        why = check(argv[2], w, h, lambda x, y: pattern(s, x, y))
    elif len(argv) >= 7 and argv[1] == "check" and argv[3] == "words":
        words = [int(v, 0) for v in argv[4:-2]]
        w, h = int(argv[-2]), int(argv[-1])
        why = check(argv[2], w, h, lambda x, y: words[y * w + x], count=len(words))
    else:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    print(why or "ok")
    return 1 if why else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
