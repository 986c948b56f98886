/* replay.c: 'latticectl replay OLD NEW': deploy OLD then NEW through wadm
 * while recording events, control-interface traffic (paired with its
 * replies), wadm commands and status, CONFIGDATA changes, and at each
 * checkpoint host inventories, the referenced configs and an HTTP probe;
 * then evaluate the findings (findings.h) against NEW. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "latticectl/classify.h"
#include "latticectl/ctl.h"
#include "latticectl/feed.h"
#include "latticectl/findings.h"
#include "latticectl/gap.h"
#include "latticectl/http.h"
#include "latticectl/json.h"
#include "latticectl/kv.h"
#include "latticectl/manifest.h"
#include "latticectl/rec.h"
#include "latticectl/redact.h"
#include "latticectl/sub.h"
#include "latticectl/timeline.h"
#include "latticectl/util.h"
#include "latticectl/wadm.h"
#include "banned.h"

#define MAX_SUBS 8
#define MAX_OPEN 1024
#define MAX_MINE 64

static const struct lt_opt replay_opts[] = {
	{ "probe", 0, LT_OPT_ARG, "URL", "HTTP GET after each phase", NULL },
	{ "settle", 0, LT_OPT_ARG, "DUR",
	    "keep recording after each deploy settles (3s)", NULL },
	{ "record", 0, LT_OPT_ARG, "FILE",
	    "recording (replay-<app>-<time>.ltrec)", NULL },
	{ "dry-run", 0, 0, NULL, "print the plan, send nothing", NULL },
	{ "yes", 'y', 0, NULL, "do not ask before deploying", NULL },
	LT_REDACT_OPT_SHOW,
	LT_OPT_END
};

enum { SUB_EVT, SUB_CTL, SUB_WADM, SUB_CMD, SUB_STATUS, SUB_KV, SUB_INBOX };

struct open_req {
	char reply[128];
	uint64_t pair;
	int64_t t_ns;
	const char *kind;	/* of its replies: ctl.reply, wadm.reply */
};

struct replay {
	struct lt_ctx *ctx;
	const char *lattice;
	struct lt_manifest *old, *new;
	struct lt_rec *rec;
	char *path;			/* of the recording */
	struct lt_feed *feed;
	struct lt_sub *subs[MAX_SUBS];
	int nsubs;
	struct lt_ctl ctl;
	char inbox[160];		/* "{inbox prefix}.>": replies we see */
	bool warned_inbox;
	struct lt_kv *kv;		/* CONFIGDATA_{L}, for checkpoints */
	/* subjects of ctl and wadm requests latticectl itself is about to
	 * send (a ring), so that their records say "from":"latticectl" */
	char mine[MAX_MINE][192];
	unsigned nmine;
	cJSON *recs;			/* every record written, in order */
	struct open_req open[MAX_OPEN];
	uint64_t next_pair, events;
	int64_t settle_ns, t0;
	const char *phase;
	struct lt_gap_tracker gt;	/* disconnects become gap records */
	char lost[160];			/* the server disconnected from last */
	enum lt_redact_mode redact;	/* --show-secrets */
	struct lt_error werr;
};

/* Write a record and keep a copy; under the feed lock. Returns seq. */
static uint64_t
capture(struct replay *r, const char *kind, int64_t t, cJSON *fields)
{
	cJSON *copy;
	uint64_t seq;
	char ts[40];

	if (t == 0)
		t = lt_now_ns();
	/* once, in the writer's mode: the timeline prints the copy */
	lt_rec_redact(fields, kind, r->redact);
	copy = cJSON_Duplicate(fields, 1);
	seq = lt_rec_write_redacted_tree(r->rec, kind, t, fields,
	    r->werr.code ? NULL : &r->werr);
	lt_time_format(t, ts, sizeof(ts));
	cJSON_AddNumberToObject(copy, "seq", (double)seq);
	cJSON_AddStringToObject(copy, "t", ts);
	cJSON_AddStringToObject(copy, "kind", kind);
	cJSON_AddItemToArray(r->recs, copy);
	return seq;
}

/* The members for a message's payload under key, as every recording
 * stores them (lt_rec_add_payload): JSON as JSON, anything else base64
 * with "encoding":"base64". capture() redacts them. */
