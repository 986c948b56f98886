/* json.c: a compacting JSON validator (no allocation per value), dotted
 * paths into cJSON trees, and scalar formatting. */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "latticectl/json.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "plain-run.h"
#include "banned.h"

struct scan {
	const char *p, *end;
	struct lt_buf *out;	/* NULL: validate only */
	int depth, max_depth;
	bool spaced;		/* whitespace seen outside strings */
	lt_json_name_fn flag;	/* asked about member names, or NULL */
	bool flagged;		/* a name was flagged: stop */
	bool long_number;	/* a number cJSON cannot read whole */
	struct lt_json_members *keep;	/* members kept, or NULL */
	int top;		/* the kept top-level member being read */
};

/* cJSON reads at most 63 characters of a number (its parse_number
 * buffer): a longer one makes it refuse the document. */
#define CJSON_NUMBER_MAX 63

static void
skip_ws(struct scan *s)
{
	if (s->p < s->end && (unsigned char)*s->p > ' ')
		return;	/* compact JSON: no white space at all */
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' ||
	    *s->p == '\r' || *s->p == '\t')) {
		s->p++;
		s->spaced = true;
	}
}

/* Copy n bytes of the value to the output, when there is one. */
static void
put(struct scan *s, const char *from, size_t n)
{
	if (s->out)
		lt_buf_add(s->out, from, n);
}

/* Copy the structural character at s->p and step over it. */
static void
put_char(struct scan *s)
{
	if (s->out)
		lt_buf_addch(s->out, *s->p);
	s->p++;
}

static int value(struct scan *s);

/* The code unit of the \uXXXX escape at p, or -1. */
static long
hex4(const char *p, const char *end)
{
	long v = 0;
	int i;

	if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
		return -1;
	for (i = 2; i < 6; i++) {
		if (!isxdigit((unsigned char)p[i]))
			return -1;
		v = v * 16 + (isdigit((unsigned char)p[i]) ? p[i] - '0' :
		    (tolower((unsigned char)p[i]) - 'a' + 10));
	}
	return v;
}

/* Step over the escape at s->p. A \u escape needs four hex digits, and
 * a UTF-16 surrogate its pair (as cJSON, which reads recordings, does). */
static int
escape(struct scan *s)
{
	long u, lo;

	if (s->end - s->p < 2 || s->p[1] == '\0' ||
	    !strchr("\"\\/bfnrtu", s->p[1]))
		return -1;	/* a backslash escapes one of these */
	if (s->p[1] != 'u') {
		s->p += 2;
		return 0;
	}
	if ((u = hex4(s->p, s->end)) < 0 || (u >= 0xdc00 && u <= 0xdfff))
		return -1;
	s->p += 6;
	if (u < 0xd800 || u > 0xdbff)
		return 0;
	lo = hex4(s->p, s->end);
	if (lo < 0xdc00 || lo > 0xdfff)
		return -1;
	s->p += 6;
	return 0;
}

/* A string; *esc tells whether it holds an escape. Its text must be UTF-8
 * without control characters (as lt_is_text): anything else is binary.
 * Inlined into its two callers: a call per string (its prologue loads the
 * scan's constants) was a tenth of a record's instructions. */
static inline __attribute__((always_inline)) int
string(struct scan *s, bool *esc)
{
	const char *start = s->p++, *q;
	size_t n;

	*esc = false;
	for (;;) {
		q = lt_json_plain_run(s->p, s->end);
		s->p = q;
		if (q >= s->end)
			return -1;
		if (*q == '"')
			break;
		if (*q == '\\') {
			if (escape(s) < 0)
				return -1;
			*esc = true;
			continue;
		}
		n = lt_utf8_seq_len(q, (size_t)(s->end - q));
		if ((unsigned char)*q < 0x80 || n == 0)
			return -1;	/* control character, DEL, bad UTF-8 */
		s->p += n;
	}
	s->p++;
	put(s, start, (size_t)(s->p - start));
	return 0;
}

