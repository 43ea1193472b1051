/* d_mode.c - the display's request statuses (DVA-1 section 7, port 0xD500), seen from a guest
 * (tests/display/run.sh).
 *
 * argv[1] picks the rows:
 *   "rows"  (run with the default 16 MiB) every MODE limit and boundary, PRESENT before any MODE
 *           and after failed ones, unknown ops, buffers in page 0 and in read-only text/rodata,
 *           a 1920x1080 buffer ending exactly at mem_size and one byte past it;
 *   "top"   rows whose answer depends on mem_size (run with --mem 4M and --mem 8M): all of
 *           memory as one buffer, 1920x1080 at 0 and ending at mem_size.
 * Each row sends one request block whose status, arg and result are preset (0xEEEEEEEE,
 * 0xA1A1A1A1, 0xA2A2A2A2) and prints "NAME: status S kept K": S the status the device wrote,
 * K 1 when op, addr, len, arg and result were left as they were (docs/abi.md: the display leaves
 * arg and result as the guest wrote them). The suite compares the output line for
 * line with what DVA-1 section 7 says. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "denali.h"

#define GADDR(p) ((uint32_t)(uintptr_t)(p))
#define MODE 1u
#define PRESENT 2u
#define WH(w, h) ((uint32_t)(w) << 16 | (uint32_t)(h))
#define BIG (1920u * 1080u * 4u) /* bytes of the largest mode */

static struct dva_request rq __attribute__((aligned(4)));
static uint32_t buf[2048]; /* 8 KiB: 1920x1 and 1x1080 fit */
static const uint32_t ro_table[64] = { 1, 2, 3, 4, 5, 6, 7, 8 }; /* .rodata: read-only */

static uint32_t request(uint32_t op, uint32_t addr, uint32_t len, unsigned *kept)
{
	rq = (struct dva_request){ op, 0xEEEEEEEEu, addr, len, 0xA1A1A1A1u, 0xA2A2A2A2u };
	__asm__ volatile("outl %0, %w1" : : "a"(GADDR(&rq)), "Nd"((uint16_t)DVA_PORT_DISPLAY) : "memory");
	*kept = rq.op == op && rq.addr == addr && rq.len == len && rq.arg == 0xA1A1A1A1u &&
		rq.result == 0xA2A2A2A2u;
	return rq.status;
}

static void row(const char *name, uint32_t op, uint32_t addr, uint32_t len)
{
	unsigned kept;
	uint32_t st = request(op, addr, len, &kept);
	printf("%s: status %u kept %u\n", name, (unsigned)st, kept);
}

static void rows(void)
{
	const uint32_t top = dva_page0.mem_size, b = GADDR(buf);
	row("PRESENT before any MODE", PRESENT, 0, 0);
	row("MODE 0x0", MODE, b, WH(0, 0));
	row("MODE 0x1", MODE, b, WH(0, 1));
	row("MODE 1x0", MODE, b, WH(1, 0));
	row("MODE 0x1080", MODE, b, WH(0, 1080));
	row("MODE 1921x1", MODE, b, WH(1921, 1));
	row("MODE 1x1081", MODE, b, WH(1, 1081));
	row("MODE 1921x1080", MODE, b, WH(1921, 1080));
	row("MODE 1920x1081", MODE, b, WH(1920, 1081));
	row("MODE 65535x65535", MODE, b, 0xFFFFFFFFu);
	row("MODE 1x1 at mem_size", MODE, top, WH(1, 1));
	row("MODE 1x1 one byte past mem_size", MODE, top - 3, WH(1, 1));
	row("MODE 1x1 far past mem_size", MODE, 0x80000000u, WH(1, 1));
	row("MODE 8x1 wrapping past 4 GiB", MODE, 0xFFFFFFF0u, WH(8, 1));
	row("MODE 1x1 at 0xFFFFFFFC", MODE, 0xFFFFFFFCu, WH(1, 1));
	row("MODE 1920x1080 one byte past mem_size", MODE, top - BIG + 1, WH(1920, 1080));
	row("MODE 1920x1080 four bytes past mem_size", MODE, top - BIG + 4, WH(1920, 1080));
	row("PRESENT after failed MODEs only", PRESENT, 0, 0);
	row("op 0", 0, b, WH(1, 1));
	row("op 3", 3, b, WH(1, 1));
	row("op 0x101", 0x101, b, WH(1, 1));
	row("op 0x80000002", 0x80000002u, b, WH(1, 1));
	row("op 0xffffffff", 0xFFFFFFFFu, b, WH(1, 1));
	row("PRESENT after unknown ops", PRESENT, 0, 0);
	row("MODE 1x1", MODE, b, WH(1, 1));
	row("PRESENT", PRESENT, 0, 0);
	row("PRESENT ignores the block's addr and len", PRESENT, 0x80000000u, 0xFFFFFFFFu);
	row("op 3 after a MODE", 3, b, WH(1, 1));
	row("MODE 1921x1 after a good MODE", MODE, b, WH(1921, 1));
	row("PRESENT after a failed MODE", PRESENT, 0, 0);
	row("MODE 1920x1", MODE, b, WH(1920, 1));
	row("MODE 1x1080", MODE, b, WH(1, 1080));
	row("PRESENT 1x1080", PRESENT, 0, 0);
	row("MODE 1920x1080 ending exactly at mem_size", MODE, top - BIG, WH(1920, 1080));
	row("PRESENT 1920x1080", PRESENT, 0, 0);
	row("MODE 1x1 the last 4 bytes of memory", MODE, top - 4, WH(1, 1));
	row("MODE 2x1 the last 4 bytes and one past", MODE, top - 4, WH(2, 1));
	row("MODE 16x16 in page 0", MODE, 0, WH(16, 16));
	row("PRESENT from page 0", PRESENT, 0, 0);
	row("MODE 1024x1 all of page 0", MODE, 0, WH(1024, 1));
	row("MODE 1024x2 page 0 and page 1", MODE, 0, WH(1024, 2));
	row("MODE 16x4 in read-only text", MODE, GADDR(main) & ~3u, WH(16, 4));
	row("PRESENT from read-only text", PRESENT, 0, 0);
	row("MODE 64x1 in read-only data", MODE, GADDR(ro_table), WH(64, 1));
	row("PRESENT from read-only data", PRESENT, 0, 0);
	row("MODE 3x1 at an odd address", MODE, b + 1, WH(3, 1));
	row("PRESENT at an odd address", PRESENT, 0, 0);
}

static void top_rows(void)
{
	const uint32_t top = dva_page0.mem_size;
	printf("mem_size %u\n", (unsigned)top);
	row("MODE 1024x1024 at 0", MODE, 0, WH(1024, 1024));
	row("MODE 1024x1024 at 4", MODE, 4, WH(1024, 1024));
	row("MODE 1920x1080 at 0", MODE, 0, WH(1920, 1080));
	row("MODE 1920x1080 ending exactly at mem_size", MODE, top - BIG, WH(1920, 1080));
	row("MODE 1920x1080 one byte past mem_size", MODE, top - BIG + 1, WH(1920, 1080));
	row("PRESENT", PRESENT, 0, 0);
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	if (!strcmp(m, "rows"))
		rows();
	else if (!strcmp(m, "top"))
		top_rows();
	else {
		printf("unknown mode '%s'\n", m);
		return 1;
	}
	return 0;
}
