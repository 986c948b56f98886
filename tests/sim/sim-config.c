/* sim-config.c: the CONFIGDATA_{L} bucket (history 1, delete = purge) and
 * the config.* and link.* verbs, which any one host of the queue group
 * answers. Verbs run with sim.lock held. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/util.h"
#include "sim.h"

#include "banned.h"

static kvStore *
open_bucket(struct sim *s, const char *name)
{
	kvStore *kv = NULL;
	kvConfig cfg;
	natsStatus st;

	kvConfig_Init(&cfg);
	cfg.Bucket = name;
	cfg.History = 1;
	st = js_CreateKeyValue(&kv, s->js, &cfg);
	if (st != NATS_OK)
		st = js_KeyValue(&kv, s->js, name);
	if (st != NATS_OK) {
		sim_log("cannot open bucket %s: %s", name,
		    nats_GetLastError(NULL));
		return NULL;
	}
	return kv;
}

int
sim_kv_open(struct sim *s)
{
	char name[256];
	kvStore *latticedata;

	/* Hosts create both buckets (docs/protocol.md, Config storage);
	 * LATTICEDATA stays empty here, since links live in the sim's own
	 * table. */
	snprintf(name, sizeof(name), "LATTICEDATA_%s", s->o.lattice);
	latticedata = open_bucket(s, name);
	kvStore_Destroy(latticedata);
	snprintf(name, sizeof(name), "CONFIGDATA_%s", s->o.lattice);
	s->configdata = open_bucket(s, name);
	return s->configdata && latticedata ? 0 : -1;
}

/* The stored map for name (new cJSON), or NULL with *found false. */
cJSON *
sim_config_lookup(struct sim *s, const char *name, bool *found)
{
	kvEntry *e = NULL;
	cJSON *v = NULL;

	*found = false;
	if (kvStore_Get(&e, s->configdata, name) != NATS_OK)
		return NULL;
	if (kvEntry_Operation(e) == kvOp_Put) {
		*found = true;
		v = cJSON_ParseWithLength(kvEntry_Value(e),
		    (size_t)kvEntry_ValueLen(e));
	}
	kvEntry_Destroy(e);
	return v;
}

static bool
is_string_map(const cJSON *j)
{
	const cJSON *it;

	if (!cJSON_IsObject(j))
		return false;
	cJSON_ArrayForEach(it, j)
		if (!cJSON_IsString(it))
			return false;
	return true;
}

static void
config_event(struct sim_host *h, const char *type, const char *name)
{
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "config_name", name);
	sim_publish_event(h->nc, h->sim, h->id, type, d);
}

static void
config_put(struct sim_host *h, natsMsg *m, const char *name)
{
	cJSON *j = sim_parse(m);
	natsStatus st;
	uint64_t rev = 0;

	if (!is_string_map(j)) {
		cJSON_Delete(j);
		sim_reply(h->sim, h->nc, m, false, "config data should be a map "
		    "of string -> string", NULL);
		return;
	}
	cJSON_Delete(j);
	st = kvStore_Put(&rev, h->sim->configdata, name, natsMsg_GetData(m),
	    natsMsg_GetDataLength(m));
	if (st != NATS_OK) {
		sim_reply(h->sim, h->nc, m, false, nats_GetLastError(NULL), NULL);
		return;
	}
	sim_log("kv put CONFIGDATA %s rev %llu", name, (unsigned long long)rev);
	sim_reply(h->sim, h->nc, m, true, "successfully put config", NULL);
	config_event(h, "config_set", name);
}

void
sim_config_verb(struct sim_host *h, natsMsg *m, const char *verb,
    const char *name)
{
	bool found;
	cJSON *v;

	if (!strcmp(verb, "put")) {
		config_put(h, m, name);
	} else if (!strcmp(verb, "get")) {
		v = sim_config_lookup(h->sim, name, &found);
		sim_reply(h->sim, h->nc, m, true, found ? "" :
		    "Configuration not found", v);
	} else if (!strcmp(verb, "del")) {
		kvStore_Purge(h->sim->configdata, name, NULL);
		sim_log("kv purge CONFIGDATA %s", name);
		sim_reply(h->sim, h->nc, m, true, "successfully deleted config",
		    NULL);
		config_event(h, "config_deleted", name);
	} else {
		sim_reply(h->sim, h->nc, m, false, "unsupported subject", NULL);
	}
}

