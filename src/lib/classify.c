/* classify.c: subject pattern algebra (valid, overlaps, covers, matches)
 * and the lattice's request subjects and queue groups. */
#include <stdio.h>
#include <string.h>

#include "latticectl/classify.h"
#include "latticectl/util.h"
#include "banned.h"

/* The next token of *s: sets *len, advances *s past it (and its dot).
 * Returns NULL at the end. */
static const char *
next_token(const char **s, size_t *len)
{
	const char *t = *s, *dot;

	if (t == NULL)
		return NULL;
	dot = strchr(t, '.');
	*len = dot ? (size_t)(dot - t) : strlen(t);
	*s = dot ? dot + 1 : NULL;
	return t;
}

static bool
tok_is(const char *t, size_t len, char c)
{
	return len == 1 && t[0] == c;
}

bool
lt_subject_is_valid(const char *p)
{
	const char *t;
	size_t len;

	if (p == NULL || *p == '\0')
		return false;
	while ((t = next_token(&p, &len))) {
		if (len == 0 || memchr(t, ' ', len) || memchr(t, '\t', len))
			return false;
		if ((memchr(t, '*', len) && !tok_is(t, len, '*')) ||
		    (memchr(t, '>', len) && !tok_is(t, len, '>')))
			return false;
		if (tok_is(t, len, '>') && p != NULL)
			return false;
	}
	return true;
}

bool
lt_subject_overlaps(const char *a, const char *b)
{
	const char *ta, *tb;
	size_t la, lb;

	for (;;) {
		ta = next_token(&a, &la);
		tb = next_token(&b, &lb);
		if (ta == NULL || tb == NULL)
			return ta == tb;
		if (tok_is(ta, la, '>') || tok_is(tb, lb, '>'))
			return true;
		if (tok_is(ta, la, '*') || tok_is(tb, lb, '*'))
			continue;
		if (la != lb || memcmp(ta, tb, la))
			return false;
	}
}

bool
lt_subject_covers(const char *outer, const char *inner)
{
	const char *to, *ti;
	size_t lo, li;

	for (;;) {
		to = next_token(&outer, &lo);
		ti = next_token(&inner, &li);
		if (to == NULL || ti == NULL)
			return to == ti;
		if (tok_is(to, lo, '>'))
			return true;
		if (tok_is(ti, li, '>'))
			return false;
		if (tok_is(to, lo, '*'))
			continue;
		if (tok_is(ti, li, '*') || lo != li || memcmp(to, ti, lo))
			return false;
	}
}

bool
lt_subject_matches(const char *pattern, const char *subject)
{
	return lt_subject_covers(pattern, subject);
}

void
lt_classify_init(struct lt_classify *c, const char *ctl_prefix,
    const char *lattice, const char *inbox_prefix)
{
	ctl_prefix = ctl_prefix && *ctl_prefix ? ctl_prefix : "wasmbus.ctl";
	lattice = lattice && *lattice ? lattice : "default";
	inbox_prefix = inbox_prefix && *inbox_prefix ? inbox_prefix : "_INBOX";
	memset(c, 0, sizeof(*c));
	snprintf(c->ctl_prefix, sizeof(c->ctl_prefix), "%s", ctl_prefix);
	snprintf(c->lattice, sizeof(c->lattice), "%s", lattice);
	snprintf(c->inbox_prefix, sizeof(c->inbox_prefix), "%s", inbox_prefix);
	snprintf(c->ctl, sizeof(c->ctl), "%s.v1.%s.>", ctl_prefix, lattice);
	snprintf(c->wadm, sizeof(c->wadm), "wadm.api.%s.>", lattice);
	snprintf(c->cfg_req, sizeof(c->cfg_req), "wasmbus.cfg.%s.req", lattice);
	snprintf(c->inbox, sizeof(c->inbox), "%s.>", inbox_prefix);
}

/* Every (class, pattern) the lattice knows, in class order; a NULL
 * pattern is the class's own (pattern_of). The reference
 * secrets backend's topic is a host request too, and _INBOX.> is the
 * inbox of every other client whatever --inbox-prefix says. */
static const struct {
	int bit;
	const char *pattern;
} known[] = {
	{ LT_CLASS_CTL, NULL }, { LT_CLASS_WADM_API, NULL },
	{ LT_CLASS_JS_API, NULL }, { LT_CLASS_KV, NULL },
	{ LT_CLASS_HOST_REQ, NULL }, { LT_CLASS_HOST_REQ, "wasmcloud.secrets.>" },
	{ LT_CLASS_INBOX, NULL }, { LT_CLASS_INBOX, "_INBOX.>" },
};

/* The request subject pattern a class bit stands for, in this lattice
 * ("wasmbus.ctl.v1.default.>"). Borrowed from c. */
static const char *
pattern_of(const struct lt_classify *c, int bit)
{
	switch (bit) {
	case LT_CLASS_CTL:
		return c->ctl;
	case LT_CLASS_WADM_API:
		return c->wadm;
	case LT_CLASS_JS_API:
		return "$JS.API.>";
	case LT_CLASS_KV:
		return "$KV.>";
	case LT_CLASS_HOST_REQ:
		return c->cfg_req;
	case LT_CLASS_INBOX:
		return c->inbox;
	case LT_CLASS_WIDE:
		return ">";
	}
	return "";
}

