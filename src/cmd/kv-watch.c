/* kv-watch.c: 'latticectl kv watch [KEY-GLOB]': live put/delete/purge of
 * a bucket, read from its stream through an ordered consumer that starts
 * after the last revision (so a reconnect resumes where it stopped and
 * the gap is shown, not hidden), as text lines or kv records. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kv.h"
#include "latticectl/feed.h"
#include "latticectl/gap.h"
#include "latticectl/rec.h"
#include "latticectl/sig.h"
#include "latticectl/sub.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "banned.h"

static const struct lt_opt watch_opts[] = {
	KV_BUCKET_OPT,
	{ "count", 'n', LT_OPT_ARG, "N", "exit after N changes", NULL },
	{ "idle", 0, LT_OPT_ARG, "DUR", "exit after DUR without changes", NULL },
	{ "record", 0, LT_OPT_ARG, "FILE", "write a recording (kv records)",
	    NULL },
	KV_REDACT_OPTS,
	LT_OPT_END
};

struct kvw {
	struct lt_ctx *ctx;
	struct kv_target t;
	const char *glob;
	struct lt_feed *feed;
	struct lt_sub *sub;
	struct lt_rec *rec, *nd;
	struct lt_gap_tracker gt;
	const struct lt_colors *col;
	uint64_t max_count, shown, gaps;
	int64_t idle_ns, last_msg;
	size_t prefix_len;	/* "$KV.<bucket>." */
	bool done, stdout_closed;
	struct lt_buf line, fields;
	struct lt_lines lines;		/* text output */
	struct lt_error werr;
};

static void
write_failed(struct kvw *w, bool to_stdout)
{
	if (to_stdout && (errno == EPIPE || lt_output_reader_gone(w->ctx->out)))
		w->stdout_closed = true;	/* reader went away: quietly done */
	else if (w->werr.code == LT_OK)
		lt_error_set(&w->werr, LT_E_RUNTIME, "cannot write %s: %s",
		    to_stdout ? "output" : "recording", strerror(errno));
	w->done = true;
}

/* Write w->fields: a kv record's value was redacted in the writers' mode
 * as the entry was built (lt_snapshot_add); a gap holds no payload. */
static void
record(struct kvw *w, const char *kind, int64_t t)
{
	if (w->nd && lt_rec_write(w->nd, kind, t, w->fields.buf,
	    w->fields.len, NULL) == 0)
		write_failed(w, true);
	if (w->rec && lt_rec_write(w->rec, kind, t, w->fields.buf,
	    w->fields.len, NULL) == 0)
		write_failed(w, false);
}

/* w->line, showing the time t_ns, on stdout (text formats). */
static void
emit_text(struct kvw *w, int64_t t_ns)
{
	if (w->nd)
		return;
	if (lt_lines_put(&w->lines, t_ns, &w->line) != LT_WRITE_OK)
		write_failed(w, true);
}

static void
on_gap(struct kvw *w, const struct lt_gap *g)
{
	w->gaps++;
	lt_buf_reset(&w->fields);
	lt_gap_format_fields(g, true, &w->fields);
	record(w, "gap", g->t_ns);
	lt_buf_reset(&w->line);
	lt_gap_format_text(g, true, w->col, &w->line);
	emit_text(w, g->t_ns);
}

static void
change_fields(struct kvw *w, const struct lt_kv_entry *e,
    const struct lt_snapshot_entry *se)
{
	char t[48];

	lt_time_format(e->created_ns, t, sizeof(t));
	lt_buf_reset(&w->fields);
	lt_buf_adds(&w->fields, "\"bucket\":");
	lt_buf_add_json_str(&w->fields, w->t.bucket, strlen(w->t.bucket));
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
	emit_text(w, e->created_ns);
}

static void
on_change(struct kvw *w, const struct lt_msg *m)
{
	const char *op = lt_msg_header(m, "KV-Operation");
	struct lt_snapshot s = LT_SNAPSHOT_INIT;
	struct lt_snapshot_entry *se;
	struct lt_kv_entry e = LT_KV_ENTRY_INIT;

	if (strlen(m->subject) <= w->prefix_len)
		return;
	e.key = (char *)m->subject + w->prefix_len;
	if (w->glob && !lt_glob_match(w->glob, e.key))
		return;
	e.op = lt_kv_op_from_header(op);
	e.revision = m->stream_seq;
	e.created_ns = m->stream_ns ? m->stream_ns : m->recv_ns;
	s.redaction = w->t.mode;
	se = lt_snapshot_add(&s, e.key, strlen(e.key), e.revision,
	    e.created_ns, e.op, m->data, (size_t)m->len);
	change_fields(w, &e, se);
	record(w, "kv", e.created_ns);
	if (w->ctx->format != LT_FMT_NDJSON)
		change_text(w, &e, se);
	lt_snapshot_release(&s);
	w->shown++;
	if (w->max_count && w->shown >= w->max_count)
		w->done = true;
}

static void
flush_all(struct kvw *w)
{
	if (w->nd && lt_rec_flush(w->nd) < 0)
		write_failed(w, true);
	if (!w->nd && lt_output_flush(w->ctx->out) != LT_WRITE_OK)
		write_failed(w, true);
	if (w->rec && lt_rec_flush(w->rec) < 0)
		write_failed(w, false);
}

static void
on_item(struct kvw *w, struct lt_item *it)
{
	struct lt_gap g;

	if (it->kind == LT_ITEM_MSG) {
		w->last_msg = lt_mono_ns();
		on_change(w, &it->msg);
	} else if (it->kind == LT_ITEM_CLOSED) {
		w->done = true;
	} else if (lt_gap_on_item(&w->gt, it, &g)) {
		on_gap(w, &g);
	} else if (it->kind == LT_ITEM_DISCONNECTED && !w->ctx->cfg->quiet) {
		fprintf(stderr, "latticectl: kv watch: disconnected from %s, "
		    "reconnecting\n", it->detail);
	}
	if (it->backlog == 0)
		flush_all(w);
}

