/* kv.c: 'latticectl kv ls|get|history|snapshot' (watch in kv-watch.c,
 * diff in kv-diff.c): read-only views of JetStream key-value buckets,
 * CONFIGDATA_<lattice> by default, with secret values masked. */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kv.h"
#include "latticectl/buf.h"
#include "latticectl/file.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "banned.h"


static void
target_init(struct lt_ctx *ctx, struct kv_target *t, const char *b)
{
	memset(t, 0, sizeof(*t));
	t->lattice = lt_config_get(ctx->cfg, LT_S_LATTICE);
	t->bucket_given = b != NULL;
	snprintf(t->bucket, sizeof(t->bucket), b ? "%s" : "CONFIGDATA_%s",
	    b ? b : t->lattice);
}

int
kv_check(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct kv_opts *o = ctx->opts;

	(void)argc;
	(void)argv;
	target_init(ctx, &o->t, o->bucket);
	return lt_redact_mode_of(o->show_secrets, o->redact_all, &o->t.mode,
	    err);
}

int
kv_target_open(struct lt_ctx *ctx, const struct kv_target *t,
    struct lt_kv **out, struct lt_error *err)
{
	if (lt_ctx_connect(ctx, err) < 0)
		return -1;
	return lt_kv_open(out, ctx->conn, t->bucket,
	    t->bucket_given ? NULL : t->lattice, err);
}

void
kv_value_text(const struct kv_target *t, const struct lt_kv_entry *e,
    bool pretty, struct lt_buf *out)
{
	struct lt_snapshot s = LT_SNAPSHOT_INIT;

	if (e->op != LT_KV_PUT)
		return;
	s.redaction = t->mode;
	lt_snapshot_value_text(lt_snapshot_add(&s, e->key, strlen(e->key),
	    e->revision, e->created_ns, e->op, e->value, e->len), pretty, out);
	lt_snapshot_release(&s);
}

void
kv_progress(void *ud, uint64_t done, uint64_t total)
{
	const struct lt_ctx *ctx = ud;

	if (ctx->cfg->quiet || !isatty(2))
		return;
	if (total)
		fprintf(stderr, "\rlatticectl: %s: %llu/%llu entries",
		    ctx->cmd_path, (unsigned long long)done,
		    (unsigned long long)total);
	else
		fprintf(stderr, "\rlatticectl: %s: %llu entries", ctx->cmd_path,
		    (unsigned long long)done);
}

void
kv_progress_end(const struct lt_ctx *ctx)
{
	if (!ctx->cfg->quiet && isatty(2))
		fprintf(stderr, "\r\033[K");
}

/* Write failures on stdout: EPIPE is a quiet success. */
static int
out_status(struct lt_ctx *ctx, enum lt_write w, struct lt_error *err)
{
	if (w == LT_WRITE_FAILED)
		return lt_error_set(err, LT_E_RUNTIME, "cannot write output: %s",
		    strerror(errno));
	return 0;
}

static int
print_buf(struct lt_ctx *ctx, const struct lt_buf *b, struct lt_error *err)
{
	enum lt_write w = lt_output_write(ctx->out, lt_buf_str(b), b->len);

	if (w == LT_WRITE_OK)
		w = lt_output_flush(ctx->out);
	return out_status(ctx, w, err);
}

static void
format_age(int64_t created_ns, char *out, size_t outlen)
{
	int64_t d = lt_now_ns() - created_ns;

	lt_duration_format(d > 0 ? d : 0, out, outlen);
}

/* -o json and -o ndjson. json is one document; ndjson one object per
 * line, each naming its schema. Long lists go out in chunks. */

#define JSON_CHUNK 65536

static bool
json_format(const struct lt_ctx *ctx)
{
	return ctx->format == LT_FMT_JSON || ctx->format == LT_FMT_NDJSON;
}

/* Print b and empty it once it holds a chunk. */
static int
print_chunk(struct lt_ctx *ctx, struct lt_buf *b, struct lt_error *err)
{
	int rc;

	if (b->len < JSON_CHUNK)
		return 0;
	rc = print_buf(ctx, b, err);
	lt_buf_reset(b);
	return rc;
}

/* An entry as an object: with its schema and bucket when it stands on
 * its own (bucket not NULL), bare as a member of a document's array. */
