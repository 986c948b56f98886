/* ctl.c: the control-interface client: reply envelopes, host.ping,
 * host.get inventories, config.get, link.get, and where a workload's
 * config references come from (its links, wadm's deployed manifest). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/config.h"
#include "latticectl/conn.h"
#include "latticectl/ctl.h"
#include "latticectl/json.h"
#include "latticectl/manifest.h"
#include "latticectl/redact.h"
#include "latticectl/req.h"
#include "latticectl/util.h"
#include "banned.h"

#define APPSPEC "wasmcloud.dev/appspec"

void
lt_ctl_init(struct lt_ctl *ctl, struct lt_conn *c, const char *prefix,
    const char *lattice)
{
	memset(ctl, 0, sizeof(*ctl));
	ctl->conn = c;
	ctl->prefix = prefix && *prefix ? prefix : LT_CTL_DEFAULT_PREFIX;
	ctl->lattice = lattice && *lattice ? lattice : "default";
}

void
lt_ctl_init_gather(struct lt_ctl *ctl, struct lt_conn *c,
    const struct lt_config *cfg, int64_t wait_ns)
{
	lt_ctl_init(ctl, c, lt_config_get(cfg, LT_S_CTL_PREFIX),
	    lt_config_get(cfg, LT_S_LATTICE));
	ctl->gather_ns = wait_ns < 0 ? 0 : wait_ns;
	if (wait_ns < 0)
		ctl->quiet_ns = LT_CTL_QUIET_NS;
}

char *
lt_ctl_subject(const struct lt_ctl *ctl, const char *tail)
{
	return lt_xasprintf("%s.v1.%s.%s", ctl->prefix, ctl->lattice, tail);
}

static char *
dup_str(const cJSON *obj, const char *key)
{
	const char *s = lt_json_str(obj, key);

	return lt_xstrdup(s ? s : "");
}

static int64_t
get_int(const cJSON *obj, const char *key, int64_t def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	/* Out-of-range doubles (1e300, NaN) would be undefined to convert. */
	if (!cJSON_IsNumber(v) || !(fabs(v->valuedouble) < 9.2e18))
		return def;
	return (int64_t)v->valuedouble;
}

/* A count the host reports (max_instances, revision): clamped into
 * int64_t, and when it is no integer of that range (1e308, 2.5), its text
 * as the host wrote it in *odd, so it is shown as it is and not as 0. */
static int64_t
get_count(const cJSON *obj, const char *key, char **odd)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char text[64];
	int64_t n = 0;

	*odd = NULL;
	if (lt_json_int(v, INT64_MIN, INT64_MAX, &n) > 0)
		*odd = lt_xstrdup(lt_json_number_text(v, text, sizeof(text)));
	return n;
}

/* A detached copy of an object member, or a new empty object. */
static cJSON *
dup_object(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsObject(v) ? cJSON_Duplicate(v, true) :
	    cJSON_CreateObject();
}

/* Labels and annotations come from the wire: a member with a secret name
 * (a label "password", an annotation "token") is masked as in a payload,
 * so hosts and inventory never print it, in any format. */
static cJSON *
dup_redacted(const cJSON *obj, const char *key)
{
	cJSON *o = dup_object(obj, key);

	lt_redact_json(o, LT_REDACT_SECRETS);
	return o;
}

int
lt_ctl_reply_parse(struct lt_ctl_reply *out, const char *data, size_t len,
    struct lt_error *err)
{
	cJSON *root = lt_json_parse(data, len), *ok;
	const char *msg;

	memset(out, 0, sizeof(*out));
	ok = cJSON_GetObjectItemCaseSensitive(root, "success");
	if (!cJSON_IsObject(root) || !cJSON_IsBool(ok)) {
		cJSON_Delete(root);
		return lt_error_set(err, LT_E_RUNTIME, "reply is not a control "
		    "interface envelope (%zu bytes%s)", len,
		    root ? ", no boolean 'success'" : ", not JSON");
	}
	out->success = cJSON_IsTrue(ok);
	msg = lt_json_str(root, "message");
	if (msg == NULL || (*msg == '\0' && lt_json_str(root, "error")))
		msg = lt_json_str(root, "error");
	out->message = lt_xstrdup(msg ? msg : "");
	out->response = cJSON_DetachItemFromObjectCaseSensitive(root,
	    "response");
	if (cJSON_IsNull(out->response)) {
		cJSON_Delete(out->response);
		out->response = NULL;
	}
	cJSON_Delete(root);
	return 0;
}

