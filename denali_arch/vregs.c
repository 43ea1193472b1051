/* vregs.c - page 0, the virtual registers (DVA-1 section 3): contents and write semantics. */
#include <stddef.h>
#include <string.h>

#include "denali_arch/vm.h"

#define REG_AT(page, field) ((uint8_t *)(page) + offsetof(struct dva_regs, field))

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

void vm_mac(uint32_t id, uint8_t mac[6])
{
	mac[0] = 0x02; /* locally administered, unicast */
	mac[1] = 0x44;
	mac[2] = 0x4E;
	mac[3] = (uint8_t)(id >> 16);
	mac[4] = (uint8_t)(id >> 8);
	mac[5] = (uint8_t)id;
}

void vregs_init(struct vm *vm, const struct vm_config *cfg)
{
	struct dva_regs *p = (struct dva_regs *)vm->cpu.mem.base;
	memset(p, 0, sizeof(*p));
	p->magic = DVA_MAGIC;
	p->version = DVA_VERSION;
	p->vm_id = vm->id;
	p->mem_size = vm->cpu.mem.size;
	p->cpu_hz = vm->clock->cpu_hz;
	p->flags = vm->clock->deterministic ? 1u : 0u;
	p->time_ns = vm_time_ns(vm);
	/* A locally administered unicast address: 02:44:4E:xx:xx:xx with the vm_id. */
	vm_mac(vm->id, p->mac);
	p->seed = splitmix64(vm->clock->seed ^ splitmix64(vm->id));
	p->epoch_ns = vm->clock->epoch_ns;
	p->devices = port_bus_lines(&vm->bus); /* the lines of the devices attached */
	if (cfg->args)
		memcpy(p->args, cfg->args, strlen(cfg->args) + 1);
}

/* Bring the fields that change between instructions up to date before a read. */
void vregs_refresh(void *opaque, uint8_t *page)
{
	struct vm *vm = opaque;
	uint64_t t = vm_time_ns(vm), n = vm->cpu.instret;
	memcpy(REG_AT(page, time_ns), &t, 8);
	memcpy(REG_AT(page, instret), &n, 8);
}

/* A guest store of n bytes (all inside one register) at off. The bytes are merged into the
 * register's old value first, so narrow and unaligned writes work like wide ones. */
void vregs_write(void *opaque, uint8_t *page, uint32_t off, unsigned n, uint64_t v)
{
	struct vm *vm = opaque;
	uint32_t reg = off & ~3u, shift = 8 * (off - reg), old, val;
	uint32_t bits = (uint32_t)(n == 4 ? 0xFFFFFFFFu : ((1u << (8 * n)) - 1u)) << shift;
	memcpy(&old, page + reg, 4);
	val = (old & ~bits) | (((uint32_t)v << shift) & bits);

	switch (reg) {
	case offsetof(struct dva_regs, irq_enable):
		val = val != 0;
		if (!old && val) /* a delivery point (DVA-1 section 5) */
			vm->cpu.leave_block = vm->cpu.irq_point = true;
		break;
	case offsetof(struct dva_regs, irq_pending):
		val = old & ~(((uint32_t)v << shift) & bits); /* write 1 to clear */
		break;
	case offsetof(struct dva_regs, irq_mask):
		val &= DVA_LINE_MASK;
		{
			uint32_t enabled;
			memcpy(&enabled, REG_AT(page, irq_enable), 4);
			if (enabled) /* a delivery point */
				vm->cpu.leave_block = vm->cpu.irq_point = true;
		}
		break;
	default: /* vector_base */
		break;
	}
	memcpy(page + reg, &val, 4);
}