/* A member name, shown to the flag function (a name with escapes is
 * flagged unasked: the caller's tree walk decides). */
static int
name(struct scan *s, bool *esc_out)
{
	const char *start = s->p;
	bool esc;

	*esc_out = false;
	if (string(s, &esc) < 0)
		return -1;
	if (s->flag && (esc || s->flag(start + 1, (size_t)(s->p - start - 2))))
		s->flagged = true;
	*esc_out = esc;
	return 0;
}

/* Keep the member whose name (quoted) starts at name, in an object at
 * depth 1 or 2: its index, or -1. */
static int
keep_member(struct scan *s, const char *name, bool esc)
{
	struct lt_json_members *k = s->keep;
	struct lt_json_member *m;

	if (s->depth > 2)
		return -1;
	if (k->n >= k->max || (s->depth == 2 && s->top < 0)) {
		k->lost = true;
		return -1;
	}
	m = &k->m[k->n];
	m->name = name + 1;
	m->name_len = (size_t)(s->p - name - 2);
	m->name_esc = esc;
	m->parent = s->depth == 1 ? -1 : s->top;
	return k->n++;
}

static bool
digits(struct scan *s)
{
	const char *start = s->p;

	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return s->p > start;
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
number(struct scan *s)
{
	const char *start = s->p;

	if (*s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == '0')
		s->p++;
	else if (!digits(s))
		return -1;
	if (s->p < s->end && *s->p == '.' && (s->p++, !digits(s)))
		return -1;
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (!digits(s))
			return -1;
	}
	if (s->p - start > CJSON_NUMBER_MAX)
		s->long_number = true;
	put(s, start, (size_t)(s->p - start));
	return 0;
}

static int
literal(struct scan *s, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n))
		return -1;
	put(s, word, n);
	s->p += n;
	return 0;
}

/* Members of an object ('{' already consumed) or elements of an array. */
static int
container(struct scan *s, char close, bool object)
{
	if (++s->depth > s->max_depth)
		return -1;
	skip_ws(s);
	if (s->p < s->end && *s->p == close) {
		put_char(s);
		s->depth--;
		return 0;
	}
	for (;;) {
		const char *at;
		bool esc;
		int kept = -1;

		skip_ws(s);
		if (object) {
			at = s->p;
			if (s->p >= s->end || *s->p != '"' || name(s, &esc) < 0)
				return -1;
			if (s->flagged)
				return -1;
			if (s->keep)
				kept = keep_member(s, at, esc);
			skip_ws(s);
			if (s->p >= s->end || *s->p != ':')
				return -1;
			put_char(s);
		}
		skip_ws(s);
		at = s->p;
		if (s->depth == 1)
			s->top = kept;
		if (value(s) < 0)
			return -1;
		if (kept >= 0) {
			s->keep->m[kept].value = at;
			s->keep->m[kept].value_len = (size_t)(s->p - at);
		}
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			put_char(s);
			continue;
		}
		if (s->p < s->end && *s->p == close) {
			put_char(s);
			s->depth--;
			return 0;
		}
		return -1;
	}
}

static int
value(struct scan *s)
{
	bool esc;

	skip_ws(s);
	if (s->p >= s->end)
		return -1;
	switch (*s->p) {
	case '{':
		put_char(s);
		return container(s, '}', true);
	case '[':
		put_char(s);
		return container(s, ']', false);
	case '"':
		return string(s, &esc);
	case 't':
		return literal(s, "true");
	case 'f':
		return literal(s, "false");
	case 'n':
		return literal(s, "null");
	default:
		return number(s);
	}
}

/* One valid JSON value and nothing else, as text. */
static bool
scan_all(struct scan *s)
{
	if (value(s) < 0)
		return false;
	skip_ws(s);
	return s->p == s->end;
}

