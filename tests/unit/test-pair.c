/* test-pair.c: request/reply pairing: single replies, scatter/gather,
 * no-responders, unanswered windows, reuse, and a large run that makes
 * the hash table grow and delete across wrap-around. */
#include <stdio.h>
#include <string.h>

#include "latticectl/pair.h"
#include "tap.h"

#define MS 1000000LL

struct seen {
	int unanswered, answered, open, nr;
	uint64_t last_id;
};

static void
on_close(void *ud, const struct lt_pair_match *m)
{
	struct seen *s = ud;

	if (m->kind == LT_PAIR_NO_RESPONDERS)
		s->nr++;
	else if (m->kind == LT_PAIR_UNANSWERED)
		s->unanswered++;
	else if (m->kind == LT_PAIR_ANSWERED)
		s->answered++;
	else if (m->kind == LT_PAIR_OPEN)
		s->open++;
	s->last_id = m->id;
}

static void
test_basic(void)
{
	struct lt_pair *p = lt_pair_create(1000 * MS);
	struct lt_pair_match m;
	struct seen s = { 0, 0, 0, 0, 0 };
	const struct lt_pair_stats *st = lt_pair_stats(p);
	uint64_t a, b;

	a = lt_pair_request(p, "wasmbus.ctl.v1.default.config.get.x",
	    "_INBOX.a.1", 10 * MS, 7);
	b = lt_pair_request(p, "wasmbus.ctl.v1.default.host.ping",
	    "_INBOX.b", 20 * MS, 8);
	is_int(a, 1, "first pair id");
	is_int(b, 2, "second pair id");
	is_int(lt_pair_request(p, "x.y", NULL, 30 * MS, 0), 0,
	    "publish without reply is not tracked");
	ok(lt_pair_reply(p, "_INBOX.a.1", 15 * MS, false, true, &m) == 1,
	    "reply matched");
	is_int(m.id, 1, "reply pair id");
	is_int(m.tag, 7, "reply carries the tag");
	is_int(m.latency_ns, 5 * MS, "latency");
	is_str(m.subject, "wasmbus.ctl.v1.default.config.get.x", "request subject");
	is_int(m.nreplies, 1, "first reply");
	lt_pair_reply(p, "_INBOX.b", 21 * MS, false, true, &m);
	lt_pair_reply(p, "_INBOX.b", 25 * MS, false, true, &m);
	is_int(m.nreplies, 2, "scatter/gather second reply");
	is_int(m.latency_ns, 5 * MS, "second reply latency");
	ok(lt_pair_reply(p, "_INBOX.zzz", 26 * MS, false, true, &m) == 0,
	    "unknown reply subject");
	is_int(lt_pair_next_expiry(p), 1010 * MS, "next expiry");
	is_int(lt_pair_expire(p, 1009 * MS, on_close, &s), 0, "nothing expired yet");
	is_int(lt_pair_expire(p, 1020 * MS, on_close, &s), 2, "both closed");
	is_int(s.answered, 2, "both answered");
	is_int(st->requests, 2, "requests");
	is_int(st->untracked, 1, "untracked");
	is_int(st->paired, 2, "paired");
	is_int(st->extra, 1, "extra");
	is_int(st->replies, 3, "replies");
	is_int(st->unmatched, 1, "unmatched");
	is_int(st->unanswered, 0, "none unanswered");
	is_int(st->lat_min_ns, 1 * MS, "min latency");
	is_int(st->lat_max_ns, 5 * MS, "max latency");
	ok(lt_pair_reply(p, "_INBOX.a.1", 1100 * MS, false, true, &m) == 0,
	    "late reply after the window is unmatched");
	lt_pair_request(p, "c", "_INBOX.c", 2000 * MS, 0);
	lt_pair_reply(p, "_INBOX.c", 1999 * MS, false, true, &m);
	is_int(m.latency_ns, 0, "a wall clock stepped back gives no negative "
	    "latency");
	lt_pair_destroy(p);
}

