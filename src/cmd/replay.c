/* replay.c: 'latticectl replay OLD NEW': deploy OLD then NEW through wadm
 * while recording events, control-interface traffic (paired with its
 * replies), wadm commands and status, CONFIGDATA changes, and at each
 * checkpoint host inventories, the referenced configs and an HTTP probe;
 * then evaluate the findings (findings.h) against NEW. Records are made
 * in replay-capture.c, the preflight and checkpoints in replay-check.c. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "replay.h"
#include "latticectl/findings.h"
#include "latticectl/json.h"
#include "latticectl/sig.h"
#include "latticectl/export.h"
#include "latticectl/timeline.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "latticectl/wadm.h"
#include "banned.h"

static const char *const suffix_choices[] = { "auto", NULL };

static const struct replay_opts replay_defaults = {
	.wait_ns = 120000000000LL,
	.settle_ns = 3000000000LL,
};

static const struct lt_opt replay_opts[] = {
	{ "probe", 0, LT_OPT_ARG, "URL", "HTTP GET after each phase", NULL,
	    LT_TO_STR(struct replay_opts, probe) },
	{ "wait", 0, LT_OPT_ARG, "DUR",
	    "wait up to DUR for each deploy to be deployed or failed (2m)",
	    NULL, LT_TO_DURATION(struct replay_opts, wait_ns) },
	{ "settle", 0, LT_OPT_ARG, "DUR",
	    "keep recording after each deploy settles (3s)", NULL,
	    LT_TO_DURATION(struct replay_opts, settle_ns) },
	{ "version-suffix", 0, LT_OPT_ARG, "SUFFIX",
	    "deploy OLD and NEW as VERSION-SUFFIX; auto: -r2, -r3... when "
	    "wadm stores the versions already", suffix_choices,
	    LT_TO_STR(struct replay_opts, version_suffix) },
	{ "record", 0, LT_OPT_ARG, "FILE",
	    "recording (replay-<app>-<time>.ltrec)", NULL,
	    LT_TO_STR(struct replay_opts, record) },
	{ "dry-run", 0, 0, NULL, "print the plan, send nothing", NULL,
	    LT_TO_FLAG(struct replay_opts, dry_run) },
	{ "yes", 'y', 0, NULL, "do not ask before deploying (required "
	    "without a terminal)", NULL, LT_TO_FLAG(struct replay_opts, yes) },
	CMD_OTLP_OPT_TO(struct replay_opts),
	{ "show-secrets", 0, 0, NULL, LT_REDACT_SHOW_HELP, NULL,
	    LT_TO_FLAG(struct replay_opts, show_secrets) },
	LT_OPT_END
};

/* One wadm API call of latticectl's own: the wadm.api subscription
 * records it (body included) and its reply, marked as latticectl's. */
static int
wadm(struct replay *r, enum lt_wadm_op op, const char *name,
    const char *body, size_t len, cJSON **out, struct lt_error *err)
{
	char *subject = lt_wadm_subject(r->lattice, op, name);

	replay_expect_subject(r, subject);
	free(subject);
	return lt_wadm_call(r->ctx->conn, r->lattice, op, name, body, len, 0,
	    out, err);
}

/* --otlp-endpoint: the phase that ended as the one at seq began, read
 * back from the recording (flushed, under the session's lock, so no
 * record is half written) and exported; after a failure, everything goes
 * at the end. */
static void
export_phase(struct replay *r, uint64_t seq)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_otlp_source src;
	struct lt_otlp_array a;
	cJSON *recs;
	int rc = -1;

	if (r->otlp_from == 0 || r->otlp_later || !cmd_otlp_readable(r->path)) {
		r->otlp_from = r->otlp_from ? r->otlp_from : seq;
		return;
	}
	lt_session_lock(r->s);
	lt_session_flush(r->s);
	recs = cmd_read_records(r->ctx, r->path, LT_REDACT_SECRETS, &err);
	lt_session_unlock(r->s);
	lt_otlp_source_array(&src, &a, recs);
	if (recs)
		rc = cmd_otlp_export(r->ctx, r->otlp, &src, r->otlp_from, seq,
		    &err);
	cJSON_Delete(recs);
	if (rc == 0) {
		r->otlp_from = seq;
		return;
	}
	r->otlp_later = true;
	fprintf(stderr, "latticectl: replay: warning: %s; trying again when "
	    "the replay ends\n", err.msg);
}