int
lt_json_compact_names(const char *data, size_t len, int max_depth,
    lt_json_name_fn flag, struct lt_buf *out)
{
	struct scan s = { data, data + len, NULL, 0, max_depth, false, flag,
	    false, false, NULL, -1 };
	size_t mark = out->len;

	/* Validate first: most payloads are compact already and are then
	 * copied in one piece. */
	if (!scan_all(&s))
		return s.flagged ? 1 : -1;
	if (!s.spaced) {
		lt_buf_add(out, data, len);
		return 0;
	}
	s = (struct scan){ data, data + len, out, 0, max_depth, false, NULL,
	    false, false, NULL, -1 };
	if (scan_all(&s))
		return 0;
	out->len = mark;	/* not reached: the same scan passed above */
	if (out->buf)
		out->buf[mark] = '\0';
	return -1;
}

int
lt_json_compact(const char *data, size_t len, int max_depth,
    struct lt_buf *out)
{
	return lt_json_compact_names(data, len, max_depth, NULL, out);
}

int
lt_json_check(const char *data, size_t len, int max_depth,
    lt_json_name_fn flag, struct lt_json_members *keep)
{
	struct scan s = { data, data + len, NULL, 0, max_depth, false, flag,
	    false, false, keep, -1 };

	if (keep) {
		keep->n = 0;
		keep->lost = false;
	}

	if (!scan_all(&s))
		return s.flagged ? 1 : -1;
	if (keep)
		keep->spaced = s.spaced;
	return s.long_number ? -1 : 0;
}

/* ---- the members of a checked document ---- */

/* The closing quote of the string whose opening quote is at p; *esc
 * tells whether it holds an escape. The string is valid JSON. */
static const char *
string_close(const char *p, const char *end, bool *esc)
{
	const char *q = p + 1, *b;

	while ((q = memchr(q, '"', (size_t)(end - q))) != NULL) {
		for (b = q; b[-1] == '\\'; b--)
			;
		if (((q - b) & 1) == 0)
			break;	/* not escaped */
		q++;
	}
	if (q == NULL)
		q = end;
	*esc = memchr(p + 1, '\\', (size_t)(q - p - 1)) != NULL;
	return q;
}

/* Where the valid JSON value at p ends. */
static const char *
value_end(const char *p, const char *end)
{
	bool esc;
	int depth = 0;

	if (*p == '"')
		return string_close(p, end, &esc) + 1;
	if (*p != '{' && *p != '[') {
		while (p < end && !strchr(",}] \t\r\n", *p))
			p++;
		return p;
	}
	for (; p < end; p++) {
		if (*p == '"')
			p = string_close(p, end, &esc);
		else if (*p == '{' || *p == '[')
			depth++;
		else if ((*p == '}' || *p == ']') && --depth == 0)
			return p + 1;
	}
	return end;
}

static const char *
skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' ||
	    *p == '\t'))
		p++;
	return p;
}

int
lt_json_members(const char *data, size_t len, struct lt_json_member *out,
    int max)
{
	const char *p = data, *end = data + len, *q;
	struct lt_json_member m;
	bool object;
	int n = 0;

	if (len == 0 || (*p != '{' && *p != '['))
		return -1;
	object = *p++ == '{';
	for (;;) {
		p = skip_space(p, end);
		if (p >= end || *p == '}' || *p == ']')
			return n;
		memset(&m, 0, sizeof(m));
		if (object) {
			q = string_close(p, end, &m.name_esc);
			m.name = p + 1;
			m.name_len = (size_t)(q - p - 1);
			p = skip_space(q + 1, end) + 1;	/* the ':' */
			p = skip_space(p, end);
		}
		q = value_end(p, end);
		m.value = p;
		m.value_len = (size_t)(q - p);
		if (n < max)
			out[n] = m;
		n++;
		p = skip_space(q, end);
		if (p < end && *p == ',')
			p++;
	}
}

