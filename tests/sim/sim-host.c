/* sim-host.c: one simulated wasmCloud host: its control connection, the
 * ctl subscriptions with the host's real queue groups, verb routing, and
 * host/label/claims/auction verbs. Component, provider, config and link
 * verbs live in sim-comp.c and sim-config.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/util.h"
#include "sim.h"

#include "banned.h"

static const char *const adjectives[] = { "misty", "quiet", "bold", "calm",
    "dry", "lively", "sparkling", "wild" };
static const char *const nouns[] = { "forest", "river", "meadow", "canyon",
    "field", "sun", "shadow", "lake" };

typedef void (*verb_fn)(struct sim_host *h, natsMsg *m, cJSON *req);

static void
set_labels(struct sim_host *h)
{
	h->labels = cJSON_CreateObject();
	cJSON_AddStringToObject(h->labels, "hostcore.arch", "x86_64");
	cJSON_AddStringToObject(h->labels, "hostcore.os", "linux");
	cJSON_AddStringToObject(h->labels, "hostcore.osfamily", "unix");
}

static void
uptime(struct sim_host *h, cJSON *o)
{
	int64_t secs = (lt_now_ns() - h->started_ns) / 1000000000;
	char human[64];

	sim_uptime_human(secs, human, sizeof(human));
	cJSON_AddStringToObject(o, "uptime_human", human);
	cJSON_AddNumberToObject(o, "uptime_seconds", (double)secs);
}

/* HostInventory, in the host's key order. Call with sim.lock held. */
cJSON *
sim_host_inventory(struct sim_host *h)
{
	cJSON *inv = cJSON_CreateObject(), *c = cJSON_CreateArray(),
	    *p = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < h->ncomps; i++)
		cJSON_AddItemToArray(c, sim_comp_inventory(&h->comps[i]));
	for (i = 0; i < h->nprovs; i++)
		cJSON_AddItemToArray(p, sim_prov_inventory(&h->provs[i]));
	cJSON_AddItemToObject(inv, "components", c);
	cJSON_AddItemToObject(inv, "providers", p);
	cJSON_AddStringToObject(inv, "host_id", h->id);
	cJSON_AddStringToObject(inv, "friendly_name", h->name);
	cJSON_AddItemToObject(inv, "labels", cJSON_Duplicate(h->labels, 1));
	cJSON_AddStringToObject(inv, "version", SIM_VERSION);
	uptime(h, inv);
	return inv;
}

/* One of the last n hosts (--mute-inventory, --mute-ping): say so. */
static bool
muted(const struct sim_host *h, int n, const char *verb)
{
	if (h->index < h->sim->nhosts - n)
		return false;
	sim_log("fault: host %.8s ignores %s", h->id, verb);
	return true;
}

static void
verb_ping(struct sim_host *h, natsMsg *m, cJSON *req)
{
	cJSON *r;

	if (muted(h, h->sim->o.mute_ping, "host.ping"))
		return;
	r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "ctl_host", h->sim->o.url);
	cJSON_AddStringToObject(r, "rpc_host", h->sim->o.url);
	cJSON_AddStringToObject(r, "friendly_name", h->name);
	cJSON_AddStringToObject(r, "id", h->id);
	cJSON_AddItemToObject(r, "labels", cJSON_Duplicate(h->labels, 1));
	cJSON_AddStringToObject(r, "lattice", h->sim->o.lattice);
	uptime(h, r);
	cJSON_AddStringToObject(r, "version", SIM_VERSION);
	sim_reply(h->sim, h->nc, m, true, "", r);
}

static void
verb_get(struct sim_host *h, natsMsg *m, cJSON *req)
{
	if (muted(h, h->sim->o.mute_inventory, "host.get"))
		return;
	sim_reply(h->sim, h->nc, m, true, "", sim_host_inventory(h));
}

static void
verb_stop(struct sim_host *h, natsMsg *m, cJSON *req)
{
	sim_reply(h->sim, h->nc, m, true, "successfully handled stop host",
	    NULL);
	h->stop_requested = true;
}

