/* diagnose.c: 'latticectl diagnose': a read-only diagnosis of a deploy
 * someone else ran (latticectl-diagnose(1)). The lattice's events, wadm's
 * events, status and commands, CONFIGDATA and wadm_state changes (and,
 * with --observe-requests, the control traffic) arrive through one
 * session as one ordered stream; each becomes a record (observe), goes to
 * the recording and through the findings engine, and each finding is
 * printed when it fires. Offline, the records come from a recording. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "latticectl/ctl.h"
#include "latticectl/findings.h"
#include "latticectl/json.h"
#include "latticectl/kv.h"
#include "latticectl/observe.h"
#include "latticectl/rec.h"
#include "latticectl/redact.h"
#include "latticectl/session.h"
#include "latticectl/snapshot.h"
#include "latticectl/sub.h"
#include "latticectl/text.h"
#include "latticectl/timeline.h"
#include "latticectl/util.h"
#include "latticectl/wadm.h"
#include "banned.h"

/* Source tags: what each subscription carries (observe.h), history
 * streams apart from their live subjects. */
enum {
	TAG_EVT, TAG_WADM_EVT, TAG_STATUS, TAG_CMD, TAG_CONFIGDATA,
	TAG_WADM_STATE, TAG_CTL, TAG_WADM_API, TAG_INBOX, NTAGS
};

/* The streams --since reads history from, and the tag of each. */
static const struct {
	const char *stream;
	int tag;
} history[] = {
	{ "wasmbus_events", TAG_EVT },
	{ "wadm_events", TAG_WADM_EVT },
	{ "wadm_status", TAG_STATUS },
};
#define NHISTORY LT_ARRAY_SIZE(history)

/* Evidence lines kept for printing under a finding when no recording
 * names them (a ring of the latest records). */
#define EVIDENCE_RING 4096
#define EVIDENCE_SHOWN 6

static const char *const until_choices[] = { "settled", NULL };

/* The options, parsed once before check (lt_opts_bind); check fills the
 * members below the line. */
struct diagnose_opts {
	const char *since;
	int until;			/* -1, or 0: settled */
	struct lt_findings_opts eo;	/* --settle, --stuck-after,
					 * --silent-after */
	uint64_t count;
	bool observe_requests, timeline, show_secrets, redact_all;
	const char *record;
	/* derived in check */
	int64_t since_ns;		/* --since as a wall time, 0: none */
	enum lt_redact_mode redact;
};

static const struct diagnose_opts diagnose_defaults = {
	.until = -1,
	.eo = { .settle_ns = LT_FINDINGS_SETTLE_NS },
};

#define DO struct diagnose_opts
static const struct lt_opt diagnose_opts[] = {
	{ "since", 0, LT_OPT_ARG, "DUR|TIME",
	    "read history first (wasmbus_events, wadm_events, wadm_status)",
	    NULL, LT_TO_STR(DO, since) },
	{ "until", 0, LT_OPT_ARG, "settled",
	    "exit once every app is deployed or failed and quiet",
	    until_choices, LT_TO_ENUM(DO, until) },
	{ "settle", 0, LT_OPT_ARG, "DUR",
	    "quiet time that counts as settled (10s)", NULL,
	    LT_TO_DURATION(DO, eo.settle_ns) },
	{ "stuck-after", 0, LT_OPT_ARG, "DUR",
	    "reconciling this long is status-stuck (5m)", NULL,
	    LT_TO_DURATION(DO, eo.stuck_after_ns) },
	{ "silent-after", 0, LT_OPT_ARG, "DUR",
	    "no wadm command or status this long after a deploy is wadm-silent "
	    "(30s)", NULL, LT_TO_DURATION(DO, eo.wadm_silent_ns) },
	{ "count", 'n', LT_OPT_ARG, "N", "exit after N findings", NULL,
	    LT_TO_UINT(DO, count, UINT64_MAX) },
	{ "observe-requests", 0, 0, NULL,
	    "also observe control requests and their replies (plain "
	    "subscriptions)", NULL, LT_TO_FLAG(DO, observe_requests) },
	{ "record", 0, LT_OPT_ARG, "FILE", "write a recording while diagnosing",
	    NULL, LT_TO_STR(DO, record) },
	{ "timeline", 0, 0, NULL, "print every record, not only findings and "
	    "status changes", NULL, LT_TO_FLAG(DO, timeline) },
	LT_REDACT_OPTS_TO(struct diagnose_opts),
	LT_OPT_END
};
#undef DO

struct evidence {
	uint64_t seq;
	char *line;
};

/* A record waiting for history to catch up: kind (a static string), its
 * time, the order it came in (ties keep it) and its members. */
