/* text.c: untrusted text shown on a terminal (text.h). Plain ASCII goes
 * through in runs (the JSON string scan, which also stops at quotes and
 * backslashes); only the bytes it stops at are looked at one by one. */
#include <string.h>

#include "latticectl/text.h"
#include "latticectl/util.h"
#include "plain-run.h"
#include "banned.h"

static void
add_escape(struct lt_buf *b, enum lt_text_kind k, uint32_t cp)
{
	static const char hex[] = "0123456789abcdef";
	char e[7] = { '\\', 'x', 0, 0, 0, 0, 0 };

	if (k == LT_TEXT_CONTROL && (cp == '\n' || cp == '\r' || cp == '\t')) {
		lt_buf_adds(b, cp == '\n' ? "\\n" : cp == '\r' ? "\\r" : "\\t");
		return;
	}
	if (k == LT_TEXT_UNICODE) {
		e[1] = 'u';
		e[2] = hex[cp >> 12 & 15];
		e[3] = hex[cp >> 8 & 15];
		e[4] = hex[cp >> 4 & 15];
		e[5] = hex[cp & 15];
		lt_buf_add(b, e, 6);
		return;
	}
	e[2] = hex[cp >> 4 & 15];
	e[3] = hex[cp & 15];
	lt_buf_add(b, e, 4);
}

/* The common loop: runs of plain text in one piece; quote and backslash
 * are escaped when quoted; when prefix is not NULL a tab stays a tab and
 * a newline starts a new line beginning with prefix. */
static void
add_escaped(struct lt_buf *b, const char *s, size_t len, bool quoted,
    const char *prefix)
{
	const char *p = s, *end = s + len, *q;
	enum lt_text_kind k;
	uint32_t cp;
	size_t n;

	lt_buf_grow(b, len);
	for (;;) {
		q = lt_json_plain_run(p, end);
		lt_buf_add(b, p, (size_t)(q - p));
		if (q == end)
			return;
		k = lt_text_classify(q, (size_t)(end - q), &n, &cp);
		if ((*q == '"' || *q == '\\') && quoted)
			lt_buf_addch(b, '\\');
		if (*q == '\n' && prefix) {
			lt_buf_addch(b, '\n');
			lt_buf_adds(b, prefix);
		} else if (k == LT_TEXT_SAFE || (*q == '\t' && prefix)) {
			lt_buf_add(b, q, n);
		} else {
			add_escape(b, k, cp);
		}
		p = q + n;
	}
}

void
lt_buf_add_text(struct lt_buf *b, const char *s, size_t len)
{
	add_escaped(b, s, len, false, NULL);
}

void
lt_buf_add_texts(struct lt_buf *b, const char *s)
{
	if (s)
		add_escaped(b, s, strlen(s), false, NULL);
}

void
lt_buf_add_text_quoted(struct lt_buf *b, const char *s, size_t len)
{
	lt_buf_addch(b, '"');
	add_escaped(b, s, len, true, NULL);
	lt_buf_addch(b, '"');
}

void
lt_buf_add_text_lines(struct lt_buf *b, const char *s, size_t len,
    const char *prefix)
{
	add_escaped(b, s, len, false, prefix ? prefix : "");
}

const char *
lt_text(struct lt_buf *scratch, const char *s)
{
	size_t len = s ? strlen(s) : 0;

	if (s == NULL || lt_text_is_safe(s, len))
		return s;
	lt_buf_reset(scratch);
	add_escaped(scratch, s, len, false, NULL);
	return lt_buf_str(scratch);
}

/* Columns a code point takes on a terminal: 0 for combining marks,
 * zero-width and variation selectors, 2 for East Asian wide and
 * fullwidth characters and emoji, 1 otherwise (wcwidth(3) without a
 * locale, close to Unicode's East Asian Width W and F). */
