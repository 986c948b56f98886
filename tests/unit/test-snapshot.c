/* test-snapshot.c: KV snapshots: adding values (JSON compacted, bytes as
 * base64, secret keys masked, markers without value, metadata only),
 * sorting (highest revision wins) and ordering, lookup, a file written
 * and read back entry by entry, and the reader's refusals: duplicate
 * keys, NUL in a key, truncation, a damaged end count, other schemas,
 * lines after the end, files that are not snapshots. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "latticectl/buf.h"
#include "latticectl/redact.h"
#include "latticectl/snapshot.h"
#include "latticectl/util.h"
#include "tap.h"
#include "tmpdir.h"

#define SEC 1000000000LL

static int64_t t0;	/* 2026-11-24T10:00:00Z */

static struct lt_snapshot_entry *
add(struct lt_snapshot *s, const char *key, uint64_t rev, enum lt_kv_op op,
    const char *data)
{
	return lt_snapshot_add(s, key, strlen(key), rev, t0 + (int64_t)rev * SEC,
	    op, data, data ? strlen(data) : 0);
}

static void
test_add(void)
{
	struct lt_snapshot s = LT_SNAPSHOT_INIT;
	struct lt_snapshot_entry *e;
	struct lt_buf b = LT_BUF_INIT;

	e = add(&s, "app", 3, LT_KV_PUT, "{ \"a\" : [1, 2.50] }");
	ok(e->enc == LT_KV_ENC_JSON && !strcmp(e->value, "{\"a\":[1,2.50]}") &&
	    e->value_len == 14, "JSON compacted, numbers as written");
	is_int(e->raw_len, 19, "raw size kept");
	ok(e->revision == 3 && e->created_ns == t0 + 3 * SEC &&
	    e->op == LT_KV_PUT && !strcmp(e->key, "app"), "metadata kept");
	e = lt_snapshot_add(&s, "bin", 3, 4, t0, LT_KV_PUT, "a\0\xff", 3);
	ok(e->enc == LT_KV_ENC_BASE64 && !strcmp(e->value, "YQD/"),
	    "bytes that are not JSON: base64");
	e = add(&s, "text", 5, LT_KV_PUT, "hello world");
	is_str(e->value, "aGVsbG8gd29ybGQ=", "text is not JSON either");
	e = add(&s, "db_password", 6, LT_KV_PUT, "hunter2");
	ok(e->enc == LT_KV_ENC_REDACTED && lt_redact_is_mask(e->value,
	    e->value_len), "a secret key's value masked whole");
	e = add(&s, "cfg", 7, LT_KV_PUT, "{\"token\":\"abc\",\"n\":1}");
	ok(e->enc == LT_KV_ENC_JSON && strstr(e->value, "\"token\":\"<redacted:")
	    && strstr(e->value, "\"n\":1") && !strstr(e->value, "abc"),
	    "a secret member inside JSON masked, the rest kept");
	e = add(&s, "gone", 9, LT_KV_DELETE, NULL);
	ok(e->value == NULL && e->enc == LT_KV_ENC_NONE && e->op == LT_KV_DELETE,
	    "a delete marker has no value");
	e = add(&s, "lost", 12, LT_KV_UNKNOWN, NULL);
	is_int(s.revision, 9, "revision: the highest known (not UNKNOWN's)");
	is_int(s.n, 7, "seven entries");
	is_int(lt_snapshot_count_live(&s), 5, "five hold a value");
	lt_snapshot_value_text(&s.v[0], false, &b);
	is_str(lt_buf_str(&b), "{\"a\":[1,2.50]}", "value text: JSON as is");
	lt_buf_reset(&b);
	lt_snapshot_value_text(&s.v[0], true, &b);
	is_str(lt_buf_str(&b), "{\n  \"a\": [\n    1,\n    2.50\n  ]\n}",
	    "pretty JSON");
	lt_buf_reset(&b);
	lt_snapshot_value_text(&s.v[1], false, &b);
	is_str(lt_buf_str(&b), "(binary, 3 bytes)", "binary value text");
	lt_buf_reset(&b);
	lt_snapshot_value_text(&s.v[2], false, &b);
	is_str(lt_buf_str(&b), "hello world", "base64 text decoded");
	lt_buf_reset(&b);
	lt_snapshot_value_json(&s.v[1], &b);
	is_str(lt_buf_str(&b), "\"value\":\"YQD/\",\"encoding\":\"base64\"",
	    "value JSON of bytes");
	lt_buf_reset(&b);
	lt_snapshot_value_json(&s.v[5], &b);
	is_str(lt_buf_str(&b), "", "no value, no member");
	lt_buf_reset(&b);
	lt_snapshot_entry_json(&s.v[5], &b);
	is_str(lt_buf_str(&b), "\"key\":\"gone\",\"revision\":9,\"op\":"
	    "\"delete\",\"created\":\"2026-11-24T10:00:09.000000000Z\"",
	    "a marker's members");
	lt_buf_release(&b);
	lt_snapshot_release(&s);
	ok(s.v == NULL && s.n == 0 && s.arena == NULL, "release: INIT again");

	s.meta_only = true;
	e = add(&s, "app", 1, LT_KV_PUT, "{\"a\":1}");
	ok(e->value == NULL && e->raw_len == 7, "meta_only: size, no value");
	lt_snapshot_release(&s);
	s.redaction = LT_REDACT_NONE;
	e = add(&s, "db_password", 1, LT_KV_PUT, "hunter2");
	is_str(e->value, "aHVudGVyMg==", "NONE: a secret kept");
	lt_snapshot_release(&s);
}

