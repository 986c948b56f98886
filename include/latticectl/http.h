/* http.h: plain HTTP GETs and POSTs over libcurl, for replay's --probe,
 * doctor's --monitor (the NATS server's monitoring endpoint) and the OTLP
 * export (otlp.h). The only curl user. */
#ifndef LATTICECTL_HTTP_H
#define LATTICECTL_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "latticectl/buf.h"
#include "latticectl/error.h"

struct lt_http_result {
	long status;		/* HTTP status, 0 when no response */
	int64_t total_ns;	/* time taken */
	struct lt_buf body;	/* at most max_body bytes */
	int truncated;		/* body was longer than max_body */
	char content_type[128];
	int64_t retry_after_s;	/* Retry-After in seconds, 0 without */
};

/* A POST body and its request headers ("Name: value" lines, NULL-ended;
 * the caller checked them: no CR or LF). Borrowed. */
struct lt_http_post {
	const char *const *headers;
	const char *body;
	size_t len;
};

/* GET url within timeout_ns, keeping at most max_body bytes of the body.
 * Returns 0 with res filled (any HTTP status), or -1: LT_E_TIMEOUT when it
 * timed out, LT_E_CONNECT when the server could not be reached, LT_E_USAGE
 * for a malformed URL. Release res with lt_http_result_release. */
int lt_http_get(const char *url, int64_t timeout_ns, size_t max_body,
    struct lt_http_result *res, struct lt_error *err);
/* lt_http_get, but a POST of post. */
int lt_http_post(const char *url, const struct lt_http_post *post,
    int64_t timeout_ns, size_t max_body, struct lt_http_result *res,
    struct lt_error *err);
void lt_http_result_release(struct lt_http_result *res);

#endif
