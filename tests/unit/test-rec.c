/* test-rec.c: recordings written and read back record by record: every
 * kind, the meta record (masked command line, server-less, extra
 * members), gap and end records, payload encodings, the one write path
 * (members written as given, redacted as they were added), autoflush, refusals when opening; and the reader's
 * handling of blank, garbled, foreign-schema and truncated lines,
 * interrupted files, files that are not recordings, and its own
 * redaction. Files live in a mkdtemp directory, removed at the end. */
#include <cjson/cJSON.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "latticectl/buf.h"
#include "latticectl/gap.h"
#include "latticectl/json.h"
#include "latticectl/rec.h"
#include "latticectl/redact.h"
#include "latticectl/util.h"
#include "tap.h"
#include "tmpdir.h"

#define MS 1000000LL

static int64_t t0;	/* 2026-11-24T10:00:00Z */

/* A record from a tree, as replay's own records and meta are written:
 * redacted in the writer's mode, then its members written (fields taken;
 * NULL: none). */
static uint64_t
write_tree(struct lt_rec *r, const char *kind, int64_t t, cJSON *fields,
    struct lt_error *err)
{
	struct lt_buf b = LT_BUF_INIT;
	uint64_t seq;

	if (fields)
		lt_rec_redact(fields, kind, lt_rec_redaction(r));
	lt_rec_add_members(&b, fields);
	seq = lt_rec_write(r, kind, t, b.buf ? b.buf : "", b.len, err);
	lt_buf_release(&b);
	cJSON_Delete(fields);
	return seq;
}

#define WRITE(name, lit) write_file((name), (lit), sizeof(lit) - 1)

static cJSON *
obj(const char *json)
{
	cJSON *j = cJSON_Parse(json);

	if (j == NULL)
		abort();
	return j;
}

/* The compact JSON text of member key of rec ("" when absent). */
static const char *
member(const cJSON *rec, const char *key)
{
	static struct lt_buf b = LT_BUF_INIT;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, key);

	lt_buf_reset(&b);
	if (v)
		lt_json_print(v, false, &b);
	if (v == NULL)
		lt_buf_release(&b);
	return lt_buf_str(&b);
}

#define ARGV_WANT "[\"latticectl\",\"watch\",\"--password\",\"(secret)\"," \
	"\"--token=(secret)\",\"nats://host:4222\",\"--where\",\"data.password="

