/* session.c: the observation pipeline (session.h; docs/architecture.md,
 * Data path and Threads): sources into one feed, each message prefiltered,
 * stamped, redacted once and handed to the command; gaps, flushing, stop
 * conditions, the drain after a signal, and the end records. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <string.h>

#include "latticectl/conn.h"
#include "latticectl/feed.h"
#include "latticectl/rec.h"
#include "latticectl/req.h"
#include "latticectl/session.h"
#include "latticectl/sig.h"
#include "latticectl/sub.h"
#include "latticectl/util.h"
#include "banned.h"

#define MAX_SOURCES 32
/* Output left unflushed is flushed this long after it was written: the
 * last message of a burst may be counted as not the last (heartbeats and
 * flow control sit in the same pending queue). */
#define FLUSH_DELAY_NS 50000000LL
/* A lone message is written at once; in a flood (direct delivery),
 * writes are batched to at most one per FLUSH_MIN_NS. */
#define FLUSH_MIN_NS 1000000LL
/* After a first signal, messages the client already holds are delivered
 * for this long; the rest are counted as dropped ... */
#define DRAIN_NS 1000000000LL
/* ... and counting them may take this much longer. */
#define DRAIN_COUNT_NS 5000000000LL
/* How often a queue drain looks whether its subscriptions are done. */
#define DRAIN_POLL_NS 10000000LL

struct source {
	struct lt_session_source src;		/* strings owned */
	struct lt_stream_info info;	/* STREAM, KV */
	size_t key_at;			/* KV: where the key starts */
};

struct lt_session {
	struct lt_session_config cfg;
	struct lt_conn *conn;
	struct lt_feed *feed;
	struct source src[MAX_SOURCES];
	int nsrc;
	struct lt_sub *subs[MAX_SOURCES];	/* atomic: see pending() */
	int nsubs;
	struct lt_rec *rec, *nd;	/* recording file, ndjson stdout */
	FILE *out;
	enum lt_format format;
	const struct lt_colors *col;
	struct lt_lines lines;
	struct lt_gap_tracker gt;
	struct lt_buf fields, line;
	bool done, stdout_closed, dirty, streams_only;
	bool stopped;			/* the drain is over: deliver no more */
	bool closed;			/* the connection closed for good */
	bool interrupted;		/* a pump was woken by a signal */
	char *sync_subject;		/* lt_session_sync's marker, awaited */
	bool synced;			/* ... and back */
	uint64_t nsync;
	uint64_t shown, messages, prefiltered, discarded, wrote;
	uint64_t seq;			/* of the last record (meta: 1) */
	int64_t last_shown, last_flush, drain_until, tick_at;
	struct lt_error werr;		/* first write failure */
	struct lt_error rerr;		/* why run stopped (timeout) */
};

int
lt_session_create(struct lt_session **out, struct lt_conn *conn,
    const struct lt_session_config *cfg, struct lt_error *err)
{
	struct lt_session *s = lt_xcalloc(1, sizeof(*s));

	(void)err;
	s->cfg = *cfg;
	s->conn = conn;
	s->streams_only = true;
	s->seq = 1;
	s->format = LT_FMT_TEXT;
	s->col = lt_output_colors(false);
	s->last_shown = lt_mono_ns();
	s->feed = lt_feed_create(4096);
	if (conn)
		lt_conn_set_feed(conn, s->feed);
	lt_sig_set_feed(s->feed);
	*out = s;
	return 0;
}

/* A stream read needs a limits stream: reading a work-queue or interest
 * stream could take work from wadm (docs/architecture.md, Subscribing
 * safely). 1, or 0 when there is no such stream. */
static int
check_stream(struct lt_session *s, const char *name,
    struct lt_stream_info *info, struct lt_error *err)
{
	int rc;

	if (s->conn == NULL)
		return lt_error_set(err, LT_E_USAGE, "stream '%s': no connection",
		    name);
	rc = lt_stream_info(s->conn, name, info, err);
	if (rc <= 0)
		return rc;
	if (info->retention != LT_RETENTION_LIMITS)
		return lt_error_set(err, LT_E_RUNTIME, "stream '%s' is not a "
		    "limits stream; reading it could take work from wadm", name);
	return 1;
}

