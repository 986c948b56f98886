/* replay-check.c: replay's preflight (JetStream, hosts, wadm) and its
 * checkpoints: host inventories, CONFIGDATA (the whole bucket, and the
 * configs the manifest references), the probe. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "replay.h"
#include "latticectl/buf.h"
#include "latticectl/http.h"
#include "latticectl/json.h"
#include "latticectl/snapshot.h"
#include "latticectl/sub.h"
#include "latticectl/util.h"
#include "latticectl/wadm.h"
#include "banned.h"

static void
inventories(struct replay *r)
{
	struct lt_ctl_hosts hosts;
	struct lt_error e = LT_ERROR_INIT;
	cJSON *f;
	size_t i;

	replay_expect_mine(r, "host.ping");
	if (lt_ctl_ping(&r->ctl, &hosts, &e) < 0)
		return;
	for (i = 0; i < hosts.n; i++) {
		char *tail = lt_xasprintf("host.get.%s", hosts.v[i].id);
		struct lt_ctl_reply rep = LT_CTL_REPLY_INIT;

		replay_expect_mine(r, tail);
		if (lt_ctl_request(&r->ctl, tail, "", 0, &rep, &e) == 0) {
			f = cJSON_CreateObject();
			cJSON_AddStringToObject(f, "host", hosts.v[i].id);
			cJSON_AddItemToObject(f, "payload", rep.response);
			rep.response = NULL;
			replay_note(r, "inventory", f);
		}
		lt_ctl_reply_release(&rep);
		free(tail);
	}
	lt_ctl_hosts_release(&hosts);
}

/* The referenced configs and, with the bucket, its state at one point. */
struct snap {
	struct lt_snapshot s;	/* the bucket walked (empty without it) */
	cJSON *entries, *deleted;
};

/* A put's value as "entries" holds it: JSON as JSON, the mask of a value
 * masked whole, text as a string; nothing for other bytes. */
static void
add_value(cJSON *o, const struct lt_snapshot_entry *e)
{
	struct lt_buf b = LT_BUF_INIT;
	cJSON *v = NULL;

	if (e->enc == LT_KV_ENC_JSON)
		v = lt_json_parse(e->value, e->value_len);
	else if (e->enc == LT_KV_ENC_REDACTED)
		v = cJSON_CreateString(e->value);
	else if (e->enc == LT_KV_ENC_BASE64 && lt_base64_decode(e->value,
	    e->value_len, &b) == 0 && lt_is_text(lt_buf_str(&b), b.len))
		v = cJSON_CreateString(lt_buf_str(&b));
	if (v)
		cJSON_AddItemToObject(o, "value", v);
	lt_buf_release(&b);
}

/* One referenced config into the snapshot: from the bucket walked, its
 * revision and value ({"revision","value"} in entries, a delete or purge
 * marker in deleted); without the bucket, only whether a host says it
 * exists. */
static void
snapshot_config(struct replay *r, struct snap *sn, const char *name)
{
	const struct lt_snapshot_entry *e;
	struct lt_error err = LT_ERROR_INIT;
	cJSON *o;
	char *tail;

	if (cJSON_GetObjectItemCaseSensitive(sn->entries, name) ||
	    cJSON_GetObjectItemCaseSensitive(sn->deleted, name))
		return;
	if (!r->kv) {
		tail = lt_xasprintf("config.get.%s", name);
		replay_expect_mine(r, tail);
		free(tail);
		if (lt_ctl_config_exists(&r->ctl, name, &err) == 1)
			cJSON_AddTrueToObject(sn->entries, name);
		return;
	}
	if (!(e = lt_snapshot_find(&sn->s, name)))
		return;
	o = cJSON_AddObjectToObject(e->op == LT_KV_PUT ? sn->entries :
	    sn->deleted, name);
	cJSON_AddNumberToObject(o, "revision", (double)e->revision);
	if (e->op != LT_KV_PUT)
		cJSON_AddStringToObject(o, "op", lt_kv_op_name(e->op));
	else
		add_value(o, e);
}

