/* otlp.c: a recording as OTLP/JSON traces and logs (otlp.h). The mapping
 * (latticectl-report(1), OPENTELEMETRY): a root span for the recording,
 * a span per replay phase, a span per ctl or wadm request (ending at its
 * last reply) and per wadm command; events and KV changes become span
 * events on the request span they follow (same phase, shared component,
 * provider, config or app), else log records; findings mark the spans
 * their evidence belongs to; a record's traceparent becomes a link. */
#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/json.h"
#include "latticectl/otlp.h"
#include "latticectl/util.h"
#include "banned.h"

enum { KIND_INTERNAL = 1, KIND_CLIENT = 3, KIND_PRODUCER = 4 };
enum { STATUS_UNSET = 0, STATUS_ERROR = 2 };
#define MAX_KEYS 8
#define MATCH_WINDOW_NS (10 * 1000000000LL) /* an event follows its request */
#define MATCH_DEPTH 64		/* request spans looked back at */
#define PAIR_DEPTH 8192		/* spans looked back at for a reply */
#define DATA_MAX 4096		/* bytes of an event's data kept */

struct span {
	char id[17];
	int parent;		/* index, -1 for the root */
	uint64_t phase_seq;	/* the seq of the phase record it lies in
				 * (a phase span: its own), 0 outside any */
	char *name;
	int kind;
	int64_t start, end;
	cJSON *attrs, *events, *links;
	int status;
	char *status_msg;
	uint64_t pair;		/* request spans: the pair id, else 0 */
	char *keys[MAX_KEYS];	/* what it is about: ids and names */
	int nkeys;
};

struct owner {
	uint64_t seq;
	int span;
};

struct builder {
	char trace_id[33];
	struct span *spans;
	int nspans, alloc;
	struct owner *owners;	/* seq -> span, in record order */
	size_t nowners, oalloc;
	int phase;		/* the open phase span, or 0 (root) */
	cJSON *logs;		/* logRecords */
	uint64_t *log_phase;	/* each log record's phase_seq */
	size_t nlog_phase;
	const cJSON *findings[256];
	uint64_t finding_phase[256];	/* the phase_seq it was found in */
	int nfindings;
};

/* ---- ids ---- */

static void
hex(const unsigned char *p, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* The first n bytes of SHA-256(text) as hex, never all zeros. */
static void
derive_id(const char *text, size_t n, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	EVP_Digest(text, strlen(text), md, &len, EVP_sha256(), NULL);
	md[0] |= (unsigned char)(md[1] == 0 && md[2] == 0);	/* not zero */
	hex(md, n, out);
}

static void
span_id(const struct builder *b, const char *what, uint64_t seq, char *out)
{
	char text[128];

	snprintf(text, sizeof(text), "%s/%s/%llu", b->trace_id, what,
	    (unsigned long long)seq);
	derive_id(text, 8, out);
}

/* The trace id: the recording's identity, as its meta record states it
 * (start time, server, lattice, command line). */
static void
trace_id(const cJSON *meta, char *out)
{
	struct lt_buf b = LT_BUF_INIT;
	const cJSON *a;
	const char *parts[3];
	int i;

	parts[0] = lt_json_str(meta, "t");
	parts[1] = lt_json_str(meta, "lattice");
	parts[2] = lt_json_str(cJSON_GetObjectItemCaseSensitive(meta, "server"),
	    "id");
	lt_buf_adds(&b, "latticectl.otlp/1");
	for (i = 0; i < 3; i++)
		lt_buf_addf(&b, "\n%s", parts[i] ? parts[i] : "");
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(meta, "argv"))
		if (cJSON_IsString(a))
			lt_buf_addf(&b, "\n%s", a->valuestring);
	derive_id(lt_buf_str(&b), 16, out);
	lt_buf_release(&b);
}

bool
lt_otlp_traceparent_ok(const char *s)
{
	static const int len[] = { 2, 32, 16, 2 };
	const char *p = s;
	bool nonzero;
	int i, j;

	if (s == NULL || strlen(s) < 55 || !strncmp(s, "ff", 2) ||
	    (!strncmp(s, "00", 2) && s[55] != '\0') ||
	    (s[55] != '\0' && s[55] != '-'))
		return false;
	for (i = 0; i < 4; i++, p++) {
		nonzero = false;
		for (j = 0; j < len[i]; j++, p++) {
			if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
				return false;
			nonzero |= *p != '0';
		}
		if ((i == 1 || i == 2) && !nonzero)
			return false;
		if (i < 3 && *p != '-')
			return false;
	}
	for (p = s + 55; *p; p++)	/* a later version's fields: no control, */
		if (*p <= ' ' || *p >= 0x7f || *p == '"' || *p == '\\')
			return false;	/* blank, quote or backslash either */
	return true;
}

/* ---- attribute values ---- */

