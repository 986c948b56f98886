/* sub.c: 'latticectl sub': a safe general subscribe. Plain core
 * subscriptions only (never a queue group, never a reply, ack or publish);
 * subjects are classified against the lattice's request subjects first and
 * overlapping ones need --observe-requests; --match-replies pairs requests
 * with their replies by reply subject and prints latency and unanswered
 * requests. JetStream deliveries, acks, flow control and heartbeats carry
 * reply subjects nobody answers: they are shown by role, never paired. A
 * reply that arrives before its request (the server's own replies can) is
 * held a moment by the pair tracker and shown after the request. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "latticectl/classify.h"
#include "latticectl/conn.h"
#include "latticectl/json.h"
#include "latticectl/pair.h"
#include "latticectl/rec.h"
#include "latticectl/redact.h"
#include "latticectl/session.h"
#include "latticectl/text.h"
#include "latticectl/timeline.h"
#include "latticectl/util.h"
#include "banned.h"

#define MAX_SUBS 32
#define INBOX_SUB 1000		/* sub_id of the --match-replies inbox sub */

/* The options, parsed once by the dispatcher (opt.h); redact is derived
 * in check_sub. */
struct sub_opts {
	bool observe_requests, match_replies, headers;
	uint64_t count, max_pending;
	int64_t idle_ns;
	const char *record, *queue;
	bool show_secrets, redact_all;
	enum lt_redact_mode redact;
};

static const struct sub_opts sub_defaults = { .max_pending = 65536 };

#define SO struct sub_opts
static const struct lt_opt sub_opts[] = {
	{ "observe-requests", 0, 0, NULL,
	    "allow subjects that overlap request subjects (ctl, wadm.api, ...) "
	    "or inboxes", NULL, LT_TO_FLAG(SO, observe_requests) },
	{ "match-replies", 'r', 0, NULL,
	    "pair requests with replies on the inbox prefix; print latency",
	    NULL, LT_TO_FLAG(SO, match_replies) },
	{ "headers", 0, 0, NULL, "show message headers", NULL,
	    LT_TO_FLAG(SO, headers) },
	{ "count", 'n', LT_OPT_ARG, "N", "exit after N messages", NULL,
	    LT_TO_UINT(SO, count, UINT64_MAX) },
	{ "idle", 0, LT_OPT_ARG, "DUR", "exit after DUR without messages", NULL,
	    LT_TO_DURATION(SO, idle_ns) },
	{ "record", 0, LT_OPT_ARG, "FILE", "write a recording while subscribed",
	    NULL, LT_TO_STR(SO, record) },
	{ "max-pending", 0, LT_OPT_ARG, "N",
	    "client-side buffer in messages before drops (65536)", NULL,
	    LT_TO_UINT(SO, max_pending, 1 << 24) },
	{ "queue", 0, LT_OPT_ARG, "GROUP",
	    "refused: latticectl never joins a queue group", NULL,
	    LT_TO_STR(SO, queue) },
	LT_REDACT_OPTS_TO(SO),
	LT_OPT_END
};
#undef SO

struct sub {
	struct lt_ctx *ctx;
	const struct sub_opts *o;
	struct lt_classify cls;
	struct lt_session *ss;
	char **subjects;		/* what we subscribed to (borrowed) */
	int nsubjects;
	struct lt_pair *pair;		/* --match-replies */
	struct lt_pair *pulls;		/* open pull requests, by consumer */
	const struct lt_colors *col;
	bool warned_uncovered;
	uint64_t skipped;
	uint64_t deliveries, js_control;	/* JetStream roles seen */
	struct lt_buf line, fields;
};

/* s->line, showing the time t_ns (0: none), on stdout. */
static void
emit_line(struct sub *s, int64_t t_ns)
{
	lt_session_line(s->ss, t_ns, &s->line);
}

/* Write s->fields to stdout (ndjson) and the recording: a message's
 * members (its payload redacted once, by the session), or an unanswered
 * request's, which hold no payload. */
static void
record(struct sub *s, const char *kind, int64_t t)
{
	lt_session_write(s->ss, kind, t, &s->fields);
}