void
lt_ctl_reply_release(struct lt_ctl_reply *r)
{
	if (r == NULL)
		return;
	free(r->message);
	cJSON_Delete(r->response);
	memset(r, 0, sizeof(*r));
}

int
lt_ctl_request(struct lt_ctl *ctl, const char *tail, const void *data,
    size_t len, struct lt_ctl_reply *out, struct lt_error *err)
{
	struct lt_buf body = LT_BUF_INIT;
	char *subject = lt_ctl_subject(ctl, tail);
	int rc;

	memset(out, 0, sizeof(*out));
	rc = lt_req(ctl->conn, subject, data, len, NULL, ctl->timeout_ns, &body,
	    err);
	if (rc == 0 && lt_ctl_reply_parse(out, body.buf ? body.buf : "",
	    body.len, err) < 0)
		rc = lt_error_prefix(err, "'%s'", subject);
	lt_buf_release(&body);
	free(subject);
	return rc;
}

int
lt_ctl_host_from_json(struct lt_ctl_host *out, const cJSON *obj,
    struct lt_error *err)
{
	const char *id = lt_json_str(obj, "id");

	memset(out, 0, sizeof(*out));
	if (id == NULL)
		id = lt_json_str(obj, "host_id");
	if (!cJSON_IsObject(obj) || id == NULL || *id == '\0')
		return lt_error_set(err, LT_E_RUNTIME, "host description has no "
		    "'id'");
	out->id = lt_xstrdup(id);
	out->friendly_name = dup_str(obj, "friendly_name");
	out->version = dup_str(obj, "version");
	out->lattice = dup_str(obj, "lattice");
	out->uptime_human = dup_str(obj, "uptime_human");
	out->uptime_seconds = get_int(obj, "uptime_seconds", -1);
	out->labels = dup_redacted(obj, "labels");
	return 0;
}

void
lt_ctl_host_release(struct lt_ctl_host *h)
{
	if (h == NULL)
		return;
	free(h->id);
	free(h->friendly_name);
	free(h->version);
	free(h->lattice);
	free(h->uptime_human);
	cJSON_Delete(h->labels);
	memset(h, 0, sizeof(*h));
}

cJSON *
lt_ctl_host_to_json(const struct lt_ctl_host *h)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", h->id ? h->id : "");
	cJSON_AddStringToObject(o, "friendly_name",
	    h->friendly_name ? h->friendly_name : "");
	cJSON_AddStringToObject(o, "version", h->version ? h->version : "");
	cJSON_AddStringToObject(o, "lattice", h->lattice ? h->lattice : "");
	if (h->uptime_seconds >= 0)
		cJSON_AddNumberToObject(o, "uptime_seconds",
		    (double)h->uptime_seconds);
	cJSON_AddStringToObject(o, "uptime_human",
	    h->uptime_human ? h->uptime_human : "");
	cJSON_AddItemToObject(o, "labels", h->labels ?
	    cJSON_Duplicate(h->labels, true) : cJSON_CreateObject());
	if (h->latency_ns > 0)
		cJSON_AddNumberToObject(o, "latency_ms",
		    (double)h->latency_ns / 1e6);
	return o;
}

struct gather {
	struct lt_ctl_hosts *hosts;
	int64_t start;
	size_t alloc;
};

static void
note_problem(struct lt_ctl_hosts *h, const char *what, const char *why)
{
	if (h->problem[0] == '\0')
		snprintf(h->problem, sizeof(h->problem), "%s: %s", what, why);
}

static void
on_ping_reply(void *ud, const char *data, size_t len)
{
	struct gather *g = ud;
	struct lt_ctl_hosts *h = g->hosts;
	struct lt_ctl_reply r;
	struct lt_error e = LT_ERROR_INIT;
	struct lt_ctl_host host;

	if (lt_ctl_reply_parse(&r, data, len, &e) < 0) {
		h->invalid++;
		note_problem(h, "invalid ping reply", e.msg);
		return;
	}
	if (!r.success) {
		h->refused++;
		note_problem(h, "host refused ping", r.message);
	} else if (lt_ctl_host_from_json(&host, r.response, &e) < 0) {
		h->invalid++;
		note_problem(h, "invalid ping reply", e.msg);
	} else {
		if (h->n == g->alloc) {
			g->alloc = g->alloc ? g->alloc * 2 : 8;
			h->v = lt_xrealloc(h->v, g->alloc * sizeof(*h->v));
		}
		host.latency_ns = lt_mono_ns() - g->start;
		h->v[h->n++] = host;
	}
	lt_ctl_reply_release(&r);
}