/* A KV source reads $KV.<bucket>.>: through the bucket's stream, after
 * its last revision unless told where to start; or, the bucket absent,
 * as a core subscription (subjects_if_absent). */
static void
kv_subjects(struct lt_session *s, struct source *d, bool absent)
{
	free((char *)d->src.subject);
	d->src.subject = lt_xasprintf("$KV.%s.>", d->src.stream);
	d->key_at = strlen(d->src.subject) - 1;
	if (absent) {
		d->src.kind = LT_SOURCE_CORE;
		s->streams_only = false;
	} else if (!d->src.start_seq && !d->src.start_ns) {
		d->src.start_seq = d->info.last_seq + 1;
	}
}

int
lt_session_add(struct lt_session *s, const struct lt_session_source *src,
    struct lt_error *err)
{
	struct source *d;
	char *stream;
	int rc;

	if (s->nsrc == MAX_SOURCES)
		return lt_error_set(err, LT_E_USAGE, "too many subscriptions "
		    "(at most %d)", MAX_SOURCES);
	d = &s->src[s->nsrc];
	memset(d, 0, sizeof(*d));
	d->src = *src;
	d->src.subject = src->subject ? lt_xstrdup(src->subject) : NULL;
	d->src.stream = src->stream ? lt_xstrdup(src->stream) : NULL;
	s->nsrc++;
	if (src->kind == LT_SOURCE_CORE) {
		s->streams_only = false;
		return 0;
	}
	stream = src->kind == LT_SOURCE_KV ?
	    lt_xasprintf("KV_%s", src->stream) : lt_xstrdup(src->stream);
	rc = check_stream(s, stream, &d->info, err);
	if (rc == 0 && !(src->kind == LT_SOURCE_KV && src->subjects_if_absent))
		rc = lt_error_set(err, LT_E_RUNTIME, "no '%s' stream on this "
		    "server", stream);
	if (rc >= 0 && src->kind == LT_SOURCE_KV)
		kv_subjects(s, d, rc == 0);
	free(stream);
	return rc < 0 ? -1 : 0;
}

const struct lt_stream_info *
lt_session_stream_info(const struct lt_session *s, int tag)
{
	int i;

	for (i = 0; i < s->nsrc; i++)
		if (s->src[i].src.tag == tag &&
		    s->src[i].src.kind != LT_SOURCE_CORE)
			return &s->src[i].info;
	return NULL;
}

/* A failed stdout write: EPIPE or a reader that went away ends the
 * session quietly (docs/architecture.md, Output), anything else is an
 * error. */
static void
stdout_failed(struct lt_session *s)
{
	if (errno != EPIPE && !lt_output_reader_gone(s->out) &&
	    s->werr.code == LT_OK)
		lt_error_set(&s->werr, LT_E_RUNTIME, "cannot write output: %s",
		    strerror(errno));
	s->stdout_closed = true;
	s->done = true;
}

/* A failed recording write: a session that cannot record stops. */
static void
record_failed(struct lt_session *s)
{
	if (s->werr.code == LT_OK)
		lt_error_set(&s->werr, LT_E_RUNTIME, "cannot write recording: "
		    "%s", strerror(errno));
	s->done = true;
}

int
lt_session_open_outputs(struct lt_session *s, FILE *out,
    enum lt_format format, const struct lt_colors *colors, size_t width,
    const char *path, int argc, char **argv, const char *lattice,
    struct lt_error *err)
{
	const struct lt_server_info *si = s->conn ? lt_conn_server(s->conn) :
	    NULL;