struct held {
	const char *kind;
	int64_t t;
	size_t n;
	cJSON *fields;
};

struct diag {
	struct lt_ctx *ctx;
	const char *lattice;
	struct lt_session *s;		/* live; NULL offline */
	struct lt_observe *obs;
	struct lt_findings *eng;
	char **apps;			/* APP... (none: every app) */
	int napps;
	const struct lt_colors *col;
	struct lt_lines lines;
	const char *path;		/* the recording evidence points into,
					 * or NULL */
	const struct diagnose_opts *o;
	bool ndjson, until_settled;
	uint64_t shown, records;
	int64_t deadline_ns;		/* lt_mono_ns, 0: none */
	int64_t t_first, t_last;
	int64_t last_mono;		/* lt_mono_ns of the last record */
	/* --since: records held until every history stream caught up,
	 * then written in time order (holding: the array exists) */
	struct held *held;
	size_t nheld, aheld;
	uint64_t history_last[NHISTORY];
	bool history_caught[NHISTORY];
	struct evidence ring[EVIDENCE_RING];
	struct lt_buf line, fields;
};

static bool
app_wanted(const struct diag *d, const char *app)
{
	int i;

	if (d->napps == 0 || app == NULL || *app == '\0')
		return true;
	for (i = 0; i < d->napps; i++)
		if (!strcmp(d->apps[i], app))
			return true;
	return false;
}

/* ---- findings ---- */

static void
keep_evidence(struct diag *d, const cJSON *rec, uint64_t seq)
{
	struct evidence *e = &d->ring[seq % EVIDENCE_RING];

	free(e->line);
	lt_buf_reset(&d->line);
	lt_timeline_line(rec, d->col, &d->line);
	e->seq = seq;
	e->line = lt_xstrdup(d->line.buf ? d->line.buf : "");
}

/* Under a finding without a recording to point into: the evidence
 * records themselves (the latest EVIDENCE_SHOWN still kept). */
static void
print_evidence(struct diag *d, const cJSON *finding)
{
	const cJSON *n, *ev = cJSON_GetObjectItemCaseSensitive(finding,
	    "evidence");
	int total = cJSON_GetArraySize(ev), i = 0;
	struct evidence *e;

	cJSON_ArrayForEach(n, ev) {
		if (i++ < total - EVIDENCE_SHOWN || !cJSON_IsNumber(n) ||
		    n->valuedouble < 1)
			continue;
		e = &d->ring[(uint64_t)n->valuedouble % EVIDENCE_RING];
		if (e->line && e->seq == (uint64_t)n->valuedouble) {
			lt_buf_reset(&d->line);
			lt_buf_addf(&d->line, "    %s", e->line);
			lt_lines_put(&d->lines, 0, &d->line);
		}
	}
}

static void
show_finding(struct diag *d, const cJSON *f)
{
	struct lt_buf b = LT_BUF_INIT;

	if (d->ndjson || d->ctx->cfg->quiet)
		return;
	lt_timeline_finding(f, d->path, d->col, d->ctx->width ?
	    d->ctx->width : 80, &b);
	if (b.buf)
		lt_output_write(d->ctx->out, b.buf, b.len);
	lt_buf_release(&b);
	if (d->path == NULL)
		print_evidence(d, f);
}

static void write_record(struct diag *d, const char *kind, int64_t t,
    cJSON *fields);

/* The findings a record or a tick decided: recorded, shown, counted. */
static void
on_findings(struct diag *d, cJSON *out)
{
	cJSON *f;

	cJSON_ArrayForEach(f, out) {
		if (!app_wanted(d, lt_json_str(f, "app")))
			continue;
		write_record(d, "finding", 0, cJSON_Duplicate(f, true));
		show_finding(d, f);
		if (d->o->count && ++d->shown >= d->o->count && d->s)
			lt_session_stop(d->s);
	}
	cJSON_Delete(out);
}

/* ---- records ---- */

static bool
shown_by_default(const char *kind, const cJSON *rec)
{
	const char *subject = lt_json_str(rec, "subject");

	return !strcmp(kind, "wadm.status") || (subject &&
	    lt_str_has_suffix(subject, ".manifest_published"));
}

/* --timeline: every record as show prints it; else wadm's status as watch --wadm
 * shows it, and manifest_published events. */
static void
show_record(struct diag *d, const cJSON *rec, const char *kind, int64_t t)
{
	size_t len;
	char *data;

	lt_buf_reset(&d->line);
	if (d->o->timeline || strcmp(kind, "wadm.status")) {
		lt_timeline_line(rec, d->col, &d->line);
	} else {
		data = lt_timeline_payload(rec, "payload", &len);
		lt_wadm_status_format_text(lt_json_str(rec, "subject"), data ?
		    data : "", data ? len : 0, t, d->col, &d->line);
		free(data);
	}
	lt_lines_put(&d->lines, t, &d->line);
}