/* A new KeyValue of key in attrs; returns its (empty) AnyValue. */
static cJSON *
attr_value(cJSON *attrs, const char *key)
{
	cJSON *kv = cJSON_CreateObject();

	cJSON_AddStringToObject(kv, "key", key);
	cJSON_AddItemToArray(attrs, kv);
	return cJSON_AddObjectToObject(kv, "value");
}

static void
attr_str(cJSON *attrs, const char *key, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(attr_value(attrs, key), "stringValue", v);
}

static void
attr_int(cJSON *attrs, const char *key, int64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%lld", (long long)v);
	/* int64 as a string, as the JSON mapping writes it */
	cJSON_AddStringToObject(attr_value(attrs, key), "intValue", num);
}

static void
attr_double(cJSON *attrs, const char *key, double v)
{
	cJSON_AddNumberToObject(attr_value(attrs, key), "doubleValue", v);
}

static void
attr_bool(cJSON *attrs, const char *key, bool v)
{
	cJSON_AddBoolToObject(attr_value(attrs, key), "boolValue", v);
}

/* v as compact JSON text, cut at DATA_MAX bytes (on a UTF-8 boundary). */
static void
attr_json(cJSON *attrs, const char *key, const cJSON *v)
{
	char *s;
	size_t n;

	if (v == NULL)
		return;
	s = lt_json_print_kept(v, false);
	if (s == NULL)
		return;
	n = strlen(s);
	if (n > DATA_MAX) {
		n = DATA_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		s[n] = '\0';
	}
	attr_str(attrs, key, s);
	cJSON_free(s);
}

static void
add_time(cJSON *o, const char *key, int64_t ns)
{
	char num[24];

	snprintf(num, sizeof(num), "%lld", (long long)(ns > 0 ? ns : 0));
	cJSON_AddStringToObject(o, key, num);	/* fixed64 as a string */
}

/* ---- spans ---- */

static int64_t
rec_time(const cJSON *rec)
{
	int64_t ns = 0;
	const char *t = lt_json_str(rec, "t");

	if (t == NULL || lt_time_parse(t, &ns) < 0)
		return 0;
	return ns;
}

/* A whole number member of rec (seq, pair, revision), 0 when absent or
 * out of range (a hostile 1e999). */
static uint64_t
rec_u64(const cJSON *rec, const char *key)
{
	double d = lt_json_num(rec, key, 0);

	return d > 0 && d < 1e18 ? (uint64_t)d : 0;
}

static uint64_t
rec_seq(const cJSON *rec)
{
	return rec_u64(rec, "seq");
}

static int
new_span(struct builder *b, const char *what, uint64_t seq, int parent,
    const char *name, int kind, int64_t t)
{
	struct span *s;

	if (b->nspans == b->alloc) {
		b->alloc = b->alloc ? 2 * b->alloc : 64;
		b->spans = lt_xrealloc(b->spans, (size_t)b->alloc * sizeof(*s));
	}
	s = &b->spans[b->nspans];
	memset(s, 0, sizeof(*s));
	span_id(b, what, seq, s->id);
	s->parent = parent;
	s->phase_seq = parent < 0 ? 0 : b->spans[parent].phase_seq;
	s->name = lt_xstrdup(name);
	s->kind = kind;
	s->start = s->end = t;
	s->attrs = cJSON_CreateArray();
	s->events = cJSON_CreateArray();
	s->links = cJSON_CreateArray();
	return b->nspans++;
}

static void
add_key(struct span *s, const char *k)
{
	int i;

	if (k == NULL || *k == '\0' || s->nkeys == MAX_KEYS)
		return;
	for (i = 0; i < s->nkeys; i++)
		if (!strcmp(s->keys[i], k))
			return;
	s->keys[s->nkeys++] = lt_xstrdup(k);
}

static void
set_error(struct span *s, const char *msg)
{
	if (s->status == STATUS_ERROR)
		return;		/* the first reason stays */
	s->status = STATUS_ERROR;
	free(s->status_msg);
	s->status_msg = lt_xstrdup(msg ? msg : "");
}

static void
own(struct builder *b, uint64_t seq, int span)
{
	if (seq == 0)
		return;
	if (b->nowners == b->oalloc) {
		b->oalloc = b->oalloc ? 2 * b->oalloc : 256;
		b->owners = lt_xrealloc(b->owners, b->oalloc * sizeof(*b->owners));
	}
	b->owners[b->nowners].seq = seq;
	b->owners[b->nowners++].span = span;
}