/* Before a phase begins, the observed copies of the replies latticectl
 * already has are recorded, so that they stay in the phase of their
 * request (a live OTLP export sends each phase as the next begins). A
 * marker that does not come back is left to the next wait to explain. */
static void
sync_observed(struct replay *r)
{
	struct lt_error err = LT_ERROR_INIT;
	char *prefix;

	if (r->s == NULL)
		return;
	prefix = lt_xasprintf("%s.latticectl-sync", lt_config_get(r->ctx->cfg,
	    LT_S_INBOX_PREFIX));
	(void)lt_session_sync(r->s, prefix, lt_mono_ns() +
	    r->ctx->cfg->timeout_ns, &err);
	free(prefix);
}

static void
phase(struct replay *r, const char *name, const struct lt_manifest *m)
{
	cJSON *f = cJSON_CreateObject();
	uint64_t seq, events;

	sync_observed(r);
	r->phase = name;
	cJSON_AddStringToObject(f, "phase", name);
	if (m) {	/* what this phase puts and deploys */
		cJSON_AddStringToObject(f, "app", m->name);
		if (m->version)
			cJSON_AddStringToObject(f, "version", m->version);
	}
	seq = replay_note(r, "phase", f);
	if (r->otlp && seq)
		export_phase(r, seq);
	lt_session_lock(r->s);
	events = r->events;
	lt_session_unlock(r->s);
	if (!r->ctx->cfg->quiet)
		fprintf(stderr, "latticectl: replay: %s: starts at %.1fs, "
		    "%llu event%s so far\n", name,
		    (double)(lt_mono_ns() - r->t0) / 1e9,
		    (unsigned long long)events, events == 1 ? "" : "s");
}

/* Record what comes for ns (0: what is queued now): the session handles
 * connection notices (gaps) here, messages on the delivery thread. -1
 * with err when the replay cannot go on (lt_session_pump: the connection
 * closed, a signal, the recording). */
static int
wait_ns(struct replay *r, int64_t ns, struct lt_error *err)
{
	return lt_session_pump(r->s, lt_mono_ns() + ns, err) < 0 ? -1 : 0;
}

/* Gaps recorded so far. */
static uint64_t
gaps(struct replay *r)
{
	struct lt_session_stats st;

	lt_session_lock(r->s);
	lt_session_stats(r->s, &st);
	lt_session_unlock(r->s);
	return st.gaps;
}

/* After a failure or at a checkpoint: while the connection is down, the
 * replay cannot go on; say so (exit 3) instead of blaming wadm for the
 * requests that went unanswered. */
static int
check_conn(struct replay *r, int rc, struct lt_error *err)
{
	struct lt_error e = LT_ERROR_INIT;
	int64_t since;

	if (wait_ns(r, 0, &e) < 0 && rc == 0) {
		*err = e;
		rc = -1;
	}
	if ((since = lt_session_disconnected_at(r->s)) == 0)
		return rc;
	return lt_error_set(err, LT_E_CONNECT, "lost the connection to %s; "
	    "not reconnected within %.1fs", r->lost,
	    (double)(lt_now_ns() - since) / 1e9);
}

/* model.put m; a version wadm stores already (put there since the
 * preflight looked) is said as the preflight says it. */
static int
put(struct replay *r, const struct lt_manifest *m, struct lt_error *err)
{
	char *text = lt_json_print_kept(m->doc, false);
	int rc = wadm(r, LT_WADM_PUT, NULL, text, strlen(text), NULL, err);

	cJSON_free(text);
	if (rc < 0 && m->version && strstr(err->msg, "already exists")) {
		lt_error_clear(err);
		replay_stored_error(r, m->version, err);
	}
	return rc;
}