static int
host_cmp(const void *a, const void *b)
{
	const struct lt_ctl_host *x = a, *y = b;
	int c = strcmp(x->friendly_name, y->friendly_name);

	return c ? c : strcmp(x->id, y->id);
}

int
lt_ctl_ping(struct lt_ctl *ctl, struct lt_ctl_hosts *out, struct lt_error *err)
{
	struct gather g = { out, 0, 0 };
	char *subject = lt_ctl_subject(ctl, "host.ping");
	int rc;

	memset(out, 0, sizeof(*out));
	g.start = lt_mono_ns();
	rc = lt_req_gather(ctl->conn, subject, "", 0,
	    ctl->gather_ns ? ctl->gather_ns : ctl->timeout_ns, ctl->quiet_ns,
	    0, on_ping_reply, &g, err);
	free(subject);
	if (rc < 0) {
		lt_ctl_hosts_release(out);
		return -1;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), host_cmp);
	return 0;
}

void
lt_ctl_hosts_release(struct lt_ctl_hosts *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->n; i++)
		lt_ctl_host_release(&h->v[i]);
	free(h->v);
	memset(h, 0, sizeof(*h));
}

const char *
lt_ctl_via_name(enum lt_ctl_ref_via via)
{
	switch (via) {
	case LT_CTL_VIA_INVENTORY:
		return "inventory";
	case LT_CTL_VIA_MANIFEST:
		return "manifest";
	case LT_CTL_VIA_LINK_SOURCE:
		return "link-source";
	case LT_CTL_VIA_LINK_TARGET:
		return "link-target";
	}
	return "unknown";
}

void
lt_ctl_workload_add_config(struct lt_ctl_workload *w, const char *name,
    enum lt_ctl_ref_via via)
{
	size_t i;

	if (name == NULL || *name == '\0')
		return;
	for (i = 0; i < w->nconfigs; i++)
		if (!strcmp(w->configs[i].name, name))
			return;
	w->configs = lt_xrealloc(w->configs,
	    (w->nconfigs + 1) * sizeof(*w->configs));
	w->configs[w->nconfigs].name = lt_xstrdup(name);
	w->configs[w->nconfigs].via = via;
	w->configs[w->nconfigs].state = LT_CTL_CONFIG_UNCHECKED;
	w->nconfigs++;
}

/* Config names an inventory entry may carry (not in the upstream
 * HostInventory, but simulators and future hosts may list them). */
static void
add_listed_configs(struct lt_ctl_workload *w, const cJSON *entry)
{
	static const char *const keys[] = { "config", "configs" };
	const cJSON *arr, *it;
	size_t k;

	for (k = 0; k < LT_ARRAY_SIZE(keys); k++) {
		arr = cJSON_GetObjectItemCaseSensitive(entry, keys[k]);
		cJSON_ArrayForEach(it, arr)
			if (cJSON_IsString(it))
				lt_ctl_workload_add_config(w, it->valuestring,
				    LT_CTL_VIA_INVENTORY);
	}
}

static int
workload_from_json(struct lt_ctl_workload *w, enum lt_ctl_kind kind,
    const cJSON *e)
{
	const char *id = lt_json_str(e, "id");

	memset(w, 0, sizeof(*w));
	if (!cJSON_IsObject(e) || id == NULL)
		return -1;
	w->kind = kind;
	w->id = lt_xstrdup(id);
	w->image_ref = dup_str(e, "image_ref");
	w->name = dup_str(e, "name");
	w->revision = get_count(e, "revision", &w->revision_text);
	w->max_instances = -1;
	if (kind == LT_CTL_COMPONENT)
		w->max_instances = get_count(e, "max_instances",
		    &w->max_instances_text);
	w->annotations = dup_redacted(e, "annotations");
	add_listed_configs(w, e);
	return 0;
}

