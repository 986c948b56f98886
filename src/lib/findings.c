/* findings.c: evaluate a replay phase's records against the target
 * manifest (findings.h; docs/architecture.md, Findings). One pass
 * collects facts per config, per component and per host; the checks then
 * turn facts into findings. */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/findings.h"
#include "latticectl/json.h"
#include "latticectl/util.h"
#include "banned.h"

#define MAX_SCALES 256

/* A ctl component.scale request and what followed it. */
struct scale {
	double req_seq, reply_seq, event_seq;
	double pair;
	const char *component, *ref;
	const cJSON *reply;
	bool reported;		/* image-not-updated already quotes it */
	bool reply_unseen;	/* its inbox was not watched: no verdict */
};

struct facts {
	const struct lt_manifest *m;
	cJSON *out;
	struct scale scales[MAX_SCALES];
	int nscales;
	const cJSON *snapshot, *status, *prev_probe;
	double snapshot_seq, status_seq;
	int nerrors;
	cJSON *delete_cmds;	/* {config: [seq...]} wadm DeleteConfig */
	cJSON *ctl_dels;	/* {config: seq} the first ctl config.del */
	cJSON *deletions;	/* {config: [seq...]} events and kv */
	cJSON *restored;	/* {config: seq} a put after the deletions */
	cJSON *inventories;	/* {host: record} */
	cJSON *missing;		/* {config: true}: reported once */
};

static double
seq_of(const cJSON *rec)
{
	return lt_json_num(rec, "seq", 0);
}

static cJSON *
add_finding(struct facts *f, bool error, const char *id, const char *next,
    const char *fmt, ...) LT_PRINTF(5, 6);

static cJSON *
add_finding(struct facts *f, bool error, const char *id, const char *next,
    const char *fmt, ...)
{
	cJSON *o = cJSON_CreateObject();
	char title[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(title, sizeof(title), fmt, ap);
	va_end(ap);
	cJSON_AddStringToObject(o, "severity", error ? "error" : "warning");
	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "title", title);
	cJSON_AddItemToObject(o, "evidence", cJSON_CreateArray());
	cJSON_AddStringToObject(o, "next", next);
	cJSON_AddItemToArray(f->out, o);
	if (error)
		f->nerrors++;
	return o;
}

static void
add_evidence(cJSON *finding, double seq)
{
	cJSON *ev = cJSON_GetObjectItemCaseSensitive(finding, "evidence");

	if (seq > 0)
		cJSON_AddItemToArray(ev, cJSON_CreateNumber(seq));
}

/* Does the target manifest reference config (by its stored name)? */
static bool
configs_have(const struct lt_manifest_configs *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].stored_name, name))
			return true;
	return false;
}

static bool
component_uses(const struct lt_manifest_component *c, const char *name)
{
	size_t j;

	if (configs_have(&c->config, name))
		return true;
	for (j = 0; j < c->nlinks; j++)
		if (configs_have(&c->links[j].source_config, name) ||
		    configs_have(&c->links[j].target_config, name))
			return true;
	return false;
}

/* The names of the components (a link counts for its source) that
 * reference config, comma-separated, into b; returns how many. */
static size_t
referrers(const struct lt_manifest *m, const char *name, struct lt_buf *b)
{
	size_t i, n = 0;

	for (i = 0; i < m->ncomponents; i++) {
		if (!component_uses(&m->components[i], name))
			continue;
		if (b)
			lt_buf_addf(b, "%s%s", n ? ", " : "",
			    m->components[i].name);
		n++;
	}
	return n;
}

static bool
referenced(const struct lt_manifest *m, const char *name)
{
	return referrers(m, name, NULL) > 0;
}

/* Append seq to the array obj[key], creating it. */
static void
push_seq(cJSON *obj, const char *key, double seq)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!a)
		a = cJSON_AddArrayToObject(obj, key);
	cJSON_AddItemToArray(a, cJSON_CreateNumber(seq));
}

static void
note_deletion(struct facts *f, const char *config, double seq)
{
	if (!config || !referenced(f->m, config))
		return;
	push_seq(f->deletions, config, seq);
	cJSON_DeleteItemFromObjectCaseSensitive(f->restored, config);
}

/* A put of a referenced config after it was deleted: it came back. */
static void
note_put(struct facts *f, const char *config, double seq)
{
	if (!config || !cJSON_GetObjectItemCaseSensitive(f->deletions, config))
		return;
	cJSON_DeleteItemFromObjectCaseSensitive(f->restored, config);
	cJSON_AddNumberToObject(f->restored, config, seq);
}

