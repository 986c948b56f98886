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
#define WINDOW 8192		/* request spans kept open: a reply pairs, an
				 * event attaches, only within them */
#define DATA_MAX 4096		/* bytes of an event's data kept */
#define MAX_FINDINGS 256
#define MAX_MARKS 64		/* spans a finding marks */

struct span {
	char id[17];
	char parent[17];	/* the parent's id, "" for the root */
	uint64_t ord;		/* creation order, the output's; 0: the root */
	uint64_t phase_seq;	/* the seq of the phase record it lies in
				 * (a phase span: its own), 0 outside any */
	char *name;
	int kind;
	int64_t start, end;
	cJSON *attrs, *events, *links;	/* attrs and events: those not
					 * yet in the texts */
	struct lt_buf attrs_text, events_text;	/* items as JSON, comma-
					 * separated: a twentieth of cJSON's
					 * memory for a span in the window */
	int status;
	char *status_msg;
	uint64_t pair;		/* request spans: the pair id, else 0 */
	char *keys[MAX_KEYS];	/* what it is about: ids and names */
	int nkeys;
};

/* The span a finding's evidence record belongs to. */
struct owner {
	uint64_t seq, ord, phase_seq;
	bool set;
};

struct finding {
	cJSON *rec;		/* a copy */
	uint64_t phase_seq;	/* the phase it was found in */
	uint64_t marks[MAX_MARKS];	/* the ords of the spans it marks */
	int nmarks;
};

/* The passes over the recording (lt_otlp_stream): the findings'
 * evidence; the shape (root and phase spans whole, which spans the
 * findings mark, how many log records); the spans, written out as the
 * window moves on; the log records. */
enum pass { PASS_EVIDENCE, PASS_SHAPE, PASS_SPANS, PASS_LOGS };