static void
snapshot_configs(struct replay *r, struct snap *sn,
    const struct lt_manifest_configs *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		snapshot_config(r, sn, c->v[i].stored_name);
}

/* The members of a 'kv snapshot' header that say where and when. */
static void
add_header(cJSON *f, const struct lt_snapshot *s)
{
	cJSON *srv = cJSON_AddObjectToObject(f, "server");
	char t[48];

	cJSON_AddStringToObject(srv, "id", s->server_id);
	cJSON_AddStringToObject(srv, "name", s->server_name);
	cJSON_AddStringToObject(srv, "version", s->server_version);
	lt_time_format(s->taken_ns, t, sizeof(t));
	cJSON_AddStringToObject(f, "taken", t);
	cJSON_AddNumberToObject(f, "duration_ms", (double)s->duration_ns / 1e6);
	cJSON_AddNumberToObject(f, "stream_last_seq",
	    (double)s->stream_last_seq);
	cJSON_AddNumberToObject(f, "revision", (double)s->revision);
	cJSON_AddNumberToObject(f, "keys", (double)s->n);
}

/* Every key, as a snapshot file's entry lines hold it. */
static void
add_contents(cJSON *f, const struct lt_snapshot *s)
{
	struct lt_buf b = LT_BUF_INIT;
	size_t i;

	lt_buf_addch(&b, '[');
	for (i = 0; i < s->n; i++) {
		lt_buf_adds(&b, i ? ",{" : "{");
		lt_snapshot_entry_json(&s->v[i], &b);
		lt_buf_addch(&b, '}');
	}
	lt_buf_addch(&b, ']');
	cJSON_AddItemToObject(f, "contents", lt_json_parse(b.buf, b.len));
	lt_buf_release(&b);
}

/* Read the whole bucket as 'kv snapshot' does, values redacted in the
 * recording's mode; a failed read leaves sn->s empty and says why. */
static void
walk_bucket(struct replay *r, struct snap *sn, cJSON *f)
{
	struct lt_kv_walk walk = { 0, 0, false, NULL, NULL };
	struct lt_error err = LT_ERROR_INIT;

	sn->s.redaction = r->redact;
	if (lt_kv_snapshot(r->kv, &walk, &sn->s, &err) == 0) {
		add_header(f, &sn->s);
		return;
	}
	lt_snapshot_release(&sn->s);
	cJSON_AddStringToObject(f, "error", err.msg);
}

/* CONFIGDATA now: the configs m references (entries, deleted) and, when
 * the bucket exists, all of it as 'kv snapshot' records it. */
static void
snapshot(struct replay *r, const struct lt_manifest *m)
{
	struct snap sn = { LT_SNAPSHOT_INIT, NULL, cJSON_CreateObject() };
	cJSON *f = cJSON_CreateObject();
	char *b = lt_xasprintf("CONFIGDATA_%s", r->lattice);
	size_t i, j;

	cJSON_AddStringToObject(f, "bucket", b);
	if (!r->kv) {	/* hosts create it; it may come later */
		struct lt_error e = LT_ERROR_INIT;

		lt_kv_open(&r->kv, r->ctx->conn, b, NULL, &e);
	}
	free(b);
	if (r->kv)
		walk_bucket(r, &sn, f);
	sn.entries = cJSON_AddObjectToObject(f, "entries");
	for (i = 0; i < m->ncomponents; i++) {
		const struct lt_manifest_component *c = &m->components[i];

		snapshot_configs(r, &sn, &c->config);
		for (j = 0; j < c->nlinks; j++) {
			snapshot_configs(r, &sn, &c->links[j].source_config);
			snapshot_configs(r, &sn, &c->links[j].target_config);
		}
	}
	if (sn.deleted->child)
		cJSON_AddItemToObject(f, "deleted", sn.deleted);
	else
		cJSON_Delete(sn.deleted);
	if (r->kv && !cJSON_GetObjectItemCaseSensitive(f, "error"))
		add_contents(f, &sn.s);
	lt_snapshot_release(&sn.s);
	replay_note(r, "snapshot", f);
}