/* wadm's status of m every half second (letting wadm start acting
 * before the first read) until deployed or failed, or deadline; its
 * last word in type. A status lost with the connection is asked again
 * while a server may still take it back (--timeout). */
static int
await_status(struct replay *r, const struct lt_manifest *m, int64_t deadline,
    char *type, size_t len, struct lt_error *err)
{
	cJSON *st = NULL;
	uint64_t before;
	int64_t since;
	int rc = 0;

	while (rc == 0 && lt_mono_ns() < deadline) {
		before = gaps(r);
		if ((rc = wait_ns(r, 500000000LL, err)) < 0)
			break;
		cJSON_Delete(st);
		st = NULL;
		rc = wadm(r, LT_WADM_STATUS, m->name, "", 0, &st, err);
		if (wait_ns(r, 0, err) < 0) {
			rc = -1;
			break;
		}
		since = lt_session_disconnected_at(r->s);
		if (rc < 0 && (gaps(r) != before || since)) {
			if (since && lt_now_ns() - since >
			    r->ctx->cfg->timeout_ns)
				break;
			rc = 0;
			continue;
		}
		if (rc < 0)
			break;
		snprintf(type, len, "%s", lt_wadm_status_type(st) ?
		    lt_wadm_status_type(st) : "unknown");
		if (!strcmp(type, "deployed") || !strcmp(type, "failed"))
			break;
	}
	cJSON_Delete(st);
	return rc;
}

/* Neither deployed nor failed within --wait: said, and the replay goes
 * on. */
static void
still(struct replay *r, const struct lt_manifest *m, const char *type)
{
	struct lt_buf app = LT_BUF_INIT;	/* the manifest's, */
	struct lt_buf word = LT_BUF_INIT;	/* wadm's word */
	char d[32];

	lt_duration_format(r->wait_ns, d, sizeof(d));
	lt_buf_add_texts(&app, m->name);
	lt_buf_adds(&app, " ");
	lt_buf_add_texts(&app, m->version);
	fprintf(stderr, "latticectl: replay: %s: still %s after --wait %s; "
	    "going on (a longer --wait gives wadm more time)\n", app.buf,
	    lt_text(&word, type), d);
	lt_buf_release(&app);
	lt_buf_release(&word);
}

/* put + deploy m, wait for deployed/failed or --wait, settle,
 * checkpoint. */
static int
deploy(struct replay *r, const char *name, const struct lt_manifest *m,
    struct lt_error *err)
{
	struct lt_buf body = LT_BUF_INIT;
	int64_t deadline = lt_mono_ns() + r->wait_ns;
	char type[32] = "";
	int rc;

	phase(r, name, m);
	rc = put(r, m, err);
	if (m->version)
		lt_buf_addf(&body, "{\"version\":\"%s\"}", m->version);
	if (rc == 0)
		rc = wadm(r, LT_WADM_DEPLOY, m->name, body.buf ? body.buf : "{}",
		    body.len ? body.len : 2, NULL, err);
	lt_buf_release(&body);
	if (rc == 0)
		rc = await_status(r, m, deadline, type, sizeof(type), err);
	if (check_conn(r, rc, err) < 0)
		return lt_error_prefix(err, "during %s", name);
	if (strcmp(type, "deployed") && strcmp(type, "failed"))
		still(r, m, type);
	if ((rc = wait_ns(r, r->settle_ns, err)) == 0)
		replay_checkpoint(r, m);
	if (check_conn(r, rc, err) < 0)
		return lt_error_prefix(err, "during %s checkpoint", name);
	return 0;
}

