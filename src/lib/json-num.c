/* json-num.c: numbers as they were written. cJSON keeps a number only as
 * a double, so 18446744073709551617 reads back as 1.8446744073709552e+19
 * and 1e999 prints as null. lt_json_parse keeps each number's text in the
 * node's (otherwise unused) valuestring, lt_json_print writes it back, and
 * comparisons (jq's order) compare number texts exactly as decimals. */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "latticectl/json.h"
#include "latticectl/util.h"
#include "banned.h"

/* room for any number text lt_json_number_text formats */
#define NUM_TEXT_MAX 63
/* a flag above cJSON's type bits: a number node printed as raw text */
#define WAS_NUMBER (1 << 12)

struct numscan {
	const char *p, *end;
	bool ok;		/* texts still line up with the tree */
};

/* Step over the string whose opening quote is at p; returns the byte after
 * its closing quote (or end). */
static const char *
skip_string(const char *p, const char *end)
{
	const char *q;
	size_t bs;

	for (p++; p < end; p = q + 1) {
		q = memchr(p, '"', (size_t)(end - p));
		if (q == NULL)
			return end;
		for (bs = 0; q - bs > p && q[-1 - (ptrdiff_t)bs] == '\\'; bs++)
			;
		if (bs % 2 == 0)
			return q + 1;
	}
	return end;
}

/* The next number token outside strings, in document order: the run of
 * characters cJSON's parse_number reads. */
static bool
next_number(struct numscan *s, const char **tok, size_t *n)
{
	const char *p = s->p;

	while (p < s->end) {
		if (*p == '"') {
			p = skip_string(p, s->end);
		} else if (*p == '-' || (*p >= '0' && *p <= '9')) {
			*tok = p;
			while (p < s->end && (isdigit((unsigned char)*p) ||
			    strchr("+-eE.", *p)))
				p++;
			*n = (size_t)(p - *tok);
			s->p = p;
			return true;
		} else {
			p++;
		}
	}
	s->p = p;
	return false;
}

/* Texts cJSON prints back unchanged need no copy: a lone 0, or an integer
 * of at most 15 digits without a leading zero, maybe negative (cJSON
 * prints integers with %d, or %1.15g beyond int: all their digits). Event
 * times in ms and most counts are such integers. */
static bool
prints_the_same(const char *t, size_t n)
{
	size_t i;

	if (n == 1 && t[0] == '0')
		return true;
	if (n > 1 && t[0] == '-') {
		t++;
		n--;
	}
	if (n > 15 || t[0] < '1' || t[0] > '9')
		return false;
	for (i = 1; i < n; i++)
		if (!isdigit((unsigned char)t[i]))
			return false;
	return true;
}

static void
attach_one(cJSON *v, struct numscan *s)
{
	const char *tok;
	char *text;
	size_t n;

	if (!next_number(s, &tok, &n)) {
		s->ok = false;
		return;
	}
	if (prints_the_same(tok, n) || v->valuestring)
		return;
	text = lt_xstrndup(tok, n);
	if (strtod(text, NULL) != v->valuedouble) {
		free(text);
		s->ok = false;	/* not the number cJSON read: give up */
		return;
	}
	v->valuestring = text;
}

/* Walk v and its siblings in document order (cJSON keeps it). */
static void
attach(cJSON *v, struct numscan *s)
{
	for (; v && s->ok; v = v->next) {
		if (cJSON_IsNumber(v))
			attach_one(v, s);
		else if (v->child)
			attach(v->child, s);
	}
}

cJSON *
lt_json_parse(const char *data, size_t len)
{
	cJSON *root = cJSON_ParseWithLength(data, len);
	struct numscan s = { data, data + len, true };

	if (root)
		attach(root, &s);
	return root;
}