/* The first ctl config.del per config (the evidence when no wadm
 * DeleteConfig caused it). */
static void
note_ctl_del(struct facts *f, const char *config, double seq)
{
	if (config && !cJSON_GetObjectItemCaseSensitive(f->ctl_dels, config))
		cJSON_AddNumberToObject(f->ctl_dels, config, seq);
}

static const char *
event_type(const cJSON *rec)
{
	const cJSON *ev = cJSON_GetObjectItemCaseSensitive(rec, "event");
	const char *t = lt_json_str(ev, "type");
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

/* A failure event: one finding per distinct title, each repeat adds its
 * evidence and "(N times)" to the title (wadm retries a failing link on
 * every health check). */
static void
failure(struct facts *f, const char *id, const cJSON *rec, const char *fmt,
    ...) LT_PRINTF(4, 5);

static void
failure(struct facts *f, const char *id, const cJSON *rec, const char *fmt,
    ...)
{
	char title[512], *counted;
	size_t len;
	cJSON *fi;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(title, sizeof(title), fmt, ap);
	va_end(ap);
	len = strlen(title);
	cJSON_ArrayForEach(fi, f->out) {
		const char *t = lt_json_str(fi, "title");

		if (strcmp(lt_json_str(fi, "id"), id) || !t ||
		    strncmp(t, title, len) || (t[len] &&
		    strncmp(t + len, " (", 2)))
			continue;
		add_evidence(fi, seq_of(rec));
		counted = lt_xasprintf("%s (%d times)", title, cJSON_GetArraySize(
		    cJSON_GetObjectItemCaseSensitive(fi, "evidence")));
		cJSON_ReplaceItemInObjectCaseSensitive(fi, "title",
		    cJSON_CreateString(counted));
		free(counted);
		return;
	}
	add_evidence(add_finding(f, true, id, "read the host's log around "
	    "this time; the error is the host's own", "%s", title), seq_of(rec));
}

static struct scale *
find_scale(struct facts *f, double pair)
{
	int i;

	for (i = f->nscales - 1; i >= 0; i--)
		if (f->scales[i].pair == pair)
			return &f->scales[i];
	return NULL;
}

static void
on_event(struct facts *f, const cJSON *rec)
{
	const char *type = event_type(rec);
	const cJSON *data = event_data(rec);
	const char *comp = lt_json_str(data, "component_id");
	const char *err = lt_json_str(data, "error");
	const char *fail_id = NULL, *what = NULL;
	int i;

	if (!strcmp(type, "config_deleted"))
		note_deletion(f, lt_json_str(data, "config_name"), seq_of(rec));
	if (comp && (!strcmp(type, "component_scaled") ||
	    !strcmp(type, "component_scale_failed")))
		for (i = 0; i < f->nscales; i++)
			if (f->scales[i].component &&
			    !strcmp(f->scales[i].component, comp) &&
			    f->scales[i].event_seq == 0)
				f->scales[i].event_seq = seq_of(rec);
	if (!strcmp(type, "component_scale_failed")) {
		fail_id = "scale-failed";
		what = comp;
	} else if (!strcmp(type, "linkdef_set_failed")) {
		fail_id = "link-failed";
		what = lt_json_str(data, "source_id");
	} else if (!strcmp(type, "provider_start_failed")) {
		fail_id = "provider-failed";
		what = lt_json_str(data, "provider_id");
	}
	if (fail_id)
		failure(f, fail_id, rec, "%s for %s: %s", type, what ? what : "?",
		    err ? err : "(no error text)");
}

/* wasmbus.ctl.v1.{L}.config.del.{name} and component.scale.{host} */
static void
on_ctl_request(struct facts *f, const cJSON *rec)
{
	const char *subject = lt_json_str(rec, "subject");
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(rec, "payload");
	const char *del;
	struct scale *s;

	if (!subject)
		return;
	if ((del = strstr(subject, ".config.del.")))
		note_ctl_del(f, del + strlen(".config.del."), seq_of(rec));
	if (!strstr(subject, ".component.scale.") || f->nscales == MAX_SCALES)
		return;
	s = &f->scales[f->nscales++];
	memset(s, 0, sizeof(*s));
	s->req_seq = seq_of(rec);
	s->pair = lt_json_num(rec, "pair", -1);
	s->component = lt_json_str(p, "component_id");
	s->ref = lt_json_str(p, "component_ref");
	s->reply_unseen = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rec,
	    "reply_unseen"));
}

