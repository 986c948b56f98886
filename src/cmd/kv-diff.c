/* kv-diff.c: 'latticectl kv diff A [B]': what changed between two states
 * of a bucket; each side a snapshot file, the live bucket, or a point
 * (@REVISION, @TIME) rebuilt from its history. Exit 0 no difference, 1
 * differences (diff(1)); LATTICECTL_EXTERNAL_DIFF hands two rendered
 * files to another program. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kv.h"
#include "latticectl/diff.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "banned.h"

static const struct lt_opt diff_opts[] = {
	KV_OPT_BUCKET,
	{ "live", 0, 0, NULL, "compare A with the bucket now (the default "
	    "with one argument)", NULL, LT_TO_FLAG(struct kv_opts, live) },
	KV_OPTS_REDACT,
	LT_OPT_END
};

struct side {
	const char *spec;	/* NULL: live */
	struct lt_kv_walk walk;
	bool is_file;
	struct lt_snapshot s;
	int64_t history;	/* revisions the bucket keeps; 0: not asked */
};

/* Masking strength: none < secrets < all. */
static int
rank(enum lt_redact_mode m)
{
	return m == LT_REDACT_NONE ? 0 : m == LT_REDACT_SECRETS ? 1 : 2;
}

static int
parse_sides(struct lt_ctx *ctx, int argc, char **argv, struct side *sd,
    struct lt_error *err)
{
	int i;

	if (argc == 2 && ((const struct kv_opts *)ctx->opts)->live)
		return lt_error_set(err, LT_E_USAGE, "--live stands for B; give "
		    "one of them");
	for (i = 0; i < 2; i++) {
		lt_snapshot_init(&sd[i].s);
		sd[i].spec = i < argc ? argv[i] : NULL;
		if (sd[i].spec && sd[i].spec[0] == '@') {
			if (kv_parse_point(sd[i].spec, &sd[i].walk, err) < 0)
				return -1;
		} else if (sd[i].spec) {
			sd[i].is_file = true;
		}
	}
	return 0;
}

static int
load_file(struct side *sd, struct lt_error *err)
{
	if (!strcmp(sd->spec, "-"))
		return lt_snapshot_read_fp(&sd->s, stdin, "(stdin)", err);
	return lt_snapshot_read(&sd->s, sd->spec, err);
}

/* Rebuild a file side's values under a stronger redaction mode. Masks
 * already in the file are kept as they are. */
static void
reredact(struct side *sd, enum lt_redact_mode mode)
{
	struct lt_snapshot n = LT_SNAPSHOT_INIT;
	struct lt_buf raw = LT_BUF_INIT;
	size_t i;

	n.redaction = mode;
	for (i = 0; i < sd->s.n; i++) {
		const struct lt_snapshot_entry *e = &sd->s.v[i];
		struct lt_snapshot_entry *x;

		lt_buf_reset(&raw);
		if (e->enc == LT_KV_ENC_BASE64)
			lt_base64_decode(e->value, e->value_len, &raw);
		else if (e->enc == LT_KV_ENC_JSON)
			lt_buf_add(&raw, e->value, e->value_len);
		x = lt_snapshot_add(&n, e->key, strlen(e->key), e->revision,
		    e->created_ns, e->enc == LT_KV_ENC_REDACTED ? LT_KV_DELETE :
		    e->op, lt_buf_str(&raw), raw.len);
		x->op = e->op;
		x->raw_len = e->raw_len;
		if (e->enc == LT_KV_ENC_REDACTED) {
			x->enc = e->enc;
			x->value = lt_snapshot_strdup(&n, e->value, e->value_len);
			x->value_len = e->value_len;
		}
	}
	lt_buf_release(&raw);
	n.bucket = sd->s.bucket;
	n.lattice = sd->s.lattice;
	n.source = sd->s.source;
	sd->s.bucket = sd->s.lattice = sd->s.source = NULL;
	memcpy(n.server_id, sd->s.server_id, sizeof(n.server_id));
	n.taken_ns = sd->s.taken_ns;
	n.revision = sd->s.revision;
	n.unknown = sd->s.unknown;
	lt_snapshot_release(&sd->s);
	sd->s = n;
}

/* The mode both sides are compared in: the strongest of the request and
 * the files'. Files are brought up to it; warns when that cannot be exact. */
static enum lt_redact_mode
compare_mode(const struct lt_ctx *ctx, struct side *sd, enum lt_redact_mode m)
{
	enum lt_redact_mode want = m;
	int i;

	for (i = 0; i < 2; i++)
		if (sd[i].is_file && rank(sd[i].s.redaction) > rank(want))
			want = sd[i].s.redaction;
	for (i = 0; i < 2; i++) {
		if (!sd[i].is_file || sd[i].s.redaction == want)
			continue;
		if (sd[i].s.redaction != LT_REDACT_NONE && !ctx->cfg->quiet)
			fprintf(stderr, "latticectl: kv diff: warning: '%s' was "
			    "written with redaction '%s', the other side with "
			    "'%s': values masked inside JSON may show as "
			    "changed\n", sd[i].spec, lt_redact_mode_name(
			    sd[i].s.redaction), lt_redact_mode_name(want));
		reredact(&sd[i], want);
	}
	if (want != m && !ctx->cfg->quiet)
		fprintf(stderr, "latticectl: kv diff: note: comparing with "
		    "redaction '%s' (as the snapshot file was written)\n",
		    lt_redact_mode_name(want));
	return want;
}