struct builder {
	enum pass pass;
	char trace_id[33];
	cJSON *meta;		/* a copy of the meta record */
	uint64_t from, until;	/* the phases written out */
	struct span root, phase;
	struct span *cur;	/* the open phase span, else the root */
	struct span *ring;	/* the last WINDOW request and command spans */
	uint64_t nreq;		/* request and command spans made */
	uint64_t phase_req;	/* nreq when the open phase began */
	uint64_t nord;		/* spans made */
	struct span shape_root;	/* PASS_SHAPE's root, with every phase span */
	struct span *phases;	/* (done) of it, written out by PASS_SPANS */
	size_t nphases, next_phase;
	struct owner *owners;	/* evidence seqs, sorted */
	size_t nowners;
	struct finding findings[MAX_FINDINGS];
	int nfindings;
	char *app, *old, *new;	/* the app and its versions */
	/* output */
	lt_otlp_sink_fn sink;
	void *arg;
	cJSON *batch;		/* spans or log records not yet sent */
	int nbatch, ntraces_docs;
	struct lt_otlp_counts *counts;
	bool failed;
	struct lt_error *err;
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

static void
init_span(struct builder *b, struct span *s, const char *what, uint64_t seq,
    const struct span *parent, const char *name, int kind, int64_t t)
{
	memset(s, 0, sizeof(*s));
	span_id(b, what, seq, s->id);
	if (parent != NULL) {
		memcpy(s->parent, parent->id, sizeof(s->parent));
		s->phase_seq = parent->phase_seq;
		s->ord = ++b->nord;
	}
	s->name = lt_xstrdup(name);
	s->kind = kind;
	s->start = s->end = t;
	s->attrs = cJSON_CreateArray();
	s->events = cJSON_CreateArray();
	s->links = cJSON_CreateArray();
}

static void retire(struct builder *b, struct span *s);
static void end_phase(struct builder *b);

/* A new request or command span in the open phase: the oldest of the
 * window leaves it, to be written out. */
static struct span *
new_span(struct builder *b, const char *what, uint64_t seq, const char *name,
    int kind, int64_t t)
{
	struct span *s = &b->ring[b->nreq % WINDOW];

	if (b->nreq++ >= WINDOW)
		retire(b, s);
	init_span(b, s, what, seq, b->cur, name, kind, t);
	return s;
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

/* The items of array as JSON text at the end of text. */
static void
to_text(cJSON *array, struct lt_buf *text)
{
	cJSON *it;
	char *j;

	while ((it = cJSON_DetachItemFromArray(array, 0)) != NULL) {
		if ((j = lt_json_print_kept(it, false)) != NULL) {
			if (text->len > 0)
				lt_buf_addch(text, ',');
			lt_buf_adds(text, j);
			cJSON_free(j);
		}
		cJSON_Delete(it);
	}
}

/* s's new attributes and events into its texts. */
static void
compact(struct span *s)
{
	to_text(s->attrs, &s->attrs_text);
	to_text(s->events, &s->events_text);
}

/* "[" text "]" as a raw item, printed as it is. */
static cJSON *
raw_array(const struct lt_buf *text)
{
	struct lt_buf b = LT_BUF_INIT;
	cJSON *r;

	lt_buf_addch(&b, '[');
	lt_buf_add(&b, text->buf, text->len);
	lt_buf_addch(&b, ']');
	r = cJSON_CreateRaw(lt_buf_str(&b));
	lt_buf_release(&b);
	return r;
}

/* The evidence entry of seq, or NULL. */
static struct owner *
evidence(const struct builder *b, uint64_t seq)
{
	size_t lo = 0, hi = b->nowners, mid;

	while (lo < hi) {	/* sorted */
		mid = (lo + hi) / 2;
		if (b->owners[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < b->nowners && b->owners[lo].seq == seq ? &b->owners[lo] :
	    NULL;
}

static void
own(struct builder *b, uint64_t seq, const struct span *s)
{
	struct owner *o;

	if (b->pass != PASS_SHAPE || (o = evidence(b, seq)) == NULL || o->set)
		return;		/* no evidence, or owned already */
	o->ord = s->ord;
	o->phase_seq = s->phase_seq;
	o->set = true;
}

/* A traceparent on rec links span to the trace that carried it. */
static void
link_traceparent(struct span *s, const cJSON *rec)
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
	cJSON_ArrayForEach(l, s->links)
		if (!strcmp(lt_json_str(l, "spanId"), sid) &&
		    !strcmp(lt_json_str(l, "traceId"), tid))
			return;
	l = cJSON_CreateObject();
	cJSON_AddStringToObject(l, "traceId", tid);
	cJSON_AddStringToObject(l, "spanId", sid);
	a = cJSON_AddArrayToObject(l, "attributes");
	attr_int(a, "latticectl.record.seq", (int64_t)rec_seq(rec));
	attr_str(a, "messaging.destination.name", lt_json_str(rec, "subject"));
	cJSON_AddItemToArray(s->links, l);
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
	struct span *s;

	request_name(subject ? subject : "", wadm, name, sizeof(name), arg,
	    sizeof(arg));
	s = new_span(b, "request", rec_seq(rec), name, ours ? KIND_CLIENT :
	    KIND_INTERNAL, rec_time(rec));
	s->pair = rec_u64(rec, "pair");
	messaging_attrs(s->attrs, rec);
	attr_str(s->attrs, "messaging.operation.type", "send");
	attr_bool(s->attrs, "latticectl.observed", !ours);
	add_key(s, arg);
	keys_from(s, payload);
	if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(rec, "answered")))
		set_error(s, "no reply");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rec, "reply_unseen")))
		attr_bool(s->attrs, "latticectl.reply_unseen", true);
	own(b, rec_seq(rec), s);
	link_traceparent(s, rec);
	compact(s);
}

/* The request span of pair: among the last WINDOW spans (a reply
 * follows its request closely; an unpaired reply costs no full scan). */
static struct span *
span_of_pair(const struct builder *b, uint64_t pair)
{
	uint64_t i, stop = b->nreq > WINDOW ? b->nreq - WINDOW : 0;

	for (i = b->nreq; pair && i > stop; i--)
		if (b->ring[(i - 1) % WINDOW].pair == pair)
			return &b->ring[(i - 1) % WINDOW];
	return NULL;
}