static void
workload_release(struct lt_ctl_workload *w)
{
	size_t i;

	free(w->id);
	free(w->image_ref);
	free(w->name);
	free(w->revision_text);
	free(w->max_instances_text);
	cJSON_Delete(w->annotations);
	for (i = 0; i < w->nconfigs; i++)
		free(w->configs[i].name);
	free(w->configs);
}

static int
workloads_from_json(struct lt_ctl_workload **out, size_t *n,
    enum lt_ctl_kind kind, const cJSON *arr, struct lt_error *err)
{
	const cJSON *it;
	int size = cJSON_GetArraySize(arr);

	*out = NULL;
	*n = 0;
	if (arr != NULL && !cJSON_IsArray(arr))
		return lt_error_set(err, LT_E_RUNTIME, "inventory '%s' is not "
		    "an array", kind == LT_CTL_COMPONENT ? "components" :
		    "providers");
	if (size == 0)
		return 0;
	*out = lt_xcalloc((size_t)size, sizeof(**out));
	cJSON_ArrayForEach(it, arr) {
		if (workload_from_json(&(*out)[*n], kind, it) < 0)
			return lt_error_set(err, LT_E_RUNTIME, "inventory entry "
			    "%zu has no 'id'", *n + 1);
		(*n)++;
	}
	return 0;
}

int
lt_ctl_inventory_from_json(struct lt_ctl_inventory *out, const cJSON *obj,
    struct lt_error *err)
{
	const cJSON *comps;

	memset(out, 0, sizeof(*out));
	if (lt_ctl_host_from_json(&out->host, obj, err) < 0)
		return lt_error_prefix(err, "inventory");
	comps = cJSON_GetObjectItemCaseSensitive(obj, "components");
	if (comps == NULL)
		comps = cJSON_GetObjectItemCaseSensitive(obj, "actors");
	if (workloads_from_json(&out->components, &out->ncomponents,
	    LT_CTL_COMPONENT, comps, err) < 0 ||
	    workloads_from_json(&out->providers, &out->nproviders,
	    LT_CTL_PROVIDER, cJSON_GetObjectItemCaseSensitive(obj, "providers"),
	    err) < 0) {
		lt_ctl_inventory_release(out);
		return -1;
	}
	return 0;
}

void
lt_ctl_inventory_release(struct lt_ctl_inventory *inv)
{
	size_t i;

	if (inv == NULL)
		return;
	lt_ctl_host_release(&inv->host);
	for (i = 0; i < inv->ncomponents; i++)
		workload_release(&inv->components[i]);
	for (i = 0; i < inv->nproviders; i++)
		workload_release(&inv->providers[i]);
	free(inv->components);
	free(inv->providers);
	memset(inv, 0, sizeof(*inv));
}

int
lt_ctl_inventory_get(struct lt_ctl *ctl, const char *host_id,
    struct lt_ctl_inventory *out, struct lt_error *err)
{
	struct lt_ctl_reply r;
	char *tail = lt_xasprintf("host.get.%s", host_id);
	int rc;

	memset(out, 0, sizeof(*out));
	rc = lt_ctl_request(ctl, tail, "", 0, &r, err);
	free(tail);
	if (rc < 0)
		return -1;
	if (!r.success)
		rc = lt_error_set(err, LT_E_RUNTIME, "host '%s' refused its "
		    "inventory: %s", host_id, r.message);
	else if (r.response == NULL)
		rc = lt_error_set(err, LT_E_RUNTIME, "host '%s' sent an empty "
		    "inventory", host_id);
	else
		rc = lt_ctl_inventory_from_json(out, r.response, err);
	if (rc == 0 && (out->host.lattice == NULL || !*out->host.lattice)) {
		/* host.get's reply names no lattice: it is the one asked */
		free(out->host.lattice);
		out->host.lattice = lt_xstrdup(ctl->lattice);
	}
	lt_ctl_reply_release(&r);
	return rc;
}

static const char *
state_name(enum lt_ctl_ref_state s)
{
	return s == LT_CTL_CONFIG_PRESENT ? "present" :
	    s == LT_CTL_CONFIG_MISSING ? "missing" : "unchecked";
}

/* A count as a number node, printed (lt_json_print) as the host wrote it
 * when that was odd. */
static cJSON *
count_json(int64_t n, const char *odd)
{
	cJSON *v = cJSON_CreateNumber((double)n);

	if (odd) {
		v->valuedouble = strtod(odd, NULL);
		v->valuestring = lt_xstrdup(odd);
	}
	return v;
}

