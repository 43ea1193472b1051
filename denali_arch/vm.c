/* vm.c - creating and destroying a VM, its clock reading, and its fault diagnostic. */
#include "denali_arch/vm.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <Zydis/Zydis.h>

#include "denali_arch/kernel.h"
#include "denali_arch/param.h"

static void code_written(void *opaque, uint32_t pfn)
{
	struct vm *vm = opaque;
	cache_invalidate_page(&vm->cpu.cache, pfn);
	vm->cpu.leave_block = true;
}

void vm_raise(struct vm *vm, unsigned line)
{
	struct dva_regs *p0 = cpu_page0(&vm->cpu);
	p0->irq_pending |= 1u << line;
	vm->stats.irqs_raised++;
	if (vm->kernel)
		kernel_line_raised(vm->kernel, vm);
}

static void console_raise(void *owner, unsigned line)
{
	vm_raise(owner, line);
}

static uint64_t timer_now(void *owner)
{
	return vm_time_ns(owner);
}

static void timer_changed(void *owner)
{
	struct vm *vm = owner;
	if (vm->kernel)
		kernel_events_changed(vm->kernel, vm);
}

uint64_t vm_time_ns(const struct vm *vm)
{
	const struct vm_clock *k = vm->clock;
	if (!k->deterministic) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec - k->host_start_ns;
	}
	uint64_t n = k->retired + (vm->cpu.instret - vm->quantum_base);
	/* floor(n * 10^9 / cpu_hz) without overflowing 64 bits */
	uint64_t q = n / k->cpu_hz, r = n % k->cpu_hz;
	return q * 1000000000u + r * 1000000000u / k->cpu_hz + k->skipped_ns;
}

int vm_create(struct vm *vm, struct mem_arena *arena, struct vm_clock *clock,
	      const struct vm_config *cfg, const struct image *img, char err[LOADER_ERR])
{
	memset(vm, 0, sizeof(*vm));
	vm->id = cfg->id;
	vm->group = cfg->group;
	vm->clock = clock;
	vm->kernel = cfg->kernel;
	vm->heap_pos = -1;
	vm->event_at = TIMER_NEVER;
	vm->idle_deadline = TIMER_NEVER;
	vm->stats.fault = -1;
	if (cfg->args && strlen(cfg->args) > DVA_ARGS_MAX) {
		snprintf(err, LOADER_ERR, "argument string is %zu bytes, at most %u fit in page 0",
			 strlen(cfg->args), DVA_ARGS_MAX);
		return -1;
	}
	if (image_fits(img, cfg->mem_size, err))
		return -1;
	if (mem_init(&vm->cpu.mem, arena, cfg->mem_size)) {
		snprintf(err, LOADER_ERR, "no host address space left for %" PRIu32 " bytes of guest memory",
			 cfg->mem_size);
		return -1;
	}
	if (image_place(img, &vm->cpu.mem)) {
		mem_destroy(&vm->cpu.mem);
		snprintf(err, LOADER_ERR, "out of host memory");
		return -1;
	}
	vm->cpu.mem.hooks = (struct mem_hooks){
		.opaque = vm,
		.page0_refresh = vregs_refresh,
		.page0_write = vregs_write,
		.code_write = code_written,
	};
	vm->console = console_new(NULL);
	vm->timer = timer_new(vm, timer_now, timer_changed);
	if (!vm->console || !vm->timer || port_bus_attach(&vm->bus, &vm->console->dev) ||
	    port_bus_attach(&vm->bus, &vm->timer->dev)) {
		if (vm->console)
			free(vm->console);
		free(vm->timer);
		mem_destroy(&vm->cpu.mem);
		snprintf(err, LOADER_ERR, "out of host memory");
		return -1;
	}
	vm->console->owner = vm;
	vm->console->raise = console_raise;
	switch (cfg->sink) {
	case SINK_RAW:
		vm->console->sink = SINK_RAW;
		vm->console->out = cfg->console_out;
		break;
	case SINK_PREFIX:
		console_set_prefix(vm->console, cfg->console_out, cfg->id);
		break;
	case SINK_FILE: {
		char *path = strdup(cfg->console_path);
		if (path)
			console_set_file(vm->console, path);
		break;
	}
	case SINK_NONE:
		vm->console->sink = SINK_NONE;
		break;
	}
	vm->cpu.io = (struct cpu_io){
		.opaque = &vm->bus,
		.in = port_bus_in,
		.out = port_bus_out,
		.out_bytes = port_bus_out_bytes,
	};
	vm->cpu.trace = cfg->trace;
	cpu_reset(&vm->cpu, img->entry);
	vm->cpu.shared = cfg->shared_code;
	vregs_init(vm, cfg);
	vm->state = VM_RUNNABLE;
	return 0;
}

void vm_release(struct vm *vm)
{
	if (!vm->cpu.mem.base)
		return;
	port_bus_destroy(&vm->bus); /* flushes the console */
	vm->console = NULL;
	vm->timer = NULL;
	cpu_destroy(&vm->cpu);
	mem_destroy(&vm->cpu.mem);
}

void vm_report_fault(struct vm *vm, FILE *f)
{
	struct cpu *c = &vm->cpu;
	char text[160];
	cpu_disasm(c, c->eip, text, sizeof(text));
	if (c->unimpl) {
		fprintf(f, "denali: vm %" PRIu32 ": instruction not implemented (%s) at eip 0x%08" PRIx32 "\n",
			vm->id, ZydisMnemonicGetString((ZydisMnemonic)c->unimpl), c->eip);
	} else {
		const struct dva_fault *ft = &c->fault;
		fprintf(f, "denali: vm %" PRIu32 ": %s (vector %" PRIu32 ") at eip 0x%08" PRIx32,
			vm->id, cpu_vector_name(ft->vector), ft->vector, c->eip);
		if (ft->vector == DVA_VEC_PF)
			fprintf(f, ", address 0x%08" PRIx32 ", error code 0x%" PRIx32, ft->addr, ft->error);
		else if (ft->vector == DVA_VEC_GP || ft->vector == DVA_VEC_UD)
			fprintf(f, ", error code %" PRIu32, ft->error);
		fprintf(f, ", not delivered: %s\n", c->no_handler ? c->no_handler : "no handler");
	}
	fprintf(f, "  %s\n", text);
	cpu_dump_regs(c, f);
}
