/* t_exc_pf.c - #PF (vector 14, a fault that pushes its error code; DVA-1 section 1): error code
 * bits P (below mem_size), W (write), U (always), I (fetch); fault_addr = the lowest byte that is
 * not allowed; nothing written by a faulting store. Reads and writes past mem_size, writes to
 * read-only registers, .rodata and .text, read-modify-write instructions that need write
 * permission even when the value or the comparison says nothing would change, fetches from page 0
 * and past memory, and REP string instructions stopped at the element that faulted.
 */
#include "denali.h"
#include "tests/guests/check.h"
#include "tests/guests/vectors.h"

#define PF_READ_OUT DVA_PF_U                          /* 4 */
#define PF_WRITE_OUT (DVA_PF_U | DVA_PF_W)            /* 6 */
#define PF_WRITE_RO (DVA_PF_U | DVA_PF_W | DVA_PF_P)  /* 7 */
#define PF_FETCH_P0 (DVA_PF_U | DVA_PF_I | DVA_PF_P)  /* 0x15 */
#define PF_FETCH_OUT (DVA_PF_U | DVA_PF_I)            /* 0x14 */

EXC_SNIPPET(pf_read32, "movl (%eax), %ecx");
EXC_SNIPPET(pf_read16, "movw (%eax), %cx");
EXC_SNIPPET(pf_write32, "movl %ecx, (%eax)");
EXC_SNIPPET(pf_write8, "movb %cl, (%eax)");
EXC_SNIPPET(pf_add0, "addl $0, (%ebx)");
EXC_SNIPPET(pf_xchg, "xchgl %ecx, (%ebx)");
EXC_SNIPPET(pf_cmpxchg, "cmpxchgl %ecx, (%ebx)");
EXC_SNIPPET(pf_lock_cmpxchg, "lock cmpxchgl %ecx, (%ebx)");
EXC_SNIPPET(pf_cmpxchg8b, "cmpxchg8b (%ebx)");
EXC_SNIPPET(pf_rep_movsb, "rep movsb");
EXC_SNIPPET(pf_rep_stosb, "rep stosb");
EXC_SNIPPET(pf_rep_stosl, "rep stosl");

static const uint32_t ro_word = 42;
static const uint64_t ro_qword = 0x0123456789ABCDEFull;
static const uint8_t ro_buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static uint8_t rw_buf[16];

static uint32_t top(void)
{
	return dva_page0.mem_size;
}

/* A #PF from a data access at code with error code err and fault_addr addr. */
static void pf(const char *name, const char *code, const char *end, struct exc_regs in,
	       const struct exc_regs *at, uint32_t err, uint32_t addr)
{
	struct exc_case c = {
		.name = name, .code = code, .skip = (uint32_t)(end - code), .in = in, .at = at,
		.vector = DVA_VEC_PF, .eip = EXC_ADDR(code), .error = err, .fault_error = err,
		.fault_addr = addr,
	};
	exc_run(&c);
}

static struct exc_regs ptr_regs(uint32_t eax, uint32_t ecx, uint32_t eflags)
{
	struct exc_regs r = exc_regs_fill(eflags);
	r.eax = eax;
	r.ecx = ecx;
	return r;
}

static void test_outside_memory(void)
{
	uint32_t t = top();
	uint32_t below = *(volatile uint32_t *)(uintptr_t)(t - 4);

	/* Two bytes are memory, the third is mem_size: fault_addr is exactly mem_size. */
	pf("read32_straddles_mem_size", pf_read32, pf_read32_end, ptr_regs(t - 2, 0, EXC_FLAGS_ALL),
	   NULL, PF_READ_OUT, t);
	pf("read16_straddles_mem_size", pf_read16, pf_read16_end, ptr_regs(t - 1, 0, EXC_FLAGS_NONE),
	   NULL, PF_READ_OUT, t);
	pf("read32_at_mem_size", pf_read32, pf_read32_end, ptr_regs(t, 0, EXC_FLAGS_ALL), NULL,
	   PF_READ_OUT, t);
	pf("read32_at_2_gib", pf_read32, pf_read32_end, ptr_regs(0x80000000u, 0, EXC_FLAGS_ALL), NULL,
	   PF_READ_OUT, 0x80000000u);
	pf("read32_at_4_gib_minus_2", pf_read32, pf_read32_end, ptr_regs(0xFFFFFFFEu, 0, EXC_FLAGS_NONE),
	   NULL, PF_READ_OUT, 0xFFFFFFFEu);
	pf("write32_at_mem_size", pf_write32, pf_write32_end, ptr_regs(t, 0x55AA55AAu, EXC_FLAGS_ALL),
	   NULL, PF_WRITE_OUT, t);
	/* The two bytes below mem_size (crt0's return slot, never used) must not be written. */
	pf("write32_straddles_mem_size", pf_write32, pf_write32_end,
	   ptr_regs(t - 2, 0x55AA55AAu, EXC_FLAGS_NONE), NULL, PF_WRITE_OUT, t);
	check_u32("write32_straddling_wrote_nothing", *(volatile uint32_t *)(uintptr_t)(t - 4), below);
}

