/* watch.c: 'latticectl watch': tail wasmbus.evt.{L}.> readably, filtered
 * on the server by --type and on the client by --for/--where/--grep, with
 * history from the wasmbus_events stream, gap records, stop conditions and
 * a recording. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "otlp.h"
#include "latticectl/conn.h"
#include "latticectl/event.h"
#include "latticectl/feed.h"
#include "latticectl/filter.h"
#include "latticectl/gap.h"
#include "latticectl/json.h"
#include "latticectl/rec.h"
#include "latticectl/redact.h"
#include "latticectl/sig.h"
#include "latticectl/sub.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "latticectl/wadm.h"
#include "banned.h"

#define EVENTS_STREAM "wasmbus_events"
#define MAX_SUBS 32
/* Subscription ids: event subjects count from 0; wadm's own (--wadm) */
#define ID_WADM_EVT MAX_SUBS
#define ID_WADM_STATUS (MAX_SUBS + 1)
/* manifest_published only, for what --for app/NAME owns (without --wadm) */
#define ID_WADM_LEARN (MAX_SUBS + 2)

static const struct lt_opt watch_opts[] = {
	LT_FILTER_OPTS,
	{ "since", 0, LT_OPT_ARG, "DUR|TIME",
	    "replay history from the wasmbus_events stream first", NULL },
	{ "count", 'n', LT_OPT_ARG, "N", "exit after N events", NULL },
	{ "idle", 0, LT_OPT_ARG, "DUR", "exit after DUR without events", NULL },
	{ "until", 0, LT_OPT_ARG, "TYPE[:FILTER]",
	    "exit 0 when a matching event arrives (4 on --timeout)", NULL },
	{ "wadm", 0, 0, NULL,
	    "also show wadm events and app status (wadm.evt, wadm.status)",
	    NULL },
	{ "record", 0, LT_OPT_ARG, "FILE", "write a recording while watching",
	    NULL },
	{ "max-pending", 0, LT_OPT_ARG, "N",
	    "client-side buffer in messages before drops (65536)", NULL },
	CMD_OTLP_OPT,
	LT_REDACT_OPTS,
	LT_OPT_END
};

struct type_count {
	char name[64];
	uint64_t n;
};

struct watch {
	struct lt_ctx *ctx;
	struct lt_filter *filter, *until;
	struct lt_feed *feed;
	struct lt_sub *subs[MAX_SUBS];
	int nsubs;
	struct lt_rec *rec, *nd;	/* --record file, ndjson stdout */
	const struct lt_colors *col;
	bool decode_all;		/* false: ndjson fast path */
	enum lt_redact_mode redact;	/* --show-secrets, --redact-all */
	uint64_t max_count, max_pending, shown, invalid, filtered;
	uint64_t heard;			/* messages from wasmbus.evt.{L} */
	bool whole_lattice;		/* subscribed to all of them */
	int64_t drain_until;		/* after a signal: lt_mono_ns, or 0 */
	uint64_t discarded;		/* received, not shown: past it */
	struct lt_gap_tracker gt;
	int64_t idle_ns, until_deadline, last_msg;
	bool live_marked, stream_mode, done, stdout_closed;
	bool dirty;			/* written since the last flush */
	int64_t last_flush;		/* lt_mono_ns of the last flush */
	uint64_t history_last_seq;
	struct type_count types[64];
	int ntypes;
	struct lt_buf line, fields;
	struct lt_lines lines;		/* text output */
	struct lt_error werr;		/* first write failure */
};

/* The last token of a subject or a CloudEvent type: the type's name. */
static const char *
last_token(const char *s)
{
	const char *t = strrchr(s, '.');

	return t ? t + 1 : s;
}

static void
count_type(struct watch *w, const char *t)
{
	int i;

	for (i = 0; i < w->ntypes; i++)
		if (!strcmp(w->types[i].name, t)) {
			w->types[i].n++;
			return;
		}
	if (w->ntypes < (int)LT_ARRAY_SIZE(w->types)) {
		snprintf(w->types[w->ntypes].name, sizeof(w->types[0].name), "%s", t);
		w->types[w->ntypes++].n = 1;
	}
}

/* Note a failed stdout write: EPIPE ends the watch quietly. */
static void
stdout_failed(struct watch *w)
{
	if (errno != EPIPE && !lt_output_reader_gone(w->ctx->out) &&
	    w->werr.code == LT_OK)
		lt_error_set(&w->werr, LT_E_RUNTIME, "cannot write output: %s",
		    strerror(errno));
	w->stdout_closed = true;
	w->done = true;
}

/* w->line, showing the time t_ns, on stdout. */
static void
emit_text(struct watch *w, int64_t t_ns)
{
	if (lt_lines_put(&w->lines, t_ns, &w->line) != LT_WRITE_OK)
		stdout_failed(w);
}

/* Write b's members (redacted as they were added) where asked. */
static void
write_fields(struct watch *w, const char *kind, int64_t t,
    const struct lt_buf *b)
{
	if (w->nd && lt_rec_write(w->nd, kind, t, b->buf, b->len, NULL) == 0)
		stdout_failed(w);
	if (w->rec && lt_rec_write(w->rec, kind, t, b->buf, b->len,
	    w->werr.code ? NULL : &w->werr) == 0)
		w->done = true;
}

