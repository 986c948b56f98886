/* kv-watch.c: 'latticectl kv watch [KEY-GLOB]': live put/delete/purge of
 * a bucket, read from its stream through an ordered consumer that starts
 * after the last revision (so a reconnect resumes where it stopped and
 * the gap is shown, not hidden), as text lines or kv records. */
#include <stdio.h>
#include <string.h>

#include "kv.h"
#include "latticectl/session.h"
#include "latticectl/sub.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "banned.h"

static const struct lt_opt watch_opts[] = {
	KV_OPT_BUCKET,
	{ "count", 'n', LT_OPT_ARG, "N", "exit after N changes", NULL,
	    LT_TO_UINT(struct kv_opts, count, UINT64_MAX) },
	{ "idle", 0, LT_OPT_ARG, "DUR", "exit after DUR without changes", NULL,
	    LT_TO_DURATION(struct kv_opts, idle_ns) },
	{ "record", 0, LT_OPT_ARG, "FILE", "write a recording (kv records)",
	    NULL, LT_TO_STR(struct kv_opts, record) },
	KV_OPTS_REDACT,
	LT_OPT_END
};

struct kvw {
	struct lt_ctx *ctx;
	const struct kv_opts *o;
	const struct kv_target *t;
	const char *glob;
	struct lt_session *s;
	const struct lt_colors *col;
	size_t prefix_len;	/* "$KV.<bucket>." */
	struct lt_buf line, fields;
};

static void
change_fields(struct kvw *w, const struct lt_kv_entry *e,
    const struct lt_snapshot_entry *se)
{
	char t[48];

	lt_time_format(e->created_ns, t, sizeof(t));
	lt_buf_reset(&w->fields);
	lt_buf_adds(&w->fields, "\"bucket\":");
	lt_buf_add_json_str(&w->fields, w->t->bucket, strlen(w->t->bucket));
	lt_buf_adds(&w->fields, ",\"key\":");
	lt_buf_add_json_str(&w->fields, e->key, strlen(e->key));
	lt_buf_addf(&w->fields, ",\"op\":\"%s\",\"revision\":%llu,\"created\":"
	    "\"%s\"", lt_kv_op_name(e->op), (unsigned long long)e->revision, t);
	if (se->value) {
		lt_buf_addch(&w->fields, ',');
		lt_snapshot_value_json(se, &w->fields);
	}
}

static void
change_text(struct kvw *w, const struct lt_kv_entry *e,
    const struct lt_snapshot_entry *se)
{
	const char *color = e->op == LT_KV_PUT ? w->col->green : w->col->red;
	char t[16];

	lt_time_format_short(e->created_ns, t, sizeof(t));
	lt_buf_reset(&w->line);
	lt_buf_addf(&w->line, "%s  %s%-6s%s  ", t, color,
	    lt_kv_op_name(e->op), w->col->reset);
	lt_buf_add_texts(&w->line, e->key);
	lt_buf_addf(&w->line, "  rev %llu", (unsigned long long)e->revision);
	if (se->value) {
		lt_buf_adds(&w->line, "  ");
		lt_snapshot_value_text(se, false, &w->line);
	}
	lt_session_line(w->s, e->created_ns, &w->line);
}

/* A change, its value already redacted by the session (by its key's
 * name: lt_redact_kv_value). */
static bool
on_change(void *ud, struct lt_session *ss, struct lt_msg *m)
{
	struct kvw *w = ud;
	const char *op = lt_msg_header(m, "KV-Operation");
	struct lt_snapshot s = LT_SNAPSHOT_INIT;
	struct lt_snapshot_entry *se;
	struct lt_kv_entry e = LT_KV_ENTRY_INIT;

	if (strlen(m->subject) <= w->prefix_len)
		return false;
	e.key = (char *)m->subject + w->prefix_len;
	if (w->glob && !lt_glob_match(w->glob, e.key))
		return false;
	e.op = lt_kv_op_from_header(op);
	e.revision = m->stream_seq;
	e.created_ns = m->stream_ns ? m->stream_ns : m->recv_ns;
	s.redaction = w->t->mode;
	s.redacted = m->redacted;
	se = lt_snapshot_add(&s, e.key, strlen(e.key), e.revision,
	    e.created_ns, e.op, m->data, (size_t)m->len);
	change_fields(w, &e, se);
	lt_session_write(ss, "kv", e.created_ns, &w->fields);
	if (w->ctx->format != LT_FMT_NDJSON)
		change_text(w, &e, se);
	lt_snapshot_release(&s);
	lt_session_shown(ss);
	return false;
}

