/* report.c: 'latticectl report FILE --format markdown|html|ndjson': a bug
 * report body from a recording (report.h), on stdout or --output FILE. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "latticectl/file.h"
#include "latticectl/json.h"
#include "latticectl/output.h"
#include "latticectl/rec.h"
#include "latticectl/redact.h"
#include "latticectl/report.h"
#include "latticectl/util.h"
#include "banned.h"

static const char *const formats[] = { "markdown", "html", "ndjson", NULL };

static const struct lt_opt report_opts[] = {
	{ "format", 0, LT_OPT_ARG, "FMT", "markdown (default), html or ndjson "
	    "(the same as -o FMT)", formats },
	{ "file", 'f', LT_OPT_ARG, "OUT", "write the report to OUT "
	    "(default stdout, also -)", NULL },
	{ "force", 0, 0, NULL, "replace OUT if it exists", NULL },
	LT_REDACT_OPTS,
	LT_OPT_END
};

/* Every readable record of path, in order; damage is warned about. */
static cJSON *
load(const char *path, enum lt_redact_mode m, struct lt_error *err)
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
			fprintf(stderr, "latticectl: report: warning: %s\n",
			    lerr.msg);
			lt_error_clear(&lerr);
			continue;
		}
		cJSON_AddItemToArray(recs, rec);
	}
	if (lt_rec_reader_truncated(rd))
		fprintf(stderr, "latticectl: report: warning: %s: the last line "
		    "is truncated (the recording was cut off)\n", path);
	if (lt_rec_reader_check(rd, path, err) < 0) {
		cJSON_Delete(recs);
		recs = NULL;
	}
	lt_rec_reader_close(rd);
	return recs;
}

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
	if (!(recs = load(argv[0], m, err)))
		return err->code;
	if (fmt == 0)
		lt_report_markdown(recs, argv[0], &b);
	else if (fmt == 1)
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
	.summary = "a bug-report body (markdown or HTML) from a recording",
	.usage = "FILE [-o markdown|html|ndjson] [-f OUT [--force]]",
	.description = "markdown: environment table, findings, a mermaid "
	    "sequenceDiagram per phase and the timeline in a collapsed "
	    "<details>; html: one self-contained file with the findings and a "
	    "swimlane timeline (wadm, each host, kv, probe). Read-only.",
	.flags = LT_CMD_NO_LATTICE,	/* reads a recording, not a lattice */
	/* without -o: markdown (--format says the same as -o) */
	.formats = LT_FORMAT(LT_FMT_MARKDOWN) | LT_FORMAT(LT_FMT_HTML) |
	    LT_FORMAT(LT_FMT_NDJSON),
	.opts = report_opts,
	.min_args = 1,
	.max_args = 1,
	.run = run_report,
};
