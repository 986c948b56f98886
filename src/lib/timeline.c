/* timeline.c: text lines for recording records (timeline.h). */
#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "latticectl/event.h"
#include "latticectl/json.h"
#include "latticectl/otlp.h"
#include "latticectl/text.h"
#include "latticectl/timeline.h"
#include "latticectl/util.h"
#include "banned.h"

bool
lt_timeline_known_kind(const char *kind)
{
	static const char *const known[] = { "meta", "event", "ctl.request",
	    "ctl.reply", "wadm.request", "wadm.reply", "wadm.status",
	    "wadm.cmd", "kv", "snapshot", "inventory", "probe", "phase",
	    "finding", "gap", "end", "msg", NULL };
	int i;

	for (i = 0; kind && known[i]; i++)
		if (!strcmp(known[i], kind))
			return true;
	return false;
}

int64_t
lt_timeline_time(const cJSON *rec)
{
	const char *t = lt_json_str(rec, "t");
	int64_t ns = 0;

	if (!t || lt_time_parse(t, &ns) < 0)
		return 0;
	return ns;
}

char *
lt_timeline_payload(const cJSON *rec, const char *key, size_t *len)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, key);
	const char *enc = lt_json_str(rec, "encoding");
	struct lt_buf b = LT_BUF_INIT;
	char *s;

	if (!v)
		return NULL;
	if (cJSON_IsString(v) && enc && !strcmp(enc, "base64")) {
		if (lt_base64_decode(v->valuestring, strlen(v->valuestring),
		    &b) < 0) {
			lt_buf_release(&b);
			return NULL;
		}
		*len = b.len;
		return b.buf ? lt_buf_detach(&b) : lt_xstrdup("");
	}
	s = lt_json_print_kept(v, false);
	*len = s ? strlen(s) : 0;
	return s;
}

/* Escape (lt_buf_add_text) what b holds from at on, when it needs it:
 * text appended unescaped, such as compact JSON, which may hold C1 and
 * bidi controls as they are. */
static void
escape_from(struct lt_buf *b, size_t at)
{
	char *raw;
	size_t n = b->len - at;

	if (lt_text_is_safe(b->buf + at, n))
		return;
	raw = lt_xmalloc(n);
	memcpy(raw, b->buf + at, n);
	b->len = at;
	lt_buf_add_text(b, raw, n);
	free(raw);
}

/* Cut what b holds from at on to max bytes (never inside a UTF-8
 * sequence), ending it with tail. */
static void
cut_from(struct lt_buf *b, size_t at, size_t max, const char *tail)
{
	if (b->len - at <= max)
		return;
	b->len = at + lt_utf8_cut(b->buf + at, b->len - at, max);
	b->buf[b->len] = '\0';
	lt_buf_adds(b, tail);
}

/* The payload bytes data as one readable cell, as 'sub' shows a message:
 * <empty>, compact JSON, text with its controls (newlines too) escaped,
 * or <N bytes binary>; over max bytes it is cut with "... (N bytes)". */
static void
payload_text(struct lt_buf *b, const char *data, size_t len,
    size_t max)
{
	size_t before = b->len;
	char tail[48];

	if (len == 0) {
		lt_buf_adds(b, "<empty>");
		return;
	}
	if (lt_json_compact(data, len, 64, b) == 0) {
		escape_from(b, before);
	} else if (!lt_is_text(data, len)) {
		lt_buf_addf(b, "<%zu bytes binary>", len);
		return;
	} else {
		lt_buf_add_text(b, data, len);
	}
	snprintf(tail, sizeof(tail), "... (%zu bytes)", len);
	cut_from(b, before, max, tail);
}

bool
lt_timeline_event(const cJSON *rec, struct lt_event *ev, char **data)
{
	const char *subject = lt_json_str(rec, "subject");
	size_t len = 0;

	*data = lt_timeline_payload(rec, "event", &len);
	if (!*data)
		return false;
	lt_event_decode(ev, subject ? subject : "", *data, len);
	if (lt_otlp_traceparent_ok(lt_json_str(rec, "traceparent")))
		ev->traceparent = lt_json_str(rec, "traceparent");
	return true;
}

