/* show.h - the kernel's side of what a run shows and the keys it is given (show.c). */
#ifndef DENALI_SHOW_H
#define DENALI_SHOW_H

#include <stdint.h>

struct kernel;
struct vm;

/* Load --keys, set up the picture and open the window: 0, or the exit status after one line. */
int show_init(struct kernel *k);
/* Deliver the scripted keys and take the screenshots due at system time now; sets
 * k->show_next_ns to the time of the next. */
void show_due(struct kernel *k, uint64_t now);
/* A VM was created / is ending (before its devices go: its display's and keyboard's counts are
 * added to the run's). */
void show_vm_created(struct kernel *k, struct vm *v);
void show_vm_ended(struct kernel *k, struct vm *v);
/* The run has ended: the screenshots still to take. 0, or -1 when one could not be saved. */
int show_finish(struct kernel *k);
void show_destroy(struct kernel *k);

#endif