static const struct cp_range {
	uint32_t lo, hi;
} zero_width[] = {
	{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd },
	{ 0x0610, 0x061a }, { 0x064b, 0x065f }, { 0x0e31, 0x0e31 },
	{ 0x0e34, 0x0e3a }, { 0x0e47, 0x0e4e }, { 0x1ab0, 0x1aff },
	{ 0x1dc0, 0x1dff }, { 0x200b, 0x200d }, { 0x2060, 0x2064 },
	{ 0x20d0, 0x20ff }, { 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f },
	{ 0xfeff, 0xfeff }, { 0xe0100, 0xe01ef },
}, wide[] = {
	{ 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x2329, 0x232a },
	{ 0x23e9, 0x23ec }, { 0x23f0, 0x23f0 }, { 0x23f3, 0x23f3 },
	{ 0x25fd, 0x25fe }, { 0x2614, 0x2615 }, { 0x2648, 0x2653 },
	{ 0x267f, 0x267f }, { 0x2693, 0x2693 }, { 0x26a1, 0x26a1 },
	{ 0x26aa, 0x26ab }, { 0x26bd, 0x26be }, { 0x26c4, 0x26c5 },
	{ 0x26ce, 0x26ce }, { 0x26d4, 0x26d4 }, { 0x26ea, 0x26ea },
	{ 0x26f2, 0x26f3 }, { 0x26f5, 0x26f5 }, { 0x26fa, 0x26fa },
	{ 0x26fd, 0x26fd }, { 0x2705, 0x2705 }, { 0x270a, 0x270b },
	{ 0x2728, 0x2728 }, { 0x274c, 0x274c }, { 0x274e, 0x274e },
	{ 0x2753, 0x2755 }, { 0x2757, 0x2757 }, { 0x2795, 0x2797 },
	{ 0x27b0, 0x27b0 }, { 0x27bf, 0x27bf }, { 0x2b1b, 0x2b1c },
	{ 0x2b50, 0x2b50 }, { 0x2b55, 0x2b55 }, { 0x2e80, 0x303e },
	{ 0x3041, 0x33ff }, { 0x3400, 0x4dbf }, { 0x4e00, 0x9fff },
	{ 0xa000, 0xa4cf }, { 0xa960, 0xa97f }, { 0xac00, 0xd7a3 },
	{ 0xf900, 0xfaff }, { 0xfe10, 0xfe19 }, { 0xfe30, 0xfe6f },
	{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x1f004, 0x1f004 },
	{ 0x1f0cf, 0x1f0cf }, { 0x1f18e, 0x1f18e }, { 0x1f191, 0x1f19a },
	{ 0x1f200, 0x1f251 }, { 0x1f300, 0x1f64f }, { 0x1f680, 0x1f6ff },
	{ 0x1f900, 0x1f9ff }, { 0x1fa70, 0x1faff }, { 0x20000, 0x2fffd },
	{ 0x30000, 0x3fffd },
};