static void
add_payload(cJSON *f, const char *key, const struct lt_msg *m)
{
	struct lt_buf b = LT_BUF_INIT;
	cJSON *o, *it;

	if (m->len <= 0)
		return;
	lt_buf_addch(&b, '{');
	lt_rec_add_payload(&b, key, m->data, (size_t)m->len);
	lt_buf_addch(&b, '}');
	o = cJSON_ParseWithLength(b.buf, b.len);
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
	if (!r->warned_inbox && !r->ctx->cfg->quiet)
		fprintf(stderr, "latticectl: replay: warning: reply subject '%s' "
		    "is not under the inbox prefix '%.*s'; its replies cannot be "
		    "recorded (set --inbox-prefix)\n", reply,
		    (int)strlen(r->inbox) - 2, r->inbox);
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
	int i;

	if (is_mine(r, m->subject))
		cJSON_AddStringToObject(f, "from", "latticectl");
	cJSON_AddNumberToObject(f, "pair", (double)pair);
	if (m->reply)
		cJSON_AddStringToObject(f, "reply", m->reply);
	add_payload(f, "payload", m);
	if (m->reply && !reply_unseen(r, m->reply, f))
		for (i = 0; i < MAX_OPEN; i++)
			if (!r->open[i].pair) {
				snprintf(r->open[i].reply, sizeof(r->open[i].reply),
				    "%s", m->reply);
				r->open[i].pair = pair;
				r->open[i].t_ns = m->recv_ns;
				r->open[i].kind = !strcmp(kind, "ctl.request") ?
				    "ctl.reply" : "wadm.reply";
				break;
			}
	capture(r, kind, m->recv_ns, f);
}

/* A message on an inbox: a ctl or wadm reply when it answers an open
 * request. */
static void
on_inbox(struct replay *r, const struct lt_msg *m, cJSON *f)
{
	int i;

	for (i = 0; i < MAX_OPEN; i++)
		if (r->open[i].pair && !strcmp(r->open[i].reply, m->subject))
			break;
	if (i == MAX_OPEN) {
		cJSON_Delete(f);
		return;
	}
	cJSON_AddNumberToObject(f, "pair", (double)r->open[i].pair);
	cJSON_AddNumberToObject(f, "latency_ms",
	    (double)(m->recv_ns - r->open[i].t_ns) / 1e6);
	add_payload(f, "payload", m);
	r->open[i].pair = 0;
	capture(r, r->open[i].kind, m->recv_ns, f);
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
		add_payload(f, "value", m);
	capture(r, "kv", m->recv_ns, f);
}