/* The records from the last phase on, with the probe before it. */
static cJSON *
last_phase(struct replay *r)
{
	cJSON *out = cJSON_CreateArray(), *rec, *start = NULL, *probe = NULL;

	cJSON_ArrayForEach(rec, r->recs)
		if (!strcmp(lt_json_str(rec, "kind"), "phase"))
			start = rec;
	for (rec = r->recs->child; rec && rec != start; rec = rec->next)
		if (!strcmp(lt_json_str(rec, "kind"), "probe"))
			probe = rec;
	if (probe)
		cJSON_AddItemToArray(out, cJSON_Duplicate(probe, 1));
	for (rec = start; rec; rec = rec->next)
		cJSON_AddItemToArray(out, cJSON_Duplicate(rec, 1));
	return out;
}

/* The findings engine over the window: OLD then NEW as the app's
 * versions, every record fed, then settled (latticectl-replay(1)). */
static cJSON *
findings_of(struct replay *r, const cJSON *window, int *nerr)
{
	struct lt_findings *e = lt_findings_new(NULL);
	const cJSON *rec;
	cJSON *list;

	lt_findings_add_manifest(e, r->old);
	lt_findings_add_manifest(e, r->new);
	cJSON_ArrayForEach(rec, window)
		lt_findings_feed(e, rec, NULL);
	lt_findings_settle(e, NULL);
	list = lt_findings_list(e);
	*nerr = lt_findings_errors(e);
	lt_findings_free(e);
	return list;
}

static int
evaluate(struct replay *r)
{
	cJSON *window, *list, *fi;
	int nerr = 0;

	lt_session_lock(r->s);
	window = last_phase(r);
	lt_session_unlock(r->s);
	list = findings_of(r, window, &nerr);
	cJSON_Delete(window);
	cJSON_ArrayForEach(fi, list) {	/* one app: no app, no subject */
		cJSON_DeleteItemFromObjectCaseSensitive(fi, "app");
		cJSON_DeleteItemFromObjectCaseSensitive(fi, "subject");
		replay_note(r, "finding", cJSON_Duplicate(fi, 1));
	}
	cJSON_Delete(list);
	return nerr;
}

/* --version-suffix: auto, or what a version may end with. */
static int
check_suffix(const char *s, struct lt_error *err)
{
	size_t n = s ? strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.") : 0;

	if (!s || (*s && !s[n] && n <= 32))
		return 0;
	return lt_error_set(err, LT_E_USAGE, "--version-suffix: '%s' is not "
	    "auto or up to 32 letters, digits and dots", s);
}

static int
load(struct replay *r, char **argv, struct lt_error *err)
{
	if (lt_manifest_read(argv[0], &r->old, err) < 0 ||
	    lt_manifest_read(argv[1], &r->new, err) < 0)
		return -1;
	if (strcmp(r->old->name, r->new->name))
		return lt_error_set(err, LT_E_USAGE, "OLD is application '%s' "
		    "but NEW is '%s': replay upgrades one application",
		    r->old->name, r->new->name);
	return 0;
}

/* Usage errors before anything is read or sent. */
static int
check_replay(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	const struct replay_opts *o = ctx->opts;

	(void)argc;
	(void)argv;
	return check_suffix(o->version_suffix, err);
}

/* A deploy needs --yes, or a yes on a terminal (latticectl-replay(1);
 * docs/architecture.md, Errors and exit codes): without a terminal to ask
 * on, nothing is sent and the user is told to pass --yes (exit 2). */
static int
can_confirm(struct replay *r, struct lt_error *err)
{
	if (r->o->yes || (isatty(STDIN_FILENO) &&
	    isatty(STDERR_FILENO)))
		return 0;
	return lt_error_set(err, LT_E_USAGE, "replay deploys to lattice "
	    "'%s' and there is no terminal to confirm on; pass --yes "
	    "(or --dry-run)", r->lattice);
}

/* The plan, what is deployed now and what will change, then the
 * question (after can_confirm and the read-only preflight). */
