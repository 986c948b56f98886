/* report.c: 'latticectl report FILE --format markdown|html|ndjson|otlp':
 * a bug report body from a recording (report.h), or its OpenTelemetry
 * traces and logs (otlp.h), on stdout or -f OUT, or exported to an OTLP
 * endpoint. The recording is read as a stream, twice for markdown and
 * HTML (report.h), so a pipe is first copied to a temporary file; a
 * markdown timeline too long for an issue goes to a file next to the
 * report. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "latticectl/export.h"
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

struct report_opts {
	int format;		/* --format, -1: not given */
	const char *file;	/* -f OUT */
	bool force;
	const char *otlp_endpoint;
	bool show_secrets, redact_all;
};

static const struct report_opts report_defaults = { .format = -1 };

static const struct lt_opt report_opts[] = {
	{ "format", 0, LT_OPT_ARG, "FMT", "markdown (default), html or ndjson "
	    "(the same as -o FMT), or otlp", formats,
	    LT_TO_ENUM(struct report_opts, format) },
	{ "file", 'f', LT_OPT_ARG, "OUT", "write the report to OUT "
	    "(default stdout, also -)", NULL,
	    LT_TO_STR(struct report_opts, file) },
	{ "force", 0, 0, NULL, "replace OUT (and its timeline file) if it "
	    "exists", NULL, LT_TO_FLAG(struct report_opts, force) },
	CMD_OTLP_OPT_TO(struct report_opts),
	LT_REDACT_OPTS_TO(struct report_opts),
	LT_OPT_END
};

/* The recording as report.h's source: read from the start each pass;
 * damage is warned about in the first pass only. */
struct input {
	const char *path;
	FILE *fp;		/* the file, or a copy of a pipe */
	struct lt_rec_reader *rd;
	enum lt_redact_mode m;
	int pass;
};

static int
input_open(struct input *in, const char *path, struct lt_error *err)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "r") : stdin;
	struct stat st;
	char chunk[65536];
	size_t n;

	in->path = path;
	if (!fp)
		return lt_error_set(err, LT_E_RUNTIME, "cannot read recording "
		    "'%s': %s", path, strerror(errno));
	if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) &&
	    fseek(fp, 0, SEEK_CUR) == 0) {
		in->fp = fp;
		return 0;
	}
	if (!(in->fp = tmpfile())) {	/* a pipe: read it once */
		if (fp != stdin)
			fclose(fp);
		return lt_error_set(err, LT_E_RUNTIME, "cannot copy recording "
		    "'%s' to a temporary file: %s", path, strerror(errno));
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (fwrite(chunk, 1, n, in->fp) != n)
			break;
	if (fp != stdin)
		fclose(fp);
	if (ferror(in->fp) || fflush(in->fp) != 0)
		return lt_error_set(err, LT_E_RUNTIME, "cannot copy recording "
		    "'%s' to a temporary file: %s", path, strerror(errno));
	return 0;
}

/* After the first pass: the warnings and the test that it is a
 * recording at all. */
static int
input_checked(struct input *in, struct lt_error *err)
{
	if (lt_rec_reader_truncated(in->rd))
		fprintf(stderr, "latticectl: report: warning: %s: the last line "
		    "is truncated (the recording was cut off)\n", in->path);
	return lt_rec_reader_check(in->rd, in->path, err);
}

static int
input_rewind(void *ctx, struct lt_error *err)
{
	struct input *in = ctx;
	int rc = 0;

	if (in->rd && in->pass == 1)
		rc = input_checked(in, err);
	lt_rec_reader_close(in->rd);
	in->rd = NULL;
	if (rc < 0)
		return -1;
	if (fseek(in->fp, 0, SEEK_SET) != 0)
		return lt_error_set(err, LT_E_RUNTIME, "cannot read recording "
		    "'%s' again: %s", in->path, strerror(errno));
	in->rd = lt_rec_reader_open_fp(in->fp);
	lt_rec_reader_set_redaction(in->rd, in->m);
	in->pass++;
	return 0;
}

static int
input_next(void *ctx, cJSON **rec, struct lt_error *err)
{
	struct input *in = ctx;
	struct lt_error lerr = LT_ERROR_INIT;
	int n;

	(void)err;
	while ((n = lt_rec_reader_next(in->rd, rec, &lerr)) < 0) {
		if (in->pass == 1)
			fprintf(stderr, "latticectl: report: warning: %s\n",
			    lerr.msg);
		lt_error_clear(&lerr);
	}
	return n;
}

static void
input_close(struct input *in)
{
	lt_rec_reader_close(in->rd);
	if (in->fp && in->fp != stdin)
		fclose(in->fp);
}

