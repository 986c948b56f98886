/* doctor.c: 'latticectl doctor': checks the NATS server and the lattice
 * for known hazards and prints pass/warn/fail with a one-line reason and
 * the fix: server version, JetStream, the CONFIGDATA/LATTICEDATA buckets,
 * wadm and hosts answering, each deployed app against the hosts and
 * CONFIGDATA (doctor-apps.c), wasmbus_events retention, and through the
 * server's monitoring port (--monitor) slow consumers and connections that
 * sit in a host or wadm queue group without being one (they steal
 * requests). Read-only. */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "doctor.h"
#include "latticectl/buf.h"
#include "latticectl/classify.h"
#include "latticectl/conn.h"
#include "latticectl/http.h"
#include "latticectl/json.h"
#include "latticectl/nkey.h"
#include "latticectl/req.h"
#include "latticectl/sub.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "banned.h"

#define MAX_CHECKS 32
#define MONITOR_MAX_BODY (64u << 20)
#define RETENTION_OK_NS (600LL * 1000000000LL)

struct doctor_opts {
	const char *monitor;	/* --monitor URL, or NULL */
	int64_t wait_ns;	/* --wait, LT_OPT_UNSET_NS: not given */
	const char *since;	/* --since as given, or NULL */
	int64_t since_ns;	/* parsed by check_doctor; 0: not asked */
};

static const struct doctor_opts doctor_defaults = {
	.wait_ns = LT_OPT_UNSET_NS,
};

static const struct lt_opt doctor_opts[] = {
	{ "monitor", 'm', LT_OPT_ARG, "URL",
	    "the server's HTTP monitoring endpoint (http://host:8222)", NULL,
	    LT_TO_STR(struct doctor_opts, monitor) },
	LT_CTL_WAIT_OPT(struct doctor_opts),
	{ "since", 0, LT_OPT_ARG, "DUR",
	    "fail unless wasmbus_events keeps DUR of history", NULL,
	    LT_TO_STR(struct doctor_opts, since) },
	LT_OPT_END
};

static const char *const status_names[] = { "pass", "warn", "fail", "skip" };

struct check {
	char name[96];
	enum doctor_status st;
	char reason[640];
	char fix[320];
};

struct doctor {
	struct lt_ctx *ctx;
	const struct doctor_opts *o;
	struct lt_ctl ctl;
	struct lt_classify cls;
	struct lt_ctl_hosts hosts;
	int64_t since_ns;	/* --since; 0: not asked */
	bool js;
	struct check v[MAX_CHECKS];
	int n;
};

static void
add(struct doctor *d, const char *name, enum doctor_status st, const char *fix,
    const char *fmt, ...) LT_PRINTF(5, 6);

static void
add(struct doctor *d, const char *name, enum doctor_status st, const char *fix,
    const char *fmt, ...)
{
	struct check *c;
	va_list ap;

	if (d->n == MAX_CHECKS)
		return;
	c = &d->v[d->n++];
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->st = st;
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
	snprintf(c->fix, sizeof(c->fix), "%s", fix ? fix : "");
}

/* doctor_add_fn for doctor-apps.c. */
static void
add_check(void *ud, const char *name, enum doctor_status st,
    const char *fix, const char *reason)
{
	add(ud, name, st, fix, "%s", reason);
}

static void
check_server(struct doctor *d)
{
	const struct lt_server_info *si = lt_conn_server(d->ctx->conn);
	char url[256];
	int major = 0, minor = 0;

	lt_conn_url(d->ctx->conn, url, sizeof(url));
	sscanf(si->version, "%d.%d", &major, &minor);
	if (major < 2 || (major == 2 && minor < 2))
		add(d, "server", ST_WARN, "upgrade nats-server to 2.2 or later",
		    "nats-server %s at %s is older than 2.2 (no headers, no "
		    "no-responders status)", si->version, url);
	else
		add(d, "server", ST_PASS, NULL, "nats-server %s at %s (%s)",
		    si->version, url, si->name[0] ? si->name : si->id);
	d->js = si->jetstream;
	if (d->js)
		add(d, "jetstream", ST_PASS, NULL, "enabled");
	else
		add(d, "jetstream", ST_FAIL, "start nats-server with -js (or "
		    "jetstream {} in its config)", "JetStream is disabled: hosts "
		    "keep config and links in JetStream KV, wadm its state and "
		    "event history");
}

