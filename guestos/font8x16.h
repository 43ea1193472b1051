/* font8x16.h - denali's own 8x16 bitmap console font for printable ASCII (32..126).
 *
 * Shared by guests (guestos's fb_text) and the emulator (its on-screen text), so it depends on
 * nothing but <stdint.h>. Glyph c is font8x16[c - FONT_FIRST]: 16 rows, row 0 at the top, one
 * byte per row with bit 7 the leftmost pixel. Capitals and digits stand on rows 2-11, the
 * x-height is rows 5-11 and descenders reach row 14; column 7 stays empty so characters set
 * side by side keep a one-pixel gap (only '_' fills it, so underscores join up). */
#ifndef DENALI_FONT8X16_H
#define DENALI_FONT8X16_H

#include <stdint.h>

#define FONT_W 8
#define FONT_H 16
#define FONT_FIRST 32
#define FONT_LAST 126

extern const uint8_t font8x16[FONT_LAST - FONT_FIRST + 1][FONT_H];

#endif