/* Record (and print, in text formats) a gap. In stream mode the ordered
 * consumer catches up after a reconnect, so such a gap lost nothing; a
 * client error may have stopped it, so it claims nothing. */
static void
emit_gap(struct watch *w, const struct lt_gap *g)
{
	bool recovered = w->stream_mode && strcmp(g->reason, "client-error");

	lt_buf_reset(&w->fields);
	lt_gap_format_fields(g, recovered, &w->fields);
	write_fields(w, "gap", g->t_ns, &w->fields);
	if (w->nd || w->ctx->format == LT_FMT_RAW)
		return;
	lt_buf_reset(&w->line);
	lt_gap_format_text(g, recovered, w->col, &w->line);
	emit_text(w, g->t_ns);
}

static void
check_dropped(struct watch *w, int64_t t)
{
	struct lt_gap g;
	int64_t total = 0;
	int i;

	for (i = 0; i < w->nsubs; i++)
		total += lt_sub_dropped(w->subs[i]);
	if (lt_gap_check_dropped(&w->gt, total, t,
	    "watch fell behind; the client dropped messages", &g))
		emit_gap(w, &g);
}

static void
on_conn_item(struct watch *w, const struct lt_item *it)
{
	struct lt_gap g;

	if (it->kind == LT_ITEM_DISCONNECTED && !w->ctx->cfg->quiet)
		fprintf(stderr, "latticectl: watch: disconnected from %s, "
		    "reconnecting\n", it->detail);
	if (it->kind == LT_ITEM_RECONNECTED && !w->ctx->cfg->quiet)
		fprintf(stderr, "latticectl: watch: reconnected to %s\n",
		    it->detail);
	if (it->kind == LT_ITEM_CLOSED)
		w->done = true;
	else if (it->kind == LT_ITEM_SLOW)
		check_dropped(w, it->t_ns);
	else if (lt_gap_on_item(&w->gt, it, &g))
		emit_gap(w, &g);
}

static void
mark_live(struct watch *w, const struct lt_msg *m)
{
	if (w->live_marked || !w->stream_mode)
		return;
	if (m->pending > 0 && m->stream_seq < w->history_last_seq)
		return;
	w->live_marked = true;
	if (!w->ctx->cfg->quiet && w->nd == NULL)
		fprintf(stderr, "latticectl: watch: history replayed, following "
		    "live events\n");
}

/* Build the record members for a message of kind, its payload under
 * member ("event" for an event), redacted on the way unless m already is,
 * and its traceparent tp (lt_rec_traceparent, or NULL), and write them
 * where asked. */
static void
record_msg(struct watch *w, const struct lt_msg *m, const char *kind,
    const char *member, const char *tp)
{
	if (!w->nd && !w->rec)
		return;
	lt_buf_reset(&w->fields);
	lt_buf_adds(&w->fields, "\"subject\":");
	lt_buf_add_json_str(&w->fields, m->subject, strlen(m->subject));
	lt_rec_add_traceparent(&w->fields, tp);
	if (m->stream_seq) {
		lt_buf_adds(&w->fields, ",\"stream_seq\":");
		lt_buf_add_u64(&w->fields, m->stream_seq);
	}
	lt_buf_addch(&w->fields, ',');
	lt_rec_add_msg_payload(&w->fields, member, m, NULL, w->redact);
	write_fields(w, kind, m->recv_ns, &w->fields);
}

static void
display(struct watch *w, const struct lt_msg *m, const struct lt_event *ev)
{
	switch (w->ctx->format) {
	case LT_FMT_RAW:
		if (fwrite(m->data, 1, (size_t)m->len, w->ctx->out) != (size_t)m->len ||
		    fputc('\n', w->ctx->out) == EOF)
			stdout_failed(w);
		break;
	case LT_FMT_TEXT:
	case LT_FMT_WIDE:
		lt_buf_reset(&w->line);
		lt_event_format_text(ev, m->recv_ns, w->ctx->format == LT_FMT_WIDE,
		    w->col, &w->line);
		emit_text(w, lt_event_shown_time(ev, m->recv_ns));
		break;
	default:
		break;	/* ndjson goes through record_event */
	}
}

static void
count_shown(struct watch *w, const char *type, bool until_hit)
{
	count_type(w, type);
	w->shown++;
	if (w->idle_ns)	/* --idle counts shown events only */
		w->last_msg = lt_mono_ns();
	if (until_hit || (w->max_count && w->shown >= w->max_count))
		w->done = true;
}

/* Decode, filter, show and record a (redacted) message. */
static void
show_msg(struct watch *w, const struct lt_msg *m)
{
	struct lt_event ev;

	lt_event_decode(&ev, m->subject, m->data, (size_t)m->len);
	ev.traceparent = lt_rec_traceparent(m);
	if (!lt_filter_match(w->filter, &ev)) {
		w->filtered++;
		lt_event_release(&ev);
		return;
	}
	if (ev.status != LT_EV_OK)
		w->invalid++;
	display(w, m, &ev);
	record_msg(w, m, "event", "event", ev.traceparent);
	count_shown(w, last_token(ev.status == LT_EV_OK ? ev.type : m->subject),
	    w->until && lt_filter_match(w->until, &ev));
	lt_event_release(&ev);
}

