/* run.c - the single-VM driver: quanta of instructions, IDLE under the deterministic clock,
 * console input taken at quantum boundaries, the end of the run. The many-VM kernel replaces
 * it with a scheduler; the rules it follows are DVA-1 sections 4 to 6. */
#include "denali_arch/run.h"

#include <errno.h>
#include <poll.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "denali_arch/param.h"

/* Move host stdin to the console once the guest has shown interest in input (it read a
 * console port or unmasked line 1). Without block, never waits; with block, waits for at least
 * one byte or the end of input. */
static void feed_console(struct console *con, uint32_t irq_mask, bool block)
{
	if ((!con->in_used && !(irq_mask & (1u << DVA_LINE_CONSOLE_IN))) || con->in_ended)
		return;
	unsigned char buf[256];
	unsigned room = CONSOLE_IN_BUF - con->ilen;
	if (room == 0)
		return;
	if (!block) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		if (poll(&pfd, 1, 0) <= 0)
			return;
	}
	ssize_t n = read(STDIN_FILENO, buf, room < sizeof(buf) ? room : sizeof(buf));
	if (n > 0)
		console_feed(con, buf, (unsigned)n);
	else if (n == 0 || (errno != EINTR && errno != EAGAIN))
		console_end_input(con);
}

/* Status of a VM that ended on an exception (DVA-1 section 5). */
static int fault_status(uint32_t vector)
{
	return vector < 128 ? 128 + (int)vector : 255;
}

int run_single(struct vm *vm, uint32_t quantum, uint64_t max_insns)
{
	struct cpu *c = &vm->cpu;
	struct dva_regs *p0 = (struct dva_regs *)c->mem.base;

	for (;;) {
		uint64_t budget = quantum;
		if (max_insns) {
			if (c->instret >= max_insns) {
				console_flush(vm->console);
				fprintf(stderr, "denali: vm %" PRIu32 ": stopped after %" PRIu64
					" instructions (--max-insns)\n", vm->id, c->instret);
				return EXIT_LIMIT;
			}
			if (max_insns - c->instret < budget)
				budget = max_insns - c->instret;
		}
		feed_console(vm->console, p0->irq_mask, false);
		vm->quantum_base = c->instret;
		enum cpu_exit ex = cpu_run(c, budget);
		vm->clock->retired += c->instret - vm->quantum_base;
		vm->quantum_base = c->instret;

		switch (ex) {
		case CPU_EXIT_BUDGET:
		case CPU_EXIT_EVENT:
			break;
		case CPU_EXIT_TERMINATE:
			console_flush(vm->console);
			vm->state = VM_DONE;
			vm->status = c->exit_status;
			return vm->status;
		case CPU_EXIT_FAULT:
		case CPU_EXIT_UNIMPL:
			console_flush(vm->console);
			fflush(stdout);
			if (ex == CPU_EXIT_UNIMPL) {
				c->mem.fault.vector = DVA_VEC_UD;
				c->mem.fault.error = 0;
			}
			vm_report_fault(vm, stderr);
			vm->state = VM_DONE;
			vm->status = fault_status(c->mem.fault.vector);
			return vm->status;
		case CPU_EXIT_IDLE: {
			/* One VM: nothing else can run, so a timeout is skipped over at once. */
			uint32_t timeout = c->r[REG_EAX];
			uint32_t ready = p0->irq_pending & p0->irq_mask;
			if (ready || timeout == DVA_IDLE_YIELD) {
				c->r[REG_EAX] = ready ? 0 : 1;
				break;
			}
			if (timeout == DVA_IDLE_FOREVER) {
				/* Only host input could wake it: wait for that, or stop if none can come. */
				bool wants_input = vm->console->in_used ||
						   (p0->irq_mask & (1u << DVA_LINE_CONSOLE_IN));
				if (wants_input)
					feed_console(vm->console, p0->irq_mask, true);
				if (!(p0->irq_pending & p0->irq_mask) &&
				    (!wants_input || vm->console->in_ended)) {
					console_flush(vm->console);
					fprintf(stderr, "denali: 1 VM stuck: vm %" PRIu32
						" idles with no timeout and nothing that could wake it\n", vm->id);
					return EXIT_STUCK;
				}
				c->r[REG_EAX] = (p0->irq_pending & p0->irq_mask) ? 0 : 1;
				break;
			}
			if (vm->clock->deterministic)
				vm->clock->skipped_ns += (uint64_t)timeout * 1000u;
			else
				usleep(timeout);
			c->r[REG_EAX] = 1;
			break;
		}
		}
	}
}