/* The i-th of known[] for this lattice; false past the end. */
static bool
nth_pattern(const struct lt_classify *c, size_t i, struct lt_class_hit *h)
{
	if (i >= LT_ARRAY_SIZE(known))
		return false;
	h->bit = known[i].bit;
	h->pattern = known[i].pattern ? known[i].pattern :
	    pattern_of(c, h->bit);
	return true;
}

size_t
lt_classify_hits(const struct lt_classify *c, const char *pattern,
    int classes, struct lt_class_hit *out, size_t max)
{
	struct lt_class_hit h;
	size_t i, n = 0;

	for (i = 0; nth_pattern(c, i, &h); i++) {
		if (!(classes & h.bit) || !lt_subject_overlaps(pattern, h.pattern))
			continue;
		if (n > 0 && !strcmp(out[n - 1].pattern, h.pattern))
			continue;	/* the inbox prefix is _INBOX */
		if (n < max)
			out[n++] = h;
	}
	return n;
}

int
lt_classify_pattern(const struct lt_classify *c, const char *pattern)
{
	struct lt_class_hit h;
	size_t i;
	int classes = 0;

	for (i = 0; nth_pattern(c, i, &h); i++)
		if (lt_subject_overlaps(pattern, h.pattern))
			classes |= h.bit;
	if (pattern[0] == '>' || (pattern[0] == '*' && pattern[1] == '.'))
		classes |= LT_CLASS_WIDE;
	return classes;
}

int
lt_classify_subject(const struct lt_classify *c, const char *subject)
{
	struct lt_class_hit h;
	size_t i;

	for (i = 0; nth_pattern(c, i, &h); i++)
		if (lt_subject_matches(h.pattern, subject))
			return h.bit;
	return 0;
}

const char *
lt_class_name(int bit)
{
	switch (bit) {
	case LT_CLASS_CTL:
		return "ctl";
	case LT_CLASS_WADM_API:
		return "wadm.api";
	case LT_CLASS_JS_API:
		return "$JS.API";
	case LT_CLASS_KV:
		return "$KV";
	case LT_CLASS_HOST_REQ:
		return "host-request";
	case LT_CLASS_INBOX:
		return "inbox";
	case LT_CLASS_WIDE:
		return "wide";
	}
	return "other";
}

enum lt_msg_role
lt_classify_role(const char *subject, const char *reply, const char *status)
{
	if (reply && *reply) {
		if (lt_str_has_prefix(reply, "$JS.ACK."))
			return LT_ROLE_DELIVERY;
		if (lt_str_has_prefix(reply, "$JS.FC."))
			return LT_ROLE_FLOW_CONTROL;
		return LT_ROLE_REQUEST;
	}
	if (status && !strcmp(status, "100"))
		return LT_ROLE_HEARTBEAT;
	if (lt_str_has_prefix(subject, "$JS.ACK."))
		return LT_ROLE_ACK;
	if (lt_str_has_prefix(subject, "$JS.FC."))
		return LT_ROLE_FC_REPLY;
	return LT_ROLE_PLAIN;
}

bool
lt_role_is_js(enum lt_msg_role r)
{
	return r >= LT_ROLE_DELIVERY && r <= LT_ROLE_FC_REPLY;
}

const char *
lt_role_name(enum lt_msg_role r)
{
	static const char *const names[] = { NULL, NULL, "delivery",
	    "flow-control", "heartbeat", "ack", "flow-control-reply" };

	return (size_t)r < LT_ARRAY_SIZE(names) ? names[r] : NULL;
}

bool
lt_js_ack_consumer(const char *ack, char *out, size_t len)
{
	const char *t[16], *rest;
	size_t tl[16], n = 0, first;

	if (!lt_str_has_prefix(ack, "$JS.ACK."))
		return false;
	rest = ack + strlen("$JS.ACK.");
	while (n < LT_ARRAY_SIZE(t) && (t[n] = next_token(&rest, &tl[n])))
		n++;
	if (n == 7)
		first = 0;
	else if (n == 9 || n == 10)
		first = 2;	/* domain and account hash in front */
	else
		return false;
	if (tl[first] == 0 || tl[first + 1] == 0 ||
	    (size_t)snprintf(out, len, "%.*s.%.*s", (int)tl[first],
	    t[first], (int)tl[first + 1], t[first + 1]) >= len)
		return false;
	return true;
}

static void
add_group(struct lt_queue_group *g, const char *owner, const char *name,
    const char *subject)
{
	snprintf(g->name, sizeof(g->name), "%s", name);
	snprintf(g->subject, sizeof(g->subject), "%s", subject);
	g->owner = owner;
}

size_t
lt_classify_groups(const struct lt_classify *c, struct lt_queue_group *out,
    size_t max)
{
	static const char *const host_groups[] = { "link", "claims", "config" };
	struct lt_queue_group all[LT_CLASSIFY_MAX_GROUPS];
	char name[272], subject[288];
	size_t n = 0, i;

	for (i = 0; i < LT_ARRAY_SIZE(host_groups); i++) {
		snprintf(name, sizeof(name), "%s.v1.%s.%s", c->ctl_prefix,
		    c->lattice, host_groups[i]);
		snprintf(subject, sizeof(subject), "%s.%s", name,
		    i == 0 ? "*" : i == 1 ? "get" : ">");
		add_group(&all[n++], "host", name, subject);
	}
	add_group(&all[n++], "wadm", "wadm_server", "wadm.api.>");
	add_group(&all[n++], "secrets backend", "wasmcloud_secrets",
	    "wasmcloud.secrets.>");
	for (i = 0; i < n && i < max; i++)
		out[i] = all[i];
	return i;
}