/* wadm.status.{L}.{app} (--wadm): an application's status, not a
 * CloudEvent (--grep and --for app/ apply, lt_filter_match_status); shown,
 * recorded as kind wadm.status and counted as that type. */
static void
on_status(struct watch *w, const struct lt_msg *m)
{
	struct lt_msg tmp;
	char *redacted;
	const struct lt_msg *r = lt_redact_msg(m, w->redact, &tmp, &redacted);

	if (!lt_filter_match_status(w->filter, last_token(r->subject), r->data,
	    (size_t)r->len)) {
		w->filtered++;
		free(redacted);
		return;
	}

	if (w->ctx->format == LT_FMT_TEXT || w->ctx->format == LT_FMT_WIDE) {
		lt_buf_reset(&w->line);
		lt_wadm_status_format_text(r->subject, r->data, (size_t)r->len,
		    r->recv_ns, w->col, &w->line);
		emit_text(w, r->recv_ns);
	} else if (w->ctx->format == LT_FMT_RAW) {
		display(w, r, NULL);
	}
	record_msg(w, r, "wadm.status", "payload", lt_rec_traceparent(r));
	count_shown(w, "wadm.status", false);
	free(redacted);
}

/* m with its time of receipt: messages delivered directly come without
 * one (LT_FEED_NO_CLOCK), read here once a message is kept. */
static const struct lt_msg *
received(const struct lt_msg *m, struct lt_msg *copy)
{
	if (m->recv_ns != 0)
		return m;
	*copy = *m;
	copy->recv_ns = lt_now_ns();
	return copy;
}

/* A manifest_published event teaches --for app/NAME what a new version
 * owns, before any filter looks at it (lt_filter_learn_event). */
static void
learn(struct watch *w, const struct lt_msg *m)
{
	struct lt_event ev;

	if ((lt_filter_app(w->filter, 0) == NULL && (w->until == NULL ||
	    lt_filter_app(w->until, 0) == NULL)) ||
	    !lt_str_has_suffix(m->subject, ".manifest_published"))
		return;
	lt_event_decode(&ev, m->subject, m->data, (size_t)m->len);
	lt_filter_learn_event(w->filter, &ev);
	if (w->until)
		lt_filter_learn_event(w->until, &ev);
	lt_event_release(&ev);
}

/* Filters, output and recording all see the redacted payload. Without
 * decoding (ndjson, no filter) it is redacted as it is copied. */
static void
on_msg(struct watch *w, const struct lt_msg *m)
{
	struct lt_msg tmp, stamped;
	char *redacted;

	mark_live(w, m);
	if (m->sub_id == ID_WADM_STATUS) {
		on_status(w, received(m, &stamped));
		return;
	}
	if (m->sub_id == ID_WADM_EVT || m->sub_id == ID_WADM_LEARN)
		learn(w, m);
	if (m->sub_id == ID_WADM_LEARN)
		return;
	if (m->sub_id != ID_WADM_EVT)
		w->heard++;
	if (!lt_filter_may_match_unredacted(w->filter, m->data,
	    (size_t)m->len)) {	/* the cheap test first */
		w->filtered++;
		return;
	}
	m = received(m, &stamped);
	if (!w->decode_all) {
		record_msg(w, m, "event", "event", lt_rec_traceparent(m));
		count_shown(w, last_token(m->subject), false);
		return;
	}
	show_msg(w, lt_redact_msg(m, w->redact, &tmp, &redacted));
	free(redacted);
}

/* Messages lost: dropped by the client (slow consumer) and, after a
 * signal, received but discarded past the drain's deadline. */
static uint64_t
dropped(const struct watch *w)
{
	return (uint64_t)w->gt.dropped + w->discarded;
}

static void
write_summary(struct watch *w)
{
	struct lt_buf name = LT_BUF_INIT;
	int i;

	if (w->ctx->cfg->quiet)
		return;
	fprintf(stderr, "latticectl: watch: %llu event%s",
	    (unsigned long long)w->shown, w->shown == 1 ? "" : "s");
	for (i = 0; i < w->ntypes; i++)	/* types the wire named */
		fprintf(stderr, "%s%s %llu", i ? ", " : " (",
		    lt_text(&name, w->types[i].name),
		    (unsigned long long)w->types[i].n);
	lt_buf_release(&name);
	fprintf(stderr, "%s; %llu gap%s, %llu dropped, %llu invalid, %llu "
	    "filtered out\n", w->ntypes ? ")" : "",
	    (unsigned long long)w->gt.gaps, w->gt.gaps == 1 ? "" : "s",
	    (unsigned long long)dropped(w), (unsigned long long)w->invalid,
	    (unsigned long long)w->filtered);
}

/* A watch of the whole lattice that heard nothing at all: no host is
 * there, or the lattice name is wrong (hosts would say "no responders"). */
