/* rawevent.c: a CloudEvent read from the members lt_json_check kept
 * (rawevent-priv.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rawevent-priv.h"
#include "latticectl/event.h"
#include "banned.h"

void
raw_obj_read(struct raw_obj *o, const char *p, size_t len)
{
	int i;

	o->n = *p == '{' ? lt_json_members(p, len, o->m, RAW_MEMBERS) : -1;
	o->unsure = o->n > RAW_MEMBERS;
	for (i = 0; i < o->n && i < RAW_MEMBERS && !o->unsure; i++)
		o->unsure = o->m[i].name_esc;
}

void
raw_obj_kept(struct raw_obj *o, const struct lt_json_members *keep,
    int parent, const char *value)
{
	int i;

	o->n = *value == '{' ? 0 : -1;
	o->unsure = keep->lost;
	for (i = 0; i < keep->n && o->n >= 0 && !o->unsure; i++) {
		if (keep->m[i].parent != parent)
			continue;
		if (o->n == RAW_MEMBERS || keep->m[i].name_esc) {
			o->unsure = true;
			break;
		}
		o->at[o->n] = i;
		o->m[o->n++] = keep->m[i];
	}
}

verdict
raw_get(const struct raw_obj *o, const char *name, bool fold,
    const struct lt_json_member **v)
{
	size_t n = strlen(name);
	int i;

	*v = NULL;
	if (o->n < 0)
		return LT_FILTER_NO;
	if (o->unsure)
		return LT_FILTER_UNSURE;
	for (i = 0; i < o->n; i++) {
		if (o->m[i].name_len != n)
			continue;
		if (!memcmp(o->m[i].name, name, n)) {
			*v = &o->m[i];
			return LT_FILTER_YES;
		}
		if (fold && !strncasecmp(o->m[i].name, name, n))
			return LT_FILTER_UNSURE;
	}
	return LT_FILTER_NO;
}

verdict
raw_plain(const struct lt_json_member *v, const char **s, size_t *n)
{
	if (v == NULL || v->value[0] != '"')
		return LT_FILTER_NO;
	*s = v->value + 1;
	*n = v->value_len - 2;
	return memchr(*s, '\\', *n) ? LT_FILTER_UNSURE : LT_FILTER_YES;
}

verdict
raw_path(const struct raw_event *re, const char *path, struct raw_obj *o,
    const struct lt_json_member **v)
{
	const struct raw_obj *at = &re->top;
	const char *seg = path, *dot;
	char name[256];
	size_t n;
	verdict r = LT_FILTER_UNSURE;

	for (;;) {
		dot = strchr(seg, '.');
		n = dot ? (size_t)(dot - seg) : strlen(seg);
		if (memchr(seg, '[', n) || n >= sizeof(name))
			return LT_FILTER_UNSURE;	/* as lt_json_path cuts */
		memcpy(name, seg, n);
		name[n] = '\0';
		if ((r = raw_get(at, name, false, v)) != LT_FILTER_YES || !dot)
			return r;
		if (at == &re->top && !strcmp(name, "data")) {
			at = &re->data;	/* the same member: the first "data" */
		} else {
			raw_obj_read(o, (*v)->value, (*v)->value_len);
			if (o->n < 0) {
				*v = NULL;	/* no object: no member */
				return LT_FILTER_NO;
			}
			at = o;
		}
		seg = dot + 1;
	}
}

verdict
raw_decode(struct raw_event *re, const char *raw,
    const struct lt_json_members *keep, char *type, size_t size)
{
	const struct lt_json_member *t, *v;
	const char *s;
	size_t n;

	raw_obj_kept(&re->top, keep, -1, raw);
	if (raw_get(&re->top, "type", false, &t) != LT_FILTER_YES ||
	    raw_plain(t, &s, &n) != LT_FILTER_YES || n >= size ||
	    raw_get(&re->top, "source", false, &re->source) != LT_FILTER_YES ||
	    raw_plain(re->source, &s, &n) != LT_FILTER_YES ||
	    raw_get(&re->top, "specversion", true, &v) != LT_FILTER_YES ||
	    raw_plain(v, &s, &n) != LT_FILTER_YES)
		return LT_FILTER_UNSURE;
	raw_plain(t, &s, &n);
	memcpy(type, s, n);
	type[n] = '\0';
	s = lt_event_short_type(type);
	memmove(type, s, strlen(s) + 1);
	re->type = type;
	switch (raw_get(&re->top, "data", true, &v)) {
	case LT_FILTER_YES:
		raw_obj_kept(&re->data, keep, re->top.at[v - re->top.m],
		    v->value);
		break;
	case LT_FILTER_NO:
		re->data.n = -1;
		re->data.unsure = false;
		break;
	default:
		return LT_FILTER_UNSURE;
	}
	return LT_FILTER_YES;
}


verdict
raw_event_host(const struct raw_event *re, const char **h, size_t *n)
{
	const struct lt_json_member *v;
	verdict r = raw_get(&re->data, "host_id", false, &v);

	*h = NULL;
	*n = 0;
	if (r == LT_FILTER_YES)
		r = raw_plain(v, h, n);
	if (r == LT_FILTER_UNSURE)
		return r;
	if (r == LT_FILTER_NO && re->source->value[1] == 'N') {
		*h = re->source->value + 1;
		*n = re->source->value_len - 2;
	}
	return LT_FILTER_YES;
}