/* The span a record of seq belongs to, or -1. */
static int
owner_of(const struct builder *b, uint64_t seq)
{
	size_t lo = 0, hi = b->nowners, mid;

	while (lo < hi) {	/* seqs grow with the file */
		mid = (lo + hi) / 2;
		if (b->owners[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < b->nowners && b->owners[lo].seq == seq)
		return b->owners[lo].span;
	for (lo = 0; lo < b->nowners; lo++)	/* out of order */
		if (b->owners[lo].seq == seq)
			return b->owners[lo].span;
	return -1;
}

/* A traceparent on rec links span to the trace that carried it. */
static void
link_traceparent(struct builder *b, int span, const cJSON *rec)
{
	const char *tp = lt_json_str(rec, "traceparent");
	char tid[33], sid[17];
	cJSON *l, *a;

	if (!lt_otlp_traceparent_ok(tp))
		return;
	memcpy(tid, tp + 3, 32);
	tid[32] = '\0';
	memcpy(sid, tp + 36, 16);
	sid[16] = '\0';
	cJSON_ArrayForEach(l, b->spans[span].links)
		if (!strcmp(lt_json_str(l, "spanId"), sid) &&
		    !strcmp(lt_json_str(l, "traceId"), tid))
			return;
	l = cJSON_CreateObject();
	cJSON_AddStringToObject(l, "traceId", tid);
	cJSON_AddStringToObject(l, "spanId", sid);
	a = cJSON_AddArrayToObject(l, "attributes");
	attr_int(a, "latticectl.record.seq", (int64_t)rec_seq(rec));
	attr_str(a, "messaging.destination.name", lt_json_str(rec, "subject"));
	cJSON_AddItemToArray(b->spans[span].links, l);
}

/* ---- what a record is about ---- */

/* The token after n dots of subject (n = 0: the first), into out. */
static const char *
token(const char *subject, int n, char *out, size_t outlen)
{
	const char *p = subject, *e;

	while (p && n-- > 0)
		p = (p = strchr(p, '.')) ? p + 1 : NULL;
	if (p == NULL)
		return NULL;
	e = strchr(p, '.');
	snprintf(out, outlen, "%.*s", (int)(e ? (size_t)(e - p) : strlen(p)),
	    p);
	return out;
}

/* The ids and names in an object: component, provider, config, link
 * source, app (the appspec annotation or a model name). */
static void
keys_from(struct span *s, const cJSON *o)
{
	static const char *const names[] = { "component_id", "provider_id",
	    "config_name", "source_id", "model_name", NULL };
	int i;

	if (!cJSON_IsObject(o))
		return;
	for (i = 0; names[i]; i++)
		add_key(s, lt_json_str(o, names[i]));
	add_key(s, lt_json_str(cJSON_GetObjectItemCaseSensitive(o,
	    "annotations"), "wasmcloud.dev/appspec"));
}

/* Request subjects: {prefix}.v1.{L}.{noun}.{verb}[.{arg}] and
 * wadm.api.{L}.model.{verb}[.{app}]: the span name is the operation,
 * the argument (a config name, an app) is a key. */
static void
request_name(const char *subject, bool wadm, char *name, size_t len,
    char *arg, size_t arglen)
{
	char noun[64], verb[64];
	int base = wadm ? 3 : 4;

	arg[0] = '\0';
	if (!token(subject, base, noun, sizeof(noun)) ||
	    !token(subject, base + 1, verb, sizeof(verb))) {
		snprintf(name, len, "%s %s", wadm ? "wadm" : "ctl", subject);
		return;
	}
	snprintf(name, len, "%s %s.%s", wadm ? "wadm" : "ctl", noun, verb);
	token(subject, base + 2, arg, arglen);
	if (!wadm && (!strcmp(noun, "host") || !strcmp(noun, "component") ||
	    !strcmp(noun, "provider") || !strcmp(noun, "label")))
		arg[0] = '\0';	/* a host id: too wide to match on */
}

static void
messaging_attrs(cJSON *attrs, const cJSON *rec)
{
	attr_str(attrs, "messaging.system", "nats");
	attr_str(attrs, "messaging.destination.name",
	    lt_json_str(rec, "subject"));
	attr_int(attrs, "latticectl.record.seq", (int64_t)rec_seq(rec));
}

static void
on_request(struct builder *b, const cJSON *rec, bool wadm)
{
	char name[160], arg[160];
	const char *subject = lt_json_str(rec, "subject");
	const cJSON *payload = cJSON_GetObjectItemCaseSensitive(rec, "payload");
	bool ours = lt_json_str(rec, "from") &&
	    !strcmp(lt_json_str(rec, "from"), "latticectl");
	int sp;

	request_name(subject ? subject : "", wadm, name, sizeof(name), arg,
	    sizeof(arg));
	sp = new_span(b, "request", rec_seq(rec), b->phase, name,
	    ours ? KIND_CLIENT : KIND_INTERNAL, rec_time(rec));
	b->spans[sp].pair = rec_u64(rec, "pair");
	messaging_attrs(b->spans[sp].attrs, rec);
	attr_str(b->spans[sp].attrs, "messaging.operation.type", "send");
	attr_bool(b->spans[sp].attrs, "latticectl.observed", !ours);
	add_key(&b->spans[sp], arg);
	keys_from(&b->spans[sp], payload);
	if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(rec, "answered")))
		set_error(&b->spans[sp], "no reply");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rec, "reply_unseen")))
		attr_bool(b->spans[sp].attrs, "latticectl.reply_unseen", true);
	own(b, rec_seq(rec), sp);
	link_traceparent(b, sp, rec);
}

