/* d_trap.c - what the display's and the keyboard's ports fault on, seen from #GP and #PF
 * handlers (guestos trap.h) (tests/display/run.sh).
 *
 * DVA-1 section 7: the display takes OUT DX, EAX only, with EAX a 4-byte-aligned request block
 * a 24-byte write could store (misaligned: #GP(0); not writable: the #PF that write would
 * raise); the keyboard takes IN EAX, DX only. Every other width or direction (INSB and OUTSB
 * included), and the ports next to theirs, are #GP(0). (INSD/OUTSD, 32-bit string I/O, are not
 * checked: whether they count as IN EAX / OUT EAX the contract does not say.)
 *
 * Each row runs one I/O instruction with EAX preset to a marker (or a good request block),
 * and prints "NAME: traps N vector V error E at insn A": N the exceptions taken (0 or 1),
 * A 1 when the handler's EIP was the instruction's first byte (it steps past it). Then, by
 * row: "eax kept K" (an IN that faulted left EAX alone), "eax 0x..." (an IN that did not),
 * "block kept K" (a faulting OUT with a good block wrote nothing into it), "fault_addr-block
 * D" (#PF: page 0's fault_addr less the block's address).
 *
 * argv[1] "probe" prints page 0's devices and makes one good access to each device (IN EAX
 * from the keyboard, a MODE to the display): with a device removed by a group's `devices`
 * list, its port must be #GP(0) like any port without a device. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "denali.h"
#include "trap.h"

#define GADDR(p) ((uint32_t)(uintptr_t)(p))
#define MARK 0x12345678u
#define KBD ((uint16_t)DVA_PORT_KEYBOARD)
#define DISP ((uint16_t)DVA_PORT_DISPLAY)

static volatile uint32_t traps, got_vector, got_error, got_addr, at_insn;
static volatile uint32_t insn_eip; /* where the row's instruction starts */
static uint32_t pixels[16];
static struct dva_request good __attribute__((aligned(4)));
static uint8_t space[64] __attribute__((aligned(4)));
static uint8_t sink[16];

static void on_fault(struct trapframe *tf)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)tf->eip;
	traps++;
	got_vector = tf->vector;
	got_error = tf->error;
	got_addr = dva_page0.fault_addr;
	at_insn = tf->eip == insn_eip;
	while (*p == 0x66 || *p == 0xF3) /* operand size, REP */
		p++;
	tf->eip = (uint32_t)(uintptr_t)(p + 1);
}

static void begin(void)
{
	traps = 0;
	got_vector = got_error = got_addr = 0xDEADu;
	at_insn = 0;
}

static void report(const char *name)
{
	printf("%s: traps %u vector %u error %u at insn %u", name, (unsigned)traps,
	       (unsigned)got_vector, (unsigned)got_error, (unsigned)at_insn);
}

/* One instruction at a known address: insn_eip is stored right before it runs. */
#define IO(insn, eax, port)                                                                    \
	__asm__ volatile("movl $1f, %[at]\n1:\t" insn                                          \
			 : "+a"(eax), [at] "=m"(insn_eip)                                      \
			 : "d"((uint32_t)(port)), "S"(GADDR(sink)), "D"(GADDR(sink)), "c"(1u)    \
			 : "memory", "cc")

#define IN_ROW(name, insn, port)                                                               \
	do {                                                                                   \
		uint32_t v = MARK;                                                             \
		begin();                                                                       \
		IO(insn, v, port);                                                             \
		report(name);                                                                  \
		if (traps)                                                                     \
			printf(" eax kept %u\n", v == MARK);                                   \
		else                                                                           \
			printf(" eax 0x%x\n", (unsigned)v);                                    \
	} while (0)

static void good_block(void)
{
	good = (struct dva_request){ 1, 0xEEEEEEEEu, GADDR(pixels), 4u << 16 | 4u, 0, 0 };
}

/* An OUT with the good block's address in EAX: a fault must leave the block alone. */
#define OUT_ROW(name, insn, port)                                                              \
	do {                                                                                   \
		uint32_t v = GADDR(&good);                                                     \
		good_block();                                                                  \
		begin();                                                                       \
		IO(insn, v, port);                                                             \
		report(name);                                                                  \
		printf(" block kept %u\n", good.status == 0xEEEEEEEEu);                        \
	} while (0)

