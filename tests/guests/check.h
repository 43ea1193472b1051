/* check.h - self-checks for test guests: each prints "ok NAME" or "FAIL NAME: got X want Y". */
#ifndef TESTS_GUESTS_CHECK_H
#define TESTS_GUESTS_CHECK_H

#include <stdint.h>

void check_u32(const char *name, uint32_t got, uint32_t want);
void check_u64(const char *name, uint64_t got, uint64_t want);
void check_str(const char *name, const char *got, const char *want);
void check_true(const char *name, int cond); /* for relations: prints "FAIL NAME" when false */
/* main's return value: 0 when every check passed, else 1. */
int check_status(void);

#endif
