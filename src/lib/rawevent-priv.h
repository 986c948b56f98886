/* rawevent-priv.h: a CloudEvent read from the members lt_json_check
 * kept, without a tree, found as cJSON finds them (the first of a name; a
 * case variant, an escape or too many members: UNSURE, and the decoded
 * event decides). Shared by the raw filter (filter.c,
 * lt_filter_match_raw) and the raw text line (event.c,
 * lt_event_format_text_raw). docs/architecture.md, Data path. */
#ifndef LATTICECTL_RAWEVENT_PRIV_H
#define LATTICECTL_RAWEVENT_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "latticectl/filter.h"
#include "latticectl/json.h"

#define RAW_MEMBERS 48

typedef enum lt_filter_verdict verdict;

/* An object's members, or n < 0 when the value is no object. */
struct raw_obj {
	struct lt_json_member m[RAW_MEMBERS];
	int at[RAW_MEMBERS];	/* raw_obj_kept: each one's index in keep */
	int n;
	bool unsure;		/* members not kept, or a name with an escape */
};

struct raw_event {
	struct raw_obj top, data;
	const struct lt_json_member *source;
	const char *type;	/* lt_event.type */
	const char *traceparent;
};

static inline verdict
v_and(verdict a, verdict b)
{
	if (a == LT_FILTER_NO || b == LT_FILTER_NO)
		return LT_FILTER_NO;
	return a == LT_FILTER_YES ? b : a;
}

static inline verdict
v_or(verdict a, verdict b)
{
	if (a == LT_FILTER_YES || b == LT_FILTER_YES)
		return LT_FILTER_YES;
	return a == LT_FILTER_NO ? b : a;
}

static inline verdict
v_bool(bool b)
{
	return b ? LT_FILTER_YES : LT_FILTER_NO;
}

/* o from the members of the JSON object at p (len bytes, checked). */
void raw_obj_read(struct raw_obj *o, const char *p, size_t len);
/* The members of the object value (the kept member parent, or -1 for the
 * top level) from what lt_json_check kept. */
void raw_obj_kept(struct raw_obj *o, const struct lt_json_members *keep,
    int parent, const char *value);
/* The member called name, found as cJSON_GetObjectItemCaseSensitive
 * (fold false) or cJSON_GetObjectItem (fold: UNSURE when the first whose
 * name is the same but for case differs in case). NO when there is none
 * or o is no object. */
verdict raw_get(const struct raw_obj *o, const char *name, bool fold,
    const struct lt_json_member **v);
/* Whether v is a string without escapes: its text, n bytes at *s. A
 * string with an escape is UNSURE, any other value NO. */
verdict raw_plain(const struct lt_json_member *v, const char **s, size_t *n);
/* lt_json_path(root, path) for a path of plain names: *v the member
 * found (YES), or none (NO); a nested member points into *o, which the
 * caller keeps while it reads *v. */
verdict raw_path(const struct raw_event *re, const char *path,
    struct raw_obj *o, const struct lt_json_member **v);
/* lt_event_host of the event: data.host_id when it is a string (YES, *h
 * its n bytes), else an nkey source, else none (YES, *h NULL). */
verdict raw_event_host(const struct raw_event *re, const char **h,
    size_t *n);
/* The CloudEvent lt_event_decode makes of raw (a checked JSON text,
 * keep what lt_json_check kept of it): YES when it is one (status
 * LT_EV_OK) whose type fits in type (size bytes), else UNSURE. */
verdict raw_decode(struct raw_event *re, const char *raw,
    const struct lt_json_members *keep, char *type, size_t size);

#endif
