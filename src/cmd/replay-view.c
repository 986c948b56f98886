/* replay-view.c: what replay shows a person: the plan and what it will
 * change (the confirmation), and after the run the short timeline
 * (phases, commands, failures), the findings with their next steps and
 * a closing summary. -v prints every record instead (lt_timeline_line);
 * the recording always has everything. Lines keep to 80 columns. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "replay.h"
#include "latticectl/event.h"
#include "latticectl/json.h"
#include "latticectl/text.h"
#include "latticectl/timeline.h"
#include "latticectl/util.h"
#include "latticectl/wadm.h"
#include "banned.h"

#define COLS 80

/* ---- the plan ---- */

static const char *
ver(const struct lt_manifest *m)
{
	return m->version ? m->version : "(no version: wadm names it)";
}

static void
changes(FILE *fp, const char *from, const struct lt_manifest *a,
    const char *to, const struct lt_manifest *b)
{
	struct lt_buf out = LT_BUF_INIT, t = LT_BUF_INIT, u = LT_BUF_INIT;

	fprintf(fp, "changes from %s %s to %s %s:\n", from, lt_text(&t,
	    ver(a)), to, lt_text(&u, ver(b)));
	lt_buf_release(&t);
	lt_buf_release(&u);
	if (lt_manifest_diff(a, b, "  ", &out) == 0)
		fprintf(fp, "  none in images, configs, secrets, links or "
		    "scalers\n");
	else
		fputs(out.buf, fp);
	lt_buf_release(&out);
}

/* What wadm holds of the app now, when it was asked. */
static void
now(struct replay *r, FILE *fp)
{
	struct lt_buf t = LT_BUF_INIT, st = LT_BUF_INIT;
	const cJSON *v;
	int i = 0, n;

	if (!r->stored) {
		fprintf(fp, "  now: %s\n", r->o->dry_run ?
		    "not asked (--dry-run connects to nothing)" :
		    "unknown (wadm did not answer model.versions)");
		return;
	}
	fprintf(fp, "  now: %s", lt_text(&t, r->new->name));
	if (r->deployed)
		fprintf(fp, " %s is deployed (status %s);\n       wadm stores",
		    lt_text(&t, r->deployed), r->status_now ?
		    lt_text(&st, r->status_now) : "unknown");
	else
		fprintf(fp, " is not deployed; wadm stores");
	n = cJSON_GetArraySize(r->stored);
	fprintf(fp, "%s", n == 0 ? " no version\n" : "");
	cJSON_ArrayForEach(v, r->stored)	/* the last 3 */
		if (i++ >= n - 3)
			fprintf(fp, "%s %s", i > n - 2 && i > 1 ? "," : "",
			    lt_text(&t, v->valuestring));
	if (n > 0)
		fprintf(fp, "%s\n", n > 3 ? " (the last 3 of them)" : "");
	lt_buf_release(&st);
	lt_buf_release(&t);
}

void
replay_plan(struct replay *r, FILE *fp)
{
	struct lt_buf n = LT_BUF_INIT, v = LT_BUF_INIT;
	char wait[32], settle[32];

	lt_duration_format(r->wait_ns, wait, sizeof(wait));
	lt_duration_format(r->settle_ns, settle, sizeof(settle));
	fprintf(fp, "replay plan on lattice %s:\n", r->lattice);
	now(r, fp);
	fprintf(fp, "  1. record events, ctl, wadm, CONFIGDATA_%s; baseline "
	    "checkpoint\n", r->lattice);
	fprintf(fp, "  2. put and deploy OLD as %s %s;\n     wait up to %s "
	    "for deployed/failed (--wait), settle %s, checkpoint\n",
	    lt_text(&n, r->old->name), lt_text(&v, ver(r->old)), wait, settle);
	fprintf(fp, "  3. put and deploy NEW as %s %s; the same\n",
	    lt_text(&n, r->new->name), lt_text(&v, ver(r->new)));
	fprintf(fp, "  4. findings against NEW\n");
	lt_buf_release(&n);
	lt_buf_release(&v);
	if (r->current)
		changes(fp, "the deployed", r->current, "OLD", r->old);
	changes(fp, "OLD", r->old, "NEW", r->new);
}

