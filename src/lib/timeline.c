/* timeline.c: text lines for recording records (timeline.h). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "latticectl/event.h"
#include "latticectl/json.h"
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
	s = cJSON_PrintUnformatted(v);
	*len = s ? strlen(s) : 0;
	return s;
}

/* The payload bytes data as one readable cell, as 'sub' shows a message:
 * <empty>, compact JSON, text with \n and \r escaped, or <N bytes
 * binary>; over max bytes it is cut with "... (N bytes)". */
static void
payload_text(struct lt_buf *b, const char *data, size_t len,
    size_t max)
{
	size_t before = b->len, i;

	if (len == 0) {
		lt_buf_adds(b, "<empty>");
		return;
	}
	if (lt_json_compact(data, len, 64, b) == 0)
		goto cut;
	if (!lt_is_text(data, len)) {
		lt_buf_addf(b, "<%zu bytes binary>", len);
		return;
	}
	for (i = 0; i < len; i++)
		if (data[i] == '\n' || data[i] == '\r')
			lt_buf_adds(b, data[i] == '\n' ? "\\n" : "\\r");
		else
			lt_buf_addch(b, data[i]);
cut:
	if (b->len - before > max) {
		b->len = before + max;
		b->buf[b->len] = '\0';
		lt_buf_addf(b, "... (%zu bytes)", len);
	}
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
	return true;
}

static void
add_member(struct lt_buf *b, const cJSON *rec, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, key);

	if (!v || cJSON_IsNull(v))
		return;
	lt_buf_addf(b, " %s=", key);
	lt_json_scalar_text(v, b);
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
		lt_json_scalar_text(v, b);
		if (b->len - at > 160) {
			b->len = at + 157;
			lt_buf_adds(b, "...");
		}
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
		lt_buf_addf(b, " %s", p->child->string);
		p = p->child;
	}
	if (!strcmp(kind, "wadm.status") &&
	    (st = cJSON_GetObjectItemCaseSensitive(p, "status")) &&
	    lt_json_str(st, "type")) {
		lt_buf_addf(b, " status=%s", lt_json_str(st, "type"));
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
static void
msg_line(const cJSON *rec, const struct lt_colors *col, struct lt_buf *out)
{
	const char *subject = lt_json_str(rec, "subject");
	const char *status = lt_json_str(rec, "status");
	double pair = lt_json_num(rec, "pair", 0);
	double nreplies = lt_json_num(rec, "reply_index", 0);
	struct lt_msg_line l = {
		.t_ns = lt_timeline_time(rec),
		.subject = subject ? subject : "-",
		.reply = lt_json_str(rec, "reply"),
		.pair = pair > 0 ? (uint64_t)pair : 0,
		.request_subject = lt_json_str(rec, "request_subject"),
		.nreplies = nreplies > 0 ? (unsigned)nreplies : 0,
		.latency_ns = (int64_t)(lt_json_num(rec, "latency_ms", 0) * 1e6),
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
	static const char *const keys[] = { "phase", "name", "severity", "id",
	    "title", "subject", "from", "bucket", "key", "op", "revision", "host",
	    "status", "latency_ms", "pair", "url", "http_status", "body",
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
	lt_buf_addf(out, "%s%s  -- %s:", color, t, kind);
	for (i = 0; keys[i]; i++)
		add_member(out, rec, keys[i]);
	add_payload_summary(out, rec, kind);
	if (*color)
		lt_buf_adds(out, col->reset);
}

void
lt_timeline_line(const cJSON *rec, const struct lt_colors *col,
    struct lt_buf *out)
{
	const char *kind = lt_json_str(rec, "kind");
	struct lt_event ev;
	char *data;

	lt_buf_addf(out, "#%-5d ", (int)lt_json_num(rec, "seq", 0));
	if (kind && !strcmp(kind, "event") && lt_timeline_event(rec, &ev,
	    &data)) {
		lt_event_format_text(&ev, lt_timeline_time(rec), false, col, out);
		lt_event_release(&ev);
		free(data);
	} else {
		lt_timeline_other(rec, kind ? kind : "?", col, out);
	}
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
		lt_buf_addf(b, "%sunanswered #%llu%s  %s  no reply%s%s", c->red,
		    (unsigned long long)m->pair, c->reset, m->request_subject,
		    m->window ? " within " : "", m->window ? m->window : "");
		return;
	}
	if (m->request_subject && m->no_responders) {
		lt_buf_addf(b, "%s503 #%llu  %s  %s  no responders%s", c->red,
		    (unsigned long long)m->pair, lat, m->request_subject,
		    c->reset);
		return;
	}
	if (m->request_subject) {
		lt_buf_addf(b, "%srep #%llu%s  %s  %s%s%s  ", c->green,
		    (unsigned long long)m->pair, m->nreplies > 1 ? "+" : "",
		    lat, c->bold, m->request_subject, c->reset);
		if (m->role)	/* a pulled message */
			lt_buf_addf(b, "%s %s  ", m->role, m->subject);
	} else if (m->pair)
		lt_buf_addf(b, "%sreq #%llu%s  %s%s%s  ", c->cyan,
		    (unsigned long long)m->pair, c->reset, c->bold, m->subject,
		    c->reset);
	else if (m->role)
		lt_buf_addf(b, "%s%s%s  %s%s%s  ", c->dim, m->role, c->reset,
		    c->bold, m->subject, c->reset);
	else
		lt_buf_addf(b, "%s%s%s  ", c->bold, m->subject, c->reset);
	if (!m->pair && m->reply)
		lt_buf_addf(b, "-> %s  ", m->reply);
	payload_text(b, m->data ? m->data : "", m->data ? m->len :
	    0, max);
}