static void
probe(struct replay *r)
{
	const char *url = r->o->probe;
	struct lt_error e = LT_ERROR_INIT;
	struct lt_http_result res;
	cJSON *f;

	if (!url)
		return;
	f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "url", url);
	memset(&res, 0, sizeof(res));
	if (lt_http_get(url, 2000000000LL, 4096, &res, &e) == 0) {
		cJSON_AddNumberToObject(f, "http_status", (double)res.status);
		cJSON_AddStringToObject(f, "body", res.body.buf ? res.body.buf :
		    "");
		cJSON_AddNumberToObject(f, "time_ms", (double)res.total_ns / 1e6);
		lt_http_result_release(&res);
	} else {
		cJSON_AddNumberToObject(f, "http_status", 0);
		cJSON_AddStringToObject(f, "body", "");
		cJSON_AddStringToObject(f, "error", e.msg);
	}
	replay_note(r, "probe", f);
}

/* Inventories of every host, the target's configs, the probe. */
void
replay_checkpoint(struct replay *r, const struct lt_manifest *m)
{
	inventories(r);
	snapshot(r, m);
	probe(r);
}

/* JetStream answers for this account: hosts keep configs and links in
 * it, wadm its state. Asked of the account, not read from the server's
 * INFO: a cluster node without JetStream still reaches the others'. */
static int
preflight_jetstream(struct replay *r, struct lt_error *err)
{
	struct lt_stream_info si;
	char *stream = lt_xasprintf("KV_CONFIGDATA_%s", r->lattice);
	int rc = lt_stream_info(r->ctx->conn, stream, &si, err);

	free(stream);
	if (rc >= 0)
		return 0;
	if (err->code == LT_E_RUNTIME)
		return lt_error_set(err, LT_E_RUNTIME, "JetStream is not enabled "
		    "on this server or account: wasmCloud hosts and wadm need "
		    "it (start nats-server with -js)");
	return lt_error_prefix(err, "JetStream check");
}

/* JetStream is on, hosts answer ping, wadm answers its API (its answer
 * is the app's status now). */
int
replay_preflight(struct replay *r, struct lt_error *err)
{
	struct lt_ctl_hosts hosts;
	cJSON *reply = NULL;
	struct lt_error e = LT_ERROR_INIT;
	size_t n;

	if (preflight_jetstream(r, err) < 0 ||
	    lt_ctl_ping(&r->ctl, &hosts, err) < 0)
		return -1;
	n = hosts.n;
	lt_ctl_hosts_release(&hosts);
	if (n == 0)
		return lt_error_set(err, LT_E_TIMEOUT, "no host answers ping on "
		    "lattice %s", r->lattice);
	if (lt_wadm_call(r->ctx->conn, r->lattice, LT_WADM_STATUS,
	    r->new->name, "", 0, 0, &reply, &e) < 0 && e.code == LT_E_TIMEOUT)
		return lt_error_set(err, LT_E_TIMEOUT, "wadm is not running on "
		    "lattice %s", r->lattice);
	if (lt_wadm_status_type(reply))
		r->status_now = lt_xstrdup(lt_wadm_status_type(reply));
	cJSON_Delete(reply);
	return 0;
}

/* The manifest of the version deployed now (model.get, read-only). */
static void
read_current(struct replay *r)
{
	struct lt_error e = LT_ERROR_INIT;
	cJSON *reply = NULL;
	char *doc;

	if (lt_wadm_get_version(r->ctx->conn, r->lattice, r->new->name,
	    r->deployed, &reply, &e) == 0 &&
	    cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(reply,
	    "manifest"))) {
		doc = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(
		    reply, "manifest"));
		if (lt_manifest_parse(doc, strlen(doc), "the deployed manifest",
		    &r->current, &e) < 0)
			r->current = NULL;
		cJSON_free(doc);
	}
	cJSON_Delete(reply);
}