static void
on_item(void *ud, const struct lt_item *it)
{
	struct replay *r = ud;
	const struct lt_msg *m = &it->msg;
	cJSON *f = cJSON_CreateObject();

	if (m->sub_id != SUB_KV)	/* kv records name bucket and key */
		cJSON_AddStringToObject(f, "subject", m->subject);
	switch (m->sub_id) {
	case SUB_EVT:
		r->events++;
		add_payload(f, "event", m);
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
		add_payload(f, "payload", m);
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
static void
expect_subject(struct replay *r, const char *subject)
{
	lt_feed_lock(r->feed);
	snprintf(r->mine[r->nmine++ % MAX_MINE], sizeof(r->mine[0]), "%s",
	    subject);
	lt_feed_unlock(r->feed);
}

/* ... a ctl request on {ctl}.v1.{L}.{tail}. */
static void
expect_mine(struct replay *r, const char *tail)
{
	char *subject = lt_xasprintf("%s.v1.%s.%s", r->ctl.prefix, r->lattice,
	    tail);

	expect_subject(r, subject);
	free(subject);
}

/* capture from the main thread */
static uint64_t
note(struct replay *r, const char *kind, cJSON *fields)
{
	uint64_t seq;

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

static int
subscribe(struct replay *r, struct lt_error *err)
{
	char *subjects[] = {
		lt_xasprintf("wasmbus.evt.%s.>", r->lattice),
		lt_xasprintf("%s.v1.%s.>", r->ctl.prefix, r->lattice),
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

/* One wadm API call of latticectl's own: the wadm.api subscription
 * records it (body included) and its reply, marked as latticectl's. */
static int
wadm(struct replay *r, enum lt_wadm_op op, const char *name,
    const char *body, size_t len, cJSON **out, struct lt_error *err)
{
	char *subject = lt_wadm_subject(r->lattice, op, name);

	expect_subject(r, subject);
	free(subject);
	return lt_wadm_call(r->ctx->conn, r->lattice, op, name, body, len, 0,
	    out, err);
}

static void
phase(struct replay *r, const char *name)
{
	cJSON *f = cJSON_CreateObject();

	r->phase = name;
	cJSON_AddStringToObject(f, "phase", name);
	note(r, "phase", f);
	if (!r->ctx->cfg->quiet)
		fprintf(stderr, "latticectl: replay: %s: starts at %.1fs, "
		    "%llu event%s so far\n", name,
		    (double)(lt_mono_ns() - r->t0) / 1e9,
		    (unsigned long long)r->events, r->events == 1 ? "" : "s");
}

static void
inventories(struct replay *r)
{
	struct lt_ctl_hosts hosts;
	struct lt_error e = LT_ERROR_INIT;
	cJSON *f;
	size_t i;

	expect_mine(r, "host.ping");
	if (lt_ctl_ping(&r->ctl, &hosts, &e) < 0)
		return;
	for (i = 0; i < hosts.n; i++) {
		char *tail = lt_xasprintf("host.get.%s", hosts.v[i].id);
		struct lt_ctl_reply rep = LT_CTL_REPLY_INIT;

		expect_mine(r, tail);
		if (lt_ctl_request(&r->ctl, tail, "", 0, &rep, &e) == 0) {
			f = cJSON_CreateObject();
			cJSON_AddStringToObject(f, "host", hosts.v[i].id);
			cJSON_AddItemToObject(f, "payload", rep.response);
			rep.response = NULL;
			note(r, "inventory", f);
		}
		lt_ctl_reply_release(&rep);
		free(tail);
	}
	lt_ctl_hosts_release(&hosts);
}

/* One referenced config into the snapshot: from CONFIGDATA, its revision
 * and value ({"revision","value"} in entries, a delete or purge marker in
 * deleted); without the bucket, only whether a host says it exists. */
static void
snapshot_config(struct replay *r, const char *name, cJSON *entries,
    cJSON *deleted)
{
	struct lt_kv_entry e = LT_KV_ENTRY_INIT;
	struct lt_error err = LT_ERROR_INIT;
	cJSON *o, *v;
	char *tail;

	if (cJSON_GetObjectItemCaseSensitive(entries, name) ||
	    cJSON_GetObjectItemCaseSensitive(deleted, name))
		return;
	if (!r->kv) {
		tail = lt_xasprintf("config.get.%s", name);
		expect_mine(r, tail);
		free(tail);
		if (lt_ctl_config_exists(&r->ctl, name, &err) == 1)
			cJSON_AddTrueToObject(entries, name);
		return;
	}
	if (lt_kv_get(r->kv, name, 0, &e, &err) != 1)
		return;
	o = cJSON_AddObjectToObject(e.op == LT_KV_PUT ? entries : deleted,
	    name);
	cJSON_AddNumberToObject(o, "revision", (double)e.revision);
	if (e.op != LT_KV_PUT)
		cJSON_AddStringToObject(o, "op", lt_kv_op_name(e.op));
	else if ((v = cJSON_ParseWithLength(e.value ? e.value : "", e.len)))
		cJSON_AddItemToObject(o, "value", v);
	else if (e.value && lt_is_text(e.value, e.len))
		cJSON_AddStringToObject(o, "value", e.value);
	lt_kv_entry_release(&e);
}

static void
snapshot_configs(struct replay *r, const struct lt_manifest_configs *c,
    cJSON *entries, cJSON *deleted)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		snapshot_config(r, c->v[i].stored_name, entries, deleted);
}

/* The configs m references, as CONFIGDATA holds them now. */
static void
snapshot(struct replay *r, const struct lt_manifest *m)
{
	cJSON *f = cJSON_CreateObject(), *entries, *deleted;
	char *b = lt_xasprintf("CONFIGDATA_%s", r->lattice);
	size_t i, j;

	cJSON_AddStringToObject(f, "bucket", b);
	if (!r->kv) {	/* hosts create it; it may come later */
		struct lt_error e = LT_ERROR_INIT;

		lt_kv_open(&r->kv, r->ctx->conn, b, NULL, &e);
	}
	free(b);
	entries = cJSON_AddObjectToObject(f, "entries");
	deleted = cJSON_CreateObject();
	for (i = 0; i < m->ncomponents; i++) {
		const struct lt_manifest_component *c = &m->components[i];

		snapshot_configs(r, &c->config, entries, deleted);
		for (j = 0; j < c->nlinks; j++) {
			snapshot_configs(r, &c->links[j].source_config, entries,
			    deleted);
			snapshot_configs(r, &c->links[j].target_config, entries,
			    deleted);
		}
	}
	if (deleted->child)
		cJSON_AddItemToObject(f, "deleted", deleted);
	else
		cJSON_Delete(deleted);
	note(r, "snapshot", f);
}

static void
probe(struct replay *r)
{
	const char *url = lt_args_get(r->ctx->args, "probe");
	struct lt_error e = LT_ERROR_INIT;
	struct lt_http_result res;
	cJSON *f;

	if (!url)
		return;
	f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "url", url);
	memset(&res, 0, sizeof(res));
	if (lt_http_get(url, 2000000000LL, 4096, &res, &e) == 0) {
		cJSON_AddNumberToObject(f, "http_status", (double)res.status);
		cJSON_AddStringToObject(f, "body", res.body.buf ? res.body.buf :
		    "");
		cJSON_AddNumberToObject(f, "time_ms", (double)res.total_ns / 1e6);
		lt_http_result_release(&res);
	} else {
		cJSON_AddNumberToObject(f, "http_status", 0);
		cJSON_AddStringToObject(f, "body", "");
		cJSON_AddStringToObject(f, "error", e.msg);
	}
	note(r, "probe", f);
}

/* Inventories of every host, the target's configs, the probe. */
static void
checkpoint(struct replay *r, const struct lt_manifest *m)
{
	inventories(r);
	snapshot(r, m);
	probe(r);
}

static void
pause_ns(int64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000LL),
	    (long)(ns % 1000000000LL) };

	if (ns > 0)
		nanosleep(&ts, NULL);
}

static void
record_gap(struct replay *r, const struct lt_gap *g)
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

/* A connection item (messages go to on_item): disconnects, reconnects,
 * client errors and drops become gap records (DESIGN.md 2). */
static void
on_conn_item(struct replay *r, const struct lt_item *it)
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
		record_gap(r, &g);
}