static void
on_ctl_reply(struct facts *f, const cJSON *rec)
{
	struct scale *s = find_scale(f, lt_json_num(rec, "pair", -2));

	if (!s)
		return;
	s->reply_seq = seq_of(rec);
	s->reply = cJSON_GetObjectItemCaseSensitive(rec, "payload");
}

static void
on_wadm_cmd(struct facts *f, const cJSON *rec)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(rec, "payload");
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(p, "DeleteConfig");

	if (d && lt_json_str(d, "config_name"))
		push_seq(f->delete_cmds, lt_json_str(d, "config_name"),
		    seq_of(rec));
}

static void
on_kv(struct facts *f, const cJSON *rec)
{
	const char *bucket = lt_json_str(rec, "bucket");
	const char *op = lt_json_str(rec, "op");

	if (!bucket || !op || !lt_str_has_prefix(bucket, "CONFIGDATA_"))
		return;
	if (!strcmp(op, "delete") || !strcmp(op, "del") ||
	    !strcmp(op, "purge"))
		note_deletion(f, lt_json_str(rec, "key"), seq_of(rec));
	else if (!strcmp(op, "put"))
		note_put(f, lt_json_str(rec, "key"), seq_of(rec));
}

static void
on_probe(struct facts *f, const cJSON *rec)
{
	const cJSON *a = f->prev_probe;

	f->prev_probe = rec;
	if (!a || (lt_json_num(a, "http_status", 0) ==
	    lt_json_num(rec, "http_status", 0) &&
	    !strcmp(lt_json_str(a, "body") ? lt_json_str(a, "body") : "",
	    lt_json_str(rec, "body") ? lt_json_str(rec, "body") : "")))
		return;
	{
		cJSON *fi = add_finding(f, false, "probe-changed",
		    "compare the two probe bodies; a lost value usually means "
		    "a lost config", "probe %s changed: %d \"%.60s\" -> %d "
		    "\"%.60s\"", lt_json_str(rec, "url") ? lt_json_str(rec,
		    "url") : "?", (int)lt_json_num(a, "http_status", 0),
		    lt_json_str(a, "body") ? lt_json_str(a, "body") : "",
		    (int)lt_json_num(rec, "http_status", 0),
		    lt_json_str(rec, "body") ? lt_json_str(rec, "body") : "");

		add_evidence(fi, seq_of(a));
		add_evidence(fi, seq_of(rec));
	}
}

