/* feed.h: the one queue a command reads. Subscriptions push messages into
 * it and the connection pushes gap notices, all in arrival order; the
 * command thread pops them with a deadline. Data flows one way:
 * nats.c callback -> feed -> decode -> filter -> format/record. */
#ifndef LATTICECTL_FEED_H
#define LATTICECTL_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "latticectl/msg.h"

enum lt_item_kind {
	LT_ITEM_MSG,
	LT_ITEM_DISCONNECTED,
	LT_ITEM_RECONNECTED,
	LT_ITEM_SLOW,		/* a subscription dropped messages */
	LT_ITEM_CLOSED,		/* connection closed for good */
	LT_ITEM_ERROR,		/* an asynchronous client error (detail) */
	LT_ITEM_NUDGE,		/* lt_feed_nudge: recompute deadlines */
};

struct lt_item {
	enum lt_item_kind kind;
	int64_t t_ns;
	struct lt_msg msg;	/* LT_ITEM_MSG */
	int sub_id;		/* LT_ITEM_SLOW */
	size_t backlog;		/* items still queued after this one (0 for
				 * a direct handler: see lt_sub_pending) */
	char detail[160];	/* server URL or error text */
};

struct lt_feed;

/* capacity bounds the queue; producers block when it is full so that the
 * client library's own pending limits (and slow-consumer accounting)
 * apply. */
struct lt_feed *lt_feed_create(size_t capacity);
/* Wake all waiters and free. Items still queued are released. */
void lt_feed_destroy(struct lt_feed *f);

/* Direct delivery for hot paths (watch): messages are handed to fn on the
 * client library's delivery thread instead of being queued, saving a
 * thread hand-off per message; control items (gaps) still queue for
 * lt_feed_next. fn runs under the feed's handler lock and must not keep
 * the item; code on other threads that touches fn's state takes the same
 * lock with lt_feed_lock/lt_feed_unlock. After lt_feed_close, fn is no
 * longer called. */
typedef void (*lt_feed_fn)(void *ud, const struct lt_item *item);
/* flags: LT_FEED_NO_CLOCK hands messages to fn without a time of receipt
 * (t_ns and msg.recv_ns 0): fn runs on receipt and reads the clock for the
 * messages it keeps, so those it drops (a filter) cost no clock read. */
#define LT_FEED_NO_CLOCK 1u
void lt_feed_set_handler(struct lt_feed *f, lt_feed_fn fn, void *ud,
    unsigned flags);
void lt_feed_lock(struct lt_feed *f);
void lt_feed_unlock(struct lt_feed *f);

/* Producers (nats.c threads): the feed takes the item's message (sub.c
 * makes it from nats.c's) and, for a queue, reads the clock (t_ns). */
void lt_feed_push(struct lt_feed *f, const struct lt_item *item);

/* Pop the next item, waiting until deadline (lt_mono_ns() clock; 0 waits
 * forever). Returns 1 with *item filled, 0 on deadline, -1 when woken by
 * lt_feed_wake or closed. The caller releases the item. */
int lt_feed_next(struct lt_feed *f, int64_t deadline, struct lt_item *item);
/* Make a waiting lt_feed_next return an LT_ITEM_NUDGE item (once, before
 * queued items), so that the command thread looks at state a direct
 * handler changed. Never blocks: safe from the direct handler. */
void lt_feed_nudge(struct lt_feed *f);
/* Make a waiting lt_feed_next return -1 (signals, shutdown). Sticky until
 * lt_feed_clear_wake. */
void lt_feed_wake(struct lt_feed *f);
void lt_feed_clear_wake(struct lt_feed *f);
/* Stop accepting items; producers drop instead of blocking. */
void lt_feed_close(struct lt_feed *f);
size_t lt_feed_length(struct lt_feed *f);

/* Free what an item holds (its message: lt_msg_release). */
void lt_item_release(struct lt_item *item);

#endif
