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

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The model set, key {L}: the names with a version, sorted (a BTreeSet
 * upstream). */
static void
store_names(struct sim_wadm *w)
{
	const char **v = lt_xcalloc(w->napps + 1, sizeof(*v));
	cJSON *names = cJSON_CreateArray();
	size_t i, n = 0;
	char *body;

	for (i = 0; i < w->napps; i++)
		if (w->apps[i].nv > 0)
			v[n++] = w->apps[i].name;
	qsort(v, n, sizeof(*v), by_name);
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(names, cJSON_CreateString(v[i]));
	body = cJSON_PrintUnformatted(names);
	kvStore_PutString(NULL, w->manifests, w->sim->o.lattice, body);
	cJSON_free(body);
	cJSON_Delete(names);
	free(v);
}

/* wadm_manifests: {L}-{name} -> {manifests:{v:doc}, deployed_version},
 * purged when the last version goes, and the model set. */
void
wadm_store(struct sim_wadm *w, struct app *a)
{
	cJSON *o = cJSON_CreateObject(), *ms = cJSON_AddObjectToObject(o,
	    "manifests");
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
	if (a->nv > 0)
		kvStore_PutString(NULL, w->manifests, key, body);
	else
		kvStore_Purge(w->manifests, key, NULL);
	cJSON_free(body);
	store_names(w);
	sim_log("wadm: kv %s wadm_manifests %s", a->nv ? "put" : "purge", key);
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

static struct app *
app_add(struct sim_wadm *w, const char *name)
{
	struct app *a;

	w->apps = lt_xrealloc(w->apps, (w->napps + 1) * sizeof(*a));
	a = &w->apps[w->napps++];
	memset(a, 0, sizeof(*a));
	a->name = lt_xstrdup(name);
	a->deployed = -1;
	return a;
}

/* The version a manifest without one gets: a ULID, also written into its
 * metadata.annotations.version as wadm stores it (model/mod.rs). */
static char *
assign_version(struct lt_manifest *man)
{
	cJSON *md = cJSON_GetObjectItem(man->doc, "metadata"), *ann;
	char *v;

	if (man->version)
		return lt_xstrdup(man->version);
	v = ulid_version();
	ann = cJSON_GetObjectItem(md, "annotations");
	if (cJSON_IsObject(md) && !cJSON_IsObject(ann)) {
		cJSON_DeleteItemFromObjectCaseSensitive(md, "annotations");
		ann = cJSON_AddObjectToObject(md, "annotations");
	}
	if (cJSON_IsObject(ann))
		cJSON_AddStringToObject(ann, "version", v);
	return v;
}

/* put_model: the message is written before the new version is stored, so
 * it names the version current until now ("" on the first put) while
 * current_version names the new one. */
static cJSON *
api_put(struct sim_wadm *w, natsMsg *m)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_manifest *man = NULL;
	struct app *a;
	char *version, *msg;
	size_t i;
	cJSON *r;

	if (lt_manifest_parse(natsMsg_GetData(m), (size_t)
	    natsMsg_GetDataLength(m), "manifest", &man, &err) < 0)
		return result("error", "%s", err.msg);
	if ((a = wadm_find_app(w, man->name)) == NULL)
		a = app_add(w, man->name);
	version = assign_version(man);
	for (i = 0; i < a->nv; i++) {
		if (strcmp(a->v[i].version, version) == 0) {
			r = result("error", "Manifest version %s already exists",
			    version);
			free(version);
			lt_manifest_destroy(man);
			return r;
		}
	}
	msg = lt_xasprintf("Successfully put manifest %s %s", a->name,
	    a->nv ? a->v[a->nv - 1].version : "");
	a->v = lt_xrealloc(a->v, (a->nv + 1) * sizeof(*a->v));
	a->v[a->nv].version = version;
	a->v[a->nv++].m = man;
	wadm_store(w, a);
	r = cJSON_CreateObject();	/* PutModelResponse's key order */
	cJSON_AddStringToObject(r, "result", a->nv == 1 ? "created" :
	    "newversion");
	cJSON_AddNumberToObject(r, "total_versions", (double)a->nv);
	cJSON_AddStringToObject(r, "current_version", version);
	cJSON_AddStringToObject(r, "message", msg);
	cJSON_AddStringToObject(r, "name", a->name);
	free(msg);
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

/* DeployModelResponse: result, message, name, version (null when
 * none). */
static cJSON *
deploy_reply(const char *res, const char *msg, const char *name,
    const char *version)
{
	cJSON *r = result(res, "%s", msg);

	cJSON_AddStringToObject(r, "name", name);
	if (version != NULL)
		cJSON_AddStringToObject(r, "version", version);
	else
		cJSON_AddNullToObject(r, "version");
	return r;
}

/* deploy_model (handlers.rs @v0.21.1): an explicit component id that
 * another app's deployed version also sets explicitly is refused. Only
 * explicit ids are compared: a derived id ({app}-{name}, sanitized) that
 * equals another app's is not noticed (README: scaler conflict). */
static char *
id_conflict(struct sim_wadm *w, const struct app *a,
    const struct lt_manifest *m)
{
	size_t i, j, k;

	for (i = 0; i < m->ncomponents; i++)
		for (j = 0; m->components[i].explicit_id && j < w->napps; j++) {
			const struct app *o = &w->apps[j];
			const struct lt_manifest *om;

			if (o == a || o->deployed < 0)
				continue;
			om = o->v[o->deployed].m;
			for (k = 0; k < om->ncomponents; k++)
				if (om->components[k].explicit_id &&
				    !strcmp(om->components[k].id,
				    m->components[i].id))
					return lt_xasprintf("Component "
					    "identifier '%s' is already deployed "
					    "in a different application '%s'.",
					    m->components[i].id, o->name);
		}
	return NULL;
}

static cJSON *
api_deploy(struct sim_wadm *w, struct app *a, const char *name, cJSON *body)
{
	const char *req = sim_str(body, "version");
	int i = a ? version_index(a, body_version(body)) : -1;
	char *msg;
	cJSON *r;

	if (a == NULL || a->nv == 0) {
		msg = lt_xasprintf("Application with the name %s not found", name);
		r = deploy_reply("notfound", msg, name, req);
	} else if (i < 0) {
		msg = lt_xasprintf("Application with the name '%s' does not have "
		    "a version '%s' to deploy", name, req);
		r = deploy_reply("error", msg, name, req);
	} else if ((msg = id_conflict(w, a, a->v[i].m)) != NULL) {
		r = result("error", "%s", msg);
	} else {
		msg = lt_xasprintf("Successfully deployed application %s %s",
		    name, a->v[i].version);
		r = deploy_reply("acknowledged", msg, name, a->v[i].version);
		wadm_deploy(w, a, i);
	}
	free(msg);
	return r;
}

/* undeploy_model: acknowledged (and the undeploy notification sent) also
 * when the app was not deployed. */
static cJSON *
api_undeploy(struct sim_wadm *w, struct app *a, const char *name)
{
	char *msg;
	cJSON *r;

	if (a == NULL || a->nv == 0)
		msg = lt_xasprintf("Application with the name %s not found", name);
	else if (a->deployed < 0)
		msg = lt_xasprintf("Application %s was already undeployed", name);
	else
		msg = lt_xasprintf("Successfully undeployed application %s",
		    name);
	r = deploy_reply(a && a->nv ? "acknowledged" : "notfound", msg, name,
	    NULL);
	if (a && a->nv)
		wadm_undeploy(w, a);
	free(msg);
	return r;
}

/* The status wadm last published for the app (wadm_status), else the
 * default: undeployed, no message, no scalers. NULL dflt: NULL. */
static cJSON *
last_status(struct app *a, const char *dflt)
{
	cJSON *st = a && a->last_status ? cJSON_Parse(a->last_status) : NULL;

	if (st == NULL && dflt != NULL)
		st = cJSON_Parse(dflt);
	return st;
}

#define DEFAULT_STATUS "{\"status\":{\"type\":\"undeployed\"},\"version\":\"\"," \
    "\"components\":[]}"
#define NO_STATUS "{\"status\":{\"type\":\"waiting\",\"message\":\"Waiting " \
    "for status: Lattice contains no hosts, deployment not started.\"}," \
    "\"version\":\"\",\"components\":[]}"

/* ModelSummary; status is the deprecated copy of detailed_status's type
 * with waiting shown as undeployed. */
static cJSON *
summary(struct app *a)
{
	cJSON *s = cJSON_CreateObject(), *st = last_status(a, NO_STATUS);
	cJSON *info = cJSON_GetObjectItem(st, "status");
	struct lt_manifest *m = a->v[a->nv - 1].m;
	const char *type = sim_str(info, "type"), *msg = sim_str(info,
	    "message");

	cJSON_AddStringToObject(s, "name", a->name);
	cJSON_AddStringToObject(s, "version", a->v[a->nv - 1].version);
	if (m->description)
		cJSON_AddStringToObject(s, "description", m->description);
	else
		cJSON_AddNullToObject(s, "description");
	if (a->deployed >= 0)
		cJSON_AddStringToObject(s, "deployed_version",
		    a->v[a->deployed].version);
	else
		cJSON_AddNullToObject(s, "deployed_version");
	cJSON_AddItemToObject(s, "detailed_status", st);
	cJSON_AddStringToObject(s, "status", type && strcmp(type, "waiting") ?
	    type : "undeployed");
	cJSON_AddStringToObject(s, "status_message", msg ? msg : "");
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
	const char *v = sim_str(body, "version");
	int i = a ? version_index(a, v) : -1;
	cJSON *r;

	if (a == NULL || a->nv == 0)
		return result("notfound", "Application with the name %s not "
		    "found", name);
	if (i < 0)
		return result("notfound", "Application %s with version %s "
		    "doesn't exist", name, v);
	if (v != NULL)
		r = result("success", "Successfully fetched application %s %s",
		    name, v);
	else
		r = result("success", "Successfully fetched application %s",
		    name);
	cJSON_AddItemToObject(r, "manifest", cJSON_Duplicate(a->v[i].m->doc,
	    1));
	return r;
}

static cJSON *
api_versions(struct app *a, const char *name)
{
	cJSON *r, *arr;
	size_t i;

	if (a == NULL || a->nv == 0) {
		r = result("notfound", "Application with the name %s not found",
		    name);
		cJSON_AddArrayToObject(r, "versions");
		return r;
	}
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
	else if (a->deployed == (int)i)
		a->deployed = -1;
}

static cJSON *
del_reply(const char *res, bool undeploy, const char *fmt, const char *a1,
    const char *a2)
{
	cJSON *r = result(res, fmt, a1, a2);

	cJSON_AddBoolToObject(r, "undeploy", undeploy);
	return r;
}

/* delete_model: the whole app, the last version or one version; a noop
 * and every delete that undeploys also send the undeploy notification. */
static cJSON *
api_del(struct sim_wadm *w, struct app *a, const char *name, cJSON *body)
{
	const char *v = sim_str(body, "version");
	int i = a && v ? version_index(a, v) : -1;
	bool undeploy = v == NULL || (a && i >= 0 && (i == a->deployed ||
	    a->nv == 1));
	cJSON *r;

	if (a == NULL || a->nv == 0)
		r = del_reply("noop", false, "Application %s doesn't exist or "
		    "was already deleted", name, NULL);
	else if (v != NULL && i < 0)
		r = del_reply("noop", false, "Application version %s doesn't "
		    "exist", v, NULL);
	else if (v == NULL)
		r = del_reply("deleted", true, "Successfully deleted "
		    "application %s", name, NULL);
	else if (a->nv == 1)
		r = del_reply("deleted", true, "Successfully deleted last "
		    "version of application %s", name, NULL);
	else
		r = del_reply("deleted", undeploy, "Successfully deleted version "
		    "%s of application %s", v, name);
	if (a == NULL)
		a = app_add(w, name);	/* holds the status it publishes */
	if (undeploy || !strcmp(sim_str(r, "result"), "noop"))
		wadm_undeploy(w, a);
	if (!strcmp(sim_str(r, "result"), "deleted")) {
		if (v == NULL)
			while (a->nv > 0)
				drop_version(a, a->nv - 1);
		else
			drop_version(a, (size_t)i);
		wadm_store(w, a);
	}
	return r;
}

/* model_status reads the app's last wadm.status message; an app wadm
 * never published one for (unknown, or never deployed) gets the default
 * status: result ok, type undeployed, no scalers (wadm >= 0.14). */
static cJSON *
api_status(struct app *a, const char *name)
{
	cJSON *r = result("ok", "Successfully fetched status for application "
	    "%s", name);

	cJSON_AddItemToObject(r, "status", last_status(a, DEFAULT_STATUS));
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
		r = api_deploy(w, a, name, body);
	else if (!strcmp(op, "undeploy") && name)
		r = api_undeploy(w, a, name);
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

	/* a stalled wadm's event worker reads nothing (README: Faults) */
	if (!w->sim->wadm_stalled && type &&
	    lt_str_has_prefix(type, "com.wasmcloud.lattice.") &&
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

	if (w == NULL || s->wadm_stalled)
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