/* A record with its number: through the engine, shown as --timeline or the
 * default asks, kept for the evidence lines. */
static void
examine(struct diag *d, cJSON *rec, uint64_t seq, const char *kind)
{
	int64_t t = lt_timeline_time(rec);

	d->records++;
	d->last_mono = lt_mono_ns();
	if (d->t_first == 0)
		d->t_first = t;
	d->t_last = t > d->t_last ? t : d->t_last;
	if (!d->ndjson && !d->ctx->cfg->quiet && (d->o->timeline ||
	    shown_by_default(kind, rec)))
		show_record(d, rec, kind, t);
	if (d->path == NULL && !d->ndjson && !d->ctx->cfg->quiet)
		keep_evidence(d, rec, seq);	/* for show_finding only */
	if (strcmp(kind, "finding")) {
		cJSON *out = cJSON_CreateArray();

		lt_findings_feed(d->eng, rec, out);
		on_findings(d, out);
	}
}

/* Write a record (fields: its members, redacted as they were added;
 * taken) and examine it. */
static void
write_record(struct diag *d, const char *kind, int64_t t, cJSON *fields)
{
	char ts[48];
	uint64_t seq;

	if (t == 0)
		t = lt_now_ns();
	lt_buf_reset(&d->fields);
	lt_rec_add_members(&d->fields, fields);
	seq = d->s ? lt_session_write(d->s, kind, t, &d->fields) : 0;
	if (!strcmp(kind, "finding")) {
		cJSON_Delete(fields);
		return;
	}
	cJSON_AddNumberToObject(fields, "seq", (double)seq);
	lt_time_format(t, ts, sizeof(ts));
	cJSON_AddStringToObject(fields, "t", ts);
	cJSON_AddStringToObject(fields, "kind", kind);
	examine(d, fields, seq, kind);
	cJSON_Delete(fields);
}

/* A record made before history caught up waits, with its time, to be
 * written in time order (flush_held). */
static void
hold(struct diag *d, const char *kind, int64_t t, cJSON *fields)
{
	if (d->nheld == d->aheld) {
		d->aheld = d->aheld ? 2 * d->aheld : 256;
		d->held = lt_xrealloc(d->held, d->aheld * sizeof(*d->held));
	}
	d->held[d->nheld] = (struct held){ kind, t, d->nheld, fields };
	d->nheld++;
}

static int
by_time(const void *a, const void *b)
{
	const struct held *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->n < y->n ? -1 : x->n > y->n;	/* as they came */
}

static void
flush_held(struct diag *d)
{
	struct held *v = d->held;
	size_t i, n = d->nheld;

	d->held = NULL;		/* from now on records are written at once */
	d->nheld = d->aheld = 0;
	qsort(v, n, sizeof(*v), by_time);
	for (i = 0; i < n; i++)
		write_record(d, v[i].kind, v[i].t, v[i].fields);
	free(v);
}

static void
emit(struct diag *d, const char *kind, int64_t t, cJSON *fields)
{
	if (d->held)
		hold(d, kind, t, fields);
	else
		write_record(d, kind, t, fields);
}

/* ---- live: what the session delivers ---- */

static enum lt_observe_src
source_of(int tag)
{
	switch (tag) {
	case TAG_EVT:
	case TAG_WADM_EVT:
		return LT_OBSERVE_EVENT;
	case TAG_STATUS:
		return LT_OBSERVE_STATUS;
	case TAG_CMD:
		return LT_OBSERVE_CMD;
	case TAG_CONFIGDATA:
	case TAG_WADM_STATE:
		return LT_OBSERVE_KV;
	case TAG_CTL:
		return LT_OBSERVE_CTL;
	case TAG_WADM_API:
		return LT_OBSERVE_WADM_API;
	default:
		return LT_OBSERVE_INBOX;
	}
}

/* Has history caught up with where each stream stood at start? A stream
 * message past that point, or with nothing pending, is live. Once every
 * stream has, the held records are written. */
static void
track_history(struct diag *d, const struct lt_msg *m)
{
	size_t i;
	bool all = true;

	for (i = 0; i < NHISTORY; i++) {
		if (m && m->source == LT_MSG_STREAM &&
		    m->sub_id == history[i].tag &&
		    (m->stream_seq >= d->history_last[i] || m->pending == 0))
			d->history_caught[i] = true;
		all = all && d->history_caught[i];
	}
	if (all)
		flush_held(d);
}

