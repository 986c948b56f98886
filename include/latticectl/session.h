/* session.h: the observation pipeline (docs/architecture.md, Data path).
 * A streaming command describes the sources it wants (core subjects,
 * ordered stream consumers for history, KV bucket watches), its outputs
 * (a recording file, ndjson on stdout) and its stop conditions, and
 * supplies an on_msg callback. The session owns the rest: the feed, the
 * subscriptions, locking and the delivery thread, the time of receipt,
 * the cheap raw-bytes test, redaction (once, on arrival), meta, gap and
 * end records, flushing, EPIPE and a reader that went away, signals (the
 * first drains), disconnect and reconnect lines, slow-consumer drops and
 * the counters of the summary.
 *
 * The command's callbacks are never run concurrently: each message, in
 * arrival order, from every source, reaches on_msg already redacted,
 * stamped and tagged with the source that brought it; on_gap and on_tick
 * run between messages. With direct delivery they run on nats.c's
 * delivery thread, else on the thread in lt_session_run; either way under
 * the session's lock, so the command needs none of its own.
 *
 * Typical use (watch, sub, kv watch, diagnose):
 *
 *	struct lt_session_config sc = LT_SESSION_CONFIG_INIT;
 *	sc.name = "watch"; sc.ud = w; sc.on_msg = on_msg; ...
 *	lt_session_create(&s, conn, &sc, err);
 *	src.kind = LT_SOURCE_CORE; src.tag = TAG; src.subject = subj;
 *	lt_session_add(s, &src, err);		... one per source ...
 *	lt_session_open_outputs(s, ...);
 *	lt_session_start(s, err);
 *	rc = lt_session_run(s, err);	... summary from lt_session_stats ...
 *	lt_session_close(s, rc, end_fields, err);
 *
 * A command that drives instead of following (replay: requests between
 * waits) pumps instead of running: lt_session_pump(s, deadline, err)
 * between its requests, and lt_session_lock around what its callbacks
 * share with the request path.
 *
 * Each message says where it came from: msg->sub_id is the tag of the
 * source that brought it, msg->source its kind (LT_MSG_CORE, LT_MSG_STREAM
 * with stream_seq/stream_ns/pending, LT_MSG_KV with the revision in
 * stream_seq), so one on_msg can combine lattice events, wadm status and
 * commands, KV changes and observed requests in one ordered stream.
 *
 * The library prints nothing on its own: notices (disconnected,
 * reconnected, drops) go to the FILE the command hands over (NULL: quiet),
 * results to its output stream. */
#ifndef LATTICECTL_SESSION_H
#define LATTICECTL_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "latticectl/buf.h"
#include "latticectl/error.h"
#include "latticectl/gap.h"
#include "latticectl/msg.h"
#include "latticectl/output.h"
#include "latticectl/redact.h"

struct cJSON;
struct lt_conn;
struct lt_session;
struct lt_stream_info;

/* What a source reads. Core and stream sources are read-only by
 * construction (sub.h: plain subscriptions, ordered ephemeral ack-none
 * consumers; docs/architecture.md, Subscribing safely). */
enum lt_source_kind {
	LT_SOURCE_CORE,		/* a plain core subscription on subject */
	LT_SOURCE_STREAM,	/* an ordered consumer on stream: history from
				 * the start point, then live */
	LT_SOURCE_KV,		/* a KV bucket (stream KV_<bucket>), its
				 * changes: after its last revision, or from
				 * the start point */
};

/* One source a command asks for. tag is the command's own name for it:
 * every message it brings has msg->sub_id == tag (any int; commands that
 * mix sources give each its own). */
struct lt_session_source {
	enum lt_source_kind kind;
	int tag;
	const char *subject;	/* CORE: the subject; STREAM: a filter
				 * subject (NULL: the whole stream); KV:
				 * unused (the whole bucket) */
	const char *stream;	/* STREAM: the stream; KV: the bucket */
	int64_t start_ns;	/* STREAM, KV: from this wall time, or */
	uint64_t start_seq;	/* from this sequence; both 0: a stream from
				 * its first message, a bucket after its
				 * last revision (live changes only) */
	bool subjects_if_absent;	/* KV: a bucket that does not exist
				 * yet (hosts create CONFIGDATA) is read
				 * through its subjects instead: a CORE
				 * source on $KV.<bucket>.>, no revisions */
};

