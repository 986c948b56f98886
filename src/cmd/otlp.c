/* otlp.c (commands): --otlp-endpoint for report, replay and watch. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "otlp.h"
#include "latticectl/config.h"
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
			fprintf(stderr, "latticectl: %s: warning: %s\n",
			    ctx->cmd_path, lerr.msg);
			lt_error_clear(&lerr);
			continue;
		}
		cJSON_AddItemToArray(recs, rec);
	}
	if (lt_rec_reader_truncated(rd))
		fprintf(stderr, "latticectl: %s: warning: %s: the last line "
		    "is truncated (the recording was cut off)\n", ctx->cmd_path,
		    path);
	if (lt_rec_reader_check(rd, path, err) < 0) {
		cJSON_Delete(recs);
		recs = NULL;
	}
	lt_rec_reader_close(rd);
	return recs;
}

static const char *
env(const char *name)
{
	return getenv(name);
}

int
cmd_otlp_target(const struct lt_ctx *ctx, struct lt_otlp_target *t,
    struct lt_error *err)
{
	return lt_otlp_target_init(t, lt_args_get(ctx->args, "otlp-endpoint"),
	    env, err);
}

int
cmd_otlp_export(const struct lt_ctx *ctx, const struct lt_otlp_target *t,
    const struct cJSON *recs, uint64_t from, uint64_t until,
    struct lt_error *err)
{
	struct lt_otlp o;
	struct lt_otlp_stats st;
	char *where;
	int rc;

	lt_otlp_build_range(recs, from, until, &o);
	rc = lt_otlp_export(t, &o, ctx->cfg->timeout_ns, &st, err);
	if (rc < 0) {
		lt_error_prefix(err, "otlp export");
	} else if (!ctx->cfg->quiet) {
		where = lt_xstrdup(t->traces_url);
		lt_redact_url(where);
		fprintf(stderr, "latticectl: %s: exported %d spans, %d log "
		    "records, %d links in trace %s to %s (%d requests)\n",
		    ctx->cmd_path, o.nspans, o.nlogs, o.nlinks, o.trace_id, where,
		    st.requests);
		if (st.rejected > 0)
			fprintf(stderr, "latticectl: %s: warning: the receiver "
			    "rejected %lld spans or log records\n", ctx->cmd_path,
			    (long long)st.rejected);
		free(where);
	}
	lt_otlp_release(&o);
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
	cJSON *recs;
	int rc;

	if (!cmd_otlp_readable(path))
		return lt_error_set(err, LT_E_RUNTIME, "otlp export: cannot read "
		    "the recording '%s' back (not a regular file); export it "
		    "later with 'latticectl report FILE --format otlp'", path);
	/* as report reads it: secrets masked even in a --show-secrets file */
	if (!(recs = cmd_read_records(ctx, path, LT_REDACT_SECRETS, err)))
		return lt_error_prefix(err, "otlp export");
	rc = cmd_otlp_export(ctx, t, recs, from, 0, err);
	cJSON_Delete(recs);
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
		fprintf(stderr, "latticectl: %s: %s\n", ctx->cmd_path, lerr.msg);
		return rc;
	}
	/* one line: what failed, and that nothing recorded is lost */
	snprintf(lerr.msg, sizeof(lerr.msg), "%s", err->msg);
	return lt_error_set(err, err->code, "%s (the recording is kept: %s)",
	    lerr.msg, path);
}