/* The time a record says it happened: a history message's is when the
 * stream stored it, a live one's when it arrived. */
static int64_t
happened(const struct diag *d, const struct lt_msg *m)
{
	if (m->source == LT_MSG_STREAM && m->stream_ns && d->held)
		return m->stream_ns;
	return m->recv_ns;
}

/* $KV.wadm_state.{kind}_{lattice}: a key of this lattice? */
static bool
this_lattice(const struct diag *d, const char *subject)
{
	const char *us = strrchr(subject, '_');

	return us && !strcmp(us + 1, d->lattice);
}

static const char *
request_subject(void *ud, const struct lt_msg *m)
{
	(void)ud;
	return m->sub_id == TAG_INBOX ? LT_SESSION_REDACT_LATER : NULL;
}

static bool
on_msg(void *ud, struct lt_session *s, struct lt_msg *m)
{
	struct diag *d = ud;
	const char *kind;
	int64_t t = happened(d, m);
	cJSON *f;

	(void)s;
	if (m->sub_id == TAG_WADM_STATE && !this_lattice(d, m->subject))
		f = NULL;	/* wadm_state holds every lattice's keys */
	else
		f = lt_observe_msg(d->obs, source_of(m->sub_id), m, false,
		    &kind);
	if (f)
		emit(d, kind, t, f);
	if (d->held)
		track_history(d, m);
	return false;
}

/* A gap the session recorded: the engine learns that something was not
 * seen (its time rules do not fire on it). */
static void
on_gap(void *ud, struct lt_session *s, const struct lt_gap *g)
{
	struct diag *d = ud;
	cJSON *rec = cJSON_CreateObject();
	char ts[48];

	lt_time_format(g->t_ns, ts, sizeof(ts));
	cJSON_AddNumberToObject(rec, "seq", (double)lt_session_seq(s));
	cJSON_AddStringToObject(rec, "t", ts);
	cJSON_AddStringToObject(rec, "kind", "gap");
	examine(d, rec, lt_session_seq(s), "gap");
	cJSON_Delete(rec);
}

/* ---- settling ---- */

/* --until settled: stop once the engine settled (every app it knows
 * deployed or failed, and quiet for --settle; it then evaluated the
 * settle rules itself). */
static void
check_settled(struct diag *d)
{
	if (d->until_settled && d->s && lt_findings_settled(d->eng))
		lt_session_stop(d->s);
}

static int64_t
on_tick(void *ud, struct lt_session *s, bool last)
{
	struct diag *d = ud;
	cJSON *out = cJSON_CreateArray();

	(void)s;
	if (last || d->held) {
		cJSON_Delete(out);
		return 0;
	}
	/* Records move the engine's clock while they come; the wall clock
	 * only after a second without one (then nothing is queued behind:
	 * a backlog must not make hosts and wadm look late). */
	if (lt_mono_ns() - d->last_mono >= 1000000000LL)
		lt_findings_tick(d->eng, lt_now_ns(), out);
	on_findings(d, out);
	check_settled(d);
	return lt_mono_ns() + 1000000000LL;
}

/* ---- what wadm holds at start (read-only queries) ---- */

/* wadm's reply to a read-only query, as a wadm.reply record (the engine
 * learns an app's target and status from model.get and model.status). */
static void
record_reply(struct diag *d, const char *subject, const cJSON *reply)
{
	cJSON *f = cJSON_CreateObject();

	cJSON_AddStringToObject(f, "subject", subject);
	cJSON_AddItemToObject(f, "payload", cJSON_Duplicate(reply, true));
	cJSON_AddStringToObject(f, "from", "latticectl");
	lt_rec_redact(f, "wadm.reply", d->o->redact);
	emit(d, "wadm.reply", 0, f);
}

/* wadm's answer to a read-only query about app, recorded: the deployed
 * manifest (model.get of version) or, version NULL, its status. */
static int
ask(struct diag *d, const char *app, const char *version,
    struct lt_error *err)
{
	enum lt_wadm_op op = version ? LT_WADM_GET : LT_WADM_STATUS;
	char *subject = lt_wadm_subject(d->lattice, op, app);
	cJSON *reply = NULL;
	int rc = version ? lt_wadm_get_version(d->ctx->conn, d->lattice, app,
	    version, &reply, err) : lt_wadm_call(d->ctx->conn, d->lattice, op,
	    app, NULL, 0, 0, &reply, err);

	if (rc == 0)
		record_reply(d, subject, reply);
	cJSON_Delete(reply);
	free(subject);
	return rc;
}