static void
collect(struct facts *f, const cJSON *recs)
{
	const cJSON *rec;

	cJSON_ArrayForEach(rec, recs) {
		const char *kind = lt_json_str(rec, "kind");
		const char *host;

		if (!kind)
			continue;
		if (!strcmp(kind, "event"))
			on_event(f, rec);
		else if (!strcmp(kind, "ctl.request"))
			on_ctl_request(f, rec);
		else if (!strcmp(kind, "ctl.reply"))
			on_ctl_reply(f, rec);
		else if (!strcmp(kind, "wadm.cmd"))
			on_wadm_cmd(f, rec);
		else if (!strcmp(kind, "kv"))
			on_kv(f, rec);
		else if (!strcmp(kind, "probe"))
			on_probe(f, rec);
		else if (!strcmp(kind, "snapshot") &&
		    lt_str_has_prefix(lt_json_str(rec, "bucket") ?
		    lt_json_str(rec, "bucket") : "", "CONFIGDATA_")) {
			f->snapshot = rec;
		} else if (!strcmp(kind, "wadm.status")) {
			f->status = rec;
		} else if (!strcmp(kind, "inventory") &&
		    (host = lt_json_str(rec, "host"))) {
			cJSON_DeleteItemFromObjectCaseSensitive(f->inventories,
			    host);
			cJSON_AddItemReferenceToObject(f->inventories, host,
			    (cJSON *)rec);
		}
	}
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

static void
check_deletions(struct facts *f)
{
	const cJSON *a, *s;

	cJSON_ArrayForEach(a, f->deletions) {
		const cJSON *cmds = cJSON_GetObjectItemCaseSensitive(
		    f->delete_cmds, a->string);
		const cJSON *ctl = cJSON_GetObjectItemCaseSensitive(f->ctl_dels,
		    a->string);
		const cJSON *back = cJSON_GetObjectItemCaseSensitive(f->restored,
		    a->string);
		struct lt_buf who = LT_BUF_INIT, by = LT_BUF_INIT;
		size_t n = referrers(f->m, a->string, &who);
		cJSON *fi;

		deleted_by(cmds, ctl, &by);
		if (back)
			lt_buf_addf(&by, "; it was put back later");
		fi = add_finding(f, !back, "config-deleted-while-referenced",
		    back ? "nothing is missing now; components that started "
		    "meanwhile ran without it, so check their logs" :
		    "re-put the config (wash config put) and report the "
		    "deleting command upstream (wasmCloud #4704)",
		    "config %s was deleted while the manifest references it "
		    "(component%s %s)%s", a->string, n == 1 ? "" : "s",
		    lt_buf_str(&who), lt_buf_str(&by));
		lt_buf_release(&who);
		lt_buf_release(&by);
		cJSON_ArrayForEach(s, cmds)
			add_evidence(fi, s->valuedouble);
		if (!cmds && ctl)
			add_evidence(fi, ctl->valuedouble);
		cJSON_ArrayForEach(s, a)
			add_evidence(fi, s->valuedouble);
		if (back)
			add_evidence(fi, back->valuedouble);
	}
}

static void
check_missing(struct facts *f, const struct lt_manifest_configs *c)
{
	const cJSON *entries = cJSON_GetObjectItemCaseSensitive(f->snapshot,
	    "entries");
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (cJSON_GetObjectItemCaseSensitive(entries, c->v[i].stored_name) ||
		    cJSON_GetObjectItemCaseSensitive(f->missing,
		    c->v[i].stored_name))
			continue;
		cJSON_AddTrueToObject(f->missing, c->v[i].stored_name);
		add_evidence(add_finding(f, true, "config-missing",
		    c->v[i].managed ? "redeploy the manifest, or put the config "
		    "by hand" : "create the config before deploying (wash config "
		    "put)", "config %s is referenced but absent from the bucket "
		    "after the phase", c->v[i].stored_name), f->snapshot_seq);
	}
}

static void
check_configs(struct facts *f)
{
	size_t i, j;

	if (!f->snapshot)
		return;
	f->snapshot_seq = seq_of(f->snapshot);
	for (i = 0; i < f->m->ncomponents; i++) {
		const struct lt_manifest_component *c = &f->m->components[i];

		check_missing(f, &c->config);
		for (j = 0; j < c->nlinks; j++) {
			check_missing(f, &c->links[j].source_config);
			check_missing(f, &c->links[j].target_config);
		}
	}
}

/* The host's own words about an image it did not change, if it said so. */
static struct scale *
scale_quote(struct facts *f, const char *component)
{
	int i;

	for (i = f->nscales - 1; i >= 0; i--)
		if (f->scales[i].component && f->scales[i].reply &&
		    !strcmp(f->scales[i].component, component) &&
		    lt_json_str(f->scales[i].reply, "message") &&
		    *lt_json_str(f->scales[i].reply, "message"))
			return &f->scales[i];
	return NULL;
}

static void
check_inventory_item(struct facts *f, const cJSON *inv, const cJSON *item)
{
	const char *id = lt_json_str(item, "id");
	const char *img = lt_json_str(item, "image_ref");
	const struct lt_manifest_component *c = id ?
	    lt_manifest_find_id(f->m, id) : NULL;
	struct scale *q;
	cJSON *fi;

	if (!c || !c->image || !img || !strcmp(c->image, img))
		return;
	q = scale_quote(f, id);
	fi = add_finding(f, true, "image-not-updated", "use 'wash update "
	    "component' or undeploy and redeploy; wadm scaled instead of "
	    "updating", "host %.8s runs %s for %s, the manifest asks for %s%s%s%s",
	    lt_json_str(inv, "host"), img, id, c->image,
	    q ? " (host replied: \"" : "",
	    q ? lt_json_str(q->reply, "message") : "", q ? "\")" : "");
	add_evidence(fi, seq_of(inv));
	if (q) {
		add_evidence(fi, q->reply_seq);
		q->reported = true;
	}
}

/* A host that said it would not update the image to the one the manifest
 * asks for, even when a later step replaced the instance. */