static cJSON *
workload_to_json(const struct lt_ctl_workload *w)
{
	cJSON *o = cJSON_CreateObject(), *cfgs = cJSON_CreateArray();
	size_t i;

	cJSON_AddStringToObject(o, "id", w->id);
	cJSON_AddStringToObject(o, "image_ref", w->image_ref);
	cJSON_AddStringToObject(o, "name", w->name);
	cJSON_AddItemToObject(o, "revision", count_json(w->revision,
	    w->revision_text));
	if (w->kind == LT_CTL_COMPONENT)
		cJSON_AddItemToObject(o, "max_instances",
		    count_json(w->max_instances, w->max_instances_text));
	cJSON_AddItemToObject(o, "annotations",
	    cJSON_Duplicate(w->annotations, true));
	for (i = 0; i < w->nconfigs; i++) {
		cJSON *c = cJSON_CreateObject();

		cJSON_AddStringToObject(c, "name", w->configs[i].name);
		cJSON_AddStringToObject(c, "via",
		    lt_ctl_via_name(w->configs[i].via));
		cJSON_AddStringToObject(c, "state",
		    state_name(w->configs[i].state));
		cJSON_AddItemToArray(cfgs, c);
	}
	cJSON_AddItemToObject(o, "configs", cfgs);
	return o;
}

cJSON *
lt_ctl_inventory_to_json(const struct lt_ctl_inventory *inv)
{
	cJSON *o = lt_ctl_host_to_json(&inv->host);
	cJSON *comps = cJSON_AddArrayToObject(o, "components");
	cJSON *provs = cJSON_AddArrayToObject(o, "providers");
	size_t i;

	for (i = 0; i < inv->ncomponents; i++)
		cJSON_AddItemToArray(comps, workload_to_json(&inv->components[i]));
	for (i = 0; i < inv->nproviders; i++)
		cJSON_AddItemToArray(provs, workload_to_json(&inv->providers[i]));
	return o;
}

struct lt_ctl_workload *
lt_ctl_inventory_find(const struct lt_ctl_inventory *inv, const char *id)
{
	size_t i;

	if (id == NULL)
		return NULL;
	for (i = 0; i < inv->ncomponents; i++)
		if (!strcmp(inv->components[i].id, id))
			return &inv->components[i];
	for (i = 0; i < inv->nproviders; i++)
		if (!strcmp(inv->providers[i].id, id))
			return &inv->providers[i];
	return NULL;
}

static void
add_name_array(struct lt_ctl_workload *w, const cJSON *arr,
    enum lt_ctl_ref_via via)
{
	const cJSON *it;

	if (w == NULL)
		return;
	cJSON_ArrayForEach(it, arr)
		if (cJSON_IsString(it))
			lt_ctl_workload_add_config(w, it->valuestring, via);
}

void
lt_ctl_inventory_add_link_configs(struct lt_ctl_inventory *inv,
    const cJSON *links)
{
	const cJSON *l;

	cJSON_ArrayForEach(l, links) {
		add_name_array(lt_ctl_inventory_find(inv, lt_json_str(l, "source_id")),
		    cJSON_GetObjectItemCaseSensitive(l, "source_config"),
		    LT_CTL_VIA_LINK_SOURCE);
		add_name_array(lt_ctl_inventory_find(inv, lt_json_str(l, "target")),
		    cJSON_GetObjectItemCaseSensitive(l, "target_config"),
		    LT_CTL_VIA_LINK_TARGET);
	}
}

int
lt_ctl_config_get(struct lt_ctl *ctl, const char *name, cJSON **map,
    struct lt_error *err)
{
	struct lt_ctl_reply r;
	char *tail = lt_xasprintf("config.get.%s", name);
	int rc;

	*map = NULL;
	rc = lt_ctl_request(ctl, tail, "", 0, &r, err);
	free(tail);
	if (rc < 0)
		return -1;
	/* A missing config is success:true without a response (host 1.x). */
	if (!r.success)
		rc = lt_error_set(err, LT_E_RUNTIME, "config.get '%s' failed: %s",
		    name, r.message);
	else if (r.response == NULL &&
	    lt_str_icontains(r.message, "not found"))
		rc = 0;
	else {
		*map = r.response;
		r.response = NULL;
		rc = 1;
	}
	lt_ctl_reply_release(&r);
	return rc;
}