static void
write_silence(struct watch *w)
{
	if (w->ctx->cfg->quiet || w->heard || !w->whole_lattice)
		return;
	fprintf(stderr, "latticectl: watch: no host published an event on "
	    "lattice '%s' (is the lattice name right? 'latticectl hosts' "
	    "lists the hosts that answer)\n",
	    lt_config_get(w->ctx->cfg, LT_S_LATTICE));
}

static cJSON *
summary_json(struct watch *w)
{
	cJSON *f = cJSON_CreateObject(), *types = cJSON_CreateObject();
	int i;

	cJSON_AddNumberToObject(f, "events", (double)w->shown);
	cJSON_AddNumberToObject(f, "gaps", (double)w->gt.gaps);
	cJSON_AddNumberToObject(f, "dropped", (double)dropped(w));
	cJSON_AddNumberToObject(f, "invalid", (double)w->invalid);
	for (i = 0; i < w->ntypes; i++)
		cJSON_AddNumberToObject(types, w->types[i].name,
		    (double)w->types[i].n);
	cJSON_AddItemToObject(f, "types", types);
	return f;
}

static int parse_until(struct lt_filter **out, const char *spec,
    struct lt_error *err);

static int
build_filters(struct watch *w, struct lt_error *err)
{
	const struct lt_args *a = w->ctx->args;
	const char *v;
	int i;

	w->filter = lt_filter_create();
	for (i = 0; (v = lt_args_nth(a, "type", i)); i++)
		if (lt_filter_add_types(w->filter, v, err) < 0)
			return -1;
	for (i = 0; (v = lt_args_nth(a, "for", i)); i++)
		if (lt_filter_add_for(w->filter, v, err) < 0)
			return -1;
	for (i = 0; (v = lt_args_nth(a, "where", i)); i++)
		if (lt_filter_add_where(w->filter, v, err) < 0)
			return -1;
	for (i = 0; (v = lt_args_nth(a, "grep", i)); i++)
		lt_filter_add_grep(w->filter, v);
	lt_filter_type_warnings(w->filter, lt_cmd_warn, w->ctx);
	w->whole_lattice = lt_filter_whole_lattice(w->filter);
	if ((v = lt_args_get(a, "until")))
		return parse_until(&w->until, v, err);
	return 0;
}

/* --until TYPE[:FILTER]: FILTER is KIND/ID or a --where expression. */
static int
parse_until(struct lt_filter **out, const char *spec, struct lt_error *err)
{
	char *copy = lt_xstrdup(spec), *colon = strchr(copy, ':');
	struct lt_filter *f = lt_filter_create();
	int rc = 0;

	if (colon)
		*colon++ = '\0';
	if (lt_filter_add_types(f, copy, err) < 0)
		rc = -1;
	else if (colon && strchr(colon, '/') && !strpbrk(colon, "=~<>!"))
		rc = lt_filter_add_for(f, colon, err);
	else if (colon)
		rc = lt_filter_add_where(f, colon, err);
	free(copy);
	if (rc < 0) {
		lt_filter_destroy(f);
		return lt_error_prefix(err, "--until");
	}
	*out = f;
	return 0;
}

static int
parse_since(const char *v, int64_t *start_ns, struct lt_error *err)
{
	int64_t dur;

	if (lt_time_parse(v, start_ns) == 0) {
		if (*start_ns > lt_now_ns())
			return lt_error_set(err, LT_E_USAGE, "--since '%s' is in "
			    "the future", v);
		return 0;
	}
	if (lt_parse_duration(v, &dur, err) < 0)
		return lt_error_set(err, LT_E_USAGE, "invalid --since '%s' (a "
		    "duration like 5m or an RFC 3339 time)", v);
	*start_ns = lt_now_ns() - dur;
	return 0;
}

/* Check the history stream and say how far back it really reaches. */
static int
check_history(struct watch *w, int64_t start_ns, struct lt_error *err)
{
	struct lt_stream_info si;
	char t[48];
	int rc = lt_stream_info(w->ctx->conn, EVENTS_STREAM, &si, err);

	if (rc < 0)
		return -1;
	if (rc == 0)
		return lt_error_set(err, LT_E_RUNTIME, "no '%s' stream on this "
		    "server: history needs wadm 0.13 or later running on the "
		    "lattice (watch without --since shows live events)",
		    EVENTS_STREAM);
	if (si.retention != LT_RETENTION_LIMITS)
		return lt_error_set(err, LT_E_RUNTIME, "stream '%s' is not a "
		    "limits stream; reading it could take work from wadm",
		    EVENTS_STREAM);
	w->history_last_seq = si.last_seq;
	/* (a second of slack: "--since 1h" on a 1h stream is no surprise) */
	if (si.max_age_ns > 0 &&
	    lt_now_ns() - start_ns > si.max_age_ns + 1000000000LL &&
	    !w->ctx->cfg->quiet) {
		lt_duration_format(si.max_age_ns, t, sizeof(t));
		fprintf(stderr, "latticectl: watch: warning: '%s' keeps events "
		    "for %s only; history starts at the oldest event kept\n",
		    EVENTS_STREAM, t);
	}
	if (si.msgs == 0 && !w->ctx->cfg->quiet)
		fprintf(stderr, "latticectl: watch: '%s' holds no events yet\n",
		    EVENTS_STREAM);
	return 0;
}