/* Start right after the bucket's last revision. */
static int
setup(struct kvw *w, struct lt_error *err)
{
	struct lt_ctx *ctx = w->ctx;
	struct lt_session_config sc = LT_SESSION_CONFIG_INIT;
	struct lt_session_source src = { LT_SOURCE_KV, 0, NULL, NULL, 0, 0 };
	struct lt_kv *kv = NULL;

	w->col = lt_output_colors(ctx->color_out && ctx->format <= LT_FMT_WIDE);
	if (kv_target_open(ctx, w->t, &kv, err) < 0)
		return -1;
	lt_kv_close(kv);
	sc.name = "kv watch";
	sc.ud = w;
	sc.redact = w->t->mode;
	sc.on_msg = on_change;
	sc.max_count = w->o->count;
	sc.idle_ns = w->o->idle_ns;
	sc.notices = ctx->cfg->quiet ? NULL : stderr;
	src.stream = w->t->bucket;
	w->prefix_len = strlen("$KV.") + strlen(w->t->bucket) + 1;
	if (lt_session_create(&w->s, ctx->conn, &sc, err) < 0 ||
	    lt_session_add(w->s, &src, err) < 0 ||
	    lt_session_open_outputs(w->s, ctx->out, ctx->format, w->col,
	    ctx->width, w->o->record, ctx->orig_argc,
	    ctx->orig_argv, w->t->lattice, err) < 0 ||
	    lt_session_start(w->s, err) < 0)
		return -1;
	if (ctx->cfg->verbose)	/* tests wait for this */
		fprintf(stderr, "latticectl: kv watch: subscribed to %s after "
		    "revision %llu\n", w->t->bucket, (unsigned long long)
		    lt_session_stream_info(w->s, 0)->last_seq);
	return 0;
}

static int
run_watch(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct lt_session_stats st;
	struct kvw w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	w.o = ctx->opts;
	w.t = &w.o->t;
	w.glob = argc > 0 ? argv[0] : NULL;
	rc = setup(&w, err) < 0 ? err->code : 0;
	if (rc == 0 && lt_session_run(w.s, err) < 0)
		rc = err->code;
	if (rc == 0 && !ctx->cfg->quiet) {
		lt_session_stats(w.s, &st);
		fprintf(stderr, "latticectl: kv watch: %llu change%s, %llu gap%s\n",
		    (unsigned long long)st.shown, st.shown == 1 ? "" : "s",
		    (unsigned long long)st.gaps, st.gaps == 1 ? "" : "s");
	}
	lt_session_close(w.s, rc, NULL, NULL);
	lt_buf_release(&w.line);
	lt_buf_release(&w.fields);
	return rc;
}

const struct lt_cmd cmd_kv_watch = {
	.name = "watch",
	.summary = "follow puts, deletes and purges live",
	.usage = "[KEY-GLOB] [--bucket BUCKET] [--count N] [--idle DUR] [--record FILE]",
	.description = "Reads the bucket's stream through an ordered consumer "
	    "starting after its last\nrevision; KEY-GLOB ('*', '?', '[...]') "
	    "filters keys. Read-only.",
	.formats = LT_FORMATS_STREAM & ~LT_FORMAT(LT_FMT_RAW),
	.opts = watch_opts,
	KV_CMD_OPTS,
	.max_args = 1,
	.arg_values = LT_VALUES_KEYS,
	.run = run_watch,
};
