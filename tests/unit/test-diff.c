/* test-diff.c: snapshot diff and JSON field diff, and the snapshot file
 * round trip they rely on (fast line reader and cJSON reader agree). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "latticectl/diff.h"
#include "latticectl/snapshot.h"
#include "tap.h"

static void
put(struct lt_snapshot *s, const char *key, uint64_t rev, const char *val)
{
	lt_snapshot_add(s, key, strlen(key), rev, 1000000000LL * (int64_t)rev,
	    LT_KV_PUT, val, strlen(val));
}

static void
mark(struct lt_snapshot *s, const char *key, uint64_t rev, enum lt_kv_op op)
{
	lt_snapshot_add(s, key, strlen(key), rev, 0, op, NULL, 0);
}

static const struct lt_diff_item *
item(const struct lt_diff *d, const char *key)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct lt_snapshot_entry *e = d->v[i].b ? d->v[i].b : d->v[i].a;

		if (!strcmp(e->key, key))
			return &d->v[i];
	}
	return NULL;
}

static void
test_fields(void)
{
	const char *a = "{\"greeting\":\"hi\",\"gone\":1,\"n\":{\"x\":1,\"y\":2}}";
	const char *b = "{\"greeting\":\"hello\",\"n\":{\"x\":1,\"y\":3},\"new\":[1]}";
	struct lt_diff_field *f = NULL;
	size_t n = 0;

	ok(lt_diff_fields(a, strlen(a), b, strlen(b), &f, &n) == 0, "two maps");
	is_int((int)n, 4, "four field changes");
	is_str(f[0].path, "greeting", "changed field first");
	is_int(f[0].change, LT_DIFF_CHANGED, "greeting changed");
	is_str(f[0].a, "\"hi\"", "old value as JSON");
	is_str(f[0].b, "\"hello\"", "new value as JSON");
	is_str(f[1].path, "gone", "removed field");
	ok(f[1].change == LT_DIFF_REMOVED && f[1].b == NULL, "removed: no b");
	is_str(f[2].path, "n.y", "nested maps by dotted path");
	is_str(f[3].path, "new", "added field");
	ok(f[3].change == LT_DIFF_ADDED && f[3].a == NULL, "added: no a");
	lt_diff_fields_free(f, n);
	ok(lt_diff_fields("[1]", 3, "{}", 2, &f, &n) < 0, "an array is not a map");
	lt_diff_fields_free(f, n);
}

static void
test_equal(void)
{
	struct lt_snapshot s = LT_SNAPSHOT_INIT;
	struct lt_snapshot_entry *a, *b;

	s.redaction = LT_REDACT_NONE;
	put(&s, "a", 1, "{\"x\": 1.50}");
	put(&s, "b", 2, "{\"x\":1.5}");
	a = &s.v[0];
	b = &s.v[1];
	ok(lt_diff_values_equal(a, b), "JSON equal despite formatting");
	put(&s, "c", 3, "not json");
	put(&s, "d", 4, "not json");
	ok(lt_diff_values_equal(&s.v[2], &s.v[3]), "same bytes, base64");
	ok(!lt_diff_values_equal(&s.v[0], &s.v[2]), "JSON vs base64 differ");
	is_int(s.v[2].enc, LT_KV_ENC_BASE64, "text that is not JSON is base64");
	lt_snapshot_release(&s);
}

static void
build(struct lt_snapshot *a, struct lt_snapshot *b)
{
	a->redaction = b->redaction = LT_REDACT_SECRETS;
	put(a, "same", 1, "{\"v\":1}");
	put(a, "changed", 2, "{\"greeting\":\"hi\",\"api_key\":\"k1\"}");
	put(a, "deleted", 3, "{\"d\":1}");
	put(a, "purged", 4, "{\"p\":1}");
	put(a, "vanished", 5, "x");
	put(a, "unknown-later", 6, "{}");
	put(b, "same", 1, "{\"v\":1}");
	put(b, "changed", 7, "{\"greeting\":\"hello\",\"api_key\":\"k2\"}");
	mark(b, "deleted", 8, LT_KV_DELETE);
	mark(b, "purged", 9, LT_KV_PURGE);
	put(b, "added", 10, "[1,2]");
	mark(b, "unknown-later", 11, LT_KV_UNKNOWN);
	mark(b, "marker-only", 12, LT_KV_DELETE);
	lt_snapshot_sort(a);
	lt_snapshot_sort(b);
}

static void
test_snapshots(void)
{
	struct lt_snapshot a = LT_SNAPSHOT_INIT, b = LT_SNAPSHOT_INIT;
	struct lt_diff d = LT_DIFF_INIT;
	const struct lt_diff_item *it;
	struct lt_buf out = LT_BUF_INIT;
	cJSON *j;

	build(&a, &b);
	is_int((int)lt_diff_snapshots(&a, &b, &d), 5, "five differences");
	ok(d.added == 1 && d.removed == 3 && d.changed == 1, "counts");
	ok(d.deleted == 1 && d.purged == 1, "delete and purge told apart");
	it = item(&d, "purged");
	ok(it && it->change == LT_DIFF_REMOVED && it->b->op == LT_KV_PURGE,
	    "purged: removed with its marker");
	it = item(&d, "vanished");
	ok(it && it->b == NULL, "gone without a marker");
	ok(item(&d, "unknown-later") == NULL, "an unknown side is not compared");
	is_int((int)d.unknown, 1, "but counted as not compared");
	ok(item(&d, "marker-only") == NULL, "absent on both sides: nothing");
	it = item(&d, "changed");
	ok(it && it->nfields == 2, "changed map: its fields");
	ok(it && strstr(it->fields[1].a, "<redacted:") != NULL,
	    "a secret field is compared masked");
	lt_diff_format_text(&d, lt_output_colors(false), &out);
	ok(strstr(lt_buf_str(&out), "- purged  (purged at rev 9; was rev 4)\n")
	    != NULL, "text: purge line");
	ok(strstr(lt_buf_str(&out), "    ~ greeting: \"hi\" -> \"hello\"\n")
	    != NULL, "text: field line");
	ok(strstr(lt_buf_str(&out), "- vanished  (gone, no marker left; was rev"
	    " 5)\n") != NULL, "text: gone line");
	ok(strstr(lt_buf_str(&out), "+ added  (added, rev 10)\n    + [1,2]\n")
	    != NULL, "text: added line and value");
	ok(strstr(lt_buf_str(&out), "k1") == NULL, "text: no secret");
	lt_buf_reset(&out);
	lt_diff_format_json(&d, &a, &b, &out);
	j = cJSON_Parse(lt_buf_str(&out));
	ok(j != NULL, "json: parses");
	is_int((int)cJSON_GetArraySize(cJSON_GetObjectItem(j, "changes")), 5,
	    "json: five changes");
	ok(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "summary"), "purged")
	    ->valueint == 1, "json: summary");
	cJSON_Delete(j);
	lt_diff_release(&d);
	ok(lt_diff_snapshots(&a, &a, &d) == 0, "a snapshot equals itself");
	lt_diff_release(&d);
	lt_buf_release(&out);
	lt_snapshot_release(&a);
	lt_snapshot_release(&b);
}

/* Each ndjson line parses alone and names its schema; without them, the
 * change lines are the document's changes and the last line the rest. */