/* The kinds written, in order, with one member each to read back. */
static const struct {
	const char *kind, *fields, *key, *want;
} kinds[] = {
	{ "event", "{\"subject\":\"wasmbus.evt.default.host_heartbeat\","
	    "\"event\":{\"type\":\"com.wasmcloud.lattice.host_heartbeat\","
	    "\"data\":{\"host_id\":\"NH1\"}}}", "event",
	    "{\"type\":\"com.wasmcloud.lattice.host_heartbeat\","
	    "\"data\":{\"host_id\":\"NH1\"}}" },
	{ "ctl.request", "{\"subject\":\"wasmbus.ctl.v1.default.host.ping\","
	    "\"payload\":{\"n\":1}}", "subject",
	    "\"wasmbus.ctl.v1.default.host.ping\"" },
	{ "ctl.reply", "{\"subject\":\"_INBOX.x\",\"latency_ms\":1.5,"
	    "\"payload\":{\"success\":true}}", "latency_ms", "1.5" },
	{ "wadm.request", "{\"subject\":\"wadm.api.default.model.list\"}",
	    "subject", "\"wadm.api.default.model.list\"" },
	{ "wadm.reply", "{\"payload\":[{\"name\":\"app\"}]}", "payload",
	    "[{\"name\":\"app\"}]" },
	{ "wadm.status", "{\"app\":\"shop\",\"payload\":{\"status\":"
	    "{\"type\":\"deployed\"}}}", "app", "\"shop\"" },
	{ "wadm.cmd", "{\"payload\":{\"scale\":{\"count\":2}}}", "payload",
	    "{\"scale\":{\"count\":2}}" },
	{ "kv", "{\"bucket\":\"wadm_state\",\"key\":\"app\",\"op\":\"put\","
	    "\"revision\":7,\"value\":{\"a\":1}}", "revision", "7" },
	{ "snapshot", "{\"bucket\":\"b\",\"contents\":[{\"key\":\"k\","
	    "\"value\":{\"v\":2}}]}", "contents",
	    "[{\"key\":\"k\",\"value\":{\"v\":2}}]" },
	{ "inventory", "{\"host\":\"NH1\",\"payload\":{\"components\":[]}}",
	    "host", "\"NH1\"" },
	{ "probe", "{\"name\":\"ping\",\"status\":\"ok\"}", "status", "\"ok\"" },
	{ "phase", "{\"phase\":\"collect\"}", "phase", "\"collect\"" },
	{ "finding", "{\"id\":\"F1\",\"severity\":\"error\",\"evidence\":[3,4]}",
	    "evidence", "[3,4]" },
	{ "msg", "{\"subject\":\"a.b\",\"reply\":\"_INBOX.r\",\"pair\":2}",
	    "reply", "\"_INBOX.r\"" },
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static void
test_write_read(void)
{
	char *argv[] = { "latticectl", "watch", "--password", "hunter2",
		"--token=abc", "nats://alice:pw@host:4222", "--where",
		"data.password=x", NULL };
	struct lt_error err = LT_ERROR_INIT;
	struct lt_rec_reader *rd;
	struct lt_rec *r;
	struct lt_buf f = LT_BUF_INIT;
	struct lt_gap g;
	char t[48];
	cJSON *rec;
	size_t i;
	int rc, good;
	uint64_t seq;
	struct stat st;
	int64_t when, before = lt_now_ns();

	ok(lt_rec_open(&r, tmp("all.rec"), LT_REDACT_SECRETS, &err) == 0,
	    "open a new recording");
	is_int(lt_rec_count(r), 0, "no records yet");
	seq = lt_rec_write_meta(r, 8, argv, NULL, "lat1",
	    obj("{\"filter\":\"hosts\",\"n\":3}"), &err);
	is_int(seq, 1, "meta is record 1");
	for (i = 0, good = 1; i < NKINDS; i++)
		good &= write_tree(r, kinds[i].kind, t0 + (int64_t)(i + 1) * MS,
		    obj(kinds[i].fields), &err) == i + 2;
	ok(good, "every kind written with its seq");
	memset(&g, 0, sizeof(g));
	g.reason = "disconnected";
	g.duration_ns = 2500 * MS;
	snprintf(g.detail, sizeof(g.detail), "nats://host:4222");
	lt_gap_format_fields(&g, false, &f);
	seq = lt_rec_write(r, "gap", t0 + 100 * MS, f.buf, f.len, &err);
	is_int(seq, NKINDS + 2, "a gap record from raw fields");
	is_int(write_tree(r, "phase", t0, NULL, &err), NKINDS + 3,
	    "a record without fields");
	is_int(lt_rec_count(r), NKINDS + 3, "count");
	ok(lt_rec_close(r, obj("{\"reason\":\"interrupted\"}"), &err) == 0,
	    "close writes the end record");
	ok(stat(tmp("all.rec"), &st) == 0 && (st.st_mode & 0777) != 0 &&
	    S_ISREG(st.st_mode), "the file is there");

	ok(lt_rec_reader_open(&rd, tmp("all.rec"), &err) == 0, "reader opens");
	ok(lt_rec_reader_next(rd, &rec, &err) == 1, "meta read");
	is_str(member(rec, "schema"), "\"latticectl.rec/1\"", "schema");
	is_str(member(rec, "seq"), "1", "seq 1");
	is_str(member(rec, "kind"), "\"meta\"", "kind meta");
	is_str(member(rec, "tool"), "\"latticectl\"", "tool");
	is_str(lt_json_str(rec, "version"), LT_VERSION, "version");
	is_int(strncmp(member(rec, "argv"), ARGV_WANT, strlen(ARGV_WANT)), 0,
	    "argv: option values and URL user information masked");
	ok(lt_redact_is_mask(member(rec, "argv") + strlen(ARGV_WANT),
	    strlen(member(rec, "argv") + strlen(ARGV_WANT)) - 2),
	    "a secret name=value word has its value masked");
	is_str(member(rec, "lattice"), "\"lat1\"", "lattice");
	is_str(member(rec, "redaction"), "\"secrets\"", "redaction mode");
	is_str(member(rec, "server"), "", "no server without a connection");
	ok(!strcmp(member(rec, "filter"), "\"hosts\"") &&
	    !strcmp(member(rec, "n"), "3"), "extra members added");
	ok(lt_time_parse(lt_json_str(rec, "t"), &when) == 0 &&
	    when >= before && when <= lt_now_ns(), "meta's time is now");
	cJSON_Delete(rec);
	for (i = 0; i < NKINDS; i++) {
		char want_seq[24];

		rc = lt_rec_reader_next(rd, &rec, &err);
		lt_time_format(t0 + (int64_t)(i + 1) * MS, t, sizeof(t));
		snprintf(want_seq, sizeof(want_seq), "%zu", i + 2);
		ok(rc == 1 && !strcmp(lt_json_str(rec, "kind"), kinds[i].kind) &&
		    !strcmp(member(rec, "seq"), want_seq) &&
		    !strcmp(lt_json_str(rec, "t"), t),
		    "%s: kind, seq %s, time %s", kinds[i].kind, want_seq, t);
		is_str(member(rec, kinds[i].key), kinds[i].want, "%s: %s",
		    kinds[i].kind, kinds[i].key);
		cJSON_Delete(rec);
	}
	ok(lt_rec_reader_next(rd, &rec, &err) == 1, "gap read");
	is_str(lt_json_str(rec, "kind"), "gap", "kind gap");
	is_str(lt_json_str(rec, "t"), "2026-11-24T10:00:00.100000000Z",
	    "gap time");
	ok(!strcmp(member(rec, "reason"), "\"disconnected\"") &&
	    !strcmp(member(rec, "duration_ms"), "2500") &&
	    !strcmp(member(rec, "dropped"), "0") &&
	    !strcmp(member(rec, "detail"), "\"nats://host:4222\""),
	    "gap members");
	cJSON_Delete(rec);
	ok(lt_rec_reader_next(rd, &rec, &err) == 1 &&
	    cJSON_GetArraySize(rec) == 4, "a record of the prefix alone");
	cJSON_Delete(rec);
	ok(!lt_rec_reader_complete(rd), "not complete before the end record");
	ok(lt_rec_reader_next(rd, &rec, &err) == 1, "end read");
	is_str(lt_json_str(rec, "kind"), "end", "kind end");
	is_str(member(rec, "reason"), "\"interrupted\"", "end's own member");
	char want_n[24];
	snprintf(want_n, sizeof(want_n), "%zu", NKINDS + 4);
	is_str(member(rec, "records"), want_n, "records counts the end too");
	is_str(member(rec, "seq"), want_n, "and equals its seq");
	cJSON_Delete(rec);
	is_int(lt_rec_reader_next(rd, &rec, &err), 0, "then end of file");
	ok(rec == NULL, "no record at end of file");
	ok(lt_rec_reader_complete(rd), "complete");
	ok(!lt_rec_reader_truncated(rd), "not truncated");
	is_int(lt_rec_reader_line(rd), NKINDS + 4, "line count");
	is_int(lt_rec_reader_check(rd, "all.rec", &err), 0, "check passes");
	lt_rec_reader_close(rd);
	lt_buf_release(&f);
	member(NULL, "x");
}

/* Read every record of name with reader mode m into recs (up to max). */
static int
read_all(const char *name, enum lt_redact_mode m, cJSON **recs, int max)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_rec_reader *rd;
	cJSON *rec;
	int n = 0;

	if (lt_rec_reader_open(&rd, tmp(name), &err) < 0)
		return -1;
	lt_rec_reader_set_redaction(rd, m);
	while (lt_rec_reader_next(rd, &rec, &err) == 1)
		if (n < max)
			recs[n++] = rec;
		else
			cJSON_Delete(rec);
	lt_rec_reader_close(rd);
	return n;
}