/* "ctl" or "wadm" for subjects whose traffic has its own record kinds. */
static const char *
family(const struct sub *s, const char *subject)
{
	int c = lt_classify_subject(&s->cls, subject);

	return c == LT_CLASS_CTL ? "ctl" : c == LT_CLASS_WADM_API ? "wadm" : NULL;
}

static const char *
record_kind(const struct sub *s, const char *subject, bool reply,
    char *buf, size_t len)
{
	const char *f = family(s, subject);

	if (f) {
		snprintf(buf, len, "%s.%s", f, reply ? "reply" : "request");
		return buf;
	}
	if (!reply && lt_str_has_prefix(subject, "wasmbus.evt."))
		return "event";
	if (!reply && lt_str_has_prefix(subject, "wadm.cmd."))
		return "wadm.cmd";
	if (!reply && lt_str_has_prefix(subject, "wadm.status."))
		return "wadm.status";
	return "msg";
}

/* One message as shown and recorded: its payload redacted once by the
 * session (now, for a reply whose request pairing just found:
 * lt_session_redact), its headers (--headers) redacted by the same rule. */
struct view {
	const struct lt_msg *m;
	const char *request_subject;	/* of a reply; NULL otherwise */
	struct cJSON *headers;		/* redacted; NULL without */
};

static void
view_open(struct view *v, const struct sub *s, struct lt_msg *m,
    const char *request_subject)
{
	memset(v, 0, sizeof(*v));
	v->request_subject = request_subject;
	lt_session_redact(s->ss, m, request_subject);
	v->m = m;
	if (s->o->headers && (v->headers = lt_msg_headers_json(m)) != NULL)
		lt_redact_payload_json(v->headers, lt_redact_subject(m->subject,
		    request_subject), s->o->redact);
}

static void
view_close(struct view *v)
{
	cJSON_Delete(v->headers);
}

static void
add_headers(struct lt_buf *b, const cJSON *h)
{
	lt_buf_adds(b, ",\"headers\":");
	lt_json_print(h, false, b);
}

/* Record members for a message; pm is its pairing (NULL: none), role
 * its JetStream role (NULL: none). */
static void
build_fields(struct sub *s, const struct view *v,
    const struct lt_pair_match *pm, const char *role, bool is_event)
{
	const struct lt_msg *m = v->m;
	struct lt_buf *b = &s->fields;

	lt_buf_reset(b);
	lt_buf_adds(b, "\"subject\":");
	lt_buf_add_json_str(b, m->subject, strlen(m->subject));
	if (m->reply) {
		lt_buf_adds(b, ",\"reply\":");
		lt_buf_add_json_str(b, m->reply, strlen(m->reply));
	}
	if (pm && pm->id)
		lt_buf_addf(b, ",\"pair\":%llu", (unsigned long long)pm->id);
	if (role)
		lt_buf_addf(b, ",\"role\":\"%s\"", role);
	if (pm && (pm->kind == LT_PAIR_REPLY ||
	    pm->kind == LT_PAIR_NO_RESPONDERS)) {
		lt_buf_adds(b, ",\"request_subject\":");
		lt_buf_add_json_str(b, pm->subject, strlen(pm->subject));
		if (pm->before_request)
			lt_buf_adds(b, ",\"before_request\":true");
		else
			lt_buf_addf(b, ",\"latency_ms\":%.3f", (double)
			    pm->latency_ns / 1e6);
		lt_buf_addf(b, ",\"reply_index\":%u", pm->nreplies);
		if (pm->kind == LT_PAIR_NO_RESPONDERS)
			lt_buf_adds(b, ",\"status\":\"no-responders\"");
	}
	if (v->headers)
		add_headers(b, v->headers);
	lt_rec_add_traceparent(b, lt_rec_traceparent(m));
	lt_buf_addch(b, ',');
	lt_rec_add_msg_payload(b, is_event ? "event" : "payload", m,
	    v->request_subject, s->o->redact);
}

/* The headers as recorded (view_open): one line each, or one
 * line for headers masked whole (a reply to a secret config). */
