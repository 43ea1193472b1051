/* gdbstub.h - GDB's remote serial protocol over TCP (-s, -gdb tcp:HOST:PORT, -S): every VM a
 * thread, all-stop, the i386 and x87 registers through a target description, guest memory,
 * software breakpoints and watchpoints kept out of guest memory (cpu/debug.h), single steps,
 * Ctrl-C, and stop replies that say why. docs/debugging.md describes it for users.
 *
 * The stub is one listening socket and at most one connection, both watched by the kernel's
 * event loop, so a run without -s has no stub and pays nothing. The packet layer is rsp.c.
 */
#ifndef DENALI_GDBSTUB_H
#define DENALI_GDBSTUB_H

struct kernel;
struct vm;

/* Listen as cfg->gdb says: 0, or the exit status after one line ("denali: -gdb SPEC: reason"). */
int gdbstub_init(struct kernel *k);
void gdbstub_destroy(struct kernel *k);
/* The kernel's hooks (kernel.c calls them only when k->gdb is set). */
void gdbstub_vm_created(struct kernel *k, struct vm *v); /* before its first instruction */
void gdbstub_vm_stopped(struct kernel *k, struct vm *v); /* it entered VM_STOPPED */
void gdbstub_vm_ended(struct kernel *k, struct vm *v);   /* finish(): its status is set */

#endif