static void
free_all(cJSON **recs, int n)
{
	while (n-- > 0)
		cJSON_Delete(recs[n]);
}

static void
test_redaction(void)
{
	static const char raw[] = "\"bucket\":\"b\",\"key\":\"db_password\","
	    "\"value\":\"s3cret\"";
	static char *meta_argv[] = { "x", "--password=p", "--token", "t",
		"--tokens", NULL };
	struct lt_buf kv = LT_BUF_INIT, pl = LT_BUF_INIT;
	struct lt_error err = LT_ERROR_INIT;
	size_t n_red = 0;
	char *red;
	struct lt_rec *r;
	cJSON *recs[8];
	char *text;
	int n;

	ok(lt_rec_open(&r, tmp("red.rec"), LT_REDACT_SECRETS, &err) == 0,
	    "open (secrets)");
	/* members redacted as they are added: a KV value as kv watch adds
	 * it, a payload as watch does; the writer itself redacts nothing */
	lt_buf_adds(&kv, "\"bucket\":\"b\",\"key\":\"db_password\",");
	red = lt_redact_kv_value("db_password", "s3cret", 6, LT_REDACT_SECRETS,
	    &n_red);
	lt_rec_add_payload(&kv, "value", red, n_red);
	free(red);
	lt_buf_adds(&pl, "\"subject\":\"a\",");
	lt_rec_add_payload_redacted(&pl, "payload", "a", "{\"password\":"
	    "\"s3cret\",\"user\":\"bob\"}", 34, LT_REDACT_SECRETS);
	lt_rec_write(r, "kv", t0, kv.buf, kv.len, &err);
	lt_rec_write(r, "kv", t0, raw, sizeof(raw) - 1, &err);
	lt_rec_write(r, "msg", t0, pl.buf, pl.len, &err);
	lt_buf_release(&kv);
	lt_buf_release(&pl);
	write_tree(r, "msg", t0, obj("{\"subject\":\"a\",\"payload\":"
	    "{\"password\":\"s3cret\",\"user\":\"bob\"}}"), &err);
	lt_rec_close(r, NULL, &err);
	text = slurp("red.rec", NULL);
	n = 0;
	for (const char *p = text; (p = strstr(p, "s3cret")) != NULL; p++)
		n++;
	is_int(n, 1, "the secret is on disk once: where the fields were given "
	    "as they are");
	free(text);
	n = read_all("red.rec", LT_REDACT_NONE, recs, 8);
	is_int(n, 5, "five records");
	ok(lt_redact_is_mask(lt_json_str(recs[0], "value"),
	    strlen(lt_json_str(recs[0], "value"))),
	    "a kv value under a secret key, masked as it was added");
	is_str(lt_json_str(recs[0], "key"), "db_password", "the key stays");
	is_str(lt_json_str(recs[1], "value"), "s3cret",
	    "the writer writes the members as given");
	{
		cJSON *p2 = cJSON_GetObjectItem(recs[2], "payload");
		cJSON *p3 = cJSON_GetObjectItem(recs[3], "payload");
		const char *m2 = lt_json_str(p2, "password");
		const char *m3 = lt_json_str(p3, "password");

		ok(m2 && lt_redact_is_mask(m2, strlen(m2)),
		    "a payload added redacted: secret member masked");
		ok(m3 && m2 && !strcmp(m2, m3),
		    "tree payload: masked the same way");
		ok(!strcmp(lt_json_str(p2, "user"), "bob") &&
		    !strcmp(lt_json_str(p3, "user"), "bob"),
		    "other members kept");
	}
	free_all(recs, n);

	/* written with NONE: secrets on disk, 0600; masked when read */
	ok(lt_rec_open(&r, tmp("none.rec"), LT_REDACT_NONE, &err) == 0,
	    "open (none)");
	lt_rec_write_meta(r, 5, meta_argv, NULL, NULL, NULL, &err);
	lt_rec_write(r, "kv", t0, raw, sizeof(raw) - 1, &err);
	lt_rec_close(r, NULL, &err);
	{
		struct stat st;

		ok(stat(tmp("none.rec"), &st) == 0 && (st.st_mode & 0777) == 0600,
		    "a recording that may hold secrets is 0600");
	}
	n = read_all("none.rec", LT_REDACT_NONE, recs, 8);
	ok(n == 3 && !strcmp(lt_json_str(recs[1], "value"), "s3cret"),
	    "NONE writer, NONE reader: the value as it was");
	is_str(lt_json_str(recs[0], "redaction"), "none", "meta says none");
	is_str(lt_json_str(recs[0], "lattice"), "default", "default lattice");
	is_str(member(recs[0], "argv"), "[\"x\",\"--password=(secret)\","
	    "\"--token\",\"(secret)\",\"--tokens\"]",
	    "option values masked whatever the mode; the option named");
	free_all(recs, n);
	n = read_all("none.rec", LT_REDACT_SECRETS, recs, 8);
	ok(n == 3 && lt_redact_is_mask(lt_json_str(recs[1], "value"),
	    strlen(lt_json_str(recs[1], "value"))),
	    "the default reader masks it");
	is_str(lt_json_str(recs[0], "redaction"), "secrets",
	    "meta names the stricter mode it is read with");
	free_all(recs, n);
	n = read_all("none.rec", LT_REDACT_ALL, recs, 8);
	is_str(lt_json_str(recs[0], "redaction"), "all", "read with all");
	free_all(recs, n);
}