static void
text_headers(struct sub *s, const cJSON *h)
{
	const cJSON *c;

	for (c = cJSON_IsObject(h) ? h->child : h; c && !lt_session_done(s->ss);
	    c = cJSON_IsObject(h) ? c->next : NULL) {
		lt_buf_reset(&s->line);
		lt_buf_addf(&s->line, "    %s", s->col->dim);
		lt_buf_add_texts(&s->line, c == h ? "headers" : c->string);
		lt_buf_addf(&s->line, ":%s ", s->col->reset);
		lt_buf_add_texts(&s->line, cJSON_IsString(c) ? c->valuestring :
		    "");
		emit_line(s, 0);
	}
}

static void
display_text(struct sub *s, const struct view *v,
    const struct lt_pair_match *pm, const char *role)
{
	const struct lt_msg *m = v->m;
	bool answer = pm && (pm->kind == LT_PAIR_REPLY ||
	    pm->kind == LT_PAIR_NO_RESPONDERS);
	struct lt_msg_line l = {
		.t_ns = m->recv_ns, .subject = m->subject, .reply = m->reply,
		.pair = pm ? pm->id : 0,
		.request_subject = answer ? pm->subject : NULL,
		.nreplies = pm ? pm->nreplies : 0,
		.latency_ns = pm ? pm->latency_ns : 0,
		.before_request = pm && pm->before_request,
		.role = role,
		.no_responders = pm && pm->kind == LT_PAIR_NO_RESPONDERS,
		.data = m->data, .len = (size_t)m->len,
		.traceparent = s->ctx->format == LT_FMT_WIDE ?
		    lt_rec_traceparent(v->m) : NULL,
	};

	lt_buf_reset(&s->line);
	lt_timeline_msg_text(&s->line, &l, s->col, LT_TIMELINE_PAYLOAD_MAX);
	emit_line(s, l.t_ns);
	if (v->headers && !l.no_responders)
		text_headers(s, v->headers);
}

static void
display(struct sub *s, const struct view *v, const struct lt_pair_match *pm,
    const char *role)
{
	const struct lt_msg *m = v->m;

	switch (s->ctx->format) {
	case LT_FMT_RAW:
		lt_session_raw(s->ss, m->data, (size_t)m->len);
		break;
	case LT_FMT_TEXT:
	case LT_FMT_WIDE:
		display_text(s, v, pm, role);
		break;
	default:
		break;	/* ndjson goes through record() */
	}
}

/* True when some subscription of ours receives messages on subject. */
static bool
covered(const struct sub *s, const char *subject)
{
	int i;

	for (i = 0; i < s->nsubjects; i++)
		if (lt_subject_matches(s->subjects[i], subject))
			return true;
	return s->pair && lt_subject_matches(s->cls.inbox, subject);
}

static void
track_request(struct sub *s, const struct lt_msg *m, struct lt_pair_match *pm)
{
	memset(pm, 0, sizeof(*pm));
	pm->kind = LT_PAIR_OPEN;
	pm->subject = m->subject;
	pm->reply = m->reply;
	pm->id = lt_pair_request(s->pair, m->subject, m->reply, m->recv_ns, 0);
	if (pm->id && lt_str_has_prefix(m->subject, LT_JS_PULL_PREFIX))
		lt_pair_request(s->pulls, m->reply, m->subject +
		    strlen(LT_JS_PULL_PREFIX), m->recv_ns, 0);
	if (pm->id && !covered(s, m->reply) && !s->warned_uncovered &&
	    !s->ctx->cfg->quiet) {
		s->warned_uncovered = true;
		fprintf(stderr, "latticectl: sub: warning: reply subject '%s' is "
		    "not under the inbox prefix '%s'; its replies cannot be "
		    "seen (set --inbox-prefix)\n", m->reply, s->cls.inbox_prefix);
	}
}

/* Show and record a message, redacted once for both (struct view); a
 * reply is redacted as its request's subject asks (lt_redact_subject).
 * role: its JetStream role's name, or NULL. */
static void
show_msg(struct sub *s, struct lt_msg *m, struct lt_pair_match *pmp,
    bool is_reply, const char *role)
{
	struct view v;
	char kbuf[32];
	const char *kind = "msg";

	view_open(&v, s, m, is_reply ? pmp->subject : NULL);
	display(s, &v, pmp, role);
	if (lt_session_records(s->ss)) {
		if (role == NULL)	/* a delivery is no event, no ctl */
			kind = record_kind(s, is_reply ? pmp->subject :
			    m->subject, is_reply, kbuf, sizeof(kbuf));
		build_fields(s, &v, pmp, role, !strcmp(kind, "event"));
		record(s, kind, m->recv_ns);
	}
	view_close(&v);
}

