/* sub.h: read-only subscriptions that feed a struct lt_feed. Core
 * subscriptions are always plain (never a queue group); stream reads use
 * ordered, ephemeral, ack-none consumers only (docs/architecture.md,
 * Subscribing safely). */
#ifndef LATTICECTL_SUB_H
#define LATTICECTL_SUB_H

#include <stdbool.h>
#include <stdint.h>

#include "latticectl/conn.h"
#include "latticectl/error.h"
#include "latticectl/feed.h"

struct lt_sub;

/* Plain core subscription on subject; messages go to feed tagged sub_id.
 * max_pending (messages, 0 = library default) bounds the client-side
 * buffer before slow-consumer drops. Caller closes with lt_sub_close. */
int lt_sub_open(struct lt_sub **out, struct lt_conn *c, const char *subject,
    struct lt_feed *feed, int sub_id, int max_pending, struct lt_error *err);

/* Where an ordered stream read starts. */
struct lt_stream_start {
	const char *stream;
	const char *filter;	/* filter subject, NULL for all */
	int64_t start_ns;	/* deliver from this wall time, or */
	uint64_t start_seq;	/* from this sequence, or (both 0) all */
	bool headers_only;
};

/* Ordered consumer on a stream: history from the start point, then live,
 * from the same consumer (so nothing falls between). */
int lt_sub_open_stream(struct lt_sub **out, struct lt_conn *c,
    const struct lt_stream_start *start, struct lt_feed *feed, int sub_id,
    int max_pending, struct lt_error *err);

/* Messages the client dropped on this subscription so far. */
int64_t lt_sub_dropped(struct lt_sub *s);
/* Messages the client holds for this subscription, not yet delivered
 * (it takes the subscription's lock: not for every message). */
size_t lt_sub_pending(struct lt_sub *s);
/* Drain s (the first signal): the server stops sending, and what the
 * client already holds is still handed to the feed, until timeout_ns (then
 * nats.c drops the rest). Returns at once; -1 when it could not start. */
int lt_sub_drain(struct lt_sub *s, int64_t timeout_ns);
/* Wait until s is drained, up to deadline (lt_mono_ns clock): false on
 * timeout. */
bool lt_sub_wait_drained(struct lt_sub *s, int64_t deadline);
/* Unsubscribe and free. NULL is fine. */
void lt_sub_close(struct lt_sub *s);

enum lt_retention {
	LT_RETENTION_LIMITS,
	LT_RETENTION_INTEREST,
	LT_RETENTION_WORKQUEUE,
};

struct lt_stream_info {
	char name[128];
	enum lt_retention retention;
	int64_t max_age_ns;	/* 0: unlimited */
	int64_t max_msgs;
	uint64_t msgs, first_seq, last_seq;
	int64_t first_ns, last_ns;
	int nsubjects;
	char subjects[8][128];
};

/* Stream info by name. Returns 1 and fills info, 0 when the stream does
 * not exist, -1 on error (LT_E_RUNTIME when JetStream is disabled). */
int lt_stream_info(struct lt_conn *c, const char *name,
    struct lt_stream_info *info, struct lt_error *err);

#endif
