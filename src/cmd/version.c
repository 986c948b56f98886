/* version.c: 'latticectl version': our version and the libraries'. */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <nats/version.h>
#include <stdio.h>
#include <yaml.h>

#include "cmd.h"
#include "banned.h"

static int
run_version(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	if (ctx->format == LT_FMT_JSON || ctx->format == LT_FMT_NDJSON) {
		fprintf(ctx->out, "{\"schema\":\"latticectl.version/1\","
		    "\"version\":\"%s\",\"nats_c\":\"%s\",\"cjson\":\"%s\","
		    "\"libcurl\":\"%s\",\"libyaml\":\"%s\"}\n", LT_VERSION,
		    NATS_VERSION_STRING, cJSON_Version(), LIBCURL_VERSION,
		    yaml_get_version_string());
		return 0;
	}
	fprintf(ctx->out, "latticectl %s (nats.c %s, cJSON %s, libcurl %s, "
	    "libyaml %s)\n", LT_VERSION, NATS_VERSION_STRING, cJSON_Version(),
	    LIBCURL_VERSION, yaml_get_version_string());
	return 0;
}

const struct lt_cmd cmd_version_entry = {
	.name = "version",
	.summary = "print the version and the library versions",
	.usage = "",
	.flags = LT_CMD_NO_LATTICE,	/* never uses it */
	.formats = LT_FORMATS_TEXT_JSON,
	.max_args = 0,
	.run = run_version,
};