static void
test_sort(void)
{
	struct lt_snapshot s = LT_SNAPSHOT_INIT;
	char order[128] = "";
	size_t i;

	add(&s, "b", 5, LT_KV_PUT, "1");
	add(&s, "a", 2, LT_KV_PUT, "2");
	add(&s, "c", 1, LT_KV_PUT, "3");
	add(&s, "a", 7, LT_KV_DELETE, NULL);
	add(&s, "b", 3, LT_KV_PUT, "4");
	add(&s, "a\xc3\xa9", 4, LT_KV_PUT, "5");
	add(&s, "A", 6, LT_KV_PUT, "6");
	lt_snapshot_order(&s);
	for (i = 0; i < s.n; i++)
		snprintf(order + strlen(order), sizeof(order) - strlen(order),
		    "%s@%llu ", s.v[i].key, (unsigned long long)s.v[i].revision);
	is_str(order, "A@6 a@2 a@7 a\xc3\xa9@4 b@3 b@5 c@1 ",
	    "order: by key bytes, then revision, all kept");
	lt_snapshot_sort(&s);
	order[0] = '\0';
	for (i = 0; i < s.n; i++)
		snprintf(order + strlen(order), sizeof(order) - strlen(order),
		    "%s@%llu ", s.v[i].key, (unsigned long long)s.v[i].revision);
	is_str(order, "A@6 a@7 a\xc3\xa9@4 b@5 c@1 ",
	    "sort: one per key, the highest revision");
	ok(lt_snapshot_find(&s, "b") && lt_snapshot_find(&s, "b")->revision == 5
	    && !strcmp(lt_snapshot_find(&s, "b")->value, "1"), "find b");
	ok(lt_snapshot_find(&s, "a")->op == LT_KV_DELETE, "find a: its delete");
	ok(lt_snapshot_find(&s, "A") && lt_snapshot_find(&s, "c") &&
	    !lt_snapshot_find(&s, "bb") && !lt_snapshot_find(&s, "") &&
	    !lt_snapshot_find(&s, "d"), "find first, last and absent keys");
	is_int(lt_snapshot_count_live(&s), 4, "four live");
	lt_snapshot_release(&s);
	ok(lt_snapshot_find(&s, "a") == NULL, "find in an empty snapshot");
}

static void
diag_entry(size_t i, const struct lt_snapshot_entry *x,
    const struct lt_snapshot_entry *y)
{
	printf("#   entry %zu: '%s' rev %llu op %d enc %d '%s'\n"
	    "#        vs '%s' rev %llu op %d enc %d '%s'\n", i, x->key,
	    (unsigned long long)x->revision, x->op, x->enc,
	    x->value ? x->value : "", y->key, (unsigned long long)y->revision,
	    y->op, y->enc, y->value ? y->value : "");
}