/* ---- the short timeline ---- */

/* " key=value", the value escaped; ids of hosts (56 characters) cut to
 * their first 8, image references to their last 28 ("…tail"). */
static void
field(struct lt_buf *b, const char *key, const cJSON *v)
{
	static const char *const labels[][2] = { { "component_id",
	    "component" }, { "provider_id", "provider" }, { "config_name",
	    "config" }, { "host_id", "host" }, { "reference", "image" },
	    { "new_reference", "image" }, { "source_id", "source" },
	    { "max_instances", "max" } };
	size_t i;

	struct lt_buf t = LT_BUF_INIT;
	const char *s;
	size_t n;

	if (!v || cJSON_IsNull(v) || cJSON_IsObject(v) || cJSON_IsArray(v))
		return;
	lt_json_scalar_text(v, &t);
	s = lt_buf_str(&t);
	n = strlen(s);
	for (i = 0; i < LT_ARRAY_SIZE(labels); i++)
		if (!strcmp(key, labels[i][0]))
			key = labels[i][1];
	/* a host id: its first 8 */
	lt_buf_add_field(b, key, s, !strcmp(key, "host") && n == 56 ? 8 : n);
	lt_buf_release(&t);
}

static void
fields(struct lt_buf *b, const cJSON *obj)
{
	static const char *const keys[] = { "component_id", "provider_id",
	    "config_name", "source_id", "target", "count", "max_instances",
	    "reference", "new_reference", "host_id", NULL };
	int i;

	for (i = 0; keys[i]; i++)
		field(b, keys[i], cJSON_GetObjectItemCaseSensitive(obj,
		    keys[i]));
}

/* The operation of a wadm API subject and its app: "model.deploy APP". */
static void
wadm_op(struct lt_buf *b, const char *subject)
{
	const char *op = subject ? strstr(subject, ".model.") : NULL;
	const char *app = op ? strchr(op + 7, '.') : NULL;

	if (!op)
		lt_buf_add_texts(b, subject);
	else if (!app)
		lt_buf_add_texts(b, op + 1);
	else {
		lt_buf_add_text(b, op + 1, (size_t)(app - op - 1));
		lt_buf_addch(b, ' ');
		lt_buf_add_texts(b, app + 1);
	}
}

static bool
read_only_op(const char *subject)
{
	static const char *const ro[] = { ".model.status", ".model.get",
	    ".model.versions", ".model.list", NULL };
	int i;

	for (i = 0; subject && ro[i]; i++)
		if (strstr(subject, ro[i]))
			return true;
	return false;
}

/* One wadm API request: the operation, the app, the version put or
 * deployed (read-only ones are not shown). */
static bool
wadm_request(struct lt_buf *b, const cJSON *rec)
{
	const char *subject = lt_json_str(rec, "subject");
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(rec, "payload");
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(p, "metadata");
	const char *v = lt_json_str(p, "version");

	if (read_only_op(subject))
		return false;
	wadm_op(b, subject);
	if (md) {
		lt_buf_adds(b, " ");
		lt_buf_add_texts(b, lt_json_str(md, "name"));
		v = lt_json_str(cJSON_GetObjectItemCaseSensitive(md,
		    "annotations"), "version");
	}
	if (v) {
		lt_buf_adds(b, " ");
		lt_buf_add_texts(b, v);
	}
	if (!lt_json_str(rec, "from"))
		lt_buf_adds(b, " (not latticectl's)");
	return true;
}

/* A wadm reply that is not a read's plain "ok"/"success". */
static bool
wadm_reply(struct lt_buf *b, const cJSON *rec)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(rec, "payload");
	const char *res = lt_json_str(p, "result");
	const char *msg = lt_json_str(p, "message");
	const char *req = lt_json_str(rec, "request_subject");
	const char *op = req ? strstr(req, ".model.") : NULL;

	if (!res || !strcmp(res, "ok") || !strcmp(res, "success"))
		return false;
	lt_buf_adds(b, "  -> ");
	if (op) {
		lt_buf_add_text(b, op + 1, strcspn(op + 7, ".") + 6);
		lt_buf_adds(b, ": ");
	}
	lt_buf_add_texts(b, res);
	if (strcmp(res, "created") && strcmp(res, "newversion") &&
	    strcmp(res, "acknowledged") && msg) {
		lt_buf_adds(b, ": ");
		lt_buf_add_texts(b, msg);
	}
	return true;
}