/* Count, show and record one message; --count ends sub. */
static void
emit(struct sub *s, struct lt_msg *m, struct lt_pair_match *pmp,
    bool is_reply, const char *role)
{
	show_msg(s, m, pmp, is_reply, role);
	lt_session_shown(s->ss);
}

static void
free_held(struct lt_msg *m)
{
	lt_msg_release(m);
	free(m);
}

/* A held reply no request claimed (lt_pair_release_held, or the hold was
 * full): shown as the plain message it is when a subject of ours asked
 * for it, not once sub is done. */
static void
on_unheld(void *ud, const struct lt_pair_match *pm)
{
	struct sub *s = ud;
	struct lt_msg *m = pm->data;

	if (pm->kind != LT_PAIR_UNMATCHED)
		return;
	if (m->sub_id == INBOX_SUB || lt_session_done(s->ss))
		s->skipped++;
	else
		emit(s, m, NULL, false, NULL);
	free_held(m);
}

/* Keep a message on an inbox that answers no open request: its request
 * may still come (the server's own replies can overtake it). */
static void
hold(struct sub *s, struct lt_msg *m)
{
	struct lt_msg *h = lt_xmalloc(sizeof(*h));

	*h = *m;
	lt_pair_hold(s->pair, h->subject, h->recv_ns,
	    lt_msg_is_no_responders(h), strlen(h->subject) + (size_t)h->len, h,
	    on_unheld, s);
}

/* After request m was shown: the replies to it that came first. */
static void
emit_held(struct sub *s, const struct lt_msg *m)
{
	struct lt_pair_match pm;

	while (!lt_session_done(s->ss) &&
	    lt_pair_take_held(s->pair, m->reply, &pm) == 1) {
		emit(s, pm.data, &pm, true, NULL);
		free_held(pm.data);
	}
}

/* The message's role; JetStream's are counted. */
static enum lt_msg_role
msg_role(struct sub *s, const struct lt_msg *m)
{
	enum lt_msg_role r = lt_classify_role(m->subject, m->reply,
	    m->len == 0 ? lt_msg_header(m, "Status") : NULL);

	if (r == LT_ROLE_DELIVERY)
		s->deliveries++;
	else if (lt_role_is_js(r))
		s->js_control++;
	return r;
}

/* A pulled message reaches the pull request's inbox with its own
 * subject, so it pairs through its ack subject's consumer with that
 * consumer's latest open pull request. 1 with *pm filled, else 0. */
static int
pull_reply(struct sub *s, const struct lt_msg *m, struct lt_pair_match *pm)
{
	struct lt_pair_match pull;
	char key[512];

	if (!lt_js_ack_consumer(m->reply, key, sizeof(key)) ||
	    lt_pair_reply(s->pulls, key, m->recv_ns, false, false, &pull) != 1)
		return 0;
	return lt_pair_reply(s->pair, pull.subject, m->recv_ns, false, false,
	    pm);
}

/* With --match-replies a message may be a reply, whose redaction
 * follows its request's subject (a secret config's value is masked
 * whole): pairing decides, in on_msg, before it is shown. */
static const char *
request_subject(void *ud, const struct lt_msg *m)
{
	(void)ud;
	(void)m;
	return LT_SESSION_REDACT_LATER;
}

/* Pair (on subjects alone), then show and record. True when the message
 * is kept (held until its request comes). */
static bool
on_msg(void *ud, struct lt_session *ss, struct lt_msg *m)
{
	struct sub *s = ud;
	enum lt_msg_role role = msg_role(s, m);
	bool is_reply, inbox, observed = m->sub_id != INBOX_SUB;
	struct lt_pair_match pm, *pmp = NULL;

	(void)ss;
	if (s->pair && role == LT_ROLE_DELIVERY)
		pmp = pull_reply(s, m, &pm) == 1 ? &pm : NULL;
	is_reply = pmp != NULL;
	if (s->pair && !lt_role_is_js(role)) {
		inbox = lt_classify_subject(&s->cls, m->subject) ==
		    LT_CLASS_INBOX;
		is_reply = lt_pair_reply(s->pair, m->subject, m->recv_ns,
		    lt_msg_is_no_responders(m), inbox && m->reply, &pm) == 1;
		if (!is_reply && inbox && !m->reply) {
			hold(s, m);
			return true;
		}
		if (!is_reply && m->reply && observed)
			track_request(s, m, &pm);
		if (is_reply || (m->reply && observed))
			pmp = &pm;
	}
	if (!is_reply && !observed) {
		s->skipped++;	/* a reply to traffic we do not observe */
		return false;
	}
	emit(s, m, pmp, is_reply, lt_role_name(role));
	if (pmp && !is_reply)
		emit_held(s, m);
	return false;
}

