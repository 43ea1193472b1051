/* vectors.c - the C half of the recording vector table: fill a record, resume past a fault,
 * and the case runner that checks a frame against DVA-1 section 5 (vectors.h). */
#include "denali.h"
#include "tests/guests/check.h"
#include "tests/guests/vectors.h"

struct exc_record exc_records[EXC_RECORDS];
volatile uint32_t exc_count;
volatile uint32_t exc_skip;
volatile uint32_t exc_resume;
volatile uint32_t exc_trap;
exc_hook_fn *volatile exc_hook;

void exc_install(void)
{
	dva_page0.vector_base = (uint32_t)(uintptr_t)exc_table;
}

void exc_reset(void)
{
	exc_count = 0;
	exc_skip = 0;
	exc_resume = 0;
	exc_trap = 0;
	exc_hook = NULL;
}

struct exc_regs exc_regs_fill(uint32_t eflags)
{
	struct exc_regs r = {
		.eax = 0x11111111u, .ecx = 0x22222222u, .edx = 0x33333333u, .ebx = 0x44444444u,
		.ebp = 0x66666666u, .esi = 0x77777777u, .edi = 0x88888888u, .eflags = eflags,
	};
	return r;
}

int exc_is_fault(uint32_t vector)
{
	return vector == DVA_VEC_DE || vector == DVA_VEC_BR || vector == DVA_VEC_UD ||
	       vector == DVA_VEC_GP || vector == DVA_VEC_PF || vector == DVA_VEC_MF;
}

int exc_has_error(uint32_t vector)
{
	return vector == DVA_VEC_GP || vector == DVA_VEC_PF;
}

void exc_handle(struct exc_stack *s)
{
	uint32_t n = exc_count, v = s->vector;
	uint32_t skip = exc_skip, resume = exc_resume;
	int trap = exc_trap != 0;
	int fault = !trap && exc_is_fault(v), err = !trap && exc_has_error(v);
	struct exc_record *r = &exc_records[n < EXC_RECORDS ? n : 0];

	/* Taken before the hook runs, which may set them for an entry of its own. */
	exc_skip = 0;
	exc_resume = 0;
	exc_trap = 0;
	if (n >= EXC_RECORDS) {
		dva_printf("FAIL handler entered more than %u times (vector %u, EIP 0x%x)\n",
			   EXC_RECORDS, v, s->frame[err]);
		dva_terminate(98);
	}
	r->vector = v;
	r->esp = s->esp + 4; /* PUSHAD saw ESP after the stub's push */
	for (int i = 0; i < 4; i++)
		r->frame[i] = s->frame[i];
	r->regs[0] = s->eax;
	r->regs[1] = s->ecx;
	r->regs[2] = s->edx;
	r->regs[3] = s->ebx;
	r->regs[4] = r->esp;
	r->regs[5] = s->ebp;
	r->regs[6] = s->esi;
	r->regs[7] = s->edi;
	r->eflags = s->eflags;
	r->irq_enable = dva_page0.irq_enable;
	r->irq_batch = dva_page0.irq_batch;
	r->irq_pending = dva_page0.irq_pending;
	r->fault_vector = dva_page0.fault_vector;
	r->fault_error = dva_page0.fault_error;
	r->fault_addr = dva_page0.fault_addr;
	r->fault_eip = dva_page0.fault_eip;
	exc_count = n + 1;

	if (exc_hook)
		exc_hook(r, s->frame);

	if (fault) {
		uint32_t *eip = &s->frame[err];
		if (resume != 0) {
			*eip = resume;
		} else if (skip != 0) {
			*eip += skip;
		} else {
			dva_printf("FAIL unexpected fault: vector %u at EIP 0x%x, error 0x%x\n", v, *eip,
				   dva_page0.fault_error);
			dva_terminate(99);
		}
	}
	s->vector = err ? 8 : 4;
}

void exc_prime(void)
{
	struct exc_regs r = { .eax = EXC_PRIME_ADDR, .eflags = EXC_FL_FIXED1 };

	exc_reset();
	exc_skip = 2; /* movl (%eax), %eax */
	exc_probe(exc_prime_code, &r);
	exc_reset();
}

int exc_field(const char *name, const char *what, uint32_t got, uint32_t want)
{
	if (got == want)
		return 0;
	dva_printf("  %s.%s: got 0x%x want 0x%x\n", name, what, got, want);
	return 1;
}