/* A reply ends its request's span; a failure (success false, a wadm
 * result of error) marks it. */
static void
on_reply(struct builder *b, const cJSON *rec)
{
	struct span *s = span_of_pair(b, rec_u64(rec, "pair"));
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(rec, "payload");
	const cJSON *ok = cJSON_GetObjectItemCaseSensitive(p, "success");
	const char *msg = lt_json_str(p, "message");
	const char *result = lt_json_str(p, "result");

	if (s == NULL) {
		own(b, rec_seq(rec), b->cur);
		return;
	}
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
	own(b, rec_seq(rec), s);
	link_traceparent(s, rec);
	compact(s);
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
	struct span *s;

	snprintf(name, sizeof(name), "wadm.cmd %s", cmd);
	s = new_span(b, "wadm.cmd", rec_seq(rec), name, KIND_PRODUCER,
	    rec_time(rec));
	messaging_attrs(s->attrs, rec);
	attr_str(s->attrs, "messaging.operation.type", "publish");
	attr_str(s->attrs, "latticectl.wadm.command", cmd);
	if (cJSON_IsObject(p) && p->child) {
		keys_from(s, p->child);
		attr_json(s->attrs, "latticectl.wadm.payload", p->child);
	}
	own(b, rec_seq(rec), s);
	link_traceparent(s, rec);
	compact(s);
}

