/* assert.h - assert(e): when e is false, print the expression and where it failed, then abort.
 * Like every C assert.h this one may be included again, to follow a new setting of NDEBUG. */
#undef assert
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
/* Prints "assertion failed: EXPR (FILE:LINE, FUNC)" on the console and calls abort(). */
__attribute__((noreturn)) void dva_assert_fail(const char *expr, const char *file, int line,
					       const char *func);
#define assert(e) ((e) ? (void)0 : dva_assert_fail(#e, __FILE__, __LINE__, __func__))
#endif

#ifndef static_assert
#define static_assert _Static_assert
#endif
