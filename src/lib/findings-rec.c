/* findings-rec.c: the findings engine's records in (findings-priv.h;
 * docs/architecture.md, Findings): config deletions and puts, events,
 * ctl scale requests and replies, wadm commands, status and requests,
 * KV changes (CONFIGDATA, wadm_state), snapshots, reports and probes,
 * and the rules one record decides. */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/json.h"
#include "latticectl/util.h"
#include "findings-priv.h"
#include "banned.h"

/* The app an event is about: its component or provider id in a target,
 * else its wasmcloud.dev/appspec annotation. */
static const char *
app_of_data(struct lt_findings *e, const cJSON *data, const char *id)
{
	struct fapp *a = fnd_app_of_id(e, id);
	const char *spec = lt_json_str(cJSON_GetObjectItemCaseSensitive(data,
	    "annotations"), "wasmcloud.dev/appspec");

	return a ? a->name : spec ? spec : "";
}

/* --- config deletions ---------------------------------------------- */

static void
push_seq(cJSON *obj, const char *key, double seq)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!a)
		a = cJSON_AddArrayToObject(obj, key);
	cJSON_AddItemToArray(a, cJSON_CreateNumber(seq));
}

/* "by 2 DeleteConfig commands" / "by a ctl config.del request" / "" */
static void
deleted_by(const cJSON *cmds, const cJSON *ctl, struct lt_buf *b)
{
	int n = cJSON_GetArraySize(cmds);

	if (n == 1)
		lt_buf_addf(b, " (by the DeleteConfig command)");
	else if (n > 1)
		lt_buf_addf(b, " (by %d DeleteConfig commands)", n);
	else if (ctl)
		lt_buf_addf(b, " (by a ctl config.del request)");
}

/* Fire or refresh config-deleted-while-referenced for config: the title
 * and evidence follow what is known so far. */
static void
refresh_deletion(struct lt_findings *e, const char *config)
{
	const cJSON *dels = cJSON_GetObjectItemCaseSensitive(e->deletions,
	    config);
	const cJSON *cmds = cJSON_GetObjectItemCaseSensitive(e->delete_cmds,
	    config);
	const cJSON *ctl = cJSON_GetObjectItemCaseSensitive(e->ctl_dels, config);
	const cJSON *back = cJSON_GetObjectItemCaseSensitive(e->restored,
	    config);
	struct lt_buf who = LT_BUF_INIT, title = LT_BUF_INIT;
	struct fapp *a;
	const cJSON *s;
	cJSON *fi;
	size_t n;

	if (!dels || !(a = fnd_app_of_config(e, config, &who, &n))) {
		lt_buf_release(&who);
		return;
	}
	lt_buf_addf(&title, "config %s was deleted while the manifest "
	    "references it (component%s %s)", config, n == 1 ? "" : "s",
	    lt_buf_str(&who));
	deleted_by(cmds, ctl, &title);
	if (back)
		lt_buf_addf(&title, "; it was put back later");
	fi = fnd_fire(e, R_CONFIG_DELETED, true, a->name, config, NULL, "%s",
	    lt_buf_str(&title));
	fnd_update(e, fi, !back, lt_buf_str(&title));
	cJSON_ReplaceItemInObjectCaseSensitive(fi, "next", cJSON_CreateString(
	    back ? "nothing is missing now; components that started meanwhile "
	    "ran without it, so check their logs" :
	    lt_findings_rules[R_CONFIG_DELETED].next));
	cJSON_ReplaceItemInObjectCaseSensitive(fi, "evidence",
	    cJSON_CreateArray());
	cJSON_ArrayForEach(s, cmds)
		fnd_evidence(fi, s->valuedouble);
	if (!cmds && ctl)
		fnd_evidence(fi, ctl->valuedouble);
	cJSON_ArrayForEach(s, dels)
		fnd_evidence(fi, s->valuedouble);
	if (back)
		fnd_evidence(fi, back->valuedouble);
	lt_buf_release(&who);
	lt_buf_release(&title);
}

static void
config_gone(struct lt_findings *e, const char *config, double seq)
{
	if (!config)
		return;
	cJSON_DeleteItemFromObjectCaseSensitive(e->configs, config);
	if (!cJSON_HasObjectItem(e->absent, config))
		cJSON_AddNumberToObject(e->absent, config, seq);
	if (!fnd_app_of_config(e, config, NULL, NULL))
		return;
	push_seq(e->deletions, config, seq);
	cJSON_DeleteItemFromObjectCaseSensitive(e->restored, config);
	refresh_deletion(e, config);
}