/* Next path segment: a bare name up to '.' or '[', ["quoted"], or [N]. */
static const char *
next_segment(const char *p, char *seg, size_t seglen, bool *index)
{
	size_t n = 0;

	*index = false;
	if (*p == '[' && p[1] == '"') {
		for (p += 2; *p && *p != '"' && n + 1 < seglen; p++)
			seg[n++] = *p;
		if (*p != '"' || p[1] != ']')
			return NULL;
		p += 2;
	} else if (*p == '[') {
		for (p++; *p >= '0' && *p <= '9' && n + 1 < seglen; p++)
			seg[n++] = *p;
		if (*p != ']' || n == 0)
			return NULL;
		p++;
		*index = true;
	} else {
		for (; *p && *p != '.' && *p != '[' && n + 1 < seglen; p++)
			seg[n++] = *p;
	}
	seg[n] = '\0';
	if (*p == '.')
		p++;
	return p;
}

cJSON *
lt_json_path(cJSON *root, const char *path)
{
	char seg[256];
	bool index;

	while (root && path && *path) {
		path = next_segment(path, seg, sizeof(seg), &index);
		if (path == NULL)
			return NULL;
		if (index) {
			long i = strtol(seg, NULL, 10);

			root = cJSON_IsArray(root) && i <= INT_MAX ?
			    cJSON_GetArrayItem(root, (int)i) : NULL;
		} else {
			root = cJSON_IsObject(root) ?
			    cJSON_GetObjectItemCaseSensitive(root, seg) : NULL;
		}
	}
	return root;
}

const char *
lt_json_str(const cJSON *obj, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

double
lt_json_num(const cJSON *obj, const char *key, double def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(v) ? v->valuedouble : def;
}

void
lt_json_scalar_text(const cJSON *v, struct lt_buf *out)
{
	if (cJSON_IsString(v)) {
		lt_buf_adds(out, v->valuestring);
	} else if (cJSON_IsNumber(v) && v->valuestring) {
		lt_buf_adds(out, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;

		if (d == floor(d) && fabs(d) < 9e15)
			lt_buf_addf(out, "%.0f", d);
		else
			lt_buf_addf(out, "%g", d);
	} else if (cJSON_IsBool(v)) {
		lt_buf_adds(out, cJSON_IsTrue(v) ? "true" : "false");
	} else if (cJSON_IsNull(v) || v == NULL) {
		lt_buf_adds(out, "null");
	} else {
		lt_json_print(v, false, out);
	}
}

/* JSON text (cJSON's output) with every byte that is not UTF-8 as \ufffd
 * and DEL, C1 and bidi controls as \uNNNN: cJSON prints the bytes of a
 * string as it parsed them, and only a string holds bytes above ASCII. */
static void
add_utf8_json(struct lt_buf *out, const char *s, size_t len)
{
	const char *p = s, *end = s + len, *q;
	uint32_t cp;
	size_t n;

	lt_buf_grow(out, len);
	for (;;) {
		for (q = p; q < end && (unsigned char)*q < 0x7f; q++)
			;
		lt_buf_add(out, p, (size_t)(q - p));
		if (q == end)
			return;
		switch (lt_text_classify(q, (size_t)(end - q), &n, &cp)) {
		case LT_TEXT_SAFE:
			lt_buf_add(out, q, n);
			break;
		case LT_TEXT_INVALID:
			lt_buf_adds(out, "\\ufffd");
			break;
		default:
			lt_buf_addf(out, "\\u%04x", (unsigned)cp);
		}
		p = q + n;
	}
}

void
lt_json_add_schema(cJSON *o, const char *schema)
{
	cJSON *s = cJSON_CreateString(schema);

	cJSON_AddItemToObject(o, "schema", s);
	cJSON_DetachItemViaPointer(o, s);
	cJSON_InsertItemInArray(o, 0, s);
}

void
lt_json_print(const cJSON *v, bool pretty, struct lt_buf *out)
{
	char *text = lt_json_print_kept(v, pretty);

	add_utf8_json(out, text ? text : "null", text ? strlen(text) : 4);
	cJSON_free(text);
}
