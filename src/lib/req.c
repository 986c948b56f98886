/* req.c: requests, scatter/gather collection and publishing. */
#include <string.h>

#include "conn-priv.h"
#include "latticectl/req.h"
#include "latticectl/util.h"
#include "banned.h"

static int64_t
timeout_ms(struct lt_conn *c, int64_t timeout_ns)
{
	int64_t ns = timeout_ns > 0 ? timeout_ns :
	    lt_conn_config(c)->timeout_ns;

	return ns / 1000000 > 0 ? ns / 1000000 : 1;
}

static natsStatus
make_msg(natsMsg **m, const char *subject, const char *reply,
    const void *data, size_t len, const struct lt_header *hdrs)
{
	natsStatus s = natsMsg_Create(m, subject, reply, data, (int)len);

	for (; s == NATS_OK && hdrs && hdrs->key; hdrs++)
		s = natsMsgHeader_Set(*m, hdrs->key, hdrs->value);
	return s;
}

int
lt_req(struct lt_conn *c, const char *subject, const void *data, size_t len,
    const struct lt_header *hdrs, int64_t timeout_ns, struct lt_buf *reply,
    struct lt_error *err)
{
	natsMsg *m = NULL, *r = NULL;
	natsStatus s;

	s = make_msg(&m, subject, NULL, data, len, hdrs);
	if (s == NATS_OK)
		s = natsConnection_RequestMsg(&r, lt_conn_nats(c), m,
		    timeout_ms(c, timeout_ns));
	natsMsg_Destroy(m);
	if (s == NATS_TIMEOUT)
		return lt_error_set(err, LT_E_TIMEOUT,
		    "no reply on '%s' within the timeout", subject);
	if (s == NATS_NO_RESPONDERS)
		return lt_error_set(err, LT_E_TIMEOUT,
		    "no responders on '%s'", subject);
	if (s != NATS_OK)
		return lt_error_nats(err, s, "request on '%s'", subject);
	lt_buf_add(reply, natsMsg_GetData(r), (size_t)natsMsg_GetDataLength(r));
	natsMsg_Destroy(r);
	return 0;
}

/* A fresh inbox under the connection's inbox prefix (natsInbox_Create
 * always says "_INBOX."), so that --inbox-prefix holds for gathers too.
 * NULL when nats.c cannot make one. */
static char *
new_inbox(struct lt_conn *c)
{
	natsInbox *id = NULL;
	char *inbox;

	if (natsInbox_Create(&id) != NATS_OK)
		return NULL;
	inbox = lt_xasprintf("%s%s", lt_conn_inbox_prefix(c), strchr(id, '.'));
	natsInbox_Destroy(id);
	return inbox;
}

/* How long the next reply may take, in ms (0 or less: stop): until the
 * deadline, and once a reply has come, until quiet_ns pass after it. */
static int64_t
next_wait_ms(int64_t deadline, int64_t last, int64_t quiet_ns)
{
	int64_t end = deadline;

	if (last > 0 && quiet_ns > 0 && last + quiet_ns < end)
		end = last + quiet_ns;
	return (end - lt_mono_ns()) / 1000000;
}

/* Collect on sub: 0 on a timeout, a no-responders status or max
 * replies, else the nats.c error. *n counts the replies passed to fn. */
static natsStatus
collect(natsSubscription *sub, int64_t deadline, int64_t quiet_ns, int max,
    void (*fn)(void *ud, const char *data, size_t len), void *ud, int *n)
{
	int64_t last = 0, left;
	natsStatus s = NATS_OK;
	natsMsg *m;

	while (max <= 0 || *n < max) {
		left = next_wait_ms(deadline, last, quiet_ns);
		if (left <= 0)
			return NATS_OK;
		m = NULL;
		s = natsSubscription_NextMsg(&m, sub, left);
		if (s == NATS_TIMEOUT)
			return NATS_OK;
		if (s != NATS_OK)
			return s;
		last = lt_mono_ns();
		if (natsMsg_GetDataLength(m) == 0) {	/* no responders */
			natsMsg_Destroy(m);
			return NATS_OK;
		}
		fn(ud, natsMsg_GetData(m), (size_t)natsMsg_GetDataLength(m));
		natsMsg_Destroy(m);
		(*n)++;
	}
	return NATS_OK;
}

int
lt_req_gather(struct lt_conn *c, const char *subject, const void *data,
    size_t len, int64_t timeout_ns, int64_t quiet_ns, int max,
    void (*fn)(void *ud, const char *data, size_t len), void *ud,
    struct lt_error *err)
{
	natsConnection *nc = lt_conn_nats(c);
	natsSubscription *sub = NULL;
	char *inbox = new_inbox(c);
	int64_t deadline = lt_mono_ns() + timeout_ms(c, timeout_ns) * 1000000;
	int n = 0;
	natsStatus s = inbox ? NATS_OK : NATS_NO_MEMORY;

	if (s == NATS_OK)
		s = natsConnection_SubscribeSync(&sub, nc, inbox);
	if (s == NATS_OK)
		s = natsConnection_PublishRequest(nc, subject, inbox, data,
		    (int)len);
	if (s == NATS_OK)
		s = collect(sub, deadline, quiet_ns, max, fn, ud, &n);
	natsSubscription_Destroy(sub);
	free(inbox);
	if (s != NATS_OK)
		return lt_error_nats(err, s, "request on '%s'", subject);
	return n;
}

int
lt_pub(struct lt_conn *c, const char *subject, const void *data, size_t len,
    struct lt_error *err)
{
	natsStatus s = natsConnection_Publish(lt_conn_nats(c), subject, data,
	    (int)len);

	if (s == NATS_OK)
		s = natsConnection_FlushTimeout(lt_conn_nats(c),
		    timeout_ms(c, 0));
	if (s != NATS_OK)
		return lt_error_nats(err, s, "publish on '%s'", subject);
	return 0;
}