/* How messages reach on_msg (docs/architecture.md, Threads). */
enum lt_session_delivery {
	LT_DELIVER_QUEUE,	/* through the feed's bounded queue, on the
				 * thread that runs lt_session_run (a
				 * command that keeps messages: sub) */
	LT_DELIVER_DIRECT,	/* on nats.c's delivery thread, no hand-off
				 * (the hot path: watch) */
};

/* What lt_session_config.prefilter answers. */
#define LT_SESSION_PASS 1	/* deliver (clock, redaction, on_msg) */
#define LT_SESSION_DROP 0	/* not wanted: nothing more is done */
#define LT_SESSION_CLEAN 2	/* deliver; the prefilter's scan found that
				 * redaction leaves the payload as it is, so
				 * it arrives marked redacted, unscanned */

/* request_subject's answer for a message whose redaction must wait: the
 * message reaches on_msg as received (msg->redacted false) and the
 * command calls lt_session_redact on it once it knows its request. */
#define LT_SESSION_REDACT_LATER ((const char *)1)

struct lt_session_config {
	const char *name;	/* "watch", "kv watch": notices, gap text */
	void *ud;		/* handed to every callback */
	enum lt_session_delivery delivery;
	enum lt_redact_mode redact;	/* --show-secrets, --redact-all */
	/* Redaction happens when the payload is copied into a record
	 * (lt_rec_add_msg_payload, one pass over the bytes): only for a
	 * command whose on_msg does nothing with the payload but record it
	 * (watch -o ndjson without filters; a command that turns messages
	 * into records with observe.h, whose lt_observe_msg redacts each
	 * payload once as it adds it, a reply as its request asks).
	 * Messages then arrive with msg->redacted false; one the command
	 * shows otherwise goes through lt_session_redact first. */
	bool redact_on_copy;
	/* The cheap test on the raw bytes, before the clock is read and
	 * before redaction (filter.h, lt_filter_may_match_unredacted); NULL:
	 * every message passes. It must not keep m, show or record it. */
	int (*prefilter)(void *ud, const struct lt_msg *m);
	/* For a message that may be a reply: the subject of its request, so
	 * that a reply to a secret config request is masked whole
	 * (lt_redact_subject), NULL when none, or LT_SESSION_REDACT_LATER
	 * when only the command's pairing can tell (sub --match-replies).
	 * It must not keep m. */
	const char *(*request_subject)(void *ud, const struct lt_msg *m);
	/* Each message, redacted, stamped (recv_ns), in arrival order.
	 * Return true to keep it (queue delivery only): the command then
	 * owns it and frees it with lt_msg_release. */
	bool (*on_msg)(void *ud, struct lt_session *s, struct lt_msg *m);
	/* Optional: after the session wrote a gap's record and line. */
	void (*on_gap)(void *ud, struct lt_session *s, const struct lt_gap *g);
	/* Optional: each connection notice (disconnected, reconnected,
	 * closed, a client error, drops), after the session handled it (a
	 * gap it completed went to on_gap first); on the command thread. */
	void (*on_conn)(void *ud, struct lt_session *s,
	    const struct lt_item *it);
	/* Optional: on the command thread after each item or timeout, and
	 * once more with last true before the session stops (release what is
	 * held). Returns the next time it needs a tick (lt_mono_ns clock),
	 * 0 for none. */
	int64_t (*on_tick)(void *ud, struct lt_session *s, bool last);

	/* Stop conditions (0: none). */
	uint64_t max_count;	/* stop after this many lt_session_shown */
	int64_t idle_ns;	/* stop after this long without one */
	int64_t until_ns;	/* lt_mono_ns: stop with LT_E_TIMEOUT and
				 * until_error (a --until that never came) */
	const char *until_error;
	int64_t deadline_ns;	/* lt_mono_ns: stop, exit 0 (--timeout of
				 * a command that follows for a while) */