static void
entry_obj(const char *bucket, const struct lt_snapshot_entry *e,
    struct lt_buf *b)
{
	lt_buf_addch(b, '{');
	if (bucket) {
		lt_buf_adds(b, "\"schema\":\"latticectl.kv-entry/1\",\"bucket\":");
		lt_buf_add_json_str(b, bucket, strlen(bucket));
		lt_buf_addch(b, ',');
	}
	lt_snapshot_entry_json(e, b);
	lt_buf_addch(b, '}');
}

/* s's entries in order: -o ndjson a kv-entry object per line, -o json
 * one document, head (which opens an array) then the entries and "]}". */
static int
entries_out(struct lt_ctx *ctx, const char *bucket, const struct lt_buf *head,
    const struct lt_snapshot *s, struct lt_error *err)
{
	bool nd = ctx->format == LT_FMT_NDJSON;
	struct lt_buf b = LT_BUF_INIT;
	size_t i;
	int rc = 0;

	if (!nd)
		lt_buf_add(&b, lt_buf_str(head), head->len);
	for (i = 0; i < s->n && rc == 0; i++) {
		if (!nd && i > 0)
			lt_buf_addch(&b, ',');
		entry_obj(nd ? bucket : NULL, &s->v[i], &b);
		if (nd)
			lt_buf_addch(&b, '\n');
		rc = print_chunk(ctx, &b, err);
	}
	if (!nd)
		lt_buf_adds(&b, "]}\n");
	if (rc == 0)
		rc = print_buf(ctx, &b, err);
	lt_buf_release(&b);
	return rc;
}

/* kv ls */

static const struct lt_opt ls_opts[] = {
	KV_OPT_BUCKET,
	{ "all", 'a', 0, NULL, "every bucket on the server, not only the "
	    "lattice's", NULL, LT_TO_FLAG(struct kv_opts, all) },
	KV_OPTS_REDACT,
	LT_OPT_END
};

static bool
lattice_bucket(const char *name, const char *lattice)
{
	size_t n = strlen(lattice), len = strlen(name);

	if (lt_str_has_prefix(name, "wadm"))
		return true;
	return len > n && !strcmp(name + len - n, lattice) &&
	    name[len - n - 1] == '_' && (lt_str_has_prefix(name, "CONFIGDATA_")
	    || lt_str_has_prefix(name, "LATTICEDATA_"));
}

static void
bucket_json(struct lt_buf *b, const struct lt_kv_info *x, bool alone)
{
	lt_buf_adds(b, alone ? "{\"schema\":\"latticectl.kv-bucket/1\","
	    "\"bucket\":" : "{\"bucket\":");
	lt_buf_add_json_str(b, x->bucket, strlen(x->bucket));
	lt_buf_addf(b, ",\"keys\":%llu,\"values\":%llu,\"bytes\":%llu,"
	    "\"history\":%lld,\"ttl_ms\":%lld,\"replicas\":%d,\"last_seq\":%llu}",
	    (unsigned long long)x->keys, (unsigned long long)x->values,
	    (unsigned long long)x->bytes, (long long)x->history,
	    (long long)(x->ttl_ns / 1000000), x->replicas,
	    (unsigned long long)x->last_seq);
	if (alone)
		lt_buf_addch(b, '\n');
}

static void
bucket_row(struct lt_table *t, const struct lt_kv_info *x)
{
	char keys[24], values[24], bytes[24], hist[24], ttl[32], rep[12];

	snprintf(keys, sizeof(keys), "%llu", (unsigned long long)x->keys);
	snprintf(values, sizeof(values), "%llu", (unsigned long long)x->values);
	snprintf(bytes, sizeof(bytes), "%llu", (unsigned long long)x->bytes);
	snprintf(hist, sizeof(hist), "%lld", (long long)x->history);
	snprintf(rep, sizeof(rep), "%d", x->replicas);
	if (x->ttl_ns > 0)
		lt_duration_format(x->ttl_ns, ttl, sizeof(ttl));
	else
		snprintf(ttl, sizeof(ttl), "-");
	lt_table_add(t, (const char *const[]){ x->bucket, keys, values, bytes,
	    hist, ttl, rep });
}

static int
list_buckets(struct lt_ctx *ctx, const struct kv_target *t,
    struct lt_error *err)
{
	struct lt_kv_info *v = NULL;
	struct lt_table tab;
	struct lt_buf b = LT_BUF_INIT;
	bool all = ((const struct kv_opts *)ctx->opts)->all;
	bool json = json_format(ctx);
	bool doc = ctx->format == LT_FMT_JSON;
	size_t i, n = 0, shown = 0;
	int rc;

