/* req.h: request/reply and publishing, for the few commands that talk to
 * the lattice (hosts, inventory, doctor, replay). Replies are returned as
 * owned byte strings; no nats.c type leaks out. */
#ifndef LATTICECTL_REQ_H
#define LATTICECTL_REQ_H

#include <stddef.h>
#include <stdint.h>

#include "latticectl/buf.h"
#include "latticectl/conn.h"
#include "latticectl/error.h"

/* A header to send ("Content-Type", "application/yaml"). */
struct lt_header {
	const char *key, *value;
};

/* One request, one reply, waiting up to timeout_ns (0: the configured
 * --timeout). The reply body is appended to reply. LT_E_TIMEOUT on timeout
 * or no responders (the message says which). */
int lt_req(struct lt_conn *c, const char *subject, const void *data,
    size_t len, const struct lt_header *hdrs, int64_t timeout_ns,
    struct lt_buf *reply, struct lt_error *err);

/* Scatter/gather: publish with a fresh inbox and collect every reply until
 * timeout_ns passes (0: the configured --timeout), an empty
 * (no-responders) reply arrives, max replies came (0: no limit), or, when
 * quiet_ns > 0, quiet_ns pass after a reply without another (the first
 * reply may take the whole timeout, so a slow responder still answers;
 * 0: always wait the whole timeout). fn is called for each reply body.
 * Returns the number of replies, or -1 on error. */
int lt_req_gather(struct lt_conn *c, const char *subject, const void *data,
    size_t len, int64_t timeout_ns, int64_t quiet_ns, int max,
    void (*fn)(void *ud, const char *data, size_t len), void *ud,
    struct lt_error *err);

/* Publish (for replay's wadm calls only), then flush. */
int lt_pub(struct lt_conn *c, const char *subject, const void *data,
    size_t len, struct lt_error *err);

#endif