static void
check_bucket(struct doctor *d, const char *bucket, const char *what)
{
	struct lt_error e = LT_ERROR_INIT;
	struct lt_stream_info si;
	char *stream = lt_xasprintf("KV_%s_%s", bucket, d->ctl.lattice);
	char *name = lt_xasprintf("%s_%s", bucket, d->ctl.lattice);
	int rc;

	if (!d->js) {
		add(d, name, ST_SKIP, NULL, "JetStream is disabled");
		goto out;
	}
	rc = lt_stream_info(d->ctx->conn, stream, &si, &e);
	if (rc > 0)
		add(d, name, ST_PASS, NULL, "bucket present (%llu keys and "
		    "markers)", (unsigned long long)si.msgs);
	else if (rc == 0)
		add(d, name, ST_FAIL, "start a wasmCloud host on this lattice "
		    "(it creates the bucket), or check --lattice and "
		    "--js-domain", "bucket '%s' does not exist: %s", name, what);
	else
		add(d, name, ST_FAIL, "check JetStream permissions of this user",
		    "cannot read stream '%s': %s", stream, e.msg);
out:
	free(stream);
	free(name);
}

static void
check_wadm(struct doctor *d)
{
	struct lt_buf reply = LT_BUF_INIT;
	struct lt_error e = LT_ERROR_INIT;
	char *subject = lt_xasprintf("wadm.api.%s.model.get", d->ctl.lattice);
	cJSON *doc = NULL;

	if (lt_req(d->ctx->conn, subject, "", 0, NULL, 0, &reply, &e) == 0)
		doc = cJSON_ParseWithLength(reply.buf ? reply.buf : "",
		    reply.len);
	if (doc && lt_json_str(doc, "result"))
		add(d, "wadm", ST_PASS, NULL, "wadm answers on '%s' (%d "
		    "applications)", subject, cJSON_GetArraySize(
		    cJSON_GetObjectItem(doc, "models")));
	else if (doc || reply.len)
		add(d, "wadm", ST_FAIL, "check the wadm version (0.11 or later)",
		    "'%s' answered with something that is not a wadm reply",
		    subject);
	else if (strstr(e.msg, "no responders"))
		add(d, "wadm", ST_FAIL, "start wadm for this lattice; without "
		    "it nothing reconciles applications", "no wadm is listening "
		    "on 'wadm.api.%s.>' (queue group 'wadm_server')",
		    d->ctl.lattice);
	else
		add(d, "wadm", ST_FAIL, "check wadm's logs; a passive subscriber "
		    "on wadm.api also turns 'no responders' into timeouts",
		    "'%s': %s", subject, e.msg);
	cJSON_Delete(doc);
	lt_buf_release(&reply);
	free(subject);
}

