/* conn.h: one NATS connection per command, named "latticectl/<version>
 * <command>", reconnecting forever with backoff. Disconnects, reconnects and
 * slow-consumer drops are reported as items on the attached feed so
 * commands can record gaps. Only conn.c, sub.c, req.c and kv.c use nats.c. */
#ifndef LATTICECTL_CONN_H
#define LATTICECTL_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "latticectl/config.h"
#include "latticectl/error.h"

struct lt_conn;
struct lt_feed;

/* What the server said about itself in its INFO line. */
struct lt_server_info {
	char id[64];
	char name[64];
	char version[32];
	bool jetstream;
	int64_t max_payload;
	bool headers;
};

/* Connect with the settings in cfg. name is the command ("watch"); the
 * connection is named "latticectl/<version> <name>". Fails with
 * LT_E_CONNECT (unreachable, auth refused, bad creds or URL) or LT_E_USAGE
 * (unreadable credential files). The caller destroys with lt_conn_close. */
int lt_conn_open(struct lt_conn **out, const struct lt_config *cfg,
    const char *name, struct lt_error *err);
/* Drain nothing, close, free. NULL is fine. */
void lt_conn_close(struct lt_conn *c);
/* Release nats.c's global state; call once at process exit. */
void lt_conn_shutdown(void);

/* Route disconnect/reconnect/slow-consumer notices to feed (or NULL). */
void lt_conn_set_feed(struct lt_conn *c, struct lt_feed *feed);

/* The server the connection is on, read from its INFO at connect and
 * after each reconnect. Borrowed until the next reconnect. */
const struct lt_server_info *lt_conn_server(struct lt_conn *c);
/* URL of the server currently connected to; out needs 256 bytes. */
void lt_conn_url(struct lt_conn *c, char *out, size_t outlen);
const struct lt_config *lt_conn_config(struct lt_conn *c);
/* Connected now (not reconnecting or closed): a request can be answered
 * at once. */
bool lt_conn_is_up(struct lt_conn *c);
/* Round trip to the server: every earlier subscription is in place. */
int lt_conn_flush(struct lt_conn *c, struct lt_error *err);
/* Messages and bytes received on this connection so far. */
void lt_conn_stats(struct lt_conn *c, uint64_t *in_msgs, uint64_t *in_bytes);

#endif