	if (lt_ctx_connect(ctx, err) < 0 || lt_kv_buckets(ctx->conn, &v, &n,
	    err) < 0)
		return -1;
	lt_table_init(&tab, 7);
	lt_table_fit(&tab, ctx->width, !ctx->cfg->no_headers);
	lt_table_add(&tab, (const char *const[]){ "BUCKET", "KEYS", "VALUES",
	    "BYTES", "HISTORY", "TTL", "REPLICAS" });
	lt_buf_adds(&b, doc ? "{\"schema\":\"latticectl.kv-buckets/1\","
	    "\"buckets\":[" : "");
	for (i = 0; i < n; i++) {
		if (!all && !lattice_bucket(v[i].bucket, t->lattice))
			continue;
		if (doc && shown)
			lt_buf_addch(&b, ',');
		if (json)
			bucket_json(&b, &v[i], !doc);
		else
			bucket_row(&tab, &v[i]);
		shown++;
	}
	if (doc)
		lt_buf_adds(&b, "]}\n");
	rc = json ? print_buf(ctx, &b, err) :
	    out_status(ctx, lt_table_print(&tab, ctx->out), err);
	if (rc == 0 && shown == 0 && !ctx->cfg->quiet)
		fprintf(stderr, "latticectl: kv ls: no buckets for lattice '%s' "
		    "(--all lists every bucket)\n", t->lattice);
	lt_table_release(&tab);
	lt_buf_release(&b);
	free(v);
	return rc;
}

static void
key_row(const struct lt_ctx *ctx, struct lt_table *t,
    const struct lt_snapshot_entry *e)
{
	char rev[24], age[32], size[24], created[48];
	struct lt_buf v = LT_BUF_INIT;

	snprintf(rev, sizeof(rev), "%llu", (unsigned long long)e->revision);
	snprintf(size, sizeof(size), "%zu", e->raw_len);
	format_age(e->created_ns, age, sizeof(age));
	lt_time_format_table(e->created_ns, created, sizeof(created));
	lt_snapshot_value_text(e, false, &v);
	if (ctx->format == LT_FMT_WIDE)
		lt_table_add(t, (const char *const[]){ e->key, rev,
		    lt_kv_op_name(e->op), age, size, created, lt_buf_str(&v) });
	else
		lt_table_add(t, (const char *const[]){ e->key, rev,
		    lt_kv_op_name(e->op), age, size });
	lt_buf_release(&v);
}

static int
keys_json(struct lt_ctx *ctx, const struct lt_snapshot *s,
    struct lt_error *err)
{
	struct lt_buf head = LT_BUF_INIT;
	int rc;

	lt_buf_adds(&head, "{\"schema\":\"latticectl.kv-keys/1\",\"bucket\":");
	lt_buf_add_json_str(&head, s->bucket, strlen(s->bucket));
	lt_buf_addf(&head, ",\"revision\":%llu,\"keys\":[",
	    (unsigned long long)s->revision);
	rc = entries_out(ctx, s->bucket, &head, s, err);
	lt_buf_release(&head);
	return rc;
}

static int
keys_table(struct lt_ctx *ctx, const struct lt_snapshot *s,
    struct lt_error *err)
{
	struct lt_table tab;
	size_t i;
	int rc;

	lt_table_init(&tab, ctx->format == LT_FMT_WIDE ? 7 : 5);
	lt_table_fit(&tab, ctx->width, !ctx->cfg->no_headers);
	lt_table_add(&tab, (const char *const[]){ "KEY", "REVISION", "OP",
	    "AGE", "SIZE", "CREATED", "VALUE" });
	for (i = 0; i < s->n; i++)
		key_row(ctx, &tab, &s->v[i]);
	rc = out_status(ctx, lt_table_print(&tab, ctx->out), err);
	lt_table_release(&tab);
	return rc;
}

/* Only -o wide shows values: every other format walks the bucket for
 * metadata only (the server sends no value bytes). */
