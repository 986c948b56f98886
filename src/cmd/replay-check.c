/* replay-check.c: replay's preflight (JetStream, hosts, wadm) and its
 * checkpoints: host inventories, the referenced configs, the probe. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "replay.h"
#include "latticectl/http.h"
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

/* One referenced config into the snapshot: from CONFIGDATA, its revision
 * and value ({"revision","value"} in entries, a delete or purge marker in
 * deleted); without the bucket, only whether a host says it exists. */
static void
snapshot_config(struct replay *r, const char *name, cJSON *entries,
    cJSON *deleted)
{
	struct lt_kv_entry e = LT_KV_ENTRY_INIT;
	struct lt_error err = LT_ERROR_INIT;
	cJSON *o, *v;
	char *tail;

	if (cJSON_GetObjectItemCaseSensitive(entries, name) ||
	    cJSON_GetObjectItemCaseSensitive(deleted, name))
		return;
	if (!r->kv) {
		tail = lt_xasprintf("config.get.%s", name);
		replay_expect_mine(r, tail);
		free(tail);
		if (lt_ctl_config_exists(&r->ctl, name, &err) == 1)
			cJSON_AddTrueToObject(entries, name);
		return;
	}
	if (lt_kv_get(r->kv, name, 0, &e, &err) != 1)
		return;
	o = cJSON_AddObjectToObject(e.op == LT_KV_PUT ? entries : deleted,
	    name);
	cJSON_AddNumberToObject(o, "revision", (double)e.revision);
	if (e.op != LT_KV_PUT)
		cJSON_AddStringToObject(o, "op", lt_kv_op_name(e.op));
	else if ((v = cJSON_ParseWithLength(e.value ? e.value : "", e.len)))
		cJSON_AddItemToObject(o, "value", v);
	else if (e.value && lt_is_text(e.value, e.len))
		cJSON_AddStringToObject(o, "value", e.value);
	lt_kv_entry_release(&e);
}

static void
snapshot_configs(struct replay *r, const struct lt_manifest_configs *c,
    cJSON *entries, cJSON *deleted)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		snapshot_config(r, c->v[i].stored_name, entries, deleted);
}

/* The configs m references, as CONFIGDATA holds them now. */
static void
snapshot(struct replay *r, const struct lt_manifest *m)
{
	cJSON *f = cJSON_CreateObject(), *entries, *deleted;
	char *b = lt_xasprintf("CONFIGDATA_%s", r->lattice);
	size_t i, j;

	cJSON_AddStringToObject(f, "bucket", b);
	if (!r->kv) {	/* hosts create it; it may come later */
		struct lt_error e = LT_ERROR_INIT;

		lt_kv_open(&r->kv, r->ctx->conn, b, NULL, &e);
	}
	free(b);
	entries = cJSON_AddObjectToObject(f, "entries");
	deleted = cJSON_CreateObject();
	for (i = 0; i < m->ncomponents; i++) {
		const struct lt_manifest_component *c = &m->components[i];

		snapshot_configs(r, &c->config, entries, deleted);
		for (j = 0; j < c->nlinks; j++) {
			snapshot_configs(r, &c->links[j].source_config, entries,
			    deleted);
			snapshot_configs(r, &c->links[j].target_config, entries,
			    deleted);
		}
	}
	if (deleted->child)
		cJSON_AddItemToObject(f, "deleted", deleted);
	else
		cJSON_Delete(deleted);
	replay_note(r, "snapshot", f);
}

static void
probe(struct replay *r)
{
	const char *url = lt_args_get(r->ctx->args, "probe");
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

/* JetStream is on, hosts answer ping, wadm answers its API. */
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
	cJSON_Delete(reply);
	return 0;
}
