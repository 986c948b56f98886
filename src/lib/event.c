/* event.c: CloudEvent decoding, severity and the text line for each
 * event type (a table of label/path pairs, in display order). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/event.h"
#include "latticectl/json.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "rawevent-priv.h"
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

/* By its type; a component_scaled to zero instances is a warning. */
static int
severity(const char *type, bool to_zero)
{
	if (strstr(type, "failed"))
		return 2;
	if (strstr(type, "deleted") || strstr(type, "stopped") ||
	    strstr(type, "unpublished") ||
	    (!strcmp(type, "component_scaled") && to_zero))
		return 1;
	return 0;
}

int
lt_event_severity(const struct lt_event *ev)
{
	if (ev->status != LT_EV_OK)
		return 2;
	return severity(ev->type, lt_json_num(ev->data, "max_instances", 1) ==
	    0);
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

/* The start of every line: time, type coloured by severity, host (its
 * short id). */
static void
add_head(struct lt_buf *out, int sev, int64_t shown_ns, const char *type,
    const char *host, const struct lt_colors *col)
{
	const char *color = sev == 2 ? col->red : sev == 1 ? col->yellow :
	    col->green;
	char t[32];

	lt_time_format_short(shown_ns, t, sizeof(t));
	lt_buf_addf(out, "%s%s%s  %s", col->dim, t, col->reset, color);
	add_padded(out, type, 24);
	lt_buf_addf(out, "%s  ", col->reset);
	add_padded(out, host, 8);
}

void
lt_event_format_text(const struct lt_event *ev, int64_t recv_ns, bool wide,
    const struct lt_colors *col, struct lt_buf *out)
{
	char host[16];

	lt_event_short_id(lt_event_host(ev), host, sizeof(host));
	add_head(out, lt_event_severity(ev), lt_event_shown_time(ev, recv_ns),
	    ev->type, host, col);
	if (ev->status != LT_EV_OK) {
		add_invalid(ev, out);
		return;
	}
	add_type_fields(ev, out);
	if (wide)
		add_wide(ev, col, out);
}

/* ---- the line without decoding (lt_event_format_text_raw) ----
 * The members the raw check kept, read as rawevent.c finds them, give
 * the same line as the decoded event for the usual events; anything the
 * members alone cannot say for sure (UNSURE) leaves it to the decoded
 * event. */

static bool
raw_is_number(const struct lt_json_member *v)
{
	return v->value[0] == '-' || (v->value[0] >= '0' && v->value[0] <= '9');
}

/* lt_json_scalar_text's text of v: a plain string's bytes, a number as
 * written (lt_json_parse keeps its text), a literal. NO for an object or
 * an array, UNSURE for a string with an escape. */
static verdict
raw_scalar(const struct lt_json_member *v, const char **s, size_t *n)
{
	if (v->value[0] == '{' || v->value[0] == '[')
		return LT_FILTER_NO;
	if (v->value[0] == '"')
		return raw_plain(v, s, n);
	*s = v->value;
	*n = v->value_len;
	return LT_FILTER_YES;
}

/* display_text of v: 0, or -1 when it is not sure. */
static int
raw_display(const struct lt_json_member *v, struct lt_buf *text)
{
	struct lt_json_member el[RAW_MEMBERS];
	bool object = v->value[0] == '{';
	const char *s;
	size_t n;
	int i, count;

	switch (raw_scalar(v, &s, &n)) {
	case LT_FILTER_YES:
		lt_buf_add(text, s, n);
		return 0;
	case LT_FILTER_UNSURE:
		return -1;
	default:
		break;
	}
	count = lt_json_members(v->value, v->value_len, el, RAW_MEMBERS);
	if (count > RAW_MEMBERS)
		return -1;
	for (i = 0; i < count; i++) {
		if (i)
			lt_buf_addch(text, ',');
		if (object && el[i].name_esc)
			return -1;
		if (object) {
			lt_buf_add(text, el[i].name, el[i].name_len);
			lt_buf_addch(text, '=');
		}
		if (raw_scalar(&el[i], &s, &n) != LT_FILTER_YES)
			return -1;	/* nested: printed as JSON */
		lt_buf_add(text, s, n);
	}
	return 0;
}

/* add_field of v (none: nothing); tmp is scratch. */
static int
raw_field(struct lt_buf *out, const char *label,
    const struct lt_json_member *v, struct lt_buf *tmp)
{
	if (v == NULL)
		return 0;
	lt_buf_reset(tmp);
	if (raw_display(v, tmp) < 0)
		return -1;
	lt_buf_add_field(out, label, lt_buf_str(tmp), tmp->len);
	return 0;
}

/* cJSON_GetArraySize of v (none: 0). */
static int
raw_count(const struct lt_json_member *v)
{
	if (v == NULL || (v->value[0] != '[' && v->value[0] != '{'))
		return 0;
	return lt_json_members(v->value, v->value_len, NULL, 0);
}

/* add_heartbeat_fields */
static int
raw_heartbeat(struct lt_buf *out, const struct raw_obj *data,
    struct lt_buf *tmp)
{
	const struct lt_json_member *up, *human, *c, *p;
	char d[32];
	double v = -1;

	if (raw_get(data, "uptime_seconds", true, &up) == LT_FILTER_UNSURE ||
	    raw_get(data, "uptime_human", true, &human) == LT_FILTER_UNSURE ||
	    raw_get(data, "components", true, &c) == LT_FILTER_UNSURE ||
	    raw_get(data, "providers", true, &p) == LT_FILTER_UNSURE)
		return -1;
	if (up && raw_is_number(up))
		v = strtod(up->value, NULL);
	if (v >= 0 && v < 1e9) {
		lt_duration_format((int64_t)v * 1000000000LL, d, sizeof(d));
		lt_buf_add_field(out, "uptime", d, strlen(d));
	} else if (raw_field(out, "uptime", human, tmp) < 0) {
		return -1;
	}
	lt_buf_addf(out, " components=%d providers=%d", raw_count(c),
	    raw_count(p));
	return 0;
}

/* add_type_fields */
static int
raw_type_fields(const struct raw_event *re, struct lt_buf *out,
    struct lt_buf *tmp)
{
	const struct lt_json_member *v;
	char label[256];
	size_t i, f;
	int k;

	for (i = 0; i < LT_ARRAY_SIZE(layouts); i++) {
		if (strcmp(layouts[i].type, re->type))
			continue;
		for (f = 0; f < 6 && layouts[i].fields[f].label; f++) {
			if (strchr(layouts[i].fields[f].path, '.') ||
			    raw_get(&re->data, layouts[i].fields[f].path, false,
			    &v) == LT_FILTER_UNSURE ||
			    raw_field(out, layouts[i].fields[f].label, v,
			    tmp) < 0)
				return -1;
		}
		if (!strcmp(re->type, "host_heartbeat"))
			return raw_heartbeat(out, &re->data, tmp);
		return 0;
	}
	for (k = 0; k < re->data.n; k++) {
		v = &re->data.m[k];
		if (v->value[0] == '{' || v->value[0] == '[')
			continue;
		if (v->name_len >= sizeof(label))
			return -1;
		memcpy(label, v->name, v->name_len);
		label[v->name_len] = '\0';
		if (raw_field(out, label, v, tmp) < 0)
			return -1;
	}
	return 0;
}

/* The time the line shows (lt_event_shown_time). */
static int
raw_shown_time(const struct raw_event *re, int64_t recv_ns, int64_t *shown)
{
	const struct lt_json_member *v;
	const char *s;
	char text[64];
	size_t n;
	int64_t ns = 0;
	verdict r = raw_get(&re->top, "time", false, &v);

	if (r == LT_FILTER_YES)
		r = raw_plain(v, &s, &n);
	if (r == LT_FILTER_UNSURE || (r == LT_FILTER_YES && n >= sizeof(text)))
		return -1;
	if (r == LT_FILTER_YES) {
		memcpy(text, s, n);
		text[n] = '\0';
		if (lt_time_parse(text, &ns) < 0)
			ns = 0;
	}
	*shown = ns ? ns : recv_ns;
	return 0;
}

/* lt_event_severity */
static int
raw_severity(const struct raw_event *re)
{
	const struct lt_json_member *v = NULL;

	if (!strcmp(re->type, "component_scaled") && raw_get(&re->data,
	    "max_instances", false, &v) == LT_FILTER_UNSURE)
		return -1;
	return severity(re->type, v && raw_is_number(v) &&
	    strtod(v->value, NULL) == 0);
}

int
lt_event_format_text_raw(const char *raw, const struct lt_json_members *keep,
    int64_t recv_ns, const struct lt_colors *col, struct lt_buf *out,
    int64_t *shown_ns)
{
	struct lt_buf tmp = LT_BUF_INIT;
	struct raw_event re;
	char type[128], id[9], host[16];
	const char *h;
	size_t n, mark = out->len;
	int sev, rc;

	if (raw_decode(&re, raw, keep, type, sizeof(type)) != LT_FILTER_YES ||
	    re.data.n < 0 || re.data.unsure ||
	    raw_shown_time(&re, recv_ns, shown_ns) < 0 ||
	    (sev = raw_severity(&re)) < 0 ||
	    raw_event_host(&re, &h, &n) != LT_FILTER_YES)
		return -1;
	snprintf(id, sizeof(id), "%.*s", (int)(n < 8 ? n : 8), h ? h : "");
	lt_event_short_id(id, host, sizeof(host));
	add_head(out, sev, *shown_ns, re.type, host, col);
	rc = raw_type_fields(&re, out, &tmp);
	lt_buf_release(&tmp);
	if (rc < 0) {
		out->len = mark;
		if (out->buf)
			out->buf[mark] = '\0';
	}
	return rc;
}