static void
on_closed(void *ud, const struct lt_pair_match *pm)
{
	struct sub *s = ud;
	char kbuf[32], win[32];
	int64_t now = lt_now_ns();
	struct lt_msg_line l = { .t_ns = now, .pair = pm->id,
	    .request_subject = pm->subject, .unanswered = true, .window = win };

	if (pm->kind != LT_PAIR_UNANSWERED)
		return;
	if (lt_session_records(s->ss)) {
		lt_buf_reset(&s->fields);
		lt_buf_adds(&s->fields, "\"subject\":");
		lt_buf_add_json_str(&s->fields, pm->reply, strlen(pm->reply));
		lt_buf_addf(&s->fields, ",\"pair\":%llu,\"answered\":false,"
		    "\"request_subject\":", (unsigned long long)pm->id);
		lt_buf_add_json_str(&s->fields, pm->subject, strlen(pm->subject));
		record(s, record_kind(s, pm->subject, true, kbuf, sizeof(kbuf)),
		    now);
	}
	if (s->ctx->format != LT_FMT_TEXT && s->ctx->format != LT_FMT_WIDE)
		return;
	lt_duration_format(s->ctx->cfg->timeout_ns, win, sizeof(win));
	lt_buf_reset(&s->line);
	lt_timeline_msg_text(&s->line, &l, s->col, LT_TIMELINE_PAYLOAD_MAX);
	emit_line(s, l.t_ns);
}

/* Why --queue is refused: the groups hosts and wadm answer in. */
static int
refuse_queue(const struct sub *s, const char *group, struct lt_error *err)
{
	struct lt_queue_group g[LT_CLASSIFY_MAX_GROUPS];
	size_t n = lt_classify_groups(&s->cls, g, LT_ARRAY_SIZE(g));

	return lt_error_set(err, LT_E_USAGE, "refusing --queue '%s': latticectl "
	    "never joins a queue group, because each message goes to only one "
	    "member of a group and a member that does not answer steals "
	    "requests (hosts answer in '%s', '%s' and '%s', wadm in '%s', the "
	    "secrets backend in '%s'); a plain subscription already sees every "
	    "message", group, g[0].name, g[1].name, g[2].name, g[3].name,
	    n > 4 ? g[4].name : "");
}

/* Names of the classes in classes that subj overlaps, each with the
 * pattern it overlaps. */
static void
class_list(const struct sub *s, const char *subj, int classes,
    struct lt_buf *b)
{
	struct lt_class_hit h[8];
	size_t i, n = lt_classify_hits(&s->cls, subj, classes, h,
	    LT_ARRAY_SIZE(h));

	for (i = 0; i < n; i++)
		lt_buf_addf(b, "%s%s '%s'", b->len ? ", " : "",
		    lt_class_name(h[i].bit), h[i].pattern);
}

#define INBOX_EFFECT "other clients' replies (config values, secrets) " \
	"are seen, not only replies to requests you observe (--match-replies " \
	"pairs those alone)"
#define REQUEST_EFFECT "a request nobody answers times out instead of " \
	"failing fast with 'no responders'"

/* What observing the guarded classes k does while subscribed. */
static const char *
subject_effect(int k, char *buf, size_t len)
{
	bool req = k & LT_CLASS_REQUESTS, inbox = k & LT_CLASS_INBOX;

	snprintf(buf, len, "%s%s", req && inbox ? "other clients' replies are "
	    "seen, and " : "", req ? REQUEST_EFFECT : INBOX_EFFECT);
	return buf;
}