static void test_read_only(void)
{
	struct exc_regs r;

	pf("write32_vm_id", pf_write32, pf_write32_end, ptr_regs(8, 1, EXC_FLAGS_ALL), NULL,
	   PF_WRITE_RO, 8);
	check_u32("vm_id_unchanged", dva_page0.vm_id, 0);
	pf("write8_magic", pf_write8, pf_write8_end, ptr_regs(0, 0, EXC_FLAGS_NONE), NULL,
	   PF_WRITE_RO, 0);
	check_u32("magic_unchanged", dva_page0.magic, DVA_MAGIC);
	/* vector_base's top half is writable, fault_vector after it is not. */
	pf("write32_vector_base_into_fault_vector", pf_write32, pf_write32_end,
	   ptr_regs(0x32, 0x12345678u, EXC_FLAGS_ALL), NULL, PF_WRITE_RO, 0x34);
	check_u32("vector_base_unchanged", dva_page0.vector_base, EXC_ADDR(exc_table));
	/* time_ns's last bytes are read-only, irq_enable after them is not: fault at the first. */
	pf("write32_time_ns_into_irq_enable", pf_write32, pf_write32_end,
	   ptr_regs(0x1E, 0x00010000u, EXC_FLAGS_NONE), NULL, PF_WRITE_RO, 0x1E);
	check_u32("irq_enable_unchanged", dva_page0.irq_enable, 0);
	pf("write32_rodata", pf_write32, pf_write32_end, ptr_regs(EXC_ADDR(&ro_word), 7, EXC_FLAGS_ALL),
	   NULL, PF_WRITE_RO, EXC_ADDR(&ro_word));
	pf("write8_rodata_last_byte", pf_write8, pf_write8_end,
	   ptr_regs(EXC_ADDR(&ro_buf[7]), 7, EXC_FLAGS_NONE), NULL, PF_WRITE_RO, EXC_ADDR(&ro_buf[7]));
	pf("write8_text", pf_write8, pf_write8_end, ptr_regs(EXC_ADDR(exc_ret), 0x90, EXC_FLAGS_ALL),
	   NULL, PF_WRITE_RO, EXC_ADDR(exc_ret));
	check_u32("rodata_unchanged", ro_word + ro_buf[7], 42 + 8);

	/* Read-modify-write needs write permission although the value would not change. */
	r = ptr_regs(0, 7, EXC_FLAGS_ALL);
	r.ebx = EXC_ADDR(&ro_word);
	pf("add_0_rodata", pf_add0, pf_add0_end, r, NULL, PF_WRITE_RO, EXC_ADDR(&ro_word));
	pf("xchg_rodata", pf_xchg, pf_xchg_end, r, NULL, PF_WRITE_RO, EXC_ADDR(&ro_word));
	/* CMPXCHG writes its destination even when the comparison fails (EAX 7 != 42). */
	pf("cmpxchg_rodata_compare_fails", pf_cmpxchg, pf_cmpxchg_end, r, NULL, PF_WRITE_RO,
	   EXC_ADDR(&ro_word));
	pf("lock_cmpxchg_rodata_compare_fails", pf_lock_cmpxchg, pf_lock_cmpxchg_end, r, NULL,
	   PF_WRITE_RO, EXC_ADDR(&ro_word));
	r.eax = 42;
	pf("cmpxchg_rodata_compare_succeeds", pf_cmpxchg, pf_cmpxchg_end, r, NULL, PF_WRITE_RO,
	   EXC_ADDR(&ro_word));
	r = ptr_regs(0, 7, EXC_FLAGS_NONE);
	r.ebx = 0; /* magic: EAX 0 != DVA_MAGIC */
	pf("lock_cmpxchg_magic_compare_fails", pf_lock_cmpxchg, pf_lock_cmpxchg_end, r, NULL,
	   PF_WRITE_RO, 0);
	r = ptr_regs(1, 2, EXC_FLAGS_ALL); /* EDX:EAX and ECX:EBX */
	r.edx = 3;
	r.ebx = EXC_ADDR(&ro_qword);
	pf("cmpxchg8b_rodata_compare_fails", pf_cmpxchg8b, pf_cmpxchg8b_end, r, NULL, PF_WRITE_RO,
	   EXC_ADDR(&ro_qword));
	check_u32("rodata_word_unchanged", ro_word, 42);
	check_u64("rodata_qword_unchanged", ro_qword, 0x0123456789ABCDEFull);
}

