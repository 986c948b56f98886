/* report.c: 'latticectl report FILE --format markdown|html|ndjson|otlp':
 * a bug report body from a recording (report.h), or its OpenTelemetry
 * traces and logs (otlp.h), on stdout or --output FILE, or exported to an
 * OTLP endpoint. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "otlp.h"
#include "latticectl/file.h"
#include "latticectl/json.h"
#include "latticectl/output.h"
#include "latticectl/rec.h"
#include "latticectl/redact.h"
#include "latticectl/report.h"
#include "latticectl/util.h"
#include "banned.h"

static const char *const formats[] = { "markdown", "html", "ndjson", "otlp",
    NULL };
enum { FMT_MARKDOWN, FMT_HTML, FMT_NDJSON, FMT_OTLP };

static const struct lt_opt report_opts[] = {
	{ "format", 0, LT_OPT_ARG, "FMT", "markdown (default), html or ndjson "
	    "(the same as -o FMT), or otlp", formats },
	{ "file", 'f', LT_OPT_ARG, "OUT", "write the report to OUT "
	    "(default stdout, also -)", NULL },
	{ "force", 0, 0, NULL, "replace OUT if it exists", NULL },
	CMD_OTLP_OPT,
	LT_REDACT_OPTS,
	LT_OPT_END
};

/* b to path (stdout when NULL) by file.h's rules; a reader of stdout
 * that went away is a quiet success. */
static int
write_out(const struct lt_ctx *ctx, enum lt_redact_mode m,
    const struct lt_buf *b, struct lt_error *err)
{
	const char *path = lt_args_get(ctx->args, "file");
	struct lt_file f;
	bool to_stdout;
	int rc, e;

	if (lt_file_open(&f, path ? path : "-", (lt_args_has(ctx->args,
	    "force") ? LT_FILE_FORCE : 0) | (m == LT_REDACT_NONE ?
	    LT_FILE_SECRET : 0), err) < 0)
		return -1;
	to_stdout = f.is_stdout;
	if (b->len && fwrite(b->buf, 1, b->len, f.fp) != b->len) {
		e = errno;
		rc = lt_error_set(err, LT_E_RUNTIME, "cannot write '%s': %s",
		    to_stdout ? "stdout" : path, strerror(e));
		lt_file_abort(&f);
		errno = e;
	} else {
		rc = lt_file_close(&f, err);
	}
	if (rc < 0 && to_stdout && (errno == EPIPE ||
	    lt_output_reader_gone(stdout)))
		return 0;
	return rc;
}

/* The kind of report (an index of formats): --format, or -o, which says
 * the same; markdown when neither does. */
static int
report_format(const struct lt_ctx *ctx, int *fmt, struct lt_error *err)
{
	static const enum lt_format by_o[] = { LT_FMT_MARKDOWN, LT_FMT_HTML,
		LT_FMT_NDJSON };
	int i, o = -1;

	*fmt = 0;
	for (i = 0; i < 3; i++)
		if (ctx->format == by_o[i])
			o = i;
	if (lt_args_enum(ctx->args, "format", fmt, err) < 0)
		return -1;
	if (o >= 0 && lt_args_has(ctx->args, "format") && o != *fmt)
		return lt_error_set(err, LT_E_USAGE, "--format %s and -o %s ask "
		    "for different reports: give one", formats[*fmt],
		    formats[o]);
	if (o >= 0)
		*fmt = o;
	return 0;
}

/* --format otlp: the two OTLP/JSON requests, written out (stdout, or
 * -f OUT) unless there is an endpoint to export to; with one, OUT (when
 * given) is written first, so it is not lost when the export fails. */
static int
report_otlp(struct lt_ctx *ctx, enum lt_redact_mode m, const cJSON *recs,
    struct lt_error *err)
{
	struct lt_otlp_target t = LT_OTLP_TARGET_INIT;
	struct lt_buf b = LT_BUF_INIT;
	struct lt_otlp o;
	int on, rc = 0;

	if ((on = cmd_otlp_target(ctx, &t, err)) < 0) {
		lt_otlp_target_release(&t);
		return -1;
	}
	if (on == 0 || lt_args_get(ctx->args, "file")) {
		lt_otlp_build(recs, &o);
		lt_otlp_format(&o, &b);
		lt_otlp_release(&o);
		rc = write_out(ctx, m, &b, err);
		lt_buf_release(&b);
	}
	if (rc == 0 && on)
		rc = cmd_otlp_export(ctx, &t, recs, 0, 0, err);
	lt_otlp_target_release(&t);
	return rc;
}

static int
run_report(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct lt_buf b = LT_BUF_INIT;
	const cJSON *rec;
	cJSON *recs;
	enum lt_redact_mode m;
	int fmt = 0, rc;

	(void)argc;
	if (report_format(ctx, &fmt, err) < 0 ||
	    lt_redact_mode_from_args(ctx->args, &m, err) < 0)
		return err->code;
	if (fmt != FMT_OTLP && lt_args_get(ctx->args, "otlp-endpoint")) {
		lt_error_set(err, LT_E_USAGE, "--otlp-endpoint needs --format "
		    "otlp");
		return err->code;
	}
	if (!(recs = cmd_read_records(ctx, argv[0], m, err)))
		return err->code;
	if (fmt == FMT_OTLP) {
		rc = report_otlp(ctx, m, recs, err);
		cJSON_Delete(recs);
		return rc < 0 ? err->code : 0;
	}
	if (fmt == FMT_MARKDOWN)
		lt_report_markdown(recs, argv[0], &b);
	else if (fmt == FMT_HTML)
		lt_report_html(recs, argv[0], &b);
	else
		cJSON_ArrayForEach(rec, recs) {
			lt_json_print(rec, false, &b);
			lt_buf_addch(&b, '\n');
		}
	cJSON_Delete(recs);
	rc = write_out(ctx, m, &b, err);
	lt_buf_release(&b);
	return rc < 0 ? err->code : 0;
}

const struct lt_cmd cmd_report_entry = {
	.name = "report",
	.summary = "a bug-report body (markdown or HTML) or OpenTelemetry "
	    "traces from a recording",
	.usage = "FILE [-o markdown|html|ndjson] [--format otlp "
	    "[--otlp-endpoint URL]] [-f OUT [--force]]",
	.description = "markdown: environment table, findings, a mermaid "
	    "sequenceDiagram per phase and the timeline in a collapsed "
	    "<details>; html: one self-contained file with the findings and a "
	    "swimlane timeline (wadm, each host, kv, probe); otlp: "
	    "OpenTelemetry traces and logs (OTLP/JSON), written out or "
	    "exported with --otlp-endpoint. Read-only.",
	.flags = LT_CMD_NO_LATTICE,	/* reads a recording, not a lattice */
	/* without -o: markdown (--format says the same as -o) */
	.formats = LT_FORMAT(LT_FMT_MARKDOWN) | LT_FORMAT(LT_FMT_HTML) |
	    LT_FORMAT(LT_FMT_NDJSON),
	.opts = report_opts,
	.min_args = 1,
	.max_args = 1,
	.run = run_report,
};