/* The deployed manifest and the status of app. */
static void
learn_app(struct diag *d, const char *app)
{
	struct lt_error e = LT_ERROR_INIT;
	char *dep = NULL, *last = NULL, *msg;
	int rc = lt_wadm_versions(d->ctx->conn, d->lattice, app, &dep, &last,
	    &e);

	if (rc == 0 && dep)
		rc = ask(d, app, dep, &e);
	if (rc == 0)
		rc = ask(d, app, NULL, &e);
	if (rc < 0) {
		msg = lt_xasprintf("%s: %s; what it should run is known once wadm "
		    "publishes a manifest for it", app, e.msg);
		lt_cmd_warn(d->ctx, msg);
		free(msg);
	}
	free(dep);
	free(last);
}

/* Every app wadm knows (or those named), as wadm holds them now. */
static void
learn_apps(struct diag *d)
{
	struct lt_error e = LT_ERROR_INIT;
	const cJSON *it;
	cJSON *list = NULL;
	int i;

	if (d->napps) {
		for (i = 0; i < d->napps; i++)
			learn_app(d, d->apps[i]);
		return;
	}
	if (lt_wadm_call(d->ctx->conn, d->lattice, LT_WADM_GET, NULL, NULL, 0,
	    0, &list, &e) < 0) {
		lt_cmd_warn(d->ctx, e.msg);
		return;
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(list,
	    "models"))
		if (lt_json_str(it, "name") &&	/* a name a subject can hold */
		    lt_is_subject_token(lt_json_str(it, "name")) &&
		    !strpbrk(lt_json_str(it, "name"), "*>"))
			learn_app(d, lt_json_str(it, "name"));
	cJSON_Delete(list);
}

/* One put of a bucket read: {revision, value[, encoding]}, the value as
 * a snapshot file holds it (redacted in the reader's mode). */
static cJSON *
entry(const struct lt_snapshot_entry *v, struct lt_buf *b)
{
	cJSON *one = cJSON_CreateObject(), *line, *it;

	lt_buf_reset(b);
	lt_buf_addch(b, '{');
	lt_snapshot_entry_json(v, b);
	lt_buf_addch(b, '}');
	line = lt_json_parse(b->buf, b->len);
	cJSON_AddNumberToObject(one, "revision", (double)v->revision);
	if ((it = cJSON_DetachItemFromObjectCaseSensitive(line, "value")))
		cJSON_AddItemToObject(one, "value", it);
	if ((it = cJSON_DetachItemFromObjectCaseSensitive(line, "encoding")))
		cJSON_AddItemToObject(one, "encoding", it);
	cJSON_Delete(line);
	return one;
}

/* CONFIGDATA as it stands at start, as a snapshot record whose entries
 * are every key a put holds (read as 'kv snapshot' reads it: one ordered,
 * ephemeral consumer): config-missing and config-drift compare the
 * targets with it and the changes after it. A bucket not there yet
 * holds nothing. */
static void
snapshot_configs(struct diag *d)
{
	struct lt_kv_walk walk = { 0, 0, false, NULL, NULL };
	struct lt_snapshot s = LT_SNAPSHOT_INIT;
	struct lt_error e = LT_ERROR_INIT;
	char *bucket = lt_xasprintf("CONFIGDATA_%s", d->lattice);
	cJSON *f = cJSON_CreateObject(), *entries;
	struct lt_buf b = LT_BUF_INIT;
	struct lt_kv *kv = NULL;
	size_t i;

	cJSON_AddStringToObject(f, "bucket", bucket);
	entries = cJSON_AddObjectToObject(f, "entries");
	s.redaction = d->o->redact;
	if (lt_kv_open(&kv, d->ctx->conn, bucket, NULL, &e) == 0 &&
	    lt_kv_snapshot(kv, &walk, &s, &e) == 0) {
		for (i = 0; i < s.n; i++)
			if (s.v[i].op == LT_KV_PUT)
				cJSON_AddItemToObject(entries, s.v[i].key,
				    entry(&s.v[i], &b));
	} else if (kv) {
		cJSON_AddStringToObject(f, "error", e.msg);
	}
	lt_kv_close(kv);
	lt_snapshot_release(&s);
	lt_buf_release(&b);
	free(bucket);
	emit(d, "snapshot", 0, f);
}

/* ---- sources ---- */

static int
add(struct diag *d, enum lt_source_kind kind, int tag, const char *subject,
    const char *stream, struct lt_error *err)
{
	struct lt_session_source src = { kind, tag, subject, stream, 0, 0 };

	if (kind != LT_SOURCE_CORE && d->o->since_ns)
		src.start_ns = d->o->since_ns;
	return lt_session_add(d->s, &src, err);
}

/* A bucket through its stream (each change with its revision), or, when
 * it does not exist yet (hosts create CONFIGDATA), its subjects. */