static int
confirm(struct replay *r, struct lt_error *err)
{
	char answer[16] = "";

	if (r->o->yes)
		return 0;
	replay_plan(r, stderr);
	fprintf(stderr, "deploy to lattice %s? [y/N] ", r->lattice);
	if (fgets(answer, sizeof(answer), stdin) && (answer[0] == 'y' ||
	    answer[0] == 'Y'))
		return 0;
	return lt_error_set(err, LT_E_USAGE, "not confirmed; nothing sent");
}

/* The recording (--record, or a name of the app and the time) and the
 * session that writes it, subscribed. */
static int
open_record(struct replay *r, struct lt_error *err)
{
	const char *path = r->o->record;
	char *def = NULL, ts[40];
	int rc;

	if (!path) {
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
		path = def = lt_xasprintf("replay-%s-%s.ltrec", r->new->name, ts);
	}
	r->path = lt_xstrdup(path);
	free(def);
	rc = replay_open_session(r, r->path, err);
	if (r->recording && !r->ctx->cfg->quiet)
		fprintf(stderr, "latticectl: replay: recording to %s\n",
		    r->path);
	return rc;
}

/* A replay that failed after the recording began: say why in it (a gap
 * for an outage not over, a phase "aborted" record, no end record) and
 * where it is. */
static void
aborted(struct replay *r, const struct lt_error *err)
{
	cJSON *f = cJSON_CreateObject();
	struct lt_gap g = { "disconnected", 0, 0, 0, "" };
	int64_t since = lt_session_disconnected_at(r->s);

	if (since) {
		g.t_ns = lt_now_ns();
		g.duration_ns = g.t_ns - since;
		snprintf(g.detail, sizeof(g.detail), "%.140s; not reconnected",
		    r->lost);
		replay_record_gap(r, &g);
	}

	cJSON_AddStringToObject(f, "phase", "aborted");
	cJSON_AddStringToObject(f, "error", err->msg);
	replay_note(r, "phase", f);
	fprintf(stderr, "latticectl: replay: the recording up to the failure "
	    "is %s (no end record)\n", r->path);
}

/* Connect, check the lattice and what wadm holds of the app (read-only),
 * settle the versions, ask; then open the recording and the session. */
static int
start(struct replay *r, struct lt_error *err)
{
	struct lt_ctx *ctx = r->ctx;
	int rc;

	fprintf(stderr, "latticectl: replay: note: while latticectl "
	    "observes request subjects, a request nobody serves times "
	    "out instead of failing fast with 'no responders'\n");
	rc = lt_ctx_connect(ctx, err);
	if (rc == 0) {
		lt_ctl_init(&r->ctl, ctx->conn, lt_config_get(ctx->cfg,
		    LT_S_CTL_PREFIX), r->lattice);
		r->ctl.gather_ns = 1000000000LL;	/* ping window */
		r->t0 = lt_mono_ns();
		rc = replay_preflight(r, err);
	}
	if (rc == 0) {
		replay_current(r);
		rc = replay_versions(r, err);
	}
	if (rc == 0 && *r->suffix && !ctx->cfg->quiet) {
		struct lt_buf t = LT_BUF_INIT;	/* the manifests' texts */

		lt_buf_add_texts(&t, r->new->name);
		lt_buf_adds(&t, " ");
		lt_buf_add_texts(&t, r->old->version ? r->old->version :
		    "(no version)");
		lt_buf_adds(&t, " and ");
		lt_buf_add_texts(&t, r->new->version ? r->new->version :
		    "(no version)");
		fprintf(stderr, "latticectl: replay: deploying as %s "
		    "(--version-suffix %s)\n", t.buf, r->o->version_suffix);
		lt_buf_release(&t);
	}
	if (rc == 0)
		rc = confirm(r, err);
	if (rc == 0)
		rc = open_record(r, err);
	return rc;
}

/* Close the session (the recording's end record only after a replay
 * that completed), print the timeline. */
static void
finish(struct replay *r, int rc)
{
	replay_close_session(r, rc);
	if (r->recording)
		replay_print(r);
	lt_kv_close(r->kv);
}

