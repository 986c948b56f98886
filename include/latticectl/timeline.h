/* timeline.h: one text line per recording record, shared by show (the
 * terminal timeline) and report (the markdown and HTML timelines). Events
 * are rendered as watch renders them; other kinds as
 * "HH:MM:SS.mmm  -- KIND: member=value ...". */
#ifndef LATTICECTL_TIMELINE_H
#define LATTICECTL_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "latticectl/buf.h"
#include "latticectl/output.h"

struct cJSON;
struct lt_event;

/* Is kind one this version knows (others are skipped and counted)? */
bool lt_timeline_known_kind(const char *kind);
/* The record's time ("t"), 0 when absent or bad. */
int64_t lt_timeline_time(const struct cJSON *rec);
/* The bytes of payload member key (JSON text, or decoded base64 when the
 * record says "encoding":"base64"); NULL when absent. Caller frees. */
char *lt_timeline_payload(const struct cJSON *rec, const char *key,
    size_t *len);
/* How much of a payload a message line shows (sub live, show). */
#define LT_TIMELINE_PAYLOAD_MAX 4096
/* A message as 'sub' shows it (live, or read back by 'show'). */
struct lt_msg_line {
	int64_t t_ns;
	const char *subject, *reply;	/* reply: NULL when none */
	uint64_t pair;			/* 0: not paired */
	const char *request_subject;	/* set: a reply to pair */
	unsigned nreplies;		/* of that request, this one included */
	int64_t latency_ns;
	bool before_request;		/* seen before its request: no
					 * latency_ns */
	const char *role;		/* "delivery", ... (lt_role_name) */
	bool no_responders;		/* the server's 503 for the request */
	bool unanswered;		/* no reply came (sub's closing note) */
	const char *window;		/* unanswered: within this, or NULL */
	const char *data;
	size_t len;
	const char *traceparent;	/* -o wide: its trace id is shown,
					 * NULL otherwise (checked with
					 * lt_otlp_traceparent_ok) */
};
/* Append "HH:MM:SS.mmm  " and then "rep #P[+]  LATENCY  REQUEST  ",
 * "503 #P  LATENCY  REQUEST  no responders", "unanswered #P  REQUEST  no
 * reply[ within WINDOW]", "req #P  SUBJECT  ", "ROLE  SUBJECT  [-> REPLY
 * ]" or "SUBJECT  [-> REPLY  ]", and (for a message) the payload cell,
 * cut at max bytes, then " trace=ID" with a traceparent. LATENCY is
 * "seen before request" for a reply that came first. */
void lt_timeline_msg_text(struct lt_buf *b, const struct lt_msg_line *m,
    const struct lt_colors *c, size_t max);
/* Append the line for a record that is not an event. */
void lt_timeline_other(const struct cJSON *rec, const char *kind,
    const struct lt_colors *col, struct lt_buf *out);
/* Decode an event record into ev (release with lt_event_release and free
 * *data), ev->traceparent borrowed from the record's traceparent member.
 * Returns false when the record has no event payload. */
bool lt_timeline_event(const struct cJSON *rec, struct lt_event *ev,
    char **data);
/* Append "#SEQ " (seq left-aligned in 5 columns): the record number
 * findings cite as evidence. */
void lt_timeline_seq(const struct cJSON *rec, struct lt_buf *out);
/* Append "#SEQ  " and the record's line (an event as watch shows it, any
 * other kind through lt_timeline_other). */
void lt_timeline_line(const struct cJSON *rec, const struct lt_colors *col,
    struct lt_buf *out);
/* Append a finding record as a person reads it, wrapped at cols:
 * "SEVERITY ID: title", "  evidence: latticectl show PATH --record N,M"
 * (a command to copy, never wrapped; with path NULL "  evidence: records
 * #N, #M"), "  next: step". Every text is escaped for a terminal. */
void lt_timeline_finding(const struct cJSON *rec, const char *path,
    const struct lt_colors *c, size_t cols, struct lt_buf *out);
/* lt_timeline_finding written to fp. */
void lt_timeline_finding_print(FILE *fp, const struct cJSON *rec,
    const char *path, const struct lt_colors *c, size_t cols);

#endif
