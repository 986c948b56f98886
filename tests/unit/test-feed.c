/* test-feed.c: the bounded queue between client threads and the command
 * thread: order and backlog, ring wrap-around, deadlines, nudge, wake,
 * close (drains, then -1; producers drop instead of blocking), a full
 * queue blocking its producer, a producer/consumer pair on threads, and
 * the direct handler. Every wait has a deadline; nothing sleeps. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "latticectl/feed.h"
#include "latticectl/util.h"
#include "tap.h"

#define SEC 1000000000LL
#define WAIT (10 * SEC)		/* the deadline of every wait */

static struct lt_item
item(enum lt_item_kind kind, int64_t t)
{
	struct lt_item it;

	memset(&it, 0, sizeof(it));
	it.kind = kind;
	it.t_ns = t;
	snprintf(it.detail, sizeof(it.detail), "item %lld", (long long)t);
	return it;
}

static int
next(struct lt_feed *f, struct lt_item *it)
{
	return lt_feed_next(f, lt_mono_ns() + WAIT, it);
}

/* Join th, giving up after WAIT: 0 when it ended. */
static int
join(pthread_t th)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += WAIT / SEC;
	return pthread_timedjoin_np(th, NULL, &ts);
}

static void
test_order(void)
{
	struct lt_feed *f = lt_feed_create(4);
	struct lt_item it, a = item(LT_ITEM_DISCONNECTED, 11);
	int i, good = 1;

	lt_feed_push(f, &a);
	a = item(LT_ITEM_RECONNECTED, 12);
	lt_feed_push(f, &a);
	a = item(LT_ITEM_ERROR, 13);
	lt_feed_push(f, &a);
	is_int(lt_feed_length(f), 3, "three queued");
	is_int(next(f, &it), 1, "first popped");
	ok(it.kind == LT_ITEM_DISCONNECTED && it.t_ns == 11 &&
	    !strcmp(it.detail, "item 11"), "first in, first out, detail kept");
	is_int(it.backlog, 2, "backlog 2 after the first");
	next(f, &it);
	ok(it.kind == LT_ITEM_RECONNECTED && it.backlog == 1, "second");
	next(f, &it);
	ok(it.kind == LT_ITEM_ERROR && it.t_ns == 13 && it.backlog == 0,
	    "third, backlog 0");
	is_int(lt_feed_length(f), 0, "empty again");
	/* wrap around the ring of 4 many times, 3 in flight */
	for (i = 0; i < 3; i++) {
		a = item(LT_ITEM_ERROR, 100 + i);
		lt_feed_push(f, &a);
	}
	for (i = 3; i < 40 && good; i++) {
		a = item(LT_ITEM_ERROR, 100 + i);
		lt_feed_push(f, &a);
		good = next(f, &it) == 1 && it.t_ns == 100 + i - 3 &&
		    it.backlog == 3;
	}
	ok(good, "order kept across ring wrap-around (stopped at %d)", i);
	is_int(lt_feed_length(f), 3, "three left");
	lt_feed_destroy(f);
	ok(1, "destroy with items queued");
}

static void
test_deadline_and_stamp(void)
{
	struct lt_feed *f = lt_feed_create(2);
	struct lt_item it, m = item(LT_ITEM_MSG, 0);
	int64_t before = lt_now_ns(), mono = lt_mono_ns();

	is_int(lt_feed_next(f, mono - SEC, &it), 0, "a deadline passed: 0");
	is_int(lt_feed_next(f, lt_mono_ns() + SEC / 50, &it), 0,
	    "nothing before the deadline: 0");
	ok(lt_mono_ns() >= mono + SEC / 50, "it waited for the deadline");
	lt_feed_push(f, &m);
	is_int(next(f, &it), 1, "a message popped");
	ok(it.kind == LT_ITEM_MSG && it.t_ns >= before &&
	    it.t_ns <= lt_now_ns() && it.msg.recv_ns == it.t_ns,
	    "an unstamped message gets its time of receipt");
	m = item(LT_ITEM_MSG, 777);
	m.msg.recv_ns = 777;
	m.msg.sub_id = 9;
	lt_feed_push(f, &m);
	next(f, &it);
	ok(it.t_ns == 777 && it.msg.recv_ns == 777 && it.msg.sub_id == 9,
	    "a producer's time is kept");
	m = item(LT_ITEM_SLOW, 0);
	lt_feed_push(f, &m);
	next(f, &it);
	is_int(it.t_ns, 0, "only messages are stamped");
	lt_feed_destroy(f);
}