/* Read the KV stream's last message for name. 1 present, 0 missing, -1
 * when JetStream did not give an answer (err set). */
static int
kv_last(struct lt_ctl *ctl, const char *name, struct lt_error *err)
{
	struct lt_buf reply = LT_BUF_INIT, hdrs = LT_BUF_INIT;
	char *subject = lt_xasprintf("$JS.API.STREAM.MSG.GET.KV_CONFIGDATA_%s",
	    ctl->lattice);
	char *body = lt_xasprintf("{\"last_by_subj\":\"$KV.CONFIGDATA_%s.%s\"}",
	    ctl->lattice, name);
	cJSON *doc = NULL, *msg;
	const char *h;
	int rc = -1;

	if (lt_req(ctl->conn, subject, body, strlen(body), NULL, ctl->timeout_ns,
	    &reply, err) == 0)
		doc = cJSON_ParseWithLength(reply.buf ? reply.buf : "", reply.len);
	msg = cJSON_GetObjectItemCaseSensitive(doc, "message");
	if (cJSON_IsObject(msg)) {
		h = lt_json_str(msg, "hdrs");
		rc = !(h && lt_base64_decode(h, strlen(h), &hdrs) == 0 &&
		    lt_str_icontains(lt_buf_str(&hdrs), "KV-Operation"));
	} else if (cJSON_GetObjectItemCaseSensitive(doc, "error")) {
		rc = 0;	/* no message for the key, or no bucket at all */
	} else if (doc) {
		lt_error_set(err, LT_E_RUNTIME, "unexpected reply on '%s'",
		    subject);
	}
	cJSON_Delete(doc);
	lt_buf_release(&reply);
	lt_buf_release(&hdrs);
	free(subject);
	free(body);
	return rc;
}

int
lt_ctl_config_exists(struct lt_ctl *ctl, const char *name,
    struct lt_error *err)
{
	cJSON *map = NULL;
	int rc = kv_last(ctl, name, err);

	if (rc >= 0)
		return rc;
	rc = lt_ctl_config_get(ctl, name, &map, err);
	cJSON_Delete(map);
	return rc;
}

int
lt_ctl_link_get(struct lt_ctl *ctl, cJSON **links, struct lt_error *err)
{
	struct lt_ctl_reply r;

	*links = NULL;
	if (lt_ctl_request(ctl, "link.get", "", 0, &r, err) < 0)
		return -1;
	if (!r.success) {
		lt_error_set(err, LT_E_RUNTIME, "link.get failed: %s", r.message);
		lt_ctl_reply_release(&r);
		return -1;
	}
	if (cJSON_IsArray(r.response)) {
		*links = r.response;
		r.response = NULL;
	} else {
		*links = cJSON_CreateArray();
	}
	lt_ctl_reply_release(&r);
	return 0;
}

/* wadm API request on wadm.api.{L}.{tail}; the reply document or NULL
 * (no wadm, timeout, or not JSON). */
static cJSON *
wadm_query(struct lt_ctl *ctl, const char *tail, const char *body,
    struct lt_error *err)
{
	struct lt_buf reply = LT_BUF_INIT;
	char *subject = lt_xasprintf("wadm.api.%s.%s", ctl->lattice, tail);
	cJSON *doc = NULL;

	if (lt_req(ctl->conn, subject, body, strlen(body), NULL,
	    ctl->timeout_ns, &reply, err) == 0)
		doc = lt_json_parse(reply.buf ? reply.buf : "", reply.len);
	lt_buf_release(&reply);
	free(subject);
	return doc;
}

/* The deployed version of app from a model.get (list) reply, or NULL. */
static const char *
deployed_version(const cJSON *list, const char *app)
{
	const cJSON *models = cJSON_GetObjectItemCaseSensitive(list, "models");
	const cJSON *m;

	if (cJSON_IsArray(list))
		models = list;	/* deprecated model.list shape */
	cJSON_ArrayForEach(m, models) {
		const char *name = lt_json_str(m, "name");
		const char *v = lt_json_str(m, "deployed_version");

		if (name && !strcmp(name, app) && v && *v)
			return v;
	}
	return NULL;
}

