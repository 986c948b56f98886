/* replay-capture.c: replay's observation session (session.h;
 * docs/architecture.md, Data path) and what it brings, as records:
 * events, ctl and wadm API requests paired with their replies on the
 * inbox, wadm commands and status, CONFIGDATA changes (observe.h), and
 * gaps; every record redacted once and kept for the timeline and the
 * findings. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "replay.h"
#include "latticectl/text.h"
#include "latticectl/json.h"
#include "latticectl/observe.h"
#include "latticectl/util.h"
#include "banned.h"

/* Source tags, in the order the sources are added. */
enum { TAG_EVT, TAG_CTL, TAG_WADM, TAG_CMD, TAG_STATUS, TAG_KV, TAG_INBOX };

/* What each source carries. */
static const enum lt_observe_src sources[] = {
	[TAG_EVT] = LT_OBSERVE_EVENT,
	[TAG_CTL] = LT_OBSERVE_CTL,
	[TAG_WADM] = LT_OBSERVE_WADM_API,
	[TAG_CMD] = LT_OBSERVE_CMD,
	[TAG_STATUS] = LT_OBSERVE_STATUS,
	[TAG_KV] = LT_OBSERVE_KV,
	[TAG_INBOX] = LT_OBSERVE_INBOX,
};

/* Keep a record written as seq (fields: its members, taken) for the
 * timeline and the findings. */
static void
keep(struct replay *r, const char *kind, int64_t t, uint64_t seq,
    cJSON *fields)
{
	char ts[40];

	lt_time_format(t, ts, sizeof(ts));
	cJSON_AddNumberToObject(fields, "seq", (double)seq);
	cJSON_AddStringToObject(fields, "t", ts);
	cJSON_AddStringToObject(fields, "kind", kind);
	cJSON_AddItemToArray(r->recs, fields);
}

/* Write a record whose payload members were redacted as they were added
 * (add_payload), and keep it (taken); under the session's lock. Returns
 * seq. */
static uint64_t
capture(struct replay *r, const char *kind, int64_t t, cJSON *fields)
{
	struct lt_buf text = LT_BUF_INIT;
	uint64_t seq;

	if (t == 0)
		t = lt_now_ns();
	lt_rec_add_members(&text, fields);
	seq = lt_session_write(r->s, kind, t, &text);
	lt_buf_release(&text);
	keep(r, kind, t, seq, fields);
	return seq;
}

/* Was this request one of latticectl's own (expect_mine)? Consumes it. */
static bool
is_mine(struct replay *r, const char *subject)
{
	int i;

	for (i = 0; i < MAX_MINE; i++)
		if (r->mine[i][0] && !strcmp(r->mine[i], subject)) {
			r->mine[i][0] = '\0';
			return true;
		}
	return false;
}

/* A reply subject outside the inbox prefix we watch: its replies cannot
 * be recorded; say so once (the record says "reply_unseen", so that the
 * findings do not call the request unanswered). */
static void
warn_unseen(struct replay *r, const cJSON *f)
{
	struct lt_buf text = LT_BUF_INIT;

	if (r->warned_inbox || !cJSON_GetObjectItemCaseSensitive(f,
	    "reply_unseen"))
		return;
	r->warned_inbox = true;
	if (r->ctx->cfg->quiet)
		return;
	fprintf(stderr, "latticectl: replay: warning: reply subject '%s' "
	    "is not under the inbox prefix '%.*s'; its replies cannot be "
	    "recorded (set --inbox-prefix)\n", lt_text(&text,
	    lt_json_str(f, "reply")), (int)strlen(r->inbox) - 2, r->inbox);
	lt_buf_release(&text);
}

/* One message into its record (on the delivery thread). */
static bool
on_msg(void *ud, struct lt_session *s, struct lt_msg *m)
{
	struct replay *r = ud;
	enum lt_observe_src src = m->sub_id >= 0 && m->sub_id < TAG_INBOX ?
	    sources[m->sub_id] : LT_OBSERVE_INBOX;
	const char *kind;
	cJSON *f;

	(void)s;
	f = lt_observe_msg(r->observe, src, m, (src == LT_OBSERVE_CTL ||
	    src == LT_OBSERVE_WADM_API) && is_mine(r, m->subject), &kind);
	if (f == NULL)
		return false;
	if (src == LT_OBSERVE_EVENT)
		r->events++;
	warn_unseen(r, f);
	capture(r, kind, m->recv_ns, f);
	return false;
}

/* A gap the session recorded (a disconnect and its reconnect, drops, a
 * client error, or replay_record_gap's): kept as it was written. */
static void
on_gap(void *ud, struct lt_session *s, const struct lt_gap *g)
{
	struct lt_buf b = LT_BUF_INIT;

	lt_buf_adds(&b, "{");
	lt_gap_format_fields(g, false, &b);
	lt_buf_adds(&b, "}");
	keep(ud, "gap", g->t_ns, lt_session_seq(s), cJSON_Parse(b.buf));
	lt_buf_release(&b);
}