static void
test_nudge_wake_close(void)
{
	struct lt_feed *f = lt_feed_create(8);
	struct lt_item it, a = item(LT_ITEM_ERROR, 1);

	lt_feed_push(f, &a);
	a = item(LT_ITEM_ERROR, 2);
	lt_feed_push(f, &a);
	lt_feed_nudge(f);
	lt_feed_nudge(f);
	is_int(next(f, &it), 1, "a nudge pops");
	ok(it.kind == LT_ITEM_NUDGE && it.backlog == 2,
	    "as a NUDGE item, before the queued ones, with their backlog");
	next(f, &it);
	ok(it.kind == LT_ITEM_ERROR && it.t_ns == 1,
	    "two nudges make one: then the queue");
	lt_feed_wake(f);
	is_int(next(f, &it), -1, "woken: -1 although an item is queued");
	is_int(next(f, &it), -1, "wake is sticky");
	lt_feed_clear_wake(f);
	is_int(next(f, &it), 1, "after clear_wake the item comes");
	is_int(it.t_ns, 2, "the queued item");
	a = item(LT_ITEM_ERROR, 3);
	lt_feed_push(f, &a);
	a = item(LT_ITEM_ERROR, 4);
	lt_feed_push(f, &a);
	lt_feed_close(f);
	a = item(LT_ITEM_ERROR, 5);
	lt_feed_push(f, &a);
	is_int(lt_feed_length(f), 2, "a push after close is dropped");
	ok(next(f, &it) == 1 && it.t_ns == 3 && next(f, &it) == 1 &&
	    it.t_ns == 4, "closed: what was queued still drains, in order");
	is_int(next(f, &it), -1, "closed and drained: -1");
	is_int(lt_feed_next(f, 0, &it), -1, "without deadline too: no wait");
	lt_feed_destroy(f);
	lt_feed_destroy(NULL);
	ok(1, "destroy NULL");
}

/* A producer pushing n items with times 1..n, counting them. */
struct producer {
	struct lt_feed *f;
	int n;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int pushed;
};