static bool
in_ranges(uint32_t cp, const struct cp_range *r, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

int
lt_text_cp_width(uint32_t cp)
{
	if (cp < 0x300)
		return 1;
	if (in_ranges(cp, zero_width, LT_ARRAY_SIZE(zero_width)))
		return 0;
	return in_ranges(cp, wide, LT_ARRAY_SIZE(wide)) ? 2 : 1;
}

static bool
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* The unit of shown text at p: an SGR sequence of ours (ESC [ ... m, no
 * width), an escape lt_buf_add_text wrote (\xNN, \uNNNN, \n, \r, \t and
 * the \" and \\ of quoted values), a UTF-8 character, or one byte. Its
 * length in bytes goes to *n; returns its width in columns. */
static size_t
unit(const char *p, const char *end, size_t *n)
{
	const char *q = p;
	enum lt_text_kind k;
	uint32_t cp;

	if (*p == '\033') {
		while (q < end && *q != 'm')
			q++;
		*n = (size_t)(q - p) + (q < end);
		return 0;
	}
	if (*p == '\\' && end - p >= 4 && p[1] == 'x' && is_hex(p[2]) &&
	    is_hex(p[3]))
		return *n = 4;
	if (*p == '\\' && end - p >= 6 && p[1] == 'u' && is_hex(p[2]) &&
	    is_hex(p[3]) && is_hex(p[4]) && is_hex(p[5]))
		return *n = 6;
	if (*p == '\\' && end - p >= 2 && strchr("nrt\"\\", p[1]))
		return *n = 2;
	k = lt_text_classify(p, (size_t)(end - p), n, &cp);
	return k == LT_TEXT_SAFE && cp >= 0x80 ? (size_t)lt_text_cp_width(cp) : 1;
}

size_t
lt_text_width(const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	size_t w = 0, n;

	while (p < end) {
		if ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f &&
		    *p != '\\') {
			w++;
			p++;
			continue;
		}
		w += unit(p, end, &n);
		p += n;
	}
	return w;
}

bool
lt_text_fit(struct lt_buf *b, size_t from, size_t width)
{
	const char *p = b->buf + from, *end = b->buf + b->len, *cut = NULL;
	size_t w = 0, uw, n;
	bool open = false, open_at_cut = false;

	if (b->len <= from + width)	/* bytes >= columns */
		return false;
	while (p < end) {
		uw = unit(p, end, &n);
		if (w + uw > width - 1 && cut == NULL && uw > 0) {
			cut = p;	/* where "…" goes if it comes to that */
			open_at_cut = open;
		}
		if (w + uw > width)
			break;
		if (*p == '\033')
			open = strncmp(p, "\033[0m", 4) != 0;
		w += uw;
		p += n;
	}
	if (p == end || width == 0)
		return false;
	b->len = (size_t)(cut - b->buf);
	lt_buf_adds(b, "\xe2\x80\xa6");	/* U+2026 HORIZONTAL ELLIPSIS */
	if (open_at_cut)
		lt_buf_adds(b, "\033[0m");
	return true;
}

/* The longest unquoted " key=value" value of the shown text in b after
 * byte from: its start and length in bytes and its width; false when none
 * is wider than min + 1 columns. */
static bool
longest_value(const struct lt_buf *b, size_t from, size_t min, size_t *at,
    size_t *len, size_t *vw)
{
	size_t i, j, w, best = min + 1;
	bool found = false;

	for (i = from + 1; i + 1 < b->len; i++) {
		if (b->buf[i] != '=' || b->buf[i + 1] == '"' ||
		    !memchr(b->buf + from, ' ', i - from))
			continue;
		for (j = i + 1; j < b->len && b->buf[j] != ' '; j++)
			;
		w = lt_text_width(b->buf + i + 1, j - i - 1);
		if (w > best) {
			best = w;
			*at = i + 1;
			*len = j - i - 1;
			*vw = w;
			found = true;
		}
		i = j;
	}
	return found;
}

/* The byte offset in s after the units that take the first n columns. */
static size_t
skip_cols(const char *s, size_t len, size_t n)
{
	const char *p = s, *end = s + len;
	size_t uw, k;

	while (p < end) {
		uw = unit(p, end, &k);
		if (uw > n)
			break;
		n -= uw;
		p += k;
	}
	return (size_t)(p - s);
}

/* An image reference keeps its end (the tag), anything else its start. */
static bool
keeps_tail(const struct lt_buf *b, size_t at)
{
	return (at >= 6 && !strncmp(b->buf + at - 6, "image=", 6)) ||
	    (at >= 4 && !strncmp(b->buf + at - 4, "ref=", 4));
}

/* Shorten the longest values of b after from, each to no less than min
 * columns and "…", until the text fits width or none is longer. */
static bool
shorten_values(struct lt_buf *b, size_t from, size_t width, size_t min)
{
	size_t at, len, vw, w, keep, k;
	struct lt_buf v = LT_BUF_INIT;
	bool cut = false;

	while ((w = lt_text_width(b->buf + from, b->len - from)) > width &&
	    longest_value(b, from, min, &at, &len, &vw)) {
		keep = vw - (w - width) - 1;
		if (keep < min || keep > vw)
			keep = min;
		lt_buf_reset(&v);
		if (keeps_tail(b, at)) {
			k = skip_cols(b->buf + at, len, vw - keep);
			lt_buf_adds(&v, "\xe2\x80\xa6");
			lt_buf_add(&v, b->buf + at + k, len - k);
		} else {
			lt_buf_add(&v, b->buf + at, len);
			lt_text_fit(&v, 0, keep + 1);
		}
		lt_buf_adds(&v, b->buf + at + len);
		b->len = at;
		lt_buf_add(b, v.buf, v.len);
		cut = true;
	}
	lt_buf_release(&v);
	return cut;
}

bool
lt_text_fit_values(struct lt_buf *b, size_t from, size_t width)
{
	bool cut;

	if (!width || b->len <= from + width)	/* bytes >= columns */
		return false;
	/* first every long value down to 12 columns, then to 6 */
	cut = shorten_values(b, from, width, 11);
	cut = shorten_values(b, from, width, 5) || cut;
	return lt_text_fit(b, from, width) || cut;
}

/* Append one word (no blank in it) at column *col, breaking it where it
 * does not fit a line of its own. */
static void
add_word(struct lt_buf *b, const char *w, size_t len, size_t indent,
    size_t width, size_t *col)
{
	const char *p = w, *end = w + len;
	size_t uw, n;

	while (p < end) {
		uw = unit(p, end, &n);
		if (*col + uw > width && *col > indent) {
			lt_buf_addch(b, '\n');
			lt_buf_addf(b, "%*s", (int)indent, "");
			*col = indent;
		}
		lt_buf_add(b, p, n);
		*col += uw;
		p += n;
	}
}

void
lt_text_wrap(struct lt_buf *b, const char *s, size_t col, size_t indent,
    size_t width)
{
	const char *p = s, *q;
	size_t ww;

	while (*p) {
		q = p + strcspn(p, " ");
		ww = lt_text_width(p, (size_t)(q - p));
		if (p != s && col + 1 + ww > width &&
		    col > indent) {
			while (b->len && b->buf[b->len - 1] == ' ')
				b->len--;	/* no blank ends a line */
			lt_buf_addch(b, '\n');
			lt_buf_addf(b, "%*s", (int)indent, "");
			col = indent;
		} else if (p != s) {
			lt_buf_addch(b, ' ');
			col++;
		}
		add_word(b, p, (size_t)(q - p), indent, width, &col);
		p = *q ? q + 1 : q;
	}
}

void
lt_buf_add_field(struct lt_buf *b, const char *key, const char *v, size_t len)
{
	lt_buf_addch(b, ' ');
	lt_buf_add_texts(b, key);
	lt_buf_addch(b, '=');
	if (len == 0 || memchr(v, ' ', len) || memchr(v, '"', len) ||
	    !lt_text_is_safe(v, len))
		lt_buf_add_text_quoted(b, v, len);
	else
		lt_buf_add(b, v, len);
}
