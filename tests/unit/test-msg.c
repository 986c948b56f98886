/* test-msg.c: the message type over nats.c's messages: headers (one,
 * several, none, as plain JSON), no-responders, release, and a feed item
 * releasing its message. */
#include <cjson/cJSON.h>
#include <nats/nats.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/feed.h"
#include "latticectl/msg.h"
#include "tap.h"

/* A message as sub.c makes one: fields borrowed from the natsMsg. */
static void
make(struct lt_msg *m, const char *subject, const char *reply,
    const char *data)
{
	natsMsg *nm = NULL;

	natsMsg_Create(&nm, subject, reply, data, (int)strlen(data));
	memset(m, 0, sizeof(*m));
	m->subject = natsMsg_GetSubject(nm);
	m->reply = natsMsg_GetReply(nm);
	m->data = natsMsg_GetData(nm);
	m->len = natsMsg_GetDataLength(nm);
	m->native = nm;
}

static void
test_headers(void)
{
	struct lt_msg m;
	const char **keys = NULL;
	cJSON *h;
	char *text;

	make(&m, "wasmbus.evt.default.x", NULL, "{}");
	natsMsgHeader_Set(m.native, "traceparent", "00-ab-cd-01");
	natsMsgHeader_Set(m.native, "Password", "hunter2");
	natsMsgHeader_Add(m.native, "Password", "second");
	is_str(lt_msg_header(&m, "traceparent"), "00-ab-cd-01", "header value");
	is_str(lt_msg_header(&m, "Password"), "hunter2", "first of two values");
	ok(lt_msg_header(&m, "missing") == NULL, "missing header: NULL");
	is_int(lt_msg_header_keys(&m, &keys), 2, "two header keys");
	ok(keys != NULL, "keys array set");
	free(keys);
	h = lt_msg_headers_json(&m);
	text = cJSON_PrintUnformatted(h);
	/* plain data: nothing is masked here (redact's job) */
	ok(strstr(text, "\"Password\":\"hunter2\"") &&
	    strstr(text, "\"traceparent\":\"00-ab-cd-01\""),
	    "headers as plain JSON, first values, unredacted: %s", text);
	free(text);
	cJSON_Delete(h);
	ok(!lt_msg_is_no_responders(&m), "a message is not no-responders");
	lt_msg_release(&m);
	ok(m.native == NULL, "released: native cleared");
	lt_msg_release(&m);	/* twice is harmless */
	ok(1, "release twice");
}

static void
test_no_headers(void)
{
	struct lt_msg m;
	const char **keys = (const char **)&m;

	make(&m, "a.b", "_INBOX.x", "");
	is_str(m.reply, "_INBOX.x", "reply subject borrowed");
	is_int(m.len, 0, "empty payload");
	is_int(lt_msg_header_keys(&m, &keys), 0, "no header keys");
	ok(keys == NULL, "keys NULL without headers");
	ok(lt_msg_headers_json(&m) == NULL, "no headers: NULL object");
	ok(lt_msg_header(&m, "x") == NULL, "no headers: no value");
	is_int(m.source, LT_MSG_CORE, "source defaults to core");
	lt_msg_release(&m);
}

static void
test_no_native(void)
{
	struct lt_msg m = { .subject = "x", .data = "", .len = 0 };
	const char **keys = NULL;

	ok(lt_msg_header(&m, "a") == NULL && lt_msg_header_keys(&m, &keys) ==
	    0 && lt_msg_headers_json(&m) == NULL && !lt_msg_is_no_responders(&m),
	    "a message without a native one has no headers and is not 503");
	lt_msg_release(&m);
	ok(1, "releasing it is a no-op");
}

static void
test_no_responders(void)
{
	struct lt_msg m;

	make(&m, "_INBOX.r", NULL, "");
	natsMsgHeader_Set(m.native, "Status", "503");
	ok(lt_msg_is_no_responders(&m), "status 503 is no-responders");
	lt_msg_release(&m);
}

static void
test_item_release(void)
{
	struct lt_item it;

	memset(&it, 0, sizeof(it));
	it.kind = LT_ITEM_MSG;
	make(&it.msg, "a", NULL, "x");
	lt_item_release(&it);
	ok(it.msg.native == NULL, "lt_item_release releases the message");
	memset(&it, 0, sizeof(it));
	it.kind = LT_ITEM_DISCONNECTED;
	lt_item_release(&it);
	ok(1, "a connection item holds nothing");
}

int
main(void)
{
	nats_Open(-1);	/* natsMsg_Destroy hands messages to its collector */
	test_headers();
	test_no_headers();
	test_no_native();
	test_no_responders();
	test_item_release();
	nats_Close();
	done_testing();
	return 0;
}