	s->out = out;
	s->format = format;
	if (colors)
		s->col = colors;
	lt_lines_init(&s->lines, out, width);
	if (out && (format == LT_FMT_NDJSON || format == LT_FMT_JSON)) {
		s->nd = lt_rec_open_fp(out);
		lt_rec_set_autoflush(s->nd, false);
		lt_rec_set_redaction(s->nd, s->cfg.redact);
		/* stdout is a recording too, valid for 'show' */
		if (lt_rec_write_meta(s->nd, argc, argv, si, lattice, NULL,
		    NULL) == 0)
			stdout_failed(s);
	}
	if (path == NULL)
		return 0;
	if (lt_rec_open(&s->rec, path, s->cfg.redact, err) < 0)
		return -1;
	lt_rec_set_autoflush(s->rec, false);
	if (lt_rec_write_meta(s->rec, argc, argv, si, lattice, NULL, err) == 0)
		return -1;
	return 0;
}

/* Messages the client holds for the session, not yet delivered. The
 * direct handler reads the array while lt_session_start still adds. */
static size_t
pending(struct lt_session *s)
{
	int i, n = __atomic_load_n(&s->nsubs, __ATOMIC_ACQUIRE);
	size_t k = 0;

	for (i = 0; i < n; i++)
		k += lt_sub_pending(__atomic_load_n(&s->subs[i],
		    __ATOMIC_ACQUIRE));
	return k;
}

static const struct source *
source_of(const struct lt_session *s, int tag)
{
	int i;

	for (i = 0; i < s->nsrc; i++)
		if (s->src[i].src.tag == tag)
			return &s->src[i];
	return NULL;
}

void
lt_session_redact(struct lt_session *s, struct lt_msg *m,
    const char *request_subject)
{
	const struct source *src;
	struct lt_msg tmp;
	char *red = NULL;
	size_t n;

	if (m->redacted)
		return;
	src = source_of(s, m->sub_id);
	if (src && src->src.kind == LT_SOURCE_KV && m->len > 0 &&
	    strlen(m->subject) > src->key_at) {
		/* a KV value: by its key's name (lt_redact_kv_value) */
		const char *key = m->subject + src->key_at;

		if (lt_redact_may_change(NULL, m->data, (size_t)m->len,
		    s->cfg.redact) || (s->cfg.redact != LT_REDACT_NONE &&
		    lt_redact_name_is_secret(key))) {
			red = lt_redact_kv_value(key, m->data, (size_t)m->len,
			    s->cfg.redact, &n);
			if (n == (size_t)m->len && !memcmp(red, m->data, n)) {
				free(red);
				red = NULL;
			} else {
				m->data = red;
				m->len = (int)n;
			}
		}
	} else {
		lt_redact_msg_req(m, request_subject, s->cfg.redact, &tmp, &red);
		if (red) {
			m->data = tmp.data;
			m->len = tmp.len;
		}
	}
	if (red) {
		free(m->owned);
		m->owned = red;
		m->json_checked = false;	/* other bytes now */
	}
	m->redacted = true;
}

/* One message through the pipeline: the cheap test, the clock, the
 * source's kind, redaction, the command. True when the command kept m
 * (it then owns what m holds). */
static bool
deliver(struct lt_session *s, struct lt_msg *m)
{
	const struct source *src;
	const char *rs = NULL;
	int pass;
	bool kept;

	if (s->sync_subject && !strcmp(m->subject, s->sync_subject)) {
		s->synced = true;	/* lt_session_sync's own marker */
		lt_feed_nudge(s->feed);
		return false;
	}
	pass = s->cfg.prefilter ? s->cfg.prefilter(s->cfg.ud, m) :
	    LT_SESSION_PASS;
	if (pass == LT_SESSION_DROP) {
		s->prefiltered++;
		return false;
	}
	if (pass == LT_SESSION_CLEAN)
		m->redacted = true;
	if (m->recv_ns == 0)
		m->recv_ns = lt_now_ns();
	if ((src = source_of(s, m->sub_id)) && src->src.kind == LT_SOURCE_KV)
		m->source = LT_MSG_KV;
	if (!s->cfg.redact_on_copy) {
		if (s->cfg.request_subject)
			rs = s->cfg.request_subject(s->cfg.ud, m);
		if (rs != LT_SESSION_REDACT_LATER)
			lt_session_redact(s, m, rs);
	}
	s->messages++;
	kept = s->cfg.on_msg(s->cfg.ud, s, m);
	if (!kept) {
		free(m->owned);
		m->owned = NULL;
	}
	return kept;
}

