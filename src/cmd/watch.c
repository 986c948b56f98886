/* watch.c: 'latticectl watch': tail wasmbus.evt.{L}.> readably, filtered
 * on the server by --type and on the client by --for/--where/--grep, with
 * history from the wasmbus_events stream, gap records, stop conditions and
 * a recording. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "latticectl/export.h"
#include "latticectl/conn.h"
#include "latticectl/event.h"
#include "latticectl/filter.h"
#include "latticectl/json.h"
#include "latticectl/rec.h"
#include "latticectl/redact.h"
#include "latticectl/session.h"
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

/* The options, parsed once by the dispatcher (opt.h); redact and since_ns
 * are derived in check_watch. */
struct watch_opts {
	struct lt_filter_opts filter;
	const char *since, *until, *record, *otlp_endpoint;
	uint64_t count, max_pending;
	int64_t idle_ns;
	bool wadm, show_secrets, redact_all;
	enum lt_redact_mode redact;
	int64_t since_ns;
};

static const struct watch_opts watch_defaults = { .max_pending = 65536 };

#define WO struct watch_opts
static const struct lt_opt watch_opts[] = {
	LT_FILTER_OPTS_TO(WO, filter),
	{ "since", 0, LT_OPT_ARG, "DUR|TIME",
	    "replay history from the wasmbus_events stream first", NULL,
	    LT_TO_STR(WO, since) },
	{ "count", 'n', LT_OPT_ARG, "N", "exit after N events", NULL,
	    LT_TO_UINT(WO, count, UINT64_MAX) },
	{ "idle", 0, LT_OPT_ARG, "DUR", "exit after DUR without events", NULL,
	    LT_TO_DURATION(WO, idle_ns) },
	{ "until", 0, LT_OPT_ARG, "TYPE[:FILTER]",
	    "exit 0 when a matching event arrives (4 on --timeout)", NULL,
	    LT_TO_STR(WO, until) },
	{ "wadm", 0, 0, NULL,
	    "also show wadm events and app status (wadm.evt, wadm.status)",
	    NULL, LT_TO_FLAG(WO, wadm) },
	{ "record", 0, LT_OPT_ARG, "FILE", "write a recording while watching",
	    NULL, LT_TO_STR(WO, record) },
	{ "max-pending", 0, LT_OPT_ARG, "N",
	    "client-side buffer in messages before drops (65536)", NULL,
	    LT_TO_UINT(WO, max_pending, 1 << 24) },
	CMD_OTLP_OPT_TO(WO),
	LT_REDACT_OPTS_TO(WO),
	LT_OPT_END
};
#undef WO

struct type_count {
	char name[64];
	uint64_t n;
};