/* "wadm.status APP TYPE message" */
static bool
status_line(struct lt_buf *b, const cJSON *rec, const cJSON *p)
{
	const char *subject = lt_json_str(rec, "subject");
	const char *app = subject ? strrchr(subject, '.') : NULL;
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(p, "status");

	lt_buf_adds(b, "wadm.status ");
	lt_buf_add_texts(b, app ? app + 1 : "?");
	lt_buf_adds(b, " ");
	lt_buf_add_texts(b, lt_wadm_status_type(p) ? lt_wadm_status_type(p) :
	    "?");
	field(b, "message", cJSON_GetObjectItemCaseSensitive(st, "message"));
	return true;
}

/* An event as watch shows it, its type column not padded. */
static bool
event_line(struct lt_buf *b, const cJSON *rec, const struct lt_colors *c)
{
	struct lt_event ev;
	char *data;
	bool show;

	if (!lt_timeline_event(rec, &ev, &data))
		return false;
	show = strcmp(ev.type, "host_heartbeat") &&
	    strcmp(ev.type, "health_check_passed") &&
	    strcmp(ev.type, "health_check_status");
	if (show) {
		size_t at = b->len, i, o;

		lt_event_format_text(&ev, lt_timeline_time(rec), false, c, b);
		/* no time column (14 bytes), no padding before the fields */
		for (i = at + 14, o = at; i < b->len; i++)
			if (!(b->buf[i] == ' ' && i + 1 < b->len &&
			    b->buf[i + 1] == ' ' && !memchr(b->buf + at, '=',
			    i - at)))
				b->buf[o++] = b->buf[i];
		b->len = o;
		b->buf[o] = '\0';
	}
	lt_event_release(&ev);
	free(data);
	return show;
}

/* The short line of rec into b (after "#SEQ "), or false to leave it
 * out: heartbeats, health checks, reads and polls (ctl requests),
 * inventories and snapshots. */
static bool
short_line(struct lt_buf *b, const cJSON *rec, const char *kind)
{
	const struct lt_colors *plain = lt_output_colors(false);
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(rec, "payload");

	if (!strcmp(kind, "event"))
		return event_line(b, rec, plain);
	if (!strcmp(kind, "wadm.request"))
		return wadm_request(b, rec);
	if (!strcmp(kind, "wadm.reply"))
		return wadm_reply(b, rec);
	if (!strcmp(kind, "wadm.cmd") && cJSON_IsObject(p) && p->child) {
		lt_buf_adds(b, "cmd ");
		lt_buf_add_texts(b, p->child->string);
		fields(b, p->child);
		return true;
	}
	if (!strcmp(kind, "ctl.reply") && cJSON_IsFalse(
	    cJSON_GetObjectItemCaseSensitive(p, "success"))) {
		lt_buf_adds(b, "ctl reply: error ");
		field(b, "to", cJSON_GetObjectItemCaseSensitive(rec,
		    "request_subject"));
		field(b, "message", cJSON_GetObjectItemCaseSensitive(p,
		    "message"));
		return true;
	}
	if (!strcmp(kind, "kv") && strcmp(lt_json_str(rec, "op") ?
	    lt_json_str(rec, "op") : "put", "put")) {
		lt_buf_adds(b, "kv");
		field(b, "op", cJSON_GetObjectItemCaseSensitive(rec, "op"));
		field(b, "key", cJSON_GetObjectItemCaseSensitive(rec, "key"));
		return true;
	}
	if (!strcmp(kind, "wadm.status"))
		return status_line(b, rec, p);
	if (!strcmp(kind, "probe")) {
		lt_buf_adds(b, "probe");
		field(b, "status", cJSON_GetObjectItemCaseSensitive(rec,
		    "http_status"));
		field(b, "body", cJSON_GetObjectItemCaseSensitive(rec, "body"));
		field(b, "error", cJSON_GetObjectItemCaseSensitive(rec, "error"));
		return true;
	}
	if (!strcmp(kind, "phase")) {
		char t[32];

		lt_buf_adds(b, "== ");
		lt_buf_add_texts(b, lt_json_str(rec, "phase"));
		if (lt_json_str(rec, "app")) {
			lt_buf_adds(b, ": ");
			lt_buf_add_texts(b, lt_json_str(rec, "app"));
			lt_buf_adds(b, lt_json_str(rec, "version") ? " " : "");
			lt_buf_add_texts(b, lt_json_str(rec, "version"));
		}
		field(b, "error", cJSON_GetObjectItemCaseSensitive(rec, "error"));
		lt_time_format_short(lt_timeline_time(rec), t, sizeof(t));
		lt_buf_addf(b, " at %.8s", t);
		return true;
	}
	if (!strcmp(kind, "gap")) {
		lt_timeline_other(rec, kind, plain, b);
		return true;
	}
	return false;
}