static void
flush_outputs(struct lt_session *s)
{
	s->dirty = false;
	s->last_flush = lt_mono_ns();
	if (s->nd && lt_rec_flush(s->nd) < 0)
		stdout_failed(s);
	else if (!s->nd && s->out && !s->stdout_closed &&
	    lt_output_flush(s->out) != LT_WRITE_OK)
		stdout_failed(s);
	if (s->rec && lt_rec_flush(s->rec) < 0)
		record_failed(s);
}

/* Messages arrive here on the client's delivery thread, under the feed's
 * handler lock; a stop condition wakes the command thread. */
static void
on_direct(void *ud, const struct lt_item *it)
{
	struct lt_session *s = ud;
	struct lt_msg m = it->msg;
	uint64_t wrote = s->wrote;

	if (s->done || s->stopped)
		return;
	if (s->drain_until && lt_mono_ns() > s->drain_until) {
		s->discarded++;	/* counted: the drain ran out of time */
		return;
	}
	(void)deliver(s, &m);	/* kept: not with direct delivery */
	if (s->wrote == wrote && !s->dirty) {
		;	/* nothing written or waiting: no clock, no lock */
	} else if (lt_mono_ns() - s->last_flush >= FLUSH_MIN_NS &&
	    pending(s) == 0) {
		flush_outputs(s);
	} else if (!s->dirty) {
		s->dirty = true;
		lt_feed_nudge(s->feed);	/* the loop flushes soon */
	}
	if (s->done)
		lt_feed_wake(s->feed);
}

static void
open_source(struct lt_session *s, const struct source *d, struct lt_sub **sub,
    int *rc, struct lt_error *err)
{
	struct lt_stream_start st = { d->src.stream, d->src.subject,
	    d->src.start_ns, d->src.start_seq, false };
	char *kvs = NULL;

	if (d->src.kind == LT_SOURCE_CORE) {
		*rc = lt_sub_open(sub, s->conn, d->src.subject, s->feed,
		    d->src.tag, s->cfg.max_pending, err);
		return;
	}
	if (d->src.kind == LT_SOURCE_KV)
		st.stream = kvs = lt_xasprintf("KV_%s", d->src.stream);
	*rc = lt_sub_open_stream(sub, s->conn, &st, s->feed, d->src.tag,
	    s->cfg.max_pending, err);
	free(kvs);
}

int
lt_session_start(struct lt_session *s, struct lt_error *err)
{
	struct lt_sub *sub;
	int i, rc = 0;

	if (s->cfg.delivery == LT_DELIVER_DIRECT)
		lt_feed_set_handler(s->feed, on_direct, s, LT_FEED_NO_CLOCK);
	for (i = 0; i < s->nsrc && rc == 0; i++) {
		sub = NULL;
		open_source(s, &s->src[i], &sub, &rc, err);
		if (sub == NULL)
			break;
		__atomic_store_n(&s->subs[s->nsubs], sub, __ATOMIC_RELEASE);
		__atomic_store_n(&s->nsubs, s->nsubs + 1, __ATOMIC_RELEASE);
	}
	if (rc < 0)
		return -1;
	return s->conn ? lt_conn_flush(s->conn, err) : 0;
}

struct lt_feed *
lt_session_feed(struct lt_session *s)
{
	return s->feed;
}

int
lt_session_nsources(const struct lt_session *s)
{
	return s->nsrc;
}

void
lt_session_shown(struct lt_session *s)
{
	s->shown++;
	if (s->cfg.idle_ns)	/* --idle counts what was shown only */
		s->last_shown = lt_mono_ns();
	if (s->cfg.max_count && s->shown >= s->cfg.max_count)
		s->done = true;
}

