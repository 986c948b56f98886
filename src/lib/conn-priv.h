/* conn-priv.h: what conn.c shares with sub.c, req.c and kv.c (the only
 * other files that see nats.c). Not installed, not for commands. */
#ifndef LATTICECTL_CONN_PRIV_H
#define LATTICECTL_CONN_PRIV_H

#include <nats/nats.h>

#include "latticectl/conn.h"
#include "latticectl/error.h"
#include "latticectl/feed.h"

natsConnection *lt_conn_nats(struct lt_conn *c);
/* The JetStream context (created on first use, honours --js-domain).
 * Returns NULL with err set when JetStream is not available. */
jsCtx *lt_conn_js(struct lt_conn *c, struct lt_error *err);
struct lt_feed *lt_conn_feed(struct lt_conn *c);
/* The inbox prefix replies come to (--inbox-prefix, "_INBOX" by default),
 * as nats.c's own requests use it; borrowed from the settings. */
const char *lt_conn_inbox_prefix(struct lt_conn *c);

/* Map a natsStatus to our codes and append nats_GetLastError()
 * (docs/architecture.md, Errors and exit codes): timeouts and no
 * responders -> LT_E_TIMEOUT, connect/auth -> LT_E_CONNECT, anything else
 * -> LT_E_RUNTIME. Returns -1. */
int lt_error_nats(struct lt_error *err, natsStatus s, const char *fmt, ...)
    LT_PRINTF(3, 4);

/* Fill a feed item from a received message (takes ownership of m). */
void lt_msg_from_nats(struct lt_item *item, natsMsg *m, int sub_id);

#endif