/* The report's files: OUT and the markdown timeline beside it. */
struct outputs {
	const struct lt_ctx *ctx;
	const char *path;	/* OUT, NULL for stdout */
	unsigned flags;
	struct lt_file f, tl;
	char *tlname;
};

/* OUT without ".md", then ".timeline.txt"; none for a report on
 * standard output (NULL, err untouched: the report says how to get it). */
static FILE *
open_timeline(void *ctx, const char **name, struct lt_error *err)
{
	struct outputs *o = ctx;
	const char *base = o->path;
	size_t len;

	if (!base)
		return NULL;
	len = strlen(base);
	if (len > 3 && !strcmp(base + len - 3, ".md"))
		len -= 3;
	o->tlname = lt_xmalloc(len + sizeof(".timeline.txt"));
	memcpy(o->tlname, base, len);
	memcpy(o->tlname + len, ".timeline.txt", sizeof(".timeline.txt"));
	if (lt_file_open(&o->tl, o->tlname, o->flags, err) < 0)
		return NULL;
	*name = o->tlname;
	return o->tl.fp;
}

/* Close what was opened; a reader of stdout that went away is a quiet
 * success. */
static int
outputs_close(struct outputs *o, int rc, struct lt_error *err)
{
	bool to_stdout = o->f.is_stdout;

	if (rc < 0) {
		if (o->tl.fp)
			lt_file_abort(&o->tl);
		lt_file_abort(&o->f);
		free(o->tlname);
		return -1;
	}
	if (o->tl.fp && lt_file_close(&o->tl, err) < 0)
		rc = -1;
	if (rc == 0 && lt_file_close(&o->f, err) < 0) {
		rc = -1;
		if (to_stdout && (errno == EPIPE ||
		    lt_output_reader_gone(stdout)))
			rc = 0;
	} else if (rc < 0) {
		lt_file_abort(&o->f);
	}
	free(o->tlname);
	return rc;
}

static int
write_ndjson(const struct lt_report_src *src, FILE *fp, struct lt_error *err)
{
	struct lt_buf b = LT_BUF_INIT;
	cJSON *rec;
	int n;

	if (src->rewind(src->ctx, err) < 0)
		return -1;
	while ((n = src->next(src->ctx, &rec, err)) > 0) {
		lt_json_print(rec, false, &b);
		lt_buf_addch(&b, '\n');
		cJSON_Delete(rec);
		if (b.len > 65536) {
			(void)fwrite(b.buf, 1, b.len, fp);
			lt_buf_reset(&b);
		}
	}
	if (b.len)
		(void)fwrite(b.buf, 1, b.len, fp);
	lt_buf_release(&b);
	return n < 0 ? -1 : src->rewind(src->ctx, err);	/* the check */
}

/* The kind of report (an index of formats): --format, or -o, which says
 * the same; markdown when neither does. */
static int
report_format(const struct lt_ctx *ctx, int *fmt, struct lt_error *err)
{
	static const enum lt_format by_o[] = { LT_FMT_MARKDOWN, LT_FMT_HTML,
		LT_FMT_NDJSON };
	const struct report_opts *opts = ctx->opts;
	int i, o = -1;

	*fmt = opts->format < 0 ? 0 : opts->format;
	for (i = 0; i < 3; i++)
		if (ctx->format == by_o[i])
			o = i;
	if (o >= 0 && opts->format >= 0 && o != *fmt)
		return lt_error_set(err, LT_E_USAGE, "--format %s and -o %s ask "
		    "for different reports: give one", formats[*fmt],
		    formats[o]);
	if (o >= 0)
		*fmt = o;
	return 0;
}

/* A request as a line of OUT (o, opened with the first). */
static int
otlp_line(void *arg, bool logs, cJSON *doc, int n, struct lt_error *err)
{
	struct outputs *o = arg;
	struct lt_buf b = LT_BUF_INIT;
	int rc = 0;

	(void)logs;
	(void)n;
	if (!o->f.fp && lt_file_open(&o->f, o->path ? o->path : "-", o->flags,
	    err) < 0)
		return -1;
	lt_json_print(doc, false, &b);
	lt_buf_addch(&b, '\n');
	if (fwrite(b.buf, 1, b.len, o->f.fp) != b.len)
		rc = lt_error_set(err, LT_E_RUNTIME, "cannot write '%s': %s",
		    o->path ? o->path : "stdout", strerror(errno));
	lt_buf_release(&b);
	return rc;
}

/* --format otlp: the OTLP/JSON requests, a line each, written out as they
 * are made (stdout, or -f OUT) unless there is an endpoint to export to;
 * with one, OUT (when given) is written first, so it is not lost when the
 * export fails. The recording is streamed (otlp.h), never held whole. */