static void
check_hosts(struct doctor *d)
{
	struct lt_error e = LT_ERROR_INIT;
	struct lt_buf vers = LT_BUF_INIT;
	size_t i;

	if (lt_ctl_ping(&d->ctl, &d->hosts, &e) < 0) {
		add(d, "hosts", ST_FAIL, "check the server URL and permissions",
		    "host.ping failed: %s", e.msg);
		return;
	}
	for (i = 0; i < d->hosts.n; i++)
		if (!strstr(lt_buf_str(&vers), d->hosts.v[i].version))
			lt_buf_addf(&vers, "%s%s", vers.len ? ", " : "",
			    d->hosts.v[i].version);
	if (d->hosts.n == 0)
		add(d, "hosts", ST_FAIL, "start a wasmCloud host with "
		    "--lattice; check --ctl-prefix", "no host answered "
		    "'%s.v1.%s.host.ping'", d->ctl.prefix, d->ctl.lattice);
	else if (d->hosts.invalid + d->hosts.refused)
		add(d, "hosts", ST_WARN, "check that every host runs wasmCloud "
		    "1.x", "%zu hosts answered, %zu replies unusable (%s)",
		    d->hosts.n, d->hosts.invalid + d->hosts.refused,
		    d->hosts.problem);
	else
		add(d, "hosts", ST_PASS, NULL, "%zu host%s answered ping "
		    "(version %s)", d->hosts.n, d->hosts.n == 1 ? "" : "s",
		    vers.buf);
	lt_buf_release(&vers);
}

#define FIX_RETENTION "raise it: nats stream edit wasmbus_events --max-age " \
	"1h (wadm keeps it across restarts)"

/* A limits stream: does its max age (0: unlimited) reach --since, or
 * without it 10 minutes (a warning only)? */
static void
check_retention(struct doctor *d, const struct lt_stream_info *si)
{
	int64_t need = d->since_ns ? d->since_ns : RETENTION_OK_NS;
	char age[32], want[64] = "";

	lt_duration_format(si->max_age_ns, age, sizeof(age));
	if (d->since_ns)
		snprintf(want, sizeof(want), " %s", d->o->since);
	if (si->max_age_ns == 0 || si->max_age_ns >= need)
		add(d, "events-history", ST_PASS, NULL, "'wasmbus_events' keeps "
		    "%s (%llu events): 'watch --since%s' reaches that far",
		    si->max_age_ns ? age : "everything",
		    (unsigned long long)si->msgs, want);
	else if (d->since_ns)
		add(d, "events-history", ST_FAIL, FIX_RETENTION, "'wasmbus_events' "
		    "keeps events for %s only, less than --since%s: 'watch "
		    "--since%s' cannot reach that far back", age, want, want);
	else
		add(d, "events-history", ST_WARN, FIX_RETENTION, "'wasmbus_events' "
		    "keeps events for %s only: 'watch --since' cannot reach "
		    "further back", age);
}

/* wasmbus_events: missing is a warning, or a failure when --since asks
 * for history. */
static void
check_events(struct doctor *d)
{
	struct lt_error e = LT_ERROR_INIT;
	struct lt_stream_info si;
	enum doctor_status missing = d->since_ns ? ST_FAIL : ST_WARN;
	int rc;

	if (!d->js) {
		add(d, "events-history", ST_SKIP, NULL, "JetStream is disabled");
		return;
	}
	rc = lt_stream_info(d->ctx->conn, "wasmbus_events", &si, &e);
	if (rc < 0)
		add(d, "events-history", missing, NULL, "cannot read stream "
		    "'wasmbus_events': %s", e.msg);
	else if (rc == 0)
		add(d, "events-history", missing, "run wadm 0.13 or later",
		    "no 'wasmbus_events' stream: 'watch --since' has no history");
	else if (si.retention != LT_RETENTION_LIMITS)
		add(d, "events-history", ST_FAIL, "upgrade wadm to 0.13 or later",
		    "'wasmbus_events' is not a limits stream; reading it would "
		    "take work from wadm");
	else
		check_retention(d, &si);
}