/* A fetch fault: the probe CALLs target and the handler resumes at a RET, back in the probe. */
static void fetch(const char *name, uint32_t target, uint32_t err, uint32_t addr, uint32_t irq)
{
	struct exc_case c = {
		.name = name, .code = (const void *)(uintptr_t)target, .resume = EXC_ADDR(exc_ret),
		.in = exc_regs_fill(irq ? EXC_FLAGS_NONE : EXC_FLAGS_ALL), .irq = irq,
		.vector = DVA_VEC_PF, .eip = target, .error = err, .fault_error = err,
		.fault_addr = addr,
	};
	exc_run(&c);
}

static void test_fetch(void)
{
	uint32_t t = top();
	volatile uint8_t *last = (volatile uint8_t *)(uintptr_t)(t - 1);
	uint8_t saved = *last;

	fetch("fetch_page0_0x800", 0x800, PF_FETCH_P0, 0x800, 0);
	fetch("fetch_page0_null", 0, PF_FETCH_P0, 0, 1);
	fetch("fetch_page0_last_byte", 0xFFF, PF_FETCH_P0, 0xFFF, 0);
	fetch("fetch_at_mem_size", t, PF_FETCH_OUT, t, 0);
	/* MOV EAX, imm32 in the last byte of memory: its first byte is fetchable, the rest not.
	 * fault_eip is the first byte, fault_addr mem_size. (The last stack word is crt0's return
	 * slot, never used.) */
	*last = 0xB8;
	fetch("fetch_insn_straddles_mem_size", t - 1, PF_FETCH_OUT, t, 1);
	*last = saved;
}

/* The first writable byte after ro_buf: the end of the read-only PT_LOAD (the linker script
 * names no symbol there). Found by storing each byte's own value until a store does not fault;
 * 0 if none within two pages. */
static uint32_t text_segment_end(void)
{
	for (uint32_t a = EXC_ADDR(&ro_buf[8]); a < EXC_ADDR(&ro_buf[8]) + 2 * DVA_PAGE_SIZE; a++) {
		struct exc_regs r = ptr_regs(a, *(volatile uint8_t *)(uintptr_t)a, EXC_FLAGS_NONE);
		exc_reset();
		exc_skip = EXC_LEN(pf_write8);
		exc_probe(pf_write8, &r);
		if (exc_count == 0)
			return a;
	}
	exc_reset();
	return 0;
}

/* Backward (DF = 1) from four writable bytes above the read-only segment down into its last
 * byte, a real segment boundary with byte granularity (DVA-1 section 1). The four bytes are
 * rewritten with their own values. */
static void test_rep_into_text_segment(void)
{
	uint32_t end = text_segment_end();
	uint8_t src[12];
	struct exc_regs r, at;

	check_true("text_segment_end_found", end > EXC_ADDR(&ro_buf[7]));
	if (end == 0)
		return;
	for (int i = 0; i < 4; i++)
		src[8 + i] = *(volatile uint8_t *)(uintptr_t)(end + i);
	r = exc_regs_fill(EXC_FLAGS_ALL);
	r.esi = EXC_ADDR(&src[11]);
	r.edi = end + 3;
	r.ecx = 8;
	at = r;
	at.esi = EXC_ADDR(&src[7]);
	at.edi = end - 1;
	at.ecx = 4;
	pf("rep_movsb_backward_into_text_segment", pf_rep_movsb, pf_rep_movsb_end, r, &at, PF_WRITE_RO,
	   end - 1);
}

/* REP string instructions stop at the element that faulted, with ESI, EDI and ECX there and
 * the earlier elements done. */