static void
on_phase(struct builder *b, const cJSON *rec)
{
	const char *phase = lt_json_str(rec, "phase");
	char name[160];
	struct span *s = &b->phase;

	if (b->cur == s) {
		s->end = rec_time(rec);
		end_phase(b);
	}
	snprintf(name, sizeof(name), "phase %s", phase ? phase : "?");
	init_span(b, s, "phase", rec_seq(rec), &b->root, name, KIND_INTERNAL,
	    rec_time(rec));
	s->phase_seq = rec_seq(rec);
	attr_str(s->attrs, "latticectl.phase", phase);
	attr_int(s->attrs, "latticectl.record.seq", (int64_t)rec_seq(rec));
	if (lt_json_str(rec, "error"))
		set_error(s, lt_json_str(rec, "error"));
	b->cur = s;
	b->phase_req = b->nreq;
	own(b, rec_seq(rec), s);
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
static struct span *
match_span(const struct builder *b, int64_t t, char *const *keys, int n)
{
	struct span *s;
	uint64_t i, stop = b->nreq > WINDOW ? b->nreq - WINDOW : 0;
	int looked = 0;

	/* the open phase's spans are the ones made since it began */
	if (stop < b->phase_req)
		stop = b->phase_req;
	for (i = b->nreq; i > stop && looked < MATCH_DEPTH; i--) {
		s = &b->ring[(i - 1) % WINDOW];
		if (s->pair == 0 && s->kind != KIND_PRODUCER)
			continue;
		looked++;
		if (s->start <= t && t - s->end <= MATCH_WINDOW_NS &&
		    shares_key(s, keys, n))
			return s;
	}
	return NULL;
}

static void emit_item(struct builder *b, bool logs, cJSON *item);

/* Whether what lies in phase p is written out: p in [from, until)
 * (until 0: to the end, with the root and whatever lies in no phase). */
static bool
in_range(const struct builder *b, uint64_t p)
{
	if (p == 0)
		return b->until == 0;
	return p >= b->from && (b->until == 0 || p < b->until);
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
	struct span *s = match_span(b, t, keys, nkeys);
	cJSON *lr, *v;

	if (s != NULL) {
		cJSON_AddItemToArray(s->events, new_event(name, t, &attrs));
	} else if (!in_range(b, (s = b->cur)->phase_seq)) {
		cJSON_Delete(attrs);
	} else if (b->pass != PASS_LOGS) {
		b->counts->nlogs += b->pass == PASS_SHAPE;
		cJSON_Delete(attrs);
	} else {
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
		cJSON_AddStringToObject(lr, "spanId", s->id);
		emit_item(b, true, lr);
	}
	own(b, rec_seq(rec), s);
	link_traceparent(s, rec);
	compact(s);
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

	own(b, rec_seq(rec), b->cur);
	/* the root and phase spans written are PASS_SHAPE's */
	if (b->pass != PASS_SHAPE || (strcmp(kind, "gap") &&
	    strcmp(kind, "probe")))
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
	cJSON_AddItemToArray(b->cur->events, ev);
	compact(b->cur);
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
note_app(struct builder *b, const cJSON *rec)
{
	const char *kind = lt_json_str(rec, "kind"), *subj, *v;
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
	free(b->app);
	free(b->new);
	b->app = lt_xstrdup(lt_json_str(md, "name"));
	v = lt_json_str(cJSON_GetObjectItemCaseSensitive(md, "annotations"),
	    "version");
	b->new = v ? lt_xstrdup(v) : NULL;
	if (b->old == NULL && v)
		b->old = lt_xstrdup(v);
}

static void
root_finish(struct builder *b)
{
	struct span *r = &b->root;
	const char *cmd = command_of(b->meta), *lattice;
	const char *app = b->app, *old = b->old, *new = b->new;
	char name[256];

	lattice = lt_json_str(b->meta, "lattice");
	if (app && old && new && strcmp(old, new))
		snprintf(name, sizeof(name), "%s %s %s -> %s", cmd, app, old, new);
	else if (app)
		snprintf(name, sizeof(name), "%s %s %s", cmd, app, new ? new : "");
	else
		snprintf(name, sizeof(name), "%s %s", cmd, lattice ? lattice : "");
	free(r->name);
	r->name = lt_xstrdup(name);
	attr_str(r->attrs, "latticectl.command", cmd);
	attr_str(r->attrs, "wasmcloud.lattice", lattice);
	attr_str(r->attrs, "wasmcloud.app", app);
	attr_str(r->attrs, "wasmcloud.app.version.old", old);
	attr_str(r->attrs, "wasmcloud.app.version.new", new);
	if (b->cur == &b->phase && b->phase.end == b->phase.start)
		b->phase.end = r->end;
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
 * evidence belongs to (at most MAX_MARKS), which an error finding marks
 * ERROR. Spans of earlier phases are left as they are: replay exports a
 * phase when it ends, before the findings (evidence there stays in the
 * list). The spans are known after PASS_SHAPE, the events go on as each
 * span is written out (after its records: the same as at the end). */
static void
find_marks(struct builder *b)
{
	struct finding *f;
	const struct owner *o;
	const cJSON *e;
	int i, j;

	for (i = 0; i < b->nfindings; i++) {
		f = &b->findings[i];
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(f->rec,
		    "evidence")) {
			if (!cJSON_IsNumber(e) || e->valuedouble < 1 ||
			    e->valuedouble >= 1e18 || (o = evidence(b,
			    (uint64_t)e->valuedouble)) == NULL || !o->set ||
			    o->ord == 0 || o->phase_seq != f->phase_seq)
				continue;
			for (j = 0; j < f->nmarks && f->marks[j] != o->ord; j++)
				;
			if (j == f->nmarks && f->nmarks < MAX_MARKS)
				f->marks[f->nmarks++] = o->ord;
		}
	}
}

/* The findings' events on s, as it is written out. */
static void
mark(const struct builder *b, struct span *s)
{
	const struct finding *f;
	int i, j;

	for (i = 0; i < b->nfindings; i++) {
		f = &b->findings[i];
		for (j = 0; s->ord != 0 && j < f->nmarks && f->marks[j] != s->ord;
		    j++)
			;
		if (s->ord == 0 || j < f->nmarks)
			finding_event(s, f->rec, rec_time(f->rec));
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
	if (s->parent[0] != '\0')
		cJSON_AddStringToObject(o, "parentSpanId", s->parent);
	cJSON_AddStringToObject(o, "name", s->name);
	cJSON_AddNumberToObject(o, "kind", s->kind);
	add_time(o, "startTimeUnixNano", s->start);
	add_time(o, "endTimeUnixNano", s->end < s->start ? s->start : s->end);
	compact(s);
	cJSON_AddItemToObject(o, "attributes", raw_array(&s->attrs_text));
	cJSON_AddItemToObject(o, "events", raw_array(&s->events_text));
	cJSON_AddItemToObject(o, "links", s->links);
	s->links = NULL;
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
	struct finding *f;

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
		if (b->pass == PASS_SHAPE && b->nfindings < MAX_FINDINGS) {
			f = &b->findings[b->nfindings++];
			f->rec = cJSON_Duplicate(rec, true);
			f->phase_seq = b->cur->phase_seq;
		}
		own(b, rec_seq(rec), &b->root);
	} else
		on_other(b, rec, kind);
}

/* ---- the passes ---- */

static void
free_span(struct span *s)
{
	free(s->name);
	free(s->status_msg);
	free_keys(s->keys, s->nkeys);
	cJSON_Delete(s->attrs);
	cJSON_Delete(s->events);
	cJSON_Delete(s->links);
	lt_buf_release(&s->attrs_text);
	lt_buf_release(&s->events_text);
	memset(s, 0, sizeof(*s));
}

/* The items gathered so far as one request to the sink. */
static void
flush(struct builder *b, bool logs)
{
	cJSON *doc;

	if (b->batch == NULL)
		b->batch = cJSON_CreateArray();
	doc = request(b->meta, logs ? "resourceLogs" : "resourceSpans",
	    logs ? "scopeLogs" : "scopeSpans", logs ? "logRecords" : "spans",
	    b->batch);
	if (!b->failed && b->sink(b->arg, logs, doc, b->nbatch, b->err) < 0)
		b->failed = true;
	cJSON_Delete(doc);
	b->batch = NULL;
	b->nbatch = 0;
	b->ntraces_docs += !logs;
}

static void
emit_item(struct builder *b, bool logs, cJSON *item)
{
	if (b->batch == NULL)
		b->batch = cJSON_CreateArray();
	cJSON_AddItemToArray(b->batch, item);
	if (++b->nbatch == LT_OTLP_BATCH)
		flush(b, logs);
}

static void
write_span(struct builder *b, struct span *s)
{
	if (!in_range(b, s->phase_seq))
		return;
	mark(b, s);
	b->counts->nspans++;
	b->counts->nlinks += cJSON_GetArraySize(s->links);
	emit_item(b, false, span_json(b, s));
}

/* The phase spans (PASS_SHAPE's) made before the span of ord. */
static void
phases_before(struct builder *b, uint64_t ord)
{
	while (b->next_phase < b->nphases && b->phases[b->next_phase].ord < ord)
		write_span(b, &b->phases[b->next_phase++]);
}

/* s leaves the window: nothing reaches it any more. */
static void
retire(struct builder *b, struct span *s)
{
	if (b->pass == PASS_SPANS) {
		phases_before(b, s->ord);
		write_span(b, s);
	}
	free_span(s);
}

/* The open phase is over: PASS_SHAPE keeps it whole. */
static void
end_phase(struct builder *b)
{
	if (b->pass == PASS_SHAPE) {
		b->phases = lt_xrealloc(b->phases, (b->nphases + 1) *
		    sizeof(*b->phases));
		b->phases[b->nphases++] = b->phase;
		memset(&b->phase, 0, sizeof(b->phase));
	} else {
		free_span(&b->phase);
	}
	b->cur = &b->root;
}

/* PASS_EVIDENCE: the seqs the first MAX_FINDINGS findings cite. */
static void
note_evidence(struct builder *b, const cJSON *rec, const char *kind)
{
	const cJSON *e;

	if (strcmp(kind, "finding") || b->nfindings++ >= MAX_FINDINGS)
		return;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(rec,
	    "evidence")) {
		if (!cJSON_IsNumber(e) || e->valuedouble < 1 ||
		    e->valuedouble >= 1e18)
			continue;
		b->owners = lt_xrealloc(b->owners, (b->nowners + 1) *
		    sizeof(*b->owners));
		memset(&b->owners[b->nowners], 0, sizeof(*b->owners));
		b->owners[b->nowners++].seq = (uint64_t)e->valuedouble;
	}
}

static int
cmp_owner(const void *x, const void *y)
{
	const struct owner *a = x, *b = y;

	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void
evidence_done(struct builder *b)
{
	size_t i, n = 0;

	if (b->nowners > 0)	/* qsort wants an array, even of none */
		qsort(b->owners, b->nowners, sizeof(*b->owners), cmp_owner);
	for (i = 0; i < b->nowners; i++)
		if (n == 0 || b->owners[n - 1].seq != b->owners[i].seq)
			b->owners[n++] = b->owners[i];
	b->nowners = n;
	b->nfindings = 0;
	trace_id(b->meta, b->trace_id);
}

static void
feed(struct builder *b, const cJSON *rec, const char *kind)
{
	int64_t t = rec_time(rec);

	if (b->root.start == 0 || (t && t < b->root.start))
		b->root.start = t;
	if (t > b->root.end)
		b->root.end = t;
	if (b->pass == PASS_SHAPE)
		note_app(b, rec);
	if (strcmp(kind, "end"))
		dispatch(b, rec, kind);
}

static void
pass_start(struct builder *b)
{
	b->nreq = b->phase_req = b->nord = 0;
	init_span(b, &b->root, "root", 0, NULL, "recording", KIND_INTERNAL,
	    b->meta ? rec_time(b->meta) : 0);
	b->cur = &b->root;
	if (b->pass == PASS_SPANS) {
		b->next_phase = 0;
		write_span(b, &b->shape_root);
	}
}

static void
pass_end(struct builder *b)
{
	uint64_t i;

	if (b->pass == PASS_SHAPE)
		root_finish(b);
	if (b->cur == &b->phase)
		end_phase(b);
	for (i = b->nreq > WINDOW ? b->nreq - WINDOW : 0; i < b->nreq; i++)
		retire(b, &b->ring[i % WINDOW]);
	if (b->pass == PASS_SHAPE) {
		find_marks(b);
		b->shape_root = b->root;
		memset(&b->root, 0, sizeof(b->root));
	}
	free_span(&b->root);
	if (b->pass == PASS_SPANS) {
		phases_before(b, UINT64_MAX);
		if (b->nbatch > 0 || b->ntraces_docs == 0)
			flush(b, false);
	} else if (b->pass == PASS_LOGS && b->nbatch > 0) {
		flush(b, true);
	}
}

/* One pass over the records; the first meta record is the recording's
 * (PASS_EVIDENCE keeps it), not one to map. */
static int
run_pass(struct builder *b, const struct lt_otlp_source *src, enum pass pass)
{
	const cJSON *rec;
	const char *kind;
	bool meta = false;
	int n = 0;

	b->pass = pass;
	if (src->open(src->arg, b->err) < 0)
		return -1;
	if (pass != PASS_EVIDENCE)
		pass_start(b);
	while (!b->failed && (n = src->next(src->arg, &rec, b->err)) > 0) {
		if ((kind = lt_json_str(rec, "kind")) == NULL)
			continue;
		if (!meta && !strcmp(kind, "meta")) {
			meta = true;
			if (pass == PASS_EVIDENCE)
				b->meta = cJSON_Duplicate(rec, true);
		} else if (pass == PASS_EVIDENCE) {
			note_evidence(b, rec, kind);
		} else {
			feed(b, rec, kind);
		}
	}
	if (n < 0)
		b->failed = true;
	if (pass == PASS_EVIDENCE)
		evidence_done(b);
	else
		pass_end(b);
	return b->failed ? -1 : 0;
}

static void
release(struct builder *b)
{
	size_t i;
	int j;

	for (i = 0; i < b->nphases; i++)
		free_span(&b->phases[i]);
	free(b->phases);
	free_span(&b->shape_root);
	free_span(&b->phase);
	free_span(&b->root);
	for (j = 0; j < b->nfindings; j++)
		cJSON_Delete(b->findings[j].rec);
	cJSON_Delete(b->batch);
	cJSON_Delete(b->meta);
	free(b->owners);
	free(b->ring);
	free(b->app);
	free(b->old);
	free(b->new);
	free(b);
}

int
lt_otlp_stream(const struct lt_otlp_source *src, uint64_t from,
    uint64_t until, lt_otlp_sink_fn sink, void *arg,
    struct lt_otlp_counts *out, struct lt_error *err)
{
	struct builder *b = lt_xcalloc(1, sizeof(*b));
	int rc;

	memset(out, 0, sizeof(*out));
	b->from = from;
	b->until = until;
	b->sink = sink;
	b->arg = arg;
	b->counts = out;
	b->err = err;
	b->ring = lt_xcalloc(WINDOW, sizeof(*b->ring));
	rc = run_pass(b, src, PASS_EVIDENCE);
	if (rc == 0)
		rc = run_pass(b, src, PASS_SHAPE);
	if (rc == 0)
		rc = run_pass(b, src, PASS_SPANS);
	if (rc == 0 && out->nlogs > 0)
		rc = run_pass(b, src, PASS_LOGS);
	memcpy(out->trace_id, b->trace_id, sizeof(out->trace_id));
	release(b);
	return rc;
}

cJSON *
lt_otlp_items(cJSON *doc, bool logs)
{
	const cJSON *rs = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
	    doc, logs ? "resourceLogs" : "resourceSpans"), 0);
	cJSON *ss = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(rs,
	    logs ? "scopeLogs" : "scopeSpans"), 0);

	return cJSON_GetObjectItemCaseSensitive(ss, logs ? "logRecords" :
	    "spans");
}

