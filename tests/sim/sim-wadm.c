/* sim-wadm.c: the simulated wadm's outside: its streams and buckets as
 * wadm >= 0.13 creates them, the wadm.api.{L}.model.* API (queue group
 * wadm_server) with wadm's reply shapes, manifests in wadm_manifests, and
 * lattice state kept from host events and heartbeats. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/util.h"
#include "sim-wadm.h"

#include "banned.h"

static int
add_stream(struct sim *s, const char *name, const char *subj,
    jsRetentionPolicy ret, int64_t max_age, int64_t per_subject)
{
	jsStreamConfig cfg;
	jsStreamInfo *si = NULL;
	jsErrCode jerr = 0;
	const char *subjects[1] = { subj };
	natsStatus st;

	jsStreamConfig_Init(&cfg);
	cfg.Name = name;
	cfg.Subjects = subjects;
	cfg.SubjectsLen = 1;
	cfg.Retention = ret;
	cfg.MaxAge = max_age;
	cfg.Storage = js_FileStorage;
	if (per_subject > 0) {
		cfg.MaxMsgsPerSubject = per_subject;
		cfg.AllowDirect = true;
	}
	st = js_AddStream(&si, s->js, &cfg, NULL, &jerr);
	jsStreamInfo_Destroy(si);
	if (st != NATS_OK && jerr != JSStreamNameExistErr) {
		sim_log("wadm: cannot create stream %s: %s", name,
		    nats_GetLastError(NULL));
		return -1;
	}
	sim_log("wadm: stream %s on %s", name, subj);
	return 0;
}

static int
setup_storage(struct sim_wadm *w)
{
	struct sim *s = w->sim;
	kvConfig cfg;

	if (add_stream(s, "wasmbus_events", "wasmbus.evt.*.>", js_LimitsPolicy,
	    s->o.events_max_age_ns, 0) < 0 ||
	    add_stream(s, "wadm_events", "wadm.evt.*.>", js_LimitsPolicy,
	    70000000000LL, 0) < 0 ||
	    add_stream(s, "wadm_commands", "wadm.cmd.*", js_WorkQueuePolicy,
	    70000000000LL, 0) < 0 ||
	    add_stream(s, "wadm_status", "wadm.status.*.*", js_LimitsPolicy, 0,
	    10) < 0)
		return -1;
	kvConfig_Init(&cfg);
	cfg.Bucket = "wadm_manifests";
	cfg.History = 1;
	if (js_CreateKeyValue(&w->manifests, s->js, &cfg) != NATS_OK &&
	    js_KeyValue(&w->manifests, s->js, "wadm_manifests") != NATS_OK)
		return -1;
	cfg.Bucket = "wadm_state";
	if (js_CreateKeyValue(&w->state, s->js, &cfg) != NATS_OK &&
	    js_KeyValue(&w->state, s->js, "wadm_state") != NATS_OK)
		return -1;
	wadm_state_load(w);
	return 0;
}

struct app *
wadm_find_app(struct sim_wadm *w, const char *name)
{
	size_t i;

	for (i = 0; name && i < w->napps; i++)
		if (!strcmp(w->apps[i].name, name))
			return &w->apps[i];
	return NULL;
}

/* wadm_manifests: {L}-{name} -> {manifests:{v:doc}, deployed_version}
 * and {L} -> [names]. */
