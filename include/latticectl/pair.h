/* pair.h: request/reply pairing for passive observers ('sub
 * --match-replies', 'replay' recordings). A request is a message with a
 * reply subject; its replies are the messages later seen on that reply
 * subject (docs/protocol.md, Client timeouts and inboxes). Scatter/gather
 * requests (host.ping, auctions) get several replies on one inbox, so a
 * request stays open for its whole window (timeout) and each reply is
 * numbered; an empty 503 status is a no-responders marker. A request that
 * saw no reply within its window is unanswered.
 *
 * A reply the server generates itself ($JS.API replies, 503s, PubAcks)
 * can reach an observer before the request it answers. The caller holds
 * such a message (lt_pair_hold) for a short window keyed by its subject;
 * a request that names it as reply subject then takes it
 * (lt_pair_take_held), paired but marked before_request, with no latency.
 * Held replies are bounded in number and bytes; the oldest gives way.
 *
 * Times are whatever clock the caller uses consistently (message receive
 * times in ns). Not thread-safe: one caller thread. Strings in a struct
 * lt_pair_match are borrowed until the next call on the tracker. */
#ifndef LATTICECTL_PAIR_H
#define LATTICECTL_PAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum lt_pair_kind {
	LT_PAIR_REPLY,		/* a reply to an open request */
	LT_PAIR_NO_RESPONDERS,	/* the 503 status on its reply subject */
	LT_PAIR_UNANSWERED,	/* window ended without any reply */
	LT_PAIR_ANSWERED,	/* window ended after nreplies replies */
	LT_PAIR_OPEN,		/* still in its window (lt_pair_drain) */
	LT_PAIR_UNMATCHED,	/* a held message no request claimed */
};

/* How long and how many messages lt_pair_hold keeps by default. */
#define LT_PAIR_HOLD_NS (250 * 1000000LL)
#define LT_PAIR_HOLD_MAX 1024
#define LT_PAIR_HOLD_BYTES (8u << 20)

struct lt_pair_match {
	enum lt_pair_kind kind;
	uint64_t id;		/* pair id: the request's number, from 1 */
	uint64_t tag;		/* the caller's value given with the request */
	const char *subject;	/* request subject */
	const char *reply;	/* its reply subject */
	int64_t req_ns;		/* when the request was seen */
	int64_t latency_ns;	/* REPLY, NO_RESPONDERS: since the request */
	unsigned nreplies;	/* REPLY: this reply's number (1: first);
				 * ANSWERED/OPEN: replies seen */
	bool before_request;	/* REPLY, NO_RESPONDERS: seen before its
				 * request; latency_ns is 0, not a time */
	bool evicted;		/* UNMATCHED: released early (hold full) */
	void *data;		/* the caller's, given to lt_pair_hold */
};

struct lt_pair_stats {
	uint64_t requests;	/* tracked (had a reply subject) */
	uint64_t untracked;	/* published without a reply subject */
	uint64_t replies;	/* every matched reply, extra ones included */
	uint64_t paired;	/* requests with at least one reply */
	uint64_t extra;		/* second and later replies */
	uint64_t no_responders;
	uint64_t unanswered;	/* windows ended without a reply */
	uint64_t unmatched;	/* replies to no open request */
	uint64_t open;		/* requests still in their window */
	uint64_t before_request; /* replies seen before their request */
	uint64_t held;		/* held now (lt_pair_hold) */
	uint64_t evicted;	/* held ones released early: hold full */
	uint64_t timed;		/* first replies with a latency */
	int64_t lat_min_ns, lat_max_ns, lat_sum_ns; /* of those */
};

struct lt_pair;

/* A tracker whose requests stay open for window_ns, holding replies as
 * the LT_PAIR_HOLD_* defaults say. Caller destroys (after
 * lt_pair_release_held, which hands back every held data). */
struct lt_pair *lt_pair_create(int64_t window_ns);
void lt_pair_destroy(struct lt_pair *p);
/* Hold for hold_ns, at most max messages and max_bytes of them. */
void lt_pair_set_hold(struct lt_pair *p, int64_t hold_ns, size_t max,
    size_t max_bytes);

/* Note a request seen at t_ns. Returns its pair id, or 0 when reply is
 * NULL or empty (a plain publish: counted, not tracked). A reply subject
 * reused while still open starts a new pair; the old one keeps its
 * window but gets no more replies. */
uint64_t lt_pair_request(struct lt_pair *p, const char *subject,
    const char *reply, int64_t t_ns, uint64_t tag);

/* A message on subject at t_ns: 1 with *out filled when it is a reply to
 * an open request, else 0 (counted as unmatched only when counted is
 * true: the caller knows it was on a reply subject). */
int lt_pair_reply(struct lt_pair *p, const char *subject, int64_t t_ns,
    bool no_responders, bool counted, struct lt_pair_match *out);

typedef void (*lt_pair_fn)(void *ud, const struct lt_pair_match *m);

/* Hold a message seen at t_ns on subject, a reply subject, that matched
 * no open request (lt_pair_reply returned 0, counted false): its request
 * may still come. data (bytes long) is the caller's; it comes back in a
 * match from lt_pair_take_held, or UNMATCHED from lt_pair_release_held or
 * from here through fn when the hold is full and the oldest gives way. */
void lt_pair_hold(struct lt_pair *p, const char *subject, int64_t t_ns,
    bool no_responders, size_t bytes, void *data, lt_pair_fn fn, void *ud);
/* After lt_pair_request: pair the oldest message held on reply with the
 * request just made for it. 1 with *out filled (REPLY or NO_RESPONDERS,
 * before_request, data set), 0 when none is held. Call until 0. */
int lt_pair_take_held(struct lt_pair *p, const char *reply,
    struct lt_pair_match *out);
/* Release every held message whose hold ended at or before now_ns
 * (INT64_MAX: all), oldest first, calling fn with UNMATCHED; each counts
 * as unmatched. Returns how many. */
uint64_t lt_pair_release_held(struct lt_pair *p, int64_t now_ns,
    lt_pair_fn fn, void *ud);

/* Close every request whose window ended at or before now_ns, calling fn
 * (may be NULL) with UNANSWERED, ANSWERED or NO_RESPONDERS (a 503 closed
 * it: it takes no more replies) for each, oldest first.
 * Returns how many closed. */
uint64_t lt_pair_expire(struct lt_pair *p, int64_t now_ns, lt_pair_fn fn,
    void *ud);
/* When the oldest open window or hold ends, or 0 when none is open. */
int64_t lt_pair_next_expiry(const struct lt_pair *p);
/* Close everything still open, calling fn with OPEN (no reply yet),
 * ANSWERED (at least one) or NO_RESPONDERS for each; for exit. */
void lt_pair_drain(struct lt_pair *p, lt_pair_fn fn, void *ud);

const struct lt_pair_stats *lt_pair_stats(const struct lt_pair *p);
/* "reply", "no-responders", "unanswered", "answered", "open",
 * "unmatched". */
const char *lt_pair_kind_name(enum lt_pair_kind k);

#endif