/* The request span of pair: among the last PAIR_DEPTH spans (a reply
 * follows its request closely; an unpaired reply costs no full scan). */
static int
span_of_pair(const struct builder *b, uint64_t pair)
{
	int i, stop = b->nspans > PAIR_DEPTH ? b->nspans - PAIR_DEPTH : 0;

	for (i = b->nspans - 1; pair && i > stop; i--)
		if (b->spans[i].pair == pair)
			return i;
	return -1;
}

/* A reply ends its request's span; a failure (success false, a wadm
 * result of error) marks it. */
static void
on_reply(struct builder *b, const cJSON *rec)
{
	int sp = span_of_pair(b, rec_u64(rec, "pair"));
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(rec, "payload");
	const cJSON *ok = cJSON_GetObjectItemCaseSensitive(p, "success");
	const char *msg = lt_json_str(p, "message");
	const char *result = lt_json_str(p, "result");
	struct span *s;

	if (sp < 0) {
		own(b, rec_seq(rec), b->phase);
		return;
	}
	s = &b->spans[sp];
	if (s->end == s->start || rec_time(rec) > s->end)
		s->end = rec_time(rec);
	if (cJSON_IsBool(ok))
		attr_bool(s->attrs, "latticectl.reply.success", cJSON_IsTrue(ok));
	attr_str(s->attrs, "latticectl.reply.message", msg);
	attr_str(s->attrs, "latticectl.reply.result", result);
	if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(rec, "latency_ms")))
		attr_double(s->attrs, "latticectl.reply.latency_ms",
		    lt_json_num(rec, "latency_ms", 0));
	if (cJSON_IsFalse(ok) || (result && !strcmp(result, "error")))
		set_error(s, msg ? msg : "the reply reports a failure");
	own(b, rec_seq(rec), sp);
	link_traceparent(b, sp, rec);
}

/* wadm.cmd: a command wadm published for its workers, as a producer span
 * of no length. */
static void
on_wadm_cmd(struct builder *b, const cJSON *rec)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(rec, "payload");
	const char *cmd = cJSON_IsObject(p) && p->child && p->child->string ?
	    p->child->string : "command";
	char name[160];
	int sp;

	snprintf(name, sizeof(name), "wadm.cmd %s", cmd);
	sp = new_span(b, "wadm.cmd", rec_seq(rec), b->phase, name,
	    KIND_PRODUCER, rec_time(rec));
	messaging_attrs(b->spans[sp].attrs, rec);
	attr_str(b->spans[sp].attrs, "messaging.operation.type", "publish");
	attr_str(b->spans[sp].attrs, "latticectl.wadm.command", cmd);
	if (cJSON_IsObject(p) && p->child) {
		keys_from(&b->spans[sp], p->child);
		attr_json(b->spans[sp].attrs, "latticectl.wadm.payload", p->child);
	}
	own(b, rec_seq(rec), sp);
	link_traceparent(b, sp, rec);
}

static void
on_phase(struct builder *b, const cJSON *rec)
{
	const char *phase = lt_json_str(rec, "phase");
	char name[160];
	int sp;

	if (b->phase > 0)
		b->spans[b->phase].end = rec_time(rec);
	snprintf(name, sizeof(name), "phase %s", phase ? phase : "?");
	sp = new_span(b, "phase", rec_seq(rec), 0, name, KIND_INTERNAL,
	    rec_time(rec));
	b->spans[sp].phase_seq = rec_seq(rec);
	attr_str(b->spans[sp].attrs, "latticectl.phase", phase);
	attr_int(b->spans[sp].attrs, "latticectl.record.seq",
	    (int64_t)rec_seq(rec));
	if (lt_json_str(rec, "error"))
		set_error(&b->spans[sp], lt_json_str(rec, "error"));
	b->phase = sp;
	own(b, rec_seq(rec), sp);
}

static bool
shares_key(const struct span *s, char *const *keys, int n)
{
	int i, j;

	for (i = 0; i < s->nkeys; i++)
		for (j = 0; j < n; j++)
			if (!strcmp(s->keys[i], keys[j]))
				return true;
	return false;
}

/* The request or command span an event or KV change at t follows: in the
 * same phase, begun before t and ended at most MATCH_WINDOW_NS before
 * it, sharing a key; the latest such span, else -1. */