static int
list_keys(struct lt_ctx *ctx, const struct kv_target *t, struct lt_error *err)
{
	struct lt_snapshot s = LT_SNAPSHOT_INIT;
	struct lt_kv_walk walk = { 0, 0, ctx->format != LT_FMT_WIDE,
	    kv_progress, ctx };
	struct lt_kv *kv = NULL;
	int rc;

	s.redaction = t->mode;
	if (kv_target_open(ctx, t, &kv, err) < 0)
		return -1;
	rc = lt_kv_snapshot(kv, &walk, &s, err);
	kv_progress_end(ctx);
	lt_kv_close(kv);
	if (rc == 0)
		rc = json_format(ctx) ? keys_json(ctx, &s, err) :
		    keys_table(ctx, &s, err);
	lt_snapshot_release(&s);
	return rc;
}

static int
run_ls(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct kv_target t = ((const struct kv_opts *)ctx->opts)->t;

	if (argc == 1) {	/* 'kv ls BUCKET', latticectl-kv(1) */
		snprintf(t.bucket, sizeof(t.bucket), "%s", argv[0]);
		t.bucket_given = true;
	}
	if (!t.bucket_given)
		return list_buckets(ctx, &t, err) < 0 ? err->code : 0;
	return list_keys(ctx, &t, err) < 0 ? err->code : 0;
}

/* kv get */

static const struct lt_opt get_opts[] = {
	KV_OPT_BUCKET,
	{ "revision", 'r', LT_OPT_ARG, "N", "that revision instead of the "
	    "latest", NULL, LT_TO_UINT(struct kv_opts, revision, UINT64_MAX) },
	KV_OPTS_REDACT,
	LT_OPT_END
};

/* Entries of get and history, redacted as t asks, in a snapshot s
 * (initialised) so that they print like those of ls. */
static void
entries_add(const struct kv_target *t, const struct lt_kv_entry *v, size_t n,
    struct lt_snapshot *s)
{
	size_t i;

	s->redaction = t->mode;
	free(s->bucket);
	s->bucket = lt_xstrdup(t->bucket);
	for (i = 0; i < n; i++)
		lt_snapshot_add(s, v[i].key, strlen(v[i].key), v[i].revision,
		    v[i].created_ns, v[i].op, v[i].value, v[i].len);
}

static void
entry_json(const struct kv_target *t, const struct lt_kv_entry *e,
    struct lt_buf *b)
{
	struct lt_snapshot s = LT_SNAPSHOT_INIT;

	entries_add(t, e, 1, &s);
	entry_obj(t->bucket, &s.v[0], b);
	lt_buf_addch(b, '\n');
	lt_snapshot_release(&s);
}

static void
entry_out(struct lt_ctx *ctx, const struct kv_target *t,
    const struct lt_kv_entry *e, struct lt_buf *b)
{
	char when[48];
	size_t len;
	char *raw;

	switch (ctx->format) {
	case LT_FMT_JSON:
	case LT_FMT_NDJSON:
		entry_json(t, e, b);
		return;
	case LT_FMT_RAW:
		raw = lt_redact_kv_value(e->key, e->value, e->len, t->mode, &len);
		lt_buf_add(b, raw, len);
		free(raw);
		return;
	case LT_FMT_WIDE:
		lt_time_format(e->created_ns, when, sizeof(when));
		lt_buf_adds(b, "# ");
		lt_buf_add_texts(b, e->key);
		lt_buf_addf(b, " revision %llu, %s, %zu bytes\n",
		    (unsigned long long)e->revision, when, e->len);
		/* fall through */
	default:
		kv_value_text(t, e, true, b);
		lt_buf_addch(b, '\n');
	}
}

static int
not_found(struct lt_kv *kv, const char *key, uint64_t rev,
    const struct lt_kv_entry *e, struct lt_error *err)
{
	char when[48];

	if (rev)
		return lt_error_set(err, LT_E_RUNTIME, "revision %llu of key "
		    "'%s' is not in bucket '%s'", (unsigned long long)rev, key,
		    lt_kv_bucket(kv));
	if (e->revision == 0)
		return lt_error_set(err, LT_E_RUNTIME, "key '%s' not found in "
		    "bucket '%s'", key, lt_kv_bucket(kv));
	lt_time_format(e->created_ns, when, sizeof(when));
	return lt_error_set(err, LT_E_RUNTIME, "key '%s' was %s at revision "
	    "%llu (%s)%s", key, e->op == LT_KV_PURGE ? "purged" : "deleted",
	    (unsigned long long)e->revision, when, e->op == LT_KV_PURGE ?
	    "; a purge leaves no history" : "; 'kv history' shows what it held");
}