struct watch {
	struct lt_ctx *ctx;
	const struct watch_opts *o;
	struct lt_filter *filter, *until;
	struct lt_session *ss;
	const struct lt_colors *col;
	bool decode_all;		/* false: ndjson fast path */
	bool raw_kept;			/* the raw decision kept the message
					 * the prefilter just passed */
	struct lt_filter_raw raw;	/* ... and what it learned of it */
	const char *raw_tp;		/* ... and its traceparent (looked up
					 * once per message) */
	uint64_t invalid, filtered;
	uint64_t heard;			/* messages from wasmbus.evt.{L} */
	bool whole_lattice;		/* subscribed to all of them */
	bool live_marked, stream_mode;
	uint64_t history_last_seq;
	struct type_count types[64];
	int ntypes;
	struct lt_buf line, fields;
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

/* w->line, showing the time t_ns, on stdout. */
static void
emit_text(struct watch *w, int64_t t_ns)
{
	lt_session_line(w->ss, t_ns, &w->line);
}

static void
mark_live(struct watch *w, const struct lt_msg *m)
{
	if (w->live_marked || !w->stream_mode)
		return;
	if (m->pending > 0 && m->stream_seq < w->history_last_seq)
		return;
	w->live_marked = true;
	if (!w->ctx->cfg->quiet && !lt_session_ndjson(w->ss))
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
	if (!lt_session_records(w->ss))
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
	lt_rec_add_msg_payload(&w->fields, member, m, NULL, w->o->redact);
	lt_session_write(w->ss, kind, m->recv_ns, &w->fields);
}

static void
display(struct watch *w, const struct lt_msg *m, const struct lt_event *ev)
{
	switch (w->ctx->format) {
	case LT_FMT_RAW:
		lt_session_raw(w->ss, m->data, (size_t)m->len);
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
	lt_session_shown(w->ss);
	if (until_hit)
		lt_session_stop(w->ss);
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

/* A message the raw filter kept: its text line made from what the check
 * kept (a line only the decoded event can make goes the long way), and
 * its record copied as it is when the check found it compact. */
static void
show_kept(struct watch *w, struct lt_msg *m)
{
	int64_t shown;

	m->json_checked = w->raw.compact;
	if (w->ctx->format == LT_FMT_TEXT) {
		lt_buf_reset(&w->line);
		if (lt_event_format_text_raw(m->data, &w->raw.keep, m->recv_ns,
		    w->col, &w->line, &shown) < 0) {
			show_msg(w, m);
			return;
		}
		emit_text(w, shown);
	}
	record_msg(w, m, "event", "event", w->raw_tp);
	count_shown(w, last_token(w->raw.type), false);
}

/* wadm.status.{L}.{app} (--wadm): an application's status, not a
 * CloudEvent (--grep and --for app/ apply, lt_filter_match_status); shown,
 * recorded as kind wadm.status and counted as that type. */
static void
on_status(struct watch *w, struct lt_msg *r)
{
	lt_session_redact(w->ss, r, NULL);	/* the ndjson fast path's */
	if (!lt_filter_match_status(w->filter, last_token(r->subject), r->data,
	    (size_t)r->len)) {
		w->filtered++;
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

/* The filter decided on the raw bytes (lt_filter_match_raw): a message
 * it rejects is dropped and counted; one it keeps (redaction leaves it as
 * it is) is, under ndjson and text, shown and recorded by on_msg without
 * decoding (w->raw_kept, with what the check kept of it: on_msg runs
 * right after, for the same message, as watch's delivery is direct). */
static int
raw_decide(struct watch *w, const struct lt_msg *m)
{
	bool text = w->ctx->format == LT_FMT_TEXT;

	if (lt_filter_is_empty(w->filter) && !lt_session_ndjson(w->ss) &&
	    !text)
		return LT_SESSION_PASS;	/* wide, raw: decoded anyway */
	w->raw_tp = lt_rec_traceparent(m);
	switch (lt_filter_match_raw(w->filter, m->subject, m->data,
	    (size_t)m->len, w->raw_tp, w->o->redact, &w->raw)) {
	case LT_FILTER_NO:
		w->filtered++;
		return LT_SESSION_DROP;
	case LT_FILTER_YES:	/* and redaction leaves it as it is */
		w->raw_kept = (lt_session_ndjson(w->ss) || text) && !w->until;
		return LT_SESSION_CLEAN;
	default:
		return LT_SESSION_PASS;
	}
}

/* Before the clock and redaction (the session's prefilter): what --for
 * app/NAME learns, and the cheap test on the raw bytes. */
static int
prefilter(void *ud, const struct lt_msg *m)
{
	struct watch *w = ud;

	mark_live(w, m);
	if (m->sub_id == ID_WADM_STATUS)
		return LT_SESSION_PASS;
	if (m->sub_id == ID_WADM_EVT || m->sub_id == ID_WADM_LEARN)
		learn(w, m);
	if (m->sub_id == ID_WADM_LEARN)
		return LT_SESSION_DROP;
	if (m->sub_id != ID_WADM_EVT)
		w->heard++;
	if (!lt_filter_may_match_unredacted(w->filter, m->data,
	    (size_t)m->len)) {
		w->filtered++;
		return LT_SESSION_DROP;
	}
	return w->decode_all ? raw_decide(w, m) : LT_SESSION_PASS;
}

/* Filters, output and recording all see the redacted payload. Without
 * decoding (ndjson, no filter) it is redacted as it is copied. */
static bool
on_msg(void *ud, struct lt_session *ss, struct lt_msg *m)
{
	struct watch *w = ud;

	(void)ss;
	if (m->sub_id == ID_WADM_STATUS) {
		on_status(w, m);
	} else if (w->raw_kept) {
		w->raw_kept = false;
		show_kept(w, m);
	} else if (!w->decode_all) {
		record_msg(w, m, "event", "event", lt_rec_traceparent(m));
		count_shown(w, last_token(m->subject), false);
	} else
		show_msg(w, m);
	return false;
}

static void
write_summary(struct watch *w)
{
	struct lt_buf name = LT_BUF_INIT;
	struct lt_session_stats st;
	int i;

	if (w->ctx->cfg->quiet)
		return;
	lt_session_stats(w->ss, &st);
	fprintf(stderr, "latticectl: watch: %llu event%s",
	    (unsigned long long)st.shown, st.shown == 1 ? "" : "s");
	for (i = 0; i < w->ntypes; i++)	/* types the wire named */
		fprintf(stderr, "%s%s %llu", i ? ", " : " (",
		    lt_text(&name, w->types[i].name),
		    (unsigned long long)w->types[i].n);
	lt_buf_release(&name);
	fprintf(stderr, "%s; %llu gap%s, %llu dropped, %llu invalid, %llu "
	    "filtered out\n", w->ntypes ? ")" : "",
	    (unsigned long long)st.gaps, st.gaps == 1 ? "" : "s",
	    (unsigned long long)st.dropped, (unsigned long long)w->invalid,
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

/* The end record's members; the file's also say how watch ended. */
static cJSON *
summary_json(void *ud, int rc, bool file)
{
	struct watch *w = ud;
	cJSON *f = cJSON_CreateObject(), *types = cJSON_CreateObject();
	struct lt_session_stats st;
	int i;

	lt_session_stats(w->ss, &st);
	cJSON_AddNumberToObject(f, "events", (double)st.shown);
	cJSON_AddNumberToObject(f, "gaps", (double)st.gaps);
	cJSON_AddNumberToObject(f, "dropped", (double)st.dropped);
	cJSON_AddNumberToObject(f, "invalid", (double)w->invalid);
	for (i = 0; i < w->ntypes; i++)
		cJSON_AddNumberToObject(types, w->types[i].name,
		    (double)w->types[i].n);
	cJSON_AddItemToObject(f, "types", types);
	if (file)
		cJSON_AddNumberToObject(f, "exit", rc);
	return f;
}

static int parse_until(struct lt_filter **out, const char *spec,
    struct lt_error *err);

static int
build_filters(struct watch *w, struct lt_error *err)
{
	w->filter = lt_filter_create();
	if (lt_filter_add_opts(w->filter, &w->o->filter, err) < 0)
		return -1;
	lt_filter_type_warnings(w->filter, lt_cmd_warn, w->ctx);
	w->whole_lattice = lt_filter_whole_lattice(w->filter);
	if (w->o->until)
		return parse_until(&w->until, w->o->until, err);
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

/* Ask the session for a subscription to subject, or to the stream st
 * when not NULL, tagged id. */
static int
add_source(struct watch *w, const char *subject,
    const struct lt_stream_start *st, int id, struct lt_error *err)
{
	struct lt_session_source src = { LT_SOURCE_CORE, id, subject, NULL, 0,
	    0 };

	if (lt_session_nsources(w->ss) == MAX_SUBS)
		return lt_error_set(err, LT_E_USAGE, "too many subscriptions "
		    "(at most %d): name fewer exact --type values, or use a "
		    "glob", MAX_SUBS);
	if (st) {
		src.kind = LT_SOURCE_STREAM;
		src.stream = st->stream;
		src.subject = st->filter;
		src.start_ns = st->start_ns;
	}
	return lt_session_add(w->ss, &src, err);
}

static int
subscribe(struct watch *w, struct lt_error *err)
{
	const char *lattice = lt_config_get(w->ctx->cfg, LT_S_LATTICE);
	char **subjects = NULL;
	int i, n, rc = 0;

	n = lt_filter_subjects(w->filter, "wasmbus.evt", lattice, &subjects);
	if (w->o->since) {
		/* one subject (one exact --type) narrows the consumer on the
		 * server; more need a consumer per subject, or 2.10's filter
		 * lists, so the rest is filtered here */
		struct lt_stream_start st = { EVENTS_STREAM, NULL, 0, 0, false };
		char *filter = n == 1 ? lt_xstrdup(subjects[0]) :
		    lt_xasprintf("wasmbus.evt.%s.>", lattice);

		st.filter = filter;
		st.start_ns = w->o->since_ns;
		rc = check_history(w, st.start_ns, err);
		if (rc == 0)
			rc = add_source(w, NULL, &st, 0, err);
		w->stream_mode = true;
		free(filter);
	} else {
		for (i = 0; i < n && rc == 0; i++)
			rc = add_source(w, subjects[i], NULL, i, err);
	}
	for (i = 0; i < n; i++)
		free(subjects[i]);
	free(subjects);
	if (rc < 0)
		return -1;
	if (w->o->wadm) {
		char *s = lt_xasprintf("wadm.evt.%s.>", lattice);
		char *st = lt_xasprintf("wadm.status.%s.>", lattice);

		rc = add_source(w, s, NULL, ID_WADM_EVT, err);
		if (rc == 0)
			rc = add_source(w, st, NULL, ID_WADM_STATUS, err);
		free(s);
		free(st);
	} else if (lt_filter_app(w->filter, 0) ||
	    (w->until && lt_filter_app(w->until, 0))) {
		char *s = lt_xasprintf("wadm.evt.%s.manifest_published", lattice);

		rc = add_source(w, s, NULL, ID_WADM_LEARN, err);
		free(s);
	}
	if (rc < 0 || lt_session_start(w->ss, err) < 0)
		return -1;
	if (w->ctx->cfg->verbose)	/* tests wait for this line */
		fprintf(stderr, "latticectl: watch: subscribed (%d subscriptions)\n",
		    lt_session_nsources(w->ss));
	return 0;
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
	lt_rec_redact(f, "wadm.reply", w->o->redact);
	lt_buf_reset(&w->fields);
	lt_rec_add_members(&w->fields, f);
	lt_session_write(w->ss, "wadm.reply", lt_now_ns(), &w->fields);
	cJSON_Delete(f);
}

/* The manifest of app at version (model.get, read-only): learned, and
 * recorded. */
static int
learn_version(struct watch *w, const char *app, const char *version,
    struct lt_error *e)
{
	const char *lattice = lt_config_get(w->ctx->cfg, LT_S_LATTICE);
	cJSON *reply = NULL, *rec;
	char *subject = lt_wadm_subject(lattice, LT_WADM_GET, app);
	int rc = lt_wadm_get_version(w->ctx->conn, lattice, app, version,
	    &reply, e);

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

/* Without filters, ndjson needs no decoding: type counts come from the
 * subject and the payload is redacted and compacted as it is copied. */
static bool
decode_all(const struct watch *w)
{
	const struct lt_ctx *ctx = w->ctx;

	return !((ctx->format == LT_FMT_NDJSON || ctx->format == LT_FMT_JSON) &&
	    lt_filter_is_empty(w->filter) && w->until == NULL &&
	    w->o->filter.type.n == 0 && !w->o->since);
}

static int
setup(struct watch *w, struct lt_error *err)
{
	struct lt_ctx *ctx = w->ctx;
	const struct lt_config *cfg = ctx->cfg;
	struct lt_session_config sc = LT_SESSION_CONFIG_INIT;

	w->col = lt_output_colors(ctx->color_out && ctx->format <= LT_FMT_WIDE);
	if (build_filters(w, err) < 0 || lt_ctx_connect(ctx, err) < 0)
		return -1;
	if (w->until && cfg->src[LT_S_TIMEOUT] != LT_SRC_DEFAULT) {
		sc.until_ns = lt_mono_ns() + cfg->timeout_ns;
		sc.until_error = "no event matched --until within the timeout";
	}
	w->decode_all = decode_all(w);
	sc.name = "watch";
	sc.ud = w;
	sc.delivery = LT_DELIVER_DIRECT;
	sc.redact = w->o->redact;
	sc.redact_on_copy = !w->decode_all;
	sc.prefilter = prefilter;
	sc.on_msg = on_msg;
	sc.max_count = w->o->count;
	sc.idle_ns = w->o->idle_ns;
	sc.max_pending = (int)w->o->max_pending;
	sc.notices = cfg->quiet ? NULL : stderr;
	if (lt_session_create(&w->ss, ctx->conn, &sc, err) < 0 ||
	    lt_session_open_outputs(w->ss, ctx->out, ctx->format, w->col,
	    ctx->width, w->o->record, ctx->orig_argc,
	    ctx->orig_argv, lt_config_get(cfg, LT_S_LATTICE), err) < 0)
		return -1;
	learn_apps(w);
	return subscribe(w, err);
}

static void
teardown(struct watch *w, int rc)
{
	lt_session_close(w->ss, rc, summary_json, NULL);
	lt_filter_destroy(w->filter);
	lt_filter_destroy(w->until);
	lt_buf_release(&w->line);
	lt_buf_release(&w->fields);
}

/* The OTLP export target: with --record only (the recording is what is
 * exported); the environment alone turns it on only with --record. */
static int
otlp_target(const struct watch_opts *o, struct lt_otlp_target *t,
    struct lt_error *err)
{
	if (!o->record) {
		if (o->otlp_endpoint)
			return lt_error_set(err, LT_E_USAGE, "--otlp-endpoint "
			    "needs --record (the recording is what is exported)");
		return 0;
	}
	return cmd_otlp_target(o->otlp_endpoint, t, err);
}

/* A bad --since, --max-pending 0, both redaction flags or a bad OTLP
 * endpoint is a usage error (exit 2) before any connection. */
static int
check_watch(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct watch_opts *o = ctx->opts;
	struct lt_otlp_target t = LT_OTLP_TARGET_INIT;
	int rc;

	(void)argc;
	(void)argv;
	if (o->max_pending == 0)
		return lt_error_set(err, LT_E_USAGE, "--max-pending must be at "
		    "least 1");
	if (lt_redact_mode_of(o->show_secrets, o->redact_all, &o->redact,
	    err) < 0)
		return -1;
	rc = otlp_target(o, &t, err);
	lt_otlp_target_release(&t);
	if (rc < 0)
		return -1;
	return o->since ? lt_parse_since(o->since, &o->since_ns, err) : 0;
}

static int
run_watch(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct lt_otlp_target t = LT_OTLP_TARGET_INIT;
	struct watch w;
	int rc;

	bool recorded;

	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	w.o = ctx->opts;
	rc = setup(&w, err) < 0 ? err->code : 0;
	if (rc == 0 && lt_session_run(w.ss, err) < 0)
		rc = err->code;
	if (rc == 0 || rc == LT_E_TIMEOUT) {
		write_summary(&w);
		write_silence(&w);
	}
	recorded = w.ss && lt_session_recording(w.ss);
	teardown(&w, rc);
	/* at the end of the run; a failed watch keeps its own status */
	if (recorded && otlp_target(w.o, &t, err) > 0 && cmd_otlp_after(ctx, &t,
	    w.o->record, 0, rc >= 2 ? -1 : rc, err) < 0 &&
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
	LT_CMD_OPTS(struct watch_opts, &watch_defaults),
	.max_args = 0,
	.check = check_watch,
	.run = run_watch,
};
