/* errno.h - errno and the error numbers guestos uses (Linux's values, so numbers read the same). */
#ifndef GUESTOS_ERRNO_H
#define GUESTOS_ERRNO_H

/* errno is an lvalue reached through a function, so a thread package can give each thread its own
 * (there is no thread-local storage on DVA-1): errno.c's definition is weak, to be replaced. */
int *dva_errno_location(void);
#define errno (*dva_errno_location())

#define EPERM 1
#define ENOENT 2
#define EINTR 4
#define EIO 5
#define EBADF 9
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EINVAL 22
#define ENOSPC 28
#define EDOM 33   /* argument outside a math function's domain */
#define ERANGE 34 /* result out of range (strtol overflow) */
#define ENOSYS 38
#define ETIMEDOUT 110

#endif
