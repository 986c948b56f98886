/* observe.c: messages a lattice observer sees, as records (observe.h;
 * latticectl(5) for every member). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/classify.h"
#include "latticectl/json.h"
#include "latticectl/kv.h"
#include "latticectl/observe.h"
#include "latticectl/pair.h"
#include "latticectl/rec.h"
#include "latticectl/util.h"
#include "banned.h"

struct lt_observe {
	char *inbox;			/* NULL: nothing pairs */
	/* requests open for their replies; a tag is the record's pair id
	 * << 1, | 1 for a wadm API request */
	struct lt_pair *pairs;
	uint64_t next_pair;
	enum lt_redact_mode mode;
};

struct lt_observe *
lt_observe_create(const char *inbox, int64_t window_ns,
    enum lt_redact_mode mode)
{
	struct lt_observe *o = lt_xcalloc(1, sizeof(*o));

	o->inbox = inbox ? lt_xstrdup(inbox) : NULL;
	o->pairs = lt_pair_create(window_ns);
	o->mode = mode;
	return o;
}

void
lt_observe_destroy(struct lt_observe *o)
{
	if (o == NULL)
		return;
	lt_pair_destroy(o->pairs);
	free(o->inbox);
	free(o);
}

void
lt_observe_add_payload(cJSON *f, const char *key, const struct lt_msg *m,
    const char *request_subject, enum lt_redact_mode mode)
{
	struct lt_buf b = LT_BUF_INIT;
	cJSON *o, *it;

	if (m->len <= 0)
		return;
	lt_buf_addch(&b, '{');
	lt_rec_add_msg_payload(&b, key, m, request_subject, mode);
	lt_buf_addch(&b, '}');
	o = lt_json_parse(b.buf, b.len);
	while (o && (it = o->child)) {
		cJSON_DetachItemViaPointer(o, it);
		cJSON_AddItemToObject(f, it->string, it);
	}
	cJSON_Delete(o);
	lt_buf_release(&b);
}

/* A ctl or wadm API request, kept open for its replies on the inbox. */
static void
on_request(struct lt_observe *o, const struct lt_msg *m, cJSON *f,
    bool from_self, bool wadm)
{
	uint64_t pair = ++o->next_pair;

	if (from_self)
		cJSON_AddStringToObject(f, "from", "latticectl");
	cJSON_AddNumberToObject(f, "pair", (double)pair);
	if (m->reply)
		cJSON_AddStringToObject(f, "reply", m->reply);
	lt_observe_add_payload(f, "payload", m, NULL, o->mode);
	if (m->reply == NULL)
		return;
	if (o->inbox == NULL || !lt_subject_matches(o->inbox, m->reply)) {
		cJSON_AddTrueToObject(f, "reply_unseen");
		return;
	}
	/* requests whose window passed take no more replies */
	lt_pair_expire(o->pairs, m->recv_ns, NULL, NULL);
	lt_pair_request(o->pairs, m->subject, m->reply, m->recv_ns,
	    pair << 1 | (uint64_t)wadm);
}

/* A message on the inbox: a reply when it answers an open request (which
 * stays open: every host answers a host.ping); other inbox traffic
 * answers requests nobody records (JetStream and KV API calls). */
static cJSON *
on_inbox(struct lt_observe *o, const struct lt_msg *m, cJSON *f,
    const char **kind)
{
	struct lt_pair_match pm;

	if (lt_pair_reply(o->pairs, m->subject, m->recv_ns, false, false,
	    &pm) != 1) {
		cJSON_Delete(f);
		return NULL;
	}
	cJSON_AddNumberToObject(f, "pair", (double)(pm.tag >> 1));
	cJSON_AddNumberToObject(f, "latency_ms", (double)pm.latency_ns / 1e6);
	/* a reply is redacted as its request asks (config.get.SECRET_x) */
	cJSON_AddStringToObject(f, "request_subject", pm.subject);
	lt_observe_add_payload(f, "payload", m, pm.subject, o->mode);
	*kind = pm.tag & 1 ? "wadm.reply" : "ctl.reply";
	return f;
}

/* A KV change, as 'kv watch --record' writes it: bucket, key, op,
 * revision and created (from the bucket's stream), value (puts). */
static void
on_kv(struct lt_observe *o, const struct lt_msg *m, cJSON *f)
{
	enum lt_kv_op op = lt_kv_op_from_header(lt_msg_header(m,
	    "KV-Operation"));
	const char *key = strchr(m->subject + 4, '.');	/* $KV.B.key */
	char bucket[128], t[48];

	snprintf(bucket, sizeof(bucket), "%.*s", key ? (int)(key -
	    (m->subject + 4)) : 0, m->subject + 4);
	cJSON_AddStringToObject(f, "bucket", bucket);
	cJSON_AddStringToObject(f, "key", key ? key + 1 : "");
	cJSON_AddStringToObject(f, "op", lt_kv_op_name(op));
	if (m->stream_seq) {
		cJSON_AddNumberToObject(f, "revision", (double)m->stream_seq);
		lt_time_format(m->stream_ns, t, sizeof(t));
		cJSON_AddStringToObject(f, "created", t);
	}
	if (op == LT_KV_PUT)
		lt_observe_add_payload(f, "value", m, NULL, o->mode);
	/* a secret key's value is masked whole, as lt_rec_redact does */
	if (o->mode != LT_REDACT_NONE && key &&
	    lt_redact_name_is_secret(key + 1))
		lt_redact_json_whole(cJSON_GetObjectItemCaseSensitive(f, "value"));
}

cJSON *
lt_observe_msg(struct lt_observe *o, enum lt_observe_src src,
    const struct lt_msg *m, bool from_self, const char **kind)
{
	cJSON *f = cJSON_CreateObject();
	const char *tp;

	if (src != LT_OBSERVE_KV)	/* kv records name bucket and key */
		cJSON_AddStringToObject(f, "subject", m->subject);
	if ((tp = lt_rec_traceparent(m)))
		cJSON_AddStringToObject(f, "traceparent", tp);
	switch (src) {
	case LT_OBSERVE_EVENT:
		if (m->stream_seq)
			cJSON_AddNumberToObject(f, "stream_seq",
			    (double)m->stream_seq);
		lt_observe_add_payload(f, "event", m, NULL, o->mode);
		*kind = "event";
		break;
	case LT_OBSERVE_CTL:
	case LT_OBSERVE_WADM_API:
		on_request(o, m, f, from_self, src == LT_OBSERVE_WADM_API);
		*kind = src == LT_OBSERVE_CTL ? "ctl.request" : "wadm.request";
		break;
	case LT_OBSERVE_CMD:
	case LT_OBSERVE_STATUS:
		lt_observe_add_payload(f, "payload", m, NULL, o->mode);
		*kind = src == LT_OBSERVE_CMD ? "wadm.cmd" : "wadm.status";
		break;
	case LT_OBSERVE_KV:
		on_kv(o, m, f);
		*kind = "kv";
		break;
	default:
		return on_inbox(o, m, f, kind);
	}
	return f;
}
