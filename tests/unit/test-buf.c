/* test-buf.c: growth and NUL termination, u64 and printf appends, JSON
 * string quoting (escapes, control characters, C1 and bidi controls,
 * invalid UTF-8, embedded NUL), base64 both ways, the key=value rule,
 * detach/reset/release. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/text.h"
#include "tap.h"

/* The JSON literal lt_buf_add_json_str makes of len bytes of s. */
static const char *
jstr(struct lt_buf *b, const char *s, size_t len)
{
	lt_buf_reset(b);
	lt_buf_add_json_str(b, s, len);
	return lt_buf_str(b);
}

#define JSTR(b, lit) jstr((b), (lit), sizeof(lit) - 1)

static void
test_growth(void)
{
	struct lt_buf b = LT_BUF_INIT;
	char big[5000];
	size_t i;

	is_str(lt_buf_str(&b), "", "empty buffer reads as \"\"");
	ok(b.buf == NULL && b.alloc == 0, "LT_BUF_INIT allocates nothing");
	lt_buf_add(&b, "", 0);
	ok(b.buf != NULL && b.buf[0] == '\0' && b.len == 0,
	    "adding nothing still NUL-terminates");
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	for (i = 0; i < sizeof(big); i++)
		lt_buf_addch(&b, big[i]);
	is_int(b.len, sizeof(big), "5000 single bytes kept");
	ok(b.alloc > b.len && b.buf[b.len] == '\0', "room for the NUL");
	ok(memcmp(b.buf, big, sizeof(big)) == 0, "bytes in order");
	lt_buf_add(&b, "x\0y", 3);
	is_int(b.len, sizeof(big) + 3, "embedded NUL counted");
	ok(memcmp(b.buf + sizeof(big), "x\0y", 4) == 0, "embedded NUL kept");
	lt_buf_reset(&b);
	ok(b.len == 0 && b.buf[0] == '\0' && b.alloc > 0,
	    "reset empties but keeps the storage");
	lt_buf_grow(&b, 100000);
	ok(b.alloc >= 100001, "grow makes room for extra plus NUL");
	lt_buf_release(&b);
	ok(b.buf == NULL && b.len == 0 && b.alloc == 0, "release: INIT again");
	lt_buf_release(&b);
	ok(1, "release twice is harmless");
}

static void
test_formats(void)
{
	struct lt_buf b = LT_BUF_INIT;
	char big[300];
	char *s;

	lt_buf_add_u64(&b, 0);
	lt_buf_addch(&b, ' ');
	lt_buf_add_u64(&b, 1234567890);
	lt_buf_addch(&b, ' ');
	lt_buf_add_u64(&b, UINT64_MAX);
	is_str(lt_buf_str(&b), "0 1234567890 18446744073709551615",
	    "add_u64: 0, a middle value, UINT64_MAX");
	lt_buf_reset(&b);
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	lt_buf_addf(&b, "<%s|%d>", big, 42);
	is_int(b.len, sizeof(big) - 1 + 5, "addf longer than 64 bytes");
	ok(b.buf[0] == '<' && !strcmp(b.buf + sizeof(big), "|42>") &&
	    b.buf[b.len] == '\0', "addf's long output whole and terminated");
	lt_buf_adds(&b, "!");
	ok(b.buf[b.len - 1] == '!' && b.len == sizeof(big) + 5,
	    "appends after addf");
	s = lt_buf_detach(&b);
	ok(s != NULL && s[0] == '<' && b.buf == NULL && b.len == 0,
	    "detach hands the string over and resets");
	free(s);
	s = lt_buf_detach(&b);
	is_str(s, "", "detach of an empty buffer gives \"\" (never NULL)");
	free(s);
}

