/* event.c: CloudEvent decoding, severity and the text line for each
 * event type (a table of label/path pairs, in display order). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "latticectl/event.h"
#include "latticectl/json.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "banned.h"

static const char *const type_prefixes[] = {
	"com.wasmcloud.lattice.", "com.wadm.", NULL
};

const char *const lt_event_types[] = {
	"component_scaled", "component_scale_failed", "config_deleted",
	"config_set", "health_check_failed", "health_check_passed",
	"health_check_status", "host_heartbeat", "host_started",
	"host_stopped", "labels_changed", "linkdef_deleted", "linkdef_set",
	"linkdef_set_failed", "manifest_published", "manifest_unpublished",
	"provider_start_failed", "provider_started", "provider_stopped",
	NULL
};

/* Lattice token of wasmbus.evt.{L}.{type} or wadm.evt.{L}.{type}. */
static void
subject_lattice(struct lt_event *ev, const char *subject)
{
	const char *p = NULL, *dot;

	if (lt_str_has_prefix(subject, "wasmbus.evt."))
		p = subject + 12;
	else if (lt_str_has_prefix(subject, "wadm.evt."))
		p = subject + 9;
	ev->lattice[0] = '\0';
	if (p && (dot = strchr(p, '.')))
		snprintf(ev->lattice, sizeof(ev->lattice), "%.*s", (int)(dot - p), p);
}

static void
set_type_from_subject(struct lt_event *ev)
{
	const char *last = strrchr(ev->subject, '.');

	snprintf(ev->type_buf, sizeof(ev->type_buf), "%s",
	    last ? last + 1 : ev->subject);
	ev->type = ev->type_buf;
}

const char *
lt_event_short_type(const char *full_type)
{
	const char *t = full_type;
	int i;

	for (i = 0; type_prefixes[i]; i++)
		if (lt_str_has_prefix(full_type, type_prefixes[i]))
			t = full_type + strlen(type_prefixes[i]);
	return t;
}

static void
decode_cloudevent(struct lt_event *ev)
{
	cJSON *r = ev->root;

	ev->full_type = lt_json_str(r, "type");
	ev->source = lt_json_str(r, "source");
	if (!cJSON_IsObject(r) || ev->full_type == NULL || ev->source == NULL ||
	    !cJSON_IsString(cJSON_GetObjectItem(r, "specversion"))) {
		ev->status = LT_EV_NOT_CLOUDEVENT;
		ev->full_type = NULL;
		set_type_from_subject(ev);
		return;
	}
	ev->status = LT_EV_OK;
	ev->id = lt_json_str(r, "id");
	ev->time = lt_json_str(r, "time");
	ev->data = cJSON_GetObjectItem(r, "data");
	ev->type = lt_event_short_type(ev->full_type);
	if (ev->time && lt_time_parse(ev->time, &ev->time_ns) < 0)
		ev->time_ns = 0;
}

void
lt_event_decode(struct lt_event *ev, const char *subject, const char *data,
    size_t len)
{
	memset(ev, 0, sizeof(*ev));
	ev->subject = subject;
	ev->raw = data;
	ev->raw_len = len;
	subject_lattice(ev, subject);
	if (len == 0) {
		ev->status = LT_EV_EMPTY;
	} else if (!lt_is_text(data, len)) {
		ev->status = LT_EV_BINARY;
	} else {
		ev->root = lt_json_parse(data, len);
		if (ev->root) {
			decode_cloudevent(ev);
			return;
		}
		ev->status = LT_EV_NOT_JSON;
	}
	set_type_from_subject(ev);
}

void
lt_event_release(struct lt_event *ev)
{
	cJSON_Delete(ev->root);
	ev->root = NULL;
	ev->data = NULL;
}

const char *
lt_event_status_name(enum lt_event_status st)
{
	switch (st) {
	case LT_EV_OK: return "ok";
	case LT_EV_NOT_CLOUDEVENT: return "not-cloudevent";
	case LT_EV_NOT_JSON: return "not-json";
	case LT_EV_BINARY: return "binary";
	case LT_EV_EMPTY: return "empty";
	}
	return "unknown";
}

int
lt_event_severity(const struct lt_event *ev)
{
	if (ev->status != LT_EV_OK)
		return 2;
	if (strstr(ev->type, "failed"))
		return 2;
	if (strstr(ev->type, "deleted") || strstr(ev->type, "stopped") ||
	    strstr(ev->type, "unpublished") ||
	    (!strcmp(ev->type, "component_scaled") &&
	    lt_json_num(ev->data, "max_instances", 1) == 0))
		return 1;
	return 0;
}