static void
config_put(struct lt_findings *e, const char *config, const cJSON *value,
    double seq)
{
	cJSON *c;

	if (!config)
		return;
	c = cJSON_CreateObject();
	cJSON_AddNumberToObject(c, "seq", seq);
	if (value)
		cJSON_AddItemToObject(c, "value", cJSON_Duplicate(value, 1));
	cJSON_DeleteItemFromObjectCaseSensitive(e->configs, config);
	cJSON_AddItemToObject(e->configs, config, c);
	cJSON_DeleteItemFromObjectCaseSensitive(e->absent, config);
	if (!cJSON_GetObjectItemCaseSensitive(e->deletions, config))
		return;
	cJSON_DeleteItemFromObjectCaseSensitive(e->restored, config);
	cJSON_AddNumberToObject(e->restored, config, seq);
	refresh_deletion(e, config);
}

/* --- events -------------------------------------------------------- */

static const char *
event_type(const cJSON *rec)
{
	const char *t = lt_json_str(cJSON_GetObjectItemCaseSensitive(rec,
	    "event"), "type");
	const char *dot;

	if (!t)
		return "";
	dot = strrchr(t, '.');
	return dot ? dot + 1 : t;
}

static const cJSON *
event_data(const cJSON *rec)
{
	return cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(rec, "event"), "data");
}

/* The host an event is from: data.host_id, else the CloudEvent source. */
static const char *
event_host(const cJSON *rec)
{
	const char *h = lt_json_str(event_data(rec), "host_id");

	return h ? h : lt_json_str(cJSON_GetObjectItemCaseSensitive(rec,
	    "event"), "source");
}

/* A failure event: one finding per distinct title, each repeat adds its
 * evidence and "(N times)" to the title (wadm retries a failing link on
 * every health check). */
static void
failure(struct lt_findings *e, enum frule rule, const cJSON *rec,
    const char *type, const char *what)
{
	const cJSON *data = event_data(rec);
	const char *err = lt_json_str(data, "error");
	char *title = lt_xasprintf("%s for %s: %s", type, fnd_str_or(what, "?"),
	    fnd_str_or(err, "(no error text)"));
	char *subject = lt_xasprintf("%s: %.200s", fnd_str_or(what, "?"),
	    fnd_str_or(err, ""));
	bool fresh;
	cJSON *fi = fnd_fire(e, rule, true, app_of_data(e, data, what), subject,
	    &fresh, "%s", title);
	int n;

	fnd_evidence(fi, fnd_seq(rec));
	n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(fi,
	    "evidence"));
	if (!fresh && n > 1) {
		char *counted = lt_xasprintf("%s (%d times)", title, n);

		fnd_update(e, fi, true, counted);
		free(counted);
	}
	free(title);
	free(subject);
}

static void
note_scale_event(struct lt_findings *e, const char *comp, double seq)
{
	int i;

	for (i = 0; comp && i < e->nscales; i++)
		if (e->scales[i].component && e->scales[i].event_seq == 0 &&
		    !strcmp(e->scales[i].component, comp))
			e->scales[i].event_seq = seq;
}

/* scaler-conflict: component_scaled for one component and host whose
 * scaler (annotations) and count both change, back and forth. */