static void
check_ndjson(const struct lt_diff *d, const struct lt_snapshot *a,
    const struct lt_snapshot *b, const char *what)
{
	struct lt_buf js = LT_BUF_INIT, nd = LT_BUF_INIT;
	cJSON *doc, *line, *changes;
	char *p, *nl;
	size_t n = 0;
	bool same = true;

	lt_diff_format_json(d, a, b, &js);
	lt_diff_format_ndjson(d, a, b, &nd);
	doc = cJSON_Parse(lt_buf_str(&js));
	changes = cJSON_DetachItemFromObject(doc, "changes");
	cJSON_DeleteItemFromObject(doc, "schema");
	for (p = nd.buf; p && (nl = strchr(p, '\n')); p = nl + 1, n++) {
		const char *want = n < d->n ? "latticectl.kv-diff-change/1" :
		    "latticectl.kv-diff-summary/1";
		cJSON *s;

		line = cJSON_ParseWithLength(p, (size_t)(nl - p));
		s = cJSON_DetachItemFromObject(line, "schema");
		same = same && line && cJSON_IsString(s) &&
		    !strcmp(s->valuestring, want) && cJSON_Compare(line, n < d->n ?
		    cJSON_GetArrayItem(changes, (int)n) : doc, true);
		cJSON_Delete(s);
		cJSON_Delete(line);
	}
	is_int((int)n, (int)d->n + 1, "ndjson (%s): a line per change and "
	    "a summary line", what);
	ok(same, "ndjson (%s): the json document's changes and summary", what);
	cJSON_Delete(changes);
	cJSON_Delete(doc);
	lt_buf_release(&js);
	lt_buf_release(&nd);
}

