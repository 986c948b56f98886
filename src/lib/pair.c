/* pair.c: request/reply pairing by reply subject. Open requests sit in a
 * FIFO (their windows end in arrival order) and in an open-addressing
 * hash table keyed by reply subject (linear probing, backward-shift
 * deletion, so no tombstones). Held replies (pair.h) have a FIFO and a
 * table of their own; the table holds the oldest held message of each
 * subject, the others chained behind it in arrival order. */
#include <stdlib.h>
#include <string.h>

#include "latticectl/pair.h"
#include "latticectl/util.h"
#include "banned.h"

struct entry {
	char *subject, *reply;	/* held: subject NULL, reply the key */
	uint64_t id, tag;
	int64_t t_ns;
	unsigned nreplies;
	bool no_responders;	/* closed by a 503 status; held: a 503 */
	bool hashed;		/* false once replaced by a newer request */
	bool taken;		/* held: paired; only the FIFO has it */
	struct entry *next;	/* held: the next one on the same subject */
	void *data;		/* held: the caller's */
	size_t bytes;
};

struct table {
	struct entry **slot;	/* size slots (power of 2) */
	size_t size, used;
};

struct ring {
	struct entry **e;	/* oldest at head */
	size_t head, count, cap;
};

struct lt_pair {
	int64_t window_ns, hold_ns;
	size_t hold_max, hold_bytes_max, hold_bytes;
	struct ring open, held;
	struct table reqs, heldt;
	uint64_t next_id;
	struct lt_pair_stats st;
};

static void
table_init(struct table *t)
{
	t->size = 128;
	t->used = 0;
	t->slot = lt_xcalloc(t->size, sizeof(*t->slot));
}

static void
ring_init(struct ring *r)
{
	r->head = r->count = 0;
	r->cap = 64;
	r->e = lt_xcalloc(r->cap, sizeof(*r->e));
}

struct lt_pair *
lt_pair_create(int64_t window_ns)
{
	struct lt_pair *p = lt_xcalloc(1, sizeof(*p));

	p->window_ns = window_ns;
	lt_pair_set_hold(p, LT_PAIR_HOLD_NS, LT_PAIR_HOLD_MAX,
	    LT_PAIR_HOLD_BYTES);
	ring_init(&p->open);
	ring_init(&p->held);
	table_init(&p->reqs);
	table_init(&p->heldt);
	return p;
}

void
lt_pair_set_hold(struct lt_pair *p, int64_t hold_ns, size_t max,
    size_t max_bytes)
{
	p->hold_ns = hold_ns;
	p->hold_max = max;
	p->hold_bytes_max = max_bytes;
}

static void
entry_free(struct entry *e)
{
	free(e->subject);
	free(e->reply);
	free(e);
}

static struct entry *
ring_at(const struct ring *r, size_t i)
{
	return r->e[(r->head + i) % r->cap];
}

static void
ring_free(struct ring *r)
{
	size_t i;

	for (i = 0; i < r->count; i++)
		entry_free(ring_at(r, i));
	free(r->e);
}

void
lt_pair_destroy(struct lt_pair *p)
{
	if (p == NULL)
		return;
	ring_free(&p->open);
	ring_free(&p->held);
	free(p->reqs.slot);
	free(p->heldt.slot);
	free(p);
}

static size_t
slot_of(const struct table *t, const char *reply)
{
	return (size_t)lt_hash64(reply, strlen(reply)) & (t->size - 1);
}

/* Index of reply's slot, or of the empty slot where it would go. */
static size_t
find_slot(const struct table *t, const char *reply)
{
	size_t i = slot_of(t, reply);

	while (t->slot[i] && strcmp(t->slot[i]->reply, reply))
		i = (i + 1) & (t->size - 1);
	return i;
}

static void
table_insert(struct table *t, struct entry *e)
{
	t->slot[find_slot(t, e->reply)] = e;
	t->used++;
	e->hashed = true;
}

/* Make room for one more entry. */
static void
table_reserve(struct table *t)
{
	struct entry **old = t->slot;
	size_t oldsize = t->size, i;

	if ((t->used + 1) * 2 <= t->size)
		return;
	t->size *= 2;
	t->slot = lt_xcalloc(t->size, sizeof(*t->slot));
	t->used = 0;
	for (i = 0; i < oldsize; i++)
		if (old[i])
			table_insert(t, old[i]);
	free(old);
}

/* Remove the entry in slot i, shifting later members of its probe run
 * back so lookups never stop early. */
static void
table_remove_at(struct table *t, size_t i)
{
	size_t mask = t->size - 1, j = i, home;

	t->slot[i]->hashed = false;
	t->slot[i] = NULL;
	t->used--;
	for (;;) {
		j = (j + 1) & mask;
		if (t->slot[j] == NULL)
			return;
		home = slot_of(t, t->slot[j]->reply);
		/* Move j back to i unless its home lies cyclically in (i, j]. */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && (home <= i && home > j))) {
			t->slot[i] = t->slot[j];
			t->slot[j] = NULL;
			i = j;
		}
	}
}

