/* test-otlp.c: the OTLP builder on tests/fixtures/recordings/
 * otlp-replay.ltrec (ids, span tree, times, attributes, span events and
 * log records, finding statuses, traceparent links), the traceparent
 * check, and the exporter's endpoint and header rules. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/json.h"
#include "latticectl/otlp.h"
#include "latticectl/rec.h"
#include "tap.h"

static cJSON *
load(void)
{
	char path[1024];
	struct lt_rec_reader *rd;
	struct lt_error err = LT_ERROR_INIT;
	cJSON *recs = cJSON_CreateArray(), *rec;

	if (lt_rec_reader_open(&rd, fixture_path(path, sizeof(path),
	    "recordings/otlp-replay.ltrec"), &err) < 0) {
		printf("# %s\n", err.msg);
		return recs;
	}
	while (lt_rec_reader_next(rd, &rec, &err) > 0)
		cJSON_AddItemToArray(recs, rec);
	lt_rec_reader_close(rd);
	return recs;
}

static const cJSON *
spans(const struct lt_otlp *o)
{
	return lt_json_path(o->traces, "resourceSpans[0].scopeSpans[0].spans");
}

static const cJSON *
span_named(const struct lt_otlp *o, const char *name)
{
	const cJSON *s;

	cJSON_ArrayForEach(s, spans(o))
		if (!strcmp(lt_json_str(s, "name"), name))
			return s;
	return NULL;
}

/* The string (or intValue) of attribute key in attrs, or NULL. */
static const char *
attr(const cJSON *attrs, const char *key)
{
	const cJSON *a, *v;

	cJSON_ArrayForEach(a, attrs) {
		if (strcmp(lt_json_str(a, "key"), key))
			continue;
		v = cJSON_GetObjectItem(a, "value");
		return lt_json_str(v, "stringValue") ? lt_json_str(v,
		    "stringValue") : lt_json_str(v, "intValue");
	}
	return NULL;
}

static int
status(const cJSON *s)
{
	return (int)lt_json_num(cJSON_GetObjectItem(s, "status"), "code", 0);
}

static int
nevents(const cJSON *s, const char *name)
{
	const cJSON *e;
	int n = 0;

	cJSON_ArrayForEach(e, cJSON_GetObjectItem(s, "events"))
		n += !strcmp(lt_json_str(e, "name"), name);
	return n;
}

static void
test_tree(const struct lt_otlp *o)
{
	const cJSON *root = span_named(o, "replay rust-hello-world v0.0.1 -> "
	    "v0.0.2"), *s, *newp = span_named(o, "phase deploy-new");
	int nroots = 0, nbad = 0;

	ok(root != NULL, "the root span names the app and both versions");
	is_int(o->nspans, 9, "root, 2 phases, 4 requests, 1 wadm command");
	cJSON_ArrayForEach(s, spans(o)) {
		nroots += lt_json_str(s, "parentSpanId") == NULL;
		nbad += strcmp(lt_json_str(s, "traceId"), o->trace_id) != 0;
	}
	is_int(nroots, 1, "one span without a parent");
	is_int(nbad, 0, "every span is in the recording's trace");
	is_str(lt_json_str(span_named(o, "phase deploy-old"), "parentSpanId"),
	    lt_json_str(root, "spanId"), "phases are children of the root");
	is_str(lt_json_str(span_named(o, "ctl config.del"), "parentSpanId"),
	    lt_json_str(newp, "spanId"), "a request is a child of its phase");
	is_str(lt_json_str(newp, "startTimeUnixNano"), "1795507201000000000",
	    "a phase starts at its phase record");
	is_str(lt_json_str(span_named(o, "phase deploy-old"),
	    "endTimeUnixNano"), "1795507201000000000",
	    "... and ends where the next begins");
	is_str(lt_json_str(root, "endTimeUnixNano"), "1795507202100000000",
	    "the root ends at the end record");
	s = span_named(o, "ctl config.del");
	is_str(lt_json_str(s, "startTimeUnixNano"), "1795507201300000000",
	    "a request span starts at the request");
	is_str(lt_json_str(s, "endTimeUnixNano"), "1795507201320000000",
	    "... and ends at its reply");
	is_str(attr(cJSON_GetObjectItem(s, "attributes"), "messaging.system"),
	    "nats", "messaging.system");
	is_str(attr(cJSON_GetObjectItem(s, "attributes"),
	    "messaging.destination.name"),
	    "wasmbus.ctl.v1.default.config.del.rust_hello_world-custom_config",
	    "messaging.destination.name is the subject");
	is_int(lt_json_num(s, "kind", 0), 1, "an observed request is INTERNAL");
	is_int(lt_json_num(span_named(o, "ctl host.ping"), "kind", 0), 3,
	    "latticectl's own request is CLIENT");
	is_int(status(span_named(o, "ctl host.ping")), 2,
	    "an unanswered request is an error");
}