void
lt_session_stop(struct lt_session *s)
{
	s->done = true;
}

bool
lt_session_done(const struct lt_session *s)
{
	return s->done;
}

bool
lt_session_records(const struct lt_session *s)
{
	return s->nd || s->rec;
}

bool
lt_session_ndjson(const struct lt_session *s)
{
	return s->nd != NULL;
}

bool
lt_session_recording(const struct lt_session *s)
{
	return s->rec != NULL;
}

uint64_t
lt_session_seq(const struct lt_session *s)
{
	return s->seq;
}

uint64_t
lt_session_write(struct lt_session *s, const char *kind, int64_t t_ns,
    const struct lt_buf *b)
{
	s->wrote++;
	s->seq++;
	if (s->nd && !s->stdout_closed && lt_rec_write(s->nd, kind, t_ns,
	    b->buf ? b->buf : "", b->len, NULL) == 0)
		stdout_failed(s);
	if (s->rec && lt_rec_write(s->rec, kind, t_ns, b->buf ? b->buf : "",
	    b->len, s->werr.code ? NULL : &s->werr) == 0)
		s->done = true;
	return s->seq;
}

void
lt_session_line(struct lt_session *s, int64_t t_ns, struct lt_buf *line)
{
	s->wrote++;
	if (!s->stdout_closed &&
	    lt_lines_put(&s->lines, t_ns, line) != LT_WRITE_OK)
		stdout_failed(s);
}

void
lt_session_raw(struct lt_session *s, const void *data, size_t len)
{
	s->wrote++;
	if (!s->stdout_closed && (fwrite(data, 1, len, s->out) != len ||
	    fputc('\n', s->out) == EOF))
		stdout_failed(s);
}

/* Record (and show, in text formats) a gap. When every source is a
 * stream, the ordered consumers catch up after a reconnect, so such a
 * gap lost nothing; a client error may have stopped them, so it claims
 * nothing. */
static void
emit_gap(struct lt_session *s, const struct lt_gap *g)
{
	bool recovered = s->streams_only && strcmp(g->reason, "client-error");

	lt_buf_reset(&s->fields);
	lt_gap_format_fields(g, recovered, &s->fields);
	lt_session_write(s, "gap", g->t_ns, &s->fields);
	if (s->out && (s->format == LT_FMT_TEXT || s->format == LT_FMT_WIDE)) {
		lt_buf_reset(&s->line);
		lt_gap_format_text(g, recovered, s->col, &s->line);
		lt_session_line(s, g->t_ns, &s->line);
	}
	if (s->cfg.on_gap)
		s->cfg.on_gap(s->cfg.ud, s, g);
}

void
lt_session_gap(struct lt_session *s, const struct lt_gap *g)
{
	emit_gap(s, g);
}

static void
check_dropped(struct lt_session *s, int64_t t)
{
	struct lt_gap g;
	int64_t total = 0;
	char what[96];
	int i;

	for (i = 0; i < s->nsubs; i++)
		total += lt_sub_dropped(s->subs[i]);
	snprintf(what, sizeof(what), "%s fell behind; the client dropped "
	    "messages", s->cfg.name);
	if (lt_gap_check_dropped(&s->gt, total, t, what, &g))
		emit_gap(s, &g);
}

static void
on_conn_item(struct lt_session *s, const struct lt_item *it)
{
	struct lt_gap g;

	if (it->kind == LT_ITEM_DISCONNECTED && s->cfg.notices)
		fprintf(s->cfg.notices, "latticectl: %s: disconnected from %s, "
		    "reconnecting\n", s->cfg.name, it->detail);
	if (it->kind == LT_ITEM_RECONNECTED && s->cfg.notices)
		fprintf(s->cfg.notices, "latticectl: %s: reconnected to %s\n",
		    s->cfg.name, it->detail);
	if (it->kind == LT_ITEM_CLOSED)
		s->done = s->closed = true;
	else if (it->kind == LT_ITEM_SLOW)
		check_dropped(s, it->t_ns);
	else if (lt_gap_on_item(&s->gt, it, &g))
		emit_gap(s, &g);
	if (s->cfg.on_conn)
		s->cfg.on_conn(s->cfg.ud, s, it);
}