static void
note_scaler(struct lt_findings *e, const cJSON *rec, const char *comp)
{
	const cJSON *data = event_data(rec);
	const cJSON *ann = cJSON_GetObjectItemCaseSensitive(data, "annotations");
	char *key = lt_xasprintf("%s@%s", comp, fnd_str_or(event_host(rec), "?"));
	char *src = lt_xasprintf("%s/%s", fnd_str_or(lt_json_str(ann,
	    "wasmcloud.dev/appspec"), "-"), fnd_str_or(lt_json_str(ann,
	    "wasmcloud.dev/scaler"), "-"));
	double count = lt_json_num(data, "max_instances", -1);
	cJSON *s = cJSON_GetObjectItemCaseSensitive(e->scalers, key);
	const cJSON *ev;

	if (!s) {
		s = cJSON_AddObjectToObject(e->scalers, key);
		cJSON_AddItemToObject(s, "ev", cJSON_CreateArray());
	} else if (strcmp(lt_json_str(s, "src"), src) &&
	    lt_json_num(s, "n", -1) != count && count > 0 &&
	    lt_json_num(s, "n", -1) > 0) {
		cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(s, "ev"),
		    cJSON_CreateNumber(fnd_seq(rec)));
		if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(s,
		    "ev")) >= 3) {
			cJSON *fi = fnd_fire(e, R_SCALER_CONFLICT, true,
			    app_of_data(e, data, comp), key, NULL, "component %s "
			    "on host %.8s flaps between scalers: the count went "
			    "back and forth %d times", comp, fnd_str_or(event_host(rec),
			    "?"), cJSON_GetArraySize(
			    cJSON_GetObjectItemCaseSensitive(s, "ev")));

			cJSON_ArrayForEach(ev, cJSON_GetObjectItemCaseSensitive(s,
			    "ev"))
				fnd_evidence(fi, ev->valuedouble);
		}
	}
	cJSON_DeleteItemFromObjectCaseSensitive(s, "src");
	cJSON_DeleteItemFromObjectCaseSensitive(s, "n");
	cJSON_AddStringToObject(s, "src", src);
	cJSON_AddNumberToObject(s, "n", count);
	free(key);
	free(src);
}

/* A host's latest report of what runs on it (heartbeat or inventory). */
static void
note_report(struct lt_findings *e, const char *host, const cJSON *inv,
    const cJSON *rec)
{
	cJSON *r;

	if (!host || !cJSON_IsObject(inv))
		return;
	r = cJSON_CreateObject();
	cJSON_AddNumberToObject(r, "seq", fnd_seq(rec));
	cJSON_AddItemToObject(r, "components", cJSON_Duplicate(
	    cJSON_GetObjectItemCaseSensitive(inv, cJSON_HasObjectItem(inv,
	    "components") ? "components" : "actors"), 1));
	cJSON_AddItemToObject(r, "providers", cJSON_Duplicate(
	    cJSON_GetObjectItemCaseSensitive(inv, "providers"), 1));
	cJSON_DeleteItemFromObjectCaseSensitive(e->reports, host);
	cJSON_AddItemToObject(e->reports, host, r);
}

static void
note_heartbeat(struct lt_findings *e, const char *host, const cJSON *rec,
    bool stopped)
{
	cJSON *h = cJSON_GetObjectItemCaseSensitive(e->hosts, host);
	double t = (double)e->last_rec;
	double last;

	if (!h) {
		h = cJSON_AddObjectToObject(e->hosts, host);
		cJSON_AddNumberToObject(h, "t", 0);
		cJSON_AddNumberToObject(h, "interval", 0);
		cJSON_AddNumberToObject(h, "seq", 0);
	}
	last = lt_json_num(h, "t", 0);
	if (last > 0 && t > last && !stopped)
		cJSON_ReplaceItemInObjectCaseSensitive(h, "interval",
		    cJSON_CreateNumber((double)t - last));
	cJSON_ReplaceItemInObjectCaseSensitive(h, "t", cJSON_CreateNumber(t));
	cJSON_ReplaceItemInObjectCaseSensitive(h, "seq", cJSON_CreateNumber(
	    fnd_seq(rec)));
	cJSON_DeleteItemFromObjectCaseSensitive(h, "stopped");
	if (stopped)
		cJSON_AddTrueToObject(h, "stopped");
}

/* A manifest seen on the wire (JSON) becomes its app's target; the
 * engine owns the parsed form. NULL when it is not one. */
static struct fapp *
adopt(struct lt_findings *e, const cJSON *json, const char *what)
{
	char *text = cJSON_IsObject(json) ? cJSON_PrintUnformatted(json) : NULL;
	struct lt_error err = LT_ERROR_INIT;
	struct lt_manifest *m = NULL;
	struct fapp *a = NULL;

	if (text && e->nowned < FND_MAX_MANIFESTS && lt_manifest_parse(text,
	    strlen(text), what, &m, &err) == 0 && m->name) {
		e->owned = lt_xrealloc(e->owned, (e->nowned + 1) *
		    sizeof(*e->owned));
		e->owned[e->nowned++] = m;
		a = fnd_set_target(e, m, true);
	} else
		lt_manifest_destroy(m);
	free(text);
	return a;
}