/* Open a subscription to subject, or to the stream st when not NULL, and
 * add it to w->subs. Once there, the handler may count it (pending, on
 * the client's thread) while the next one opens. */
static int
open_sub(struct watch *w, const char *subject,
    const struct lt_stream_start *st, int id, struct lt_error *err)
{
	struct lt_sub *sub = NULL;
	int rc;

	if (w->nsubs == MAX_SUBS)
		return lt_error_set(err, LT_E_USAGE, "too many subscriptions "
		    "(at most %d): name fewer exact --type values, or use a "
		    "glob", MAX_SUBS);
	rc = st ? lt_sub_open_stream(&sub, w->ctx->conn, st, w->feed, id,
	    (int)w->max_pending, err) : lt_sub_open(&sub, w->ctx->conn, subject,
	    w->feed, id, (int)w->max_pending, err);
	__atomic_store_n(&w->subs[w->nsubs], sub, __ATOMIC_RELEASE);
	__atomic_store_n(&w->nsubs, w->nsubs + 1, __ATOMIC_RELEASE);
	return rc;
}

static int
subscribe(struct watch *w, struct lt_error *err)
{
	const char *lattice = lt_config_get(w->ctx->cfg, LT_S_LATTICE);
	const char *since = lt_args_get(w->ctx->args, "since");
	char **subjects = NULL;
	int i, n, rc = 0;

	n = lt_filter_subjects(w->filter, "wasmbus.evt", lattice, &subjects);
	if (since) {
		/* one subject (one exact --type) narrows the consumer on the
		 * server; more need a consumer per subject, or 2.10's filter
		 * lists, so the rest is filtered here */
		struct lt_stream_start st = { EVENTS_STREAM, NULL, 0, 0, false };
		char *filter = n == 1 ? lt_xstrdup(subjects[0]) :
		    lt_xasprintf("wasmbus.evt.%s.>", lattice);

		st.filter = filter;
		rc = parse_since(since, &st.start_ns, err);
		if (rc == 0)
			rc = check_history(w, st.start_ns, err);
		if (rc == 0)
			rc = open_sub(w, NULL, &st, 0, err);
		w->stream_mode = true;
		free(filter);
	} else {
		for (i = 0; i < n && rc == 0; i++)
			rc = open_sub(w, subjects[i], NULL, i, err);
	}
	for (i = 0; i < n; i++)
		free(subjects[i]);
	free(subjects);
	if (rc < 0)
		return -1;
	if (lt_args_has(w->ctx->args, "wadm")) {
		char *s = lt_xasprintf("wadm.evt.%s.>", lattice);
		char *st = lt_xasprintf("wadm.status.%s.>", lattice);

		rc = open_sub(w, s, NULL, ID_WADM_EVT, err);
		if (rc == 0)
			rc = open_sub(w, st, NULL, ID_WADM_STATUS, err);
		free(s);
		free(st);
	} else if (lt_filter_app(w->filter, 0) ||
	    (w->until && lt_filter_app(w->until, 0))) {
		char *s = lt_xasprintf("wadm.evt.%s.manifest_published", lattice);

		rc = open_sub(w, s, NULL, ID_WADM_LEARN, err);
		free(s);
	}
	if (rc < 0 || lt_conn_flush(w->ctx->conn, err) < 0)
		return -1;
	if (w->ctx->cfg->verbose)	/* tests wait for this line */
		fprintf(stderr, "latticectl: watch: subscribed (%d subscriptions)\n",
		    w->nsubs);
	return 0;
}

static int
open_outputs(struct watch *w, struct lt_error *err)
{
	const struct lt_ctx *ctx = w->ctx;
	const char *path = lt_args_get(ctx->args, "record");
	const char *lattice = lt_config_get(ctx->cfg, LT_S_LATTICE);

	if (ctx->format == LT_FMT_NDJSON || ctx->format == LT_FMT_JSON) {
		w->nd = lt_rec_open_fp(ctx->out);
		lt_rec_set_autoflush(w->nd, false);
		lt_rec_set_redaction(w->nd, w->redact);
		/* stdout is a recording too, valid for 'show' */
		if (lt_rec_write_meta(w->nd, ctx->orig_argc, ctx->orig_argv,
		    lt_conn_server(ctx->conn), lattice, NULL, NULL) == 0)
			stdout_failed(w);
	}
	if (path) {
		if (lt_rec_open(&w->rec, path, w->redact, err) < 0)
			return -1;
		lt_rec_set_autoflush(w->rec, false);
		if (lt_rec_write_meta(w->rec, ctx->orig_argc, ctx->orig_argv,
		    lt_conn_server(ctx->conn), lattice, NULL, err) == 0)
			return -1;
	}
	/* Without filters, ndjson needs no decoding: type counts come from
	 * the subject and the payload is compacted as it is copied. */
	w->decode_all = !(w->nd && lt_filter_is_empty(w->filter) &&
	    w->until == NULL && !lt_args_has(ctx->args, "type") &&
	    !lt_args_has(ctx->args, "since"));
	return 0;
}