static int
match_span(const struct builder *b, int64_t t, char *const *keys, int n)
{
	const struct span *s;
	int i, looked = 0;

	/* the open phase's spans are the ones after it */
	for (i = b->nspans - 1; i > b->phase && looked < MATCH_DEPTH; i--) {
		s = &b->spans[i];
		if (s->parent != b->phase || (s->pair == 0 && s->kind !=
		    KIND_PRODUCER))
			continue;
		looked++;
		if (s->start <= t && t - s->end <= MATCH_WINDOW_NS &&
		    shares_key(s, keys, n))
			return i;
	}
	return -1;
}

/* A span event; *attrs, when not NULL, becomes its attributes (taken),
 * else *attrs gets a new empty array of them. */
static cJSON *
new_event(const char *name, int64_t t, cJSON **attrs)
{
	cJSON *ev = cJSON_CreateObject();

	add_time(ev, "timeUnixNano", t);
	cJSON_AddStringToObject(ev, "name", name);
	if (*attrs == NULL)
		*attrs = cJSON_CreateArray();
	cJSON_AddItemToObject(ev, "attributes", *attrs);
	return ev;
}

/* A record that is no span: a span event on the span it belongs to, or
 * a log record in the trace (on the phase or root span) when none. */
static void
attach(struct builder *b, const cJSON *rec, const char *name,
    cJSON *attrs, const char *body, int severity, char *const *keys,
    int nkeys)
{
	int64_t t = rec_time(rec);
	int sp = match_span(b, t, keys, nkeys);
	cJSON *ev, *lr, *v;

	if (sp >= 0) {
		ev = new_event(name, t, &attrs);
		cJSON_AddItemToArray(b->spans[sp].events, ev);
	} else {
		sp = b->phase;
		lr = cJSON_CreateObject();
		add_time(lr, "timeUnixNano", t);
		add_time(lr, "observedTimeUnixNano", t);
		cJSON_AddNumberToObject(lr, "severityNumber", severity);
		cJSON_AddStringToObject(lr, "severityText", severity >= 17 ?
		    "ERROR" : severity >= 13 ? "WARN" : "INFO");
		v = cJSON_AddObjectToObject(lr, "body");
		cJSON_AddStringToObject(v, "stringValue", body ? body : name);
		attr_str(attrs, "event.name", name);
		cJSON_AddItemToObject(lr, "attributes", attrs);
		cJSON_AddStringToObject(lr, "traceId", b->trace_id);
		cJSON_AddStringToObject(lr, "spanId", b->spans[sp].id);
		cJSON_AddItemToArray(b->logs, lr);
		b->log_phase = lt_xrealloc(b->log_phase, (b->nlog_phase + 1) *
		    sizeof(*b->log_phase));
		b->log_phase[b->nlog_phase++] = b->spans[sp].phase_seq;
	}
	own(b, rec_seq(rec), sp);
	link_traceparent(b, sp, rec);
}

static void
free_keys(char **keys, int n)
{
	while (n-- > 0)
		free(keys[n]);
}

static void
on_event(struct builder *b, const cJSON *rec)
{
	const cJSON *ev = cJSON_GetObjectItemCaseSensitive(rec, "event");
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(ev, "data");
	const char *type = lt_json_str(ev, "type"), *dot;
	struct span keys;
	cJSON *attrs = cJSON_CreateArray();
	char *body = NULL;

	memset(&keys, 0, sizeof(keys));
	keys_from(&keys, data);
	dot = type ? strrchr(type, '.') : NULL;
	messaging_attrs(attrs, rec);
	attr_str(attrs, "cloudevents.event_id", lt_json_str(ev, "id"));
	attr_str(attrs, "cloudevents.event_type", type);
	attr_str(attrs, "cloudevents.event_source", lt_json_str(ev, "source"));
	attr_json(attrs, "latticectl.event.data", data);
	if (ev)
		body = lt_json_print_kept(ev, false);
	attach(b, rec, dot ? dot + 1 : type ? type : "event", attrs, body,
	    type && strstr(type, "fail") ? 17 : 9, keys.keys, keys.nkeys);
	cJSON_free(body);
	free_keys(keys.keys, keys.nkeys);
}

static void
on_kv(struct builder *b, const cJSON *rec)
{
	const char *op = lt_json_str(rec, "op"), *key = lt_json_str(rec, "key");
	cJSON *attrs = cJSON_CreateArray();
	char name[64], *keys[1];

	snprintf(name, sizeof(name), "kv %s", op ? op : "change");
	attr_str(attrs, "latticectl.kv.bucket", lt_json_str(rec, "bucket"));
	attr_str(attrs, "latticectl.kv.key", key);
	attr_str(attrs, "latticectl.kv.op", op);
	if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(rec, "revision")))
		attr_int(attrs, "latticectl.kv.revision",
		    (int64_t)rec_u64(rec, "revision"));
	attr_int(attrs, "latticectl.record.seq", (int64_t)rec_seq(rec));
	keys[0] = (char *)(key ? key : "");
	attach(b, rec, name, attrs, NULL, op && strcmp(op, "put") ? 13 : 9,
	    keys, 1);
}