/* A monitoring endpoint document, or NULL with a failed check added. */
static cJSON *
monitor_get(struct doctor *d, const char *base, const char *path)
{
	struct lt_http_result res;
	struct lt_error e = LT_ERROR_INIT;
	char *url = lt_xasprintf("%s%s%s", base,
	    base[strlen(base) - 1] == '/' ? "" : "/", path);
	cJSON *doc = NULL;

	memset(&res, 0, sizeof(res));
	if (lt_http_get(url, d->ctx->cfg->timeout_ns, MONITOR_MAX_BODY, &res,
	    &e) < 0)
		add(d, "monitor", ST_FAIL, "start nats-server with -m PORT "
		    "(http_port) and pass that URL", "monitoring endpoint "
		    "unreachable: %s", e.msg);
	else if (res.status != 200)
		add(d, "monitor", ST_FAIL, "pass the server's monitoring URL "
		    "(http://host:8222)", "'%s' answered HTTP %ld", url,
		    res.status);
	else if (res.truncated || !(doc = cJSON_ParseWithLength(
	    lt_buf_str(&res.body), res.body.len)) || !cJSON_IsObject(doc))
		add(d, "monitor", ST_FAIL, "pass the server's monitoring URL "
		    "(http://host:8222)", "'%s' did not answer with a JSON "
		    "document (content type '%s'%s)", url, res.content_type,
		    res.truncated ? ", too large" : "");
	if (doc && !cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		doc = NULL;
	}
	lt_http_result_release(&res);
	free(url);
	return doc;
}

static void
check_slow(struct doctor *d, const cJSON *varz)
{
	double slow = lt_json_num(varz, "slow_consumers", -1);

	if (slow < 0)
		add(d, "slow-consumers", ST_WARN, NULL, "/varz has no "
		    "'slow_consumers' count");
	else if (slow > 0)
		add(d, "slow-consumers", ST_WARN, "find the client that falls "
		    "behind (nats server report connections --sort pending); "
		    "narrow its subscriptions", "the server dropped %.0f "
		    "slow consumer%s since it started: those clients lost "
		    "messages", slow, slow == 1 ? "" : "s");
	else
		add(d, "slow-consumers", ST_PASS, NULL, "no slow consumers since "
		    "the server started");
}

/* A connection subscribed to {prefix}.v1.{L}.*.<host id> of a host that
 * answered ping, or named with that id, is that host. */
static bool
is_host_conn(const struct doctor *d, const cJSON *conn, const cJSON *subs)
{
	const char *name = lt_json_str(conn, "name");
	const cJSON *s;
	size_t i;

	for (i = 0; name && i < d->hosts.n; i++)
		if (strstr(name, d->hosts.v[i].id))
			return true;
	cJSON_ArrayForEach(s, subs) {
		const char *subj = lt_json_str(s, "subject");
		const char *last = subj ? strrchr(subj, '.') : NULL;

		if (!last || !lt_str_has_prefix(subj, d->ctl.prefix))
			continue;
		for (i = 0; i < d->hosts.n; i++)
			if (!strcmp(last + 1, d->hosts.v[i].id))
				return true;
	}
	return false;
}

/* The host id of a per-host control subject, rest being what follows
 * "{prefix}.v1.{L}.": {component,provider,label,host}.<verb>.<id>
 * (docs/protocol.md, Who answers, and in which queue group), or NULL.
 * Borrowed from rest. */
static const char *
per_host_id(const char *rest)
{
	static const char *const kinds[] = { "component.", "provider.",
	    "label.", "host." };
	const char *id;
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(kinds); i++) {
		if (!lt_str_has_prefix(rest, kinds[i]))
			continue;
		id = strchr(rest + strlen(kinds[i]), '.');
		return id && lt_nkey_is_host_id(id + 1) ? id + 1 : NULL;
	}
	return NULL;
}

/* The id of the host a connection subscribes like: {P}.host.ping and a
 * per-host subject of one host id, as every wasmCloud host does whether
 * or not it answered this ping; NULL when it does not. Borrowed from
 * subs. */
