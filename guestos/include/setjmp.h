/* setjmp.h - non-local jumps: setjmp saves the callee-saved registers, longjmp restores them. */
#ifndef GUESTOS_SETJMP_H
#define GUESTOS_SETJMP_H

/* Saved by setjmp (setjmp.S): EBX, ESI, EDI, EBP, ESP after return, and the return address. The
 * x87 control word is not saved (the i386 ABI makes it the caller's business, as glibc does). */
typedef unsigned long jmp_buf[6];

int setjmp(jmp_buf env) __attribute__((returns_twice));
/* Returns to setjmp's caller once more, making setjmp return val (1 if val is 0). */
__attribute__((noreturn)) void longjmp(jmp_buf env, int val);

#endif
