/* replay-capture.c: what replay's subscriptions see, as records: events,
 * ctl and wadm API requests paired with their replies on the inbox,
 * wadm commands and status, CONFIGDATA changes, and gaps; every record
 * redacted once and kept for the timeline and the findings. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "replay.h"
#include "latticectl/classify.h"
#include "latticectl/text.h"
#include "latticectl/json.h"
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

/* The members for a message's payload under key, as every recording
 * stores them: JSON as JSON, anything else base64 with
 * "encoding":"base64", redacted once, before it is encoded (URL user
 * information in text, a secret config's value), as the request subject
 * asks (lt_redact_subject; NULL: the message's own). */
static void
add_payload(struct replay *r, cJSON *f, const char *key,
    const struct lt_msg *m, const char *request_subject)
{
	struct lt_buf b = LT_BUF_INIT;
	cJSON *o, *it;

	if (m->len <= 0)
		return;
	lt_buf_addch(&b, '{');
	lt_rec_add_msg_payload(&b, key, m, request_subject, r->redact);
	lt_buf_addch(&b, '}');
	o = lt_json_parse(b.buf, b.len);
	while (o && (it = o->child)) {
		cJSON_DetachItemViaPointer(o, it);
		cJSON_AddItemToObject(f, it->string, it);
	}
	cJSON_Delete(o);
	lt_buf_release(&b);
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
 * be recorded; say so once, and mark the request so that the findings do
 * not call it unanswered. */
static bool
reply_unseen(struct replay *r, const char *reply, cJSON *f)
{
	if (lt_subject_matches(r->inbox, reply))
		return false;
	cJSON_AddTrueToObject(f, "reply_unseen");
	if (!r->warned_inbox && !r->ctx->cfg->quiet) {
		struct lt_buf text = LT_BUF_INIT;

		fprintf(stderr, "latticectl: replay: warning: reply subject '%s' "
		    "is not under the inbox prefix '%.*s'; its replies cannot be "
		    "recorded (set --inbox-prefix)\n", lt_text(&text, reply),
		    (int)strlen(r->inbox) - 2, r->inbox);
		lt_buf_release(&text);
	}
	r->warned_inbox = true;
	return true;
}

/* A ctl or wadm API request (kind), kept open for its replies (on an
 * inbox we watch) to pair with. */
static void
on_request(struct replay *r, const struct lt_msg *m, cJSON *f,
    const char *kind)
{
	uint64_t pair = ++r->next_pair;

	if (is_mine(r, m->subject))
		cJSON_AddStringToObject(f, "from", "latticectl");
	cJSON_AddNumberToObject(f, "pair", (double)pair);
	if (m->reply)
		cJSON_AddStringToObject(f, "reply", m->reply);
	add_payload(r, f, "payload", m, NULL);
	if (m->reply && !reply_unseen(r, m->reply, f)) {
		/* requests whose --timeout passed take no more replies */
		lt_pair_expire(r->pairs, m->recv_ns, NULL, NULL);
		lt_pair_request(r->pairs, m->subject, m->reply, m->recv_ns,
		    pair << 1 | (uint64_t)!!strcmp(kind, "ctl.request"));
	}
	capture(r, kind, m->recv_ns, f);
}

/* A message on an inbox: a ctl or wadm reply when it answers an open
 * request (the request stays open: each host answers a host.ping). Other
 * inbox traffic answers requests on subjects we do not record (JetStream
 * and KV API calls, wadm's and ours). */
static void
on_inbox(struct replay *r, const struct lt_msg *m, cJSON *f)
{
	struct lt_pair_match pm;

	if (lt_pair_reply(r->pairs, m->subject, m->recv_ns, false, false,
	    &pm) != 1) {
		cJSON_Delete(f);
		return;
	}
	cJSON_AddNumberToObject(f, "pair", (double)(pm.tag >> 1));
	cJSON_AddNumberToObject(f, "latency_ms", (double)pm.latency_ns / 1e6);
	/* a reply is redacted as its request asks (config.get.SECRET_x) */
	cJSON_AddStringToObject(f, "request_subject", pm.subject);
	add_payload(r, f, "payload", m, pm.subject);
	capture(r, pm.tag & 1 ? "wadm.reply" : "ctl.reply", m->recv_ns, f);
}

/* A CONFIGDATA change, as 'kv watch --record' writes it: bucket, key, op,
 * revision and created (from the bucket's stream), value (puts). */
static void
on_kv(struct replay *r, const struct lt_msg *m, cJSON *f)
{
	enum lt_kv_op op = lt_kv_op_from_header(lt_msg_header(m,
	    "KV-Operation"));
	const char *key = strchr(m->subject + 4, '.');	/* $KV.B.key */
	char bucket[128], t[48];

	snprintf(bucket, sizeof(bucket), "%.*s", key ? (int)(key -
	    (m->subject + 4)) : 0, m->subject + 4);
	cJSON_AddStringToObject(f, "bucket", bucket);
	cJSON_AddStringToObject(f, "key", key ? key + 1 : "");
	cJSON_AddStringToObject(f, "op", lt_kv_op_name(op));
	if (m->stream_seq) {
		cJSON_AddNumberToObject(f, "revision", (double)m->stream_seq);
		lt_time_format(m->stream_ns, t, sizeof(t));
		cJSON_AddStringToObject(f, "created", t);
	}
	if (op == LT_KV_PUT)
		add_payload(r, f, "value", m, NULL);
	/* a secret key's value is masked whole, as lt_rec_redact does */
	if (r->redact != LT_REDACT_NONE && key &&
	    lt_redact_name_is_secret(key + 1))
		lt_redact_json_whole(cJSON_GetObjectItemCaseSensitive(f, "value"));
	capture(r, "kv", m->recv_ns, f);
}

void
replay_on_item(void *ud, const struct lt_item *it)
{
	struct replay *r = ud;
	const struct lt_msg *m = &it->msg;
	cJSON *f = cJSON_CreateObject();
	const char *tp;

	if (m->sub_id != SUB_KV)	/* kv records name bucket and key */
		cJSON_AddStringToObject(f, "subject", m->subject);
	if ((tp = lt_rec_traceparent(m)))
		cJSON_AddStringToObject(f, "traceparent", tp);
	switch (m->sub_id) {
	case SUB_EVT:
		r->events++;
		add_payload(r, f, "event", m, NULL);
		capture(r, "event", m->recv_ns, f);
		break;
	case SUB_CTL:
		on_request(r, m, f, "ctl.request");
		break;
	case SUB_WADM:
		on_request(r, m, f, "wadm.request");
		break;
	case SUB_CMD:
	case SUB_STATUS:
		add_payload(r, f, "payload", m, NULL);
		capture(r, m->sub_id == SUB_CMD ? "wadm.cmd" : "wadm.status",
		    m->recv_ns, f);
		break;
	case SUB_KV:
		on_kv(r, m, f);
		break;
	default:
		on_inbox(r, m, f);
		break;
	}
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
