/* export.c: --otlp-endpoint for the commands that export (report,
 * replay, watch): the recording as a record source, the target, the
 * export and its one-line account on the command's ctx->err. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "latticectl/command.h"
#include "latticectl/config.h"
#include "latticectl/export.h"
#include "latticectl/opt.h"
#include "latticectl/rec.h"
#include "latticectl/redact.h"
#include "latticectl/util.h"
#include "banned.h"

cJSON *
cmd_read_records(const struct lt_ctx *ctx, const char *path,
    enum lt_redact_mode m, struct lt_error *err)
{
	struct lt_rec_reader *rd;
	struct lt_error lerr = LT_ERROR_INIT;
	cJSON *recs, *rec;
	int n;

	if (lt_rec_reader_open(&rd, path, err) < 0)
		return NULL;
	lt_rec_reader_set_redaction(rd, m);
	recs = cJSON_CreateArray();
	while ((n = lt_rec_reader_next(rd, &rec, &lerr)) != 0) {
		if (n < 0) {
			fprintf(ctx->err, "latticectl: %s: warning: %s\n",
			    ctx->cmd_path, lerr.msg);
			lt_error_clear(&lerr);
			continue;
		}
		cJSON_AddItemToArray(recs, rec);
	}
	if (lt_rec_reader_truncated(rd))
		fprintf(ctx->err, "latticectl: %s: warning: %s: the last line "
		    "is truncated (the recording was cut off)\n", ctx->cmd_path,
		    path);
	if (lt_rec_reader_check(rd, path, err) < 0) {
		cJSON_Delete(recs);
		recs = NULL;
	}
	lt_rec_reader_close(rd);
	return recs;
}

static int
source_open(void *arg, struct lt_error *err)
{
	struct cmd_rec_source *rs = arg;

	cJSON_Delete(rs->rec);
	rs->rec = NULL;
	lt_rec_reader_close(rs->rd);
	rs->rd = NULL;
	rs->passes++;
	if (rs->fp) {
		if (fseek(rs->fp, 0, SEEK_SET) != 0)
			return lt_error_set(err, LT_E_RUNTIME, "cannot read "
			    "recording '%s' again: %s", rs->path,
			    strerror(errno));
		rs->rd = lt_rec_reader_open_fp(rs->fp);
	} else if (lt_rec_reader_open(&rs->rd, rs->path, err) < 0) {
		return -1;
	}
	lt_rec_reader_set_redaction(rs->rd, rs->m);
	return 0;
}

/* The end of a pass: the first says what was wrong with the file. */
static int
source_end(struct cmd_rec_source *rs, struct lt_error *err)
{
	if (rs->passes > 1)
		return 0;
	if (lt_rec_reader_truncated(rs->rd))
		fprintf(rs->ctx->err, "latticectl: %s: warning: %s: the last "
		    "line is truncated (the recording was cut off)\n",
		    rs->ctx->cmd_path, rs->path);
	return lt_rec_reader_check(rs->rd, rs->path, err);
}

static int
source_next(void *arg, const cJSON **rec, struct lt_error *err)
{
	struct cmd_rec_source *rs = arg;
	struct lt_error lerr = LT_ERROR_INIT;
	int n;

	cJSON_Delete(rs->rec);
	rs->rec = NULL;
	while ((n = lt_rec_reader_next(rs->rd, &rs->rec, &lerr)) < 0) {
		if (rs->passes == 1)
			fprintf(rs->ctx->err, "latticectl: %s: warning: %s\n",
			    rs->ctx->cmd_path, lerr.msg);
		lt_error_clear(&lerr);
	}
	if (n == 0)
		return source_end(rs, err) < 0 ? -1 : 0;
	*rec = rs->rec;
	return 1;
}

