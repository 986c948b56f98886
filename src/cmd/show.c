/* show.c: 'latticectl show FILE': render a recording offline (watch,
 * sub or replay) as the text timeline, with watch's event filters;
 * -o ndjson re-emits the records that pass. Damaged lines are skipped with
 * a warning; a truncated last line is reported at the end. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "latticectl/buf.h"
#include "latticectl/event.h"
#include "latticectl/filter.h"
#include "latticectl/json.h"
#include "latticectl/rec.h"
#include "latticectl/redact.h"
#include "latticectl/timeline.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "banned.h"

struct show_opts {
	struct lt_filter_opts filter;
	bool events_only;
	struct lt_optv record;		/* --record N[,M|A-B] */
	bool show_secrets, redact_all;
};

static const struct lt_opt show_opts[] = {
	LT_FILTER_OPTS_TO(struct show_opts, filter),
	{ "events-only", 0, 0, NULL,
	    "leave out every record that is not an event", NULL,
	    LT_TO_FLAG(struct show_opts, events_only) },
	{ "record", 0, LT_OPT_ARG | LT_OPT_MULTI, "N[,M|A-B]",
	    "only the records numbered so (the #N column, a finding's "
	    "evidence)", NULL, LT_TO_LIST(struct show_opts, record) },
	LT_REDACT_OPTS_TO(struct show_opts),
	LT_OPT_END
};


#define MAX_PICKS 64

/* --record: the record numbers asked for, as ranges [lo, hi]. */
struct picks {
	uint64_t lo[MAX_PICKS], hi[MAX_PICKS];
	int n;
};

struct show {
	struct lt_ctx *ctx;
	const struct show_opts *o;
	struct picks picks;
	struct lt_filter *filter;
	const struct lt_colors *col;
	bool filtered, events_only;
	uint64_t shown, skipped_unknown, bad_lines;
	uint64_t host_events;		/* from wasmbus.evt.{L}, shown or not */
	char *watched;			/* a watch recording's lattice */
	struct lt_buf line;
	struct lt_lines lines;		/* text output */
};

/* Kinds that frame the timeline and stay visible under event filters. */
static bool
is_frame_kind(const char *kind)
{
	return !strcmp(kind, "phase") || !strcmp(kind, "finding") ||
	    !strcmp(kind, "gap");
}

/* An event record: decode, filter, format like watch; *t_ns becomes the
 * time its line shows. Returns true when it passes the filter. */
static bool
render_event(struct show *s, const cJSON *rec, bool print, int64_t *t_ns)
{
	struct lt_event ev;
	char *data = NULL;
	bool pass;

	if (!lt_timeline_event(rec, &ev, &data))
		return false;
	pass = lt_filter_may_match(s->filter, data, strlen(data)) &&
	    lt_filter_match(s->filter, &ev);
	*t_ns = lt_event_shown_time(&ev, *t_ns);
	if (pass && print)
		lt_event_format_text(&ev, lt_timeline_time(rec),
		    s->ctx->format == LT_FMT_WIDE, s->col, &s->line);
	lt_event_release(&ev);
	free(data);
	return pass;
}

/* A write to stdout failed: 1 when its reader left, else -1. */
static int
emit_failed(struct show *s, struct lt_error *err)
{
	if (errno == EPIPE || lt_output_reader_gone(s->ctx->out))
		return 1;
	lt_error_set(err, LT_E_RUNTIME, "cannot write output: %s",
	    strerror(errno));
	return -1;
}

static int
emit(struct show *s, const char *text, struct lt_error *err)
{
	if (fputs(text, s->ctx->out) == EOF || fputc('\n', s->ctx->out) == EOF)
		return emit_failed(s, err);
	return 0;
}

/* Whether a meta record's argv ran "watch" (not "kv watch"): the first
 * command name in it. */
static bool
watch_argv(const cJSON *argv)
{
	static const char *const cmds[] = { "kv", "sub", "replay", NULL };
	const cJSON *arg;
	int i;

	cJSON_ArrayForEach(arg, argv) {
		if (!cJSON_IsString(arg))
			continue;
		if (!strcmp(arg->valuestring, "watch"))
			return true;
		for (i = 0; cmds[i]; i++)
			if (!strcmp(arg->valuestring, cmds[i]))
				return false;
	}
	return false;
}