const char *
lt_event_host(const struct lt_event *ev)
{
	const char *h = lt_json_str(ev->data, "host_id");

	if (h == NULL && ev->source && ev->source[0] == 'N')
		h = ev->source;
	return h;
}

void
lt_event_short_id(const char *id, char *out, size_t outlen)
{
	snprintf(out, outlen, "%.8s", id && *id ? id : "-");
}

int64_t
lt_event_shown_time(const struct lt_event *ev, int64_t recv_ns)
{
	return ev->time_ns ? ev->time_ns : recv_ns;
}

/* Display fields per event type: label and path into data. */
struct field {
	const char *label, *path;
};

static const struct {
	const char *type;
	struct field fields[6];
} layouts[] = {
	{ "component_scaled", { { "component", "component_id" },
	    { "image", "image_ref" }, { "max", "max_instances" } } },
	{ "component_scale_failed", { { "component", "component_id" },
	    { "image", "image_ref" }, { "max", "max_instances" },
	    { "error", "error" } } },
	{ "provider_started", { { "provider", "provider_id" },
	    { "image", "image_ref" } } },
	{ "provider_start_failed", { { "provider", "provider_id" },
	    { "image", "provider_ref" }, { "error", "error" } } },
	{ "provider_stopped", { { "provider", "provider_id" },
	    { "reason", "reason" } } },
	{ "health_check_passed", { { "provider", "provider_id" } } },
	{ "health_check_failed", { { "provider", "provider_id" } } },
	{ "health_check_status", { { "provider", "provider_id" } } },
	{ "host_started", { { "name", "friendly_name" },
	    { "version", "version" } } },
	{ "host_heartbeat", { { "name", "friendly_name" } } },
	{ "labels_changed", { { "labels", "labels" } } },
	{ "linkdef_set", { { "source", "source_id" }, { "target", "target" },
	    { "wit", "wit_namespace" }, { "pkg", "wit_package" },
	    { "interfaces", "interfaces" }, { "name", "name" } } },
	{ "linkdef_set_failed", { { "source", "source_id" },
	    { "target", "target" }, { "wit", "wit_namespace" },
	    { "pkg", "wit_package" }, { "error", "error" } } },
	{ "linkdef_deleted", { { "source", "source_id" },
	    { "target", "target" }, { "wit", "wit_namespace" },
	    { "pkg", "wit_package" }, { "name", "name" } } },
	{ "config_set", { { "config", "config_name" } } },
	{ "config_deleted", { { "config", "config_name" } } },
	{ "manifest_published", { { "app", "metadata.name" },
	    { "version", "metadata.annotations.version" } } },
	{ "manifest_unpublished", { { "app", "name" } } },
};

/* Maps print as k=v,k=v and arrays as a,b; scalars as themselves. */
static void
display_text(const cJSON *v, struct lt_buf *text)
{
	const cJSON *m;

	if (!cJSON_IsObject(v) && !cJSON_IsArray(v)) {
		lt_json_scalar_text(v, text);
		return;
	}
	cJSON_ArrayForEach(m, v) {
		if (m != v->child)
			lt_buf_addch(text, ',');
		if (cJSON_IsObject(v))
			lt_buf_addf(text, "%s=", m->string);
		lt_json_scalar_text(m, text);
	}
}

static void
add_field(struct lt_buf *out, const char *label, const cJSON *v)
{
	struct lt_buf text = LT_BUF_INIT;

	if (v == NULL)
		return;
	display_text(v, &text);
	lt_buf_add_field(out, label, lt_buf_str(&text), text.len);
	lt_buf_release(&text);
}

/* The uptime in the one duration format (lt_duration_format) from
 * uptime_seconds; the host's own uptime_human ("1m 1s") only when the
 * number is missing. Then the workload counts. */
static void
add_heartbeat_fields(struct lt_buf *out, const cJSON *data)
{
	const cJSON *c = cJSON_GetObjectItem(data, "components");
	const cJSON *p = cJSON_GetObjectItem(data, "providers");
	const cJSON *up = cJSON_GetObjectItem(data, "uptime_seconds");
	char d[32];

	if (cJSON_IsNumber(up) && up->valuedouble >= 0 &&
	    up->valuedouble < 1e9) {
		lt_duration_format((int64_t)up->valuedouble * 1000000000LL, d,
		    sizeof(d));
		lt_buf_add_field(out, "uptime", d, strlen(d));
	} else {
		add_field(out, "uptime", cJSON_GetObjectItem(data,
		    "uptime_human"));
	}
	lt_buf_addf(out, " components=%d providers=%d", cJSON_GetArraySize(c),
	    cJSON_GetArraySize(p));
}

