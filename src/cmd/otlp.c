/* otlp.c (commands): --otlp-endpoint for report, replay and watch. */
#include <stdio.h>
#include <stdlib.h>

#include "otlp.h"
#include "latticectl/config.h"
#include "latticectl/redact.h"
#include "latticectl/util.h"
#include "banned.h"

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
    const struct cJSON *recs, struct lt_error *err)
{
	struct lt_otlp o;
	struct lt_otlp_stats st;
	char *where;
	int rc;

	lt_otlp_build(recs, &o);
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
