/* feed.c: a bounded, blocking queue of items between nats.c callback
 * threads and the command thread. */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "latticectl/feed.h"
#include "latticectl/util.h"
#include "banned.h"

/* Messages the direct handler is done with are released together, up to
 * this many or bytes: nats.c frees messages on its collector thread and
 * wakes it for each release that finds it idle, which in a flood costs
 * more than the message. Up to a batch may stay alive while no message
 * comes (until the handler changes or the feed is destroyed). */
#define DEAD_MAX 256
#define DEAD_BYTES (1024 * 1024)

struct lt_feed {
	pthread_mutex_t mu, handler_mu;
	lt_feed_fn fn;
	void *fn_ud;
	unsigned fn_flags;
	struct lt_item dead[DEAD_MAX];	/* under handler_mu */
	size_t ndead, dead_bytes;
	pthread_cond_t not_empty, not_full;
	struct lt_item *ring;
	size_t cap, head, len;
	bool woken, closed, nudged;
};

struct lt_feed *
lt_feed_create(size_t capacity)
{
	struct lt_feed *f = lt_xcalloc(1, sizeof(*f));
	pthread_condattr_t ca;

	pthread_mutex_init(&f->mu, NULL);
	pthread_mutex_init(&f->handler_mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&f->not_empty, &ca);
	pthread_cond_init(&f->not_full, &ca);
	pthread_condattr_destroy(&ca);
	f->cap = capacity ? capacity : 1;
	f->ring = lt_xcalloc(f->cap, sizeof(*f->ring));
	return f;
}

/* Called with handler_mu held. */
static void
release_dead(struct lt_feed *f)
{
	size_t i;

	for (i = 0; i < f->ndead; i++)
		lt_item_release(&f->dead[i]);
	f->ndead = 0;
	f->dead_bytes = 0;
}

void
lt_feed_destroy(struct lt_feed *f)
{
	struct lt_item it;

	if (f == NULL)
		return;
	lt_feed_close(f);
	release_dead(f);
	while (f->len > 0) {
		it = f->ring[f->head];
		f->head = (f->head + 1) % f->cap;
		f->len--;
		lt_item_release(&it);
	}
	pthread_cond_destroy(&f->not_empty);
	pthread_cond_destroy(&f->not_full);
	pthread_mutex_destroy(&f->mu);
	pthread_mutex_destroy(&f->handler_mu);
	free(f->ring);
	free(f);
}

void
lt_feed_set_handler(struct lt_feed *f, lt_feed_fn fn, void *ud,
    unsigned flags)
{
	pthread_mutex_lock(&f->handler_mu);
	f->fn = fn;
	f->fn_ud = ud;
	f->fn_flags = flags;
	release_dead(f);
	pthread_mutex_unlock(&f->handler_mu);
}

void
lt_feed_lock(struct lt_feed *f)
{
	pthread_mutex_lock(&f->handler_mu);
}

void
lt_feed_unlock(struct lt_feed *f)
{
	pthread_mutex_unlock(&f->handler_mu);
}

/* A message's time of receipt, unless a producer gave one. */
static void
stamp(struct lt_item *it)
{
	if (it->kind == LT_ITEM_MSG && it->t_ns == 0)
		it->t_ns = it->msg.recv_ns = lt_now_ns();
}

/* Hand a message to the direct handler; false when there is none. The
 * message is released with its batch. */
static bool
deliver_direct(struct lt_feed *f, const struct lt_item *item)
{
	struct lt_item it = *item;
	bool handled = false;

	pthread_mutex_lock(&f->handler_mu);
	if (f->fn) {
		if (!(f->fn_flags & LT_FEED_NO_CLOCK))
			stamp(&it);
		if (!f->closed)
			f->fn(f->fn_ud, &it);
		f->dead[f->ndead++] = it;
		f->dead_bytes += it.msg.len > 0 ? (size_t)it.msg.len : 0;
		if (f->ndead == DEAD_MAX || f->dead_bytes >= DEAD_BYTES)
			release_dead(f);
		handled = true;
	}
	pthread_mutex_unlock(&f->handler_mu);
	return handled;
}