static void
test_payloads(void)
{
	struct lt_buf b = LT_BUF_INIT;
	char *mask = lt_redact_mask("x", 1);

	lt_rec_add_payload(&b, "payload", "{ \"a\" : [1, 2] }", 16);
	is_str(lt_buf_str(&b), "\"payload\":{\"a\":[1,2]}", "JSON: compacted");
	lt_buf_reset(&b);
	lt_rec_add_payload(&b, "event", "hi\xff", 3);
	is_str(lt_buf_str(&b), "\"event\":\"aGn/\",\"encoding\":\"base64\"",
	    "not JSON: base64 with its encoding");
	lt_buf_reset(&b);
	lt_rec_add_payload(&b, "payload", "", 0);
	is_str(lt_buf_str(&b), "\"payload\":\"\",\"encoding\":\"base64\"",
	    "empty: empty base64");
	lt_buf_reset(&b);
	lt_rec_add_payload(&b, "value", mask, strlen(mask));
	ok(!strncmp(lt_buf_str(&b), "\"value\":\"<redacted:", 19) &&
	    b.buf[b.len - 1] == '"', "a mask: a plain string");
	lt_buf_reset(&b);
	lt_rec_add_payload_redacted(&b, "payload", "a.b",
	    "{\"password\":\"p\",\"n\":1}", 22, LT_REDACT_SECRETS);
	ok(!strncmp(lt_buf_str(&b), "\"payload\":{\"password\":\"<redacted:",
	    33) && strstr(b.buf, ",\"n\":1}") && !strstr(b.buf, "\"p\""),
	    "redacted payload: the secret masked, the rest kept");
	lt_buf_reset(&b);
	lt_rec_add_payload_redacted(&b, "payload", "a.b", "{\"n\": 1}", 8,
	    LT_REDACT_SECRETS);
	is_str(lt_buf_str(&b), "\"payload\":{\"n\":1}", "nothing to redact");
	free(mask);
	lt_buf_release(&b);
}