static void
flush_outputs(struct watch *w)
{
	w->dirty = false;
	w->last_flush = lt_mono_ns();
	if (w->nd && lt_rec_flush(w->nd) < 0)
		stdout_failed(w);
	else if (!w->nd && lt_output_flush(w->ctx->out) != LT_WRITE_OK)
		stdout_failed(w);
	if (w->rec && lt_rec_flush(w->rec) < 0) {
		if (w->werr.code == LT_OK)
			lt_error_set(&w->werr, LT_E_RUNTIME, "cannot write "
			    "recording: %s", strerror(errno));
		w->done = true;	/* a watch that cannot record stops */
	}
}

enum wake { WAKE_IDLE, WAKE_UNTIL, WAKE_FLUSH };

/* Output left unflushed is flushed this long after it was written: the
 * last message of a burst may be counted as not the last (heartbeats and
 * flow control sit in the same pending queue). */
#define FLUSH_DELAY_NS 50000000LL

/* The next deadline (lt_mono_ns clock) and which condition it is. */
static int64_t
next_deadline(struct watch *w, enum wake *why)
{
	int64_t d = 0, flush = lt_mono_ns() + FLUSH_DELAY_NS;

	*why = WAKE_IDLE;
	if (w->idle_ns)
		d = w->last_msg + w->idle_ns;
	if (w->until_deadline && (d == 0 || w->until_deadline < d)) {
		d = w->until_deadline;
		*why = WAKE_UNTIL;
	}
	if (w->dirty && (d == 0 || flush < d)) {
		d = flush;
		*why = WAKE_FLUSH;
	}
	return d;
}

/* A lone event is written at once; in a flood, writes are batched to at
 * most one per FLUSH_MIN_NS (a write per event costs more than the rest). */
#define FLUSH_MIN_NS 1000000LL

/* Messages the client holds for watch, not yet delivered. */
static size_t
pending(struct watch *w)
{
	int i, nsubs = __atomic_load_n(&w->nsubs, __ATOMIC_ACQUIRE);
	size_t n = 0;

	for (i = 0; i < nsubs; i++)
		n += lt_sub_pending(__atomic_load_n(&w->subs[i],
		    __ATOMIC_ACQUIRE));
	return n;
}

/* Messages arrive here on the client's delivery thread, under the feed's
 * handler lock; a stop condition wakes the command thread. */
static void
on_direct(void *ud, const struct lt_item *it)
{
	struct watch *w = ud;
	uint64_t shown = w->shown;

	if (w->done)
		return;
	if (w->drain_until && lt_mono_ns() > w->drain_until) {
		w->discarded++;	/* counted: the drain ran out of time */
		return;
	}
	on_msg(w, &it->msg);
	if (w->shown == shown && !w->dirty) {
		;	/* nothing written or waiting: no clock, no lock */
	} else if (lt_mono_ns() - w->last_flush >= FLUSH_MIN_NS &&
	    pending(w) == 0) {
		flush_outputs(w);
	} else if (!w->dirty) {
		w->dirty = true;
		lt_feed_nudge(w->feed);	/* the loop flushes soon */
	}
	if (w->done)
		lt_feed_wake(w->feed);
}

/* Handle what lt_feed_next returned; false ends the loop. */
static bool
step(struct watch *w, int rc, struct lt_item *it, enum wake why,
    struct lt_error *err)
{
	if (rc < 0)
		return false;	/* signal or stop condition: drain, exit 0 */
	if (rc == 0 && why == WAKE_FLUSH) {
		flush_outputs(w);
		return !w->done;
	}
	if (rc == 0 && why == WAKE_UNTIL) {
		lt_error_set(err, LT_E_TIMEOUT, "no event matched --until "
		    "within the timeout");
		return false;
	}
	if (rc == 0)	/* --idle, unless a message came meanwhile */
		return w->last_msg + w->idle_ns > lt_mono_ns();
	if (it->kind == LT_ITEM_NUDGE)
		return !w->done;	/* new deadlines */
	if (it->kind == LT_ITEM_MSG)
		on_msg(w, &it->msg);
	else
		on_conn_item(w, it);
	lt_item_release(it);
	if (it->backlog == 0)
		flush_outputs(w);
	return !w->done;
}

/* After a first signal, messages the client already holds are shown and
 * recorded for this long; the rest are counted as dropped. */
#define DRAIN_NS 1000000000LL
/* ... and counting them may take this much longer. */
#define DRAIN_COUNT_NS 5000000000LL

/* The first SIGINT/SIGTERM: the server stops sending and what it sent is
 * drained into the output and the recording until DRAIN_NS, then counted
 * (w->discarded), so nothing the server delivered is lost silently. A
 * drain that outlasts DRAIN_COUNT_NS (a handler stuck writing) counts
 * what is still pending and stops the handler. */
