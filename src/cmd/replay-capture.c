/* replay-capture.c: what replay's subscriptions see, as records: events,
 * ctl and wadm API requests paired with their replies on the inbox,
 * wadm commands and status, CONFIGDATA changes (observe.h), and gaps;
 * every record redacted once and kept for the timeline and the findings. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "replay.h"
#include "latticectl/text.h"
#include "latticectl/json.h"
#include "latticectl/observe.h"
#include "latticectl/util.h"
#include "banned.h"

/* Write a record whose payload members were redacted as they were added
 * (add_payload), and keep it (taken) for the timeline and the findings;
 * under the feed lock. Returns seq. */
static uint64_t
capture(struct replay *r, const char *kind, int64_t t, cJSON *fields)
{
	struct lt_buf text = LT_BUF_INIT;
	uint64_t seq;
	char ts[40];

	if (t == 0)
		t = lt_now_ns();
	lt_rec_add_members(&text, fields);
	seq = lt_rec_write(r->rec, kind, t, text.buf ? text.buf : "", text.len,
	    r->werr.code ? NULL : &r->werr);
	lt_buf_release(&text);
	lt_time_format(t, ts, sizeof(ts));
	cJSON_AddNumberToObject(fields, "seq", (double)seq);
	cJSON_AddStringToObject(fields, "t", ts);
	cJSON_AddStringToObject(fields, "kind", kind);
	cJSON_AddItemToArray(r->recs, fields);
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

/* What each subscription carries (replay_subscribe's order). */
static const enum lt_observe_src sources[] = {
	[SUB_EVT] = LT_OBSERVE_EVENT,
	[SUB_CTL] = LT_OBSERVE_CTL,
	[SUB_WADM] = LT_OBSERVE_WADM_API,
	[SUB_CMD] = LT_OBSERVE_CMD,
	[SUB_STATUS] = LT_OBSERVE_STATUS,
	[SUB_KV] = LT_OBSERVE_KV,
	[SUB_INBOX] = LT_OBSERVE_INBOX,
};

void
replay_on_item(void *ud, const struct lt_item *it)
{
	struct replay *r = ud;
	const struct lt_msg *m = &it->msg;
	enum lt_observe_src src = m->sub_id >= 0 && m->sub_id < SUB_INBOX ?
	    sources[m->sub_id] : LT_OBSERVE_INBOX;
	const char *kind;
	cJSON *f;

	f = lt_observe_msg(r->observe, src, m, (src == LT_OBSERVE_CTL ||
	    src == LT_OBSERVE_WADM_API) && is_mine(r, m->subject), &kind);
	if (f == NULL)
		return;
	if (src == LT_OBSERVE_EVENT)
		r->events++;
	warn_unseen(r, f);
	capture(r, kind, m->recv_ns, f);
}

/* latticectl is about to send a request on subject. */
void
replay_expect_subject(struct replay *r, const char *subject)
{
	lt_feed_lock(r->feed);
	snprintf(r->mine[r->nmine++ % MAX_MINE], sizeof(r->mine[0]), "%s",
	    subject);
	lt_feed_unlock(r->feed);
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
	lt_feed_lock(r->feed);
	seq = capture(r, kind, 0, fields);
	lt_feed_unlock(r->feed);
	return seq;
}

/* CONFIGDATA changes through an ordered consumer on the bucket's stream
 * from its next revision, so that each has its revision (a core
 * subscription sees the bare publishes); a bucket not there yet (hosts
 * create it) through a core subscription, without revisions. */
static int
subscribe_kv(struct replay *r, const char *filter, struct lt_error *err)
{
	struct lt_stream_start st = { NULL, filter, 0, 0, false };
	struct lt_stream_info si;
	char *stream = lt_xasprintf("KV_CONFIGDATA_%s", r->lattice);
	int rc = lt_stream_info(r->ctx->conn, stream, &si, err);

	st.stream = stream;
	st.start_seq = rc == 1 ? si.last_seq + 1 : 0;
	if (rc == 1)
		rc = lt_sub_open_stream(&r->subs[r->nsubs++], r->ctx->conn, &st,
		    r->feed, SUB_KV, 0, err);
	else if (rc == 0)
		rc = lt_sub_open(&r->subs[r->nsubs++], r->ctx->conn, filter,
		    r->feed, SUB_KV, 0, err);
	free(stream);
	return rc;
}

int
replay_subscribe(struct replay *r, struct lt_error *err)
{
	char *subjects[] = {
		lt_xasprintf("wasmbus.evt.%s.>", r->lattice),
		lt_ctl_subject(&r->ctl, ">"),
		lt_xasprintf("wadm.api.%s.>", r->lattice),
		lt_xasprintf("wadm.cmd.%s", r->lattice),
		lt_xasprintf("wadm.status.%s.>", r->lattice),
		lt_xasprintf("$KV.CONFIGDATA_%s.>", r->lattice),
		lt_xstrdup(r->inbox),
	};
	int i, rc = 0;

	for (i = 0; i < (int)LT_ARRAY_SIZE(subjects); i++) {
		if (rc == 0 && i == SUB_KV)
			rc = subscribe_kv(r, subjects[i], err);
		else if (rc == 0)
			rc = lt_sub_open(&r->subs[r->nsubs++], r->ctx->conn,
			    subjects[i], r->feed, i, 0, err);
		free(subjects[i]);
	}
	if (rc == 0)
		rc = lt_conn_flush(r->ctx->conn, err);
	return rc;
}

void
replay_record_gap(struct replay *r, const struct lt_gap *g)
{
	struct lt_buf b = LT_BUF_INIT;

	lt_buf_adds(&b, "{");
	lt_gap_format_fields(g, false, &b);
	lt_buf_adds(&b, "}");
	lt_feed_lock(r->feed);
	capture(r, "gap", g->t_ns, cJSON_Parse(b.buf));
	lt_feed_unlock(r->feed);
	lt_buf_release(&b);
}

/* A connection item (messages go to replay_on_item): disconnects, reconnects,
 * client errors and drops become gap records (docs/architecture.md, Data
 * path). */
void
replay_on_conn_item(struct replay *r, const struct lt_item *it)
{
	struct lt_gap g;
	int64_t dropped = 0;
	int i;

	if (it->kind == LT_ITEM_DISCONNECTED) {
		snprintf(r->lost, sizeof(r->lost), "%s", it->detail);
		if (!r->ctx->cfg->quiet)
			fprintf(stderr, "latticectl: replay: disconnected from "
			    "%s during %s, reconnecting\n", it->detail, r->phase);
	}
	for (i = 0; it->kind == LT_ITEM_SLOW && i < r->nsubs; i++)
		dropped += lt_sub_dropped(r->subs[i]);
	if (it->kind == LT_ITEM_SLOW ? lt_gap_check_dropped(&r->gt, dropped,
	    it->t_ns, "replay fell behind; the client dropped messages", &g) :
	    lt_gap_on_item(&r->gt, it, &g))
		replay_record_gap(r, &g);
}