static void
test_open_and_flush(void)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_rec *r;
	struct stat st;
	FILE *fp;
	char line[256];

	WRITE("exists.rec", "x\n");
	ok(lt_rec_open(&r, tmp("exists.rec"), LT_REDACT_SECRETS, &err) < 0 &&
	    r == NULL && err.code == LT_E_RUNTIME, "an existing file refused");
	ok(strstr(err.msg, "exists") != NULL, "saying it exists: %s", err.msg);
	err = (struct lt_error)LT_ERROR_INIT;
	ok(lt_rec_open(&r, "-", LT_REDACT_SECRETS, &err) < 0 &&
	    err.code == LT_E_USAGE, "'-' is a usage error");
	err = (struct lt_error)LT_ERROR_INIT;
	ok(symlink("target.rec", tmp("link.rec")) == 0 &&
	    lt_rec_open(&r, tmp("link.rec"), LT_REDACT_SECRETS, &err) < 0 &&
	    access(tmp("target.rec"), F_OK) != 0,
	    "a symbolic link is not followed");
	err = (struct lt_error)LT_ERROR_INIT;
	ok(lt_rec_open(&r, tmp("nodir/x.rec"), LT_REDACT_SECRETS, &err) < 0 &&
	    err.code == LT_E_RUNTIME, "a missing directory: runtime error");

	/* autoflush off: nothing reaches the file until a flush */
	ok(lt_rec_open(&r, tmp("batch.rec"), LT_REDACT_SECRETS, &err) == 0,
	    "open batch.rec");
	lt_rec_set_autoflush(r, false);
	write_tree(r, "phase", t0, obj("{\"phase\":\"a\"}"), &err);
	write_tree(r, "phase", t0, obj("{\"phase\":\"b\"}"), &err);
	ok(stat(tmp("batch.rec"), &st) == 0 && st.st_size == 0,
	    "autoflush off: not written yet");
	is_int(lt_rec_flush(r), 0, "flush");
	ok(stat(tmp("batch.rec"), &st) == 0 && st.st_size > 0,
	    "written after the flush");
	lt_rec_abandon(r);
	fp = fopen(tmp("batch.rec"), "r");
	ok(fp && fgets(line, sizeof(line), fp) && !strcmp(line,
	    "{\"schema\":\"latticectl.rec/1\",\"seq\":1,\"t\":"
	    "\"2026-11-24T10:00:00.000000000Z\",\"kind\":\"phase\","
	    "\"phase\":\"a\"}\n"), "the exact first line");
	ok(fp && fgets(line, sizeof(line), fp) && strstr(line, "\"seq\":2,") &&
	    fgets(line, sizeof(line), fp) == NULL,
	    "abandoned: two records, no end record");
	if (fp)
		fclose(fp);

	/* a stream the caller owns */
	fp = tmpfile();
	r = lt_rec_open_fp(fp);
	lt_rec_set_redaction(r, LT_REDACT_ALL);
	write_tree(r, "kv", t0, obj("{\"key\":\"k\",\"value\":{\"n\":5}}"),
	    &err);
	ok(lt_rec_close(r, NULL, &err) == 0, "close an fp recording");
	rewind(fp);
	ok(fgets(line, sizeof(line), fp) && strstr(line, "\"value\":{\"n\":"
	    "\"<redacted:") != NULL, "ALL masks every value");
	ok(fgets(line, sizeof(line), fp) && strstr(line, "\"kind\":\"end\"") &&
	    strstr(line, "\"records\":2}"), "the end record follows");
	ok(fputc('x', fp) != EOF, "the stream is still open");
	fclose(fp);
	lt_rec_abandon(NULL);
	ok(lt_rec_close(NULL, NULL, &err) == 0, "close NULL");
}

