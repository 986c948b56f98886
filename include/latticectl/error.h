/* error.h: status codes (the exit codes of latticectl(1), EXIT STATUS) and the
 * caller-owned error struct every library call fills on failure. */
#ifndef LATTICECTL_ERROR_H
#define LATTICECTL_ERROR_H

#include <stdarg.h>

enum lt_status {
	LT_OK = 0,
	LT_E_DIFF = 1,		/* ran fine; differences or expectation failed */
	LT_E_USAGE = 2,
	LT_E_CONNECT = 3,
	LT_E_TIMEOUT = 4,
	LT_E_PARTIAL = 5,
	LT_E_RUNTIME = 6,
};

struct lt_error {
	enum lt_status code;
	char msg[512];
};

#define LT_ERROR_INIT { LT_OK, "" }

#if defined(__GNUC__)
#define LT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LT_PRINTF(f, a)
#endif

/* Fill err (if not NULL) with code and message. Always returns -1, so a
 * failure is one statement: return lt_error_set(err, LT_E_TIMEOUT, ...). */
int lt_error_set(struct lt_error *err, enum lt_status code, const char *fmt,
    ...) LT_PRINTF(3, 4);
int lt_error_vset(struct lt_error *err, enum lt_status code, const char *fmt,
    va_list ap);

/* Prepend context ("snapshot 'X': ") to an already set message. Returns -1. */
int lt_error_prefix(struct lt_error *err, const char *fmt, ...) LT_PRINTF(2, 3);

/* Reset err to LT_OK with an empty message. */
void lt_error_clear(struct lt_error *err);

/* Name of a status for JSON error objects ("connect", "timeout", ...). */
const char *lt_status_name(enum lt_status code);

#endif