/* Refuse subj, which overlaps the guarded classes k (listed in list). */
static int
refuse_subject(const char *subj, int k, const char *list,
    struct lt_error *err)
{
	char effect[256];

	return lt_error_set(err, LT_E_USAGE, "'%s' overlaps %s subjects (%s): "
	    "while subscribed, %s; pass --observe-requests to accept this "
	    "(latticectl only listens: it never replies or joins a queue "
	    "group)", subj, k & LT_CLASS_REQUESTS ? "request" : "reply", list,
	    subject_effect(k, effect, sizeof(effect)));
}

/* Say on stderr what observing subj (classes k) does while sub runs:
 * the same effect refuse_subject names. */
static void
warn_subject(const char *subj, int k, const char *list)
{
	char effect[256];

	if (k & LT_CLASS_GUARDED)
		fprintf(stderr, "latticectl: sub: warning: observing %s subjects "
		    "(%s) through '%s': until this exits, %s\n",
		    k & LT_CLASS_REQUESTS ? "request" : "reply", list, subj,
		    subject_effect(k, effect, sizeof(effect)));
	if (k & LT_CLASS_WIDE)
		fprintf(stderr, "latticectl: sub: warning: '%s' also carries "
		    "every wRPC call and reply; if output falls behind, the "
		    "server drops this client (slow consumer)\n", subj);
}

/* Validate and classify every subject before touching the network:
 * request and inbox subjects need --observe-requests. */
static int
check_subjects(struct sub *s, struct lt_error *err)
{
	bool observe = s->o->observe_requests;
	struct lt_buf b = LT_BUF_INIT;
	int i, k, rc = 0;

	for (i = 0; i < s->nsubjects && rc == 0; i++) {
		const char *subj = s->subjects[i];

		if (!lt_subject_is_valid(subj)) {
			rc = lt_error_set(err, LT_E_USAGE, "invalid subject "
			    "'%s'", subj);
			break;
		}
		k = lt_classify_pattern(&s->cls, subj);
		lt_buf_reset(&b);
		class_list(s, subj, k & LT_CLASS_GUARDED, &b);
		if ((k & LT_CLASS_GUARDED) && !observe)
			rc = refuse_subject(subj, k, lt_buf_str(&b), err);
		else if (!s->ctx->cfg->quiet)
			warn_subject(subj, k, lt_buf_str(&b));
	}
	lt_buf_release(&b);
	return rc;
}

/* True when a user subject already receives everything pattern does. */
static bool
covered_by_user(const struct sub *s, const char *pattern)
{
	int i;

	for (i = 0; i < s->nsubjects; i++)
		if (lt_subject_covers(s->subjects[i], pattern))
			return true;
	return false;
}

/* Each subject a plain core source tagged with its index; the inbox for
 * --match-replies unless a subject already covers it. */
static int
add_sources(struct sub *s, struct lt_error *err)
{
	struct lt_session_source src = { LT_SOURCE_CORE, 0, NULL, NULL, 0, 0 };
	int i;

	for (i = 0; i < s->nsubjects; i++) {
		src.tag = i;
		src.subject = s->subjects[i];
		if (lt_session_add(s->ss, &src, err) < 0)
			return -1;
	}
	if (s->pair && !covered_by_user(s, s->cls.inbox)) {
		src.tag = INBOX_SUB;
		src.subject = s->cls.inbox;
		return lt_session_add(s->ss, &src, err);
	}
	return 0;
}

/* The open requests' and held replies' windows. */
static int64_t
on_tick(void *ud, struct lt_session *ss, bool last)
{
	struct sub *s = ud;
	int64_t exp, now = lt_now_ns();

	(void)ss;
	if (s->pair == NULL)
		return 0;
	if (last)	/* their requests will not come now */
		now = INT64_MAX;
	lt_pair_release_held(s->pair, now, on_unheld, s);
	if (last)
		return 0;
	lt_pair_expire(s->pair, now, on_closed, s);
	lt_pair_expire(s->pulls, now, NULL, NULL);
	if ((exp = lt_pair_next_expiry(s->pair)) == 0)
		return 0;
	exp = lt_mono_ns() + (exp - lt_now_ns());
	return exp <= 0 ? 1 : exp;
}