static void
test_events_findings(const struct lt_otlp *o)
{
	const cJSON *del = span_named(o, "ctl config.del");
	const cJSON *scale = span_named(o, "ctl component.scale");
	const cJSON *logs = lt_json_path(o->logs,
	    "resourceLogs[0].scopeLogs[0].logRecords");

	is_int(nevents(del, "kv purge"), 1, "the purge is an event of the "
	    "config.del span (same config)");
	is_int(nevents(del, "config_deleted"), 1, "... and config_deleted");
	is_int(nevents(scale, "component_scale_failed"), 1,
	    "the failure event goes to the scale span (same component)");
	is_int(o->nlogs, 1, "the heartbeat belongs to no request: a log record");
	is_str(lt_json_str(cJSON_GetArrayItem(logs, 0), "traceId"),
	    o->trace_id, "... carrying the trace id");
	is_str(lt_json_str(cJSON_GetArrayItem(logs, 0), "spanId"),
	    lt_json_str(span_named(o, "phase deploy-new"), "spanId"),
	    "... and its phase's span id");
	is_int(status(span_named(o, "wadm.cmd DeleteConfig")), 2,
	    "evidence spans of an error finding are ERROR: the command");
	is_int(status(del), 2, "... the span holding the purge and the event");
	is_int(nevents(del, "finding"), 1, "... once each, with the finding");
	is_int(status(scale), 2, "the failed reply makes its span ERROR");
	is_int(nevents(span_named(o, "replay rust-hello-world v0.0.1 -> "
	    "v0.0.2"), "finding"), 2, "the root holds every finding");
	is_int(status(span_named(o, "wadm model.put")), 0,
	    "a span no finding cites keeps status UNSET");
}

static void
test_links(const struct lt_otlp *o)
{
	const cJSON *links = cJSON_GetObjectItem(span_named(o,
	    "ctl config.del"), "links");

	is_int(o->nlinks, 2, "two well-formed traceparents, two links (the "
	    "malformed one is ignored)");
	is_int(cJSON_GetArraySize(links), 2, "both on the span their records "
	    "belong to");
	is_str(lt_json_str(cJSON_GetArrayItem(links, 0), "traceId"),
	    "4bf92f3577b34da6a3ce929d0e0e4736", "the reply's trace id");
	is_str(lt_json_str(cJSON_GetArrayItem(links, 0), "spanId"),
	    "00f067aa0ba902b7", "... and parent span id");
}

static void
test_ids(const cJSON *recs, const struct lt_otlp *o)
{
	struct lt_otlp again;
	struct lt_buf a = LT_BUF_INIT, b = LT_BUF_INIT;
	cJSON *other = cJSON_Duplicate(recs, 1);

	lt_otlp_build(recs, &again);
	lt_otlp_format(o, &a);
	lt_otlp_format(&again, &b);
	ok(a.len > 0 && a.len == b.len && !memcmp(a.buf, b.buf, a.len),
	    "the same recording gives the same output, ids included");
	lt_otlp_release(&again);
	cJSON_ReplaceItemInObject(cJSON_GetArrayItem(other, 0), "t",
	    cJSON_CreateString("2026-11-24T09:00:00Z"));
	lt_otlp_build(other, &again);
	ok(strcmp(again.trace_id, o->trace_id) != 0,
	    "another recording (meta time) gives another trace id");
	is_int(strlen(o->trace_id), 32, "a trace id is 32 hex digits");
	ok(strchr(a.buf, '\n') != a.buf + a.len - 1, "two JSON lines: traces "
	    "and logs");
	lt_otlp_release(&again);
	cJSON_Delete(other);
	lt_buf_release(&a);
	lt_buf_release(&b);
}