static int
run_get(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct lt_kv_entry e = LT_KV_ENTRY_INIT;
	struct lt_buf b = LT_BUF_INIT;
	struct lt_kv *kv = NULL;
	const struct kv_opts *o = ctx->opts;
	const struct kv_target *t = &o->t;
	uint64_t rev = o->revision;
	int rc;

	if (kv_target_open(ctx, t, &kv, err) < 0)
		return err->code;
	rc = lt_kv_get(kv, argv[0], rev, &e, err);
	if (rc == 0 || (rc == 1 && e.op != LT_KV_PUT))
		rc = not_found(kv, argv[0], rev, &e, err);
	if (rc == 1) {
		entry_out(ctx, t, &e, &b);
		rc = print_buf(ctx, &b, err);
	}
	lt_kv_entry_release(&e);
	lt_buf_release(&b);
	lt_kv_close(kv);
	return rc < 0 ? err->code : 0;
}

/* kv history */

static const struct lt_opt history_opts[] = {
	KV_OPT_BUCKET,
	KV_OPTS_REDACT,
	LT_OPT_END
};

static void
history_row(struct lt_ctx *ctx, const struct kv_target *t,
    struct lt_table *tab, const struct lt_kv_entry *e)
{
	char rev[24], when[48], size[24];
	struct lt_buf v = LT_BUF_INIT;

	snprintf(rev, sizeof(rev), "%llu", (unsigned long long)e->revision);
	snprintf(size, sizeof(size), "%zu", e->len);
	lt_time_format_table(e->created_ns, when, sizeof(when));
	kv_value_text(t, e, false, &v);
	lt_table_add(tab, (const char *const[]){ rev, lt_kv_op_name(e->op),
	    when, e->op == LT_KV_PUT ? size : "-",
	    e->op == LT_KV_PUT ? lt_buf_str(&v) : "-" });
	lt_buf_release(&v);
}

static int
history_json(struct lt_ctx *ctx, const struct kv_target *t,
    const struct lt_kv_entry *v, int n, struct lt_error *err)
{
	struct lt_snapshot s = LT_SNAPSHOT_INIT;
	struct lt_buf head = LT_BUF_INIT;
	int rc;

	entries_add(t, v, (size_t)n, &s);
	lt_buf_adds(&head, "{\"schema\":\"latticectl.kv-history/1\",\"bucket\":");
	lt_buf_add_json_str(&head, t->bucket, strlen(t->bucket));
	lt_buf_adds(&head, ",\"key\":");
	lt_buf_add_json_str(&head, v[0].key, strlen(v[0].key));
	lt_buf_adds(&head, ",\"entries\":[");
	rc = entries_out(ctx, t->bucket, &head, &s, err);
	lt_snapshot_release(&s);
	lt_buf_release(&head);
	return rc;
}

static int
history_out(struct lt_ctx *ctx, const struct kv_target *t,
    const struct lt_kv_entry *v, int n, struct lt_error *err)
{
	struct lt_table tab;
	int i, rc;

	if (json_format(ctx))
		return history_json(ctx, t, v, n, err);
	lt_table_init(&tab, 5);
	lt_table_fit(&tab, ctx->width, !ctx->cfg->no_headers);
	lt_table_add(&tab, (const char *const[]){ "REVISION", "OP", "CREATED",
	    "SIZE", "VALUE" });
	for (i = 0; i < n; i++)
		history_row(ctx, t, &tab, &v[i]);
	rc = out_status(ctx, lt_table_print(&tab, ctx->out), err);
	lt_table_release(&tab);
	return rc;
}

/* A bucket that keeps one revision per key (hosts create CONFIGDATA so)
 * has no history to show: say so, lest one row read as "never changed". */
static void
note_last_value_only(const struct lt_ctx *ctx, struct lt_kv *kv,
    const char *bucket)
{
	struct lt_error e = LT_ERROR_INIT;
	struct lt_kv_info info;

	if (ctx->cfg->quiet || lt_kv_info(kv, &info, &e) < 0 ||
	    info.history > 1)
		return;
	fprintf(stderr, "latticectl: kv history: note: bucket '%s' keeps only "
	    "the last value of each key (history 1): earlier values are not "
	    "kept\n", bucket);
}

