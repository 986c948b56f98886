/* config.c: 'latticectl config show [--sources]': resolved settings and
 * where each came from; secrets print as "(set)". */
#include <cjson/cJSON.h>
#include <stdio.h>

#include "cmd.h"
#include "banned.h"

struct show_opts {
	bool sources;
};

static const struct lt_opt show_opts[] = {
	{ "sources", 0, 0, NULL, "show where each setting came from", NULL,
	    LT_TO_FLAG(struct show_opts, sources) },
	LT_OPT_END
};

static int
run_show(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	const struct show_opts *o = ctx->opts;

	if (ctx->format == LT_FMT_JSON || ctx->format == LT_FMT_NDJSON) {
		cJSON *j = lt_config_to_json(ctx->cfg);
		char *s = cJSON_PrintUnformatted(j);

		fprintf(ctx->out, "%s\n", s);
		cJSON_free(s);
		cJSON_Delete(j);
		return 0;
	}
	if (lt_config_show(ctx->cfg, ctx->out, o->sources, ctx->width) < 0)
		return lt_error_set(err, LT_E_RUNTIME, "cannot write output");
	return 0;
}

static const struct lt_cmd cmd_config_show = {
	.name = "show",
	.summary = "print the resolved settings",
	.usage = "[--sources]",
	.flags = LT_CMD_NO_LATTICE,	/* shows it, never uses it */
	.formats = LT_FORMATS_TEXT_JSON,
	.opts = show_opts,
	LT_CMD_OPTS(struct show_opts, NULL),
	.max_args = 0,
	.run = run_show,
};

static const struct lt_cmd *const config_subcmds[] = { &cmd_config_show, NULL };

const struct lt_cmd cmd_config_entry = {
	.name = "config",
	.summary = "show resolved settings and their sources",
	.usage = "show [--sources]",
	.subcmds = config_subcmds,
};