static cJSON *
summary_json(void *ud, int rc, bool file)
{
	struct sub *s = ud;
	cJSON *f = cJSON_CreateObject();
	const struct lt_pair_stats *st = s->pair ? lt_pair_stats(s->pair) : NULL;
	struct lt_session_stats ss;

	(void)rc;
	(void)file;
	lt_session_stats(s->ss, &ss);
	cJSON_AddNumberToObject(f, "messages", (double)ss.shown);
	cJSON_AddNumberToObject(f, "gaps", (double)ss.gaps);
	cJSON_AddNumberToObject(f, "dropped", (double)ss.dropped);
	cJSON_AddNumberToObject(f, "deliveries", (double)s->deliveries);
	cJSON_AddNumberToObject(f, "jetstream_control", (double)s->js_control);
	if (st) {
		cJSON_AddNumberToObject(f, "requests", (double)st->requests);
		cJSON_AddNumberToObject(f, "paired", (double)st->paired);
		cJSON_AddNumberToObject(f, "extra_replies", (double)st->extra);
		cJSON_AddNumberToObject(f, "unanswered", (double)st->unanswered);
		cJSON_AddNumberToObject(f, "no_responders",
		    (double)st->no_responders);
		cJSON_AddNumberToObject(f, "open", (double)st->open);
		cJSON_AddNumberToObject(f, "unmatched_replies",
		    (double)st->unmatched);
		cJSON_AddNumberToObject(f, "before_request",
		    (double)st->before_request);
		cJSON_AddNumberToObject(f, "held_evicted", (double)st->evicted);
	}
	return f;
}

/* The pairing part of the summary line. */
static void
write_pair_summary(const struct lt_pair_stats *st)
{
	char mn[32], avg[32], mx[32];

	lt_duration_format(st->lat_min_ns, mn, sizeof(mn));
	lt_duration_format(st->timed ? st->lat_sum_ns / (int64_t)st->timed :
	    0, avg, sizeof(avg));
	lt_duration_format(st->lat_max_ns, mx, sizeof(mx));
	fprintf(stderr, "; %llu requests, %llu paired (%llu extra replies, "
	    "%llu replies seen before their request), %llu unanswered, %llu "
	    "no-responders, %llu still in their reply window, %llu replies to "
	    "requests not observed (%llu released early: too many held); "
	    "latency min %s avg %s max %s",
	    (unsigned long long)st->requests, (unsigned long long)st->paired,
	    (unsigned long long)st->extra,
	    (unsigned long long)st->before_request,
	    (unsigned long long)st->unanswered,
	    (unsigned long long)st->no_responders,
	    (unsigned long long)st->open, (unsigned long long)st->unmatched,
	    (unsigned long long)st->evicted, mn, avg, mx);
}

static void
write_summary(struct sub *s)
{
	struct lt_session_stats ss;

	if (s->ctx->cfg->quiet)
		return;
	lt_session_stats(s->ss, &ss);
	fprintf(stderr, "latticectl: sub: %llu messages", (unsigned long long)
	    ss.shown);
	if (s->pair)
		write_pair_summary(lt_pair_stats(s->pair));
	if (s->deliveries || s->js_control)
		fprintf(stderr, "; %llu JetStream deliveries and %llu acks, "
		    "flow control and heartbeats (not requests)",
		    (unsigned long long)s->deliveries,
		    (unsigned long long)s->js_control);
	fprintf(stderr, "; %llu gaps, %llu dropped\n",
	    (unsigned long long)ss.gaps, (unsigned long long)ss.dropped);
}

