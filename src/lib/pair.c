/* pair.c: request/reply pairing by reply subject. Open requests sit in a
 * FIFO (their windows end in arrival order) and in an open-addressing
 * hash table keyed by reply subject (linear probing, backward-shift
 * deletion, so no tombstones). */
#include <stdlib.h>
#include <string.h>

#include "latticectl/pair.h"
#include "latticectl/util.h"
#include "banned.h"

struct entry {
	char *subject, *reply;
	uint64_t id, tag;
	int64_t t_ns;
	unsigned nreplies;
	bool no_responders;	/* closed by a 503 status */
	bool hashed;		/* false once replaced by a newer request */
};

struct lt_pair {
	int64_t window_ns;
	struct entry **fifo;	/* ring buffer, oldest at head */
	size_t head, count, cap;
	struct entry **table;	/* hash table, size tsize (power of 2) */
	size_t tsize, tused;
	uint64_t next_id;
	struct lt_pair_stats st;
};

struct lt_pair *
lt_pair_create(int64_t window_ns)
{
	struct lt_pair *p = lt_xcalloc(1, sizeof(*p));

	p->window_ns = window_ns;
	p->cap = 64;
	p->fifo = lt_xcalloc(p->cap, sizeof(*p->fifo));
	p->tsize = 128;
	p->table = lt_xcalloc(p->tsize, sizeof(*p->table));
	return p;
}

static void
entry_free(struct entry *e)
{
	free(e->subject);
	free(e->reply);
	free(e);
}

void
lt_pair_destroy(struct lt_pair *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->count; i++)
		entry_free(p->fifo[(p->head + i) % p->cap]);
	free(p->fifo);
	free(p->table);
	free(p);
}

static size_t
slot_of(const struct lt_pair *p, const char *reply)
{
	return (size_t)lt_hash64(reply, strlen(reply)) & (p->tsize - 1);
}

/* Index of reply's slot, or of the empty slot where it would go. */
static size_t
find_slot(const struct lt_pair *p, const char *reply)
{
	size_t i = slot_of(p, reply);

	while (p->table[i] && strcmp(p->table[i]->reply, reply))
		i = (i + 1) & (p->tsize - 1);
	return i;
}

static void
table_insert(struct lt_pair *p, struct entry *e)
{
	p->table[find_slot(p, e->reply)] = e;
	p->tused++;
	e->hashed = true;
}

static void
table_grow(struct lt_pair *p)
{
	struct entry **old = p->table;
	size_t oldsize = p->tsize, i;

	p->tsize *= 2;
	p->table = lt_xcalloc(p->tsize, sizeof(*p->table));
	p->tused = 0;
	for (i = 0; i < oldsize; i++)
		if (old[i])
			table_insert(p, old[i]);
	free(old);
}

/* Remove the entry in slot i, shifting later members of its probe run
 * back so lookups never stop early. */
static void
table_remove_at(struct lt_pair *p, size_t i)
{
	size_t mask = p->tsize - 1, j = i, home;

	p->table[i]->hashed = false;
	p->table[i] = NULL;
	p->tused--;
	for (;;) {
		j = (j + 1) & mask;
		if (p->table[j] == NULL)
			return;
		home = slot_of(p, p->table[j]->reply);
		/* Move j back to i unless its home lies cyclically in (i, j]. */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && (home <= i && home > j))) {
			p->table[i] = p->table[j];
			p->table[j] = NULL;
			i = j;
		}
	}
}

static void
fifo_push(struct lt_pair *p, struct entry *e)
{
	if (p->count == p->cap) {
		struct entry **n = lt_xcalloc(p->cap * 2, sizeof(*n));
		size_t i;

		for (i = 0; i < p->count; i++)
			n[i] = p->fifo[(p->head + i) % p->cap];
		free(p->fifo);
		p->fifo = n;
		p->head = 0;
		p->cap *= 2;
	}
	p->fifo[(p->head + p->count) % p->cap] = e;
	p->count++;
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
	slot = find_slot(p, reply);
	if (p->table[slot])
		table_remove_at(p, slot);
	if ((p->tused + 1) * 2 > p->tsize)
		table_grow(p);
	e = lt_xcalloc(1, sizeof(*e));
	e->subject = lt_xstrdup(subject);
	e->reply = lt_xstrdup(reply);
	e->id = ++p->next_id;
	e->tag = tag;
	e->t_ns = t_ns;
	table_insert(p, e);
	fifo_push(p, e);
	p->st.requests++;
	p->st.open = p->count;
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
	if (st->paired == 1 || lat < st->lat_min_ns)
		st->lat_min_ns = lat;
	if (lat > st->lat_max_ns)
		st->lat_max_ns = lat;
	st->lat_sum_ns += lat;
}

int
lt_pair_reply(struct lt_pair *p, const char *subject, int64_t t_ns,
    bool no_responders, bool counted, struct lt_pair_match *out)
{
	struct entry *e = p->table[find_slot(p, subject)];

	if (e == NULL) {
		if (counted)
			p->st.unmatched++;
		return 0;
	}
	if (no_responders) {
		/* The requester got its answer from the server; nothing
		 * more can arrive for it. */
		p->st.no_responders++;
		e->no_responders = true;
		fill(out, LT_PAIR_NO_RESPONDERS, e);
		out->latency_ns = t_ns - e->t_ns;
		table_remove_at(p, find_slot(p, subject));
		return 1;
	}
	e->nreplies++;
	p->st.replies++;
	if (e->nreplies == 1) {
		p->st.paired++;
		note_latency(&p->st, t_ns - e->t_ns);
	} else {
		p->st.extra++;
	}
	fill(out, LT_PAIR_REPLY, e);
	out->latency_ns = t_ns - e->t_ns;
	return 1;
}

/* How a request whose window ended closes. */
static enum lt_pair_kind
closed_kind(const struct entry *e, enum lt_pair_kind none)
{
	if (e->nreplies)
		return LT_PAIR_ANSWERED;
	return e->no_responders ? LT_PAIR_NO_RESPONDERS : none;
}

/* Take the oldest entry off the FIFO (and the table). */
static struct entry *
pop_oldest(struct lt_pair *p)
{
	struct entry *e = p->fifo[p->head];

	p->head = (p->head + 1) % p->cap;
	p->count--;
	p->st.open = p->count;
	if (e->hashed)
		table_remove_at(p, find_slot(p, e->reply));
	return e;
}

uint64_t
lt_pair_expire(struct lt_pair *p, int64_t now_ns, lt_pair_fn fn, void *ud)
{
	struct lt_pair_match m;
	uint64_t n = 0;

	while (p->count && p->fifo[p->head]->t_ns + p->window_ns <= now_ns) {
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
	return p->count ? p->fifo[p->head]->t_ns + p->window_ns : 0;
}

void
lt_pair_drain(struct lt_pair *p, lt_pair_fn fn, void *ud)
{
	struct lt_pair_match m;

	while (p->count) {
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
	};

	return (size_t)k < LT_ARRAY_SIZE(names) ? names[k] : "unknown";
}