static void
test_unanswered(void)
{
	struct lt_pair *p = lt_pair_create(100 * MS);
	struct lt_pair_match m;
	struct seen s = { 0, 0, 0, 0, 0 };

	lt_pair_request(p, "a", "_INBOX.1", 0, 0);
	lt_pair_request(p, "b", "_INBOX.2", 50 * MS, 0);
	ok(lt_pair_reply(p, "_INBOX.2", 60 * MS, true, true, &m) == 1 &&
	    m.kind == LT_PAIR_NO_RESPONDERS, "503 is a no-responders marker");
	lt_pair_expire(p, 100 * MS, on_close, &s);
	is_int(s.unanswered, 1, "first unanswered");
	is_int(s.last_id, 1, "oldest first");
	lt_pair_request(p, "c", "_INBOX.3", 120 * MS, 0);
	lt_pair_reply(p, "_INBOX.3", 121 * MS, false, true, &m);
	lt_pair_drain(p, on_close, &s);
	is_int(s.unanswered, 1, "a 503 request is not unanswered");
	is_int(s.nr, 1, "it closes as no-responders");
	is_int(s.answered, 1, "the last one answered");
	ok(lt_pair_reply(p, "_INBOX.2", 61 * MS, false, true, &m) == 0,
	    "nothing pairs after the 503");
	is_int(lt_pair_stats(p)->no_responders, 1, "no-responders counted");
	lt_pair_destroy(p);
}

static void
test_reuse(void)
{
	struct lt_pair *p = lt_pair_create(100 * MS);
	struct lt_pair_match m;
	struct seen s = { 0, 0, 0, 0, 0 };

	lt_pair_request(p, "a", "_INBOX.same", 0, 0);
	lt_pair_request(p, "b", "_INBOX.same", 10 * MS, 0);
	lt_pair_reply(p, "_INBOX.same", 11 * MS, false, true, &m);
	is_int(m.id, 2, "reply goes to the newest request");
	lt_pair_expire(p, 200 * MS, on_close, &s);
	is_int(s.unanswered, 1, "replaced request unanswered");
	is_int(s.answered, 1, "newest answered");
	lt_pair_destroy(p);
}

static void
test_many(void)
{
	struct lt_pair *p = lt_pair_create(1000 * MS);
	const struct lt_pair_stats *st = lt_pair_stats(p);
	struct lt_pair_match m;
	char r[64];
	int i, matched = 0;

	for (i = 0; i < 20000; i++) {
		snprintf(r, sizeof(r), "_INBOX.x.%d", i);
		lt_pair_request(p, "wasmbus.ctl.v1.default.config.get.c", r,
		    (int64_t)i * MS / 10, (uint64_t)i);
		if (i >= 3) {
			snprintf(r, sizeof(r), "_INBOX.x.%d", i - 3);
			matched += lt_pair_reply(p, r, (int64_t)i * MS / 10,
			    false, true, &m) && m.tag == (uint64_t)(i - 3);
		}
		lt_pair_expire(p, (int64_t)i * MS / 10, NULL, NULL);
	}
	for (i = 19997; i < 20000; i++) {
		snprintf(r, sizeof(r), "_INBOX.x.%d", i);
		matched += lt_pair_reply(p, r, 2000 * MS, false, true, &m);
	}
	is_int(matched, 20000, "20000 pairs matched through growth and expiry");
	lt_pair_drain(p, NULL, NULL);
	is_int(st->paired, 20000, "all paired");
	is_int(st->unmatched, 0, "none unmatched");
	is_int(st->open, 0, "none open after drain");
	lt_pair_destroy(p);
}

struct held_seen {
	int unmatched, evicted;
	const char *last;
};

static void
on_held(void *ud, const struct lt_pair_match *m)
{
	struct held_seen *h = ud;

	if (m->kind != LT_PAIR_UNMATCHED)
		return;
	h->unmatched++;
	h->evicted += m->evicted;
	h->last = m->data;
}

/* A reply seen before its request: held, then paired without a latency;
 * one nobody claims is released as unmatched after the hold. */