static void
drain(struct watch *w)
{
	int64_t end;
	int i;

	lt_feed_lock(w->feed);
	if (w->done) {	/* a stop condition came first: nothing to drain */
		lt_feed_unlock(w->feed);
		return;
	}
	w->drain_until = lt_mono_ns() + DRAIN_NS;
	end = w->drain_until + DRAIN_COUNT_NS;
	lt_feed_unlock(w->feed);
	for (i = 0; i < w->nsubs; i++)
		lt_sub_drain(w->subs[i], end - lt_mono_ns());
	for (i = 0; i < w->nsubs; i++)
		lt_sub_wait_drained(w->subs[i], end);
	lt_feed_lock(w->feed);
	w->discarded += pending(w);
	w->done = true;
	lt_feed_unlock(w->feed);
}

static int
loop(struct watch *w, struct lt_error *err)
{
	struct lt_item it;
	bool go = true;
	enum wake why;
	int64_t deadline;
	int rc;

	while (go) {
		lt_feed_lock(w->feed);
		deadline = w->done ? -1 : next_deadline(w, &why);
		lt_feed_unlock(w->feed);
		if (deadline < 0)
			break;
		rc = lt_feed_next(w->feed, deadline, &it);
		lt_feed_lock(w->feed);
		go = step(w, rc, &it, why, err);
		lt_feed_unlock(w->feed);
	}
	if (lt_sig_count() > 0)
		drain(w);
	lt_feed_lock(w->feed);
	check_dropped(w, lt_now_ns());
	flush_outputs(w);
	lt_feed_unlock(w->feed);
	return err->code == LT_E_TIMEOUT ? -1 : 0;
}

/* Record a wadm reply latticectl asked for, so that show --for app/NAME
 * learns from the recording what this watch learned. */
static void
record_reply(struct watch *w, const char *subject, const cJSON *reply)
{
	cJSON *f = cJSON_CreateObject();

	cJSON_AddStringToObject(f, "subject", subject);
	cJSON_AddItemToObject(f, "payload", cJSON_Duplicate(reply, true));
	cJSON_AddStringToObject(f, "from", "latticectl");
	lt_rec_redact(f, "wadm.reply", w->redact);
	lt_buf_reset(&w->fields);
	lt_rec_add_members(&w->fields, f);
	write_fields(w, "wadm.reply", lt_now_ns(), &w->fields);
	cJSON_Delete(f);
}

/* The manifest of app at version (model.get, read-only): learned, and
 * recorded. */
static int
learn_version(struct watch *w, const char *app, const char *version,
    struct lt_error *e)
{
	const char *lattice = lt_config_get(w->ctx->cfg, LT_S_LATTICE);
	cJSON *reply = NULL, *body = cJSON_CreateObject(), *rec;
	char *text, *subject = lt_wadm_subject(lattice, LT_WADM_GET, app);
	int rc;

	cJSON_AddStringToObject(body, "version", version);
	text = cJSON_PrintUnformatted(body);
	rc = lt_wadm_call(w->ctx->conn, lattice, LT_WADM_GET, app, text,
	    strlen(text), 0, &reply, e);
	if (rc == 0) {
		rec = cJSON_CreateObject();
		cJSON_AddStringToObject(rec, "kind", "wadm.reply");
		cJSON_AddItemReferenceToObject(rec, "payload", reply);
		lt_filter_learn_record(w->filter, rec);
		if (w->until)
			lt_filter_learn_record(w->until, rec);
		cJSON_Delete(rec);
		record_reply(w, subject, reply);
	}
	cJSON_Delete(reply);
	cJSON_Delete(body);
	cJSON_free(text);
	free(subject);
	return rc;
}

/* What each --for app/NAME owns, from wadm's deployed and latest
 * manifests; later versions come with manifest_published events. */
static void
learn_apps(struct watch *w)
{
	const char *lattice = lt_config_get(w->ctx->cfg, LT_S_LATTICE), *app;
	struct lt_error e = LT_ERROR_INIT;
	char *dep, *last, *msg;
	int i, rc;

	for (i = 0; (app = lt_filter_app(w->filter, i)); i++) {
		rc = lt_wadm_versions(w->ctx->conn, lattice, app, &dep, &last, &e);
		if (rc == 0 && dep)
			rc = learn_version(w, app, dep, &e);
		if (rc == 0 && last && (!dep || strcmp(dep, last)))
			rc = learn_version(w, app, last, &e);
		if (rc < 0) {
			msg = lt_xasprintf("--for app/%s: %s; its components, "
			    "configs and links are known once wadm publishes a "
			    "manifest for it", app, e.msg);
			lt_cmd_warn(w->ctx, msg);
			free(msg);
		}
		free(dep);
		free(last);
	}
}