static void
add_manifest_refs(struct lt_ctl_inventory *inv, const struct lt_manifest *m)
{
	size_t i, j, k;

	for (i = 0; i < m->ncomponents; i++) {
		const struct lt_manifest_component *c = &m->components[i];
		struct lt_ctl_workload *w = lt_ctl_inventory_find(inv, c->id);

		for (j = 0; w && j < c->config.n; j++)
			lt_ctl_workload_add_config(w, c->config.v[j].stored_name,
			    LT_CTL_VIA_MANIFEST);
		for (j = 0; w && j < c->secrets.n; j++)
			lt_ctl_workload_add_config(w, c->secrets.v[j].stored_name,
			    LT_CTL_VIA_MANIFEST);
		for (j = 0; j < c->nlinks; j++) {
			const struct lt_manifest_link *l = &c->links[j];
			struct lt_ctl_workload *t = lt_ctl_inventory_find(inv,
			    l->target_id);

			for (k = 0; w && k < l->source_config.n; k++)
				lt_ctl_workload_add_config(w,
				    l->source_config.v[k].stored_name,
				    LT_CTL_VIA_MANIFEST);
			for (k = 0; t && k < l->target_config.n; k++)
				lt_ctl_workload_add_config(t,
				    l->target_config.v[k].stored_name,
				    LT_CTL_VIA_MANIFEST);
		}
	}
}

int
lt_ctl_wadm_manifest(struct lt_ctl *ctl, const char *app, const char *version,
    struct lt_manifest **out, struct lt_error *err)
{
	cJSON *doc, *man, *req = cJSON_CreateObject();
	char *tail = lt_xasprintf("model.get.%s", app), *body, *text;
	int rc = -1;

	*out = NULL;
	cJSON_AddStringToObject(req, "version", version);
	body = cJSON_PrintUnformatted(req);
	doc = wadm_query(ctl, tail, body, err);
	man = cJSON_GetObjectItemCaseSensitive(doc, "manifest");
	text = lt_json_print_kept(man, false);
	if (text)
		rc = lt_manifest_parse(text, strlen(text), app, out, err);
	else if (doc)
		lt_error_set(err, LT_E_RUNTIME, "wadm model.get '%s' %s: no "
		    "manifest in the reply", app, version);
	cJSON_free(text);
	cJSON_Delete(doc);
	cJSON_Delete(req);
	cJSON_free(body);
	free(tail);
	return rc;
}

/* Fetch app's deployed manifest and add its references. 1 when read. */
static int
manifest_refs_for(struct lt_ctl *ctl, struct lt_ctl_inventory *inv,
    const cJSON *list, const char *app)
{
	struct lt_error e = LT_ERROR_INIT;
	struct lt_manifest *m = NULL;
	const char *ver = deployed_version(list, app);

	if (ver == NULL || lt_ctl_wadm_manifest(ctl, app, ver, &m, &e) < 0)
		return 0;
	add_manifest_refs(inv, m);
	lt_manifest_destroy(m);
	return 1;
}

/* Apps named by the appspec annotations, each once. */
static size_t
collect_apps(const struct lt_ctl_inventory *inv, const char **apps,
    size_t max)
{
	size_t n = 0, i, j, total = inv->ncomponents + inv->nproviders;

	for (i = 0; i < total; i++) {
		const struct lt_ctl_workload *w = i < inv->ncomponents ?
		    &inv->components[i] : &inv->providers[i - inv->ncomponents];
		const char *app = lt_json_str(w->annotations, APPSPEC);

		for (j = 0; app && j < n; j++)
			if (!strcmp(apps[j], app))
				break;
		if (app && j == n && n < max)
			apps[n++] = app;
	}
	return n;
}

int
lt_ctl_inventory_add_manifest_configs(struct lt_ctl *ctl,
    struct lt_ctl_inventory *inv, struct lt_error *err)
{
	const char *apps[64];
	size_t napps = collect_apps(inv, apps, LT_ARRAY_SIZE(apps)), i;
	struct lt_error e = LT_ERROR_INIT;
	cJSON *list;
	int read = 0;

	(void)err;
	if (napps == 0)
		return 0;
	list = wadm_query(ctl, "model.get", "", &e);
	if (list == NULL)
		return 0;
	for (i = 0; i < napps; i++)
		read += manifest_refs_for(ctl, inv, list, apps[i]);
	cJSON_Delete(list);
	return read;
}