static void
check_refusals(struct facts *f)
{
	int i;

	for (i = 0; i < f->nscales; i++) {
		struct scale *s = &f->scales[i];
		const char *msg = lt_json_str(s->reply, "message");
		const struct lt_manifest_component *c = s->component ?
		    lt_manifest_find_id(f->m, s->component) : NULL;
		cJSON *fi;

		if (s->reported || !msg || !c || !c->image || !s->ref ||
		    strcmp(s->ref, c->image) ||
		    !strstr(msg, "will not be updated"))
			continue;
		s->reported = true;
		fi = add_finding(f, true, "image-not-updated", "use 'wash update "
		    "component' or undeploy and redeploy; wadm scaled instead of "
		    "updating", "the host did not update %s to %s (host replied: "
		    "\"%s\")", s->component, c->image, msg);
		add_evidence(fi, s->req_seq);
		add_evidence(fi, s->reply_seq);
	}
}

static void
check_images(struct facts *f)
{
	const cJSON *inv, *item;
	static const char *const lists[] = { "components", "providers", NULL };
	int k;

	cJSON_ArrayForEach(inv, f->inventories) {
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(inv, "payload");

		if (cJSON_GetObjectItemCaseSensitive(p, "response"))
			p = cJSON_GetObjectItemCaseSensitive(p, "response");
		for (k = 0; lists[k]; k++)
			cJSON_ArrayForEach(item,
			    cJSON_GetObjectItemCaseSensitive(p, lists[k]))
				check_inventory_item(f, inv, item);
	}
}

static void
check_scales(struct facts *f)
{
	int i;

	for (i = 0; i < f->nscales; i++) {
		const struct scale *s = &f->scales[i];
		const char *c = s->component ? s->component : "?";

		if (s->reply_unseen)
			continue;
		if (s->reply_seq == 0)
			add_evidence(add_finding(f, true, "scale-unacknowledged",
			    "check that the host is alive (latticectl hosts) and "
			    "that no other client stole the request (doctor)",
			    "component.scale for %s got no reply", c), s->req_seq);
		else if (s->event_seq == 0) {
			cJSON *fi = add_finding(f, false, "scale-no-event",
			    "raise --settle, or read the host's log",
			    "component.scale for %s was acknowledged but no "
			    "component_scaled or component_scale_failed followed",
			    c);

			add_evidence(fi, s->req_seq);
			add_evidence(fi, s->reply_seq);
		}
	}
}

static void
check_status(struct facts *f)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(f->status, "payload"), "status");
	const char *type = lt_json_str(st, "type");

	if (!type || strcmp(type, "deployed") || f->nerrors == 0)
		return;
	add_evidence(add_finding(f, true, "status-mismatch", "do not trust "
	    "wadm's status for this upgrade; check the findings above",
	    "wadm reports %s deployed although %d error finding%s hold%s",
	    f->m->name, f->nerrors, f->nerrors == 1 ? "" : "s",
	    f->nerrors == 1 ? "s" : ""), seq_of(f->status));
}

/* Errors first, in the order they were found. */
static cJSON *
sorted(cJSON *list)
{
	cJSON *out = cJSON_CreateArray(), *it;
	int pass;

	for (pass = 0; pass < 2; pass++)
		cJSON_ArrayForEach(it, list)
			if (!strcmp(lt_json_str(it, "severity"), "error") ==
			    (pass == 0))
				cJSON_AddItemToArray(out, cJSON_Duplicate(it, 1));
	cJSON_Delete(list);
	return out;
}

cJSON *
lt_findings_eval(const struct lt_manifest *target, const cJSON *recs,
    int *nerrors)
{
	struct facts f;

	memset(&f, 0, sizeof(f));
	f.m = target;
	f.out = cJSON_CreateArray();
	f.delete_cmds = cJSON_CreateObject();
	f.ctl_dels = cJSON_CreateObject();
	f.deletions = cJSON_CreateObject();
	f.restored = cJSON_CreateObject();
	f.inventories = cJSON_CreateObject();
	f.missing = cJSON_CreateObject();
	collect(&f, recs);
	check_deletions(&f);
	check_configs(&f);
	check_images(&f);
	check_refusals(&f);
	check_scales(&f);
	check_status(&f);
	cJSON_Delete(f.delete_cmds);
	cJSON_Delete(f.ctl_dels);
	cJSON_Delete(f.deletions);
	cJSON_Delete(f.restored);
	cJSON_Delete(f.inventories);
	cJSON_Delete(f.missing);
	if (nerrors)
		*nerrors = f.nerrors;
	return sorted(f.out);
}