/* One item from the queue: a message (queue delivery), or a connection
 * notice; a nudge only makes the loop look at its deadlines again. */
static void
on_item(struct lt_session *s, struct lt_item *it)
{
	if (it->kind == LT_ITEM_NUDGE)
		return;
	if (it->kind != LT_ITEM_MSG) {
		on_conn_item(s, it);
	} else if (s->done || s->stopped || (s->drain_until &&
	    lt_mono_ns() > s->drain_until)) {
		if (!s->done && !s->stopped)
			s->discarded++;
	} else if (deliver(s, &it->msg)) {
		return;	/* kept: the command owns it */
	}
	lt_item_release(it);
}

static void
tick(struct lt_session *s, bool last)
{
	if (s->cfg.on_tick)
		s->tick_at = s->cfg.on_tick(s->cfg.ud, s, last);
}

static int64_t
earliest(int64_t a, int64_t b)
{
	return a == 0 || (b != 0 && b < a) ? b : a;
}

/* The next deadline (lt_mono_ns clock), 0 for none. */
static int64_t
next_deadline(const struct lt_session *s)
{
	int64_t d = s->cfg.idle_ns ? s->last_shown + s->cfg.idle_ns : 0;

	d = earliest(d, s->cfg.until_ns);
	d = earliest(d, s->cfg.deadline_ns);
	d = earliest(d, s->tick_at);
	if (s->dirty)
		d = earliest(d, lt_mono_ns() + FLUSH_DELAY_NS);
	return d;
}

/* Nothing came before the deadline: which condition holds. False ends
 * the loop. */
static bool
on_timeout(struct lt_session *s)
{
	int64_t now = lt_mono_ns();

	if (s->cfg.until_ns && now >= s->cfg.until_ns) {
		lt_error_set(&s->rerr, LT_E_TIMEOUT, "%s",
		    s->cfg.until_error ? s->cfg.until_error : "timed out");
		return false;
	}
	if (s->cfg.deadline_ns && now >= s->cfg.deadline_ns)
		return false;
	if (s->cfg.idle_ns && s->last_shown + s->cfg.idle_ns <= now)
		return false;
	return true;
}

/* Handle what lt_feed_next returned; false ends the loop. */
static bool
step(struct lt_session *s, int rc, struct lt_item *it)
{
	bool go = true;

	if (rc < 0)
		return false;	/* signal or stop condition: drain, exit 0 */
	if (rc > 0)
		on_item(s, it);
	tick(s, false);
	/* a nudge only brings the delayed flush's deadline */
	if (rc == 0 || (it->kind != LT_ITEM_NUDGE && it->backlog == 0))
		flush_outputs(s);
	if (rc == 0)
		go = on_timeout(s);
	return go && !s->done;
}

static bool
all_drained(struct lt_session *s, int64_t deadline)
{
	int i;

	for (i = 0; i < s->nsubs; i++)
		if (!lt_sub_wait_drained(s->subs[i], deadline))
			return false;
	return true;
}

/* With queue delivery the drained messages come through the feed: take
 * them until every subscription is drained or end passes. */
static void
drain_queue(struct lt_session *s, int64_t end)
{
	struct lt_item it;
	bool drained = false;
	int rc;

	lt_feed_clear_wake(s->feed);
	for (;;) {
		if (!drained)
			drained = all_drained(s, lt_mono_ns());
		rc = lt_feed_next(s->feed, drained ? 1 :
		    lt_mono_ns() + DRAIN_POLL_NS, &it);
		if (rc < 0 || (rc == 0 && (drained || lt_mono_ns() >= end)))
			break;
		lt_feed_lock(s->feed);
		if (rc > 0)
			on_item(s, &it);
		lt_feed_unlock(s->feed);
	}
}