/* ---- links ---- */

static bool
same_key(const cJSON *a, const cJSON *b)
{
	static const char *const keys[] = { "source_id", "name",
	    "wit_namespace", "wit_package" };
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(keys); i++) {
		const char *x = sim_str(a, keys[i]), *y = sim_str(b, keys[i]);

		if (x == NULL || y == NULL || strcmp(x, y))
			return false;
	}
	return true;
}

static struct sim_link *
find_link(struct sim *s, const cJSON *key)
{
	size_t i;

	for (i = 0; i < s->nlinks; i++)
		if (same_key(s->links[i].json, key))
			return &s->links[i];
	return NULL;
}

/* Every named config must exist; the host's message lists the missing. */
static char *
validate_configs(struct sim *s, const cJSON *link)
{
	static const char *const lists[] = { "source_config", "target_config" };
	struct lt_buf b = LT_BUF_INIT;
	const cJSON *it;
	char *msg;
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(lists); i++) {
		cJSON_ArrayForEach(it, cJSON_GetObjectItem(link, lists[i])) {
			bool found = false;

			if (!cJSON_IsString(it))
				continue;
			cJSON_Delete(sim_config_lookup(s, it->valuestring,
			    &found));
			if (!found)
				lt_buf_addf(&b, "Configuration %s not found in "
				    "config store. ", it->valuestring);
		}
	}
	if (b.len == 0)
		return NULL;
	msg = lt_xasprintf("Failed to validate configuration and secrets. %s",
	    lt_buf_str(&b));
	lt_buf_release(&b);
	return msg;
}

/* The Link as the host stores and reports it (defaults filled in). */
static cJSON *
normalise_link(const cJSON *req)
{
	static const char *const keys[] = { "source_id", "target", "name",
	    "wit_namespace", "wit_package", "interfaces", "source_config",
	    "target_config" };
	cJSON *l = cJSON_CreateObject();
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(keys); i++) {
		const cJSON *v = cJSON_GetObjectItem(req, keys[i]);

		if (v != NULL)
			cJSON_AddItemToObject(l, keys[i], cJSON_Duplicate(v, 1));
		else if (!strcmp(keys[i], "name"))
			cJSON_AddStringToObject(l, "name", "default");
		else if (i >= 5)
			cJSON_AddArrayToObject(l, keys[i]);
		else
			cJSON_AddStringToObject(l, keys[i], "");
	}
	return l;
}

static void
link_put(struct sim_host *h, natsMsg *m, cJSON *req)
{
	struct sim *s = h->sim;
	cJSON *l = normalise_link(req), *ev;
	struct sim_link *old = find_link(s, l);
	char *err = validate_configs(s, l);

	if (err == NULL && old && strcmp(sim_str(old->json, "target"),
	    sim_str(l, "target")))
		err = lt_xasprintf("link already exists with different target, "
		    "consider deleting the existing link or changing the link "
		    "name");
	if (err != NULL) {
		sim_reply(s, h->nc, m, false, err, NULL);
		ev = cJSON_Duplicate(l, 1);
		cJSON_AddStringToObject(ev, "error", err);
		sim_publish_event(h->nc, s, h->id, "linkdef_set_failed", ev);
		free(err);
		cJSON_Delete(l);
		return;
	}
	if (old != NULL) {
		cJSON_Delete(old->json);
		old->json = l;
	} else {
		s->links = lt_xrealloc(s->links, (s->nlinks + 1) *
		    sizeof(*s->links));
		s->links[s->nlinks++].json = l;
	}
	sim_reply(s, h->nc, m, true, "successfully set link", NULL);
	sim_publish_event(h->nc, s, h->id, "linkdef_set", cJSON_Duplicate(l,
	    1));
	sim_http_sync(s);
}