/* Wait ns (0: only what is queued), recording connection items. */
static void
wait_ns(struct replay *r, int64_t ns)
{
	int64_t deadline = lt_mono_ns() + (ns > 0 ? ns : 1);
	struct lt_item it;
	int rc;

	while ((rc = lt_feed_next(r->feed, deadline, &it)) == 1) {
		on_conn_item(r, &it);
		lt_item_release(&it);
	}
	if (rc < 0)	/* closed: nothing more will come */
		pause_ns(deadline - lt_mono_ns());
}

/* After a failure or at a checkpoint: while the connection is down, the
 * replay cannot go on; say so (exit 3) instead of blaming wadm for the
 * requests that went unanswered. */
static int
check_conn(struct replay *r, int rc, struct lt_error *err)
{
	wait_ns(r, 0);
	if (r->gt.disconnected_at == 0)
		return rc;
	return lt_error_set(err, LT_E_CONNECT, "lost the connection to %s; "
	    "not reconnected within %.1fs", r->lost,
	    (double)(lt_now_ns() - r->gt.disconnected_at) / 1e9);
}

/* put + deploy m, wait for deployed/failed or --timeout, settle,
 * checkpoint. */
static int
deploy(struct replay *r, const char *name, const struct lt_manifest *m,
    const char *path, struct lt_error *err)
{
	struct lt_buf body = LT_BUF_INIT;
	char *text = cJSON_PrintUnformatted(m->doc);
	int64_t deadline = lt_mono_ns() + r->ctx->cfg->timeout_ns;
	char type[32] = "";
	cJSON *st = NULL;
	int rc;

	(void)path;
	phase(r, name);
	rc = wadm(r, LT_WADM_PUT, NULL, text, strlen(text), NULL, err);
	cJSON_free(text);
	if (m->version)
		lt_buf_addf(&body, "{\"version\":\"%s\"}", m->version);
	if (rc == 0)
		rc = wadm(r, LT_WADM_DEPLOY, m->name, body.buf ? body.buf : "{}",
		    body.len ? body.len : 2, NULL, err);
	lt_buf_release(&body);
	/* let wadm start acting before the first status read */
	while (rc == 0 && lt_mono_ns() < deadline) {
		uint64_t gaps = r->gt.gaps;

		wait_ns(r, 500000000LL);
		cJSON_Delete(st);
		st = NULL;
		rc = wadm(r, LT_WADM_STATUS, m->name, "", 0, &st, err);
		wait_ns(r, 0);
		if (rc < 0 && (r->gt.gaps != gaps || r->gt.disconnected_at)) {
			rc = 0;	/* lost with the connection: ask again */
			continue;
		}
		if (rc < 0)
			break;
		snprintf(type, sizeof(type), "%s", lt_wadm_status_type(st) ?
		    lt_wadm_status_type(st) : "unknown");
		if (!strcmp(type, "deployed") || !strcmp(type, "failed"))
			break;
	}
	cJSON_Delete(st);
	if (check_conn(r, rc, err) < 0)
		return lt_error_prefix(err, "during %s", name);
	if (strcmp(type, "deployed") && strcmp(type, "failed"))
		fprintf(stderr, "latticectl: replay: %s: still %s after "
		    "--timeout\n", m->name, type);
	wait_ns(r, r->settle_ns);
	checkpoint(r, m);
	if (check_conn(r, 0, err) < 0)
		return lt_error_prefix(err, "during %s checkpoint", name);
	return 0;
}