static void
ring_push(struct ring *r, struct entry *e)
{
	if (r->count == r->cap) {
		struct entry **n = lt_xcalloc(r->cap * 2, sizeof(*n));
		size_t i;

		for (i = 0; i < r->count; i++)
			n[i] = ring_at(r, i);
		free(r->e);
		r->e = n;
		r->head = 0;
		r->cap *= 2;
	}
	r->e[(r->head + r->count) % r->cap] = e;
	r->count++;
}

static struct entry *
ring_pop(struct ring *r)
{
	struct entry *e = r->e[r->head];

	r->head = (r->head + 1) % r->cap;
	r->count--;
	return e;
}

uint64_t
lt_pair_request(struct lt_pair *p, const char *subject, const char *reply,
    int64_t t_ns, uint64_t tag)
{
	struct entry *e;
	size_t slot;

	if (reply == NULL || *reply == '\0') {
		p->st.untracked++;
		return 0;
	}
	slot = find_slot(&p->reqs, reply);
	if (p->reqs.slot[slot])
		table_remove_at(&p->reqs, slot);
	table_reserve(&p->reqs);
	e = lt_xcalloc(1, sizeof(*e));
	e->subject = lt_xstrdup(subject);
	e->reply = lt_xstrdup(reply);
	e->id = ++p->next_id;
	e->tag = tag;
	e->t_ns = t_ns;
	table_insert(&p->reqs, e);
	ring_push(&p->open, e);
	p->st.requests++;
	p->st.open = p->open.count;
	return e->id;
}

static void
fill(struct lt_pair_match *m, enum lt_pair_kind kind, const struct entry *e)
{
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->id = e->id;
	m->tag = e->tag;
	m->subject = e->subject;
	m->reply = e->reply;
	m->req_ns = e->t_ns;
	m->nreplies = e->nreplies;
}

static void
note_latency(struct lt_pair_stats *st, int64_t lat)
{
	if (++st->timed == 1 || lat < st->lat_min_ns)
		st->lat_min_ns = lat;
	if (lat > st->lat_max_ns)
		st->lat_max_ns = lat;
	st->lat_sum_ns += lat;
}

/* Pair a reply (or a 503) seen at t_ns with the open request in slot;
 * early: it was seen before the request, so it has no latency. */
static void
pair_with(struct lt_pair *p, size_t slot, int64_t t_ns, bool no_responders,
    bool early, struct lt_pair_match *out)
{
	struct entry *e = p->reqs.slot[slot];
	/* Receive times are wall clock, which may step back. */
	int64_t lat = early || t_ns < e->t_ns ? 0 : t_ns - e->t_ns;

	p->st.before_request += early;
	if (no_responders) {
		/* The requester got its answer from the server; nothing
		 * more can arrive for it. */
		p->st.no_responders++;
		e->no_responders = true;
		fill(out, LT_PAIR_NO_RESPONDERS, e);
		table_remove_at(&p->reqs, slot);
	} else {
		e->nreplies++;
		p->st.replies++;
		if (e->nreplies == 1)
			p->st.paired++;
		else
			p->st.extra++;
		if (e->nreplies == 1 && !early)
			note_latency(&p->st, lat);
		fill(out, LT_PAIR_REPLY, e);
	}
	out->before_request = early;
	out->latency_ns = lat;
}

int
lt_pair_reply(struct lt_pair *p, const char *subject, int64_t t_ns,
    bool no_responders, bool counted, struct lt_pair_match *out)
{
	size_t slot = find_slot(&p->reqs, subject);

	if (p->reqs.slot[slot] == NULL) {
		if (counted)
			p->st.unmatched++;
		return 0;
	}
	pair_with(p, slot, t_ns, no_responders, false, out);
	return 1;
}

/* Release the oldest held message (the head of its subject's chain)
 * through fn as UNMATCHED, unless a request took it. */
static void
release_oldest(struct lt_pair *p, bool evicted, lt_pair_fn fn, void *ud)
{
	struct entry *e = ring_pop(&p->held);
	struct lt_pair_match m;

	if (!e->taken) {
		size_t slot = find_slot(&p->heldt, e->reply);

		if (e->next)
			p->heldt.slot[slot] = e->next;
		else
			table_remove_at(&p->heldt, slot);
		p->hold_bytes -= e->bytes;
		p->st.held--;
		p->st.unmatched++;
		p->st.evicted += evicted;
		memset(&m, 0, sizeof(m));
		m.kind = LT_PAIR_UNMATCHED;
		m.reply = e->reply;
		m.req_ns = e->t_ns;
		m.evicted = evicted;
		m.data = e->data;
		if (fn)
			fn(ud, &m);
	}
	entry_free(e);
}