static int
add_bucket(struct diag *d, const char *bucket, int tag,
    struct lt_error *err)
{
	struct lt_session_source src = { LT_SOURCE_KV, tag, NULL, bucket,
	    d->o->since_ns, 0, true };

	return lt_session_add(d->s, &src, err);
}

/* --since: each history stream, and what its retention could not
 * cover, said plainly. */
static int
add_history(struct diag *d, size_t i, const char *live_subject,
    struct lt_error *err)
{
	struct lt_stream_info si;
	char when[48], keeps[48];
	int rc = lt_stream_info(d->ctx->conn, history[i].stream, &si, err);

	if (rc < 0)
		return -1;
	if (rc == 0 || si.msgs == 0) {
		if (rc == 0 && !d->ctx->cfg->quiet)
			fprintf(stderr, "latticectl: diagnose: no '%s' stream: "
			    "no history of it (live only)\n", history[i].stream);
		d->history_caught[i] = true;
		return rc == 0 ? add(d, LT_SOURCE_CORE, history[i].tag,
		    live_subject, NULL, err) : add(d, LT_SOURCE_STREAM,
		    history[i].tag, live_subject, history[i].stream, err);
	}
	/* what the stream's age limit may have dropped already */
	if (si.max_age_ns > 0 && lt_now_ns() - si.max_age_ns > d->o->since_ns &&
	    si.first_ns > d->o->since_ns && !d->ctx->cfg->quiet) {
		lt_time_format(si.first_ns, when, sizeof(when));
		lt_duration_format(si.max_age_ns, keeps, sizeof(keeps));
		fprintf(stderr, "latticectl: diagnose: '%s' keeps %s: history "
		    "starts at %s; what happened before is not covered\n",
		    history[i].stream, keeps, when);
	}
	d->history_last[i] = si.last_seq;
	return add(d, LT_SOURCE_STREAM, history[i].tag, live_subject,
	    history[i].stream, err);
}

static int
add_sources(struct diag *d, struct lt_error *err)
{
	const char *L = d->lattice;
	char *subj[] = {
		lt_xasprintf("wasmbus.evt.%s.>", L),
		lt_xasprintf("wadm.evt.%s.>", L),
		lt_xasprintf("wadm.status.%s.*", L),
		lt_xasprintf("wadm.cmd.%s", L),
		lt_xasprintf("CONFIGDATA_%s", L),
	};
	struct lt_ctl ctl;
	char *ctl_all = NULL, *api = NULL, *inbox = NULL;
	int rc = 0;
	size_t i;

	for (i = 0; rc == 0 && i < NHISTORY; i++)
		rc = d->o->since_ns ? add_history(d, i, subj[i], err) :
		    add(d, LT_SOURCE_CORE, history[i].tag, subj[i], NULL, err);
	if (rc == 0)
		rc = add(d, LT_SOURCE_CORE, TAG_CMD, subj[3], NULL, err);
	if (rc == 0)
		rc = add_bucket(d, subj[4], TAG_CONFIGDATA, err);
	if (rc == 0)
		rc = add_bucket(d, "wadm_state", TAG_WADM_STATE, err);
	if (rc == 0 && d->o->observe_requests) {
		lt_ctl_init(&ctl, d->ctx->conn, lt_config_get(d->ctx->cfg,
		    LT_S_CTL_PREFIX), L);
		ctl_all = lt_ctl_subject(&ctl, ">");
		api = lt_xasprintf("wadm.api.%s.>", L);
		inbox = lt_xasprintf("%s.>", lt_config_get(d->ctx->cfg,
		    LT_S_INBOX_PREFIX));
		rc = add(d, LT_SOURCE_CORE, TAG_CTL, ctl_all, NULL, err);
		if (rc == 0)
			rc = add(d, LT_SOURCE_CORE, TAG_WADM_API, api, NULL, err);
		if (rc == 0)
			rc = add(d, LT_SOURCE_CORE, TAG_INBOX, inbox, NULL, err);
	}
	for (i = 0; i < LT_ARRAY_SIZE(subj); i++)
		free(subj[i]);
	free(ctl_all);
	free(api);
	free(inbox);
	return rc;
}

/* ---- the end ---- */

/* The findings that hold, of the apps asked about: how many are errors
 * (the exit status and the end record's) and warnings (may be NULL). */
static int
tally(const struct diag *d, int *warnings)
{
	cJSON *list = lt_findings_list(d->eng), *f;
	int errors = 0, others = 0;

	cJSON_ArrayForEach(f, list) {
		const char *sev = lt_json_str(f, "severity");

		if (!app_wanted(d, lt_json_str(f, "app")))
			continue;
		if (sev && !strcmp(sev, "error"))
			errors++;
		else
			others++;
	}
	cJSON_Delete(list);
	if (warnings)
		*warnings = others;
	return errors;
}