/* Entries of a and b equal member by member. */
static int
same_entries(const struct lt_snapshot *a, const struct lt_snapshot *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		const struct lt_snapshot_entry *x = &a->v[i], *y = &b->v[i];

		if (strcmp(x->key, y->key) || x->revision != y->revision ||
		    x->created_ns != y->created_ns || x->op != y->op ||
		    x->enc != y->enc || x->value_len != y->value_len ||
		    (x->op == LT_KV_PUT && x->raw_len != y->raw_len) ||
		    (x->value == NULL) != (y->value == NULL) ||
		    (x->value && memcmp(x->value, y->value, x->value_len))) {
			diag_entry(i, x, y);
			return 0;
		}
	}
	return 1;
}

static void
test_round_trip(void)
{
	struct lt_snapshot s = LT_SNAPSHOT_INIT, r = LT_SNAPSHOT_INIT;
	struct lt_error err = LT_ERROR_INIT;
	char key[32];
	FILE *fp;
	int i;

	s.bucket = strdup("wadm_state");
	s.lattice = strdup("lat1");
	s.source = strdup("live");
	snprintf(s.server_id, sizeof(s.server_id), "NSERVER");
	snprintf(s.server_name, sizeof(s.server_name), "n1");
	snprintf(s.server_version, sizeof(s.server_version), "2.10.22");
	s.taken_ns = t0 + 123456789;
	s.duration_ns = 42 * 1000000LL;
	s.stream_last_seq = 991;
	s.unknown = 1;
	add(&s, "app", 3, LT_KV_PUT, "{\"a\":[1,2.50],\"s\":\"caf\xc3\xa9\"}");
	lt_snapshot_add(&s, "bin", 3, 4, t0, LT_KV_PUT, "a\0\xff", 3);
	add(&s, "db_password", 6, LT_KV_PUT, "hunter2");
	add(&s, "gone", 9, LT_KV_DELETE, NULL);
	add(&s, "purged", 10, LT_KV_PURGE, NULL);
	add(&s, "lost", 11, LT_KV_UNKNOWN, NULL);
	add(&s, "q\"uote\\d \x1b name", 12, LT_KV_PUT, "{\"k\":true}");
	add(&s, "empty", 13, LT_KV_PUT, "");
	for (i = 0; i < 300; i++) {
		snprintf(key, sizeof(key), "many.%03d", i);
		add(&s, key, 100 + (uint64_t)i, LT_KV_PUT, "[null]");
	}
	lt_snapshot_sort(&s);
	fp = fopen(tmp("s.snap"), "w");
	ok(fp && lt_snapshot_write(&s, fp, &err) == 0, "written");
	if (fp)
		fclose(fp);
	ok(lt_snapshot_read(&r, tmp("s.snap"), &err) == 0, "read back: %s",
	    err.msg);
	is_int(r.n, 308, "all entries");
	ok(same_entries(&s, &r), "every entry equal member by member");
	is_str(r.bucket, "wadm_state", "bucket");
	is_str(r.lattice, "lat1", "lattice");
	is_str(r.source, tmp("s.snap"), "source is the path");
	ok(!strcmp(r.server_id, "NSERVER") && !strcmp(r.server_name, "n1") &&
	    !strcmp(r.server_version, "2.10.22"), "server");
	is_int(r.taken_ns, t0 + 123456789, "taken");
	is_int(r.duration_ns, 42 * 1000000LL, "duration");
	is_int(r.stream_last_seq, 991, "stream_last_seq");
	is_int(r.revision, 399, "revision");
	is_int(r.unknown, 1, "unknown keys");
	ok(r.redaction == LT_REDACT_SECRETS && !r.meta_only, "redaction, "
	    "meta_only");
	ok(!strcmp(lt_snapshot_find(&r, "q\"uote\\d \x1b name")->value,
	    "{\"k\":true}"), "a key with a quote, backslash and escape found");
	/* writing what was read gives the same bytes */
	fp = fopen(tmp("s2.snap"), "w");
	free(r.source);
	r.source = strdup("live");
	ok(fp && lt_snapshot_write(&r, fp, &err) == 0, "written again");
	if (fp)
		fclose(fp);
	{
		size_t alen, blen;
		char *a = slurp("s.snap", &alen), *b = slurp("s2.snap", &blen);

		ok(alen > 0 && alen == blen && !memcmp(a, b, alen),
		    "byte for byte the same file (%zu bytes)", alen);
		ok(!strncmp(a, "{\"schema\":\"latticectl.snapshot/1\","
		    "\"kind\":\"header\"", 46) && strstr(a,
		    "\n{\"kind\":\"end\",\"keys\":308}\n") != NULL &&
		    a[alen - 1] == '\n', "header first, end line last");
		ok(strstr(a, "\n{\"key\":\"gone\",\"revision\":9,\"op\":"
		    "\"delete\",\"created\":\"2026-11-24T10:00:09.000000000Z\"}\n")
		    != NULL, "a marker's line");
		ok(strstr(a, "hunter2") == NULL, "no secret in the file");
		free(a);
		free(b);
	}
	lt_snapshot_release(&r);
	lt_snapshot_release(&s);
}