/* A scalar's text (lt_json_scalar_text), escaped. */
static void
add_scalar(struct lt_buf *b, const cJSON *v)
{
	size_t at = b->len;

	lt_json_scalar_text(v, b);
	escape_from(b, at);
}

static void
add_member(struct lt_buf *b, const cJSON *rec, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, key);

	if (!v || cJSON_IsNull(v))
		return;
	lt_buf_addf(b, " %s=", key);
	add_scalar(b, v);
}

/* The few payload members that say what a ctl/wadm message was about, as
 * " name=value" pairs; values are truncated so a line stays a line. */
static void
add_payload_members(struct lt_buf *b, const cJSON *obj)
{
	static const char *const keys[] = { "config_name", "component_id",
	    "provider_id", "component_ref", "provider_ref", "reference",
	    "new_component_ref", "max_instances", "count", "host_id",
	    "source_id", "target", "result", "message", "error", NULL };
	int i;

	for (i = 0; keys[i]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, keys[i]);
		size_t at = b->len;

		if (!v || cJSON_IsNull(v) || cJSON_IsObject(v) ||
		    cJSON_IsArray(v) || (cJSON_IsString(v) && !*v->valuestring))
			continue;
		lt_buf_addf(b, " %s=", keys[i]);
		add_scalar(b, v);
		if (b->len - at > 160)
			cut_from(b, at, 157, "...");
	}
}

/* ctl replies: ok or error; wadm.cmd: the command's name; wadm.status: the
 * status type. Then the payload members (a kv record's value) that
 * identify the subject. */
static void
add_payload_summary(struct lt_buf *b, const cJSON *rec, const char *kind)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(rec,
	    !strcmp(kind, "kv") ? "value" : "payload");
	const cJSON *ok, *st;

	if (!cJSON_IsObject(p))
		return;
	if ((ok = cJSON_GetObjectItemCaseSensitive(p, "success")) &&
	    cJSON_IsBool(ok))
		lt_buf_adds(b, cJSON_IsTrue(ok) ? " ok" : " error");
	if (!strcmp(kind, "wadm.cmd") && p->child && p->child->string) {
		lt_buf_addch(b, ' ');
		lt_buf_add_texts(b, p->child->string);
		p = p->child;
	}
	if (!strcmp(kind, "wadm.status") &&
	    (st = cJSON_GetObjectItemCaseSensitive(p, "status")) &&
	    lt_json_str(st, "type")) {
		lt_buf_adds(b, " status=");
		lt_buf_add_texts(b, lt_json_str(st, "type"));
		if (lt_json_str(st, "message") && *lt_json_str(st, "message"))
			lt_buf_add_field(b, "message", lt_json_str(st, "message"),
			    strlen(lt_json_str(st, "message")));
		return;
	}
	if (cJSON_IsObject(p))
		add_payload_members(b, p);
}

/* A message 'sub' recorded (kind msg): the line sub printed for it, with
 * its req/rep pairing (its payload as the reader redacted it). */
/* A member clamped into [min, max] (a file's 1e999 would be undefined to
 * convert), 0 when absent. */
static int64_t
member_int(const cJSON *rec, const char *key, int64_t min, int64_t max)
{
	int64_t n = 0;

	lt_json_int(cJSON_GetObjectItemCaseSensitive(rec, key), min, max, &n);
	return n;
}

static void
msg_line(const cJSON *rec, const struct lt_colors *col, struct lt_buf *out)
{
	const char *subject = lt_json_str(rec, "subject");
	const char *status = lt_json_str(rec, "status");
	double ms = lt_json_num(rec, "latency_ms", 0);
	struct lt_msg_line l = {
		.t_ns = lt_timeline_time(rec),
		.subject = subject ? subject : "-",
		.reply = lt_json_str(rec, "reply"),
		.pair = (uint64_t)member_int(rec, "pair", 0, INT64_MAX),
		.request_subject = lt_json_str(rec, "request_subject"),
		.nreplies = (unsigned)member_int(rec, "reply_index", 0,
		    UINT_MAX),
		.latency_ns = fabs(ms) < 9e12 ? (int64_t)(ms * 1e6) :
		    ms < 0 ? -INT64_MAX : INT64_MAX,
		.before_request = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
		    rec, "before_request")),
		.role = lt_json_str(rec, "role"),
		.no_responders = status && !strcmp(status, "no-responders"),
		.unanswered = cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(rec,
		    "answered")),
	};
	char *data = lt_timeline_payload(rec, "payload", &l.len);

	l.data = data;
	lt_timeline_msg_text(out, &l, col, LT_TIMELINE_PAYLOAD_MAX);
	free(data);
}