/* type-specific fields, or every top-level data member for unknown types */
static void
add_type_fields(const struct lt_event *ev, struct lt_buf *out)
{
	const cJSON *m;
	size_t i, f;

	for (i = 0; i < LT_ARRAY_SIZE(layouts); i++) {
		if (strcmp(layouts[i].type, ev->type))
			continue;
		for (f = 0; f < 6 && layouts[i].fields[f].label; f++)
			add_field(out, layouts[i].fields[f].label,
			    lt_json_path(ev->data, layouts[i].fields[f].path));
		if (!strcmp(ev->type, "host_heartbeat"))
			add_heartbeat_fields(out, ev->data);
		return;
	}
	cJSON_ArrayForEach(m, ev->data)
		if (!cJSON_IsObject(m) && !cJSON_IsArray(m))
			add_field(out, m->string, m);
}

static void
add_invalid(const struct lt_event *ev, struct lt_buf *out)
{
	size_t n = ev->raw_len < 120 ? ev->raw_len : 120;

	lt_buf_addf(out, " !! %s (%zu bytes on ",
	    lt_event_status_name(ev->status), ev->raw_len);
	lt_buf_add_texts(out, ev->subject);
	lt_buf_addch(out, ')');
	if (ev->status == LT_EV_BINARY) {
		lt_buf_adds(out, " base64:");
		lt_buf_add_base64(out, ev->raw, n);
	} else if (n > 0) {
		lt_buf_addch(out, ' ');
		lt_buf_add_json_str(out, ev->raw, n);
	}
	if (n < ev->raw_len)
		lt_buf_adds(out, "...");
}

/* s in a column of width bytes: escaped (lt_buf_add_text), then padded
 * with blanks as "%-*s" would. */
static void
add_padded(struct lt_buf *out, const char *s, size_t width)
{
	static const char blanks[] = "                        ";
	size_t at = out->len;

	lt_buf_add_texts(out, s);
	if (out->len - at < width && width < sizeof(blanks))
		lt_buf_add(out, blanks, width - (out->len - at));
}

static void
add_wide(const struct lt_event *ev, const struct lt_colors *col,
    struct lt_buf *out)
{
	const char *app = cJSON_GetStringValue(lt_json_path(ev->data,
	    "annotations[\"wasmcloud.dev/appspec\"]"));
	const char *host = lt_event_host(ev);

	lt_buf_addf(out, " %slattice=", col->dim);
	lt_buf_add_texts(out, ev->lattice[0] ? ev->lattice : "-");
	lt_buf_adds(out, " id=");
	lt_buf_add_texts(out, ev->id ? ev->id : "-");
	lt_buf_adds(out, " host=");
	lt_buf_add_texts(out, host ? host : "-");
	if (app) {
		lt_buf_adds(out, " app=");
		lt_buf_add_texts(out, app);
	}
	if (ev->traceparent && strlen(ev->traceparent) >= 35) {
		lt_buf_adds(out, " trace=");	/* checked: hex digits */
		lt_buf_add(out, ev->traceparent + 3, 32);
	}
	lt_buf_adds(out, col->reset);
}

void
lt_event_format_text(const struct lt_event *ev, int64_t recv_ns, bool wide,
    const struct lt_colors *col, struct lt_buf *out)
{
	int sev = lt_event_severity(ev);
	const char *color = sev == 2 ? col->red : sev == 1 ? col->yellow :
	    col->green;
	char t[32], host[16];

	lt_time_format_short(lt_event_shown_time(ev, recv_ns), t, sizeof(t));
	lt_event_short_id(lt_event_host(ev), host, sizeof(host));
	lt_buf_addf(out, "%s%s%s  %s", col->dim, t, col->reset, color);
	add_padded(out, ev->type, 24);
	lt_buf_addf(out, "%s  ", col->reset);
	add_padded(out, host, 8);
	if (ev->status != LT_EV_OK) {
		add_invalid(ev, out);
		return;
	}
	add_type_fields(ev, out);
	if (wide)
		add_wide(ev, col, out);
}