#define HEAD "{\"schema\":\"latticectl.snapshot/1\",\"kind\":\"header\"," \
	"\"bucket\":\"b\",\"taken\":\"2026-11-24T10:00:00Z\",\"redaction\":" \
	"\"secrets\"}\n"
#define ENTRY(k, rev) "{\"key\":\"" k "\",\"revision\":" #rev ",\"op\":" \
	"\"put\",\"created\":\"2026-11-24T10:00:00.000000000Z\",\"size\":1," \
	"\"value\":1}\n"
#define END(n) "{\"kind\":\"end\",\"keys\":" #n "}\n"

/* Read text as a snapshot file: "" when it is one, else the message
 * with the directory left out. */
static const char *
read_text(const char *text)
{
	static struct lt_error err;
	struct lt_snapshot s = LT_SNAPSHOT_INIT;
	const char *p;
	int rc;

	write_file("t.snap", text, strlen(text));
	err = (struct lt_error)LT_ERROR_INIT;
	rc = lt_snapshot_read(&s, tmp("t.snap"), &err);
	lt_snapshot_release(&s);
	if (rc == 0)
		return "";
	p = strstr(err.msg, tmp(""));
	if (p)	/* "'DIR/t.snap' ..." -> "'t.snap' ..." */
		memmove((char *)p, p + strlen(tmp("")), strlen(p + strlen(tmp(""))) + 1);
	return err.code == LT_E_RUNTIME ? err.msg : "(wrong code)";
}

