/* msg.c: the accessors of a received message over nats.c's natsMsg. */
#include <cjson/cJSON.h>
#include <nats/nats.h>
#include <stdlib.h>

#include "latticectl/msg.h"
#include "banned.h"

void
lt_msg_release(struct lt_msg *m)
{
	if (m->native) {
		natsMsg_Destroy(m->native);
		m->native = NULL;
	}
	free(m->owned);
	m->owned = NULL;
}

const char *
lt_msg_header(const struct lt_msg *m, const char *key)
{
	const char *v = NULL;

	if (m->native == NULL ||
	    natsMsgHeader_Get(m->native, key, &v) != NATS_OK)
		return NULL;
	return v;
}

int
lt_msg_header_keys(const struct lt_msg *m, const char ***keys)
{
	int n = 0;

	*keys = NULL;
	if (m->native == NULL ||
	    natsMsgHeader_Keys(m->native, keys, &n) != NATS_OK) {
		*keys = NULL;
		return 0;
	}
	return n;
}

cJSON *
lt_msg_headers_json(const struct lt_msg *m)
{
	const char **keys = NULL;
	int n = lt_msg_header_keys(m, &keys), i;
	cJSON *h;

	if (n <= 0) {
		free(keys);
		return NULL;
	}
	h = cJSON_CreateObject();
	for (i = 0; i < n; i++) {
		const char *v = lt_msg_header(m, keys[i]);

		cJSON_AddStringToObject(h, keys[i], v ? v : "");
	}
	free(keys);
	return h;
}

bool
lt_msg_is_no_responders(const struct lt_msg *m)
{
	return m->native && natsMsg_IsNoResponders(m->native);
}