/* A watch recording's lattice (from its meta record) and how many host
 * events it holds, for the line that says it holds none. */
static void
note_origin(struct show *s, const cJSON *rec, const char *kind)
{
	const char *subject = lt_json_str(rec, "subject");
	const char *lattice = lt_json_str(rec, "lattice");

	if (!strcmp(kind, "event") && subject &&
	    lt_str_has_prefix(subject, "wasmbus.evt."))
		s->host_events++;
	if (!strcmp(kind, "meta") && !s->watched && lattice &&
	    watch_argv(cJSON_GetObjectItem(rec, "argv")))
		s->watched = lt_xstrdup(lattice);
}

/* One "N" or "A-B" of --record into p. */
static int
add_pick(struct picks *p, const char *item, struct lt_error *err)
{
	char lo[32], *dash;

	if (p->n == MAX_PICKS)
		return lt_error_set(err, LT_E_USAGE, "--record: at most %d "
		    "numbers or ranges", MAX_PICKS);
	snprintf(lo, sizeof(lo), "%s", item);
	if ((dash = strchr(lo, '-')))
		*dash = '\0';
	if (strlen(item) >= sizeof(lo) || lt_parse_uint(lo, UINT64_MAX,
	    &p->lo[p->n], err) < 0 || lt_parse_uint(dash ? dash + 1 : lo,
	    UINT64_MAX, &p->hi[p->n], err) < 0 || p->hi[p->n] < p->lo[p->n]) {
		lt_error_clear(err);
		return lt_error_set(err, LT_E_USAGE, "--record: '%s' is not a "
		    "record number or a range A-B (A <= B)", item);
	}
	p->n++;
	return 0;
}

/* --record N[,M|A-B...] (repeatable) into s->picks. */
static int
parse_picks(struct show *s, struct lt_error *err)
{
	int i, rc = 0;

	for (i = 0; rc == 0 && i < s->o->record.n; i++) {
		char *list = lt_xstrdup(s->o->record.v[i]), *save = NULL, *item;

		for (item = strtok_r(list, ",", &save); rc == 0 && item;
		    item = strtok_r(NULL, ",", &save))
			rc = add_pick(&s->picks, item, err);
		free(list);
	}
	return rc;
}

/* Is the record's number one --record asked for (any, without it)? */
static bool
picked(const struct show *s, const cJSON *rec)
{
	double seq = lt_json_num(rec, "seq", -1);
	int i;

	for (i = 0; i < s->picks.n; i++)
		if (seq >= (double)s->picks.lo[i] && seq <= (double)s->picks.hi[i])
			return true;
	return s->picks.n == 0;
}

/* Decide and render one record. Returns 1 to stop quietly, -1 on error. */
static int
handle(struct show *s, const cJSON *rec, struct lt_error *err)
{
	const char *kind = lt_json_str(rec, "kind");
	bool nd = s->ctx->format == LT_FMT_NDJSON ||
	    s->ctx->format == LT_FMT_JSON;
	int64_t t = lt_timeline_time(rec);
	bool pass;
	int rc;

	if (!kind || !lt_timeline_known_kind(kind)) {
		s->skipped_unknown++;
		return 0;
	}
	lt_buf_reset(&s->line);
	note_origin(s, rec, kind);
	lt_filter_learn_record(s->filter, rec);	/* --for app/NAME */
	if (!picked(s, rec))
		return 0;
	if (!nd)
		lt_timeline_seq(rec, &s->line);
	if (!strcmp(kind, "event")) {
		pass = render_event(s, rec, !nd, &t);
	} else if (!strcmp(kind, "meta") || !strcmp(kind, "end")) {
		pass = nd && !s->filtered && !s->events_only;
	} else {
		pass = !s->events_only && (!s->filtered || is_frame_kind(kind) ||
		    s->picks.n);
		if (pass && !nd)
			lt_timeline_other(rec, kind, s->col, &s->line);
	}
	if (!pass)
		return 0;
	s->shown++;
	if (nd) {
		struct lt_buf text = LT_BUF_INIT;

		lt_json_print(rec, false, &text);
		rc = emit(s, lt_buf_str(&text), err);
		lt_buf_release(&text);
		return rc;
	}
	if (lt_lines_put(&s->lines, t, &s->line) ==
	    LT_WRITE_OK)
		return 0;
	return emit_failed(s, err);
}

