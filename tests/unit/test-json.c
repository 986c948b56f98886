/* test-json.c: the compacting validator that copies payloads into
 * recordings (lt_json_compact), and JSON text from trees (lt_json_print). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/json.h"
#include "latticectl/util.h"
#include "tap.h"

/* Compact in into a buffer that already holds "x"; the result after it. */
static int
compact(const char *in, size_t len, int depth, char *got, size_t gotlen)
{
	struct lt_buf b = LT_BUF_INIT;
	int rc;

	lt_buf_adds(&b, "x");
	rc = lt_json_compact(in, len, depth, &b);
	snprintf(got, gotlen, "%s", b.buf);
	lt_buf_release(&b);
	return rc;
}

static void
good(const char *in, const char *want, const char *what)
{
	char got[256], full[256];

	snprintf(full, sizeof(full), "x%s", want);
	ok(compact(in, strlen(in), 64, got, sizeof(got)) == 0 &&
	    !strcmp(got, full), "%s: %s", what, got);
}

static void
bad(const char *in, size_t len, int depth, const char *what)
{
	char got[256];

	ok(compact(in, len, depth, got, sizeof(got)) < 0 && !strcmp(got, "x"),
	    "refused, output untouched: %s", what);
}

/* Each special byte at each offset of a long string: the word-at-a-time
 * scan must stop at it wherever it falls. */
static void
long_strings(void)
{
	static const char *const special[] = { "\\n", "\xc3\xa9", "\x01", "\x7f",
	    "\xff", "\"" };
	static const bool valid[] = { true, true, false, false, false, false };
	char in[64], got[128];
	size_t i, at, len, fails = 0;

	for (i = 0; i < LT_ARRAY_SIZE(special); i++)
		for (at = 1; at < 20; at++) {
			memset(in, 'a', sizeof(in));
			in[0] = '"';
			len = strlen(special[i]);
			memcpy(in + at, special[i], len);
			in[at + len + 20] = '"';
			len = at + len + 21;
			if ((compact(in, len, 64, got, sizeof(got)) == 0) != valid[i] ||
			    (valid[i] && memcmp(got + 1, in, len)))
				fails++;
		}
	ok(fails == 0, "special bytes found at every offset of a string "
	    "(%zu wrong)", fails);
}

static bool
flag_secret(const char *name, size_t n)
{
	return n == 6 && !memcmp(name, "secret", 6);
}

static int
names_rc(const char *in, char *got, size_t gotlen)
{
	struct lt_buf b = LT_BUF_INIT;
	int rc;

	lt_buf_adds(&b, "x");
	rc = lt_json_compact_names(in, strlen(in), 64, flag_secret, &b);
	snprintf(got, gotlen, "%s", b.buf);
	lt_buf_release(&b);
	return rc;
}

static void
names(void)
{
	char got[128];

	ok(names_rc("{\"a\": {\"b\":\"secret\"}}", got, sizeof(got)) == 0 &&
	    !strcmp(got, "x{\"a\":{\"b\":\"secret\"}}"),
	    "names: a value that looks like a flagged name is not one");
	ok(names_rc("[1,{\"secret\":2}]", got, sizeof(got)) == 1 &&
	    !strcmp(got, "x"), "names: a flagged name anywhere: 1, output untouched");
	ok(names_rc("{\"s\\u0065cret\":2}", got, sizeof(got)) == 1,
	    "names: a name with escapes is flagged unasked");
	ok(names_rc("{\"secret\" 2}", got, sizeof(got)) == 1,
	    "names: flagged before the syntax error after it");
	ok(names_rc("{\"a\" 2, \"secret\":1}", got, sizeof(got)) == -1,
	    "names: not JSON before the flagged name");
}

/* A tree cJSON parsed from bytes that are not UTF-8 (a host's reply) is
 * written as UTF-8, DEL, C1 and bidi controls escaped. */
static void
test_print(void)
{
	cJSON *j = cJSON_Parse("{\"n\":\"a\xff\xc2\x9b\xe2\x80\xae\x7f"
	    "\xc3\xa9\","
	    "\"k\\u001b\":[1]}");
	struct lt_buf b = LT_BUF_INIT;

	lt_json_print(j, false, &b);
	is_str(lt_buf_str(&b), "{\"n\":\"a\\ufffd\\u009b\\u202e\\u007f"
	    "\xc3\xa9\",\"k\\u001b\":[1]}",
	    "print: not UTF-8 as U+FFFD, controls escaped");
	lt_buf_reset(&b);
	lt_json_print(NULL, true, &b);
	is_str(lt_buf_str(&b), "null", "print: no tree is null");
	lt_buf_release(&b);
	cJSON_Delete(j);
}

int
main(void)
{
	test_print();
	good("{\"a\":1,\"b\":[true,false,null]}", "{\"a\":1,\"b\":[true,false,null]}",
	    "compact input copied whole");
	good(" {\n\t\"a\" : [ 1 , 2.5e-3 ] ,\r\n\"b\":{ } } ", "{\"a\":[1,2.5e-3],\"b\":{}}",
	    "whitespace outside strings removed");
	good("{\"s\":\"two  words\\n\"}", "{\"s\":\"two  words\\n\"}", "strings kept as they are");
	good("\"caf\xc3\xa9 \\\"q\\\" \\u00e9\"", "\"caf\xc3\xa9 \\\"q\\\" \\u00e9\"",
	    "UTF-8 and escapes");
	good("-0.5", "-0.5", "a bare number");
	bad("{\"a\":1} x", 9, 64, "trailing garbage");
	bad("{\"a\":\"tab\there\"}", 15, 64, "control character in a string");
	bad("{\"a\":\"\\q\"}", 10, 64, "unknown escape");
	bad("\"\\\0\"", 4, 64, "backslash before NUL");
	bad("{\"a\":\"open", 10, 64, "unterminated string");
	bad("[[[1]]]", 7, 2, "nested deeper than allowed");
	bad("", 0, 64, "empty input");
	bad("\"\xff\xfe\"", 4, 64, "not UTF-8");
	bad("{\"a\" 1}", 7, 64, "missing colon");
	bad("01", 2, 64, "leading zero");
	bad("\"\\u00e\"", 8, 64, "\\u with three hex digits");
	bad("\"\\ud83d\"", 8, 64, "a lone high surrogate");
	bad("\"\\ude00\"", 8, 64, "a lone low surrogate");
	bad("\"\\ud83d\\u0041\"", 14, 64, "a high surrogate without its pair");
	good("\"\\ud83d\\ude00\\u0041\"", "\"\\ud83d\\ude00\\u0041\"",
	    "a surrogate pair");
	bad("\"a\x7f\"", 4, 64, "DEL in a string");
	bad("\"\xe2\x82\"", 4, 64, "a cut UTF-8 sequence");
	bad("\"\xed\xa0\x80\"", 5, 64, "a UTF-8 encoded surrogate");
	long_strings();
	names();
	done_testing();
}