static void
test_refusals(void)
{
	struct lt_snapshot s = LT_SNAPSHOT_INIT;
	struct lt_error err = LT_ERROR_INIT;

	is_str(read_text(HEAD ENTRY("a", 1) "\n" ENTRY("b", 2) END(2)), "",
	    "a small snapshot (a blank line is fine)");
	is_str(read_text(HEAD ENTRY("a", 1) ENTRY("b", 2) ENTRY("a", 3) END(3)),
	    "'t.snap' is damaged: key 'a' is on 2 lines (a snapshot has one "
	    "per key)", "a key on two lines refused");
	is_str(read_text(HEAD "{\"key\":\"a\",\"op\":\"put\",\"revision\":1,"
	    "\"value\":1}\n{\"key\":\"a\",\"op\":\"put\",\"revision\":1,"
	    "\"value\":2}\n{\"key\":\"a\",\"revision\":2,\"op\":\"delete\"}\n"
	    END(3)), "'t.snap' is damaged: key 'a' is on 3 lines (a snapshot "
	    "has one per key)", "slow-path lines too, counted");
	is_str(read_text(HEAD ENTRY("a\\u0000b", 1) END(1)),
	    "'t.snap': line 2 holds a NUL character (\\u0000), which a key or "
	    "value cannot hold here", "a NUL escape in a key refused");
	is_str(read_text(HEAD ENTRY("a\\\\u0000b", 1) END(1)), "",
	    "an escaped backslash before u0000 is no NUL");
	is_str(read_text(HEAD ENTRY("a", 1) ENTRY("b", 2)),
	    "'t.snap' is truncated after 2 entries (no end line)",
	    "no end line: truncated");
	is_str(read_text(HEAD ENTRY("a", 1) "{\"key\":\"b\",\"rev"),
	    "'t.snap' is truncated: the last line is cut short after 1 entries",
	    "a cut last line");
	is_str(read_text("{\"schema\":\"latticectl.snapshot/1\",\"kind\":\"he"),
	    "'t.snap' is truncated: its header line is cut short",
	    "a cut header");
	is_str(read_text(HEAD ENTRY("a", 1) END(2)), "'t.snap' is damaged: its "
	    "end line counts 2 keys, the file holds 1", "end count too high");
	is_str(read_text(HEAD ENTRY("a", 1) END(1) ENTRY("b", 2)),
	    "'t.snap': line 4 follows the end line", "a line after the end");
	is_str(read_text(HEAD "{\"key\":\"a\",\"op\":\"put\"}\n" END(1)),
	    "'t.snap': line 2 is not a snapshot entry", "no revision");
	is_str(read_text(HEAD "{\"key\":\"a\",\"revision\":1,\"op\":\"upsert\"}\n"
	    END(1)), "'t.snap': line 2 is not a snapshot entry", "unknown op");
	is_str(read_text(HEAD "{\"key\":\"a\",\"revision\":1,\"op\":\"put\"}\n"
	    END(1)), "'t.snap': line 2 is not a snapshot entry",
	    "a put without a value");
	is_str(read_text(HEAD "{\"key\":\"a\",\"revision\":1,\"op\":\"put\","
	    "\"value\":1,\"encoding\":\"rot13\"}\n" END(1)),
	    "'t.snap': line 2 is not a snapshot entry", "unknown encoding");
	is_str(read_text(HEAD "[1]\n" END(0)), "'t.snap': line 2 is not JSON",
	    "an array line");
	is_str(read_text("{\"schema\":\"latticectl.snapshot/2\"}\n" END(0)),
	    "'t.snap' is a snapshot of schema 'latticectl.snapshot/2'; this "
	    "latticectl reads latticectl.snapshot/1", "a newer schema named");
	is_str(read_text("{\"schema\":\"latticectl.rec/1\",\"seq\":1}\n"),
	    "'t.snap' is not a latticectl snapshot (schema 'latticectl.rec/1')",
	    "a recording is not a snapshot");
	is_str(read_text("{\"kind\":\"header\"}\n"), "'t.snap' is not a "
	    "latticectl snapshot (no schema in line 1)", "no schema");
	is_str(read_text("hello\n"), "'t.snap' is not a latticectl snapshot "
	    "(line 1 is not JSON)", "a text file");
	is_str(read_text(""), "'t.snap' is empty, not a snapshot", "empty");
	is_str(read_text("{\"schema\":\"latticectl.snapshot/1\",\"redaction\":"
	    "\"most\"}\n" END(0)), "'t.snap': unknown redaction mode in the "
	    "header", "an unknown redaction mode");
	ok(lt_snapshot_read(&s, tmp("missing.snap"), &err) < 0 &&
	    strstr(err.msg, "cannot open snapshot") != NULL, "a missing file");
	lt_snapshot_release(&s);
}

/* A value that holds a NUL escape in a string, stored by lt_snapshot_add,
 * comes back from the file whatever its key looks like. */
static void
test_nul_in_value(void)
{
	struct lt_snapshot s = LT_SNAPSHOT_INIT, r = LT_SNAPSHOT_INIT;
	struct lt_error err = LT_ERROR_INIT;
	FILE *fp;
	int rc;

	add(&s, "plain", 1, LT_KV_PUT, "{\"s\":\"a\\u0000b\"}");
	add(&s, "with \"quote\"", 2, LT_KV_PUT, "{\"s\":\"a\\u0000b\"}");
	lt_snapshot_sort(&s);
	fp = fopen(tmp("nul.snap"), "w");
	ok(fp && lt_snapshot_write(&s, fp, &err) == 0, "written");
	if (fp)
		fclose(fp);
	rc = lt_snapshot_read(&r, tmp("nul.snap"), &err);
	ok(rc == 0, "read back: %s", rc ? err.msg : "ok");
	ok(rc == 0 && same_entries(&s, &r), "both values as written");
	lt_snapshot_release(&r);
	lt_snapshot_release(&s);
}

int
main(void)
{
	static const char *const files[] = { "s.snap", "s2.snap", "t.snap",
		"nul.snap", NULL };
	static const unsigned char key[32] = { 7 };

	tmpdir_make("test-snapshot");
	lt_redact_key_set(key, sizeof(key));
	if (lt_time_parse("2026-11-24T10:00:00Z", &t0) < 0)
		return 1;
	test_add();
	test_sort();
	test_round_trip();
	test_refusals();
	test_nul_in_value();
	ok(tmpdir_remove(files) == 0,
	    "temporary directory removed (nothing left)");
	done_testing();
}
