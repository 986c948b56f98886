/* tap.h: a tiny TAP producer for unit tests (plan, ok, is_int, is_str,
 * skip_all). Header-only; each test file includes it once. */
#ifndef LATTICECTL_TAP_H
#define LATTICECTL_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed, tap_planned;

static inline void
plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
}

static inline void
done_testing(void)
{
	if (!tap_planned)
		printf("1..%d\n", tap_n);
	fflush(stdout);
	exit(tap_failed ? 1 : 0);
}

static inline void
skip_all(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
	exit(0);
}

static inline int
tap_vok(int cond, const char *fmt, va_list ap)
{
	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	vprintf(fmt, ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	return cond;
}

static inline int
ok(int cond, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tap_vok(cond, fmt, ap);
	va_end(ap);
	return r;
}

#define is_int(got, want, ...) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (!ok(g_ == w_, __VA_ARGS__)) \
		printf("#   got %lld, want %lld\n", g_, w_); \
} while (0)

#define is_str(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	if (!ok(g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_, __VA_ARGS__)) \
		printf("#   got '%s'\n#  want '%s'\n", g_ ? g_ : "(null)", \
		    w_ ? w_ : "(null)"); \
} while (0)

/* fixture_path(buf, size, "events/x.json"): a file under tests/fixtures
 * ($LT_FIXTURES, set by tests/meson.build; "tests/fixtures" from the source
 * directory otherwise). Returns buf. */
static inline char *
fixture_path(char *buf, size_t size, const char *rel)
{
	const char *dir = getenv("LT_FIXTURES");

	snprintf(buf, size, "%s/%s", dir ? dir : "tests/fixtures", rel);
	return buf;
}

#endif
