/* test-text.c: untrusted text escaped for a terminal, JSON strings that
 * stay UTF-8 whatever they are given. */
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "tap.h"

static const char *
text(struct lt_buf *b, const char *s, size_t len)
{
	lt_buf_reset(b);
	lt_buf_add_text(b, s, len);
	return lt_buf_str(b);
}

#define TEXT(b, lit) text(b, lit, sizeof(lit) - 1)

static void
test_controls(void)
{
	struct lt_buf b = LT_BUF_INIT;

	is_str(TEXT(&b, "plain ascii \"quoted\" back\\slash"),
	    "plain ascii \"quoted\" back\\slash", "plain text as it is");
	is_str(TEXT(&b, "\x1b]0;pwned\x07\x1b[2J"),
	    "\\x1b]0;pwned\\x07\\x1b[2J", "OSC and CSI: ESC and BEL visible");
	is_str(TEXT(&b, "a\nb\rc\td"), "a\\nb\\rc\\td", "newline, CR, tab");
	is_str(TEXT(&b, "nul\0x\x7f"), "nul\\x00x\\x7f", "NUL and DEL");
	is_str(TEXT(&b, "c1 \xc2\x9b" "2J \xc2\x85"), "c1 \\u009b2J \\u0085",
	    "C1 as UTF-8 (CSI, NEL)");
	is_str(TEXT(&b, "raw \x9b" "2J"), "raw \\x9b2J",
	    "a raw C1 byte (not UTF-8)");
	is_str(TEXT(&b, "\xe2\x80\xae" "evil" "\xe2\x81\xa6\xe2\x81\xa9"
	    "\xe2\x80\x8f\xd8\x9c"), "\\u202eevil\\u2066\\u2069\\u200f\\u061c",
	    "bidi controls");
	is_str(TEXT(&b, "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80"),
	    "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80",
	    "letters, symbols, emoji as they are");
	is_str(TEXT(&b, "\xc3(\xff\xed\xa0\x80\xc0\xaf"),
	    "\\xc3(\\xff\\xed\\xa0\\x80\\xc0\\xaf",
	    "bytes that are not UTF-8: truncated, 0xff, surrogate, overlong");
	is_str(TEXT(&b, "tail \xe2\x80"), "tail \\xe2\\x80",
	    "a sequence cut at the end");
	lt_buf_release(&b);
}

static void
test_forms(void)
{
	struct lt_buf b = LT_BUF_INIT, scratch = LT_BUF_INIT;
	const char *s = "plain";

	lt_buf_add_text_quoted(&b, "say \"hi\"\\\x1b", 10);
	is_str(lt_buf_str(&b), "\"say \\\"hi\\\"\\\\\\x1b\"",
	    "quoted: quote and backslash escaped too");
	lt_buf_reset(&b);
	lt_buf_add_text_lines(&b, "one\ttab\ntwo\x1b\r\nPASS  forged", 26,
	    "    | ");
	is_str(lt_buf_str(&b),
	    "one\ttab\n    | two\\x1b\\r\n    | PASS  forged",
	    "lines: every line after the first prefixed, tabs kept");
	ok(lt_text(&scratch, s) == s, "lt_text: safe text is not copied");
	is_str(lt_text(&scratch, "x\x1b"), "x\\x1b", "lt_text escapes");
	ok(lt_text(&scratch, NULL) == NULL, "lt_text: NULL stays NULL");
	ok(lt_text_is_safe("caf\xc3\xa9 \"\\", 8), "safe: UTF-8, quote, "
	    "backslash");
	ok(!lt_text_is_safe("x\xe2\x80\xae", 4) && !lt_text_is_safe("\t", 1)
	    && !lt_text_is_safe("\x80", 1), "not safe: bidi, tab, lone byte");
	lt_buf_release(&b);
	lt_buf_release(&scratch);
}

/* Every byte value, and every two-byte pair around a run of plain text,
 * through each form: no raw control byte (C0 but the layout's own
 * newlines, DEL, a C1 code point, a bidi control) and valid UTF-8. */