static void test_rep(void)
{
	static const uint8_t to_mask[16] = { 0, 0, 0, 0, 0x05, 0, 0, 0, 0xEE, 0xEE, 0xEE, 0xEE };
	uint32_t t = top(), vb = dva_page0.vector_base;
	uint8_t vb_src[8] = { 0xEE, 0xEE, 0xEE, 0xEE, (uint8_t)vb, (uint8_t)(vb >> 8),
			      (uint8_t)(vb >> 16), (uint8_t)(vb >> 24) };
	uint8_t top4[4];
	struct exc_regs r, at;

	/* Forward over irq_pending and irq_mask into irq_batch (read-only) at 0x2C. */
	r = exc_regs_fill(EXC_FLAGS_NONE);
	r.esi = EXC_ADDR(to_mask);
	r.edi = 0x24;
	r.ecx = 16;
	at = r;
	at.esi += 8;
	at.edi = 0x2C;
	at.ecx = 8;
	pf("rep_movsb_into_irq_batch", pf_rep_movsb, pf_rep_movsb_end, r, &at, PF_WRITE_RO, 0x2C);
	check_u32("rep_movsb_wrote_irq_mask", dva_page0.irq_mask, 5);
	dva_page0.irq_mask = 0;

	/* Backward (DF = 1) over vector_base, rewriting it with its own bytes, into irq_batch's
	 * last byte at 0x2F. */
	r = exc_regs_fill(EXC_FLAGS_ALL);
	r.esi = EXC_ADDR(&vb_src[7]);
	r.edi = 0x33;
	r.ecx = 8;
	at = r;
	at.esi = EXC_ADDR(&vb_src[3]);
	at.edi = 0x2F;
	at.ecx = 4;
	pf("rep_movsb_backward_into_irq_batch", pf_rep_movsb, pf_rep_movsb_end, r, &at, PF_WRITE_RO,
	   0x2F);
	check_u32("rep_movsb_backward_vector_base_kept", dva_page0.vector_base, vb);

	/* Into .rodata from the first element: nothing moves. */
	r = exc_regs_fill(EXC_FLAGS_NONE);
	r.esi = EXC_ADDR(rw_buf);
	r.edi = EXC_ADDR(ro_buf);
	r.ecx = 4;
	pf("rep_movsb_into_rodata_first_element", pf_rep_movsb, pf_rep_movsb_end, r, NULL, PF_WRITE_RO,
	   EXC_ADDR(ro_buf));

	/* The source runs past mem_size after four bytes. */
	for (int i = 0; i < 4; i++)
		top4[i] = *(volatile uint8_t *)(uintptr_t)(t - 4 + i);
	r = exc_regs_fill(EXC_FLAGS_NONE);
	r.esi = t - 4;
	r.edi = EXC_ADDR(rw_buf);
	r.ecx = 8;
	at = r;
	at.esi = t;
	at.edi += 4;
	at.ecx = 4;
	pf("rep_movsb_source_past_mem_size", pf_rep_movsb, pf_rep_movsb_end, r, &at, PF_READ_OUT, t);
	check_u32("rep_movsb_source_copied_four",
		  rw_buf[0] | rw_buf[1] << 8 | rw_buf[2] << 16 | (uint32_t)rw_buf[3] << 24,
		  top4[0] | top4[1] << 8 | top4[2] << 16 | (uint32_t)top4[3] << 24);

	/* The destination runs past mem_size after four bytes (rewritten with their own value). */
	r = exc_regs_fill(EXC_FLAGS_NONE);
	r.esi = EXC_ADDR(rw_buf);
	r.edi = t - 4;
	r.ecx = 8;
	at = r;
	at.esi += 4;
	at.edi = t;
	at.ecx = 4;
	pf("rep_movsb_destination_past_mem_size", pf_rep_movsb, pf_rep_movsb_end, r, &at, PF_WRITE_OUT,
	   t);

	/* REP STOSB and STOSD over irq_mask into irq_batch. */
	r = exc_regs_fill(EXC_FLAGS_NONE);
	r.eax = 0x11111103u;
	r.edi = 0x28;
	r.ecx = 8;
	at = r;
	at.edi = 0x2C;
	at.ecx = 4;
	pf("rep_stosb_into_irq_batch", pf_rep_stosb, pf_rep_stosb_end, r, &at, PF_WRITE_RO, 0x2C);
	check_u32("rep_stosb_wrote_irq_mask", dva_page0.irq_mask, 0x03);
	r.eax = 0;
	r.edi = 0x24;
	r.ecx = 4;
	at = r;
	at.edi = 0x2C;
	at.ecx = 2;
	pf("rep_stosd_into_irq_batch", pf_rep_stosl, pf_rep_stosl_end, r, &at, PF_WRITE_RO, 0x2C);
	check_u32("rep_stosd_wrote_irq_mask", dva_page0.irq_mask, 0);
}

int main(int argc, char **argv)
{
	struct exc_regs r = ptr_regs(0, 0, EXC_FLAGS_ALL), want = r;

	(void)argc;
	(void)argv;
	exc_install();
	/* Page 0 is readable at any address. */
	want.ecx = DVA_MAGIC;
	exc_run_none("read32_page0_allowed", pf_read32, &r, &want, EXC_POPF_MASK);
	test_outside_memory();
	test_read_only();
	test_fetch();
	test_rep();
	test_rep_into_text_segment();
	return check_status();
}