/* Every record, as -v asks (the timeline of the recording). */
static void
full(struct replay *r, const struct lt_colors *col)
{
	struct lt_buf line = LT_BUF_INIT;
	const cJSON *rec;

	cJSON_ArrayForEach(rec, r->recs) {
		lt_buf_reset(&line);
		lt_timeline_line(rec, col, &line);
		fprintf(r->ctx->out, "%s\n", line.buf);
	}
	lt_buf_release(&line);
}

/* The short timeline: "#SEQ " and a short line per record that tells
 * the story, cut to COLS; findings after it. */
static void
brief(struct replay *r, const struct lt_colors *col)
{
	struct lt_buf line = LT_BUF_INIT;
	const cJSON *rec;
	bool any = false;

	cJSON_ArrayForEach(rec, r->recs) {
		const char *kind = lt_json_str(rec, "kind");

		lt_buf_reset(&line);
		lt_buf_addf(&line, "#%-4.0f ", lt_json_num(rec, "seq", 0));
		if (!kind || !strcmp(kind, "finding") ||
		    !short_line(&line, rec, kind))
			continue;
		lt_text_fit_values(&line, 0, COLS);
		if (!strcmp(kind, "phase"))
			fprintf(r->ctx->out, "%s%s%s\n", col->bold, line.buf,
			    col->reset);
		else
			fprintf(r->ctx->out, "%s\n", line.buf);
	}
	cJSON_ArrayForEach(rec, r->recs)
		if (!strcmp(lt_json_str(rec, "kind") ? lt_json_str(rec, "kind") :
		    "", "finding")) {
			if (!any)
				fprintf(r->ctx->out, "findings:\n");
			any = true;
			lt_timeline_finding_print(r->ctx->out, rec, r->path,
			    col, COLS);
		}
	lt_buf_release(&line);
}

void
replay_print(struct replay *r)
{
	const struct lt_colors *col = lt_output_colors(r->ctx->color_out);

	if (r->ctx->cfg->verbose)
		full(r, col);
	else
		brief(r, col);
}

/* The closing lines: the verdict and the files written. */
void
replay_summary(struct replay *r, int rc, int nerr)
{
	struct lt_buf t = LT_BUF_INIT, v = LT_BUF_INIT;
	const cJSON *rec;
	int nwarn = 0;
	FILE *fp = r->ctx->out;

	cJSON_ArrayForEach(rec, r->recs) {
		const char *kind = lt_json_str(rec, "kind");

		if (kind && !strcmp(kind, "finding") && lt_json_str(rec,
		    "severity") && strcmp(lt_json_str(rec, "severity"), "error"))
			nwarn++;
	}
	if (rc == 0)
		fprintf(fp, "summary: %d error%s, %d warning%s against %s %s\n",
		    nerr, nerr == 1 ? "" : "s", nwarn, nwarn == 1 ? "" : "s",
		    lt_text(&t, r->new->name), lt_text(&v, ver(r->new)));
	else
		fprintf(fp, "summary: the replay stopped (see the error "
		    "below)\n");
	fprintf(fp, "  recording: %s%s\n", lt_text(&t, r->path),
	    r->ctx->cfg->verbose ? "" : " (every record: latticectl show FILE)");
	fprintf(fp, "  report:    latticectl report %s -f issue.md\n",
	    lt_text(&t, r->path));
	lt_buf_release(&t);
	lt_buf_release(&v);
}