static int
run_history(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct lt_kv_entry *v = NULL;
	struct lt_kv *kv = NULL;
	const struct kv_target *t = &((const struct kv_opts *)ctx->opts)->t;
	int n, rc;

	if (kv_target_open(ctx, t, &kv, err) < 0)
		return err->code;
	n = lt_kv_history(kv, argv[0], &v, err);
	if (n == 0)
		lt_error_set(err, LT_E_RUNTIME, "key '%s' has no history in "
		    "bucket '%s'", argv[0], t->bucket);
	rc = n > 0 ? history_out(ctx, t, v, n, err) : -1;
	if (rc == 0)
		note_last_value_only(ctx, kv, t->bucket);
	lt_kv_entries_free(v, n > 0 ? (size_t)n : 0);
	lt_kv_close(kv);
	return rc < 0 ? err->code : 0;
}

/* kv snapshot */

static const struct lt_opt snapshot_opts[] = {
	KV_OPT_BUCKET,
	{ "file", 'f', LT_OPT_ARG, "FILE", "write the snapshot to FILE "
	    "(default stdout, also -)", NULL, LT_TO_STR(struct kv_opts, file) },
	{ "force", 0, 0, NULL, "replace FILE if it exists", NULL,
	    LT_TO_FLAG(struct kv_opts, force) },
	{ "at", 0, LT_OPT_ARG, "REVISION|TIME", "the bucket as it was then, "
	    "rebuilt from its history", NULL, LT_TO_STR(struct kv_opts, at) },
	KV_OPTS_REDACT,
	LT_OPT_END
};

int
kv_parse_point(const char *s, struct lt_kv_walk *w, struct lt_error *err)
{
	const char *p = *s == '@' ? s + 1 : s;
	struct lt_error e2 = LT_ERROR_INIT;
	int64_t dur;

	if (!strcmp(p, "now"))
		return 0;	/* the bucket as it is: a live read */

	if (*p && strspn(p, "0123456789") == strlen(p))
		return lt_parse_uint(p, UINT64_MAX, &w->at_revision, err) < 0 ||
		    w->at_revision == 0 ? lt_error_set(err, LT_E_USAGE,
		    "invalid revision '%s'", s) : 0;
	if (lt_time_parse(p, &w->at_ns) == 0)
		return w->at_ns > lt_now_ns() ? lt_error_set(err, LT_E_USAGE,
		    "'%s' is in the future", s) : 0;
	if (lt_parse_duration(p, &dur, &e2) == 0 && dur > 0) {
		w->at_ns = lt_now_ns() - dur;
		return 0;
	}
	return lt_error_set(err, LT_E_USAGE, "invalid point '%s' (a revision, "
	    "an RFC 3339 time or a duration ago, like @42, "
	    "@2026-11-24T10:00:00Z or @10m)", s);
}

static void
snapshot_summary(const struct lt_ctx *ctx, const struct lt_snapshot *s,
    const char *path)
{
	char d[32];

	if (s->unknown)
		fprintf(stderr, "latticectl: kv snapshot: warning: the state of "
		    "%llu key%s at %s is unknown: the bucket no longer holds "
		    "those revisions\n", (unsigned long long)s->unknown,
		    s->unknown == 1 ? "" : "s", s->source);
	if (ctx->cfg->quiet)
		return;
	lt_duration_format(s->duration_ns, d, sizeof(d));
	fprintf(stderr, "latticectl: kv snapshot: %s: %zu keys (%zu with a "
	    "value), revision %llu, in %s%s%s\n", s->bucket, s->n,
	    lt_snapshot_count_live(s), (unsigned long long)s->revision, d,
	    path ? " -> " : "", path ? path : "");
}

static int
take_snapshot(struct lt_ctx *ctx, const struct kv_target *t,
    struct lt_kv_walk *walk, struct lt_snapshot *s, struct lt_error *err)
{
	struct lt_kv *kv = NULL;
	int rc;

	s->redaction = t->mode;
	s->lattice = lt_xstrdup(t->lattice);
	if (kv_target_open(ctx, t, &kv, err) < 0)
		return -1;
	rc = lt_kv_snapshot(kv, walk, s, err);
	kv_progress_end(ctx);
	lt_kv_close(kv);
	return rc;
}

/* The snapshot to f, then f closed (a temporary file moved into place):
 * 0, 1 when stdout's reader went away (quietly done), or -1. */
static int
write_snapshot(const struct lt_snapshot *s, struct lt_file *f,
    struct lt_error *err)
{
	bool to_stdout = f->is_stdout;

