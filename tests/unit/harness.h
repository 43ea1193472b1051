/* harness.h - a bare CPU with memory for unit vectors: one row per case, names that read as
 * sentences, registers, flags and a little memory before and after.
 *
 * Code is placed at TVM_CODE; a row's memory words live at TVM_DATA. A row runs `insns`
 * instructions (default 1) with cpu_run and checks the exit, every register, EIP, the flags
 * under the mask and the memory words.
 */
#ifndef DENALI_TEST_HARNESS_H
#define DENALI_TEST_HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "cpu/cpu.h"

#define TVM_MEM (1u << 20)     /* 1 MiB guest */
#define TVM_CODE 0x1000u
#define TVM_DATA 0x8000u       /* rows' memory words m[0..3] */
#define TVM_STACK 0x9000u      /* ESP of a row that leaves r[REG_ESP] at 0 */

struct tvm;

/* A fresh machine: memory zeroed, page 0 initialised, EIP = TVM_CODE. */
struct tvm *tvm_new(void);
void tvm_free(struct tvm *t);
struct cpu *tvm_cpu(struct tvm *t);
/* Write bytes straight into guest memory (no permission checks, invalidates cached code). */
void tvm_poke(struct tvm *t, uint32_t addr, const void *bytes, size_t n);
void tvm_peek(struct tvm *t, uint32_t addr, void *bytes, size_t n);
/* Parse hex "01 d8" into buf; returns the byte count. */
size_t tvm_hex(const char *hex, uint8_t *buf, size_t cap);

/* A DVA-1 image for tests that run a kernel: a static ELF32 i386 executable whose one R+X
 * PT_LOAD holds the n bytes of code at guest address va (its entry), from file offset
 * TVM_ELF_CODE_OFF. Writes it to out (at least TVM_ELF_CODE_OFF + n bytes); returns its size. */
#define TVM_ELF_CODE_OFF 0x100u
size_t tvm_elf(uint8_t *out, size_t cap, uint32_t va, const uint8_t *code, size_t n);
/* Run up to n instructions from the current EIP. */
enum cpu_exit tvm_run(struct tvm *t, uint64_t n);
/* Bytes written to the console port so far (NUL-terminated). */
const char *tvm_console(struct tvm *t);

struct row {
	const char *name;     /* a sentence: "add sets CF and ZF when the sum wraps to zero" */
	const char *code;     /* instruction bytes in hex, placed at TVM_CODE */
	uint32_t r[8];        /* EAX..EDI before (ESP 0 means TVM_STACK) */
	uint32_t fl;          /* EFLAGS before (bit 1 is forced on) */
	uint32_t m[4];        /* memory words at TVM_DATA before */
	uint32_t want_r[8];   /* after (ESP 0 means TVM_STACK) */
	uint32_t want_fl;     /* EFLAGS after, compared under mask */
	uint32_t want_m[4];   /* memory words after */
	uint32_t mask;        /* flags to compare; 0 means FL_OSZAPC */
	uint32_t want_eip;    /* 0 means TVM_CODE + the code's length */
	int insns;            /* instructions to run; 0 means 1 */
	int want_exit;        /* enum cpu_exit; 0 is CPU_EXIT_BUDGET */
	uint32_t want_fault;  /* with CPU_EXIT_FAULT: the vector */
};

/* Run every row; each failure names its row. */
void run_rows(const struct row *rows, size_t n);
#define RUN_ROWS(rows) run_rows((rows), sizeof(rows) / sizeof((rows)[0]))

#endif
