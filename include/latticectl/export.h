/* export.h: --otlp-endpoint for the commands that export a recording
 * (report, replay, watch): the option row, the recording file as a
 * record source for lt_otlp_stream (read once a pass), the target, and
 * the export with its one-line account; messages go to the command's
 * ctx->err (latticectl/command.h). */
#ifndef LATTICECTL_EXPORT_H
#define LATTICECTL_EXPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "latticectl/error.h"
#include "latticectl/otlp.h"
#include "latticectl/redact.h"

struct cJSON;
struct lt_ctx;
struct lt_rec_reader;

#define CMD_OTLP_HELP "export as OpenTelemetry traces and logs to " \
	"URL/v1/traces and URL/v1/logs (default " \
	"$OTEL_EXPORTER_OTLP_ENDPOINT; none: off)"
/* Bound to the const char *otlp_endpoint of options struct st. */
#define CMD_OTLP_OPT_TO(st) \
	{ "otlp-endpoint", 0, LT_OPT_ARG, "URL", CMD_OTLP_HELP, NULL, \
	    LT_TO_STR(st, otlp_endpoint) }

/* Every readable record of path (a cJSON array, caller deletes), read
 * in redaction mode m; damaged lines and a cut last line are warned about
 * on stderr. NULL with err when path cannot be read or holds no record. */
struct cJSON *cmd_read_records(const struct lt_ctx *ctx, const char *path,
    enum lt_redact_mode m, struct lt_error *err);

/* The records of path, read in redaction mode m, as a source for
 * lt_otlp_stream: damaged lines and a cut last line are warned about on
 * stderr in the first pass only; a pass fails (err) when path cannot be
 * read or holds no record. Close with cmd_rec_source_close. */
struct cmd_rec_source {
	struct lt_otlp_source src;
	const struct lt_ctx *ctx;
	const char *path;
	FILE *fp;		/* read from the start each pass, or NULL:
				 * path opened each pass */
	enum lt_redact_mode m;
	struct lt_rec_reader *rd;
	struct cJSON *rec;
	int passes;
};
void cmd_rec_source(struct cmd_rec_source *rs, const struct lt_ctx *ctx,
    const char *path, enum lt_redact_mode m);
void cmd_rec_source_close(struct cmd_rec_source *rs);

/* The export target from --otlp-endpoint and the environment: 1 when
 * there is one, 0 when not, -1 with err (exit 2) when it is malformed.
 * Release t with lt_otlp_target_release in every case. */
int cmd_otlp_target(const char *endpoint, struct lt_otlp_target *t,
    struct lt_error *err);

/* Stream the phases [from, until) of src's records (redacted; 0, 0:
 * all, lt_otlp_stream) and export them to t within --timeout; says on
 * stderr (unless -q) how many spans and log records went where. -1 with
 * err as lt_otlp_stream and lt_otlp_post fail, prefixed "otlp export". */
int cmd_otlp_export(const struct lt_ctx *ctx, const struct lt_otlp_target *t,
    const struct lt_otlp_source *src, uint64_t from, uint64_t until,
    struct lt_error *err);

/* After a recording command (replay, watch --record) wrote path and is
 * about to return status rc (0, 1, or -1 with err set): export the
 * recording as read back from path (so the ids are those 'report
 * --format otlp' gives), from the phase whose record is seq from on (0:
 * all; replay exported the phases before as they ended). Returns rc when
 * the export worked or rc was -1 (the export's failure is then one line on
 * stderr), else -1 with err set by the export. A recording that is not a
 * regular file (a FIFO) cannot be read back: that is the failure. */
int cmd_otlp_after(const struct lt_ctx *ctx, const struct lt_otlp_target *t,
    const char *path, uint64_t from, int rc, struct lt_error *err);

/* Whether path is a regular file, which can be read back for export. */
bool cmd_otlp_readable(const char *path);

#endif