static const char *
host_like_id(const struct doctor *d, const cJSON *subs)
{
	char p[300];
	const char *id = NULL;
	bool ping = false;
	const cJSON *s;
	size_t n = (size_t)snprintf(p, sizeof(p), "%s.v1.%s.", d->ctl.prefix,
	    d->ctl.lattice);

	cJSON_ArrayForEach(s, subs) {
		const char *subj = lt_json_str(s, "subject");

		if (!subj || lt_json_str(s, "qgroup") ||
		    strncmp(subj, p, n) != 0)
			continue;
		if (!strcmp(subj + n, "host.ping"))
			ping = true;
		else if (!id)
			id = per_host_id(subj + n);
	}
	return ping ? id : NULL;
}

/* wadm: named so, or doing more than the API queue (wadm.cmd, events,
 * notify), which a bare request thief does not. */
static bool
is_wadm_conn(const cJSON *conn, const cJSON *subs)
{
	const char *name = lt_json_str(conn, "name");
	const cJSON *s;

	if (name && lt_str_icontains(name, "wadm"))
		return true;
	cJSON_ArrayForEach(s, subs) {
		const char *subj = lt_json_str(s, "subject");

		if (subj && (lt_str_has_prefix(subj, "wadm.cmd.") ||
		    lt_str_has_prefix(subj, "wadm.notify.")))
			return true;
	}
	return false;
}

/* Is this connection the legitimate owner of group g? */
static bool
owns_group(const struct doctor *d, const struct lt_queue_group *g,
    const cJSON *conn, const cJSON *subs)
{
	const char *name = lt_json_str(conn, "name");

	if (!strcmp(g->owner, "host"))
		return is_host_conn(d, conn, subs);
	if (!strcmp(g->owner, "wadm"))
		return is_wadm_conn(conn, subs);
	return name && lt_str_icontains(name, "secret");
}

/* Hosts are told apart by the hosts that answered ping: with none, a
 * member of a host group may be a host as well as a thief. */
static bool
cannot_tell(const struct doctor *d, const struct lt_queue_group *g)
{
	return d->hosts.n == 0 && !strcmp(g->owner, "host");
}

static void
add_thief(struct doctor *d, const cJSON *conn, const cJSON *s,
    const struct lt_queue_group *g)
{
	const char *name = lt_json_str(conn, "name");
	const char *ip = lt_json_str(conn, "ip");

	add(d, "queue-groups", ST_FAIL, "stop that client, or make it "
	    "subscribe without a queue group", "connection cid %.0f name "
	    "'%s' from %s:%.0f is in %s queue group '%s' (subject '%s', %.0f "
	    "messages taken) but is not a %s: it steals requests",
	    lt_json_num(conn, "cid", 0), name ? name : "", ip ? ip : "?",
	    lt_json_num(conn, "port", 0), g->owner, g->name,
	    lt_json_str(s, "subject"), lt_json_num(s, "msgs", 0), g->owner);
}

/* A member of host groups that subscribes like host id but did not
 * answer the ping: first names its first host group, of ngroups. */
static void
add_silent_host(struct doctor *d, const cJSON *conn, const char *id,
    const struct lt_queue_group *first, int ngroups)
{
	const char *name = lt_json_str(conn, "name");
	const char *ip = lt_json_str(conn, "ip");
	char more[32] = "", fix[256];

	if (ngroups > 1)
		snprintf(more, sizeof(more), " (and %d more)", ngroups - 1);
	snprintf(fix, sizeof(fix), "raise --wait; if it still does not answer, "
	    "look at host %s: it takes its share of link, claims and config "
	    "requests", id);
	add(d, "queue-groups", ST_WARN, fix, "connection cid %.0f name '%s' "
	    "from %s:%.0f in host queue group '%s'%s looks like a host that "
	    "did not answer the ping: it subscribes to host.ping and to the "
	    "subjects of host %s (not counted as a thief)",
	    lt_json_num(conn, "cid", 0), name ? name : "", ip ? ip : "?",
	    lt_json_num(conn, "port", 0), first->name, more, id);
}

/* Report one connection's queue subscriptions in groups it does not own;
 * returns how many thieves. *untold: it is in a group whose owners cannot
 * be told (cannot_tell). *silent: it looks like a host that did not
 * answer the ping (host_like_id) and is reported once as a warning. */