/* A source has a stored spec once it ran or had a link. */
static bool
has_spec(struct sim *s, const char *source)
{
	size_t i;
	int k;

	for (i = 0; i < s->nlinks; i++)
		if (!strcmp(sim_str(s->links[i].json, "source_id"), source))
			return true;
	for (k = 0; k < s->nhosts; k++) {
		for (i = 0; i < s->hosts[k].ncomps; i++)
			if (!strcmp(s->hosts[k].comps[i].id, source))
				return true;
		for (i = 0; i < s->hosts[k].nprovs; i++)
			if (!strcmp(s->hosts[k].provs[i].id, source))
				return true;
	}
	return false;
}

static void
link_del(struct sim_host *h, natsMsg *m, cJSON *req)
{
	struct sim *s = h->sim;
	const char *src = sim_str(req, "source_id");
	struct sim_link *l;
	cJSON *d;

	if (src == NULL || !has_spec(s, src)) {
		sim_reply(s, h->nc, m, true, "successfully deleted link (spec "
		    "doesn't exist)", NULL);
		return;
	}
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "source_id", src);
	if ((l = find_link(s, req)) != NULL) {
		cJSON_AddStringToObject(d, "target", sim_str(l->json, "target"));
	}
	cJSON_AddStringToObject(d, "name", sim_str(req, "name") ?
	    sim_str(req, "name") : "default");
	cJSON_AddStringToObject(d, "wit_namespace", sim_str(req,
	    "wit_namespace") ? sim_str(req, "wit_namespace") : "");
	cJSON_AddStringToObject(d, "wit_package", sim_str(req, "wit_package") ?
	    sim_str(req, "wit_package") : "");
	if (l != NULL) {
		size_t i = (size_t)(l - s->links);

		cJSON_AddItemToObject(d, "interfaces", cJSON_Duplicate(
		    cJSON_GetObjectItem(l->json, "interfaces"), 1));
		cJSON_Delete(l->json);
		memmove(&s->links[i], &s->links[i + 1], (s->nlinks - i - 1) *
		    sizeof(*l));
		s->nlinks--;
	}
	sim_reply(s, h->nc, m, true, "successfully deleted link", NULL);
	sim_publish_event(h->nc, s, h->id, "linkdef_deleted", d);
	sim_http_sync(s);
}

void
sim_link_verb(struct sim_host *h, natsMsg *m, const char *verb)
{
	cJSON *req = sim_parse(m), *all;
	size_t i;

	if (!strcmp(verb, "get")) {
		all = cJSON_CreateArray();
		for (i = 0; i < h->sim->nlinks; i++)
			cJSON_AddItemToArray(all, cJSON_Duplicate(
			    h->sim->links[i].json, 1));
		sim_reply(h->sim, h->nc, m, true, "", all);
	} else if (!strcmp(verb, "put") && cJSON_IsObject(req)) {
		link_put(h, m, req);
	} else if (!strcmp(verb, "del") && cJSON_IsObject(req)) {
		link_del(h, m, req);
	} else {
		sim_reply(h->sim, h->nc, m, false, strcmp(verb, "put") &&
		    strcmp(verb, "del") ? "unsupported subject" :
		    "failed to deserialize link request", NULL);
	}
	cJSON_Delete(req);
}

/* A wasi:http incoming-handler link targets id. Call with sim.lock. */
bool
sim_comp_has_http_link(struct sim *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->nlinks; i++) {
		const cJSON *l = s->links[i].json, *it;
		const char *t = sim_str(l, "target");

		if (t == NULL || strcmp(t, id) ||
		    strcmp(sim_str(l, "wit_namespace"), "wasi") ||
		    strcmp(sim_str(l, "wit_package"), "http"))
			continue;
		cJSON_ArrayForEach(it, cJSON_GetObjectItem(l, "interfaces"))
			if (cJSON_IsString(it) &&
			    !strcmp(it->valuestring, "incoming-handler"))
				return true;
	}
	return false;
}