/* The registers in got (x86 order) against want, one by one; ESP is not an input, so skipped. */
static int regs_match(const char *name, const char *when, const uint32_t *got,
		      const struct exc_regs *want)
{
	static const char *const names[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
	const uint32_t w[8] = { want->eax, want->ecx, want->edx, want->ebx, 0,
				want->ebp, want->esi, want->edi };
	char what[32];
	int bad = 0;

	for (int i = 0; i < 8; i++) {
		if (i == 4)
			continue;
		dva_snprintf(what, sizeof what, "%s_%s", when, names[i]);
		bad += exc_field(name, what, got[i], w[i]);
	}
	return bad;
}

static void regs_array(const struct exc_regs *r, uint32_t *a)
{
	a[0] = r->eax;
	a[1] = r->ecx;
	a[2] = r->edx;
	a[3] = r->ebx;
	a[4] = r->esp;
	a[5] = r->ebp;
	a[6] = r->esi;
	a[7] = r->edi;
}

void exc_run(const struct exc_case *c)
{
	struct exc_regs r = c->in;
	const struct exc_regs *at = c->at ? c->at : &c->in;
	const struct exc_record *rec = &exc_records[0];
	uint32_t out[8];
	int fault = !c->trap && exc_is_fault(c->vector);
	int err = !c->trap && exc_has_error(c->vector), bad = 0;
	uint32_t flags = (c->in.eflags & EXC_POPF_MASK) | EXC_FL_FIXED1;
	uint32_t image = flags | (c->irq ? EXC_FL_IF : 0);
	uint32_t f_vec, f_err, f_addr, f_eip, irq_after;

	exc_prime();
	exc_skip = c->skip;
	exc_resume = c->resume;
	exc_trap = c->trap;
	dva_page0.irq_enable = c->irq;
	exc_probe(c->code, &r);
	irq_after = dva_page0.irq_enable;
	dva_page0.irq_enable = 0;
	regs_array(&r, out);

	bad += exc_field(c->name, "entries", exc_count, 1);
	if (exc_count != 1) {
		check_true(c->name, 0);
		exc_reset();
		return;
	}
	bad += exc_field(c->name, "vector", rec->vector, c->vector);
	/* The frame: no error code but for #GP and #PF, so ESP drops by 12 or 16. */
	bad += exc_field(c->name, "frame_size", r.esp - rec->esp, err ? 16 : 12);
	if (err)
		bad += exc_field(c->name, "frame_error", rec->frame[0], c->error);
	bad += exc_field(c->name, "frame_eip", rec->frame[err], c->eip);
	bad += exc_field(c->name, "frame_zero", rec->frame[err + 1], 0);
	bad += exc_field(c->name, "frame_eflags", rec->frame[err + 2], image);
	/* Entry changes no flag and no register; irq_enable is 0 inside. */
	bad += exc_field(c->name, "entry_eflags", rec->eflags, flags);
	bad += exc_field(c->name, "entry_irq_enable", rec->irq_enable, 0);
	bad += regs_match(c->name, "entry", rec->regs, at);
	/* Page 0: a fault writes its fields (fault_addr for #PF only); a trap writes none. */
	if (fault) {
		f_vec = c->vector;
		f_err = c->fault_error;
		f_addr = c->vector == DVA_VEC_PF ? c->fault_addr : EXC_PRIME_ADDR;
		f_eip = (uint32_t)(uintptr_t)c->code;
	} else {
		f_vec = DVA_VEC_PF;
		f_err = DVA_PF_U;
		f_addr = EXC_PRIME_ADDR;
		f_eip = (uint32_t)(uintptr_t)exc_prime_code;
	}
	bad += exc_field(c->name, "fault_vector", rec->fault_vector, f_vec);
	bad += exc_field(c->name, "fault_error", rec->fault_error, f_err);
	bad += exc_field(c->name, "fault_addr", rec->fault_addr, f_addr);
	bad += exc_field(c->name, "fault_eip", rec->fault_eip, f_eip);
	/* IRET: back where the handler sent it, flags and irq_enable from the image. */
	bad += regs_match(c->name, "after", out, at);
	bad += exc_field(c->name, "after_eflags", r.eflags, image);
	bad += exc_field(c->name, "after_irq_enable", irq_after, c->irq);
	check_true(c->name, bad == 0);
	exc_reset();
}

void exc_run_none(const char *name, const void *code, const struct exc_regs *in,
		  const struct exc_regs *want, uint32_t flags_mask)
{
	struct exc_regs r = *in;
	uint32_t out[8];
	int bad = 0;

	exc_reset();
	exc_probe(code, &r);
	regs_array(&r, out);
	bad += exc_field(name, "entries", exc_count, 0);
	if (!want)
		want = in;
	bad += regs_match(name, "after", out, want);
	bad += exc_field(name, "after_eflags", r.eflags & (flags_mask | EXC_FL_FIXED1 | EXC_FL_IF),
			 (want->eflags & flags_mask) | EXC_FL_FIXED1);
	check_true(name, bad == 0);
	exc_reset();
}