static int
check_conn(struct doctor *d, const cJSON *conn,
    const struct lt_queue_group *groups, size_t ngroups, bool *untold,
    bool *silent)
{
	const cJSON *subs = cJSON_GetObjectItem(conn, "subscriptions_list_detail");
	const char *like = host_like_id(d, subs);
	const struct lt_queue_group *first = NULL;
	const cJSON *s;
	size_t i;
	int found = 0, nsilent = 0;

	cJSON_ArrayForEach(s, subs) {
		const char *q = lt_json_str(s, "qgroup");

		for (i = 0; q && i < ngroups; i++) {
			if (strcmp(q, groups[i].name))
				continue;
			if (cannot_tell(d, &groups[i]))
				*untold = true;
			else if (owns_group(d, &groups[i], conn, subs))
				continue;
			else if (like && !strcmp(groups[i].owner, "host")) {
				first = first ? first : &groups[i];
				nsilent++;
			} else {
				add_thief(d, conn, s, &groups[i]);
				found++;
			}
		}
	}
	if (first)
		add_silent_host(d, conn, like, first, nsilent);
	*silent = first != NULL;
	return found;
}

static void
check_queue_groups(struct doctor *d, const cJSON *connz)
{
	struct lt_queue_group groups[LT_CLASSIFY_MAX_GROUPS];
	size_t ngroups = lt_classify_groups(&d->cls, groups, LT_CLASSIFY_MAX_GROUPS);
	const cJSON *conns = cJSON_GetObjectItem(connz, "connections"), *c;
	int found = 0, untold = 0, silent = 0, n = cJSON_GetArraySize(conns);
	double total = lt_json_num(connz, "total", n);

	cJSON_ArrayForEach(c, conns) {
		bool u = false, q = false;

		found += check_conn(d, c, groups, ngroups, &u, &q);
		untold += u;
		silent += q;
	}
	if (total > n)
		add(d, "queue-groups", ST_WARN, "run doctor against a less busy "
		    "server or raise the limit", "only %d of %.0f connections "
		    "were checked", n, total);
	if (untold)
		add(d, "queue-groups", ST_WARN, "rerun when hosts answer ping "
		    "(see the hosts check; raise --wait)", "no host answered "
		    "ping, so the %d connection%s in host queue groups cannot be "
		    "told from request thieves (not checked)", untold,
		    untold == 1 ? "" : "s");
	else if (found == 0 && silent == 0)
		add(d, "queue-groups", ST_PASS, NULL, "%d connections checked: "
		    "only hosts and wadm are in their queue groups", n);
}

static void
check_monitor(struct doctor *d, const char *base)
{
	cJSON *varz = monitor_get(d, base, "varz"), *connz = NULL;

	if (varz == NULL)
		return;
	check_slow(d, varz);
	connz = monitor_get(d, base, "connz?subs=detail&limit=100000");
	if (connz)
		check_queue_groups(d, connz);
	cJSON_Delete(varz);
	cJSON_Delete(connz);
}

/* Text after the status and name columns (29 wide), escaped (reasons
 * quote clients' names) and, on a terminal, wrapped to its width under
 * that column: a check's reason is its result, so it is not cut. */
static void
add_wrapped(const struct doctor *d, struct lt_buf *line, const char *s)
{
	struct lt_buf text = LT_BUF_INIT;

	lt_buf_add_texts(&text, s);
	if (d->ctx->width > 40)
		lt_text_wrap(line, lt_buf_str(&text), 29, 29, d->ctx->width);
	else
		lt_buf_adds(line, lt_buf_str(&text));
	lt_buf_addch(line, '\n');
	lt_buf_release(&text);
}

