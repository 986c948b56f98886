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

int
lt_req_gather(struct lt_conn *c, const char *subject, const void *data,
    size_t len, int64_t timeout_ns, int max,
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
	while (s == NATS_OK && (max <= 0 || n < max)) {
		int64_t left = (deadline - lt_mono_ns()) / 1000000;
		natsMsg *m = NULL;

		if (left <= 0)
			break;
		s = natsSubscription_NextMsg(&m, sub, left);
		if (s == NATS_TIMEOUT) {
			s = NATS_OK;
			break;
		}
		if (s != NATS_OK)
			break;
		if (natsMsg_GetDataLength(m) == 0) {	/* no responders */
			natsMsg_Destroy(m);
			break;
		}
		fn(ud, natsMsg_GetData(m), (size_t)natsMsg_GetDataLength(m));
		natsMsg_Destroy(m);
		n++;
	}
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