void
wadm_store(struct sim_wadm *w, struct app *a)
{
	cJSON *o = cJSON_CreateObject(), *ms = cJSON_AddObjectToObject(o,
	    "manifests"), *names = cJSON_CreateArray();
	char *key = lt_xasprintf("%s-%s", w->sim->o.lattice, a->name), *body;
	size_t i;

	for (i = 0; i < a->nv; i++)
		cJSON_AddItemToObject(ms, a->v[i].version,
		    cJSON_Duplicate(a->v[i].m->doc, 1));
	if (a->deployed >= 0)
		cJSON_AddStringToObject(o, "deployed_version",
		    a->v[a->deployed].version);
	else
		cJSON_AddNullToObject(o, "deployed_version");
	body = cJSON_PrintUnformatted(o);
	kvStore_PutString(NULL, w->manifests, key, body);
	cJSON_free(body);
	for (i = 0; i < w->napps; i++)
		if (w->apps[i].nv > 0)
			cJSON_AddItemToArray(names,
			    cJSON_CreateString(w->apps[i].name));
	body = cJSON_PrintUnformatted(names);
	kvStore_PutString(NULL, w->manifests, w->sim->o.lattice, body);
	sim_log("wadm: kv put wadm_manifests %s", key);
	cJSON_free(body);
	cJSON_Delete(names);
	cJSON_Delete(o);
	free(key);
}