static int
print_text(struct doctor *d)
{
	const struct lt_colors *c = lt_output_colors(d->ctx->color_out);
	const char *col[] = { c->green, c->yellow, c->red, c->dim };
	struct lt_buf line = LT_BUF_INIT, name = LT_BUF_INIT;
	enum lt_write w = LT_WRITE_OK;
	int i;

	for (i = 0; i < d->n && w == LT_WRITE_OK; i++) {
		const struct check *k = &d->v[i];
		char st[8];

		snprintf(st, sizeof(st), "%s", status_names[k->st]);
		for (char *p = st; *p; p++)
			*p = (char)(*p - 'a' + 'A');
		lt_buf_reset(&line);
		lt_buf_addf(&line, "%s%-4s%s  %-22s ", col[k->st], st, c->reset,
		    lt_text(&name, k->name));
		add_wrapped(d, &line, k->reason);
		if (k->fix[0] && (k->st == ST_WARN || k->st == ST_FAIL)) {
			lt_buf_reset(&name);
			lt_buf_addf(&name, "fix: %s", k->fix);
			lt_buf_addf(&line, "%29s", "");
			add_wrapped(d, &line, name.buf);
		}
		w = lt_output_write(d->ctx->out, line.buf, line.len);
	}
	lt_buf_release(&line);
	lt_buf_release(&name);
	if (w == LT_WRITE_OK)
		w = lt_output_flush(d->ctx->out);
	return w == LT_WRITE_FAILED ? -1 : 0;
}

/* One check as JSON: in the document's "checks", or a line of its own
 * (with schema and lattice) under ndjson. */
static cJSON *
check_json(const struct doctor *d, int i, bool line)
{
	cJSON *o = cJSON_CreateObject();

	if (line) {
		cJSON_AddStringToObject(o, "schema", "latticectl.doctor-check/1");
		cJSON_AddStringToObject(o, "lattice", d->ctl.lattice);
	}
	cJSON_AddStringToObject(o, "check", d->v[i].name);
	cJSON_AddStringToObject(o, "status", status_names[d->v[i].st]);
	cJSON_AddStringToObject(o, "reason", d->v[i].reason);
	if (d->v[i].fix[0])
		cJSON_AddStringToObject(o, "fix", d->v[i].fix);
	return o;
}

/* Write o (taken) as one compact line. */
static enum lt_write
write_json(struct doctor *d, cJSON *o)
{
	struct lt_buf text = LT_BUF_INIT;
	enum lt_write w;

	lt_json_print(o, false, &text);
	lt_buf_addch(&text, '\n');
	w = lt_output_write(d->ctx->out, text.buf, text.len);
	lt_buf_release(&text);
	cJSON_Delete(o);
	return w;
}

/* -o json: one document (schema latticectl.doctor/1, lattice, checks,
 * summary); -o ndjson: a line per check, then a summary line. */
static int
print_json(struct doctor *d)
{
	bool nd = d->ctx->format == LT_FMT_NDJSON;
	cJSON *doc = cJSON_CreateObject(), *arr = NULL, *sum;
	int i, counts[4] = { 0, 0, 0, 0 };
	enum lt_write w = LT_WRITE_OK;

	cJSON_AddStringToObject(doc, "schema", nd ? "latticectl.doctor-summary/1" :
	    "latticectl.doctor/1");
	cJSON_AddStringToObject(doc, "lattice", d->ctl.lattice);
	if (!nd)
		arr = cJSON_AddArrayToObject(doc, "checks");
	for (i = 0; i < d->n; i++) {
		counts[d->v[i].st]++;
		if (!nd)
			cJSON_AddItemToArray(arr, check_json(d, i, false));
		else if (w == LT_WRITE_OK)
			w = write_json(d, check_json(d, i, true));
	}
	sum = cJSON_AddObjectToObject(doc, "summary");
	for (i = 0; i < 4; i++)
		cJSON_AddNumberToObject(sum, status_names[i], counts[i]);
	if (w == LT_WRITE_OK)
		w = write_json(d, doc);
	else
		cJSON_Delete(doc);
	return w == LT_WRITE_FAILED ? -1 : 0;
}

