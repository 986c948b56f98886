/* error.c: filling and prefixing struct lt_error. */
#include <stdio.h>
#include <string.h>

#include "latticectl/error.h"
#include "banned.h"

int
lt_error_vset(struct lt_error *err, enum lt_status code, const char *fmt,
    va_list ap)
{
	if (err == NULL)
		return -1;
	err->code = code;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return -1;
}

int
lt_error_set(struct lt_error *err, enum lt_status code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lt_error_vset(err, code, fmt, ap);
	va_end(ap);
	return -1;
}

int
lt_error_prefix(struct lt_error *err, const char *fmt, ...)
{
	char old[sizeof(err->msg)];
	size_t n;
	va_list ap;

	if (err == NULL)
		return -1;
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	if (n + 2 < sizeof(err->msg)) {
		memcpy(err->msg + n, ": ", 3);
		n += 2;
		memcpy(err->msg + n, old, sizeof(err->msg) - n - 1);
		err->msg[sizeof(err->msg) - 1] = '\0';
	}
	return -1;
}

void
lt_error_clear(struct lt_error *err)
{
	if (err == NULL)
		return;
	err->code = LT_OK;
	err->msg[0] = '\0';
}

const char *
lt_status_name(enum lt_status code)
{
	switch (code) {
	case LT_OK: return "ok";
	case LT_E_DIFF: return "differences";
	case LT_E_USAGE: return "usage";
	case LT_E_CONNECT: return "connect";
	case LT_E_TIMEOUT: return "timeout";
	case LT_E_PARTIAL: return "partial";
	case LT_E_RUNTIME: return "runtime";
	}
	return "unknown";
}