/* The records from the last phase on, with the probe before it. */
static cJSON *
last_phase(struct replay *r)
{
	cJSON *out = cJSON_CreateArray(), *rec, *start = NULL, *probe = NULL;

	cJSON_ArrayForEach(rec, r->recs)
		if (!strcmp(lt_json_str(rec, "kind"), "phase"))
			start = rec;
	for (rec = r->recs->child; rec && rec != start; rec = rec->next)
		if (!strcmp(lt_json_str(rec, "kind"), "probe"))
			probe = rec;
	if (probe)
		cJSON_AddItemToArray(out, cJSON_Duplicate(probe, 1));
	for (rec = start; rec; rec = rec->next)
		cJSON_AddItemToArray(out, cJSON_Duplicate(rec, 1));
	return out;
}

static void
print_timeline(struct replay *r)
{
	const struct lt_colors *col = lt_output_colors(r->ctx->color_out);
	struct lt_buf line = LT_BUF_INIT;
	const cJSON *rec;

	cJSON_ArrayForEach(rec, r->recs) {
		lt_buf_reset(&line);
		lt_timeline_line(rec, col, &line);
		fprintf(r->ctx->out, "%s\n", line.buf);
	}
	lt_buf_release(&line);
}

static int
evaluate(struct replay *r)
{
	cJSON *window, *list, *fi;
	int nerr = 0;

	lt_feed_lock(r->feed);
	window = last_phase(r);
	lt_feed_unlock(r->feed);
	list = lt_findings_eval(r->new, window, &nerr);
	cJSON_Delete(window);
	cJSON_ArrayForEach(fi, list)
		note(r, "finding", cJSON_Duplicate(fi, 1));
	cJSON_Delete(list);
	return nerr;
}

static int
load(struct replay *r, char **argv, struct lt_error *err)
{
	if (lt_manifest_read(argv[0], &r->old, err) < 0 ||
	    lt_manifest_read(argv[1], &r->new, err) < 0)
		return -1;
	if (strcmp(r->old->name, r->new->name))
		return lt_error_set(err, LT_E_USAGE, "OLD is application '%s' "
		    "but NEW is '%s': replay upgrades one application",
		    r->old->name, r->new->name);
	return lt_args_duration(r->ctx->args, "settle", &r->settle_ns, err);
}

static void
plan(struct replay *r, FILE *fp)
{
	fprintf(fp, "replay plan on lattice %s (nothing sent with --dry-run):\n"
	    "  1. record events, ctl, wadm, CONFIGDATA_%s; baseline checkpoint\n"
	    "  2. model.put %s %s; model.deploy; wait deployed/failed; settle; "
	    "checkpoint\n"
	    "  3. model.put %s %s; model.deploy; wait; settle; checkpoint\n"
	    "  4. findings against %s %s\n", r->lattice, r->lattice,
	    r->old->name, r->old->version ? r->old->version : "",
	    r->new->name, r->new->version ? r->new->version : "",
	    r->new->name, r->new->version ? r->new->version : "");
}