static int
setup(struct watch *w, struct lt_error *err)
{
	const struct lt_args *a = w->ctx->args;
	const struct lt_config *cfg = w->ctx->cfg;

	w->col = lt_output_colors(w->ctx->color_out && w->ctx->format <= LT_FMT_WIDE);
	w->max_pending = 65536;
	if (build_filters(w, err) < 0 ||
	    lt_args_uint(a, "count", UINT64_MAX, &w->max_count, err) < 0 ||
	    lt_args_uint(a, "max-pending", 1 << 24, &w->max_pending, err) < 0 ||
	    lt_args_duration(a, "idle", &w->idle_ns, err) < 0 ||
	    lt_redact_mode_from_args(a, &w->redact, err) < 0)
		return -1;
	if (w->max_pending == 0)
		return lt_error_set(err, LT_E_USAGE, "--max-pending must be at "
		    "least 1");
	if (lt_ctx_connect(w->ctx, err) < 0)
		return -1;
	if (w->until && cfg->src[LT_S_TIMEOUT] != LT_SRC_DEFAULT)
		w->until_deadline = lt_mono_ns() + cfg->timeout_ns;
	w->feed = lt_feed_create(4096);
	w->last_msg = lt_mono_ns();
	lt_feed_set_handler(w->feed, on_direct, w, LT_FEED_NO_CLOCK);
	lt_conn_set_feed(w->ctx->conn, w->feed);
	lt_sig_set_feed(w->feed);
	if (open_outputs(w, err) < 0)
		return -1;
	learn_apps(w);
	return subscribe(w, err);
}

static void
teardown(struct watch *w, int rc, struct lt_error *err)
{
	int i;

	lt_sig_set_feed(NULL);
	if (w->feed)
		lt_feed_close(w->feed);
	for (i = 0; i < w->nsubs; i++)
		lt_sub_close(w->subs[i]);
	if (w->ctx->conn)
		lt_conn_set_feed(w->ctx->conn, NULL);
	lt_feed_destroy(w->feed);
	if (w->rec) {
		cJSON *end = summary_json(w);

		cJSON_AddNumberToObject(end, "exit", rc);
		lt_rec_close(w->rec, end, NULL);
	}
	if (w->nd) {
		if (rc == 0 && !w->stdout_closed)
			lt_rec_close(w->nd, summary_json(w), NULL);
		else
			lt_rec_abandon(w->nd);
	}
	lt_filter_destroy(w->filter);
	lt_filter_destroy(w->until);
	lt_buf_release(&w->line);
	lt_buf_release(&w->fields);
	(void)err;
}

/* The OTLP export target: with --record only (the recording is what is
 * exported); the environment alone turns it on only with --record. */
static int
otlp_target(struct lt_ctx *ctx, struct lt_otlp_target *t,
    struct lt_error *err)
{
	if (!lt_args_get(ctx->args, "record")) {
		if (lt_args_get(ctx->args, "otlp-endpoint"))
			return lt_error_set(err, LT_E_USAGE, "--otlp-endpoint "
			    "needs --record (the recording is what is exported)");
		return 0;
	}
	return cmd_otlp_target(ctx, t, err);
}

/* A bad --since or OTLP endpoint is a usage error (exit 2) before any
 * connection. */
static int
check_watch(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct lt_otlp_target t = LT_OTLP_TARGET_INIT;
	const char *since = lt_args_get(ctx->args, "since");
	int64_t ns;
	int rc;

	(void)argc;
	(void)argv;
	rc = otlp_target(ctx, &t, err);
	lt_otlp_target_release(&t);
	if (rc < 0)
		return -1;
	return since ? parse_since(since, &ns, err) : 0;
}

static int
run_watch(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct lt_otlp_target t = LT_OTLP_TARGET_INIT;
	struct watch w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	lt_lines_init(&w.lines, ctx->out, ctx->width);
	rc = setup(&w, err) < 0 ? err->code : 0;
	if (rc == 0 && loop(&w, err) < 0)
		rc = err->code;
	if (rc == 0 && w.werr.code != LT_OK) {
		*err = w.werr;
		rc = err->code;
	}
	if (rc == 0 || rc == LT_E_TIMEOUT) {
		write_summary(&w);
		write_silence(&w);
	}
	teardown(&w, rc, err);
	/* at the end of the run; a failed watch keeps its own status */
	if (w.rec && otlp_target(ctx, &t, err) > 0 && cmd_otlp_after(ctx, &t,
	    lt_args_get(ctx->args, "record"), 0, rc >= 2 ? -1 : rc, err) < 0 &&
	    rc < 2)
		rc = (int)err->code;
	lt_otlp_target_release(&t);
	return rc;
}

const struct lt_cmd cmd_watch_entry = {
	.name = "watch",
	.summary = "tail lattice events, filtered, with history and recording",
	.usage = "[--type T,..] [--for KIND/ID] [--where EXPR] [--since DUR] "
	    "[--count N] [--record FILE]",
	.description = "Subscribes (plain, never a queue group) to "
	    "wasmbus.evt.<lattice>.<type>.\n--since reads the wasmbus_events "
	    "stream through an ordered consumer first.\nRead-only: never "
	    "replies or acks; with --for app/NAME it publishes only its\n"
	    "read-only wadm queries (model.versions, model.get) at start.",
	.flags = LT_CMD_ANY_LATTICE,
	.formats = LT_FORMATS_STREAM,
	.opts = watch_opts,
	.max_args = 0,
	.check = check_watch,
	.run = run_watch,
};