void
lt_pair_hold(struct lt_pair *p, const char *subject, int64_t t_ns,
    bool no_responders, size_t bytes, void *data, lt_pair_fn fn, void *ud)
{
	struct entry *e = lt_xcalloc(1, sizeof(*e)), *h;
	size_t slot;

	while (p->st.held && (p->st.held >= p->hold_max ||
	    p->hold_bytes + bytes > p->hold_bytes_max))
		release_oldest(p, true, fn, ud);
	e->reply = lt_xstrdup(subject);
	e->t_ns = t_ns;
	e->no_responders = no_responders;
	e->data = data;
	e->bytes = bytes;
	slot = find_slot(&p->heldt, subject);
	if ((h = p->heldt.slot[slot]) != NULL) {
		while (h->next)
			h = h->next;
		h->next = e;
	} else {
		table_reserve(&p->heldt);
		table_insert(&p->heldt, e);
	}
	ring_push(&p->held, e);
	p->hold_bytes += bytes;
	p->st.held++;
}

int
lt_pair_take_held(struct lt_pair *p, const char *reply,
    struct lt_pair_match *out)
{
	size_t hslot, rslot;
	struct entry *h;

	if (p->st.held == 0)	/* the usual case: no hashing per request */
		return 0;
	hslot = find_slot(&p->heldt, reply);
	rslot = find_slot(&p->reqs, reply);
	h = p->heldt.slot[hslot];
	if (h == NULL || p->reqs.slot[rslot] == NULL)
		return 0;
	if (h->next)
		p->heldt.slot[hslot] = h->next;
	else
		table_remove_at(&p->heldt, hslot);
	h->taken = true;	/* the FIFO frees it */
	p->hold_bytes -= h->bytes;
	p->st.held--;
	pair_with(p, rslot, h->t_ns, h->no_responders, true, out);
	out->data = h->data;
	return 1;
}

uint64_t
lt_pair_release_held(struct lt_pair *p, int64_t now_ns, lt_pair_fn fn,
    void *ud)
{
	uint64_t n = 0;

	while (p->held.count && (now_ns == INT64_MAX ||
	    p->held.e[p->held.head]->t_ns + p->hold_ns <= now_ns)) {
		n += !p->held.e[p->held.head]->taken;
		release_oldest(p, false, fn, ud);
	}
	return n;
}

/* How a request whose window ended closes. */
static enum lt_pair_kind
closed_kind(const struct entry *e, enum lt_pair_kind none)
{
	if (e->nreplies)
		return LT_PAIR_ANSWERED;
	return e->no_responders ? LT_PAIR_NO_RESPONDERS : none;
}

/* Take the oldest open request off the FIFO (and the table). */
static struct entry *
pop_oldest(struct lt_pair *p)
{
	struct entry *e = ring_pop(&p->open);

	p->st.open = p->open.count;
	if (e->hashed)
		table_remove_at(&p->reqs, find_slot(&p->reqs, e->reply));
	return e;
}

uint64_t
lt_pair_expire(struct lt_pair *p, int64_t now_ns, lt_pair_fn fn, void *ud)
{
	struct lt_pair_match m;
	uint64_t n = 0;

	while (p->open.count &&
	    p->open.e[p->open.head]->t_ns + p->window_ns <= now_ns) {
		struct entry *e = pop_oldest(p);

		if (closed_kind(e, LT_PAIR_UNANSWERED) == LT_PAIR_UNANSWERED)
			p->st.unanswered++;
		if (fn) {
			fill(&m, closed_kind(e, LT_PAIR_UNANSWERED), e);
			fn(ud, &m);
		}
		entry_free(e);
		n++;
	}
	return n;
}

int64_t
lt_pair_next_expiry(const struct lt_pair *p)
{
	int64_t req = p->open.count ? p->open.e[p->open.head]->t_ns +
	    p->window_ns : 0;
	int64_t held = p->held.count ? p->held.e[p->held.head]->t_ns +
	    p->hold_ns : 0;

	return req == 0 || (held && held < req) ? held : req;
}

void
lt_pair_drain(struct lt_pair *p, lt_pair_fn fn, void *ud)
{
	struct lt_pair_match m;

	while (p->open.count) {
		struct entry *e = pop_oldest(p);

		if (fn) {
			fill(&m, closed_kind(e, LT_PAIR_OPEN), e);
			fn(ud, &m);
		}
		entry_free(e);
	}
}

const struct lt_pair_stats *
lt_pair_stats(const struct lt_pair *p)
{
	return &p->st;
}

const char *
lt_pair_kind_name(enum lt_pair_kind k)
{
	static const char *const names[] = {
		"reply", "no-responders", "unanswered", "answered", "open",
		"unmatched",
	};

	return (size_t)k < LT_ARRAY_SIZE(names) ? names[k] : "unknown";
}