/* manifest_published: data is the manifest; it becomes its app's target
 * and a deploy to hear wadm about. */
static void
published(struct lt_findings *e, const cJSON *rec)
{
	struct fapp *a = adopt(e, event_data(rec), "manifest_published");

	if (a) {
		a->deploy_t = e->last_rec;
		a->deploy_seq = fnd_seq(rec);
	}
}

/* A component_scaled after wadm's ScaleComponent for the target's image
 * that carries another image: the host kept the old one (wadm 0.21
 * scales instead of updating; docs/protocol.md). Without the host's own
 * reply (ctl traffic not observed) this is how it shows. */
static void
kept_image(struct lt_findings *e, const cJSON *rec, const char *comp,
    const char *host)
{
	const cJSON *data = event_data(rec);
	const char *img = lt_json_str(data, "image_ref");
	struct fapp *a = fnd_app_of_id(e, comp);
	const struct lt_manifest_component *c = a ?
	    lt_manifest_find_id(a->target, comp) : NULL;
	char *key = lt_xasprintf("%s@%s", comp, fnd_str_or(host, "?"));
	const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(e->scale_cmds, key);
	cJSON *fi;

	if (cmd && c && c->image && img && lt_json_num(data, "max_instances",
	    0) > 0 && !strcmp(lt_json_str(cmd, "ref"), c->image) &&
	    strcmp(img, c->image) && (!(fi = fnd_find(e, R_IMAGE_NOT_UPDATED,
	    a->name, comp)) || fnd_gone(fi))) {
		fi = fnd_fire(e, R_IMAGE_NOT_UPDATED, true, a->name, key, NULL,
		    "host %.8s kept %s for %s although wadm asked for %s "
		    "(its component_scaled carries the old image)",
		    fnd_str_or(host, "?"), img, comp, c->image);
		fnd_evidence(fi, lt_json_num(cmd, "seq", 0));
		fnd_evidence(fi, fnd_seq(rec));
	}
	cJSON_DeleteItemFromObjectCaseSensitive(e->scale_cmds, key);
	free(key);
}

static void
on_event(struct lt_findings *e, const cJSON *rec)
{
	const char *type = event_type(rec);
	const cJSON *data = event_data(rec);
	const char *comp = lt_json_str(data, "component_id");
	const char *prov = lt_json_str(data, "provider_id");
	const char *host = event_host(rec);
	double seq = fnd_seq(rec);

	if (!strcmp(type, "config_deleted"))
		config_gone(e, lt_json_str(data, "config_name"), seq);
	else if (!strcmp(type, "component_scaled") && comp) {
		note_scale_event(e, comp, seq);
		note_scaler(e, rec, comp);
		kept_image(e, rec, comp, host);
	} else if (!strcmp(type, "component_scale_failed")) {
		note_scale_event(e, comp, seq);
		failure(e, R_SCALE_FAILED, rec, type, comp);
	} else if (!strcmp(type, "linkdef_set_failed"))
		failure(e, R_LINK_FAILED, rec, type, lt_json_str(data,
		    "source_id"));
	else if (!strcmp(type, "provider_start_failed"))
		failure(e, R_PROVIDER_START_FAILED, rec, type, prov);
	else if ((!strcmp(type, "health_check_failed") ||
	    !strcmp(type, "health_check_passed")) && prov && host) {
		char *subject = lt_xasprintf("%s@%s", prov, host);
		bool failed = !strcmp(type, "health_check_failed");
		cJSON *fi = failed ? fnd_fire(e, R_PROVIDER_UNHEALTHY, true,
		    app_of_data(e, data, prov), subject, NULL, "provider %s on "
		    "host %.8s failed its health check", prov, host) :
		    fnd_find(e, R_PROVIDER_UNHEALTHY, app_of_data(e, data, prov),
		    subject);
		char *title = lt_xasprintf("provider %s on host %.8s failed its "
		    "health check%s", prov, host, failed ? "" :
		    "; it passed again later");

		if (fi) {
			fnd_update(e, fi, failed, title);
			fnd_evidence(fi, seq);
		}
		free(title);
		free(subject);
	} else if (!strcmp(type, "host_heartbeat") && host) {
		note_report(e, host, data, rec);
		note_heartbeat(e, host, rec, false);
	} else if (!strcmp(type, "host_started") && host)
		note_heartbeat(e, host, rec, false);
	else if (!strcmp(type, "host_stopped") && host) {
		note_heartbeat(e, host, rec, true);
		cJSON_DeleteItemFromObjectCaseSensitive(e->reports, host);
		fnd_host_lost(e, host, seq, "stopped");
	} else if (!strcmp(type, "manifest_published"))
		published(e, rec);
	else if (!strcmp(type, "manifest_unpublished")) {
		struct fapp *a = fnd_app_get(e, fnd_str_or(lt_json_str(data, "name"), ""),
		    false);

		if (a) {
			a->undeployed = true;
			a->deploy_t = 0;
		}
	}
}