static int
report_otlp(struct lt_ctx *ctx, const char *path, struct input *in,
    struct outputs *o, struct lt_error *err)
{
	const struct report_opts *opts = ctx->opts;
	struct lt_otlp_target t = LT_OTLP_TARGET_INIT;
	struct lt_otlp_counts c;
	struct cmd_rec_source rs;
	int on, rc = 0;

	if ((on = cmd_otlp_target(opts->otlp_endpoint, &t, err)) < 0) {
		lt_otlp_target_release(&t);
		return -1;
	}
	/* a pipe is copied to a temporary file: every pass reads it */
	if (input_open(in, path, err) < 0) {
		input_close(in);
		lt_otlp_target_release(&t);
		return -1;
	}
	cmd_rec_source(&rs, ctx, path, in->m);	/* warns once for both */
	rs.fp = in->fp;
	if (on == 0 || o->path) {
		rc = lt_otlp_stream(&rs.src, 0, 0, otlp_line, o, &c, err);
		if (o->f.fp)
			rc = outputs_close(o, rc, err);
	}
	if (rc == 0 && on)
		rc = cmd_otlp_export(ctx, &t, &rs.src, 0, 0, err);
	cmd_rec_source_close(&rs);
	input_close(in);
	lt_otlp_target_release(&t);
	return rc;
}

static int
run_report(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct input in = { 0 };
	struct outputs o = { 0 };
	struct lt_report_src src = { input_rewind, input_next, &in };
	struct lt_report_out out = { NULL, open_timeline, &o };
	const struct report_opts *opts = ctx->opts;
	int fmt = 0, rc;

	(void)argc;
	if (report_format(ctx, &fmt, err) < 0 ||
	    lt_redact_mode_of(opts->show_secrets, opts->redact_all, &in.m,
	    err) < 0)
		return err->code;
	if (fmt != FMT_OTLP && opts->otlp_endpoint) {
		lt_error_set(err, LT_E_USAGE, "--otlp-endpoint needs --format "
		    "otlp");
		return err->code;
	}
	o.ctx = ctx;
	o.path = opts->file;
	if (o.path && !strcmp(o.path, "-"))
		o.path = NULL;
	o.flags = (opts->force ? LT_FILE_FORCE : 0) |
	    (in.m == LT_REDACT_NONE ? LT_FILE_SECRET : 0);
	if (fmt == FMT_OTLP)
		return report_otlp(ctx, argv[0], &in, &o, err) < 0 ?
		    err->code : 0;
	if (input_open(&in, argv[0], err) < 0) {
		input_close(&in);
		return err->code;
	}
	if (lt_file_open(&o.f, o.path ? o.path : "-", o.flags, err) < 0) {
		input_close(&in);
		return err->code;
	}
	out.fp = o.f.fp;
	if (fmt == FMT_MARKDOWN)
		rc = lt_report_markdown(&src, argv[0], &out, err);
	else if (fmt == FMT_HTML)
		rc = lt_report_html(&src, argv[0], &out, err);
	else
		rc = write_ndjson(&src, out.fp, err);
	rc = outputs_close(&o, rc, err);
	input_close(&in);
	return rc < 0 ? err->code : 0;
}

const struct lt_cmd cmd_report_entry = {
	.name = "report",
	.summary = "a bug-report body (markdown or HTML) or OpenTelemetry "
	    "traces from a recording",
	.usage = "FILE [-o markdown|html|ndjson] [--format otlp "
	    "[--otlp-endpoint URL]] [-f OUT [--force]]",
	.description = "markdown, for a GitHub issue (at most 65,536 "
	    "characters): environment, findings, counts, mermaid sequence "
	    "diagrams and the timeline (beside -f OUT, as OUT.timeline.txt, "
	    "when it does not fit); html: one self-contained file with the findings, "
	    "an SVG sequence diagram (a lane per participant) and the records "
	    "in a collapsed table; otlp: OpenTelemetry traces and logs "
	    "(OTLP/JSON), written out or exported with --otlp-endpoint. "
	    "Read-only.",
	.flags = LT_CMD_NO_LATTICE,	/* reads a recording, not a lattice */
	/* without -o: markdown (--format says the same as -o) */
	.formats = LT_FORMAT(LT_FMT_MARKDOWN) | LT_FORMAT(LT_FMT_HTML) |
	    LT_FORMAT(LT_FMT_NDJSON),
	.opts = report_opts,
	LT_CMD_OPTS(struct report_opts, &report_defaults),
	.min_args = 1,
	.max_args = 1,
	.run = run_report,
};