static void *
produce(void *arg)
{
	struct producer *p = arg;
	struct lt_item a;
	int i;

	for (i = 1; i <= p->n; i++) {
		a = item(LT_ITEM_ERROR, i);
		lt_feed_push(p->f, &a);
		pthread_mutex_lock(&p->mu);
		p->pushed = i;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

static void
producer_init(struct producer *p, struct lt_feed *f, int n)
{
	memset(p, 0, sizeof(*p));
	p->f = f;
	p->n = n;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
}

static void
producer_destroy(struct producer *p)
{
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
}

/* Wait until the producer has pushed n; its count then. */
static int
wait_pushed(struct producer *p, int n)
{
	struct timespec ts;
	int got;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += WAIT / SEC;
	pthread_mutex_lock(&p->mu);
	while (p->pushed < n &&
	    pthread_cond_timedwait(&p->cv, &p->mu, &ts) != ETIMEDOUT)
		;
	got = p->pushed;
	pthread_mutex_unlock(&p->mu);
	return got;
}

static void
test_threads(void)
{
	struct lt_feed *f = lt_feed_create(4);
	struct producer p;
	struct lt_item it;
	pthread_t th;
	int i, got, order = 1;

	/* full: the fifth push blocks until a pop, then completes */
	producer_init(&p, f, 5);
	pthread_create(&th, NULL, produce, &p);
	is_int(wait_pushed(&p, 4), 4, "four pushed into a feed of four");
	is_int(lt_feed_length(f), 4, "the feed is full");
	got = wait_pushed(&p, 4);
	ok(got == 4 && lt_feed_length(f) == 4,
	    "the fifth push has not overwritten or grown the queue");
	ok(next(f, &it) == 1 && it.t_ns == 1, "pop the oldest");
	is_int(wait_pushed(&p, 5), 5, "the blocked push completes after a pop");
	is_int(join(th), 0, "producer ended");
	for (i = 2; i <= 5; i++)
		order &= next(f, &it) == 1 && it.t_ns == i;
	ok(order, "2..5 follow in order, nothing lost");
	producer_destroy(&p);

	/* close releases a producer blocked on a full feed */
	producer_init(&p, f, 6);
	pthread_create(&th, NULL, produce, &p);
	is_int(wait_pushed(&p, 4), 4, "the feed filled again");
	lt_feed_close(f);
	is_int(join(th), 0, "close released the blocked producer");
	is_int(p.pushed, 6, "its remaining pushes returned");
	is_int(lt_feed_length(f), 4, "and were dropped, not queued");
	producer_destroy(&p);
	lt_feed_destroy(f);

	/* a stream through a small feed: order and count */
	f = lt_feed_create(3);
	producer_init(&p, f, 5000);
	pthread_create(&th, NULL, produce, &p);
	for (i = 1; i <= 5000 && order; i++)
		order = next(f, &it) == 1 && it.t_ns == i &&
		    it.kind == LT_ITEM_ERROR;
	ok(order, "5000 items through a feed of 3 in order (stopped at %d)",
	    i - 1);
	is_int(join(th), 0, "producer ended");
	is_int(lt_feed_length(f), 0, "nothing left over");
	producer_destroy(&p);
	lt_feed_destroy(f);
}

/* A consumer waiting without a deadline. */
struct consumer {
	struct lt_feed *f;
	int rc;
	struct lt_item it;
};

static void *
consume(void *arg)
{
	struct consumer *c = arg;

	c->rc = lt_feed_next(c->f, 0, &c->it);
	return NULL;
}

static void
test_waiters(void)
{
	struct lt_feed *f = lt_feed_create(2);
	struct consumer c = { f, 99, { 0 } };
	struct lt_item a = item(LT_ITEM_CLOSED, 5);
	pthread_t th;

	pthread_create(&th, NULL, consume, &c);
	lt_feed_wake(f);
	is_int(join(th), 0, "wake ends a wait without deadline");
	is_int(c.rc, -1, "with -1");
	lt_feed_clear_wake(f);
	c.rc = 99;
	pthread_create(&th, NULL, consume, &c);
	lt_feed_nudge(f);
	is_int(join(th), 0, "a nudge ends a wait");
	ok(c.rc == 1 && c.it.kind == LT_ITEM_NUDGE, "with a NUDGE item");
	pthread_create(&th, NULL, consume, &c);
	lt_feed_push(f, &a);
	is_int(join(th), 0, "a push ends a wait");
	ok(c.rc == 1 && c.it.kind == LT_ITEM_CLOSED && c.it.t_ns == 5,
	    "with the item");
	pthread_create(&th, NULL, consume, &c);
	lt_feed_close(f);
	is_int(join(th), 0, "close ends a wait");
	is_int(c.rc, -1, "with -1");
	lt_feed_destroy(f);
}

/* The direct handler's record of what it was given. */
struct seen {
	int n;
	int64_t t[8];
	int sub[8];
};

static void
handler(void *ud, const struct lt_item *it)
{
	struct seen *s = ud;

	if (s->n < 8) {
		s->t[s->n] = it->t_ns;
		s->sub[s->n] = it->msg.sub_id;
	}
	s->n++;
}

static void
test_direct(void)
{
	struct lt_feed *f = lt_feed_create(4);
	struct seen s = { 0, { 0 }, { 0 } };
	struct lt_item it, m = item(LT_ITEM_MSG, 0);
	int64_t before = lt_now_ns();

	lt_feed_set_handler(f, handler, &s, 0);
	m.msg.sub_id = 1;
	lt_feed_push(f, &m);
	m = item(LT_ITEM_MSG, 0);
	m.msg.sub_id = 2;
	lt_feed_push(f, &m);
	is_int(s.n, 2, "messages go to the handler");
	ok(s.sub[0] == 1 && s.sub[1] == 2, "in order");
	ok(s.t[0] >= before && s.t[1] >= s.t[0], "stamped with receipt time");
	is_int(lt_feed_length(f), 0, "not queued");
	m = item(LT_ITEM_DISCONNECTED, 50);
	lt_feed_push(f, &m);
	is_int(s.n, 2, "a control item does not go to the handler");
	ok(lt_feed_length(f) == 1 && next(f, &it) == 1 &&
	    it.kind == LT_ITEM_DISCONNECTED, "it is queued instead");
	lt_feed_set_handler(f, handler, &s, LT_FEED_NO_CLOCK);
	m = item(LT_ITEM_MSG, 0);
	lt_feed_push(f, &m);
	ok(s.n == 3 && s.t[2] == 0, "LT_FEED_NO_CLOCK: no time of receipt");
	lt_feed_lock(f);
	s.n = 3;	/* state shared with the handler, under its lock */
	lt_feed_unlock(f);
	lt_feed_set_handler(f, NULL, NULL, 0);
	m = item(LT_ITEM_MSG, 0);
	m.msg.sub_id = 7;
	lt_feed_push(f, &m);
	is_int(s.n, 3, "without a handler ...");
	ok(next(f, &it) == 1 && it.kind == LT_ITEM_MSG && it.msg.sub_id == 7,
	    "... messages queue again");
	lt_feed_set_handler(f, handler, &s, 0);
	lt_feed_close(f);
	m = item(LT_ITEM_MSG, 0);
	lt_feed_push(f, &m);
	is_int(s.n, 3, "after close the handler is not called");
	is_int(lt_feed_length(f), 0, "nor is the message queued");
	lt_feed_destroy(f);
}

int
main(void)
{
	test_order();
	test_deadline_and_stamp();
	test_nudge_wake_close();
	test_threads();
	test_waiters();
	test_direct();
	done_testing();
}