void
lt_feed_push(struct lt_feed *f, const struct lt_item *item)
{
	struct lt_item it;

	if (item->kind == LT_ITEM_MSG && deliver_direct(f, item))
		return;
	it = *item;
	stamp(&it);
	pthread_mutex_lock(&f->mu);
	while (f->len == f->cap && !f->closed)
		pthread_cond_wait(&f->not_full, &f->mu);
	if (f->closed) {
		pthread_mutex_unlock(&f->mu);
		lt_item_release(&it);
		return;
	}
	f->ring[(f->head + f->len) % f->cap] = it;
	f->len++;
	pthread_cond_signal(&f->not_empty);
	pthread_mutex_unlock(&f->mu);
}

static void
deadline_ts(int64_t deadline, struct timespec *ts)
{
	ts->tv_sec = (time_t)(deadline / 1000000000LL);
	ts->tv_nsec = (long)(deadline % 1000000000LL);
}

/* Something for lt_feed_next to return. Called with mu held. */
static bool
has_news(const struct lt_feed *f)
{
	return f->len > 0 || f->woken || f->closed || f->nudged;
}

int
lt_feed_next(struct lt_feed *f, int64_t deadline, struct lt_item *item)
{
	struct timespec ts;
	int rc = 1;

	deadline_ts(deadline, &ts);
	pthread_mutex_lock(&f->mu);
	while (!has_news(f)) {
		if (deadline == 0) {
			pthread_cond_wait(&f->not_empty, &f->mu);
		} else if (pthread_cond_timedwait(&f->not_empty, &f->mu,
		    &ts) != 0 && !has_news(f)) {
			rc = 0;
			break;
		}
	}
	if (rc == 1 && (f->woken || (f->len == 0 && !f->nudged)))
		rc = -1;
	if (rc == 1 && f->nudged) {
		memset(item, 0, sizeof(*item));
		item->kind = LT_ITEM_NUDGE;
		item->backlog = f->len;
		f->nudged = false;
	} else if (rc == 1) {
		*item = f->ring[f->head];
		f->head = (f->head + 1) % f->cap;
		f->len--;
		item->backlog = f->len;
		pthread_cond_signal(&f->not_full);
	}
	pthread_mutex_unlock(&f->mu);
	return rc;
}

void
lt_feed_nudge(struct lt_feed *f)
{
	pthread_mutex_lock(&f->mu);
	f->nudged = true;
	pthread_cond_broadcast(&f->not_empty);
	pthread_mutex_unlock(&f->mu);
}

void
lt_feed_wake(struct lt_feed *f)
{
	pthread_mutex_lock(&f->mu);
	f->woken = true;
	pthread_cond_broadcast(&f->not_empty);
	pthread_mutex_unlock(&f->mu);
}

void
lt_feed_clear_wake(struct lt_feed *f)
{
	pthread_mutex_lock(&f->mu);
	f->woken = false;
	pthread_mutex_unlock(&f->mu);
}

void
lt_feed_close(struct lt_feed *f)
{
	pthread_mutex_lock(&f->handler_mu);
	pthread_mutex_lock(&f->mu);
	f->closed = true;
	pthread_cond_broadcast(&f->not_empty);
	pthread_cond_broadcast(&f->not_full);
	pthread_mutex_unlock(&f->mu);
	pthread_mutex_unlock(&f->handler_mu);
}

size_t
lt_feed_length(struct lt_feed *f)
{
	size_t n;

	pthread_mutex_lock(&f->mu);
	n = f->len;
	pthread_mutex_unlock(&f->mu);
	return n;
}

void
lt_item_release(struct lt_item *item)
{
	if (item->kind == LT_ITEM_MSG)
		lt_msg_release(&item->msg);
}