void
lt_timeline_other(const cJSON *rec, const char *kind,
    const struct lt_colors *col, struct lt_buf *out)
{
	static const char *const keys[] = { "phase", "app", "name", "severity",
	    "id", "title", "subject", "from", "bucket", "key", "op", "revision",
	    "host", "status", "latency_ms", "pair", "url", "http_status", "body",
	    "reason", "duration_ms", "dropped", "detail", "error", "lattice",
	    "version", "evidence", "events", NULL };
	char t[32];
	const char *color = "";
	int i;

	if (!strcmp(kind, "msg")) {
		msg_line(rec, col, out);
		return;
	}
	if (!strcmp(kind, "finding")) {
		const char *sev = lt_json_str(rec, "severity");

		color = sev && !strcmp(sev, "error") ? col->red : col->yellow;
	} else if (!strcmp(kind, "gap")) {
		color = col->yellow;
	} else if (!strcmp(kind, "phase")) {
		color = col->bold;
	}
	lt_time_format_short(lt_timeline_time(rec), t, sizeof(t));
	lt_buf_addf(out, "%s%s  -- ", color, t);
	lt_buf_add_texts(out, kind);
	lt_buf_addch(out, ':');
	for (i = 0; keys[i]; i++)
		add_member(out, rec, keys[i]);
	add_payload_summary(out, rec, kind);
	if (*color)
		lt_buf_adds(out, col->reset);
}

void
lt_timeline_seq(const cJSON *rec, struct lt_buf *out)
{
	char buf[64];

	lt_buf_addf(out, "#%-5s ", lt_json_num_text(rec, "seq", "0", buf,
	    sizeof(buf)));
}

void
lt_timeline_line(const cJSON *rec, const struct lt_colors *col,
    struct lt_buf *out)
{
	const char *kind = lt_json_str(rec, "kind");
	struct lt_event ev;
	char *data;

	lt_timeline_seq(rec, out);
	if (kind && !strcmp(kind, "event") && lt_timeline_event(rec, &ev,
	    &data)) {
		lt_event_format_text(&ev, lt_timeline_time(rec), false, col, out);
		lt_event_release(&ev);
		free(data);
	} else {
		lt_timeline_other(rec, kind ? kind : "?", col, out);
	}
}

/* The subject of a message, escaped, between SGR sequences. */
static void
add_subject(struct lt_buf *b, const char *on, const char *subject,
    const char *off)
{
	lt_buf_adds(b, on);
	lt_buf_add_texts(b, subject);
	lt_buf_adds(b, off);
}

/* A reply (with its request's subject and latency), a request or a
 * plain message (with its JetStream role) and two blanks. */
static void
msg_head(struct lt_buf *b, const struct lt_msg_line *m,
    const struct lt_colors *c, const char *lat)
{
	if (m->request_subject) {
		lt_buf_addf(b, "%srep #%llu%s  %s  ", c->green,
		    (unsigned long long)m->pair, m->nreplies > 1 ? "+" : "",
		    lat);
		add_subject(b, c->bold, m->request_subject, c->reset);
		lt_buf_adds(b, "  ");
		if (m->role) {	/* a pulled message */
			add_subject(b, "", m->role, " ");
			add_subject(b, "", m->subject, "  ");
		}
		return;
	}
	if (m->pair) {
		lt_buf_addf(b, "%sreq #%llu%s  ", c->cyan,
		    (unsigned long long)m->pair, c->reset);
	} else if (m->role) {
		add_subject(b, c->dim, m->role, c->reset);
		lt_buf_adds(b, "  ");
	}
	add_subject(b, c->bold, m->subject, c->reset);
	lt_buf_adds(b, "  ");
}