/* Read name to the end: "k1 k2 ...", with "E(line)" for an error and "T"
 * when the reader says truncated, "C" when complete. */
static const char *
trace(const char *name, const char **check)
{
	static char out[512];
	struct lt_error err = LT_ERROR_INIT;
	struct lt_rec_reader *rd;
	cJSON *rec;
	int rc;

	out[0] = '\0';
	if (lt_rec_reader_open(&rd, tmp(name), &err) < 0)
		return strcpy(out, err.msg);
	while ((rc = lt_rec_reader_next(rd, &rec, &err)) != 0) {
		size_t n = strlen(out);

		if (rc > 0)
			snprintf(out + n, sizeof(out) - n, "%s ",
			    lt_json_str(rec, "kind"));
		else
			snprintf(out + n, sizeof(out) - n, "E(%s) ", err.msg);
		cJSON_Delete(rec);
	}
	if (lt_rec_reader_truncated(rd))
		strcat(out, "T");
	if (lt_rec_reader_complete(rd))
		strcat(out, "C");
	err = (struct lt_error)LT_ERROR_INIT;
	lt_rec_reader_check(rd, name, &err);
	*check = err.msg[0] ? strcpy(out + strlen(out) + 1, err.msg) : "";
	lt_rec_reader_close(rd);
	return out;
}

#define REC(seq, kind) "{\"schema\":\"latticectl.rec/1\",\"seq\":" #seq \
	",\"t\":\"2026-11-24T10:00:00Z\",\"kind\":\"" kind "\"}"