/* ---- the whole of it in memory ---- */

static int
array_open(void *arg, struct lt_error *err)
{
	struct lt_otlp_array *a = arg;

	(void)err;
	a->at = a->recs ? a->recs->child : NULL;
	return 0;
}

static int
array_next(void *arg, const cJSON **rec, struct lt_error *err)
{
	struct lt_otlp_array *a = arg;

	(void)err;
	if (a->at == NULL)
		return 0;
	*rec = a->at;
	a->at = a->at->next;
	return 1;
}

void
lt_otlp_source_array(struct lt_otlp_source *src, struct lt_otlp_array *a,
    const cJSON *recs)
{
	a->recs = recs;
	a->at = NULL;
	src->open = array_open;
	src->next = array_next;
	src->arg = a;
}

/* The sink of lt_otlp_build: every request's items in one. */
static int
gather(void *arg, bool logs, cJSON *doc, int n, struct lt_error *err)
{
	struct lt_otlp *o = arg;
	cJSON **all = logs ? &o->logs : &o->traces, *items, *it;

	struct lt_buf text = LT_BUF_INIT;

	(void)n;
	(void)err;
	lt_json_print(doc, false, &text);	/* raw items parsed */
	doc = lt_json_parse(text.buf, text.len);
	lt_buf_release(&text);
	if (*all == NULL) {
		*all = doc;
		return 0;
	}
	items = lt_otlp_items(doc, logs);
	while ((it = cJSON_DetachItemFromArray(items, 0)) != NULL)
		cJSON_AddItemToArray(lt_otlp_items(*all, logs), it);
	cJSON_Delete(doc);
	return 0;
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
	struct lt_otlp_source src;
	struct lt_otlp_array a;
	struct lt_otlp_counts c;
	struct lt_error err = LT_ERROR_INIT;

	memset(out, 0, sizeof(*out));
	lt_otlp_source_array(&src, &a, recs);
	lt_otlp_stream(&src, from, until, gather, out, &c, &err);
	out->nspans = c.nspans;
	out->nlogs = c.nlogs;
	out->nlinks = c.nlinks;
	memcpy(out->trace_id, c.trace_id, sizeof(out->trace_id));
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
