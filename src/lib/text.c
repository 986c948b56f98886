/* text.c: untrusted text shown on a terminal (text.h). Plain ASCII goes
 * through in runs (the JSON string scan, which also stops at quotes and
 * backslashes); only the bytes it stops at are looked at one by one. */
#include <string.h>

#include "latticectl/text.h"
#include "latticectl/util.h"
#include "plain-run.h"
#include "banned.h"

static bool
is_bidi(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 &&
	    cp <= 0x2069) || cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

static uint32_t
decode(const unsigned char *p, size_t n)
{
	static const unsigned char lead[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	uint32_t cp = p[0] & lead[n];
	size_t i;

	for (i = 1; i < n; i++)
		cp = cp << 6 | (p[i] & 0x3f);
	return cp;
}

enum lt_text_kind
lt_text_classify(const char *s, size_t len, size_t *n, uint32_t *cp)
{
	unsigned char c = (unsigned char)*s;

	*n = 1;
	*cp = c;
	if (c < 0x20 || c == 0x7f)
		return LT_TEXT_CONTROL;
	if (c < 0x80)
		return LT_TEXT_SAFE;
	if ((*n = lt_utf8_seq_len(s, len)) == 0) {
		*n = 1;
		return LT_TEXT_INVALID;
	}
	*cp = decode((const unsigned char *)s, *n);
	return *cp < 0xa0 || is_bidi(*cp) ? LT_TEXT_UNICODE : LT_TEXT_SAFE;
}

bool
lt_text_is_safe(const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	uint32_t cp;
	size_t n;

	for (;;) {
		p = lt_json_plain_run(p, end);
		if (p == end)
			return true;
		if (*p == '"' || *p == '\\') {
			p++;
			continue;
		}
		if (lt_text_classify(p, (size_t)(end - p), &n, &cp) !=
		    LT_TEXT_SAFE)
			return false;
		p += n;
	}
}

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