/* A phase at a time, as replay exports live: together, the whole. */
static void
test_range(const cJSON *recs, const struct lt_otlp *all)
{
	struct lt_otlp old, rest;

	lt_otlp_build_range(recs, 2, 5, &old);
	lt_otlp_build_range(recs, 5, 0, &rest);
	is_int(old.nspans, 2, "range [deploy-old, deploy-new): its phase span "
	    "and its request");
	ok(span_named(&old, "phase deploy-old") && !span_named(&old,
	    "replay rust-hello-world v0.0.1 -> v0.0.2"), "... not the root");
	ok(old.logs == NULL, "... no log record (it had none)");
	is_int(old.nspans + rest.nspans, all->nspans, "the ranges together "
	    "hold every span");
	is_int(rest.nlogs, all->nlogs, "... and every log record");
	is_str(lt_json_str(span_named(&rest, "ctl config.del"), "spanId"),
	    lt_json_str(span_named(all, "ctl config.del"), "spanId"),
	    "... under the same ids");
	is_int(status(span_named(&rest, "ctl config.del")), 2,
	    "... the last phase with its finding statuses");
	lt_otlp_release(&old);
	lt_otlp_release(&rest);
}

static void
test_traceparent(void)
{
	ok(lt_otlp_traceparent_ok(
	    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
	    "traceparent: the W3C example");
	ok(!lt_otlp_traceparent_ok(
	    "00-00000000000000000000000000000000-00f067aa0ba902b7-01"),
	    "traceparent: a zero trace id is invalid");
	ok(!lt_otlp_traceparent_ok(
	    "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"),
	    "traceparent: a zero span id is invalid");
	ok(!lt_otlp_traceparent_ok(
	    "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"),
	    "traceparent: upper-case hex is invalid");
	ok(!lt_otlp_traceparent_ok(
	    "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
	    "traceparent: version ff is invalid");
	ok(!lt_otlp_traceparent_ok(
	    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x"),
	    "traceparent: version 00 has nothing after the flags");
	ok(lt_otlp_traceparent_ok(
	    "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x"),
	    "traceparent: a later version may add fields");
	ok(!lt_otlp_traceparent_ok(
	    "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-\","
	    "\"kind\":\"finding") && !lt_otlp_traceparent_ok(
	    "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-\\") &&
	    !lt_otlp_traceparent_ok(
	    "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-\033[2J") &&
	    !lt_otlp_traceparent_ok(
	    "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-a b"),
	    "traceparent: a later version's fields hold no quote, backslash, "
	    "control or blank (the header is written into recordings)");
	ok(!lt_otlp_traceparent_ok("00-4bf9\"") && !lt_otlp_traceparent_ok(NULL),
	    "traceparent: short, quoted or missing is invalid");
}

static const char *const *env_table;

static const char *
env(const char *name)
{
	int i;

	for (i = 0; env_table[i]; i += 2)
		if (!strcmp(env_table[i], name))
			return env_table[i + 1];
	return NULL;
}

static int
target(const char *flag, const char *const *table, struct lt_otlp_target *t,
    struct lt_error *err)
{
	env_table = table;
	lt_error_clear(err);
	lt_otlp_target_release(t);
	return lt_otlp_target_init(t, flag, env, err);
}

static void
test_target(void)
{
	static const char *const none[] = { NULL };
	static const char *const base[] = { "OTEL_EXPORTER_OTLP_ENDPOINT",
	    "http://c:4318/otlp/", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
	    "https://t.example/custom", "OTEL_EXPORTER_OTLP_HEADERS",
	    " api-key = s%3Dcr%2Cet , x-a=1", "OTEL_EXPORTER_OTLP_LOGS_HEADERS",
	    "x-a=2", NULL };
	static const char *const bad[] = { "OTEL_EXPORTER_OTLP_ENDPOINT",
	    "http://c:4318", "OTEL_EXPORTER_OTLP_HEADERS",
	    "ok=1,hunter2secret", NULL };
	static const char *const crlf[] = { "OTEL_EXPORTER_OTLP_ENDPOINT",
	    "http://c:4318", "OTEL_EXPORTER_OTLP_HEADERS", "a=b%0d%0aX: y",
	    NULL };
	struct lt_otlp_target t = LT_OTLP_TARGET_INIT;
	struct lt_error err = LT_ERROR_INIT;

	is_int(target(NULL, none, &t, &err), 0, "no flag, no variable: off");
	is_int(target("none", base, &t, &err), 0, "'none' turns it off");
	is_int(target(NULL, base, &t, &err), 1, "the environment turns it on");
	is_str(t.logs_url, "http://c:4318/otlp/v1/logs",
	    "base endpoint + /v1/logs (one slash)");
	is_str(t.traces_url, "https://t.example/custom",
	    "the signal's own endpoint is used as it is");
	is_str(t.traces_headers[1], "api-key: s=cr,et",
	    "headers are URL-decoded and trimmed");
	is_str(t.logs_headers[2], "x-a: 2", "a signal's header replaces the "
	    "common one");
	ok(t.traces_headers[3] == NULL, "... which is not sent twice");
	is_int(target("http://flag:1/", base, &t, &err), 1, "the flag");
	is_str(t.traces_url, "http://flag:1/v1/traces",
	    "the flag is a base URL and wins over every variable");
	is_int(target("ftp://x", none, &t, &err), -1, "not http(s): refused");
	is_int(err.code, LT_E_USAGE, "... as a usage error");
	is_int(target(NULL, bad, &t, &err), -1, "a header without '=': refused");
	ok(strstr(err.msg, "OTEL_EXPORTER_OTLP_HEADERS: entry 2") &&
	    !strstr(err.msg, "hunter2"), "... naming the variable and entry, "
	    "not the value (%s)", err.msg);
	is_int(target(NULL, crlf, &t, &err), -1, "an encoded CR LF: refused");
	lt_otlp_target_release(&t);
}

/* What a sink saw: the item count of each request, "T" or "L" before. */
struct seen {
	struct lt_buf sizes;
	int calls, fail_at;
};

static int
see(void *arg, bool logs, cJSON *doc, int n, struct lt_error *err)
{
	struct seen *s = arg;

	lt_buf_addf(&s->sizes, "%s%c%d", s->calls ? " " : "", logs ? 'L' : 'T',
	    cJSON_GetArraySize(lt_otlp_items(doc, logs)));
	if (n != cJSON_GetArraySize(lt_otlp_items(doc, logs)))
		lt_buf_adds(&s->sizes, "(n differs)");
	if (++s->calls == s->fail_at)
		return lt_error_set(err, LT_E_RUNTIME, "sink full");
	return 0;
}

/* More than a batch: 600 requests, 600 KV changes no span shares a key
 * with (log records), streamed a request of at most 512 at a time; the
 * spans first, then the log records; a sink that fails stops it. */
static void
test_batches(void)
{
	struct lt_otlp_source src;
	struct lt_otlp_array a;
	struct lt_otlp_counts c;
	struct lt_error err = LT_ERROR_INIT;
	struct seen s = { LT_BUF_INIT, 0, 0 };
	struct lt_otlp all;
	cJSON *recs = cJSON_CreateArray();
	char line[256];
	int i;

	cJSON_AddItemToArray(recs, cJSON_Parse("{\"seq\":1,\"kind\":\"meta\","
	    "\"t\":\"2026-11-24T08:00:00Z\",\"lattice\":\"default\"}"));
	for (i = 2; i <= 1201; i++) {
		snprintf(line, sizeof(line), i <= 601 ? "{\"seq\":%d,\"t\":"
		    "\"2026-11-24T08:00:01Z\",\"kind\":\"ctl.request\",\"subject\":"
		    "\"wasmbus.ctl.v1.default.host.ping\",\"pair\":%d}" :
		    "{\"seq\":%d,\"t\":\"2026-11-24T08:00:02Z\",\"kind\":\"kv\","
		    "\"key\":\"k%d\",\"op\":\"put\"}", i, i);
		cJSON_AddItemToArray(recs, cJSON_Parse(line));
	}
	lt_otlp_source_array(&src, &a, recs);
	is_int(lt_otlp_stream(&src, 0, 0, see, &s, &c, &err), 0, "stream 601 "
	    "spans and 600 log records");
	is_str(lt_buf_str(&s.sizes), "T512 T89 L512 L88", "... in requests of "
	    "at most 512, spans first");
	ok(c.nspans == 601 && c.nlogs == 600, "... counted");
	lt_otlp_build(recs, &all);
	ok(cJSON_GetArraySize(spans(&all)) == 601 && cJSON_GetArraySize(
	    lt_json_path(all.logs, "resourceLogs[0].scopeLogs[0].logRecords")) ==
	    600, "lt_otlp_build gathers them in one of each");
	lt_otlp_release(&all);
	lt_buf_reset(&s.sizes);
	s.calls = 0;
	s.fail_at = 2;
	is_int(lt_otlp_stream(&src, 0, 0, see, &s, &c, &err), -1,
	    "a sink that fails stops the stream");
	is_str(err.msg, "sink full", "... with its error");
	is_str(lt_buf_str(&s.sizes), "T512 T89", "... after that request");
	lt_buf_release(&s.sizes);
	cJSON_Delete(recs);
}

int
main(void)
{
	cJSON *recs = load();
	struct lt_otlp o;

	lt_otlp_build(recs, &o);
	test_tree(&o);
	test_events_findings(&o);
	test_links(&o);
	test_ids(recs, &o);
	test_range(recs, &o);
	lt_otlp_release(&o);
	test_batches();
	cJSON_Delete(recs);
	test_traceparent();
	test_target();
	done_testing();
	return 0;
}