/* --- ctl, wadm, kv, probes ----------------------------------------- */

static struct fscale *
find_scale(struct lt_findings *e, double pair)
{
	int i;

	for (i = e->nscales - 1; i >= 0; i--)
		if (e->scales[i].pair == pair)
			return &e->scales[i];
	return NULL;
}

/* wasmbus.ctl.v1.{L}.config.del.{name} and component.scale.{host} */
static void
on_ctl_request(struct lt_findings *e, const cJSON *rec)
{
	const char *subject = lt_json_str(rec, "subject");
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(rec, "payload");
	const char *del;
	struct fscale *s;

	if (!subject)
		return;
	if ((del = strstr(subject, ".config.del.")) &&
	    !cJSON_HasObjectItem(e->ctl_dels, del + strlen(".config.del."))) {
		cJSON_AddNumberToObject(e->ctl_dels, del + strlen(".config.del."),
		    fnd_seq(rec));
		refresh_deletion(e, del + strlen(".config.del."));
	}
	if (!strstr(subject, ".component.scale."))
		return;
	if (e->nscales >= FND_MAX_SCALES)
		return;
	if (e->nscales == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 16;
		e->scales = lt_xrealloc(e->scales, (size_t)e->cap *
		    sizeof(*e->scales));
	}
	s = &e->scales[e->nscales++];
	memset(s, 0, sizeof(*s));
	s->req_seq = fnd_seq(rec);
	s->pair = lt_json_num(rec, "pair", -1);
	if (lt_json_str(p, "component_id"))
		s->component = lt_xstrdup(lt_json_str(p, "component_id"));
	if (lt_json_str(p, "component_ref"))
		s->ref = lt_xstrdup(lt_json_str(p, "component_ref"));
	s->reply_unseen = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rec,
	    "reply_unseen"));
}

/* A host that says it will not update the image the target asks for. */
static void
refusal(struct lt_findings *e, const struct fscale *s)
{
	struct fapp *a = fnd_app_of_id(e, s->component);
	const struct lt_manifest_component *c = a ?
	    lt_manifest_find_id(a->target, s->component) : NULL;
	cJSON *fi;

	if (!c || !c->image || !s->ref || strcmp(s->ref, c->image) ||
	    !strstr(s->msg, "will not be updated"))
		return;
	fi = fnd_fire(e, R_IMAGE_NOT_UPDATED, true, a->name, s->component, NULL,
	    "the host did not update %s to %s (host replied: \"%s\")",
	    s->component, c->image, s->msg);
	if (!cJSON_HasObjectItem(fi, "_refusal"))
		cJSON_AddTrueToObject(fi, "_refusal");
	fnd_evidence(fi, s->req_seq);
	fnd_evidence(fi, s->reply_seq);
}

static void
on_ctl_reply(struct lt_findings *e, const cJSON *rec)
{
	struct fscale *s = find_scale(e, lt_json_num(rec, "pair", -2));
	const char *msg;

	if (!s)
		return;
	s->reply_seq = fnd_seq(rec);
	msg = lt_json_str(cJSON_GetObjectItemCaseSensitive(rec, "payload"),
	    "message");
	if (msg && *msg) {
		free(s->msg);
		s->msg = lt_xstrdup(msg);
		refusal(e, s);
	}
}