/* A disconnect: the server lost, said with the phase it was lost in. */
static void
on_conn(void *ud, struct lt_session *s, const struct lt_item *it)
{
	struct replay *r = ud;

	(void)s;
	if (it->kind != LT_ITEM_DISCONNECTED)
		return;
	snprintf(r->lost, sizeof(r->lost), "%s", it->detail);
	if (!r->ctx->cfg->quiet)
		fprintf(stderr, "latticectl: replay: disconnected from %s "
		    "during %s, reconnecting\n", it->detail, r->phase);
}

/* The end record only after a replay that completed. */
static cJSON *
end_fields(void *ud, int rc, bool file)
{
	(void)ud;
	(void)file;
	return rc == 0 ? cJSON_CreateObject() : NULL;
}

/* latticectl is about to send a request on subject. */
void
replay_expect_subject(struct replay *r, const char *subject)
{
	lt_session_lock(r->s);
	snprintf(r->mine[r->nmine++ % MAX_MINE], sizeof(r->mine[0]), "%s",
	    subject);
	lt_session_unlock(r->s);
}

/* ... a ctl request on {ctl}.v1.{L}.{tail}. */
void
replay_expect_mine(struct replay *r, const char *tail)
{
	char *subject = lt_ctl_subject(&r->ctl, tail);

	replay_expect_subject(r, subject);
	free(subject);
}

/* capture from the main thread: a record latticectl made (snapshot,
 * inventory, probe, phase, finding...), redacted here, once */
uint64_t
replay_note(struct replay *r, const char *kind, cJSON *fields)
{
	uint64_t seq;

	lt_rec_redact(fields, kind, r->redact);
	lt_session_lock(r->s);
	seq = capture(r, kind, 0, fields);
	lt_session_unlock(r->s);
	return seq;
}

void
replay_record_gap(struct replay *r, const struct lt_gap *g)
{
	lt_session_lock(r->s);
	lt_session_gap(r->s, g);	/* its record comes back to on_gap */
	lt_session_unlock(r->s);
}

/* One source, tagged (what: its subject, or for CONFIGDATA the bucket;
 * taken). CONFIGDATA's changes come through an ordered consumer on the
 * bucket's stream from its next revision, so that each has its revision
 * (a core subscription sees the bare publishes); a bucket not there yet
 * (hosts create it) through its subjects, without revisions. */
static int
add(struct replay *r, int tag, char *what, struct lt_error *err)
{
	struct lt_session_source src = { LT_SOURCE_CORE, tag, what, NULL, 0,
	    0, false };
	int rc;

	if (tag == TAG_KV) {
		src.kind = LT_SOURCE_KV;
		src.subject = NULL;
		src.stream = what;
		src.subjects_if_absent = true;
	}
	rc = lt_session_add(r->s, &src, err);
	free(what);
	return rc;
}

static int
add_sources(struct replay *r, struct lt_error *err)
{
	char *what[] = {
		[TAG_EVT] = lt_xasprintf("wasmbus.evt.%s.>", r->lattice),
		[TAG_CTL] = lt_ctl_subject(&r->ctl, ">"),
		[TAG_WADM] = lt_xasprintf("wadm.api.%s.>", r->lattice),
		[TAG_CMD] = lt_xasprintf("wadm.cmd.%s", r->lattice),
		[TAG_STATUS] = lt_xasprintf("wadm.status.%s.>", r->lattice),
		[TAG_KV] = lt_xasprintf("CONFIGDATA_%s", r->lattice),
		[TAG_INBOX] = lt_xstrdup(r->inbox),
	};
	int i, rc = 0;

	for (i = 0; i < (int)LT_ARRAY_SIZE(what); i++) {
		if (rc == 0)
			rc = add(r, i, what[i], err);
		else
			free(what[i]);
	}
	return rc;
}

/* Messages reach on_msg on nats.c's delivery thread (direct delivery),
 * so they are recorded while the main thread waits for a request's
 * reply; observe redacts each payload as it adds it. */
int
replay_open_session(struct replay *r, const char *path,
    struct lt_error *err)
{
	struct lt_session_config sc = LT_SESSION_CONFIG_INIT;
	int rc;

	sc.name = "replay";
	sc.ud = r;
	sc.delivery = LT_DELIVER_DIRECT;
	sc.redact = r->redact;
	sc.redact_on_copy = true;
	sc.on_msg = on_msg;
	sc.on_gap = on_gap;
	sc.on_conn = on_conn;
	rc = lt_session_create(&r->s, r->ctx->conn, &sc, err);
	if (rc == 0)
		rc = lt_session_open_outputs(r->s, NULL, r->ctx->format, NULL,
		    0, path, r->ctx->orig_argc, r->ctx->orig_argv, r->lattice,
		    err);
	r->recording = r->s && lt_session_recording(r->s);
	if (rc < 0) {
		lt_session_close(r->s, -1, end_fields, NULL);
		r->s = NULL;
		return -1;
	}
	if (rc == 0)
		rc = add_sources(r, err);
	return rc == 0 ? lt_session_start(r->s, err) : -1;
}

void
replay_close_session(struct replay *r, int rc)
{
	struct lt_error e = LT_ERROR_INIT;

	if (r->s == NULL)
		return;
	(void)lt_session_pump(r->s, 0, &e);
	lt_session_close(r->s, rc, end_fields, NULL);
	r->s = NULL;
}