static void
loop(struct kvw *w)
{
	struct lt_item it;
	int rc;

	while (!w->done) {
		rc = lt_feed_next(w->feed, w->idle_ns ? w->last_msg + w->idle_ns :
		    0, &it);
		if (rc < 0)
			break;	/* a signal: drain and exit 0 */
		if (rc == 0) {
			if (w->last_msg + w->idle_ns <= lt_mono_ns())
				break;
			continue;
		}
		on_item(w, &it);
		lt_item_release(&it);
	}
	flush_all(w);
}

static int
open_outputs(struct kvw *w, struct lt_error *err)
{
	struct lt_ctx *ctx = w->ctx;
	const char *path = lt_args_get(ctx->args, "record");

	if (ctx->format == LT_FMT_NDJSON) {
		w->nd = lt_rec_open_fp(ctx->out);
		lt_rec_set_autoflush(w->nd, false);
		lt_rec_set_redaction(w->nd, w->t.mode);
		if (lt_rec_write_meta(w->nd, ctx->orig_argc, ctx->orig_argv,
		    lt_conn_server(ctx->conn), w->t.lattice, NULL, NULL) == 0)
			write_failed(w, true);
	}
	if (path) {
		if (lt_rec_open(&w->rec, path, w->t.mode, err) < 0)
			return -1;
		lt_rec_set_autoflush(w->rec, false);
		if (lt_rec_write_meta(w->rec, ctx->orig_argc, ctx->orig_argv,
		    lt_conn_server(ctx->conn), w->t.lattice, NULL, err) == 0)
			return -1;
	}
	return 0;
}

/* Start right after the bucket's last revision. */
static int
subscribe(struct kvw *w, struct lt_kv *kv, struct lt_error *err)
{
	struct lt_stream_start st = { NULL, NULL, 0, 0, false };
	char *stream = lt_xasprintf("KV_%s", w->t.bucket);
	char *filter = lt_xasprintf("$KV.%s.>", w->t.bucket);
	struct lt_kv_info info;
	int rc = lt_kv_info(kv, &info, err);

	st.stream = stream;
	st.filter = filter;
	st.start_seq = info.last_seq + 1;
	w->prefix_len = strlen(filter) - 1;
	if (rc == 0)
		rc = lt_sub_open_stream(&w->sub, w->ctx->conn, &st, w->feed, 0, 0,
		    err);
	if (rc == 0)
		rc = lt_conn_flush(w->ctx->conn, err);
	if (rc == 0 && w->ctx->cfg->verbose)	/* tests wait for this */
		fprintf(stderr, "latticectl: kv watch: subscribed to %s after "
		    "revision %llu\n", w->t.bucket,
		    (unsigned long long)info.last_seq);
	free(stream);
	free(filter);
	return rc;
}

static int
setup(struct kvw *w, struct lt_error *err)
{
	struct lt_ctx *ctx = w->ctx;
	struct lt_kv *kv = NULL;
	int rc;

	if (kv_target_parse(ctx, &w->t, err) < 0 ||
	    lt_args_uint(ctx->args, "count", UINT64_MAX, &w->max_count, err) < 0 ||
	    lt_args_duration(ctx->args, "idle", &w->idle_ns, err) < 0)
		return -1;	/* usage errors */
	w->col = lt_output_colors(ctx->color_out && ctx->format <= LT_FMT_WIDE);
	if (kv_target_open(ctx, &w->t, &kv, err) < 0)
		return -1;
	w->feed = lt_feed_create(4096);
	w->last_msg = lt_mono_ns();
	lt_conn_set_feed(ctx->conn, w->feed);
	lt_sig_set_feed(w->feed);
	rc = open_outputs(w, err);
	if (rc == 0)
		rc = subscribe(w, kv, err);
	lt_kv_close(kv);
	return rc;
}

static void
teardown(struct kvw *w, int rc)
{
	lt_sig_set_feed(NULL);
	if (w->feed)
		lt_feed_close(w->feed);
	lt_sub_close(w->sub);
	if (w->ctx->conn)
		lt_conn_set_feed(w->ctx->conn, NULL);
	lt_feed_destroy(w->feed);
	lt_rec_close(w->rec, NULL, NULL);
	if (w->nd && rc == 0 && !w->stdout_closed)
		lt_rec_close(w->nd, NULL, NULL);
	else
		lt_rec_abandon(w->nd);
	lt_buf_release(&w->line);
	lt_buf_release(&w->fields);
}

static int
run_watch(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct kvw w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	lt_lines_init(&w.lines, ctx->out, ctx->width);
	w.glob = argc > 0 ? argv[0] : NULL;
	rc = setup(&w, err) < 0 ? err->code : 0;
	if (rc == 0)
		loop(&w);
	if (rc == 0 && w.werr.code != LT_OK) {
		*err = w.werr;
		rc = err->code;
	}
	if (rc == 0 && !ctx->cfg->quiet)
		fprintf(stderr, "latticectl: kv watch: %llu change%s, %llu gap%s\n",
		    (unsigned long long)w.shown, w.shown == 1 ? "" : "s",
		    (unsigned long long)w.gaps, w.gaps == 1 ? "" : "s");
	teardown(&w, rc);
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
	.max_args = 1,
	.arg_values = LT_VALUES_KEYS,
	.run = run_watch,
};