static void
labels_changed(struct sim_host *h)
{
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "host_id", h->id);
	cJSON_AddItemToObject(d, "labels", cJSON_Duplicate(h->labels, 1));
	sim_publish_event(h->nc, h->sim, h->id, "labels_changed", d);
}

static void
verb_label_put(struct sim_host *h, natsMsg *m, cJSON *req)
{
	const char *k = sim_str(req, "key"), *v = sim_str(req, "value");

	if (k == NULL || v == NULL) {
		sim_reply(h->sim, h->nc, m, false, "failed to deserialize put "
		    "label request", NULL);
		return;
	}
	if (lt_str_has_prefix(k, "hostcore.")) {
		sim_reply(h->sim, h->nc, m, false, "hostcore.* labels cannot be "
		    "set", NULL);
		return;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(h->labels, k);
	cJSON_AddStringToObject(h->labels, k, v);
	sim_reply(h->sim, h->nc, m, true, "successfully put label", NULL);
	labels_changed(h);
}

static void
verb_label_del(struct sim_host *h, natsMsg *m, cJSON *req)
{
	const char *k = sim_str(req, "key");

	if (k == NULL || !cJSON_HasObjectItem(h->labels, k)) {
		sim_reply(h->sim, h->nc, m, true, "successfully deleted label "
		    "(no such label)", NULL);
		return;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(h->labels, k);
	sim_reply(h->sim, h->nc, m, true, "successfully deleted label", NULL);
	labels_changed(h);
}

static void
verb_registry(struct sim_host *h, natsMsg *m, cJSON *req)
{
	sim_reply(h->sim, h->nc, m, true, "successfully put registries", NULL);
}

/* claims of every signed component this host runs. */
static void
verb_claims(struct sim_host *h, natsMsg *m, cJSON *req)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < h->ncomps; i++) {
		cJSON *c;

		if (!h->comps[i].is_signed)
			continue;
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "call_alias", "");
		cJSON_AddStringToObject(c, "iss", "ACTGGFOZLLMCFJYFWDHWZ6E32P4J66"
		    "AOKWRW74VXNKWBUMKMTZZMCMKZ");
		cJSON_AddStringToObject(c, "name", h->comps[i].name);
		cJSON_AddStringToObject(c, "rev", "0");
		cJSON_AddStringToObject(c, "sub", h->comps[i].id);
		cJSON_AddStringToObject(c, "tags", "");
		cJSON_AddStringToObject(c, "version", "0.1.0");
		cJSON_AddItemToArray(arr, c);
	}
	sim_reply(h->sim, h->nc, m, true, "", arr);
}

static bool
labels_match(struct sim_host *h, const cJSON *constraints)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, constraints) {
		const char *v = sim_str(h->labels, c->string);

		if (!cJSON_IsString(c) || v == NULL || strcmp(v, c->valuestring))
			return false;
	}
	return true;
}

/* Auctions: only eligible hosts answer; the others stay silent. */
static void
auction(struct sim_host *h, natsMsg *m, cJSON *req, bool comp)
{
	const char *id = sim_str(req, comp ? "component_id" : "provider_id");
	cJSON *r;
	size_t i;

	if (id == NULL || !labels_match(h, cJSON_GetObjectItem(req,
	    "constraints")))
		return;
	for (i = 0; comp && i < h->ncomps; i++)
		if (!strcmp(h->comps[i].id, id))
			return;
	for (i = 0; !comp && i < h->nprovs; i++)
		if (!strcmp(h->provs[i].id, id))
			return;
	r = cJSON_Duplicate(req, 1);
	cJSON_AddStringToObject(r, "host_id", h->id);
	sim_reply(h->sim, h->nc, m, true, "", r);
}

static void
verb_comp_auction(struct sim_host *h, natsMsg *m, cJSON *req)
{
	auction(h, m, req, true);
}

static void
verb_prov_auction(struct sim_host *h, natsMsg *m, cJSON *req)
{
	auction(h, m, req, false);
}

