/* filter-app.c: what an app/NAME of --for owns, learned from the manifests
 * that go by: a manifest_published event, and in a recording also
 * model.put requests and model.get replies (filter.h). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/filter.h"
#include "latticectl/json.h"
#include "latticectl/manifest.h"
#include "latticectl/util.h"
#include "banned.h"

/* Whether an app/NAME of --for names app. */
static bool
wanted(const struct lt_filter *f, const char *app)
{
	const char *a;
	int i;

	for (i = 0; app && (a = lt_filter_app(f, i)); i++)
		if (!strcmp(a, app))
			return true;
	return false;
}

/* Parse text as a manifest and learn from it; a manifest that does not
 * parse teaches nothing (the event is shown as it is all the same). */
static int
learn_text(struct lt_filter *f, const char *text, size_t len)
{
	struct lt_error e = LT_ERROR_INIT;
	struct lt_manifest *m = NULL;
	int n = 0;

	if (lt_manifest_parse(text, len, "manifest", &m, &e) == 0)
		n = lt_filter_learn_manifest(f, m);
	lt_manifest_destroy(m);
	return n;
}

/* A manifest given as JSON (an object) or as its YAML or JSON text. */
static int
learn_doc(struct lt_filter *f, const cJSON *doc)
{
	char *text;
	int n;

	if (cJSON_IsString(doc))
		return learn_text(f, doc->valuestring, strlen(doc->valuestring));
	if (!wanted(f, lt_json_str(cJSON_GetObjectItemCaseSensitive(doc,
	    "metadata"), "name")))
		return 0;	/* no parse for another app's manifest */
	text = lt_json_print_kept(doc, false);
	n = text ? learn_text(f, text, strlen(text)) : 0;
	cJSON_free(text);
	return n;
}

int
lt_filter_learn_event(struct lt_filter *f, const struct lt_event *ev)
{
	if (ev->status != LT_EV_OK || strcmp(ev->type, "manifest_published") ||
	    lt_filter_app(f, 0) == NULL)
		return 0;
	return learn_doc(f, ev->data);
}

int
lt_filter_learn_record(struct lt_filter *f, const cJSON *rec)
{
	const char *kind = lt_json_str(rec, "kind");
	const char *subject = lt_json_str(rec, "subject");
	const cJSON *payload = cJSON_GetObjectItemCaseSensitive(rec, "payload");
	const cJSON *ev = cJSON_GetObjectItemCaseSensitive(rec, "event");

	if (kind == NULL || lt_filter_app(f, 0) == NULL)
		return 0;
	if (!strcmp(kind, "event") && cJSON_IsObject(ev) &&
	    lt_str_has_suffix(lt_json_str(ev, "type"), ".manifest_published"))
		return learn_doc(f, cJSON_GetObjectItemCaseSensitive(ev, "data"));
	if (!strcmp(kind, "wadm.request") &&
	    lt_str_has_suffix(subject, ".model.put"))
		return learn_doc(f, payload);
	if (!strcmp(kind, "wadm.reply") && cJSON_IsObject(payload))
		return learn_doc(f, cJSON_GetObjectItemCaseSensitive(payload,
		    "manifest"));
	return 0;
}