	int max_pending;	/* client-side buffer per subscription in
				 * messages before drops (0: nats.c's) */
	FILE *notices;		/* "disconnected from", "reconnected to"
				 * lines; NULL: quiet (-q) */
};

#define LT_SESSION_CONFIG_INIT { 0 }

/* The counters of a summary. */
struct lt_session_stats {
	uint64_t shown;		/* lt_session_shown calls */
	uint64_t gaps;		/* gap records written */
	uint64_t dropped;	/* lost: slow-consumer drops, and after a
				 * signal what the drain had no time for */
	uint64_t messages;	/* delivered to on_msg */
	uint64_t prefiltered;	/* dropped by prefilter */
};

/* A session on conn (connected; the session registers itself for its
 * connection notices and the first signal). Nothing is subscribed yet.
 * conn NULL: no network at all, only what is pushed into lt_session_feed
 * (unit tests); stream and KV sources are then refused. */
int lt_session_create(struct lt_session **out, struct lt_conn *conn,
    const struct lt_session_config *cfg, struct lt_error *err);

/* Ask for a source; subscribed by lt_session_start, in the order added.
 * A STREAM or KV source must be a limits stream (reading another could
 * take work from wadm: LT_E_RUNTIME); a bucket or stream that does not
 * exist is LT_E_RUNTIME. At most 32 sources (LT_E_USAGE). */
int lt_session_add(struct lt_session *s, const struct lt_session_source *src,
    struct lt_error *err);

/* Outputs (before lt_session_start). out is the command's stdout, in
 * format: ndjson (or json) makes it a recording (records as ndjson, with
 * meta and end records); text and wide get gap lines (lt_gap_format_text,
 * coloured with colors) and the command's lt_session_line; raw gets
 * lt_session_raw only; out NULL: nothing on stdout (a command that
 * prints its own account at the end: replay). width cuts text lines
 * (lt_lines). path (NULL: none) is a recording file (file.h's rules,
 * lt_rec_open). A meta record goes to each recording (argv, the server,
 * lattice, the redaction mode). A failed meta write on stdout ends the
 * session as any write does. */
int lt_session_open_outputs(struct lt_session *s, FILE *out,
    enum lt_format format, const struct lt_colors *colors, size_t width,
    const char *path, int argc, char **argv, const char *lattice,
    struct lt_error *err);

/* Subscribe every source and flush the connection: from here on_msg may
 * run (on the delivery thread, for LT_DELIVER_DIRECT). */
int lt_session_start(struct lt_session *s, struct lt_error *err);
/* The session's feed, for producers other than its sources (unit tests
 * push messages and connection notices through the whole pipeline). */
struct lt_feed *lt_session_feed(struct lt_session *s);
/* Sources asked for (all subscribed after lt_session_start). */
int lt_session_nsources(const struct lt_session *s);
/* Stream information of a STREAM or KV source taken when it was added
 * (last_seq: where history ends and live begins), or NULL. */
const struct lt_stream_info *lt_session_stream_info(
    const struct lt_session *s, int tag);

/* Run until a stop condition, a closed connection, a write failure or a
 * signal (the first drains: what the server already sent is delivered
 * for up to a second, the rest counted as dropped). Returns 0, or -1 with
 * err (LT_E_TIMEOUT: until_ns passed; a write failure of the recording,
 * or of stdout other than EPIPE / a reader gone, LT_E_RUNTIME). */
int lt_session_run(struct lt_session *s, struct lt_error *err);

/* For a command that drives (docs/architecture.md, Threads): deliver and
 * handle what comes until deadline_ns (lt_mono_ns clock; one passed
 * already: only what is queued now), flushing as lt_session_run does;
 * items still queued at the deadline are handled before it returns.
 * Returns 0 at the deadline; 1 before it when the session is done (a
 * stop condition, lt_session_stop); -1 with err when the command cannot
 * go on: the connection closed for good (LT_E_CONNECT), a signal came
 * (LT_E_RUNTIME; no drain: the command stops), until_ns passed
 * (LT_E_TIMEOUT), the recording or stdout failed (LT_E_RUNTIME). The
 * same answer again on every later call. Not from a callback. */