/* wadm spoke about app: a pending wadm-silent check is answered. */
static void
wadm_heard(struct lt_findings *e, const char *app)
{
	struct fapp *a = app ? fnd_app_get(e, app, false) : NULL;
	cJSON *fi;

	if (!a)
		return;
	a->deploy_t = 0;
	if ((fi = fnd_find(e, R_WADM_SILENT, a->name, a->name))) {
		char *t = lt_xasprintf("%s; wadm spoke later",
		    lt_json_str(fi, "title"));

		if (fnd_is_error(fi))
			fnd_update(e, fi, false, t);
		free(t);
	}
}

/* wadm's ScaleComponent: the image it asked a host for. */
static void
note_scale_cmd(struct lt_findings *e, const cJSON *cmd, double seq)
{
	const char *comp = lt_json_str(cmd, "component_id");
	const char *ref = lt_json_str(cmd, "reference");
	char *key;
	cJSON *c;

	if (!comp || !ref || lt_json_num(cmd, "count", 0) <= 0)
		return;
	key = lt_xasprintf("%s@%s", comp, fnd_str_or(lt_json_str(cmd,
	    "host_id"), "?"));
	c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "ref", ref);
	cJSON_AddNumberToObject(c, "seq", seq);
	cJSON_DeleteItemFromObjectCaseSensitive(e->scale_cmds, key);
	if (cJSON_GetArraySize(e->scale_cmds) < FND_MAX_SCALE_CMDS)
		cJSON_AddItemToObject(e->scale_cmds, key, c);
	else
		cJSON_Delete(c);
	free(key);
}

static void
on_wadm_cmd(struct lt_findings *e, const cJSON *rec)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(rec, "payload");
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(p, "DeleteConfig");
	const cJSON *cmd = p ? p->child : NULL;
	const char *app = lt_json_str(cmd, "model_name");
	struct fapp *a;

	if (d && lt_json_str(d, "config_name")) {
		push_seq(e->delete_cmds, lt_json_str(d, "config_name"),
		    fnd_seq(rec));
		refresh_deletion(e, lt_json_str(d, "config_name"));
	}
	note_scale_cmd(e, cJSON_GetObjectItemCaseSensitive(p,
	    "ScaleComponent"), fnd_seq(rec));
	if (!app && (a = fnd_app_of_id(e, lt_json_str(cmd, "component_id") ?
	    lt_json_str(cmd, "component_id") : lt_json_str(cmd, "provider_id"))))
		app = a->name;
	wadm_heard(e, app);
}

/* The last part of a subject: wadm.status.{L}.{app}, ...deploy.{app} */
static const char *
last_token(const char *subject)
{
	const char *dot = subject ? strrchr(subject, '.') : NULL;

	return dot ? dot + 1 : NULL;
}

static bool
busy(const char *type)
{
	return !strcmp(type, "reconciling") || !strcmp(type, "compensating") ||
	    !strcmp(type, "waiting");
}

/* wadm says app name's status is type (rec: the record that says so). */
static void
note_status(struct lt_findings *e, const char *name, const char *type,
    const cJSON *rec)
{
	struct fapp *a;
	cJSON *fi;

	a = fnd_app_get(e, name, true);
	wadm_heard(e, name);
	if (strcmp(a->status, type))
		e->settled = false;
	snprintf(a->status, sizeof(a->status), "%s", type);
	a->status_seq = fnd_seq(rec);
	if (!busy(type)) {
		a->busy_since = 0;
		if ((fi = fnd_find(e, R_STATUS_STUCK, name, name)) &&
		    fnd_is_error(fi) && !strcmp(type, "deployed")) {
			char *t = lt_xasprintf("%s; deployed later",
			    lt_json_str(fi, "title"));

			fnd_update(e, fi, false, t);
			fnd_evidence(fi, a->status_seq);
			free(t);
		}
	} else if (!a->busy_since) {
		a->busy_since = e->last_rec;
		a->busy_seq = a->status_seq;
	}
}

static void
on_wadm_status(struct lt_findings *e, const cJSON *rec)
{
	const char *name = last_token(lt_json_str(rec, "subject"));
	const char *type = lt_json_str(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(rec, "payload"), "status"), "type");

	if (!name && e->apps && !e->apps->next)	/* no subject: the one app */
		name = e->apps->name;
	if (name && type)
		note_status(e, name, type, rec);
}

/* wadm's answer to latticectl's own read-only query at start (diagnose,
 * watch --for app/): model.get's manifest is the app's target (already
 * deployed: no wadm to wait for), model.status its status. */
