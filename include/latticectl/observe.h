/* observe.h: what a lattice observer sees, as records (latticectl(5)):
 * lattice and wadm events, wadm status and commands, ctl and wadm API
 * requests paired with the replies seen on an inbox prefix, and KV
 * changes. Each record's members are built here, redacted once as the
 * payload is added (docs/architecture.md, Data path). Shared by replay,
 * which drives an upgrade, and diagnose, which only watches. One caller
 * thread at a time. */
#ifndef LATTICECTL_OBSERVE_H
#define LATTICECTL_OBSERVE_H

#include <stdbool.h>
#include <stdint.h>

#include "latticectl/msg.h"
#include "latticectl/redact.h"

struct cJSON;

/* What a subscription carries (the caller tags its subscriptions so). */
enum lt_observe_src {
	LT_OBSERVE_EVENT,	/* wasmbus.evt.{L}.>, wadm.evt.{L}.> */
	LT_OBSERVE_CTL,		/* {ctl prefix}.>: control requests */
	LT_OBSERVE_WADM_API,	/* wadm.api.{L}.>: wadm API requests */
	LT_OBSERVE_CMD,		/* wadm.cmd.{L} */
	LT_OBSERVE_STATUS,	/* wadm.status.{L}.> */
	LT_OBSERVE_KV,		/* $KV.{bucket}.>, or a bucket's stream */
	LT_OBSERVE_INBOX,	/* the inbox prefix: replies */
};

struct lt_observe;

/* An observer pairing requests with the replies seen under inbox (a
 * subject pattern, "_INBOX.>"; NULL: requests are never paired), each
 * request open for window_ns after it, payloads redacted in mode. */
struct lt_observe *lt_observe_create(const char *inbox, int64_t window_ns,
    enum lt_redact_mode mode);
void lt_observe_destroy(struct lt_observe *o);

/* The record m makes, having arrived on a subscription of kind src:
 * sets *kind ("event", "ctl.request", "ctl.reply", "wadm.request",
 * "wadm.reply", "wadm.cmd", "wadm.status", "kv") and returns its members
 * (a new object the caller owns), or NULL when m makes none (an inbox
 * message that answers no open request: JetStream API replies and the
 * like). A request names its pair id; from_self adds "from":"latticectl"
 * (replay's own requests). A request whose reply subject is outside the
 * inbox gets "reply_unseen":true (its replies cannot be paired). */
struct cJSON *lt_observe_msg(struct lt_observe *o, enum lt_observe_src src,
    const struct lt_msg *m, bool from_self, const char **kind);

/* The members for m's payload under key in f: JSON as JSON, anything
 * else base64 with "encoding":"base64", redacted once as the request
 * subject asks (NULL: m's own subject). Nothing for an empty payload. */
void lt_observe_add_payload(struct cJSON *f, const char *key,
    const struct lt_msg *m, const char *request_subject,
    enum lt_redact_mode mode);

#endif