/* A point with unknown keys: how many revisions the bucket keeps, to say
 * why (best effort: 0 when the server does not say). */
static void
note_history(struct lt_kv *kv, struct side *sd)
{
	struct lt_error e = LT_ERROR_INIT;
	struct lt_kv_info info;

	if (sd->s.unknown && lt_kv_info(kv, &info, &e) == 0)
		sd->history = info.history;
}

static int
load_live(struct lt_ctx *ctx, const struct kv_target *t, struct side *sd,
    enum lt_redact_mode mode, struct lt_kv **kv, struct lt_error *err)
{
	sd->walk.progress = kv_progress;
	sd->walk.ud = ctx;
	sd->s.redaction = mode;
	sd->s.source = lt_xstrdup(sd->spec ? sd->spec : "live");
	if (*kv == NULL && kv_target_open(ctx, t, kv, err) < 0)
		return -1;
	if (lt_kv_snapshot(*kv, &sd->walk, &sd->s, err) < 0)
		return -1;
	kv_progress_end(ctx);
	note_history(*kv, sd);
	return 0;
}

static void
warn_buckets(const struct kv_target *t, const struct side *sd)
{
	const char *a = sd[0].s.bucket, *b = sd[1].s.bucket;
	struct lt_buf ea = LT_BUF_INIT, eb = LT_BUF_INIT;

	if (a && b && strcmp(a, b))	/* names read from snapshot files */
		fprintf(stderr, "latticectl: kv diff: warning: comparing bucket "
		    "'%s' (%s) with bucket '%s' (%s)%s\n", lt_text(&ea, a),
		    sd[0].s.source, lt_text(&eb, b), sd[1].s.source,
		    t->bucket_given || (sd[0].is_file && sd[1].is_file) ? "" :
		    " (use --bucket)");
	lt_buf_release(&ea);
	lt_buf_release(&eb);
}

/* Files first (a bad file is exit 6 before any connection), then the
 * live and point sides from one bucket handle. */
static int
load_sides(struct lt_ctx *ctx, const struct kv_target *t, struct side *sd,
    struct lt_error *err)
{
	struct lt_kv *kv = NULL;
	enum lt_redact_mode mode;
	int i, rc = 0;

	for (i = 0; i < 2 && rc == 0; i++)
		if (sd[i].is_file)
			rc = load_file(&sd[i], err);
	if (rc < 0)
		return -1;
	mode = compare_mode(ctx, sd, t->mode);
	for (i = 0; i < 2 && rc == 0; i++)
		if (!sd[i].is_file)
			rc = load_live(ctx, t, &sd[i], mode, &kv, err);
	lt_kv_close(kv);
	if (rc == 0)
		warn_buckets(t, sd);
	return rc;
}

static int
write_temp(const struct lt_snapshot *s, char *path, struct lt_error *err)
{
	struct lt_buf b = LT_BUF_INIT;
	int fd = mkstemp(path);
	int rc = 0;

	if (fd < 0)
		return lt_error_set(err, LT_E_RUNTIME, "cannot create '%s': %s",
		    path, strerror(errno));
	lt_diff_render(s, &b);
	if (b.len && write(fd, b.buf, b.len) != (ssize_t)b.len)
		rc = lt_error_set(err, LT_E_RUNTIME, "cannot write '%s': %s",
		    path, strerror(errno));
	close(fd);
	lt_buf_release(&b);
	return rc;
}