static void
test_held(void)
{
	struct lt_pair *p = lt_pair_create(1000 * MS);
	const struct lt_pair_stats *st = lt_pair_stats(p);
	struct lt_pair_match m;
	struct held_seen h = { 0, 0, NULL };
	static char a[] = "a", b[] = "b", c[] = "c";

	lt_pair_set_hold(p, 100 * MS, 4, 1000);
	ok(lt_pair_reply(p, "_INBOX.r.1", 10 * MS, false, false, &m) == 0,
	    "a reply before its request matches nothing");
	lt_pair_hold(p, "_INBOX.r.1", 10 * MS, false, 10, a, on_held, &h);
	lt_pair_hold(p, "_INBOX.r.2", 12 * MS, true, 0, b, on_held, &h);
	is_int(st->held, 2, "two held");
	is_int(lt_pair_next_expiry(p), 110 * MS, "the hold ends first");
	is_int(lt_pair_take_held(p, "_INBOX.r.1", &m), 0,
	    "nothing to take without the request");
	lt_pair_request(p, "$JS.API.INFO", "_INBOX.r.1", 11 * MS, 0);
	ok(lt_pair_take_held(p, "_INBOX.r.1", &m) == 1 &&
	    m.kind == LT_PAIR_REPLY && m.before_request && m.id == 1,
	    "the request takes its held reply, marked before_request");
	is_int(m.latency_ns, 0, "no latency for it (never negative)");
	ok(m.data == a, "the caller's data comes back");
	is_int(lt_pair_take_held(p, "_INBOX.r.1", &m), 0, "taken once");
	lt_pair_request(p, "$JS.API.STREAM.INFO.X", "_INBOX.r.2", 13 * MS, 0);
	ok(lt_pair_take_held(p, "_INBOX.r.2", &m) == 1 &&
	    m.kind == LT_PAIR_NO_RESPONDERS && m.before_request,
	    "a held 503 pairs as no responders");
	is_int(st->paired, 1, "paired");
	is_int(st->before_request, 2, "both counted before their request");
	is_int(st->timed, 0, "neither gives a latency");
	lt_pair_hold(p, "_INBOX.late", 20 * MS, false, 5, c, on_held, &h);
	is_int(lt_pair_release_held(p, 119 * MS, on_held, &h), 0,
	    "not yet released");
	is_int(lt_pair_release_held(p, 120 * MS, on_held, &h), 1,
	    "released after its hold");
	ok(h.unmatched == 1 && h.last == c, "as unmatched, with its data");
	is_int(st->unmatched, 1, "counted unmatched");
	is_int(st->held, 0, "none held");
	lt_pair_destroy(p);
}

/* The hold is bounded: the oldest gives way and is counted. */
static void
test_held_cap(void)
{
	struct lt_pair *p = lt_pair_create(1000 * MS);
	const struct lt_pair_stats *st = lt_pair_stats(p);
	struct lt_pair_match m;
	struct held_seen h = { 0, 0, NULL };
	static char d[8][2] = { "0", "1", "2", "3", "4", "5", "6", "7" };
	char r[32];
	int i;

	lt_pair_set_hold(p, 100 * MS, 4, 1000);
	for (i = 0; i < 6; i++) {
		snprintf(r, sizeof(r), "_INBOX.s.%d", i);
		lt_pair_hold(p, r, i * MS, false, 1, d[i], on_held, &h);
	}
	is_int(h.evicted, 2, "two evicted at four held");
	ok(h.last == d[1], "oldest first");
	is_int(st->evicted, 2, "evictions counted");
	lt_pair_hold(p, "_INBOX.big", 7 * MS, false, 1000, d[7], on_held, &h);
	is_int(st->held, 1, "a big one pushes out all others (bytes cap)");
	lt_pair_hold(p, "_INBOX.same", 8 * MS, false, 0, d[0], on_held, &h);
	lt_pair_hold(p, "_INBOX.same", 9 * MS, false, 0, d[1], on_held, &h);
	lt_pair_request(p, "s", "_INBOX.same", 10 * MS, 0);
	ok(lt_pair_take_held(p, "_INBOX.same", &m) == 1 && m.data == d[0] &&
	    m.nreplies == 1, "same subject: the first held first");
	ok(lt_pair_take_held(p, "_INBOX.same", &m) == 1 && m.data == d[1] &&
	    m.nreplies == 2, "then the second, as an extra reply");
	is_int(lt_pair_release_held(p, INT64_MAX, on_held, &h), 1,
	    "release all: only the one not taken");
	lt_pair_destroy(p);
}

int
main(void)
{
	test_basic();
	test_unanswered();
	test_held();
	test_held_cap();
	test_reuse();
	test_many();
	is_str(lt_pair_kind_name(LT_PAIR_UNANSWERED), "unanswered", "kind name");
	done_testing();
	return 0;
}