static void
test_json_str(void)
{
	struct lt_buf b = LT_BUF_INIT;
	char all[32];
	struct lt_buf want = LT_BUF_INIT;
	int i;

	is_str(JSTR(&b, ""), "\"\"", "empty string");
	is_str(JSTR(&b, "plain text 123"), "\"plain text 123\"", "plain");
	is_str(JSTR(&b, "q\"b\\s/"), "\"q\\\"b\\\\s/\"", "quote and backslash");
	is_str(JSTR(&b, "a\nb\rc\td"), "\"a\\nb\\rc\\td\"", "\\n \\r \\t");
	is_str(JSTR(&b, "nul\0end"), "\"nul\\u0000end\"",
	    "NUL inside the length is escaped, not an end");
	is_str(JSTR(&b, "\x1b[31m\x07\x08\x0c\x1f"),
	    "\"\\u001b[31m\\u0007\\u0008\\u000c\\u001f\"",
	    "other C0 controls as \\u00XX");
	is_str(JSTR(&b, "del\x7f"), "\"del\\u007f\"", "DEL");
	is_str(JSTR(&b, "c1\xc2\x9b" "2J"), "\"c1\\u009b2J\"", "C1 CSI");
	is_str(JSTR(&b, "\xe2\x80\xae" "rlo"), "\"\\u202erlo\"",
	    "bidi override");
	is_str(JSTR(&b, "caf\xc3\xa9 \xf0\x9f\x98\x80"),
	    "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"", "valid UTF-8 kept as it is");
	is_str(JSTR(&b, "a\xff" "b\xc3(c"), "\"a\\ufffdb\\ufffd(c\"",
	    "invalid bytes become \\ufffd");
	is_str(JSTR(&b, "cut\xe2\x80"), "\"cut\\ufffd\\ufffd\"",
	    "a sequence cut at the end");
	is_str(JSTR(&b, "\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"",
	    "an encoded surrogate is not UTF-8");
	/* long runs take the 16- and 8-byte paths: a special at every spot */
	for (i = 0; i < 24; i++) {
		memset(all, 'x', sizeof(all));
		all[i] = '"';
		lt_buf_reset(&want);
		lt_buf_addch(&want, '"');
		lt_buf_add(&want, all, (size_t)i);
		lt_buf_adds(&want, "\\\"");
		lt_buf_add(&want, all + i + 1, sizeof(all) - (size_t)i - 1);
		lt_buf_addch(&want, '"');
		if (strcmp(jstr(&b, all, sizeof(all)), want.buf) != 0)
			break;
	}
	is_int(i, 24, "a quote at any of 24 offsets of a 32-byte string");
	lt_buf_reset(&b);
	lt_buf_adds(&b, "x=");
	lt_buf_add_json_str(&b, "v", 1);
	is_str(lt_buf_str(&b), "x=\"v\"", "appends after what is there");
	lt_buf_release(&want);
	lt_buf_release(&b);
}

static void
test_base64(void)
{
	static const struct { const char *in; size_t len; const char *out; }
	vec[] = {
		{ "", 0, "" }, { "f", 1, "Zg==" }, { "fo", 2, "Zm8=" },
		{ "foo", 3, "Zm9v" }, { "foob", 4, "Zm9vYg==" },
		{ "fooba", 5, "Zm9vYmE=" }, { "foobar", 6, "Zm9vYmFy" },
		{ "\0\xff\xfe", 3, "AP/+" },
	};
	struct lt_buf b = LT_BUF_INIT, d = LT_BUF_INIT;
	unsigned char bytes[256];
	size_t i;

	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		lt_buf_reset(&b);
		lt_buf_add_base64(&b, vec[i].in, vec[i].len);
		is_str(lt_buf_str(&b), vec[i].out, "base64 of %zu bytes", vec[i].len);
		lt_buf_release(&d);
		ok(lt_base64_decode(vec[i].out, strlen(vec[i].out), &d) == 0 &&
		    d.len == vec[i].len && d.buf &&
		    memcmp(d.buf, vec[i].in, vec[i].len) == 0,
		    "decodes back to the %zu bytes", vec[i].len);
	}
	lt_buf_release(&d);
	ok(lt_base64_decode("Zm9vYg", 6, &d) == 0 && d.len == 4 &&
	    !memcmp(d.buf, "foob", 4), "padding is optional");
	for (i = 0; i < sizeof(bytes); i++)
		bytes[i] = (unsigned char)i;
	lt_buf_reset(&b);
	lt_buf_add_base64(&b, bytes, sizeof(bytes));
	is_int(b.len, 344, "256 bytes: 344 characters");
	lt_buf_release(&d);
	ok(lt_base64_decode(b.buf, b.len, &d) == 0 && d.len == 256 &&
	    !memcmp(d.buf, bytes, 256), "every byte value round-trips");
	lt_buf_release(&d);
	ok(lt_base64_decode("Zm9v!mFy", 8, &d) < 0, "a bad character refused");
	lt_buf_release(&d);
	ok(lt_base64_decode("Zm=9v", 5, &d) < 0, "padding in the middle refused");
	lt_buf_release(&d);
	ok(lt_base64_decode("Zm9v\0mFy", 8, &d) < 0, "a NUL byte refused");
	lt_buf_release(&d);
	ok(lt_base64_decode("Zm9vY", 5, &d) < 0,
	    "a lone last character (6 bits, no byte) refused");
	lt_buf_release(&d);
	ok(lt_base64_decode("Zg===", 5, &d) < 0, "three padding characters "
	    "refused");
	lt_buf_release(&d);
	ok(lt_base64_decode("Zg=", 3, &d) == 0 && d.len == 1 && d.buf[0] == 'f',
	    "short padding accepted");
	lt_buf_release(&d);
	lt_buf_release(&b);
}

static void
test_field(void)
{
	struct lt_buf b = LT_BUF_INIT;

#define FIELD(k, v) (lt_buf_reset(&b), lt_buf_add_field(&b, (k), (v), \
	sizeof(v) - 1), lt_buf_str(&b))
	is_str(FIELD("app", "shop"), " app=shop", "a plain value as it is");
	is_str(FIELD("msg", "two words"), " msg=\"two words\"",
	    "a blank: quoted");
	is_str(FIELD("msg", ""), " msg=\"\"", "empty: quoted");
	is_str(FIELD("msg", "say \"hi\""), " msg=\"say \\\"hi\\\"\"",
	    "a quote: quoted and escaped");
	is_str(FIELD("msg", "a\x1b[2Jb"), " msg=\"a\\x1b[2Jb\"",
	    "a control: quoted and escaped");
	is_str(FIELD("msg", "l1\nl2"), " msg=\"l1\\nl2\"", "a newline");
	is_str(FIELD("k\x1b]0;x\x07", "v"), " k\\x1b]0;x\\x07=v",
	    "the key is escaped too");
	is_str(FIELD("path", "caf\xc3\xa9"), " path=caf\xc3\xa9",
	    "UTF-8 text is not quoted");
	lt_buf_reset(&b);
	lt_buf_add_field(&b, "a", "1", 1);
	lt_buf_add_field(&b, "b", "x y", 3);
	is_str(lt_buf_str(&b), " a=1 b=\"x y\"", "fields follow each other");
	lt_buf_release(&b);
#undef FIELD
}

int
main(void)
{
	test_growth();
	test_formats();
	test_json_str();
	test_base64();
	test_field();
	done_testing();
}
