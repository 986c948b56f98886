/* otlp-export.c: where OTLP data goes (--otlp-endpoint and the OTLP
 * exporter environment variables, as the OpenTelemetry specification's
 * exporter configuration defines them) and its export over OTLP/HTTP
 * with JSON bodies: batches, retries with backoff on 429/502/503/504
 * (Retry-After honoured), everything within one deadline (otlp.h). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "latticectl/http.h"
#include "latticectl/json.h"
#include "latticectl/otlp.h"
#include "latticectl/redact.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "banned.h"

#define MAX_HEADERS 64
#define REPLY_MAX 4096		/* bytes of a receiver's answer kept */
#define BACKOFF_FIRST_NS 200000000LL
#define BACKOFF_MAX_NS 5000000000LL

/* ---- configuration ---- */

static bool
is_http_url(const char *u)
{
	return !strncmp(u, "http://", 7) || !strncmp(u, "https://", 8);
}

/* base + "/v1/<signal>", one slash between them (the specification's
 * rule for OTEL_EXPORTER_OTLP_ENDPOINT). */
static char *
signal_url(const char *base, const char *signal)
{
	size_t n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	return lt_xasprintf("%.*s/v1/%s", (int)n, base, signal);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode [s, s+n) with blanks trimmed at both ends; NULL when it
 * holds a control character (a CR or LF would split the HTTP header). */
static char *
decode(const char *s, size_t n)
{
	struct lt_buf b = LT_BUF_INIT;
	size_t i;
	int hi, lo;
	char c;

	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	for (i = 0; i < n; i++) {
		c = s[i];
		if (c == '%' && i + 2 < n && (hi = hexval(s[i + 1])) >= 0 &&
		    (lo = hexval(s[i + 2])) >= 0) {
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if ((unsigned char)c < 0x20 || c == 0x7f) {
			lt_buf_release(&b);
			return NULL;
		}
		lt_buf_addch(&b, c);
	}
	lt_buf_add(&b, "", 0);
	return lt_buf_detach(&b);
}

static bool
valid_name(const char *k)
{
	const char *p;

	if (*k == '\0')
		return false;
	for (p = k; *p; p++)
		if (*p <= ' ' || *p == ':' || *p == 0x7f)
			return false;
	return true;
}

/* Add the "key=value,key=value" list of variable var to h (n entries;
 * a later key replaces an earlier one, so signal-specific headers win).
 * Errors name the variable and the entry's position, never its text. */
static int
parse_headers(const char *var, const char *list, char **h, int *n,
    struct lt_error *err)
{
	const char *p = list, *e, *eq;
	char *k, *v;
	int pos = 0, i;

	while (p && *p) {
		e = strchr(p, ',');
		eq = memchr(p, '=', e ? (size_t)(e - p) : strlen(p));
		pos++;
		k = eq ? decode(p, (size_t)(eq - p)) : NULL;
		v = eq ? decode(eq + 1, e ? (size_t)(e - eq - 1) :
		    strlen(eq + 1)) : NULL;
		if (k == NULL || v == NULL || !valid_name(k) || *n == MAX_HEADERS) {
			free(k);
			free(v);
			return lt_error_set(err, LT_E_USAGE, "%s: entry %d is not "
			    "a key=value header (URL-encoded, no control "
			    "characters)", var, pos);
		}
		for (i = 0; i < *n; i++)
			if (!strncasecmp(h[i], k, strlen(k)) && h[i][strlen(k)] ==
			    ':')
				break;
		if (i == *n)
			(*n)++;
		else
			free(h[i]);
		h[i] = lt_xasprintf("%s: %s", k, v);
		free(k);
		free(v);
		p = e ? e + 1 : NULL;
	}
	return 0;
}

static int
headers_for(const char *signal_var, lt_otlp_env_fn env, char ***out,
    struct lt_error *err)
{
	char *h[MAX_HEADERS + 2];
	int n = 0;
	const char *v;

	h[n++] = lt_xstrdup("Content-Type: application/json");
	if (((v = env("OTEL_EXPORTER_OTLP_HEADERS")) && parse_headers(
	    "OTEL_EXPORTER_OTLP_HEADERS", v, h, &n, err) < 0) ||
	    ((v = env(signal_var)) && parse_headers(signal_var, v, h, &n,
	    err) < 0)) {
		while (n > 0)
			free(h[--n]);
		return -1;
	}
	h[n] = NULL;
	*out = lt_xmalloc((size_t)(n + 1) * sizeof(char *));
	memcpy(*out, h, (size_t)(n + 1) * sizeof(char *));
	return 0;
}

/* The URL of one signal: the signal's own variable as it is, else the
 * base (flag, else OTEL_EXPORTER_OTLP_ENDPOINT) with /v1/<signal>. */
static int
url_for(const char *base, const char *signal_var, const char *signal,
    lt_otlp_env_fn env, char **out, struct lt_error *err)
{
	const char *own = base ? NULL : env(signal_var);
	const char *b = base ? base : env("OTEL_EXPORTER_OTLP_ENDPOINT");

	if (own && *own)
		*out = lt_xstrdup(own);
	else if (b && *b)
		*out = signal_url(b, signal);
	else
		return 0;
	if (!is_http_url(*out)) {
		lt_redact_url(*out);
		return lt_error_set(err, LT_E_USAGE, "OTLP endpoint '%s': not "
		    "an http:// or https:// URL", *out);
	}
	return 1;
}

int
lt_otlp_target_init(struct lt_otlp_target *t, const char *endpoint,
    lt_otlp_env_fn env, struct lt_error *err)
{
	int rt, rl;

	memset(t, 0, sizeof(*t));
	if (endpoint && !strcmp(endpoint, "none"))
		return 0;
	if (endpoint && *endpoint == '\0')
		return lt_error_set(err, LT_E_USAGE, "--otlp-endpoint: empty URL");
	if ((rt = url_for(endpoint, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
	    "traces", env, &t->traces_url, err)) < 0 ||
	    (rl = url_for(endpoint, "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "logs",
	    env, &t->logs_url, err)) < 0)
		return -1;
	if (rt == 0 && rl == 0)
		return 0;
	if (rt == 0 || rl == 0)
		return lt_error_set(err, LT_E_USAGE, "OTLP export needs both a "
		    "traces and a logs endpoint: set OTEL_EXPORTER_OTLP_ENDPOINT "
		    "or --otlp-endpoint");
	if (headers_for("OTEL_EXPORTER_OTLP_TRACES_HEADERS", env,
	    &t->traces_headers, err) < 0 ||
	    headers_for("OTEL_EXPORTER_OTLP_LOGS_HEADERS", env,
	    &t->logs_headers, err) < 0)
		return -1;
	return 1;
}

static void
free_list(char **l)
{
	size_t i;

	for (i = 0; l && l[i]; i++)
		free(l[i]);
	free(l);
}

void
lt_otlp_target_release(struct lt_otlp_target *t)
{
	free(t->traces_url);
	free(t->logs_url);
	free_list(t->traces_headers);
	free_list(t->logs_headers);
	memset(t, 0, sizeof(*t));
}

/* ---- sending ---- */

static bool
retryable(long status)
{
	return status == 429 || status == 502 || status == 503 ||
	    status == 504;
}

static void
sleep_ns(int64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000),
	    (long)(ns % 1000000000) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The wait before attempt n+1: Retry-After when the receiver gave one
 * (its seconds are hostile: INT64_MAX for more than nanoseconds hold),
 * else 200 ms doubling to at most 5 s, less up to a quarter at random. */
static int64_t
backoff(int n, const struct lt_http_result *res)
{
	int64_t w = BACKOFF_FIRST_NS;

	if (res->retry_after_s > INT64_MAX / 1000000000LL)
		return INT64_MAX;
	if (res->retry_after_s > 0)
		return res->retry_after_s * 1000000000LL;
	while (n-- > 1 && w < BACKOFF_MAX_NS)
		w *= 2;
	if (w > BACKOFF_MAX_NS)
		w = BACKOFF_MAX_NS;
	return w - (int64_t)(lt_hash64(&res->total_ns, sizeof(res->total_ns)) %
	    (uint64_t)(w / 4));
}

/* The receiver's partialSuccess: how many items it rejected. */
static int64_t
rejected(const struct lt_http_result *res)
{
	cJSON *doc = lt_json_parse(res->body.buf, res->body.len);
	const cJSON *ps = cJSON_GetObjectItemCaseSensitive(doc,
	    "partialSuccess");
	const char *keys[] = { "rejectedSpans", "rejectedLogRecords", NULL };
	const cJSON *v;
	double d, n = 0;
	int i;

	for (i = 0; keys[i]; i++) {	/* int64 as a string, or a number */
		v = cJSON_GetObjectItemCaseSensitive(ps, keys[i]);
		d = cJSON_IsString(v) ? strtod(v->valuestring, NULL) :
		    cJSON_IsNumber(v) ? v->valuedouble : 0;
		if (d > 0 && d < 1e15)	/* the receiver's text is hostile */
			n += d;
	}
	cJSON_Delete(doc);
	return (int64_t)n;
}

/* The refusal: the status and the first line of what the receiver said,
 * escaped (it is text from the network). */
static int
refused(const char *url, const struct lt_http_result *res,
    struct lt_error *err)
{
	struct lt_buf why = LT_BUF_INIT;
	size_t n = strcspn(res->body.buf, "\r\n");
	int rc;

	lt_buf_add_text(&why, res->body.buf, n > 200 ? 200 : n);
	lt_buf_add(&why, "", 0);
	rc = lt_error_set(err, LT_E_RUNTIME, "'%s' refused the export: HTTP "
	    "%ld%s%s", url, res->status, why.len > 1 ? ": " : "", why.buf);
	lt_buf_release(&why);
	return rc;
}

/* POST body to url until it is taken, refused or the deadline passes. */
static int
post(const char *url, char **headers, const struct lt_buf *body,
    int64_t deadline, struct lt_otlp_stats *st, struct lt_error *err)
{
	struct lt_http_post req = { (const char *const *)headers, body->buf,
	    body->len };
	struct lt_http_result res;
	int64_t left, wait;
	int n = 0;

	for (;;) {
		if ((left = deadline - lt_mono_ns()) <= 0)
			return lt_error_set(err, LT_E_TIMEOUT, "'%s': no answer "
			    "within --timeout", url);
		n++;
		st->attempts++;
		if (lt_http_post(url, &req, left, REPLY_MAX, &res, err) < 0) {
			lt_http_result_release(&res);
			return -1;
		}
		if (res.status >= 200 && res.status < 300) {
			st->requests++;
			st->rejected += rejected(&res);
			lt_http_result_release(&res);
			return 0;
		}
		if (!retryable(res.status)) {
			refused(url, &res, err);
			lt_http_result_release(&res);
			return -1;
		}
		wait = backoff(n, &res);
		lt_http_result_release(&res);
		if (wait >= deadline - lt_mono_ns())
			return lt_error_set(err, LT_E_TIMEOUT, "'%s': still "
			    "HTTP %ld after %d attempts, giving up at --timeout",
			    url, res.status, n);
		sleep_ns(wait);
	}
}

int
lt_otlp_post(const struct lt_otlp_target *t, bool logs, const cJSON *doc,
    int64_t deadline, struct lt_otlp_stats *st, struct lt_error *err)
{
	struct lt_buf body = LT_BUF_INIT;
	int rc;

	lt_json_print(doc, false, &body);
	rc = post(logs ? t->logs_url : t->traces_url, logs ? t->logs_headers :
	    t->traces_headers, &body, deadline, st, err);
	if (rc < 0)	/* no user:password@ of the URL in messages */
		lt_redact_text_urls(err->msg);
	lt_buf_release(&body);
	return rc;
}
