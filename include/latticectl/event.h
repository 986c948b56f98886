/* event.h: decoding wasmCloud and wadm CloudEvents from raw payloads
 * (anything that arrives is decoded into something displayable), typed
 * accessors, and the one-line text rendering shared by watch and show. */
#ifndef LATTICECTL_EVENT_H
#define LATTICECTL_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "latticectl/buf.h"
#include "latticectl/output.h"

struct cJSON;

/* What the payload turned out to be. */
enum lt_event_status {
	LT_EV_OK,		/* a CloudEvent */
	LT_EV_NOT_CLOUDEVENT,	/* JSON, but no type/source/specversion */
	LT_EV_NOT_JSON,		/* text that does not parse */
	LT_EV_BINARY,		/* not UTF-8 text */
	LT_EV_EMPTY,
};

#define LT_EVENT_MAX_DEPTH 64

struct lt_event {
	enum lt_event_status status;
	struct cJSON *root;	/* owned; NULL unless JSON */
	struct cJSON *data;	/* borrowed from root */
	const char *type;	/* "component_scaled" (prefix stripped), or
				 * the subject's last token when not a
				 * CloudEvent */
	const char *full_type;	/* "com.wasmcloud.lattice.component_scaled" */
	const char *source, *id, *time;
	char lattice[128];	/* from the subject */
	int64_t time_ns;	/* the event's time, else 0 */
	const char *subject;	/* borrowed from the caller */
	const char *raw;	/* borrowed payload */
	size_t raw_len;
	const char *traceparent; /* the message's W3C traceparent header
				 * (a record's traceparent member), set by
				 * the caller after decoding; borrowed */
	char type_buf[128];
};

/* Decode a payload received on subject. Never fails: status says what the
 * bytes were. subject and data stay borrowed for the event's lifetime.
 * Release with lt_event_release. */
void lt_event_decode(struct lt_event *ev, const char *subject,
    const char *data, size_t len);
void lt_event_release(struct lt_event *ev);
/* The short name of a CloudEvent type, lt_event.type: the part of
 * full_type after "com.wasmcloud.lattice." or "com.wadm.", else all of
 * it. Points into full_type. */
const char *lt_event_short_type(const char *full_type);

/* Short label for a status ("not-json"). */
const char *lt_event_status_name(enum lt_event_status st);
/* Severity for colour and summaries: 0 info, 1 warning, 2 error. */
int lt_event_severity(const struct lt_event *ev);
/* The host the event is about: data.host_id, else source. Borrowed. */
const char *lt_event_host(const struct lt_event *ev);

/* The time ev's text line shows: its own, else recv_ns. */
int64_t lt_event_shown_time(const struct lt_event *ev, int64_t recv_ns);

/* Append one line (no newline) for ev: time, type, host short id, then
 * type-specific fields in a fixed order. wide adds id, lattice, full host
 * and app. recv_ns is used when the event has no time. */
void lt_event_format_text(const struct lt_event *ev, int64_t recv_ns,
    bool wide, const struct lt_colors *col, struct lt_buf *out);

struct lt_json_members;
/* The same line (not wide) without decoding: from raw, a payload
 * lt_filter_match_raw answered YES or NO for, and keep, what it kept of
 * it (struct lt_filter_raw). 0 with the line appended and *shown_ns the
 * time it shows; -1 when only the decoded event can tell (a field that is
 * nested or escaped, a member found only as a case variant, data that is
 * no object, manifest_published), out then as it was. */
int lt_event_format_text_raw(const char *raw,
    const struct lt_json_members *keep, int64_t recv_ns,
    const struct lt_colors *col, struct lt_buf *out, int64_t *shown_ns);

/* The event types wasmCloud 1.x hosts and wadm publish, short names
 * ("component_scaled"), NULL-terminated. */
extern const char *const lt_event_types[];

/* Short id of a host or other nkey: the first 8 characters. */
void lt_event_short_id(const char *id, char *out, size_t outlen);

#endif