static int
build_filter(struct show *s, struct lt_error *err)
{
	s->filter = lt_filter_create();
	s->filtered = lt_filter_opts_given(&s->o->filter);
	s->events_only = s->o->events_only;
	if (lt_filter_add_opts(s->filter, &s->o->filter, err) < 0)
		return -1;
	lt_filter_type_warnings(s->filter, lt_cmd_warn, s->ctx);
	return 0;
}

static void
summary(struct show *s, const char *path, struct lt_rec_reader *rd)
{
	if (s->bad_lines)
		fprintf(stderr, "latticectl: show: %s: %llu damaged line%s "
		    "skipped\n", path, (unsigned long long)s->bad_lines,
		    s->bad_lines == 1 ? "" : "s");
	if (s->skipped_unknown)
		fprintf(stderr, "latticectl: show: %s: %llu record%s of "
		    "unknown kind skipped\n", path,
		    (unsigned long long)s->skipped_unknown,
		    s->skipped_unknown == 1 ? "" : "s");
	if (lt_rec_reader_truncated(rd))
		fprintf(stderr, "latticectl: show: warning: %s: the last line "
		    "is truncated (the recording was cut off)\n", path);
	else if (!lt_rec_reader_complete(rd))
		fprintf(stderr, "latticectl: show: warning: %s: no end record "
		    "(the recording was interrupted)\n", path);
	if (s->watched && s->host_events == 0 && !s->ctx->cfg->quiet)
		fprintf(stderr, "latticectl: show: %s: no host published an "
		    "event on lattice '%s' while it was recorded\n", path,
		    lt_text(&s->line, s->watched));
}

static int
run_show(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct show s = { .ctx = ctx, .o = ctx->opts, .line = LT_BUF_INIT };
	struct lt_rec_reader *rd = NULL;
	struct lt_error lerr = LT_ERROR_INIT;
	enum lt_redact_mode m;
	cJSON *rec;
	int rc = 0, n;

	(void)argc;
	s.col = lt_output_colors(ctx->color_out);
	lt_lines_init(&s.lines, ctx->out, ctx->width);
	if (build_filter(&s, err) < 0 || parse_picks(&s, err) < 0 ||
	    lt_redact_mode_of(s.o->show_secrets, s.o->redact_all, &m, err) < 0)
		rc = -1;
	else if (lt_rec_reader_open(&rd, argv[0], err) < 0)
		rc = -1;
	else
		lt_rec_reader_set_redaction(rd, m);
	while (rc == 0 && (n = lt_rec_reader_next(rd, &rec, &lerr)) != 0) {
		if (n < 0) {
			s.bad_lines++;
			lt_buf_reset(&s.line);
			fprintf(stderr, "latticectl: show: warning: %s\n",
			    lt_text(&s.line, lerr.msg));
			lt_error_clear(&lerr);
			continue;
		}
		rc = handle(&s, rec, err);
		cJSON_Delete(rec);
	}
	/* Output that stopped (rc 1: the reader went away) left the rest
	 * of the file unread: nothing to say about its end. */
	if (rd && rc == 0 && (rc = lt_rec_reader_check(rd, argv[0], err)) == 0)
		summary(&s, argv[0], rd);
	lt_rec_reader_close(rd);
	lt_filter_destroy(s.filter);
	free(s.watched);
	lt_buf_release(&s.line);
	return rc < 0 ? err->code : 0;
}

const struct lt_cmd cmd_show_entry = {
	.name = "show",
	.summary = "render a recording offline, with watch's filters",
	.usage = "FILE [options]",
	.description = "Reads a recording written by watch --record, sub "
	    "--record or replay and prints it as a text timeline: events as "
	    "watch shows them, then ctl, wadm, kv, probe, phase and finding "
	    "lines, each after its record number (#N, as findings cite "
	    "evidence). Filters select events; phase, gap and finding lines "
	    "stay; --record N[,M|A-B] picks records by number. "
	    "-o ndjson re-emits the records that pass. Read-only.",
	.flags = LT_CMD_NO_LATTICE,	/* reads a recording, not a lattice */
	.formats = LT_FORMATS_STREAM & ~LT_FORMAT(LT_FMT_RAW),
	.opts = show_opts,
	LT_CMD_OPTS(struct show_opts, NULL),
	.min_args = 1,
	.max_args = 1,
	.run = run_show,
};