static bool
forbidden_at(const unsigned char *p, size_t left)
{
	if (left >= 2 && p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
		return true;	/* C1 */
	if (left >= 2 && p[0] == 0xd8 && p[1] == 0x9c)
		return true;	/* U+061C */
	if (left >= 3 && p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0x8e ||
	    p[2] == 0x8f || (p[2] >= 0xaa && p[2] <= 0xae)))
		return true;	/* U+200E, U+200F, U+202A-U+202E */
	return left >= 3 && p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 &&
	    p[2] <= 0xa9;	/* U+2066-U+2069 */
}

static int
unsafe_output(const char *s, size_t len, bool lines)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < len; i++)
		if ((p[i] < 0x20 && !((p[i] == '\n' || p[i] == '\t') &&
		    lines)) || p[i] == 0x7f ||
		    forbidden_at(p + i, len - i))
			return 1;
	return !lt_is_text(s, len);
}

static void
test_exhaustive(void)
{
	struct lt_buf b = LT_BUF_INIT;
	char s[24];
	int bad = 0;
	unsigned x, y;

	for (x = 0; x < 256; x++)
		for (y = 0; y < 256; y++) {
			memset(s, 'a', sizeof(s));
			s[3] = (char)x;
			s[4] = (char)y;
			s[20] = (char)y;
			s[21] = (char)x;
			lt_buf_reset(&b);
			lt_buf_add_text(&b, s, sizeof(s));
			bad += unsafe_output(b.buf, b.len, false);
			lt_buf_reset(&b);
			lt_buf_add_text_lines(&b, s, sizeof(s), "> ");
			bad += unsafe_output(b.buf, b.len, true);
			lt_buf_reset(&b);
			lt_buf_add_json_str(&b, s, sizeof(s));
			bad += unsafe_output(b.buf, b.len, false);
		}
	ok(bad == 0, "no raw control, C1, bidi or invalid UTF-8 in any form "
	    "(%d bad)", bad);
	lt_buf_release(&b);
}

static void
test_json(void)
{
	struct lt_buf b = LT_BUF_INIT;

	lt_buf_add_json_str(&b, "a\xff" "b\xe2\x80\xae" "c\xc2\x9b" "d\x7f"
	    "caf\xc3\xa9", 16);
	is_str(lt_buf_str(&b), "\"a\\ufffdb\\u202ec\\u009bd\\u007f"
	    "caf\xc3\xa9\"", "json: invalid byte U+FFFD, controls escaped, "
	    "letters as they are");
	lt_buf_release(&b);
}

/* s cut to width columns by lt_text_fit, and whether it cut. */
static const char *
fit(struct lt_buf *b, const char *s, size_t width, bool *cut)
{
	lt_buf_reset(b);
	lt_buf_adds(b, s);
	*cut = lt_text_fit(b, 0, width);
	return lt_buf_str(b);
}

#define ELL "\xe2\x80\xa6"	/* … */
#define NIHON "\xe6\x97\xa5" "\xe6\x9c\xac"