/* A deploy needs --yes, or a yes on a terminal (STYLE.md 2, 7): without
 * a terminal to ask on, nothing is sent and the user is told to pass
 * --yes (exit 2). */
static int
confirm(struct replay *r, struct lt_error *err)
{
	char answer[16] = "";

	if (lt_args_has(r->ctx->args, "yes"))
		return 0;
	if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
		return lt_error_set(err, LT_E_USAGE, "replay deploys to lattice "
		    "'%s' and there is no terminal to confirm on; pass --yes "
		    "(or --dry-run)", r->lattice);
	plan(r, stderr);
	fprintf(stderr, "deploy to lattice %s? [y/N] ", r->lattice);
	if (fgets(answer, sizeof(answer), stdin) && (answer[0] == 'y' ||
	    answer[0] == 'Y'))
		return 0;
	return lt_error_set(err, LT_E_USAGE, "not confirmed; nothing sent");
}

/* JetStream answers for this account: hosts keep configs and links in
 * it, wadm its state. Asked of the account, not read from the server's
 * INFO: a cluster node without JetStream still reaches the others'. */
static int
preflight_jetstream(struct replay *r, struct lt_error *err)
{
	struct lt_stream_info si;
	char *stream = lt_xasprintf("KV_CONFIGDATA_%s", r->lattice);
	int rc = lt_stream_info(r->ctx->conn, stream, &si, err);

	free(stream);
	if (rc >= 0)
		return 0;
	if (err->code == LT_E_RUNTIME)
		return lt_error_set(err, LT_E_RUNTIME, "JetStream is not enabled "
		    "on this server or account: wasmCloud hosts and wadm need "
		    "it (start nats-server with -js)");
	return lt_error_prefix(err, "JetStream check");
}

/* JetStream is on, hosts answer ping, wadm answers its API. */
static int
preflight(struct replay *r, struct lt_error *err)
{
	struct lt_ctl_hosts hosts;
	cJSON *reply = NULL;
	struct lt_error e = LT_ERROR_INIT;
	size_t n;

	if (preflight_jetstream(r, err) < 0 ||
	    lt_ctl_ping(&r->ctl, &hosts, err) < 0)
		return -1;
	n = hosts.n;
	lt_ctl_hosts_release(&hosts);
	if (n == 0)
		return lt_error_set(err, LT_E_TIMEOUT, "no host answers ping on "
		    "lattice %s", r->lattice);
	if (lt_wadm_call(r->ctx->conn, r->lattice, LT_WADM_STATUS,
	    r->new->name, "", 0, 0, &reply, &e) < 0 && e.code == LT_E_TIMEOUT)
		return lt_error_set(err, LT_E_TIMEOUT, "wadm is not running on "
		    "lattice %s", r->lattice);
	cJSON_Delete(reply);
	return 0;
}

static int
open_record(struct replay *r, struct lt_error *err)
{
	const char *path = lt_args_get(r->ctx->args, "record");
	char *def = NULL, ts[40];
	int rc;

	if (!path) {
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
		path = def = lt_xasprintf("replay-%s-%s.ltrec", r->new->name, ts);
	}
	rc = lt_rec_open(&r->rec, path, err);
	if (rc == 0 && !r->ctx->cfg->quiet)
		fprintf(stderr, "latticectl: replay: recording to %s\n", path);
	r->path = lt_xstrdup(path);
	free(def);
	if (rc == 0)
		lt_rec_set_redaction(r->rec, r->redact);
	if (rc == 0 && lt_rec_write_meta(r->rec, r->ctx->orig_argc,
	    r->ctx->orig_argv, r->ctx->conn, r->lattice, NULL, err) == 0)
		rc = -1;
	return rc;
}

/* A replay that failed after the recording began: say why in it (a gap
 * for an outage not over, a phase "aborted" record, no end record) and
 * where it is. */
