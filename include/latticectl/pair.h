/* pair.h: request/reply pairing for passive observers ('sub
 * --match-replies', 'replay' recordings). A request is a message with a
 * reply subject; its replies are the messages later seen on that reply
 * subject (docs/protocol.md, Client timeouts and inboxes). Scatter/gather
 * requests (host.ping, auctions) get several replies on one inbox, so a
 * request stays open for its whole window (timeout) and each reply is
 * numbered; an empty 503 status is a no-responders marker. A request that
 * saw no reply within its window is unanswered.
 *
 * Times are whatever clock the caller uses consistently (message receive
 * times in ns). Not thread-safe: one caller thread. Strings in a struct
 * lt_pair_match are borrowed until the next call on the tracker. */
#ifndef LATTICECTL_PAIR_H
#define LATTICECTL_PAIR_H

#include <stdbool.h>
#include <stdint.h>

enum lt_pair_kind {
	LT_PAIR_REPLY,		/* a reply to an open request */
	LT_PAIR_NO_RESPONDERS,	/* the 503 status on its reply subject */
	LT_PAIR_UNANSWERED,	/* window ended without any reply */
	LT_PAIR_ANSWERED,	/* window ended after nreplies replies */
	LT_PAIR_OPEN,		/* still in its window (lt_pair_drain) */
};

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
	int64_t lat_min_ns, lat_max_ns, lat_sum_ns; /* first replies only */
};

struct lt_pair;

/* A tracker whose requests stay open for window_ns. Caller destroys. */
struct lt_pair *lt_pair_create(int64_t window_ns);
void lt_pair_destroy(struct lt_pair *p);

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

/* Close every request whose window ended at or before now_ns, calling fn
 * (may be NULL) with UNANSWERED, ANSWERED or NO_RESPONDERS (a 503 closed
 * it: it takes no more replies) for each, oldest first.
 * Returns how many closed. */
uint64_t lt_pair_expire(struct lt_pair *p, int64_t now_ns, lt_pair_fn fn,
    void *ud);
/* When the oldest open window ends, or 0 when none is open. */
int64_t lt_pair_next_expiry(const struct lt_pair *p);
/* Close everything still open, calling fn with OPEN (no reply yet),
 * ANSWERED (at least one) or NO_RESPONDERS for each; for exit. */
void lt_pair_drain(struct lt_pair *p, lt_pair_fn fn, void *ud);

const struct lt_pair_stats *lt_pair_stats(const struct lt_pair *p);
/* "reply", "no-responders", "unanswered", "answered", "open". */
const char *lt_pair_kind_name(enum lt_pair_kind k);

#endif
