/* timer.h - system time, sleeping, and software timers multiplexed on the one-shot timer. */
#ifndef GUESTOS_TIMER_H
#define GUESTOS_TIMER_H

#include <stdint.h>

/* System time in ns (page 0's time_ns, read as DVA-1 section 3 says). Under the deterministic
 * clock it advances with retired instructions and jumps while every VM idles. */
uint64_t now_ns(void);

/* Block the calling thread for at least us microseconds (0: just yield), or until system time
 * reaches when_ns. Other threads run meanwhile; when none can, the VM IDLEs. Works in main
 * whether or not any thread was created. */
void sleep_us(uint64_t us);
void sleep_until_ns(uint64_t when_ns);

/* A software timer: the caller owns the storage, and the callback runs inside the timer's
 * upcall (or the idle loop) with irq_enable = 0, so it must not block; it may re-arm or cancel
 * any timer, itself included, and wake threads. All armed timers share the one-shot device
 * (port 0xD300), always programmed for the earliest of them. */
struct timer {
	uint64_t when;      /* next expiry, ns of system time; valid while armed */
	uint64_t period;    /* ns between expiries of a periodic timer; 0 for a one-shot */
	void (*fn)(struct timer *t, void *arg);
	void *arg;
	struct timer *next; /* the armed list, earliest first (guestos's business) */
	int armed;          /* 1 while on the list */
	uint32_t fired;     /* expiries so far (callbacks run) */
	uint32_t missed;    /* periodic expiries skipped because the timer ran later than a period */
};

/* Prepare t (any state it was in is forgotten: cancel an armed timer first). */
void timer_init(struct timer *t, void (*fn)(struct timer *t, void *arg), void *arg);
/* Arm t to fire once, us microseconds from now / at when_ns (a time already past fires at the
 * next delivery point). Re-arming an armed timer moves it. Timers due at the same time fire in
 * the order they were armed. */
void timer_oneshot(struct timer *t, uint64_t us);
void timer_at(struct timer *t, uint64_t when_ns);
/* Arm t to fire every us microseconds, first at now + us. Periodic timers do not drift: the
 * k-th expiry is due at start + k * period whatever the callbacks' lateness; when the timer
 * runs more than a period late, the expiries it missed are counted in t->missed, not replayed. */
void timer_periodic(struct timer *t, uint64_t us);
/* Disarm t; harmless if it is not armed. After it returns, t's callback will not run. */
void timer_cancel(struct timer *t);

#endif