void
lt_timeline_msg_text(struct lt_buf *b, const struct lt_msg_line *m,
    const struct lt_colors *c, size_t max)
{
	char t[16], lat[32];

	lt_time_format_short(m->t_ns, t, sizeof(t));
	lt_buf_addf(b, "%s%s%s  ", c->dim, t, c->reset);
	if (m->before_request)
		snprintf(lat, sizeof(lat), "seen before request");
	else
		lt_duration_format(m->latency_ns, lat, sizeof(lat));
	if (m->request_subject && m->unanswered) {
		lt_buf_addf(b, "%sunanswered #%llu%s  ", c->red,
		    (unsigned long long)m->pair, c->reset);
		add_subject(b, "", m->request_subject, "  no reply");
		lt_buf_adds(b, m->window ? " within " : "");
		lt_buf_add_texts(b, m->window);
		return;
	}
	if (m->request_subject && m->no_responders) {
		lt_buf_addf(b, "%s503 #%llu  %s  ", c->red,
		    (unsigned long long)m->pair, lat);
		add_subject(b, "", m->request_subject, "  no responders");
		lt_buf_adds(b, c->reset);
		return;
	}
	msg_head(b, m, c, lat);
	if (!m->pair && m->reply)
		add_subject(b, "-> ", m->reply, "  ");
	payload_text(b, m->data ? m->data : "", m->data ? m->len :
	    0, max);
	if (m->traceparent) {
		lt_buf_addf(b, "  %strace=", c->dim);
		lt_buf_add(b, m->traceparent + 3, 32);	/* hex digits */
		lt_buf_adds(b, c->reset);
	}
}

/* first, then text (already escaped) wrapped at cols, every line after
 * the first indented by 4 */
static void
finding_wrap(struct lt_buf *out, const char *first, const char *text,
    size_t cols)
{
	lt_buf_adds(out, first);
	lt_text_wrap(out, text, lt_text_width(first, strlen(first)), 4, cols);
	lt_buf_addch(out, '\n');
}

void
lt_timeline_finding(const cJSON *rec, const char *path,
    const struct lt_colors *c, size_t cols, struct lt_buf *out)
{
	struct lt_buf t = LT_BUF_INIT, head = LT_BUF_INIT, ev = LT_BUF_INIT;
	const char *sev = lt_json_str(rec, "severity");
	const char *s;
	const cJSON *n;

	lt_buf_adds(&head, sev && !strcmp(sev, "error") ? c->red : c->yellow);
	lt_buf_add_texts(&head, sev ? sev : "?");
	lt_buf_addf(&head, "%s ", c->reset);
	lt_buf_add_texts(&head, lt_json_str(rec, "id"));
	lt_buf_adds(&head, ": ");
	s = lt_json_str(rec, "title");
	finding_wrap(out, head.buf, lt_text(&t, s ? s : ""), cols);
	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(rec,
	    "evidence")) {
		lt_buf_adds(&ev, ev.len ? (path ? "," : ", #") : (path ? "" :
		    "#"));
		lt_json_scalar_text(n, &ev);
	}
	if (ev.len && path)	/* a command to copy: not wrapped */
		lt_buf_addf(out, "  evidence: latticectl show %s --record %s\n",
		    lt_text(&t, path), ev.buf);
	else if (ev.len)
		finding_wrap(out, "  evidence: records ", ev.buf, cols);
	if ((s = lt_json_str(rec, "next")))
		finding_wrap(out, "  next: ", lt_text(&t, s), cols);
	lt_buf_release(&t);
	lt_buf_release(&head);
	lt_buf_release(&ev);
}

void
lt_timeline_finding_print(FILE *fp, const cJSON *rec, const char *path,
    const struct lt_colors *c, size_t cols)
{
	struct lt_buf b = LT_BUF_INIT;

	lt_timeline_finding(rec, path, c, cols, &b);
	if (b.buf)
		fputs(b.buf, fp);
	lt_buf_release(&b);
}