static int
spawn(const char *tool, const char *a, const char *b, struct lt_error *err)
{
	pid_t pid;
	int st = 0;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return lt_error_set(err, LT_E_RUNTIME, "fork: %s", strerror(errno));
	if (pid == 0) {
		char *script = lt_xasprintf("%s \"$1\" \"$2\"", tool);

		execl("/bin/sh", "sh", "-c", script, "sh", a, b, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return lt_error_set(err, LT_E_RUNTIME, "waiting for "
			    "LATTICECTL_EXTERNAL_DIFF '%s': %s", tool,
			    strerror(errno));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return lt_error_set(err, LT_E_RUNTIME, "LATTICECTL_EXTERNAL_DIFF "
		    "'%s' could not be run", tool);
	return 0;
}

static int
external_diff(const char *tool, const struct side *sd, struct lt_error *err)
{
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *pa = lt_xasprintf("%s/latticectl-a.XXXXXX", dir);
	char *pb = lt_xasprintf("%s/latticectl-b.XXXXXX", dir);
	int rc = write_temp(&sd[0].s, pa, err);

	if (rc == 0)
		rc = write_temp(&sd[1].s, pb, err);
	if (rc == 0)
		rc = spawn(tool, pa, pb, err);
	unlink(pa);
	unlink(pb);
	free(pa);
	free(pb);
	return rc;
}

static void
summary(const struct lt_ctx *ctx, const struct side *sd, const struct lt_diff *d)
{
	if (ctx->cfg->quiet)
		return;
	fprintf(stderr, "latticectl: kv diff: %s (%zu keys, rev %llu) -> %s "
	    "(%zu keys, rev %llu): %zu added, %zu removed (%zu deleted, %zu "
	    "purged), %zu changed", sd[0].s.source,
	    lt_snapshot_count_live(&sd[0].s),
	    (unsigned long long)sd[0].s.revision, sd[1].s.source,
	    lt_snapshot_count_live(&sd[1].s),
	    (unsigned long long)sd[1].s.revision, d->added, d->removed,
	    d->deleted, d->purged, d->changed);
	if (d->unknown)
		fprintf(stderr, ", %zu not compared", d->unknown);
	fputc('\n', stderr);
}

/* Exit 5: keys whose state a side cannot tell (a point rebuilt from a
 * history that no longer holds them, or a snapshot file written from
 * one) were left out, so the differences shown are not the whole answer. */
static int
partial(const struct side *sd, const struct lt_diff *d, struct lt_error *err)
{
	struct lt_buf b = LT_BUF_INIT;
	int i;

	for (i = 0; i < 2; i++) {
		const struct side *x = &sd[i];

		if (x->s.unknown == 0)
			continue;
		lt_buf_addf(&b, "%s%s %s%s%s the state of %llu key%s is unknown "
		    "(%s)", b.len ? "; " : "", x->is_file ? "in" : "at",
		    x->is_file ? "'" : "", x->spec, x->is_file ? "'" : "",
		    (unsigned long long)x->s.unknown, x->s.unknown == 1 ? "" :
		    "s", x->history == 1 ? "the bucket keeps only the last "
		    "value of each key" : x->is_file ? "the bucket no longer "
		    "held those revisions" : "the bucket no longer holds those "
		    "revisions");
	}
	lt_error_set(err, LT_E_PARTIAL, "%s: %zu key%s not compared, so the "
	    "differences shown are partial", lt_buf_str(&b), d->unknown,
	    d->unknown == 1 ? "" : "s");
	lt_buf_release(&b);
	return err->code;
}

static int
show(struct lt_ctx *ctx, const struct side *sd, const struct lt_diff *d,
    struct lt_error *err)
{
	const char *tool = getenv("LATTICECTL_EXTERNAL_DIFF");
	struct lt_buf b = LT_BUF_INIT;
	enum lt_write w;

	if (ctx->format == LT_FMT_JSON)
		lt_diff_format_json(d, &sd[0].s, &sd[1].s, &b);
	else if (ctx->format == LT_FMT_NDJSON)
		lt_diff_format_ndjson(d, &sd[0].s, &sd[1].s, &b);
	else if (tool && *tool)
		return external_diff(tool, sd, err);
	else
		lt_diff_format_text(d, lt_output_colors(ctx->color_out), &b);
	w = lt_output_write(ctx->out, lt_buf_str(&b), b.len);
	if (w == LT_WRITE_OK)
		w = lt_output_flush(ctx->out);
	lt_buf_release(&b);
	if (w == LT_WRITE_FAILED)
		return lt_error_set(err, LT_E_RUNTIME, "cannot write output: %s",
		    strerror(errno));
	return 0;
}

static int
run_diff(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct side sd[2];
	struct lt_diff d = LT_DIFF_INIT;
	const struct kv_target *t = &((const struct kv_opts *)ctx->opts)->t;
	int rc;

	memset(sd, 0, sizeof(sd));
	if (parse_sides(ctx, argc, argv, sd, err) < 0)
		return LT_E_USAGE;
	rc = load_sides(ctx, t, sd, err);
	if (rc == 0) {
		lt_diff_snapshots(&sd[0].s, &sd[1].s, &d);
		rc = show(ctx, sd, &d, err);
	}
	if (rc == 0)
		summary(ctx, sd, &d);
	if (rc < 0)
		rc = err->code;
	else
		rc = d.unknown ? partial(sd, &d, err) : d.n > 0 ? LT_E_DIFF : 0;
	lt_diff_release(&d);
	lt_snapshot_release(&sd[0].s);
	lt_snapshot_release(&sd[1].s);
	return rc;
}

const struct lt_cmd cmd_kv_diff = {
	.name = "diff",
	.summary = "what changed between two snapshots, points or now",
	.usage = "A [B] [--live] [--bucket BUCKET]",
	.description = "A and B are snapshot files ('-' for stdin), or "
	    "@REVISION / @TIME points rebuilt\nfrom the bucket's history; "
	    "without B (or with --live) A is compared with the\nbucket now. "
	    "Exit 0 no difference, 1 differences, 5 when the state of some "
	    "keys\nat a point is unknown (they are not compared). Read-only.",
	.formats = LT_FORMATS_TEXT_JSON,
	.opts = diff_opts,
	KV_CMD_OPTS,
	.min_args = 1,
	.max_args = 2,
	.run = run_diff,
};