int lt_session_pump(struct lt_session *s, int64_t deadline_ns,
    struct lt_error *err);
/* Pump until everything the server sent before now has reached on_msg:
 * publishes an empty marker on prefix.<n>, a subject one of the
 * session's core sources covers (an inbox of the command's own), and
 * pumps until that source brings it back (nats.c delivers every
 * subscription's messages in arrival order; the marker never reaches
 * the command). For a command that must not begin a new phase while the
 * observed copy of a reply it already has is still on its way. 0, or -1
 * with err as lt_session_pump, or LT_E_TIMEOUT when the marker was not
 * back by deadline_ns. Not from a callback. */
int lt_session_sync(struct lt_session *s, const char *prefix,
    int64_t deadline_ns, struct lt_error *err);
/* The session's lock, which every callback runs under (on the delivery
 * thread with LT_DELIVER_DIRECT): a driving command takes it around
 * the state it shares with its callbacks and around lt_session_write,
 * lt_session_gap and lt_session_flush outside them. Never held across
 * a request: the delivery thread that brings its reply would wait. */
void lt_session_lock(struct lt_session *s);
void lt_session_unlock(struct lt_session *s);
/* When the connection went down, on the command thread's clock of the
 * notices (lt_now_ns), while it is down; 0 while it is up (as far as the
 * notices pumped or run so far tell). */
int64_t lt_session_disconnected_at(const struct lt_session *s);

/* From the callbacks. */
/* Count one item shown (--count, --idle, the summary). */
void lt_session_shown(struct lt_session *s);
/* Stop after this callback (an --until that matched). */
void lt_session_stop(struct lt_session *s);
bool lt_session_done(const struct lt_session *s);
/* Write a record of kind at t_ns (0: now) to stdout (ndjson) and the
 * recording, fields being its members (rec.h, lt_rec_write: redacted as
 * they were added). Returns its record number (seq), counted as the
 * recordings count them (meta is 1) also when nothing is written. */
uint64_t lt_session_write(struct lt_session *s, const char *kind,
    int64_t t_ns, const struct lt_buf *fields);
/* The record number of the last record written (a gap's, in on_gap). */
uint64_t lt_session_seq(const struct lt_session *s);
/* Whether records go anywhere (ndjson stdout or a recording), and to
 * stdout. */
bool lt_session_records(const struct lt_session *s);
bool lt_session_ndjson(const struct lt_session *s);
/* Whether a recording file is open (lt_session_open_outputs' path). */
bool lt_session_recording(const struct lt_session *s);
/* line, showing time t_ns (0: none), on the text output (lt_lines_put);
 * data as raw bytes and a newline. */
void lt_session_line(struct lt_session *s, int64_t t_ns, struct lt_buf *line);
void lt_session_raw(struct lt_session *s, const void *data, size_t len);
/* Record (and show, in text formats) a gap the command noticed itself
 * (replay: an outage not over when it gives up), as the session records
 * its own: the record, the line, then on_gap. */
void lt_session_gap(struct lt_session *s, const struct lt_gap *g);
/* Write out what the outputs hold now (a command about to read its own
 * recording back). */
void lt_session_flush(struct lt_session *s);
/* Redact m now, as the reply to request_subject (NULL: none): for a
 * message request_subject deferred. Marks m redacted; m then owns the
 * new bytes (lt_msg_release frees them). A redacted m is left alone. */
void lt_session_redact(struct lt_session *s, struct lt_msg *m,
    const char *request_subject);

/* Counters so far. */
void lt_session_stats(const struct lt_session *s, struct lt_session_stats *st);

/* Stop the sources, write the end records and free. end_fields (may be
 * NULL) is called once per recording with file true for the --record
 * file, false for ndjson stdout, and returns the end record's members
 * (taken), or NULL for no end record (the recording stays a valid
 * prefix: replay after a failure). ndjson stdout gets an end record only
 * when rc is 0 and stdout still works; the file always. Returns the
 * first write error of the end records as -1 with err (may be NULL).
 * NULL s is fine. */
int lt_session_close(struct lt_session *s, int rc,
    struct cJSON *(*end_fields)(void *ud, int rc, bool file),
    struct lt_error *err);

#endif