static void block_row(const char *name, uint32_t block, int pf)
{
	uint32_t v = block;
	begin();
	IO("outl %%eax, %%dx", v, DISP);
	report(name);
	if (pf)
		printf(" fault_addr-block %u\n", (unsigned)(got_addr - block));
	else
		printf("\n");
}

static void misaligned_row(const char *name, unsigned mis)
{
	const struct dva_request r = { 1, 0xEEEEEEEEu, GADDR(pixels), 4u << 16 | 4u, 0, 0 };
	uint8_t image[sizeof(r)];
	memcpy(space + mis, &r, sizeof(r));
	memcpy(image, &r, sizeof(r));
	uint32_t before = dva_page0.fault_addr;
	block_row(name, GADDR(space) + mis, 0);
	printf("  fault_addr kept %u block kept %u\n", dva_page0.fault_addr == before,
	       !memcmp(space + mis, image, sizeof(image)));
}

/* "probe": page 0's devices, then one good access to each device, faulting or not. */
static void probe(void)
{
	printf("devices 0x%x\n", (unsigned)dva_page0.devices);
	IN_ROW("keyboard IN EAX", "inl %%dx, %%eax", KBD);
	OUT_ROW("display OUT EAX, good block", "outl %%eax, %%dx", DISP);
	printf("display block status 0x%x\n", (unsigned)good.status);
}

int main(int argc, char **argv)
{
	trap_register(DVA_VEC_GP, on_fault);
	trap_register(DVA_VEC_PF, on_fault);
	if (argc > 1 && !strcmp(argv[1], "probe")) {
		probe();
		return 0;
	}
	const uint32_t top = dva_page0.mem_size;
	/* the keyboard */
	IN_ROW("keyboard IN EAX, nothing queued", "inl %%dx, %%eax", KBD);
	IN_ROW("keyboard IN AL", "inb %%dx, %%al", KBD);
	IN_ROW("keyboard IN AX", "inw %%dx, %%ax", KBD);
	IN_ROW("keyboard INSB", "insb", KBD);
	OUT_ROW("keyboard OUT EAX", "outl %%eax, %%dx", KBD);
	OUT_ROW("keyboard OUT AL", "outb %%al, %%dx", KBD);
	OUT_ROW("keyboard OUT AX", "outw %%ax, %%dx", KBD);
	IN_ROW("IN EAX from 0xD401", "inl %%dx, %%eax", KBD + 1);
	IN_ROW("IN EAX from 0xD3FF", "inl %%dx, %%eax", KBD - 1);
	/* the display: widths and directions */
	OUT_ROW("display OUT AL", "outb %%al, %%dx", DISP);
	OUT_ROW("display OUT AX", "outw %%ax, %%dx", DISP);
	OUT_ROW("display OUTSB", "outsb", DISP);
	IN_ROW("display IN EAX", "inl %%dx, %%eax", DISP);
	IN_ROW("display IN AL", "inb %%dx, %%al", DISP);
	IN_ROW("display IN AX", "inw %%dx, %%ax", DISP);
	OUT_ROW("OUT EAX to 0xD501", "outl %%eax, %%dx", DISP + 1);
	OUT_ROW("OUT EAX to 0xD4FF", "outl %%eax, %%dx", DISP - 1);
	/* the display: request blocks it cannot use */
	misaligned_row("block misaligned by 1", 1);
	misaligned_row("block misaligned by 2", 2);
	misaligned_row("block misaligned by 3", 3);
	block_row("block crossing mem_size", top - 8, 1);
	block_row("block at mem_size", top, 1);
	block_row("block far past mem_size", 0x40000000u, 1);
	block_row("block in read-only text", GADDR(main) & ~3u, 1);
	block_row("block in page 0", 0x200, 1);
	block_row("block on page 0's writable fields", 0x20, 1);
	/* and a good one still works */
	OUT_ROW("display OUT EAX, good block", "outl %%eax, %%dx", DISP);
	printf("good block: status %u\n", (unsigned)good.status);
	return 0;
}