/* gaps, probes, snapshots and inventories: on the phase (or root) span. */
static void
on_other(struct builder *b, const cJSON *rec, const char *kind)
{
	cJSON *a = NULL, *ev;

	own(b, rec_seq(rec), b->phase);
	if (strcmp(kind, "gap") && strcmp(kind, "probe"))
		return;
	ev = new_event(kind, rec_time(rec), &a);
	attr_int(a, "latticectl.record.seq", (int64_t)rec_seq(rec));
	attr_str(a, "latticectl.gap.reason", lt_json_str(rec, "reason"));
	attr_str(a, "latticectl.gap.detail", lt_json_str(rec, "detail"));
	attr_str(a, "url.full", lt_json_str(rec, "url"));
	if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(rec,
	    "http_status")))
		attr_int(a, "http.response.status_code",
		    (int64_t)rec_u64(rec, "http_status"));
	cJSON_AddItemToArray(b->spans[b->phase].events, ev);
}

/* ---- the root span and findings ---- */

/* The command that wrote the recording: the first argv word that names a
 * recording command. */
static const char *
command_of(const cJSON *meta)
{
	static const char *const cmds[] = { "replay", "watch", "sub", "kv",
	    NULL };
	const cJSON *a;
	int i;

	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(meta, "argv"))
		for (i = 0; cmds[i] && cJSON_IsString(a); i++)
			if (!strcmp(a->valuestring, cmds[i]))
				return cmds[i];
	return "recording";
}

/* The app and its versions: replay's model.put requests carry the
 * manifests (old, then new); a watch sees wadm's manifest_published. */
static void
note_app(const cJSON *rec, const char **app, const char **old,
    const char **new)
{
	const char *kind = lt_json_str(rec, "kind"), *subj;
	const cJSON *m = NULL, *md;

	subj = lt_json_str(rec, "subject");
	if (kind && !strcmp(kind, "wadm.request") && subj &&
	    strstr(subj, ".model.put"))
		m = cJSON_GetObjectItemCaseSensitive(rec, "payload");
	else if (kind && !strcmp(kind, "event") && subj &&
	    strstr(subj, "manifest_published"))
		m = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(rec, "event"), "data");
	md = cJSON_GetObjectItemCaseSensitive(m, "metadata");
	if (lt_json_str(md, "name") == NULL)
		return;
	*app = lt_json_str(md, "name");
	*new = lt_json_str(cJSON_GetObjectItemCaseSensitive(md, "annotations"),
	    "version");
	if (*old == NULL)
		*old = *new;
}

static void
root_finish(struct builder *b, const cJSON *meta, const char *app,
    const char *old, const char *new)
{
	struct span *r = &b->spans[0];
	const char *cmd = command_of(meta);
	char name[256];

	if (app && old && new && strcmp(old, new))
		snprintf(name, sizeof(name), "%s %s %s -> %s", cmd, app, old, new);
	else if (app)
		snprintf(name, sizeof(name), "%s %s %s", cmd, app, new ? new : "");
	else
		snprintf(name, sizeof(name), "%s %s", cmd, lt_json_str(meta,
		    "lattice") ? lt_json_str(meta, "lattice") : "");
	free(r->name);
	r->name = lt_xstrdup(name);
	attr_str(r->attrs, "latticectl.command", cmd);
	attr_str(r->attrs, "wasmcloud.lattice", lt_json_str(meta, "lattice"));
	attr_str(r->attrs, "wasmcloud.app", app);
	attr_str(r->attrs, "wasmcloud.app.version.old", old);
	attr_str(r->attrs, "wasmcloud.app.version.new", new);
	if (b->phase > 0 && b->spans[b->phase].end == b->spans[b->phase].start)
		b->spans[b->phase].end = r->end;
}

static void
finding_event(struct span *s, const cJSON *f, int64_t t)
{
	const char *sev = lt_json_str(f, "severity");
	cJSON *a = NULL, *ev = new_event("finding", t, &a);

	attr_str(a, "latticectl.finding.id", lt_json_str(f, "id"));
	attr_str(a, "latticectl.finding.severity", sev);
	attr_str(a, "latticectl.finding.title", lt_json_str(f, "title"));
	attr_str(a, "latticectl.finding.next", lt_json_str(f, "next"));
	attr_json(a, "latticectl.finding.evidence",
	    cJSON_GetObjectItemCaseSensitive(f, "evidence"));
	cJSON_AddItemToArray(s->events, ev);
	if (sev && !strcmp(sev, "error"))
		set_error(s, lt_json_str(f, "title"));
}