static void
on_wadm_reply(struct lt_findings *e, const cJSON *rec)
{
	const char *subject = lt_json_str(rec, "subject");
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(rec, "payload");
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(p, "status");
	const char *type;

	if (!subject || !lt_json_str(rec, "from"))
		return;
	if (strstr(subject, ".model.get."))
		adopt(e, cJSON_GetObjectItemCaseSensitive(p, "manifest"),
		    "model.get");
	if (!strstr(subject, ".model.status."))
		return;
	/* wadm 0.13 and later nest it: status.status.type */
	type = lt_json_str(cJSON_GetObjectItemCaseSensitive(st, "status"),
	    "type");
	if (type || (type = lt_json_str(st, "type")))
		note_status(e, last_token(subject), type, rec);
}

/* wadm.api.{L}.model.deploy.{app}: a deploy wadm should act on. */
static void
on_wadm_request(struct lt_findings *e, const cJSON *rec)
{
	const char *subject = lt_json_str(rec, "subject");
	struct fapp *a;

	if (!subject || !strstr(subject, ".model.deploy."))
		return;
	a = fnd_app_get(e, last_token(subject), true);
	a->deploy_t = e->last_rec;
	a->deploy_seq = fnd_seq(rec);
	a->undeployed = false;
	e->settled = false;
}

static void
on_state(struct lt_findings *e, const cJSON *rec)
{
	const char *key = lt_json_str(rec, "key");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, "value");
	const char *kind = !key ? NULL : lt_str_has_prefix(key, "host_") ?
	    "host" : lt_str_has_prefix(key, "component_") ? "component" :
	    lt_str_has_prefix(key, "provider_") ? "provider" : NULL;
	cJSON *s;

	if (!kind)
		return;
	cJSON_DeleteItemFromObjectCaseSensitive(e->state, kind);
	if (!cJSON_IsObject(v) || lt_json_str(rec, "encoding"))
		return;
	s = cJSON_AddObjectToObject(e->state, kind);
	cJSON_AddNumberToObject(s, "seq", fnd_seq(rec));
	cJSON_AddItemToObject(s, "map", cJSON_Duplicate(v, 1));
}

static void
on_kv(struct lt_findings *e, const cJSON *rec)
{
	const char *bucket = lt_json_str(rec, "bucket");
	const char *op = lt_json_str(rec, "op");

	if (!bucket || !op)
		return;
	if (!strcmp(bucket, "wadm_state"))
		on_state(e, rec);
	if (!lt_str_has_prefix(bucket, "CONFIGDATA_"))
		return;
	if (!strcmp(op, "delete") || !strcmp(op, "del") ||
	    !strcmp(op, "purge"))
		config_gone(e, lt_json_str(rec, "key"), fnd_seq(rec));
	else if (!strcmp(op, "put"))
		config_put(e, lt_json_str(rec, "key"), lt_json_str(rec,
		    "encoding") ? NULL : cJSON_GetObjectItemCaseSensitive(rec,
		    "value"), fnd_seq(rec));
}

/* The last CONFIGDATA snapshot: what the bucket holds. */
static void
on_snapshot(struct lt_findings *e, const cJSON *rec)
{
	const cJSON *entries = cJSON_GetObjectItemCaseSensitive(rec, "entries");
	const cJSON *it;

	if (!lt_str_has_prefix(fnd_str_or(lt_json_str(rec, "bucket"), ""),
	    "CONFIGDATA_"))
		return;
	e->configs_known = true;
	e->configs_seq = fnd_seq(rec);
	cJSON_Delete(e->configs);
	e->configs = cJSON_CreateObject();
	cJSON_Delete(e->absent);
	e->absent = cJSON_CreateObject();
	cJSON_ArrayForEach(it, entries) {
		cJSON *c = cJSON_AddObjectToObject(e->configs, it->string);

		cJSON_AddNumberToObject(c, "seq", e->configs_seq);
		if (cJSON_IsObject(it) && cJSON_IsObject(
		    cJSON_GetObjectItemCaseSensitive(it, "value")))
			cJSON_AddItemToObject(c, "value", cJSON_Duplicate(
			    cJSON_GetObjectItemCaseSensitive(it, "value"), 1));
	}
}