void
cmd_rec_source(struct cmd_rec_source *rs, const struct lt_ctx *ctx,
    const char *path, enum lt_redact_mode m)
{
	memset(rs, 0, sizeof(*rs));
	rs->src.open = source_open;
	rs->src.next = source_next;
	rs->src.arg = rs;
	rs->ctx = ctx;
	rs->path = path;
	rs->m = m;
}

void
cmd_rec_source_close(struct cmd_rec_source *rs)
{
	cJSON_Delete(rs->rec);
	rs->rec = NULL;
	lt_rec_reader_close(rs->rd);
	rs->rd = NULL;
}

static const char *
env(const char *name)
{
	return getenv(name);
}

int
cmd_otlp_target(const char *endpoint, struct lt_otlp_target *t,
    struct lt_error *err)
{
	return lt_otlp_target_init(t, endpoint, env, err);
}

struct poster {
	const struct lt_otlp_target *t;
	int64_t deadline;
	struct lt_otlp_stats st;
};

static int
post_request(void *arg, bool logs, cJSON *doc, int n, struct lt_error *err)
{
	struct poster *p = arg;

	return n == 0 ? 0 : lt_otlp_post(p->t, logs, doc, p->deadline, &p->st,
	    err);
}

int
cmd_otlp_export(const struct lt_ctx *ctx, const struct lt_otlp_target *t,
    const struct lt_otlp_source *src, uint64_t from, uint64_t until,
    struct lt_error *err)
{
	struct poster p = { t, lt_mono_ns() + ctx->cfg->timeout_ns, { 0, 0, 0 } };
	struct lt_otlp_counts o;
	char *where;
	int rc;

	rc = lt_otlp_stream(src, from, until, post_request, &p, &o, err);
	if (rc < 0) {
		lt_error_prefix(err, "otlp export");
	} else if (!ctx->cfg->quiet) {
		where = lt_xstrdup(t->traces_url);
		lt_redact_url(where);
		fprintf(ctx->err, "latticectl: %s: exported %d spans, %d log "
		    "records, %d links in trace %s to %s (%d requests)\n",
		    ctx->cmd_path, o.nspans, o.nlogs, o.nlinks, o.trace_id, where,
		    p.st.requests);
		if (p.st.rejected > 0)
			fprintf(ctx->err, "latticectl: %s: warning: the receiver "
			    "rejected %lld spans or log records\n", ctx->cmd_path,
			    (long long)p.st.rejected);
		free(where);
	}
	return rc;
}

bool
cmd_otlp_readable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int
export_file(const struct lt_ctx *ctx, const struct lt_otlp_target *t,
    const char *path, uint64_t from, struct lt_error *err)
{
	struct cmd_rec_source rs;
	int rc;

	if (!cmd_otlp_readable(path))
		return lt_error_set(err, LT_E_RUNTIME, "otlp export: cannot read "
		    "the recording '%s' back (not a regular file); export it "
		    "later with 'latticectl report FILE --format otlp'", path);
	/* as report reads it: secrets masked even in a --show-secrets file */
	cmd_rec_source(&rs, ctx, path, LT_REDACT_SECRETS);
	rc = cmd_otlp_export(ctx, t, &rs.src, from, 0, err);
	cmd_rec_source_close(&rs);
	return rc;
}

int
cmd_otlp_after(const struct lt_ctx *ctx, const struct lt_otlp_target *t,
    const char *path, uint64_t from, int rc, struct lt_error *err)
{
	struct lt_error lerr = LT_ERROR_INIT;

	if (export_file(ctx, t, path, from, rc < 0 ? &lerr : err) == 0)
		return rc;
	if (rc < 0) {
		fprintf(ctx->err, "latticectl: %s: %s\n", ctx->cmd_path,
		    lerr.msg);
		return rc;
	}
	/* one line: what failed, and that nothing recorded is lost */
	snprintf(lerr.msg, sizeof(lerr.msg), "%s", err->msg);
	return lt_error_set(err, err->code, "%s (the recording is kept: %s)",
	    lerr.msg, path);
}