/* Each finding: an event on the root and on every span of its phase its
 * evidence belongs to, which an error finding marks ERROR. Spans of
 * earlier phases are left as they are: replay exports a phase when it
 * ends, before the findings (evidence there stays in the list). */
static void
apply_findings(struct builder *b)
{
	const cJSON *f, *e;
	int i, sp, marked[64], n, j;

	for (i = 0; i < b->nfindings; i++) {
		f = b->findings[i];
		finding_event(&b->spans[0], f, rec_time(f));
		n = 0;
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(f,
		    "evidence")) {
			if (!cJSON_IsNumber(e) || e->valuedouble < 1 ||
			    e->valuedouble >= 1e18 || (sp = owner_of(b,
			    (uint64_t)e->valuedouble)) <= 0 ||
			    b->spans[sp].phase_seq != b->finding_phase[i])
				continue;
			for (j = 0; j < n && marked[j] != sp; j++)
				;
			if (j < n || n == 64)
				continue;
			marked[n++] = sp;
			finding_event(&b->spans[sp], f, rec_time(f));
		}
	}
}

/* ---- assembling the requests ---- */

/* The span as OTLP/JSON; its attributes, events and links move into it. */
static cJSON *
span_json(const struct builder *b, struct span *s)
{
	cJSON *o = cJSON_CreateObject(), *st;

	cJSON_AddStringToObject(o, "traceId", b->trace_id);
	cJSON_AddStringToObject(o, "spanId", s->id);
	if (s->parent >= 0)
		cJSON_AddStringToObject(o, "parentSpanId",
		    b->spans[s->parent].id);
	cJSON_AddStringToObject(o, "name", s->name);
	cJSON_AddNumberToObject(o, "kind", s->kind);
	add_time(o, "startTimeUnixNano", s->start);
	add_time(o, "endTimeUnixNano", s->end < s->start ? s->start : s->end);
	cJSON_AddItemToObject(o, "attributes", s->attrs);
	cJSON_AddItemToObject(o, "events", s->events);
	cJSON_AddItemToObject(o, "links", s->links);
	s->attrs = s->events = s->links = NULL;
	st = cJSON_AddObjectToObject(o, "status");
	if (s->status != STATUS_UNSET) {
		cJSON_AddNumberToObject(st, "code", s->status);
		cJSON_AddStringToObject(st, "message", s->status_msg ?
		    s->status_msg : "");
	}
	return o;
}

static cJSON *
resource(const cJSON *meta)
{
	const cJSON *srv = cJSON_GetObjectItemCaseSensitive(meta, "server");
	cJSON *r = cJSON_CreateObject();
	cJSON *a = cJSON_AddArrayToObject(r, "attributes");

	attr_str(a, "service.name", "latticectl");
	attr_str(a, "service.version", LT_VERSION);
	attr_str(a, "latticectl.recording.version", lt_json_str(meta,
	    "version"));
	attr_str(a, "wasmcloud.lattice", lt_json_str(meta, "lattice"));
	attr_str(a, "nats.server.id", lt_json_str(srv, "id"));
	attr_str(a, "nats.server.name", lt_json_str(srv, "name"));
	attr_str(a, "nats.server.version", lt_json_str(srv, "version"));
	return r;
}

/* {"resource<kind>":[{"resource":R,"scope<kind>":[{"scope":S,key:items}]}]} */
static cJSON *
request(const cJSON *meta, const char *outer, const char *inner,
    const char *key, cJSON *items)
{
	cJSON *doc = cJSON_CreateObject(), *rs, *ss, *scope;

	rs = cJSON_CreateObject();
	cJSON_AddItemToArray(cJSON_AddArrayToObject(doc, outer), rs);
	cJSON_AddItemToObject(rs, "resource", resource(meta));
	ss = cJSON_CreateObject();
	cJSON_AddItemToArray(cJSON_AddArrayToObject(rs, inner), ss);
	scope = cJSON_AddObjectToObject(ss, "scope");
	cJSON_AddStringToObject(scope, "name", "latticectl");
	cJSON_AddStringToObject(scope, "version", LT_VERSION);
	cJSON_AddItemToObject(ss, key, items);
	return doc;
}

