/* otlp.h: a recording as OpenTelemetry traces and logs (OTLP/JSON, the
 * protobuf JSON mapping of ExportTraceServiceRequest and
 * ExportLogsServiceRequest), and their export over OTLP/HTTP. The mapping
 * is latticectl-report(1), OPENTELEMETRY; the builder (otlp.c) does no
 * I/O, the exporter (otlp-export.c) posts through http.h. */
#ifndef LATTICECTL_OTLP_H
#define LATTICECTL_OTLP_H

#include <stdbool.h>
#include <stdint.h>

#include "latticectl/buf.h"
#include "latticectl/error.h"

struct cJSON;

struct lt_otlp {
	struct cJSON *traces;	/* ExportTraceServiceRequest */
	struct cJSON *logs;	/* ExportLogsServiceRequest; NULL when no
				 * record became a log record */
	int nspans, nlogs, nlinks;
	char trace_id[33];	/* lower-case hex */
};

/* Build the traces and logs of recs (a cJSON array of records in file
 * order, already redacted) into out (caller releases with
 * lt_otlp_release). One trace per recording: its id and every span id
 * are derived from the meta record and the records' seq numbers, so the
 * same recording always gives the same ids. Never fails. */
void lt_otlp_build(const struct cJSON *recs, struct lt_otlp *out);
/* lt_otlp_build, keeping only the spans and log records of the phases
 * whose phase record's seq is in [from, until); until 0 means to the end,
 * the root span and whatever lies in no phase included. A replay exports
 * each phase when the next begins, and the rest at the end: the phases
 * together give what lt_otlp_build gives (the findings, known at the end,
 * mark only spans of the last phase). nspans may be 0. */
void lt_otlp_build_range(const struct cJSON *recs, uint64_t from,
    uint64_t until, struct lt_otlp *out);
void lt_otlp_release(struct lt_otlp *o);

/* Where lt_otlp_stream reads records from: each pass over them calls
 * open, then next until it gives 0. next gives 1 with *rec (the source's,
 * valid until the next call; redacted), 0 at the end, -1 with err. */
struct lt_otlp_source {
	int (*open)(void *arg, struct lt_error *err);
	int (*next)(void *arg, const struct cJSON **rec, struct lt_error *err);
	void *arg;
};

/* A source over an array of records (a lives as long as src is used). */
struct lt_otlp_array {
	const struct cJSON *recs, *at;
};
void lt_otlp_source_array(struct lt_otlp_source *src, struct lt_otlp_array *a,
    const struct cJSON *recs);

/* Takes one request: doc (the builder's, deleted after the call; the
 * sink may take items out of it) holds n spans (logs false: an
 * ExportTraceServiceRequest) or n log records (an
 * ExportLogsServiceRequest), n <= LT_OTLP_BATCH. 0, or -1 with err to
 * stop. */
typedef int (*lt_otlp_sink_fn)(void *arg, bool logs, struct cJSON *doc,
    int n, struct lt_error *err);

struct lt_otlp_counts {
	int nspans, nlogs, nlinks;
	char trace_id[33];
};

/* What lt_otlp_build_range builds, given to sink a request at a time in
 * the order lt_otlp_format writes them: the trace requests (one with no
 * span when the range holds none), then the log requests (none when
 * there are no log records). The records are read in four passes, and
 * what stays in memory is bounded by the root and phase spans, the last
 * WINDOW (8192) request spans and 256 findings, whatever the number of
 * records. -1 with err when the source or the sink failed. */
int lt_otlp_stream(const struct lt_otlp_source *src, uint64_t from,
    uint64_t until, lt_otlp_sink_fn sink, void *arg,
    struct lt_otlp_counts *out, struct lt_error *err);

/* The item array of a request doc: its spans (logs false) or logRecords. */
struct cJSON *lt_otlp_items(struct cJSON *doc, bool logs);

/* Append the two requests as JSON lines (the traces, then the logs when
 * there are any): the OpenTelemetry Collector's OTLP JSON file format. */
void lt_otlp_format(const struct lt_otlp *o, struct lt_buf *out);

/* Whether s is a W3C traceparent header value this code accepts
 * (version 00 form: 2-32-16-2 lower-case hex digits, ids not all zero;
 * a later version's first 55 characters in that form, the rest visible
 * ASCII but for '"' and '\\'). */
bool lt_otlp_traceparent_ok(const char *s);

/* Where to export, resolved from --otlp-endpoint and the OTLP exporter
 * environment (OTEL_EXPORTER_OTLP_{,TRACES_,LOGS_}ENDPOINT and
 * _HEADERS). Headers are "Name: value" lines, NULL-ended. */
struct lt_otlp_target {
	char *traces_url, *logs_url;
	char **traces_headers, **logs_headers;
};
#define LT_OTLP_TARGET_INIT { NULL, NULL, NULL, NULL }

/* Looks up an environment variable: getenv, or a test's table. */
typedef const char *(*lt_otlp_env_fn)(const char *name);

/* Resolve t from endpoint (the --otlp-endpoint value, NULL when not
 * given: then the environment's; "none" turns export off) and env.
 * Returns 1 when there is somewhere to export to, 0 when not, -1 with
 * err (LT_E_USAGE) for a URL that is not http(s) or a malformed headers
 * variable (named, its values never quoted: they hold credentials).
 * Release with lt_otlp_target_release, also after a failure. */
int lt_otlp_target_init(struct lt_otlp_target *t, const char *endpoint,
    lt_otlp_env_fn env, struct lt_error *err);
void lt_otlp_target_release(struct lt_otlp_target *t);

struct lt_otlp_stats {
	int requests;		/* POSTs that got 2xx */
	int attempts;		/* every POST, retries included */
	int64_t rejected;	/* spans and log records the receiver
				 * rejected (partialSuccess) */
};

/* POST one request doc (at most LT_OTLP_BATCH spans or log records:
 * lt_otlp_stream's) to t->traces_url (logs false) or t->logs_url, by
 * deadline (lt_mono_ns clock); st adds up. 429, 502, 503 and 504 are
 * retried with exponential backoff, or after the receiver's Retry-After,
 * while time remains. -1 with err: LT_E_CONNECT when the endpoint cannot
 * be reached, LT_E_TIMEOUT when time ran out (retrying or waiting for an
 * answer), LT_E_RUNTIME when the receiver refused the data (another
 * status). */
#define LT_OTLP_BATCH 512
int lt_otlp_post(const struct lt_otlp_target *t, bool logs,
    const struct cJSON *doc, int64_t deadline, struct lt_otlp_stats *st,
    struct lt_error *err);

#endif
