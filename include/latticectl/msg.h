/* msg.h: a message received from NATS (docs/architecture.md, Data path):
 * its subject, reply subject, headers, payload, time of receipt and where
 * it came from. sub.c makes them from nats.c's messages; the feed carries
 * them; commands, redact and rec read them through this header only. The
 * strings are borrowed from the message until lt_msg_release. */
#ifndef LATTICECTL_MSG_H
#define LATTICECTL_MSG_H

#include <stdbool.h>
#include <stdint.h>

struct cJSON;

/* Where a message came from. */
enum lt_msg_source {
	LT_MSG_CORE = 0,	/* a plain core subscription */
	LT_MSG_STREAM,		/* an ordered stream consumer (stream_* set) */
	LT_MSG_KV,		/* a KV bucket's stream (session.h): the key
				 * after "$KV.<bucket>.", the revision in
				 * stream_seq, KV-Operation header */
};

struct lt_msg {
	const char *subject;
	const char *reply;	/* NULL when none */
	const char *data;
	int len;
	int64_t recv_ns;	/* wall clock at receipt */
	int sub_id;		/* the id given when subscribing */
	enum lt_msg_source source;
	uint64_t stream_seq;	/* LT_MSG_STREAM only, else 0 */
	int64_t stream_ns;	/* JetStream store time, else 0 */
	uint64_t pending;	/* JetStream: messages left in the consumer */
	bool redacted;		/* data already redacted in the command's
				 * mode (redact.h, lt_redact_msg) */
	bool json_checked;	/* data is compact JSON lt_json_check
				 * passed: recorded as it is, unscanned */
	void *native;		/* the natsMsg; private to src/lib */
	char *owned;		/* data when redaction changed it (freed by
				 * lt_msg_release), else NULL */
};

/* Free what m holds (the native message, redacted bytes it owns); m's
 * strings are gone after. */
void lt_msg_release(struct lt_msg *m);

/* Header value of m, or NULL. Borrowed. */
const char *lt_msg_header(const struct lt_msg *m, const char *key);
/* Header keys of m: returns how many and sets *keys to an array the
 * caller frees with free() (the strings are borrowed like the message's);
 * 0 with *keys NULL when there are none. */
int lt_msg_header_keys(const struct lt_msg *m, const char ***keys);
/* The headers of m as plain data: an object of names with their first
 * values (the "headers" member of a record before redaction), or NULL
 * when m has none. The caller frees it with cJSON_Delete. */
struct cJSON *lt_msg_headers_json(const struct lt_msg *m);
/* True for the 503 no-responders status message. */
bool lt_msg_is_no_responders(const struct lt_msg *m);

#endif