static void
dispatch(struct builder *b, const cJSON *rec, const char *kind)
{
	if (!strcmp(kind, "ctl.request") || !strcmp(kind, "wadm.request"))
		on_request(b, rec, kind[0] == 'w');
	else if (!strcmp(kind, "ctl.reply") || !strcmp(kind, "wadm.reply"))
		on_reply(b, rec);
	else if (!strcmp(kind, "wadm.cmd"))
		on_wadm_cmd(b, rec);
	else if (!strcmp(kind, "phase"))
		on_phase(b, rec);
	else if (!strcmp(kind, "event"))
		on_event(b, rec);
	else if (!strcmp(kind, "kv"))
		on_kv(b, rec);
	else if (!strcmp(kind, "finding")) {
		if (b->nfindings < (int)(sizeof(b->findings) /
		    sizeof(b->findings[0]))) {
			b->finding_phase[b->nfindings] =
			    b->spans[b->phase].phase_seq;
			b->findings[b->nfindings++] = rec;
		}
		own(b, rec_seq(rec), 0);
	} else
		on_other(b, rec, kind);
}

static void
release_spans(struct builder *b)
{
	int i;

	for (i = 0; i < b->nspans; i++) {
		free(b->spans[i].name);
		free(b->spans[i].status_msg);
		free_keys(b->spans[i].keys, b->spans[i].nkeys);
		cJSON_Delete(b->spans[i].attrs);
		cJSON_Delete(b->spans[i].events);
		cJSON_Delete(b->spans[i].links);
	}
	free(b->spans);
	free(b->owners);
	free(b->log_phase);
}

/* Whether what lies in phase p is in [from, until) (until 0: to the end,
 * with the root and whatever lies in no phase). */
static bool
in_range(uint64_t p, uint64_t from, uint64_t until)
{
	if (p == 0)
		return until == 0;
	return p >= from && (until == 0 || p < until);
}

static void
assemble(struct builder *b, const cJSON *meta, uint64_t from,
    uint64_t until, struct lt_otlp *out)
{
	cJSON *spans = cJSON_CreateArray(), *logs = cJSON_CreateArray(), *l;
	size_t n;
	int i;

	for (i = 0; i < b->nspans; i++) {
		if (!in_range(b->spans[i].phase_seq, from, until))
			continue;
		out->nlinks += cJSON_GetArraySize(b->spans[i].links);
		cJSON_AddItemToArray(spans, span_json(b, &b->spans[i]));
	}
	out->traces = request(meta, "resourceSpans", "scopeSpans", "spans",
	    spans);
	out->nspans = cJSON_GetArraySize(spans);
	for (n = 0; n < b->nlog_phase; n++) {
		l = cJSON_DetachItemFromArray(b->logs, 0);
		if (in_range(b->log_phase[n], from, until))
			cJSON_AddItemToArray(logs, l);
		else
			cJSON_Delete(l);
	}
	cJSON_Delete(b->logs);
	out->nlogs = cJSON_GetArraySize(logs);
	if (out->nlogs > 0)
		out->logs = request(meta, "resourceLogs", "scopeLogs",
		    "logRecords", logs);
	else
		cJSON_Delete(logs);
	memcpy(out->trace_id, b->trace_id, sizeof(out->trace_id));
}

void
lt_otlp_build(const cJSON *recs, struct lt_otlp *out)
{
	lt_otlp_build_range(recs, 0, 0, out);
}

void
lt_otlp_build_range(const cJSON *recs, uint64_t from, uint64_t until,
    struct lt_otlp *out)
{
	struct builder b;
	const cJSON *rec, *meta = NULL;
	const char *kind, *app = NULL, *old = NULL, *new = NULL;
	int64_t t;

	memset(&b, 0, sizeof(b));
	memset(out, 0, sizeof(*out));
	cJSON_ArrayForEach(rec, recs)
		if ((kind = lt_json_str(rec, "kind")) && !strcmp(kind, "meta")) {
			meta = rec;
			break;
		}
	trace_id(meta, b.trace_id);
	b.logs = cJSON_CreateArray();
	new_span(&b, "root", 0, -1, "recording", KIND_INTERNAL, meta ?
	    rec_time(meta) : 0);
	cJSON_ArrayForEach(rec, recs) {
		kind = lt_json_str(rec, "kind");
		t = rec_time(rec);
		if (kind == NULL || rec == meta)
			continue;
		if (b.spans[0].start == 0 || (t && t < b.spans[0].start))
			b.spans[0].start = t;
		if (t > b.spans[0].end)
			b.spans[0].end = t;
		note_app(rec, &app, &old, &new);
		if (strcmp(kind, "end"))
			dispatch(&b, rec, kind);
	}
	root_finish(&b, meta, app, old, new);
	apply_findings(&b);
	assemble(&b, meta, from, until, out);
	release_spans(&b);
}

void
lt_otlp_release(struct lt_otlp *o)
{
	cJSON_Delete(o->traces);
	cJSON_Delete(o->logs);
	o->traces = o->logs = NULL;
}

void
lt_otlp_format(const struct lt_otlp *o, struct lt_buf *out)
{
	lt_json_print(o->traces, false, out);
	lt_buf_addch(out, '\n');
	if (o->logs) {
		lt_json_print(o->logs, false, out);
		lt_buf_addch(out, '\n');
	}
}
