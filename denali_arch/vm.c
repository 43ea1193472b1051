/* vm.c - creating and destroying a VM, its devices and what they see of it, its clock reading,
 * and its fault diagnostic. */
#include "denali_arch/vm.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <Zydis/Zydis.h>

#include "denali_arch/param.h"
#include "devices/display.h"
#include "devices/keyboard.h"
#include "devices/net.h"
#include "devices/timer.h"

static void code_written(void *opaque, uint32_t pfn)
{
	struct vm *vm = opaque;
	cache_invalidate_page(&vm->cpu.cache, pfn);
	vm->cpu.leave_block = true;
}

void vm_raise(struct vm *vm, unsigned line)
{
	if (vm->swapped) /* page 0 gets it when the VM comes back in */
		vm->sw_pending |= 1u << line;
	else
		cpu_page0(&vm->cpu)->irq_pending |= 1u << line;
	vm->stats.irqs_raised++;
	if (vm->events)
		vm->events->line_raised(vm->events->opaque, vm);
}

uint64_t vm_time_ns(const struct vm *vm)
{
	return clock_now(vm->clock, vm->cpu.instret - vm->quantum_base);
}

/* What the devices see of their VM (struct dev_host). */
static uint64_t host_now(void *owner)
{
	return vm_time_ns(owner);
}

static void host_raise(void *owner, unsigned line)
{
	vm_raise(owner, line);
}

static void host_deadline_moved(void *owner)
{
	struct vm *vm = owner;
	vm->next_deadline = port_bus_deadline(&vm->bus);
	if (vm->events)
		vm->events->deadline_moved(vm->events->opaque, vm);
}

void vm_expire_devices(struct vm *vm, uint64_t now)
{
	vm->next_deadline = port_bus_expire(&vm->bus, now);
}

/* The port bus's DEV_GP and DEV_FAULT are the CPU's CPU_IO_GP and CPU_IO_FAULT. */
_Static_assert(DEV_GP == CPU_IO_GP && DEV_FAULT == CPU_IO_FAULT, "device and CPU results agree");

/* Create the devices cfg names and attach them. 0, or -1 (out of host memory). */
static int attach_devices(struct vm *vm, const struct vm_config *cfg)
{
	uint32_t want = cfg->devices ? cfg->devices : DEVICES_DEFAULT;
	vm->devhost = (struct dev_host){
		.mem = &vm->cpu.mem,
		.fault = &vm->cpu.fault,
		.owner = vm,
		.now = host_now,
		.raise = host_raise,
		.deadline_moved = host_deadline_moved,
		.loop = cfg->loop,
	};
	vm->bus.host = &vm->devhost;
	for (unsigned kind = 0; kind < DEVICE_KINDS; kind++) {
		if (!(want & (1u << kind)))
			continue;
		struct device *d = NULL;
		if (kind == DEVICE_CONSOLE) {
			struct console *con = console_new(NULL);
			if (con) {
				vm->console = con;
				d = &con->dev;
			}
		} else if (kind == DEVICE_TIMER) {
			struct timer *t = timer_new();
			d = t ? &t->dev : NULL;
		} else if (kind == DEVICE_KEYBOARD) {
			vm->keyboard = keyboard_new();
			d = vm->keyboard ? &vm->keyboard->dev : NULL;
		} else if (kind == DEVICE_DISPLAY) {
			vm->display = display_new();
			d = vm->display ? &vm->display->dev : NULL;
		} else { /* DEVICE_NET: only with a switch to plug it into */
			if (!cfg->sw)
				continue;
			uint8_t mac[6];
			vm_mac(cfg->id, mac);
			/* its counters outlive it, for --stats */
			vm->stats.net = calloc(1, sizeof(*vm->stats.net));
			struct net *n = vm->stats.net ? net_new(cfg->sw, mac, vm->stats.net) : NULL;
			if (n && cfg->net_rxq)
				n->rxq = cfg->net_rxq;
			d = n ? &n->dev : NULL;
		}
		if (!d)
			return -1;
		if (port_bus_attach(&vm->bus, d)) { /* cannot happen: the kinds' ports are apart */
			d->ops->destroy(d);
			return -1;
		}
	}
	return 0;
}

/* The console's host side: where its output goes. */
static void console_sink(struct console *con, const struct vm_config *cfg)
{
	switch (cfg->sink) {
	case SINK_RAW:
		con->sink = SINK_RAW;
		con->out = cfg->console_out;
		break;
	case SINK_PREFIX:
		console_set_prefix(con, cfg->console_out, cfg->id);
		break;
	case SINK_FILE: {
		char *path = strdup(cfg->console_path);
		if (path)
			console_set_file(con, path);
		break;
	}
	case SINK_NONE:
		con->sink = SINK_NONE;
		break;
	}
}

int vm_create(struct vm *vm, struct mem_pool *pool, struct vm_clock *clock,
	      const struct vm_config *cfg, const struct image *img, char err[LOADER_ERR])
{
	memset(vm, 0, sizeof(*vm));
	vm->id = cfg->id;
	vm->group = cfg->group;
	vm->clock = clock;
	vm->events = cfg->events;
	vm->heap_pos = -1;
	vm->event_at = DEV_NEVER;
	vm->next_deadline = DEV_NEVER; /* devices are attached disarmed */
	vm->idle_deadline = DEV_NEVER;
	vm->stats.fault = -1;
	if (cfg->args && strlen(cfg->args) > DVA_ARGS_MAX) {
		snprintf(err, LOADER_ERR, "argument string is %zu bytes, at most %u fit in page 0",
			 strlen(cfg->args), DVA_ARGS_MAX);
		return -1;
	}
	if (image_fits(img, cfg->mem_size, err))
		return -1;
	if (pool->size != cfg->mem_size || pool_attach(pool, &vm->cpu.mem)) {
		snprintf(err, LOADER_ERR, "no host address space left for %" PRIu32 " bytes of guest memory",
			 cfg->mem_size);
		return -1;
	}
	vm->cpu.mem.hooks = (struct mem_hooks){
		.opaque = vm,
		.page0_refresh = vregs_refresh,
		.page0_write = vregs_write,
		.code_write = code_written,
	};
	if (attach_devices(vm, cfg)) {
		port_bus_destroy(&vm->bus);
		mem_destroy(&vm->cpu.mem);
		snprintf(err, LOADER_ERR, "out of host memory");
		return -1;
	}
	if (vm->console)
		console_sink(vm->console, cfg);
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
	if (vm->released)
		return;
	vm->released = true;
	port_bus_destroy(&vm->bus); /* flushes the console; a NIC leaves its counters in stats.net */
	vm->console = NULL;
	vm->display = NULL;
	vm->keyboard = NULL;
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