/* The first SIGINT/SIGTERM: the server stops sending and what it sent is
 * delivered into the output and the recording until DRAIN_NS, then
 * counted (discarded), so nothing the server delivered is lost silently.
 * A drain that outlasts DRAIN_COUNT_NS (a handler stuck writing) counts
 * what is still pending and stops. */
static void
drain(struct lt_session *s)
{
	int64_t end;
	int i;

	lt_feed_lock(s->feed);
	if (s->done) {	/* a stop condition came first: nothing to drain */
		lt_feed_unlock(s->feed);
		return;
	}
	s->drain_until = lt_mono_ns() + DRAIN_NS;
	end = s->drain_until + DRAIN_COUNT_NS;
	lt_feed_unlock(s->feed);
	for (i = 0; i < s->nsubs; i++)
		lt_sub_drain(s->subs[i], end - lt_mono_ns());
	if (s->cfg.delivery == LT_DELIVER_DIRECT)
		(void)all_drained(s, end);
	else
		drain_queue(s, end);
	lt_feed_lock(s->feed);
	s->discarded += pending(s);
	if (s->cfg.delivery == LT_DELIVER_QUEUE)
		s->discarded += lt_feed_length(s->feed);
	s->stopped = true;
	lt_feed_unlock(s->feed);
}

/* One turn of the loop: the next item, or none by the next deadline (or
 * by until when that is earlier; 0: no such bound), handled. *rc says
 * which (lt_feed_next's answer; 0 when the session was done already).
 * False ends the loop. */
static bool
turn(struct lt_session *s, int64_t until, int *rc, struct lt_item *it)
{
	int64_t deadline;
	bool go;

	*rc = 0;
	lt_feed_lock(s->feed);
	deadline = s->done ? -1 : earliest(next_deadline(s), until);
	lt_feed_unlock(s->feed);
	if (deadline < 0)
		return false;
	*rc = lt_feed_next(s->feed, deadline, it);
	lt_feed_lock(s->feed);
	go = step(s, *rc, it);
	lt_feed_unlock(s->feed);
	return go;
}

int
lt_session_run(struct lt_session *s, struct lt_error *err)
{
	struct lt_item it;
	int rc;

	lt_feed_lock(s->feed);
	tick(s, false);
	lt_feed_unlock(s->feed);
	while (turn(s, 0, &rc, &it))
		;
	if (lt_sig_count() > 0)
		drain(s);
	lt_feed_lock(s->feed);
	s->stopped = true;
	tick(s, true);		/* what the command still holds goes now */
	s->done = true;
	check_dropped(s, lt_now_ns());
	flush_outputs(s);
	lt_feed_unlock(s->feed);
	if (s->rerr.code != LT_OK) {
		*err = s->rerr;
		return -1;
	}
	if (s->werr.code != LT_OK) {
		*err = s->werr;
		return -1;
	}
	return 0;
}

/* What a pump answers (lt_session_pump); under the lock. */
static int
pump_answer(const struct lt_session *s, struct lt_error *err)
{
	if (s->rerr.code != LT_OK || s->werr.code != LT_OK) {
		*err = s->rerr.code != LT_OK ? s->rerr : s->werr;
		return -1;
	}
	if (s->closed)
		return lt_error_set(err, LT_E_CONNECT, "the connection to the "
		    "server closed");
	if (s->interrupted)
		return lt_error_set(err, LT_E_RUNTIME, "interrupted by a "
		    "signal");
	return s->done ? 1 : 0;
}

/* lt_session_sync's marker came back (a pump then returns early). */
static bool
marker_back(struct lt_session *s)
{
	bool back;

	lt_feed_lock(s->feed);
	back = s->sync_subject && s->synced;
	lt_feed_unlock(s->feed);
	return back;
}