static void
test_ndjson(void)
{
	struct lt_snapshot a = LT_SNAPSHOT_INIT, b = LT_SNAPSHOT_INIT;
	struct lt_diff d = LT_DIFF_INIT;

	build(&a, &b);
	lt_diff_snapshots(&a, &b, &d);
	check_ndjson(&d, &a, &b, "five changes");
	lt_diff_release(&d);
	lt_diff_snapshots(&a, &a, &d);
	check_ndjson(&d, &a, &a, "no change");
	lt_diff_release(&d);
	lt_snapshot_release(&a);
	lt_snapshot_release(&b);
}

/* Write, read back: the same entries, through the fast reader; the
 * same lines reformatted read the same through cJSON. */
static void
test_roundtrip(void)
{
	struct lt_snapshot a = LT_SNAPSHOT_INIT, b = LT_SNAPSHOT_INIT,
	    c = LT_SNAPSHOT_INIT, dummy = LT_SNAPSHOT_INIT;
	struct lt_error err = LT_ERROR_INIT;
	struct lt_diff d = LT_DIFF_INIT;
	char *text = NULL, *spaced;
	size_t len = 0, i, o = 0;
	FILE *fp;

	build(&a, &dummy);
	a.bucket = strdup("B");
	put(&a, "SECRET_pw", 13, "hunter2");
	put(&a, "bin", 14, "\x01\x02\xff");
	lt_snapshot_sort(&a);
	is_int(lt_snapshot_find(&a, "SECRET_pw")->enc, LT_KV_ENC_REDACTED,
	    "a secret key's value is stored as a mask");
	fp = open_memstream(&text, &len);
	ok(lt_snapshot_write(&a, fp, &err) == 0, "write");
	fclose(fp);
	fp = fmemopen(text, len, "r");
	ok(lt_snapshot_read_fp(&b, fp, "mem", &err) == 0, "read back");
	fclose(fp);
	ok(b.n == a.n && lt_diff_snapshots(&a, &b, &d) == 0, "same entries");
	lt_diff_release(&d);
	is_str(b.bucket, "B", "header: bucket");
	ok(b.v[0].created_ns == a.v[0].created_ns, "created time kept");
	spaced = malloc(len * 2 + 1);
	for (i = 0; i < len; i++) {	/* defeat the fast path */
		spaced[o++] = text[i];
		if (text[i] == ',' && i > 0 && text[i - 1] != '\\')
			spaced[o++] = ' ';
	}
	fp = fmemopen(spaced, o, "r");
	ok(lt_snapshot_read_fp(&c, fp, "mem", &err) == 0, "read reformatted");
	fclose(fp);
	ok(c.n == a.n && lt_diff_snapshots(&b, &c, &d) == 0,
	    "fast and cJSON readers agree");
	ok(lt_snapshot_find(&c, "bin")->value_len ==
	    lt_snapshot_find(&b, "bin")->value_len, "base64 values agree");
	lt_diff_release(&d);
	free(spaced);
	free(text);
	lt_snapshot_release(&a);
	lt_snapshot_release(&b);
	lt_snapshot_release(&c);
	lt_snapshot_release(&dummy);
}