static void
aborted(struct replay *r, const struct lt_error *err)
{
	cJSON *f = cJSON_CreateObject();
	struct lt_gap g = { "disconnected", 0, 0, 0, "" };

	if (r->gt.disconnected_at) {
		g.t_ns = lt_now_ns();
		g.duration_ns = g.t_ns - r->gt.disconnected_at;
		snprintf(g.detail, sizeof(g.detail), "%.140s; not reconnected",
		    r->lost);
		record_gap(r, &g);
	}

	cJSON_AddStringToObject(f, "phase", "aborted");
	cJSON_AddStringToObject(f, "error", err->msg);
	note(r, "phase", f);
	fprintf(stderr, "latticectl: replay: the recording up to the failure "
	    "is %s (no end record)\n", r->path);
}

static int
run_replay(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct replay r;
	int rc, nerr = 0, i;

	(void)argc;
	memset(&r, 0, sizeof(r));
	r.ctx = ctx;
	r.settle_ns = 3000000000LL;
	r.lattice = lt_config_get(ctx->cfg, LT_S_LATTICE);
	snprintf(r.inbox, sizeof(r.inbox), "%s.>", lt_config_get(ctx->cfg,
	    LT_S_INBOX_PREFIX));
	r.recs = cJSON_CreateArray();
	r.redact = lt_args_has(ctx->args, "show-secrets") ? LT_REDACT_NONE :
	    LT_REDACT_SECRETS;
	rc = load(&r, argv, err);
	if (rc == 0 && lt_args_has(ctx->args, "dry-run"))
		plan(&r, ctx->out);
	else if (rc == 0 && (rc = confirm(&r, err)) == 0) {
		fprintf(stderr, "latticectl: replay: note: while latticectl "
		    "observes request subjects, a request nobody serves times "
		    "out instead of failing fast with 'no responders'\n");
		rc = lt_ctx_connect(ctx, err);
		if (rc == 0) {
			lt_ctl_init(&r.ctl, ctx->conn, lt_config_get(ctx->cfg,
			    LT_S_CTL_PREFIX), r.lattice);
			r.ctl.gather_ns = 1000000000LL;	/* ping window */
			r.t0 = lt_mono_ns();
			rc = preflight(&r, err);
		}
		if (rc == 0)
			rc = open_record(&r, err);
		if (rc == 0) {
			r.feed = lt_feed_create(4096);
			lt_feed_set_handler(r.feed, on_item, &r);
			lt_conn_set_feed(ctx->conn, r.feed);
			rc = subscribe(&r, err);
		}
		if (rc == 0) {
			phase(&r, "baseline");
			checkpoint(&r, r.new);
			rc = deploy(&r, "deploy-old", r.old, argv[0], err);
		}
		if (rc == 0)
			rc = deploy(&r, "deploy-new", r.new, argv[1], err);
		if (rc == 0)
			nerr = evaluate(&r);
		else if (r.rec && r.feed)
			aborted(&r, err);
		for (i = 0; i < r.nsubs; i++)
			lt_sub_close(r.subs[i]);
		if (r.feed) {
			wait_ns(&r, 0);
			lt_conn_set_feed(ctx->conn, NULL);
			lt_feed_close(r.feed);
		}
		if (r.rec)
			print_timeline(&r);
		if (r.rec && rc == 0)
			lt_rec_close(r.rec, NULL, NULL);
		else
			lt_rec_abandon(r.rec);
		lt_feed_destroy(r.feed);
		lt_kv_close(r.kv);
	}
	cJSON_Delete(r.recs);
	free(r.path);
	lt_manifest_destroy(r.old);
	lt_manifest_destroy(r.new);
	if (rc < 0)
		return err->code;
	return nerr ? LT_E_DIFF : 0;
}

const struct lt_cmd cmd_replay_entry = {
	.name = "replay",
	.summary = "replay a manifest upgrade through wadm, recording it, "
	    "and report findings",
	.usage = "OLD.yaml NEW.yaml [options]",
	.description = "Deploys OLD then NEW through wadm while recording "
	    "events, control-interface requests and replies, wadm commands "
	    "and status and CONFIGDATA changes; checkpoints inventories, "
	    "configs and --probe after each phase; prints the timeline and "
	    "the findings. Exit 1 when a finding is an error. Changes the "
	    "lattice (asks first on a tty).",
	.flags = LT_CMD_WRITES,
	.formats = LT_FORMAT(LT_FMT_TEXT),	/* the timeline; --record for more */
	.opts = replay_opts,
	.min_args = 2,
	.max_args = 2,
	.run = run_replay,
};