/* wadm assigns a ULID when the manifest has no version. */
static char *
ulid_version(void)
{
	static const char crock[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	uint64_t ms = (uint64_t)(lt_now_ns() / 1000000);
	char out[27];
	int i;

	for (i = 9; i >= 0; i--, ms >>= 5)
		out[i] = crock[ms & 31];
	for (i = 10; i < 26; i++)
		out[i] = crock[(int)(sim_rand01() * 32)];
	out[26] = '\0';
	return lt_xstrdup(out);
}

static cJSON *
result(const char *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static cJSON *
result(const char *res, const char *fmt, ...)
{
	cJSON *r = cJSON_CreateObject();
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cJSON_AddStringToObject(r, "result", res);
	cJSON_AddStringToObject(r, "message", msg);
	return r;
}

static cJSON *
api_put(struct sim_wadm *w, natsMsg *m)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_manifest *man = NULL;
	struct app *a;
	char *version;
	size_t i;
	cJSON *r;

	if (lt_manifest_parse(natsMsg_GetData(m), (size_t)
	    natsMsg_GetDataLength(m), "manifest", &man, &err) < 0)
		return result("error", "%s", err.msg);
	if ((a = wadm_find_app(w, man->name)) == NULL) {
		w->apps = lt_xrealloc(w->apps, (w->napps + 1) * sizeof(*a));
		a = &w->apps[w->napps++];
		memset(a, 0, sizeof(*a));
		a->name = lt_xstrdup(man->name);
		a->deployed = -1;
	}
	version = man->version ? lt_xstrdup(man->version) : ulid_version();
	for (i = 0; i < a->nv; i++) {
		if (strcmp(a->v[i].version, version) == 0) {
			r = result("error", "Manifest version %s already exists",
			    version);
			free(version);
			lt_manifest_destroy(man);
			return r;
		}
	}
	a->v = lt_xrealloc(a->v, (a->nv + 1) * sizeof(*a->v));
	a->v[a->nv].version = version;
	a->v[a->nv++].m = man;
	wadm_store(w, a);
	r = result(a->nv == 1 ? "created" : "newversion", "Successfully put "
	    "manifest %s %s", a->name, version);
	cJSON_AddNumberToObject(r, "total_versions", (double)a->nv);
	cJSON_AddStringToObject(r, "current_version", version);
	cJSON_AddStringToObject(r, "name", a->name);
	return r;
}

/* {version} from the body: NULL for empty/null/"latest". */
static const char *
body_version(cJSON *body)
{
	const char *v = sim_str(body, "version");

	return v && strcmp(v, "latest") ? v : NULL;
}

static int
version_index(struct app *a, const char *v)
{
	size_t i;

	if (v == NULL)
		return (int)a->nv - 1;
	for (i = 0; i < a->nv; i++)
		if (!strcmp(a->v[i].version, v))
			return (int)i;
	return -1;
}

static cJSON *
notfound(const char *name, bool with_version)
{
	cJSON *r = result("notfound", "Application with the name %s not found",
	    name);

	if (with_version) {
		cJSON_AddStringToObject(r, "name", name);
		cJSON_AddNullToObject(r, "version");
	}
	return r;
}

static cJSON *
api_deploy(struct sim_wadm *w, struct app *a, const char *name, cJSON *body,
    bool deploy)
{
	int i = a ? version_index(a, body_version(body)) : -1;
	cJSON *r;

	if (a == NULL || a->nv == 0 || (deploy && i < 0))
		return notfound(name, true);
	if (!deploy) {
		wadm_undeploy(w, a);
		r = result("acknowledged", "Successfully undeployed application "
		    "%s", name);
		cJSON_AddStringToObject(r, "name", name);
		cJSON_AddNullToObject(r, "version");
		return r;
	}
	r = result("acknowledged", "Successfully deployed application %s %s",
	    name, a->v[i].version);
	cJSON_AddStringToObject(r, "name", name);
	cJSON_AddStringToObject(r, "version", a->v[i].version);
	wadm_deploy(w, a, i);
	return r;
}

static cJSON *
summary(struct app *a)
{
	cJSON *s = cJSON_CreateObject(), *st = wadm_status_json(a);
	struct lt_manifest *m = a->v[a->nv - 1].m;

	cJSON_AddStringToObject(s, "name", a->name);
	cJSON_AddStringToObject(s, "version", a->v[a->nv - 1].version);
	cJSON_AddStringToObject(s, "description", m->description ?
	    m->description : "");
	if (a->deployed >= 0)
		cJSON_AddStringToObject(s, "deployed_version",
		    a->v[a->deployed].version);
	else
		cJSON_AddNullToObject(s, "deployed_version");
	cJSON_AddItemToObject(s, "detailed_status", st);
	cJSON_AddStringToObject(s, "status", sim_str(cJSON_GetObjectItem(st,
	    "status"), "type"));
	cJSON_AddStringToObject(s, "status_message", "");
	return s;
}

static cJSON *
api_list(struct sim_wadm *w, bool bare)
{
	cJSON *arr = cJSON_CreateArray(), *r;
	size_t i;

	for (i = 0; i < w->napps; i++)
		if (w->apps[i].nv > 0)
			cJSON_AddItemToArray(arr, summary(&w->apps[i]));
	if (bare)
		return arr;
	r = result("success", "Successfully fetched list of applications");
	cJSON_AddItemToObject(r, "models", arr);
	return r;
}

static cJSON *
api_get(struct app *a, const char *name, cJSON *body)
{
	int i = a ? version_index(a, body_version(body)) : -1;
	cJSON *r;

	if (i < 0)
		return notfound(name, false);
	r = result("success", "Successfully fetched application %s %s", name,
	    a->v[i].version);
	cJSON_AddItemToObject(r, "manifest", cJSON_Duplicate(a->v[i].m->doc,
	    1));
	return r;
}

static cJSON *
api_versions(struct app *a, const char *name)
{
	cJSON *r, *arr;
	size_t i;

	if (a == NULL || a->nv == 0)
		return notfound(name, false);
	r = result("success", "Successfully fetched versions for application "
	    "%s", name);
	arr = cJSON_AddArrayToObject(r, "versions");
	for (i = 0; i < a->nv; i++) {
		cJSON *v = cJSON_CreateObject();

		cJSON_AddStringToObject(v, "version", a->v[i].version);
		cJSON_AddBoolToObject(v, "deployed", (int)i == a->deployed);
		cJSON_AddItemToArray(arr, v);
	}
	return r;
}

static void
drop_version(struct app *a, size_t i)
{
	free(a->v[i].version);
	lt_manifest_destroy(a->v[i].m);
	memmove(&a->v[i], &a->v[i + 1], (a->nv - i - 1) * sizeof(*a->v));
	a->nv--;
	if (a->deployed > (int)i)
		a->deployed--;
}

static cJSON *
api_del(struct sim_wadm *w, struct app *a, const char *name, cJSON *body)
{
	const char *v = sim_str(body, "version");
	int i = a && v ? version_index(a, v) : -1;
	bool undeploy = false;
	cJSON *r;

	if (a == NULL || a->nv == 0 || (v && i < 0))
		return result("noop", "Application %s not found", name);
	undeploy = a->deployed >= 0 && (v == NULL || i == a->deployed);
	if (undeploy)
		wadm_undeploy(w, a);
	if (v != NULL) {
		drop_version(a, (size_t)i);
		r = result("deleted", "Successfully deleted version %s of "
		    "application %s", v, name);
	} else {
		while (a->nv > 0)
			drop_version(a, a->nv - 1);
		r = result("deleted", "Successfully deleted all versions of "
		    "application %s", name);
	}
	cJSON_AddBoolToObject(r, "undeploy", undeploy);
	wadm_store(w, a);
	return r;
}

static cJSON *
api_status(struct app *a, const char *name)
{
	cJSON *r;

	if (a == NULL || a->nv == 0)
		return notfound(name, false);
	r = result("ok", "Successfully fetched status for application %s",
	    name);
	cJSON_AddItemToObject(r, "status", wadm_status_json(a));
	return r;
}

/* "model.OP[.NAME]" after wadm.api.{L}. */
static cJSON *
api_route(struct sim_wadm *w, natsMsg *m, const char *rest)
{
	char op[32] = "";
	const char *name = NULL, *dot;
	cJSON *body = sim_parse(m), *r;
	struct app *a;

	if (!lt_str_has_prefix(rest, "model.")) {
		cJSON_Delete(body);
		return result("error", "Unsupported subject %s", rest);
	}
	rest += 6;
	dot = strchr(rest, '.');
	snprintf(op, sizeof(op), "%.*s", dot ? (int)(dot - rest) :
	    (int)strlen(rest), rest);
	name = dot ? dot + 1 : NULL;
	if (name && strchr(name, '.')) {
		cJSON_Delete(body);
		return result("error", "Found extra components of subject");
	}
	a = wadm_find_app(w, name);
	if (!strcmp(op, "put")) r = api_put(w, m);
	else if (!strcmp(op, "list")) r = api_list(w, true);
	else if (!strcmp(op, "get") && !name) r = api_list(w, false);
	else if (!strcmp(op, "get")) r = api_get(a, name, body);
	else if (!strcmp(op, "versions") && name) r = api_versions(a, name);
	else if (!strcmp(op, "del") && name) r = api_del(w, a, name, body);
	else if (!strcmp(op, "deploy") && name)
		r = api_deploy(w, a, name, body, true);
	else if (!strcmp(op, "undeploy") && name)
		r = api_deploy(w, a, name, body, false);
	else if (!strcmp(op, "status") && name) r = api_status(a, name);
	else r = result("error", "Unsupported subject model.%s", op);
	cJSON_Delete(body);
	return r;
}

static void
on_api(natsConnection *nc, natsSubscription *sub, natsMsg *m, void *arg)
{
	struct sim_wadm *w = arg;
	const char *subj = natsMsg_GetSubject(m);
	char *pfx = lt_xasprintf("wadm.api.%s.", w->sim->o.lattice);
	cJSON *r;

	if (lt_str_has_prefix(subj, pfx)) {
		sim_log("wadm: api %s", subj + strlen(pfx));
		pthread_mutex_lock(&w->lock);
		r = api_route(w, m, subj + strlen(pfx));
		pthread_mutex_unlock(&w->lock);
		wadm_flush_commands(w);
		if (natsMsg_GetReply(m) != NULL)
			sim_publish_json(nc, natsMsg_GetReply(m), r);
		cJSON_Delete(r);
	}
	free(pfx);
	natsMsg_Destroy(m);
}

/* ---- lattice state from events ---- */

/* wadm takes the host from the CloudEvent source, always: host_id for
 * most events, id for host_started/host_stopped (events/types.rs). */
static void
source_ids(cJSON *ev, cJSON *data, const char *type)
{
	const char *src = sim_str(ev, "source");

	if (src == NULL)
		return;
	cJSON_DeleteItemFromObjectCaseSensitive(data, "host_id");
	cJSON_AddStringToObject(data, "host_id", src);
	if (!strcmp(type, "host_started") || !strcmp(type, "host_stopped")) {
		cJSON_DeleteItemFromObjectCaseSensitive(data, "id");
		cJSON_AddStringToObject(data, "id", src);
	}
}

static void
on_event(natsConnection *nc, natsSubscription *sub, natsMsg *m, void *arg)
{
	struct sim_wadm *w = arg;
	cJSON *ev = sim_parse(m);
	const char *type = sim_str(ev, "type");
	cJSON *data = cJSON_GetObjectItem(ev, "data");

	if (type && lt_str_has_prefix(type, "com.wasmcloud.lattice.") &&
	    cJSON_IsObject(data)) {
		type += 22;
		source_ids(ev, data, type);
		pthread_mutex_lock(&w->lock);
		wadm_state_event(w, type, data, sim_str(data, "host_id"));
		wadm_event(w, type, data);
		w->dirty = true;
		pthread_mutex_unlock(&w->lock);
	}
	cJSON_Delete(ev);
	natsMsg_Destroy(m);
}

int
sim_wadm_start(struct sim *s)
{
	struct sim_wadm *w = lt_xcalloc(1, sizeof(*w));
	char *evt = lt_xasprintf("wasmbus.evt.%s.>", s->o.lattice);
	char *api = lt_xasprintf("wadm.api.%s.>", s->o.lattice);
	natsStatus st;

	w->sim = s;
	pthread_mutex_init(&w->lock, NULL);
	w->hosts = cJSON_CreateObject();
	w->pending = cJSON_CreateArray();
	w->cmd_subject = lt_xasprintf("wadm.cmd.%s", s->o.lattice);
	if (setup_storage(w) < 0) {
		free(evt);
		free(api);
		return -1;
	}
	/* Only this lattice's API: upstream wadm serves every lattice on
	 * wadm.api.>, but this one serves one, and in that group it would
	 * take (and drop) requests meant for another lattice's wadm. */
	st = natsConnection_QueueSubscribe(&w->api_sub, s->nc, api,
	    "wadm_server", on_api, w);
	if (st == NATS_OK)
		st = natsConnection_Subscribe(&w->evt_sub, s->nc, evt, on_event,
		    w);
	if (st == NATS_OK)
		st = natsConnection_Subscribe(&w->cmd_sub, s->nc, w->cmd_subject,
		    wadm_on_cmd, w);
	if (st == NATS_OK)
		st = natsConnection_Flush(s->nc);
	free(evt);
	if (st != NATS_OK) {
		free(api);
		return -1;
	}
	s->wadm = w;
	sim_log("wadm: listening on %s (queue wadm_server), mode %s", api,
	    s->o.fixed ? "fixed" : "0.21");
	free(api);
	return 0;
}

void
sim_wadm_tick(struct sim *s, int64_t now)
{
	struct sim_wadm *w = s->wadm;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	wadm_reconcile(w, now);
	pthread_mutex_unlock(&w->lock);
	wadm_flush_commands(w);
}

void
sim_wadm_stop(struct sim *s)
{
	struct sim_wadm *w = s->wadm;
	size_t i, j;

	if (w == NULL)
		return;
	natsSubscription_Destroy(w->api_sub);
	natsSubscription_Destroy(w->evt_sub);
	natsSubscription_Destroy(w->cmd_sub);
	for (i = 0; i < w->napps; i++) {
		struct app *a = &w->apps[i];

		wadm_scalers_free(a);
		for (j = 0; j < a->nv; j++) {
			free(a->v[j].version);
			lt_manifest_destroy(a->v[j].m);
		}
		free(a->v);
		free(a->name);
		free(a->last_status);
	}
	free(w->apps);
	kvStore_Destroy(w->manifests);
	wadm_state_free(w);
	cJSON_Delete(w->hosts);
	cJSON_Delete(w->pending);
	free(w->cmd_subject);
	free(w);
	s->wadm = NULL;
}