/* Usage errors before main connects; --since parsed into since_ns. */
static int
check_doctor(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct doctor_opts *o = ctx->opts;

	(void)argc;
	(void)argv;
	if (o->monitor && !lt_str_has_prefix(o->monitor, "http://") &&
	    !lt_str_has_prefix(o->monitor, "https://"))
		return lt_error_set(err, LT_E_USAGE, "--monitor '%s' is not an "
		    "http:// or https:// URL (the server's monitoring port, "
		    "http://host:8222)", o->monitor);
	if (o->since == NULL)
		return 0;
	if (lt_parse_duration(o->since, &o->since_ns, err) < 0)
		return lt_error_prefix(err, "--since");
	if (o->since_ns <= 0)
		return lt_error_set(err, LT_E_USAGE, "--since must be longer "
		    "than 0s");
	return 0;
}

static int
run_doctor(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	const struct doctor_opts *o = ctx->opts;
	struct doctor d;
	int i, fails = 0, rc;

	(void)argc;
	(void)argv;
	memset(&d, 0, sizeof(d));
	d.ctx = ctx;
	d.o = o;
	d.since_ns = o->since_ns;
	lt_ctl_init_gather(&d.ctl, ctx->conn, ctx->cfg, o->wait_ns);
	lt_classify_init(&d.cls, d.ctl.prefix, d.ctl.lattice,
	    lt_config_get(ctx->cfg, LT_S_INBOX_PREFIX));
	check_server(&d);
	check_bucket(&d, "CONFIGDATA", "hosts keep named configs there");
	check_bucket(&d, "LATTICEDATA", "hosts keep component specs and links "
	    "there");
	check_wadm(&d);
	check_hosts(&d);
	doctor_check_apps(ctx, &d.ctl, &d.hosts, add_check, &d);
	check_events(&d);
	if (o->monitor)
		check_monitor(&d, o->monitor);
	else
		add(&d, "monitor", ST_SKIP, NULL, "pass --monitor URL to check "
		    "slow consumers and queue-group thieves");
	rc = ctx->format == LT_FMT_JSON || ctx->format == LT_FMT_NDJSON ?
	    print_json(&d) : print_text(&d);
	for (i = 0; i < d.n; i++)
		fails += d.v[i].st == ST_FAIL;
	lt_ctl_hosts_release(&d.hosts);
	if (rc < 0)
		return lt_error_set(err, LT_E_RUNTIME, "cannot write output"),
		    LT_E_RUNTIME;
	if (fails && !ctx->cfg->quiet)
		fprintf(stderr, "latticectl: doctor: %d check%s failed\n", fails,
		    fails == 1 ? "" : "s");
	return fails ? LT_E_DIFF : 0;
}

const struct lt_cmd cmd_doctor_entry = {
	.name = "doctor",
	.summary = "check the lattice and the NATS server for known hazards",
	.usage = "[--monitor URL] [--wait DUR] [--since DUR] [-o text|json|ndjson]",
	.description = "Checks: server version, JetStream, CONFIGDATA and "
	    "LATTICEDATA buckets, wadm,\nhosts, each deployed app (wadm's "
	    "status against the images the hosts run\nand the configs its "
	    "manifest references), wasmbus_events retention (vs\n--since); "
	    "with --monitor also slow consumers and connections in a host or"
	    "\nwadm queue group that are not hosts or wadm (they steal "
	    "requests). Read-only.\nExit 1 when any check fails.",
	.flags = LT_CMD_CONNECT,
	.formats = LT_FORMATS_TEXT_JSON,
	.opts = doctor_opts,
	LT_CMD_OPTS(struct doctor_opts, &doctor_defaults),
	.max_args = 0,
	.check = check_doctor,
	.run = run_doctor,
};