int
lt_session_pump(struct lt_session *s, int64_t until, struct lt_error *err)
{
	struct lt_item it;
	bool go;
	int rc;

	if (until <= 0)
		until = 1;	/* passed: what is queued now */
	while ((go = turn(s, until, &rc, &it)) && !marker_back(s) &&
	    (lt_mono_ns() < until || (rc > 0 && it.backlog > 0)))
		;
	lt_feed_lock(s->feed);
	if (!go) {	/* done, or woken while not done: a signal */
		s->interrupted = s->interrupted || (rc < 0 && !s->done);
		s->done = true;
	}
	rc = pump_answer(s, err);
	lt_feed_unlock(s->feed);
	return rc;
}

int
lt_session_sync(struct lt_session *s, const char *prefix, int64_t deadline,
    struct lt_error *err)
{
	char *subject;
	int rc = 0;

	lt_feed_lock(s->feed);
	subject = lt_xasprintf("%s.%llu", prefix, (unsigned long long)
	    ++s->nsync);
	free(s->sync_subject);
	s->sync_subject = subject;
	s->synced = false;
	lt_feed_unlock(s->feed);
	if (lt_pub(s->conn, subject, "", 0, err) < 0)
		rc = -1;
	while (rc == 0 && !marker_back(s) && lt_mono_ns() < deadline &&
	    (rc = lt_session_pump(s, deadline, err)) == 0)
		;
	if (rc == 1)	/* done: nothing more is delivered anyway */
		rc = 0;
	else if (rc == 0 && !marker_back(s))
		rc = lt_error_set(err, LT_E_TIMEOUT, "the server did not send "
		    "back '%s' within the timeout", subject);
	lt_feed_lock(s->feed);
	free(s->sync_subject);
	s->sync_subject = NULL;
	lt_feed_unlock(s->feed);
	return rc;
}

void
lt_session_lock(struct lt_session *s)
{
	lt_feed_lock(s->feed);
}

void
lt_session_unlock(struct lt_session *s)
{
	lt_feed_unlock(s->feed);
}

int64_t
lt_session_disconnected_at(const struct lt_session *s)
{
	return s->gt.disconnected_at;
}

void
lt_session_flush(struct lt_session *s)
{
	flush_outputs(s);
}

void
lt_session_stats(const struct lt_session *s, struct lt_session_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->shown = s->shown;
	st->gaps = s->gt.gaps;
	st->dropped = (uint64_t)s->gt.dropped + s->discarded;
	st->messages = s->messages;
	st->prefiltered = s->prefiltered;
}

/* A recording's end record (end_fields' members; none when it answers
 * NULL: a valid prefix). */
static int
close_rec(struct lt_session *s, struct lt_rec *r, int rc, bool file,
    struct cJSON *(*end_fields)(void *ud, int rc, bool file),
    struct lt_error *err)
{
	cJSON *f;

	if (r == NULL)
		return 0;
	f = end_fields ? end_fields(s->cfg.ud, rc, file) : cJSON_CreateObject();
	if (f == NULL) {
		lt_rec_abandon(r);
		return 0;
	}
	return lt_rec_close(r, f, err);
}

int
lt_session_close(struct lt_session *s, int rc,
    struct cJSON *(*end_fields)(void *ud, int rc, bool file),
    struct lt_error *err)
{
	int i, ret = 0;

	if (s == NULL)
		return 0;
	lt_sig_set_feed(NULL);
	lt_feed_close(s->feed);
	for (i = 0; i < s->nsubs; i++)
		lt_sub_close(s->subs[i]);
	if (s->conn)
		lt_conn_set_feed(s->conn, NULL);
	lt_feed_destroy(s->feed);
	if (close_rec(s, s->rec, rc, true, end_fields, err) < 0)
		ret = -1;
	if (s->nd && rc == 0 && !s->stdout_closed)
		close_rec(s, s->nd, rc, false, end_fields, NULL);
	else if (s->nd)
		lt_rec_abandon(s->nd);
	for (i = 0; i < s->nsrc; i++) {
		free((char *)s->src[i].src.subject);
		free((char *)s->src[i].src.stream);
	}
	lt_buf_release(&s->fields);
	lt_buf_release(&s->line);
	free(s->sync_subject);
	free(s);
	return ret;
}