static void
test_reader(void)
{
	const char *check;

	WRITE("ok.rec", REC(1, "meta") "\n\n" REC(2, "event") "\n"
	    REC(3, "end") "\n");
	is_str(trace("ok.rec", &check), "meta event end C",
	    "blank lines are skipped; complete");
	is_str(check, "", "a recording");

	WRITE("cut.rec", REC(1, "meta") "\n" REC(2, "event") "\n"
	    "{\"schema\":\"latticectl.rec/1\",\"seq\":3,\"t\":\"2026-11");
	is_str(trace("cut.rec", &check), "meta event T",
	    "a cut last line: truncated, not an error");
	is_str(check, "", "still a recording");

	WRITE("nonl.rec", REC(1, "meta") "\n" REC(2, "end"));
	is_str(trace("nonl.rec", &check), "meta end C",
	    "a whole last line without newline is a record");

	WRITE("interrupted.rec", REC(1, "meta") "\n" REC(2, "phase") "\n");
	is_str(trace("interrupted.rec", &check), "meta phase ",
	    "interrupted: neither truncated nor complete");

	WRITE("garbled.rec", REC(1, "meta") "\n{\"schema\":\"latticectl.rec/1\","
	    "\"seq\":2,\"kind\":\"ev\n" REC(3, "phase") "\n[1,2]\n\"str\"\n"
	    "{\"schema\":\"latticectl.rec/1\",\"seq\":4}\n"
	    "{\"schema\":7,\"kind\":\"x\"}\n"
	    "{\"schema\":\"latticectl.rec/1\",\"kind\":3}\n"
	    "{\"SCHEMA\":\"latticectl.rec/1\",\"Kind\":\"end\"}\n"
	    "{\"schema\":\"latticectl.rec/1\",\"KIND\":\"end\"}\n"
	    REC(9, "end") "\n");
	is_str(trace("garbled.rec", &check), "meta "
	    "E(line 2: not a latticectl record) phase "
	    "E(line 4: not a latticectl record) "
	    "E(line 5: not a latticectl record) "
	    "E(line 6: not a latticectl record (no kind)) "
	    "E(line 7: not a latticectl record) "
	    "E(line 8: not a latticectl record (no kind)) "
	    "E(line 9: not a latticectl record) "
	    "E(line 10: not a latticectl record (no kind)) end C",
	    "each bad line one error naming it; the reader goes on");

	WRITE("v2.rec", "{\"schema\":\"latticectl.rec/2\",\"kind\":\"meta\"}\n");
	is_str(trace("v2.rec", &check),
	    "E(line 1: unsupported schema 'latticectl.rec/2') ",
	    "another schema named");
	is_str(check, "'v2.rec' is not a latticectl recording (not one line "
	    "is a record)", "and no record in it");

	WRITE("text.rec", "hello\nworld\n");
	trace("text.rec", &check);
	is_str(check, "'text.rec' is not a latticectl recording (not one line "
	    "is a record)", "a text file refused");
	write_file("bin.rec", "\x89PNG\r\n\x1a\n\0\0\xff", 11);
	trace("bin.rec", &check);
	is_str(check, "'bin.rec' is not a latticectl recording (not one line "
	    "is a record)", "binary bytes refused");
	WRITE("empty.rec", "");
	is_str(trace("empty.rec", &check), "", "an empty file: no records");
	is_str(check, "'empty.rec' is not a latticectl recording (it is "
	    "empty)", "an empty file refused");
	WRITE("partial.rec", "{\"schema\":\"latti");
	is_str(trace("partial.rec", &check), "T", "only a cut line");
	is_str(check, "'partial.rec' is not a latticectl recording (not one "
	    "line is a record)", "is no recording");
	ok(strstr(trace("missing.rec", &check), "cannot read recording") !=
	    NULL, "a missing file: cannot read");
}

static void
cleanup(void)
{
	static const char *const names[] = { "all.rec", "red.rec", "none.rec",
		"exists.rec", "link.rec", "batch.rec", "ok.rec", "cut.rec",
		"nonl.rec", "interrupted.rec", "garbled.rec", "v2.rec",
		"text.rec", "bin.rec", "empty.rec", "partial.rec", NULL };

	ok(tmpdir_remove(names) == 0,
	    "temporary directory removed (nothing left)");
}

int
main(void)
{
	static const unsigned char key[32] = { 1, 2, 3 };

	tmpdir_make("test-rec");
	lt_redact_key_set(key, sizeof(key));
	if (lt_time_parse("2026-11-24T10:00:00Z", &t0) < 0)
		return 1;
	test_write_read();
	test_redaction();
	test_payloads();
	test_open_and_flush();
	test_reader();
	cleanup();
	done_testing();
}