/* The replay itself: baseline, OLD, NEW, findings (*nerr errors). */
static int
live(struct replay *r, int *nerr, struct lt_error *err)
{
	int rc = start(r, err);

	if (rc == 0) {
		phase(r, "baseline", NULL);
		replay_checkpoint(r, r->new);
		rc = deploy(r, "deploy-old", r->old, err);
	}
	if (rc == 0)
		rc = deploy(r, "deploy-new", r->new, err);
	if (rc == 0)
		*nerr = evaluate(r);
	else if (r->s)
		aborted(r, err);
	finish(r, rc);
	if (r->recording)
		replay_summary(r, rc, *nerr);
	return rc;
}

static int
run_replay(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct lt_otlp_target ot = LT_OTLP_TARGET_INIT;
	const struct replay_opts *o = ctx->opts;
	struct replay r;
	int rc, nerr = 0, otlp;

	(void)argc;
	memset(&r, 0, sizeof(r));
	r.ctx = ctx;
	r.o = o;
	r.settle_ns = o->settle_ns;
	r.wait_ns = o->wait_ns;
	r.lattice = lt_config_get(ctx->cfg, LT_S_LATTICE);
	snprintf(r.inbox, sizeof(r.inbox), "%s.>", lt_config_get(ctx->cfg,
	    LT_S_INBOX_PREFIX));
	r.recs = cJSON_CreateArray();
	r.redact = o->show_secrets ? LT_REDACT_NONE : LT_REDACT_SECRETS;
	r.observe = lt_observe_create(r.inbox, ctx->cfg->timeout_ns,
	    r.redact);
	rc = (otlp = cmd_otlp_target(o->otlp_endpoint, &ot, err)) < 0 ? -1 :
	    load(&r, argv, err);
	r.otlp = otlp > 0 ? &ot : NULL;
	if (rc == 0 && o->dry_run &&
	    (rc = replay_versions(&r, err)) == 0)	/* offline: the suffix */
		replay_plan(&r, ctx->out);
	else if (rc == 0 && (rc = can_confirm(&r, err)) == 0)
		rc = live(&r, &nerr, err);
	if (otlp > 0 && r.recording && !o->dry_run)
		rc = cmd_otlp_after(ctx, &ot, r.path, r.otlp_from, rc < 0 ? -1 :
		    nerr ? 1 : 0, err) < 0 ? -1 : rc;	/* findings still count */
	lt_otlp_target_release(&ot);
	cJSON_Delete(r.recs);
	lt_observe_destroy(r.observe);
	cJSON_Delete(r.stored);
	free(r.deployed);
	free(r.status_now);
	lt_manifest_destroy(r.current);
	free(r.path);
	lt_manifest_destroy(r.old);
	lt_manifest_destroy(r.new);
	if (rc < 0)	/* stopped by a signal: 130, as a second one exits */
		return lt_sig_count() > 0 ? 130 : err->code;
	return nerr ? LT_E_DIFF : 0;
}

const struct lt_cmd cmd_replay_entry = {
	.name = "replay",
	.summary = "replay a manifest upgrade through wadm, recording it, "
	    "and report findings",
	.usage = "OLD.yaml NEW.yaml [options]",
	.description = "Deploys OLD then NEW through wadm while recording "
	    "events, control-interface requests and replies, wadm commands "
	    "and status and CONFIGDATA changes; checkpoints inventories, "
	    "configs and --probe after each phase; prints the phases, "
	    "commands and failures (-v: every record), the findings with "
	    "their next steps and the files written. Exit 1 when a finding "
	    "is an error. Changes the lattice (shows what deploys now and "
	    "what will change, and asks first on a tty).",
	.flags = LT_CMD_WRITES,
	.formats = LT_FORMAT(LT_FMT_TEXT),	/* the timeline; --record for more */
	.opts = replay_opts,
	LT_CMD_OPTS(struct replay_opts, &replay_defaults),
	.min_args = 2,
	.max_args = 2,
	.check = check_replay,
	.run = run_replay,
};