static void
test_width_and_fit(void)
{
	struct lt_buf b = LT_BUF_INIT;
	bool cut;

	ok(lt_text_width("abc", 3) == 3, "ASCII: a column a byte");
	ok(lt_text_width(NIHON, 6) == 4, "CJK: two columns each");
	ok(lt_text_width("e\xcc\x81", 3) == 1, "a combining mark takes none");
	ok(lt_text_width("\033[31mred\033[0m", 12) == 3,
	    "colours take none");
	ok(lt_text_cp_width(0x1f600) == 2 && lt_text_cp_width(0xfe0f) == 0 &&
	    lt_text_cp_width(0xe9) == 1, "emoji wide, variation selector none");
	is_str(fit(&b, "abcdef", 6, &cut), "abcdef", "what fits is kept");
	ok(!cut, "and not cut");
	is_str(fit(&b, "abcdefg", 6, &cut), "abcde" ELL,
	    "cut with an ellipsis in the last column");
	ok(cut, "says it cut");
	is_str(fit(&b, "ab" NIHON "cd", 5, &cut), "ab\xe6\x97\xa5" ELL,
	    "a wide character is whole or gone");
	is_str(fit(&b, "ab" NIHON "cd", 6, &cut), "ab\xe6\x97\xa5" ELL,
	    "(one column left blank)");
	is_str(fit(&b, "abc\\x1bdef", 6, &cut), "abc" ELL,
	    "never inside an \\xNN escape");
	is_str(fit(&b, "ab\\u202ecdefgh", 9, &cut), "ab\\u202e" ELL,
	    "a \\uNNNN escape whole");
	is_str(fit(&b, "ab\\u202ecdefgh", 7, &cut), "ab" ELL, "or not at all");
	is_str(fit(&b, "a\\\"b\\\"cdef", 4, &cut), "a\\\"" ELL,
	    "a quoted value's escaped quote whole");
	is_str(fit(&b, "\033[2mabcdefgh", 4, &cut), "\033[2mabc" ELL
	    "\033[0m", "an open colour is reset after the cut");
	is_str(fit(&b, "\033[2mab\033[0mcdefgh", 4, &cut),
	    "\033[2mab\033[0mc" ELL, "a closed one is not");
	lt_buf_reset(&b);
	lt_buf_adds(&b, "keep: abcdefgh");
	ok(lt_text_fit(&b, 6, 4) && !strcmp(b.buf, "keep: abc" ELL),
	    "a cell: only the text after from is measured");
	lt_buf_reset(&b);
	lt_text_wrap(&b, "one two three four", 0, 2, 9);
	is_str(lt_buf_str(&b), "one two\n  three\n  four",
	    "wrap at blanks, continuation indented");
	lt_buf_reset(&b);
	lt_text_wrap(&b, "abcdefghij", 0, 0, 4);
	is_str(lt_buf_str(&b), "abcd\nefgh\nij", "a long word is broken");
	lt_buf_release(&b);
}

/* s fitted to width by lt_text_fit_values. */
static const char *
fit_values(struct lt_buf *b, const char *s, size_t width)
{
	lt_buf_reset(b);
	lt_buf_adds(b, s);
	(void)lt_text_fit_values(b, 0, width);
	return lt_buf_str(b);
}

static void
test_fit_values(void)
{
	struct lt_buf b = LT_BUF_INIT;
	const char *line = "12:00:00.000  component_scaled  NAAAAAAA "
	    "component=rust_hello_world-http_component "
	    "image=localhost:5000/test/http-hello-world:0.0.2 max=1";

	is_str(fit_values(&b, line, 200), line, "what fits is kept");
	is_str(fit_values(&b, line, 100), "12:00:00.000  component_scaled  "
	    "NAAAAAAA component=rust_hello_world-http_c" ELL " image="
	    ELL "world:0.0.2 max=1", "the longest value goes first, down to "
	    "12 columns (an image keeps its tag), then the next");
	is_str(fit_values(&b, line, 80), "12:00:00.000  component_scaled  "
	    "NAAAAAAA component=rust_" ELL " image=" ELL "rld:0.0.2 max=1",
	    "then every long value, down to 6 columns if need be");
	ok(lt_text_width(b.buf, b.len) == 80, "... and the line fits");
	is_str(fit_values(&b, line, 30), "12:00:00.000  component_scale" ELL,
	    "then the line's end");
	is_str(fit_values(&b, "a x=\\x1b\\x1b\\x1b\\x1b\\x1b\\x1b y", 16),
	    "a x=\\x1b\\x1b" ELL " y", "never inside an escape of a value");
	is_str(fit_values(&b, "a title=\"a long quoted value here\"", 20),
	    "a title=\"a long quo" ELL, "a quoted value is cut as the line");
	lt_buf_release(&b);
}

int
main(void)
{
	test_width_and_fit();
	test_fit_values();
	test_controls();
	test_forms();
	test_exhaustive();
	test_json();
	done_testing();
}
