/* diag.c - diagnostics: vector names, register dumps, disassembly of guest code for humans. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <Zydis/Zydis.h>

#include "cpu/cpu.h"
#include "cpu/flags.h"

const char *cpu_vector_name(uint32_t vector)
{
	static const char *const names[] = {
		[0] = "#DE divide error", [1] = "#DB debug", [2] = "NMI", [3] = "#BP breakpoint",
		[4] = "#OF overflow", [5] = "#BR bound range exceeded", [6] = "#UD invalid opcode",
		[7] = "#NM device not available", [8] = "#DF double fault",
		[10] = "#TS invalid TSS", [11] = "#NP segment not present", [12] = "#SS stack fault",
		[13] = "#GP general protection", [14] = "#PF page fault",
		[16] = "#MF x87 floating-point error", [17] = "#AC alignment check",
		[32] = "upcall",
	};
	if (vector < sizeof(names) / sizeof(names[0]) && names[vector])
		return names[vector];
	return "software interrupt";
}

void cpu_dump_regs(const struct cpu *c, FILE *f)
{
	/* The flags as they are, even while the last ALU operation's are still only recorded. */
	uint32_t fl = c->lf.op == LF_NONE ? c->eflags : (c->eflags & ~FL_OSZAPC) | lazy_compute(&c->lf);
	static const char *const names[GPRS] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
	static const struct { uint32_t bit; char name[3]; } flags[] = {
		{ FL_OF, "OF" }, { FL_DF, "DF" }, { FL_SF, "SF" }, { FL_ZF, "ZF" },
		{ FL_AF, "AF" }, { FL_PF, "PF" }, { FL_CF, "CF" },
	};
	for (int i = 0; i < GPRS; i++)
		fprintf(f, "  %s=%08" PRIx32 "%s", names[i], c->r[i], i % 4 == 3 ? "\n" : "");
	fprintf(f, "  eip=%08" PRIx32 "  eflags=%08" PRIx32 " [", c->eip, fl);
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (fl & flags[i].bit)
			fprintf(f, " %s", flags[i].name);
	fprintf(f, " ]  instret=%" PRIu64 "\n", c->instret);
}

void cpu_disasm(struct cpu *c, uint32_t eip, char *buf, size_t size)
{
	uint8_t bytes[ZYDIS_MAX_INSTRUCTION_LENGTH];
	unsigned n = mem_fetch(&c->mem, eip, sizeof(bytes), bytes);
	ZydisDecodedInstruction zi;
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	char text[96] = "(unreadable)";
	unsigned len = n;

	if (n >= 3 && bytes[0] == DVA_VI_ESCAPE0 && bytes[1] == DVA_VI_ESCAPE1 &&
	    (bytes[2] == DVA_VI_IDLE || bytes[2] == DVA_VI_TERMINATE)) {
		len = 3;
		snprintf(text, sizeof(text), "%s", bytes[2] == DVA_VI_IDLE ? "idle" : "terminate");
	} else if (n > 0 && ZYAN_SUCCESS(ZydisDecoderDecodeFull(&c->cache.zydis, bytes, n, &zi, ops))) {
		ZydisFormatter fmt;
		len = zi.length;
		ZydisFormatterInit(&fmt, ZYDIS_FORMATTER_STYLE_INTEL);
		ZydisFormatterFormatInstruction(&fmt, &zi, ops, zi.operand_count_visible, text,
						sizeof(text), eip, NULL);
	} else if (n > 0) {
		len = n < 4 ? n : 4;
		snprintf(text, sizeof(text), "(bad)");
	}
	size_t at = 0;
	for (unsigned i = 0; i < len && at + 4 < size; i++)
		at += (size_t)snprintf(buf + at, size - at, "%02x ", bytes[i]);
	if (n == 0 && at + 3 < size)
		at += (size_t)snprintf(buf + at, size - at, "?? ");
	while (at < 3 * 8 && at + 1 < size)
		buf[at++] = ' ';
	snprintf(buf + at, size - at, " %s", text);
}