static const struct route {
	const char *resource, *verb;
	bool addressed;		/* last token is this host's id */
	verb_fn fn;
} routes[] = {
	{ "claims", "get", false, verb_claims },
	{ "component", "auction", false, verb_comp_auction },
	{ "component", "scale", true, sim_comp_scale },
	{ "component", "update", true, sim_comp_update },
	{ "host", "get", true, verb_get },
	{ "host", "ping", false, verb_ping },
	{ "host", "stop", true, verb_stop },
	{ "label", "del", true, verb_label_del },
	{ "label", "put", true, verb_label_put },
	{ "provider", "auction", false, verb_prov_auction },
	{ "provider", "start", true, sim_prov_start },
	{ "provider", "stop", true, sim_prov_stop },
	{ "registry", "put", false, verb_registry },
};

/* Split "resource.verb[.arg]" (arg may contain dots for config names). */
static void
route(struct sim_host *h, natsMsg *m, const char *rest)
{
	char res[32] = "", verb[32] = "";
	const char *arg = NULL, *dot1 = strchr(rest, '.'), *dot2;
	cJSON *req;
	size_t i;

	if (dot1 && dot1 - rest < 32) {
		memcpy(res, rest, (size_t)(dot1 - rest));
		dot2 = strchr(dot1 + 1, '.');
		snprintf(verb, sizeof(verb), "%.*s", dot2 ? (int)(dot2 - dot1 -
		    1) : (int)strlen(dot1 + 1), dot1 + 1);
		arg = dot2 ? dot2 + 1 : NULL;
	}
	if (!strcmp(res, "config") && arg) {
		sim_config_verb(h, m, verb, arg);
		return;
	}
	if (!strcmp(res, "link")) {
		sim_link_verb(h, m, verb);
		return;
	}
	for (i = 0; i < LT_ARRAY_SIZE(routes); i++) {
		if (strcmp(routes[i].resource, res) ||
		    strcmp(routes[i].verb, verb) ||
		    routes[i].addressed != (arg != NULL))
			continue;
		req = sim_parse(m);
		routes[i].fn(h, m, req);
		cJSON_Delete(req);
		return;
	}
	sim_reply(h->sim, h->nc, m, false, "unsupported subject", NULL);
}

static void
on_ctl(natsConnection *nc, natsSubscription *sub, natsMsg *m, void *arg)
{
	struct sim_host *h = arg;
	struct sim *s = h->sim;
	const char *subj = natsMsg_GetSubject(m);
	size_t plen = strlen(s->prefix);

	pthread_mutex_lock(&s->lock);
	if (!h->stopped && !strncmp(subj, s->prefix, plen) &&
	    subj[plen] == '.') {
		sim_log("ctl %s host %.8s", subj + plen + 1, h->id);
		route(h, m, subj + plen + 1);
	}
	pthread_mutex_unlock(&s->lock);
	natsMsg_Destroy(m);
}

static natsStatus
subscribe(struct sim_host *h, const char *tail, bool queue)
{
	char *subj = lt_xasprintf("%s.%s", h->sim->prefix, tail), *q = NULL;
	natsStatus st;

	if (queue) {
		q = lt_xstrdup(subj);
		*strrchr(q, '.') = '\0';
		st = natsConnection_QueueSubscribe(&h->subs[h->nsubs], h->nc,
		    subj, q, on_ctl, h);
	} else {
		st = natsConnection_Subscribe(&h->subs[h->nsubs], h->nc, subj,
		    on_ctl, h);
	}
	if (st == NATS_OK)
		h->nsubs++;
	free(subj);
	free(q);
	return st;
}

static natsStatus
subscribe_all(struct sim_host *h)
{
	char tail[128];
	natsStatus st;

	st = subscribe(h, "registry.put", false);
	if (st == NATS_OK)
		st = subscribe(h, "host.ping", false);
	if (st == NATS_OK)
		st = subscribe(h, "link.*", true);
	if (st == NATS_OK)
		st = subscribe(h, "claims.get", true);
	if (st == NATS_OK)
		st = subscribe(h, "config.>", true);
	if (st == NATS_OK)
		st = subscribe(h, "component.auction", false);
	if (st == NATS_OK)
		st = subscribe(h, "provider.auction", false);
	snprintf(tail, sizeof(tail), "component.*.%s", h->id);
	if (st == NATS_OK)
		st = subscribe(h, tail, false);
	snprintf(tail, sizeof(tail), "provider.*.%s", h->id);
	if (st == NATS_OK)
		st = subscribe(h, tail, false);
	snprintf(tail, sizeof(tail), "label.*.%s", h->id);
	if (st == NATS_OK)
		st = subscribe(h, tail, false);
	snprintf(tail, sizeof(tail), "host.*.%s", h->id);
	if (st == NATS_OK)
		st = subscribe(h, tail, false);
	return st;
}