/* Number nodes with a text turn raw (on) and back. */
static void
numbers_raw(cJSON *v, bool on)
{
	for (; v; v = v->next) {
		int keep = v->type & ~(0xFF | WAS_NUMBER);

		if (on && cJSON_IsNumber(v) && v->valuestring)
			v->type = keep | cJSON_Raw | WAS_NUMBER;
		else if (!on && (v->type & WAS_NUMBER))
			v->type = keep | cJSON_Number;
		if (v->child)
			numbers_raw(v->child, on);
	}
}

char *
lt_json_print_kept(const cJSON *cv, bool pretty)
{
	cJSON *v = (cJSON *)cv, *next;	/* marked and restored */
	char *s;

	if (v == NULL)
		return NULL;
	next = v->next;		/* print v alone, not its siblings */
	v->next = NULL;
	numbers_raw(v, true);
	s = pretty ? cJSON_Print(v) : cJSON_PrintUnformatted(v);
	numbers_raw(v, false);
	v->next = next;
	return s;
}

const char *
lt_json_number_text(const cJSON *v, char *buf, size_t size)
{
	double d = v->valuedouble;

	if (v->valuestring)
		return v->valuestring;
	if (d == floor(d) && fabs(d) < 9e15) {
		snprintf(buf, size, "%.0f", d);
	} else {
		snprintf(buf, size, "%.15g", d);
		if (strtod(buf, NULL) != d)
			snprintf(buf, size, "%.17g", d);
	}
	return buf;
}

const char *
lt_json_num_text(const cJSON *obj, const char *key, const char *def,
    char *buf, size_t size)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(v) ? lt_json_number_text(v, buf, size) : def;
}

/* ---- exact comparison of decimal texts ---- */

#define DEC_DIGITS 160
#define EXP_CAP 1000000000000000LL

/* A decimal: sign * 0.DIGITS * 10^exp, digits without leading or
 * trailing zeros; sign 0 for zero, inf for an infinity. */
struct dec {
	int sign;
	bool inf;
	char dig[DEC_DIGITS];
	size_t n;
	long long exp;
};

static bool
is_inf_text(const char *s)
{
	return !strcasecmp(s, "inf") || !strcasecmp(s, "infinity");
}

static long long
exponent(const char *p)
{
	int sign = 1;
	long long e = 0;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	for (; isdigit((unsigned char)*p); p++)
		if (e < EXP_CAP)
			e = e * 10 + (*p - '0');
	return sign * e;
}

static void
dec_parse(const char *s, struct dec *d)
{
	long long point = 0;
	bool frac = false, lead = true;

	memset(d, 0, sizeof(*d));
	d->sign = *s == '-' ? -1 : 1;
	if (*s == '-' || *s == '+')
		s++;
	if ((d->inf = is_inf_text(s)))
		return;
	for (; isdigit((unsigned char)*s) || (*s == '.' && !frac); s++) {
		if (*s == '.') {
			frac = true;
		} else if (lead && *s == '0') {
			point -= frac;	/* 0.00x: the point moves right */
		} else {
			lead = false;
			point += !frac;
			if (d->n < DEC_DIGITS)
				d->dig[d->n++] = *s;
		}
	}
	while (d->n > 0 && d->dig[d->n - 1] == '0')
		d->n--;
	if (d->n == 0)
		d->sign = 0;
	d->exp = point + ((*s == 'e' || *s == 'E') ? exponent(s + 1) : 0);
}

/* Magnitudes of two non-zero finite decimals. */
static int
dec_mag_cmp(const struct dec *a, const struct dec *b)
{
	size_t n = a->n < b->n ? a->n : b->n;
	int c;

	if (a->exp != b->exp)
		return a->exp < b->exp ? -1 : 1;
	if ((c = memcmp(a->dig, b->dig, n)) != 0)
		return c < 0 ? -1 : 1;
	return a->n == b->n ? 0 : a->n < b->n ? -1 : 1;
}