static cJSON *
end_fields(void *ud, int rc, bool file)
{
	struct diag *d = ud;
	cJSON *f = cJSON_CreateObject();

	(void)rc;
	(void)file;
	cJSON_AddNumberToObject(f, "records", (double)d->records);
	cJSON_AddNumberToObject(f, "errors", tally(d, NULL));
	cJSON_AddBoolToObject(f, "settled", lt_findings_settled(d->eng));
	return f;
}

static void
summary(const struct diag *d, int errors, int warnings)
{
	char dur[32];

	if (d->ctx->cfg->quiet)
		return;
	lt_duration_format(d->t_last - d->t_first, dur, sizeof(dur));
	fprintf(stderr, "latticectl: diagnose: %llu record%s over %s; %s; %d "
	    "error%s, %d warning%s\n", (unsigned long long)d->records,
	    d->records == 1 ? "" : "s", dur, lt_findings_settled(d->eng) ?
	    "settled" :
	    "not settled (the rules decided at settle were not evaluated)",
	    errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
}

/* ---- offline: a recording ---- */

static int
diagnose_file(struct diag *d, const char *path, struct lt_error *err)
{
	struct lt_rec_reader *rd;
	cJSON *rec, *out;
	const char *kind;
	int rc;

	if (lt_rec_reader_open(&rd, path, err) < 0)
		return -1;
	lt_rec_reader_set_redaction(rd, d->o->redact);
	d->path = strcmp(path, "-") ? path : NULL;
	while ((rc = lt_rec_reader_next(rd, &rec, err)) == 1) {
		kind = lt_json_str(rec, "kind");
		/* the findings are re-derived; meta and end say nothing */
		if (kind && strcmp(kind, "finding") && strcmp(kind, "meta") &&
		    strcmp(kind, "end"))
			examine(d, rec, (uint64_t)lt_json_num(rec, "seq", 0),
			    kind);
		cJSON_Delete(rec);
	}
	if (rc == 0)
		rc = lt_rec_reader_check(rd, path, err);
	lt_rec_reader_close(rd);
	if (rc < 0)
		return -1;
	out = cJSON_CreateArray();	/* the input ended: settle */
	lt_findings_settle(d->eng, out);
	on_findings(d, out);
	return 0;
}

/* ---- live ---- */

static int
diagnose_live(struct diag *d, struct lt_error *err)
{
	struct lt_session_config sc = LT_SESSION_CONFIG_INIT;
	const char *rec_path = d->o->record;
	char *inbox;
	int rc;

	sc.name = "diagnose";
	sc.ud = d;
	sc.delivery = LT_DELIVER_QUEUE;
	sc.redact = d->o->redact;
	sc.request_subject = request_subject;
	sc.on_msg = on_msg;
	sc.on_tick = on_tick;
	sc.on_gap = on_gap;
	sc.deadline_ns = d->until_settled ? 0 : d->deadline_ns;
	sc.until_ns = d->until_settled ? d->deadline_ns : 0;
	sc.until_error = "the deploy did not settle within the timeout";
	sc.notices = d->ctx->cfg->quiet ? NULL : stderr;
	d->path = rec_path && strcmp(rec_path, "-") ? rec_path : NULL;
	if (d->ndjson)
		d->path = NULL;
	/* replies pair with requests only when requests are observed */
	inbox = d->o->observe_requests ? lt_xasprintf(
	    "%s.>", lt_config_get(d->ctx->cfg, LT_S_INBOX_PREFIX)) : NULL;
	d->obs = lt_observe_create(inbox, d->ctx->cfg->timeout_ns, d->o->redact);
	free(inbox);
	if (d->o->since_ns)	/* hold records until history caught up */
		d->held = lt_xcalloc(d->aheld = 256, sizeof(*d->held));
	rc = lt_session_create(&d->s, d->ctx->conn, &sc, err);
	if (rc == 0)
		rc = add_sources(d, err);
	if (rc == 0)
		rc = lt_session_open_outputs(d->s, d->ctx->out, d->ctx->format,
		    d->col, d->ctx->width, rec_path, d->ctx->orig_argc,
		    d->ctx->orig_argv, d->lattice, err);
	if (rc == 0)
		rc = lt_session_start(d->s, err);
	if (rc == 0 && d->ctx->cfg->verbose)
		fprintf(stderr, "latticectl: diagnose: subscribed (%d "
		    "subscriptions)\n", lt_session_nsources(d->s));
	if (rc == 0) {
		learn_apps(d);
		snapshot_configs(d);
		if (d->held)	/* streams that had no history */
			track_history(d, NULL);
		rc = lt_session_run(d->s, err);
	}
	if (d->held)
		flush_held(d);	/* a stop before history caught up */
	if (rc < 0) {	/* err says why already */
		lt_session_close(d->s, rc, end_fields, NULL);
		return -1;
	}
	return lt_session_close(d->s, rc, end_fields, err);
}

/* ---- options ---- */

/* An argument names a recording when it is "-", holds a '/' or a '.'
 * (application names hold neither), or names something that exists
 * (looked at, not opened: a FIFO would block). */
static bool
is_recording(const char *arg)
{
	struct stat st;

	return !strcmp(arg, "-") || strpbrk(arg, "/.") || stat(arg, &st) == 0;
}

/* What lt_opts_bind cannot check alone; since and the redaction mode
 * derived once. */
static int
check_diagnose(struct lt_ctx *ctx, int argc, char **argv,
    struct lt_error *err)
{
	struct diagnose_opts *o = ctx->opts;
	bool file = argc == 1 && is_recording(argv[0]);
	int i;

	if (lt_redact_mode_of(o->show_secrets, o->redact_all, &o->redact,
	    err) < 0 || (o->since && lt_parse_since(o->since, &o->since_ns,
	    err) < 0))
		return -1;
	for (i = 0; i < argc && argc > 1; i++)
		if (is_recording(argv[i]))
			return lt_error_set(err, LT_E_USAGE, "'%s' is a "
			    "recording: diagnose reads one recording, with no "
			    "app names", argv[i]);
	if (file && (o->since || o->until >= 0 || o->record ||
	    o->observe_requests))
		return lt_error_set(err, LT_E_USAGE, "--since, --until, --record "
		    "and --observe-requests watch a lattice: not with a "
		    "recording");
	return 0;
}

static void
release(struct diag *d)
{
	int i;

	for (i = 0; i < EVIDENCE_RING; i++)
		free(d->ring[i].line);
	lt_findings_free(d->eng);
	lt_observe_destroy(d->obs);
	lt_buf_release(&d->line);
	lt_buf_release(&d->fields);
}

static int
run_diagnose(struct lt_ctx *ctx, int argc, char **argv,
    struct lt_error *err)
{
	struct diag d;
	int rc, errors, warnings;

	memset(&d, 0, sizeof(d));
	d.ctx = ctx;
	d.lattice = lt_config_get(ctx->cfg, LT_S_LATTICE);
	d.o = ctx->opts;
	d.until_settled = d.o->until == 0;
	d.ndjson = ctx->format == LT_FMT_NDJSON;
	d.col = lt_output_colors(ctx->color_out && ctx->format <= LT_FMT_WIDE);
	lt_lines_init(&d.lines, ctx->out, ctx->width);
	d.eng = lt_findings_new(&d.o->eo);
	if (ctx->cfg->src[LT_S_TIMEOUT] != LT_SRC_DEFAULT)
		d.deadline_ns = lt_mono_ns() + ctx->cfg->timeout_ns;
	if (argc == 1 && is_recording(argv[0])) {
		rc = diagnose_file(&d, argv[0], err);
	} else {
		d.apps = argv;
		d.napps = argc;
		rc = lt_ctx_connect(ctx, err) < 0 ? -1 : diagnose_live(&d, err);
	}
	errors = tally(&d, &warnings);
	if (rc == 0 || err->code == LT_E_TIMEOUT)
		summary(&d, errors, warnings);
	release(&d);
	if (rc < 0)
		return err->code;
	return errors ? 1 : 0;
}

const struct lt_cmd cmd_diagnose_entry = {
	.name = "diagnose",
	.summary = "say what went wrong in a deploy someone else ran",
	.usage = "[APP...] [--since DUR] [--until settled] [--record FILE] | "
	    "FILE",
	.description = "Observes wasmbus.evt, wadm.evt, wadm.status and "
	    "wadm.cmd (plain subscriptions),\nCONFIGDATA and wadm_state "
	    "(ordered consumers) and prints each finding as it\nfires. "
	    "Read-only: its only requests are wadm's model.get, "
	    "model.versions and\nmodel.status. With FILE, the findings of a "
	    "recording.",
	.formats = LT_FORMAT(LT_FMT_TEXT) | LT_FORMAT(LT_FMT_NDJSON),
	.opts = diagnose_opts,
	LT_CMD_OPTS(struct diagnose_opts, &diagnose_defaults),
	.max_args = -1,
	.arg_values = LT_VALUES_APPS,
	.check = check_diagnose,
	.run = run_diagnose,
};
