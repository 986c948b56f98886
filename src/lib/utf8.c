/* utf8.c: what a byte sequence is to a terminal (utf8.h). */
#include "latticectl/utf8.h"
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