#define HDR "{\"schema\":\"latticectl.snapshot/1\",\"redaction\":\"none\"}\n"
#define KEY(k, rev) "{\"key\":\"" k "\",\"revision\":" #rev ",\"op\":" \
	"\"delete\",\"created\":\"2026-11-24T09:58:00.500000000Z\"}\n"

static void
test_bad_files(void)
{
	struct lt_snapshot s = LT_SNAPSHOT_INIT;
	struct lt_error err = LT_ERROR_INIT;
	static const char *const bad[] = {
		"",
		"hello\n",
		"{\"schema\":\"latticectl.snapshot/9\",\"redaction\":\"none\"}\n"
		    "{\"kind\":\"end\",\"keys\":0}\n",
		"{\"schema\":\"latticectl.snapshot/1\",\"redaction\":\"none\"}\n",
		"{\"schema\":\"latticectl.snapshot/1\",\"redaction\":\"none\"}\n"
		    "{\"kind\":\"end\",\"keys\":3}\n",
		"{\"schema\":\"latticectl.snapshot/1\",\"redaction\":\"none\"}\n"
		    "{\"key\":\"k\",\"revision\":-1,\"op\":\"put\"}\n"
		    "{\"kind\":\"end\",\"keys\":1}\n",
		"{\"schema\":\"latticectl.snapshot/1\",\"redac",
		HDR KEY("k", 1) KEY("k", 2) KEY("k", 3)
		    "{\"kind\":\"end\",\"keys\":3}\n",
		HDR KEY("a\\u0000b", 1) "{\"kind\":\"end\",\"keys\":1}\n",
		HDR "{\"revision\":1,\"key\":\"a\\u0000b\",\"op\":\"delete\"}\n"
		    "{\"kind\":\"end\",\"keys\":1}\n",
	};
	static const char *const why[] = { "empty", "not JSON",
	    "other version", "no end line", "end count", "bad revision",
	    "cut header", "a key on three lines", "\\u0000 in a key",
	    "\\u0000 in a key, another layout" };
	static const char *const says[] = { "", "", "", "", "", "", "",
	    "key 'k' is on 3 lines", "line 2 holds a NUL",
	    "line 2 holds a NUL" };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILE *fp = fmemopen((void *)bad[i], strlen(bad[i]) + !*bad[i],
		    "r");

		if (strlen(bad[i]) == 0) {
			fclose(fp);
			fp = fopen("/dev/null", "r");
		}
		err.code = LT_OK;
		ok(lt_snapshot_read_fp(&s, fp, "f", &err) < 0 &&
		    err.code == LT_E_RUNTIME && strstr(err.msg, "'f'") &&
		    strstr(err.msg, says[i]), "bad file refused: %s (%s)",
		    why[i], err.msg);
		fclose(fp);
	}
	lt_snapshot_release(&s);
}

/* A backslash before "u0000" that is itself escaped is no NUL. */
static void
test_escaped_backslash(void)
{
	static const char text[] = HDR KEY("a\\\\u0000", 1)
	    "{\"kind\":\"end\",\"keys\":1}\n";
	struct lt_snapshot s = LT_SNAPSHOT_INIT;
	struct lt_error err = LT_ERROR_INIT;
	FILE *fp = fmemopen((void *)text, strlen(text), "r");

	ok(lt_snapshot_read_fp(&s, fp, "f", &err) == 0 && s.n == 1 &&
	    !strcmp(s.v[0].key, "a\\u0000"), "a key 'a\\u0000' is read: %s",
	    err.msg);
	fclose(fp);
	lt_snapshot_release(&s);
}

int
main(void)
{
	test_fields();
	test_equal();
	test_snapshots();
	test_ndjson();
	test_roundtrip();
	test_bad_files();
	test_escaped_backslash();
	done_testing();
}