	if (lt_snapshot_write(s, f->fp, err) < 0)
		lt_file_abort(f);
	else if (lt_file_close(f, err) == 0)
		return 0;
	if (to_stdout && (errno == EPIPE || lt_output_reader_gone(stdout)))
		return 1;
	return -1;
}

static int
run_snapshot(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct lt_snapshot s = LT_SNAPSHOT_INIT;
	struct lt_kv_walk walk = { 0, 0, false, kv_progress, ctx };
	struct lt_file f = LT_FILE_INIT;
	const struct kv_opts *o = ctx->opts;
	const char *path = o->file, *at = o->at;
	bool to_stdout;
	int rc;

	if (at && kv_parse_point(at, &walk, err) < 0)
		return LT_E_USAGE;
	/* Before the walk: a file that is refused wastes no time. */
	if (lt_file_open(&f, path ? path : "-", (o->force ? LT_FILE_FORCE :
	    0) | (o->t.mode == LT_REDACT_NONE ? LT_FILE_SECRET : 0), err) < 0)
		return err->code;
	to_stdout = f.is_stdout;
	s.source = lt_xstrdup(at ? at : "live");
	rc = take_snapshot(ctx, &o->t, &walk, &s, err);
	if (rc < 0)
		lt_file_abort(&f);
	else
		rc = write_snapshot(&s, &f, err);
	if (rc == 0)
		snapshot_summary(ctx, &s, to_stdout ? NULL : path);
	lt_snapshot_release(&s);
	return rc < 0 ? err->code : 0;
}

/* The group. */

static const struct lt_cmd cmd_kv_ls = {
	.name = "ls",
	.summary = "list the lattice's buckets, or one bucket's keys",
	.usage = "[BUCKET] [--bucket BUCKET] [--all]",
	.opts = ls_opts,
	KV_CMD_OPTS,
	.max_args = 1,
	.arg_values = LT_VALUES_BUCKETS,
	.run = run_ls,
};

static const struct lt_cmd cmd_kv_get = {
	.name = "get",
	.summary = "print a key's value (pretty JSON, text, or raw with -o raw)",
	.usage = "KEY [--revision N] [--bucket BUCKET]",
	.opts = get_opts,
	KV_CMD_OPTS,
	.min_args = 1,
	.max_args = 1,
	.arg_values = LT_VALUES_KEYS,
	.run = run_get,
};

static const struct lt_cmd cmd_kv_history = {
	.name = "history",
	.summary = "every revision the bucket keeps for a key",
	.usage = "KEY [--bucket BUCKET]",
	.formats = LT_FORMATS_NOT_RAW,	/* kv get --revision N -o raw */
	.opts = history_opts,
	KV_CMD_OPTS,
	.min_args = 1,
	.max_args = 1,
	.arg_values = LT_VALUES_KEYS,
	.run = run_history,
};

static const struct lt_cmd cmd_kv_snapshot = {
	.name = "snapshot",
	.summary = "write the whole bucket to a snapshot file",
	.usage = "[-f FILE [--force]] [--at REVISION|TIME] [--bucket BUCKET]",
	.description = "Streams the bucket through one ordered watcher (never "
	    "a request per key).\nThe file format is described in "
	    "latticectl(5). Read-only.",
	/* the snapshot format only: JSON lines */
	.formats = LT_FORMAT(LT_FMT_TEXT) | LT_FORMAT(LT_FMT_NDJSON),
	.opts = snapshot_opts,
	KV_CMD_OPTS,
	.max_args = 0,
	.run = run_snapshot,
};

static const struct lt_cmd *const kv_subcmds[] = {
	&cmd_kv_diff,
	&cmd_kv_get,
	&cmd_kv_history,
	&cmd_kv_ls,
	&cmd_kv_snapshot,
	&cmd_kv_watch,
	NULL
};

const struct lt_cmd cmd_kv_entry = {
	.name = "kv",
	.summary = "inspect, snapshot and diff lattice KV buckets",
	.usage = "<ls|get|history|watch|snapshot|diff> [options] ...",
	.description = "Reads CONFIGDATA_<lattice> unless --bucket names "
	    "another. Read-only: never writes to a bucket.\nValues of secret "
	    "keys and fields are masked unless --show-secrets.",
	.subcmds = kv_subcmds,
};