/* What wadm holds of the app now (model.versions, model.get; read-only):
 * the versions it stores, the deployed one and its manifest. Nothing
 * when wadm does not say (an older wadm): model.put then decides. */
void
replay_current(struct replay *r)
{
	struct lt_error e = LT_ERROR_INIT;
	cJSON *reply = NULL, *v;

	if (lt_wadm_call(r->ctx->conn, r->lattice, LT_WADM_VERSIONS,
	    r->new->name, "", 0, 0, &reply, &e) < 0)
		return;
	r->stored = cJSON_CreateArray();
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(reply,
	    "versions")) {
		const char *name = lt_json_str(v, "version");

		if (!name)
			continue;
		cJSON_AddItemToArray(r->stored, cJSON_CreateString(name));
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v,
		    "deployed"))) {
			free(r->deployed);
			r->deployed = lt_xstrdup(name);
		}
	}
	cJSON_Delete(reply);
	if (r->deployed)
		read_current(r);
}

/* Does wadm store version (of the app) already? */
static bool
stored(const struct replay *r, const char *version)
{
	const cJSON *v;

	cJSON_ArrayForEach(v, r->stored)
		if (version && cJSON_IsString(v) && !strcmp(v->valuestring,
		    version))
			return true;
	return false;
}

/* Append "-suffix" to both manifests' versions (those that have one). */
static void
add_suffix(struct replay *r, const char *suffix)
{
	struct lt_manifest *m[2] = { r->old, r->new };
	int i;

	snprintf(r->suffix, sizeof(r->suffix), "%s", suffix);
	for (i = 0; i < 2; i++)
		if (m[i]->version) {
			char *v = lt_xasprintf("%s-%s", m[i]->version, suffix);

			lt_manifest_set_version(m[i], v);
			free(v);
		}
}

/* "auto": the first "rN" (N from 2) under which wadm stores neither
 * version; "" when it stores neither as they are. */
static void
auto_suffix(struct replay *r, char *out, size_t len)
{
	int n;

	out[0] = '\0';
	if (!stored(r, r->old->version) && !stored(r, r->new->version))
		return;
	for (n = 2; n < 100000; n++) {
		char *a = lt_xasprintf("%s-r%d", r->old->version ?
		    r->old->version : "", n);
		char *b = lt_xasprintf("%s-r%d", r->new->version ?
		    r->new->version : "", n);
		bool taken = stored(r, a) || stored(r, b);

		free(a);
		free(b);
		if (!taken) {
			snprintf(out, len, "r%d", n);
			return;
		}
	}
}

/* --version-suffix, then: wadm refuses to put a version it stores, so
 * say so before anything is sent, with the way out (exit 6). */
int
replay_versions(struct replay *r, struct lt_error *err)
{
	const char *opt = r->o->version_suffix;
	const char *v;
	char suffix[40];

	if (opt && !strcmp(opt, "auto"))
		auto_suffix(r, suffix, sizeof(suffix));
	else
		snprintf(suffix, sizeof(suffix), "%s", opt ? opt : "");
	if (*suffix)
		add_suffix(r, suffix);
	v = stored(r, r->old->version) ? r->old->version :
	    stored(r, r->new->version) ? r->new->version : NULL;
	if (v)
		return replay_stored_error(r, v, err);
	return 0;
}

/* The one line for a version wadm already stores. */
int
replay_stored_error(struct replay *r, const char *version,
    struct lt_error *err)
{
	return lt_error_set(err, LT_E_RUNTIME, "wadm already stores %s %s "
	    "(an earlier replay?); nothing was deployed: re-run with "
	    "--version-suffix auto (deploys %s-r2...), or delete that version "
	    "first (wash app delete %s %s)", r->new->name, version, version,
	    r->new->name, version);
}
