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

/* Where the report goes: -f OUT (stdout when not given, or -) by
 * file.h's rules. */
struct out {
	struct lt_file f;
	bool open, to_stdout;
	const char *path;
};

static int
out_open(const struct lt_ctx *ctx, enum lt_redact_mode m, struct out *o,
    struct lt_error *err)
{
	memset(o, 0, sizeof(*o));
	o->path = lt_args_get(ctx->args, "file");
	if (lt_file_open(&o->f, o->path ? o->path : "-", (lt_args_has(ctx->args,
	    "force") ? LT_FILE_FORCE : 0) | (m == LT_REDACT_NONE ?
	    LT_FILE_SECRET : 0), err) < 0)
		return -1;
	o->open = true;
	o->to_stdout = o->f.is_stdout;
	return 0;
}

/* -1 with err (the file abandoned) when b cannot be written. */
static int
out_write(struct out *o, const struct lt_buf *b, struct lt_error *err)
{
	int e;

	if (b->len == 0 || fwrite(b->buf, 1, b->len, o->f.fp) == b->len)
		return 0;
	e = errno;
	lt_error_set(err, LT_E_RUNTIME, "cannot write '%s': %s", o->to_stdout ?
	    "stdout" : o->path, strerror(e));
	lt_file_abort(&o->f);
	o->open = false;
	errno = e;
	return -1;
}

/* Close o after rc (0, or -1 after a failure: then o is abandoned); a
 * reader of stdout that went away is a quiet success. */
static int
out_close(struct out *o, int rc, struct lt_error *err)
{
	if (o->open && rc == 0)
		rc = lt_file_close(&o->f, err);
	else if (o->open)
		lt_file_abort(&o->f);
	o->open = false;
	if (rc < 0 && o->to_stdout && (errno == EPIPE ||
	    lt_output_reader_gone(stdout)))
		return 0;
	return rc;
}

static int
write_out(const struct lt_ctx *ctx, enum lt_redact_mode m,
    const struct lt_buf *b, struct lt_error *err)
{
	struct out o;

	if (out_open(ctx, m, &o, err) < 0)
		return -1;
	return out_close(&o, out_write(&o, b, err), err);
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

struct otlp_out {
	const struct lt_ctx *ctx;
	enum lt_redact_mode m;
	struct out o;
	struct lt_buf line;
};

/* A request as a line of OUT, opened with the first. */
static int
otlp_line(void *arg, bool logs, cJSON *doc, int n, struct lt_error *err)
{
	struct otlp_out *w = arg;

	(void)logs;
	(void)n;
	if (!w->o.open && out_open(w->ctx, w->m, &w->o, err) < 0)
		return -1;
	lt_buf_reset(&w->line);
	lt_json_print(doc, false, &w->line);
	lt_buf_addch(&w->line, '\n');
	return out_write(&w->o, &w->line, err);
}

/* --format otlp: the OTLP/JSON requests, a line each, written out as they
 * are made (stdout, or -f OUT) unless there is an endpoint to export to;
 * with one, OUT (when given) is written first, so it is not lost when the
 * export fails. */
static int
report_otlp(struct lt_ctx *ctx, enum lt_redact_mode m, const char *path,
    struct lt_error *err)
{
	struct lt_otlp_target t = LT_OTLP_TARGET_INIT;
	struct otlp_out w = { ctx, m, { LT_FILE_INIT, false, false, NULL },
		LT_BUF_INIT };
	struct lt_otlp_counts c;
	struct cmd_rec_source rs;
	int on, rc = 0;

	if ((on = cmd_otlp_target(ctx, &t, err)) < 0) {
		lt_otlp_target_release(&t);
		return -1;
	}
	cmd_rec_source(&rs, ctx, path, m);	/* warns once for both */
	if (on == 0 || lt_args_get(ctx->args, "file")) {
		rc = lt_otlp_stream(&rs.src, 0, 0, otlp_line, &w, &c, err);
		rc = out_close(&w.o, rc, err);
		lt_buf_release(&w.line);
	}
	if (rc == 0 && on)
		rc = cmd_otlp_export(ctx, &t, &rs.src, 0, 0, err);
	cmd_rec_source_close(&rs);
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
	if (fmt == FMT_OTLP)
		return report_otlp(ctx, m, argv[0], err) < 0 ? err->code : 0;
	if (!(recs = cmd_read_records(ctx, argv[0], m, err)))
		return err->code;
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