static void
on_probe(struct lt_findings *e, const cJSON *rec)
{
	const cJSON *a = e->prev_probe;
	const char *ab = a ? fnd_str_or(lt_json_str(a, "body"), "") : "";
	const char *rb = fnd_str_or(lt_json_str(rec, "body"), "");
	char subject[64];
	cJSON *fi;

	if (a && (lt_json_num(a, "http_status", 0) != lt_json_num(rec,
	    "http_status", 0) || strcmp(ab, rb))) {
		snprintf(subject, sizeof(subject), "#%.0f", fnd_seq(rec));
		fi = fnd_fire(e, R_PROBE_CHANGED, false, "", subject, NULL,
		    "probe %s changed: %.0f \"%.60s\" -> %.0f \"%.60s\"",
		    fnd_str_or(lt_json_str(rec, "url"), "?"),
		    lt_json_num(a, "http_status", 0), ab,
		    lt_json_num(rec, "http_status", 0), rb);
		fnd_evidence(fi, fnd_seq(a));
		fnd_evidence(fi, fnd_seq(rec));
	}
	cJSON_Delete(e->prev_probe);
	e->prev_probe = cJSON_Duplicate(rec, 1);
}

void
fnd_dispatch(struct lt_findings *e, const cJSON *rec, const char *kind)
{
	if (!strcmp(kind, "event"))
		on_event(e, rec);
	else if (!strcmp(kind, "ctl.request"))
		on_ctl_request(e, rec);
	else if (!strcmp(kind, "ctl.reply"))
		on_ctl_reply(e, rec);
	else if (!strcmp(kind, "wadm.cmd"))
		on_wadm_cmd(e, rec);
	else if (!strcmp(kind, "wadm.status"))
		on_wadm_status(e, rec);
	else if (!strcmp(kind, "wadm.request"))
		on_wadm_request(e, rec);
	else if (!strcmp(kind, "wadm.reply"))
		on_wadm_reply(e, rec);
	else if (!strcmp(kind, "kv"))
		on_kv(e, rec);
	else if (!strcmp(kind, "snapshot"))
		on_snapshot(e, rec);
	else if (!strcmp(kind, "probe"))
		on_probe(e, rec);
	else if (!strcmp(kind, "inventory")) {
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(rec, "payload");

		if (cJSON_HasObjectItem(p, "response"))
			p = cJSON_GetObjectItemCaseSensitive(p, "response");
		note_report(e, lt_json_str(rec, "host"), p, rec);
	} else if (!strcmp(kind, "gap"))
		e->last_gap_t = (double)e->last_rec;
}

static const char *
str_or_empty(const char *s)
{
	return s ? s : "";
}

/* A ctl request (or its reply) that reads and changes nothing: wadm's
 * claims.get on every heartbeat, its config.get and link.get while it
 * reconciles, pings. */
static bool
read_only_query(const cJSON *rec)
{
	const char *s = lt_json_str(rec, "subject");

	if (lt_json_str(rec, "request_subject"))
		s = lt_json_str(rec, "request_subject");
	s = str_or_empty(s);
	return lt_str_has_suffix(s, ".claims.get") ||
	    lt_str_has_suffix(s, ".link.get") ||
	    lt_str_has_suffix(s, ".host.ping") || strstr(s, ".config.get.") ||
	    strstr(s, ".host.get.");
}

/* Records that come whether or not anything happens: heartbeats,
 * unchanged health, wadm_state writes and read-only queries,
 * latticectl's own checkpoints and probes. */
bool
fnd_periodic(const cJSON *rec, const char *kind)
{
	const char *type;

	if (!strcmp(kind, "event")) {
		type = event_type(rec);
		return !strcmp(type, "host_heartbeat") ||
		    !strcmp(type, "health_check_status");
	}
	if (!strcmp(kind, "kv"))	/* wadm writes it after each heartbeat */
		return lt_str_has_prefix(str_or_empty(lt_json_str(rec, "bucket")),
		    "wadm_state");
	if (!strcmp(kind, "ctl.request") || !strcmp(kind, "ctl.reply"))
		return read_only_query(rec);
	return !strcmp(kind, "probe") || !strcmp(kind, "inventory") ||
	    !strcmp(kind, "snapshot") || !strcmp(kind, "gap") ||
	    lt_json_str(rec, "from") != NULL;
}