int
sim_host_start(struct sim *s, struct sim_host *h, int index)
{
	natsOptions *opts = NULL;
	natsStatus st;
	cJSON *d;
	char cname[96];

	h->sim = s;
	h->index = index;
	sim_random_id('N', h->id);
	snprintf(h->name, sizeof(h->name), "%s-%s-%04d",
	    adjectives[(int)(sim_rand01() * 8)], nouns[(int)(sim_rand01() * 8)],
	    (int)(sim_rand01() * 10000));
	set_labels(h);
	h->started_ns = lt_now_ns();
	snprintf(cname, sizeof(cname), "latticesim host %.8s", h->id);
	st = natsOptions_Create(&opts);
	if (st == NATS_OK)
		st = natsOptions_SetURL(opts, s->o.url);
	if (st == NATS_OK)
		st = natsOptions_SetName(opts, cname);
	if (st == NATS_OK)
		st = natsConnection_Connect(&h->nc, opts);
	natsOptions_Destroy(opts);
	if (st == NATS_OK)
		st = subscribe_all(h);
	if (st == NATS_OK)
		st = natsConnection_Flush(h->nc);
	if (st != NATS_OK) {
		sim_log("host %d: cannot start: %s", index,
		    natsStatus_GetText(st));
		return -1;
	}
	sim_log("host %s (%s) started", h->id, h->name);
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "friendly_name", h->name);
	cJSON_AddItemToObject(d, "labels", cJSON_Duplicate(h->labels, 1));
	cJSON_AddNumberToObject(d, "uptime_seconds", 0);
	cJSON_AddStringToObject(d, "version", SIM_VERSION);
	sim_publish_event(h->nc, s, h->id, "host_started", d);
	/* before the next host starts: wadm learns the hosts in start order
	 * (README: placement) */
	natsConnection_Flush(h->nc);
	h->next_heartbeat = lt_mono_ns() + s->o.heartbeat_ns;
	h->next_health = lt_mono_ns() + s->o.heartbeat_ns;
	return 0;
}

/* Stop serving; publish host_stopped unless killed (a crash says nothing).
 * Call with sim.lock held. */
void
sim_host_stop(struct sim_host *h, bool publish)
{
	size_t i;
	int k;

	if (h->stopped || h->nc == NULL)
		return;
	h->stopped = true;
	for (k = 0; k < h->nsubs; k++)
		natsSubscription_Unsubscribe(h->subs[k]);
	for (i = 0; i < h->ncomps; i++)
		sim_comp_free(&h->comps[i]);
	h->ncomps = 0;
	if (publish) {
		cJSON *d = cJSON_CreateObject();

		cJSON_AddItemToObject(d, "labels", cJSON_Duplicate(h->labels, 1));
		sim_publish_event(h->nc, h->sim, h->id, "host_stopped", d);
	}
	natsConnection_FlushTimeout(h->nc, 2000);
	sim_log("host %s %s", h->id, publish ? "stopped" : "killed");
	sim_http_sync(h->sim);
}

/* Heartbeats and provider health polls. Call with sim.lock held. */
void
sim_host_tick(struct sim_host *h, int64_t now)
{
	if (h->stopped)
		return;
	if (h->stop_requested) {
		sim_host_stop(h, true);
		return;
	}
	if (h->mute_heartbeat)	/* fault: hung, still connected */
		return;
	if (now >= h->next_heartbeat) {
		h->next_heartbeat = now + h->sim->o.heartbeat_ns;
		sim_publish_event(h->nc, h->sim, h->id, "host_heartbeat",
		    sim_host_inventory(h));
	}
	if (now >= h->next_health) {
		h->next_health = now + h->sim->o.heartbeat_ns;
		sim_prov_health(h);
	}
}