int
lt_json_num_cmp(const char *a, const char *b)
{
	struct dec x, y;
	int cx, cy;

	dec_parse(a, &x);
	dec_parse(b, &y);
	cx = x.inf ? 2 * x.sign : 0;
	cy = y.inf ? 2 * y.sign : 0;
	if (cx != cy || cx != 0)	/* -inf < any finite < inf */
		return cx == cy ? 0 : cx < cy ? -1 : 1;
	if (x.sign != y.sign)
		return x.sign < y.sign ? -1 : 1;
	if (x.sign == 0)
		return 0;
	return x.sign * dec_mag_cmp(&x, &y);
}

/* ---- jq's order of JSON values ---- */

/* null < false < true < numbers < strings < arrays < objects */
static int
rank(const cJSON *v)
{
	if (cJSON_IsFalse(v))
		return 1;
	if (cJSON_IsTrue(v))
		return 2;
	if (cJSON_IsNumber(v))
		return 3;
	if (cJSON_IsString(v))
		return 4;
	if (cJSON_IsArray(v))
		return 5;
	if (cJSON_IsObject(v))
		return 6;
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* An object's member names, sorted (borrowed); *n is their count. */
static const char **
sorted_names(const cJSON *o, size_t *n)
{
	const char **v = lt_xcalloc((size_t)cJSON_GetArraySize(o) + 1,
	    sizeof(*v));
	const cJSON *m;

	*n = 0;
	cJSON_ArrayForEach(m, o)
		v[(*n)++] = m->string ? m->string : "";
	qsort(v, *n, sizeof(*v), by_name);
	return v;
}

/* jq: the sorted key lists first, then the values key by key. */
static int
object_cmp(const cJSON *a, const cJSON *b)
{
	size_t na, nb, i;
	const char **ka = sorted_names(a, &na), **kb = sorted_names(b, &nb);
	int c = 0;

	for (i = 0; c == 0 && i < na && i < nb; i++)
		c = strcmp(ka[i], kb[i]);
	if (c == 0 && na != nb)
		c = na < nb ? -1 : 1;
	for (i = 0; c == 0 && i < na; i++)
		c = lt_json_cmp(cJSON_GetObjectItemCaseSensitive(a, ka[i]),
		    cJSON_GetObjectItemCaseSensitive(b, ka[i]));
	free(ka);
	free(kb);
	return c < 0 ? -1 : c > 0;
}

static int
array_cmp(const cJSON *a, const cJSON *b)
{
	const cJSON *x = a->child, *y = b->child;
	int c;

	for (; x && y; x = x->next, y = y->next)
		if ((c = lt_json_cmp(x, y)) != 0)
			return c;
	return x ? 1 : y ? -1 : 0;
}

int
lt_json_cmp(const cJSON *a, const cJSON *b)
{
	int ra = rank(a), rb = rank(b), c;
	char ta[NUM_TEXT_MAX + 1], tb[NUM_TEXT_MAX + 1];

	if (ra != rb)
		return ra < rb ? -1 : 1;
	switch (ra) {
	case 3:	/* no kept text: both doubles hold their numbers exactly */
		if (!a->valuestring && !b->valuestring)
			return a->valuedouble < b->valuedouble ? -1 :
			    a->valuedouble > b->valuedouble;
		return lt_json_num_cmp(lt_json_number_text(a, ta, sizeof(ta)),
		    lt_json_number_text(b, tb, sizeof(tb)));
	case 4:
		c = strcmp(a->valuestring, b->valuestring);
		return c < 0 ? -1 : c > 0;
	case 5:
		return array_cmp(a, b);
	case 6:
		return object_cmp(a, b);
	}
	return 0;
}

int
lt_json_int(const cJSON *v, int64_t min, int64_t max, int64_t *out)
{
	double d;
	int64_t i;

	if (!cJSON_IsNumber(v))
		return -1;
	d = v->valuedouble;
	/* converting a double outside int64_t's range is undefined */
	if (!(d >= -0x1p63)) {	/* (NaN too) */
		*out = min;
		return 1;
	}
	if (d >= 0x1p63) {
		*out = max;
		return 1;
	}
	i = (int64_t)d;
	*out = i < min ? min : i > max ? max : i;
	return *out == i && (double)i == d ? 0 : 1;
}