static int
setup(struct sub *s, int argc, char **argv, struct lt_error *err)
{
	const struct lt_config *cfg = s->ctx->cfg;
	struct lt_session_config sc = LT_SESSION_CONFIG_INIT;

	lt_classify_init(&s->cls, lt_config_get(cfg, LT_S_CTL_PREFIX),
	    lt_config_get(cfg, LT_S_LATTICE), lt_config_get(cfg,
	    LT_S_INBOX_PREFIX));
	s->subjects = argv;
	s->nsubjects = argc < MAX_SUBS - 1 ? argc : MAX_SUBS - 1;
	if (s->o->queue)
		return refuse_queue(s, s->o->queue, err);
	if (argc > MAX_SUBS - 1)
		return lt_error_set(err, LT_E_USAGE, "at most %d subjects",
		    MAX_SUBS - 1);
	if (check_subjects(s, err) < 0)
		return -1;
	s->col = lt_output_colors(s->ctx->color_out &&
	    s->ctx->format <= LT_FMT_WIDE);
	if (s->o->match_replies) {
		s->pair = lt_pair_create(cfg->timeout_ns);
		s->pulls = lt_pair_create(cfg->timeout_ns);
		sc.request_subject = request_subject;
	}
	if (lt_ctx_connect(s->ctx, err) < 0)
		return -1;
	sc.name = "sub";
	sc.ud = s;
	sc.redact = s->o->redact;
	sc.on_msg = on_msg;
	sc.on_tick = on_tick;
	sc.max_count = s->o->count;
	sc.idle_ns = s->o->idle_ns;
	sc.max_pending = (int)s->o->max_pending;
	sc.notices = cfg->quiet ? NULL : stderr;
	if (lt_session_create(&s->ss, s->ctx->conn, &sc, err) < 0 ||
	    lt_session_open_outputs(s->ss, s->ctx->out, s->ctx->format, s->col,
	    s->ctx->width, s->o->record, s->ctx->orig_argc,
	    s->ctx->orig_argv, lt_config_get(cfg, LT_S_LATTICE), err) < 0 ||
	    add_sources(s, err) < 0 || lt_session_start(s->ss, err) < 0)
		return -1;
	if (cfg->verbose)	/* tests wait for this line */
		fprintf(stderr, "latticectl: sub: subscribed (%d subscriptions)\n",
		    lt_session_nsources(s->ss));
	return 0;
}

/* --max-pending 0 and both redaction flags are usage errors (exit 2). */
static int
check_sub(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct sub_opts *o = ctx->opts;

	(void)argc;
	(void)argv;
	if (o->max_pending == 0)
		return lt_error_set(err, LT_E_USAGE, "--max-pending must be at "
		    "least 1");
	return lt_redact_mode_of(o->show_secrets, o->redact_all, &o->redact,
	    err);
}

static int
run_sub(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct sub s;
	int rc;

	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.o = ctx->opts;
	rc = setup(&s, argc, argv, err) < 0 ? err->code : 0;
	if (rc == 0 && lt_session_run(s.ss, err) < 0)
		rc = err->code;
	if (rc == 0)
		write_summary(&s);
	lt_session_close(s.ss, rc, summary_json, NULL);
	lt_pair_destroy(s.pair);
	lt_pair_destroy(s.pulls);
	lt_buf_release(&s.line);
	lt_buf_release(&s.fields);
	return rc;
}

const struct lt_cmd cmd_sub_entry = {
	.name = "sub",
	.summary = "subscribe safely; pair requests with replies",
	.usage = "SUBJECT... [--observe-requests] [--match-replies] [--headers] "
	    "[--count N] [--idle DUR] [--record FILE]",
	.description = "Plain core subscriptions only: never a queue group, "
	    "never a reply, ack or publish.\nSubjects overlapping the "
	    "lattice's request subjects ({ctl}.v1.<lattice>.>,\n"
	    "wadm.api.<lattice>.>, wasmbus.cfg.<lattice>.req, "
	    "wasmcloud.secrets.>,\n$JS.API.>, $KV.>) or the inboxes\n"
	    "(<inbox-prefix>.>, _INBOX.>) need --observe-requests: while "
	    "subscribed, a request\nnobody answers times out instead of "
	    "failing fast, and other clients' replies\nare seen.\n--match-replies also watches <inbox-prefix>.> "
	    "and pairs replies by reply subject;\nrequests without a reply "
	    "within --timeout are reported unanswered; a reply seen\nbefore "
	    "its request is paired after it (\"seen before request\").\n"
	    "JetStream deliveries, acks, flow control and heartbeats are "
	    "shown by role,\nnever as requests.",
	.flags = LT_CMD_ANY_LATTICE,
	.formats = LT_FORMATS_STREAM,
	.opts = sub_opts,
	LT_CMD_OPTS(struct sub_opts, &sub_defaults),
	.min_args = 1,
	.max_args = -1,
	.arg_values = LT_VALUES_NONE,	/* subjects */
	.check = check_sub,
	.run = run_sub,
};
