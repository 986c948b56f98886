/* test-msg.c: the message type over nats.c's messages: headers (one,
 * several, none, as plain JSON), no-responders, release, and a feed item
 * releasing its message; a message redacted once (lt_redact_msg marks it)
 * and the recorder's one write path (lt_rec_write, which adds nothing and
 * redacts nothing; meta from server information). */
#include <cjson/cJSON.h>
#include <nats/nats.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/conn.h"
#include "latticectl/feed.h"
#include "latticectl/msg.h"
#include "latticectl/rec.h"
#include "latticectl/redact.h"
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

/* The payload members a message gets in a record, in mode m. */
static void
payload_of(struct lt_buf *b, const struct lt_msg *m, enum lt_redact_mode md)
{
	lt_buf_reset(b);
	lt_rec_add_msg_payload(b, "payload", m, NULL, md);
}

static void
test_redact_once(void)
{
	static const char secret[] = "{\"name\":\"x\",\"password\":\"hunter2\"}";
	struct lt_buf direct = LT_BUF_INIT, once = LT_BUF_INIT;
	struct lt_msg m, tmp, tmp2;
	const struct lt_msg *r, *r2;
	enum lt_redact_mode md;
	char *f1, *f2;

	for (md = LT_REDACT_SECRETS; md <= LT_REDACT_ALL; md++) {
		make(&m, "wasmbus.evt.default.config_set", NULL, secret);
		payload_of(&direct, &m, md);
		r = lt_redact_msg(&m, md, &tmp, &f1);
		ok(r->redacted && !m.redacted, "%s: lt_redact_msg marks its copy "
		    "only", lt_redact_mode_name(md));
		r2 = lt_redact_msg(r, md, &tmp2, &f2);
		ok(f2 == NULL && r2->data == r->data, "%s: a redacted message is "
		    "not redacted again", lt_redact_mode_name(md));
		payload_of(&once, r, md);
		is_str(lt_buf_str(&once), lt_buf_str(&direct), "%s: recorded from "
		    "the shown message = redacted on the way in",
		    lt_redact_mode_name(md));
		ok(md == LT_REDACT_NONE || !strstr(lt_buf_str(&once), "hunter2"),
		    "%s: the secret is gone", lt_redact_mode_name(md));
		free(f1);
		lt_msg_release(&m);
	}
	lt_buf_release(&direct);
	lt_buf_release(&once);
}

/* Everything written to a memory stream, NUL-terminated. */
static void
test_rec_write(void)
{
	struct lt_server_info si = { .id = "NSERVER", .name = "n1",
	    .version = "2.10.0", .jetstream = true };
	char *argv[] = { "latticectl", "watch", "--password", "pw", NULL };
	struct lt_error err = LT_ERROR_INIT;
	struct lt_buf b = LT_BUF_INIT;
	char *text = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&text, &size);
	struct lt_rec *r = lt_rec_open_fp(fp);
	cJSON *tree = cJSON_Parse("{\"subject\":\"a\",\"payload\":"
	    "{\"token\":\"t0k\"}}");

	lt_rec_set_redaction(r, LT_REDACT_SECRETS);
	ok(lt_rec_redaction(r) == LT_REDACT_SECRETS, "the writer's mode");
	is_int((int)lt_rec_write_meta(r, 4, argv, &si, "default", NULL, &err),
	    1, "meta is record 1");
	is_int((int)lt_rec_write(r, "msg", 1, "\"subject\":\"x\"", 13, &err),
	    2, "fields written: seq 2");
	is_int((int)lt_rec_write(r, "gap", 1, "", 0, &err), 3,
	    "no fields: seq 3");
	lt_rec_redact(tree, "msg", lt_rec_redaction(r));
	lt_rec_add_members(&b, tree);
	is_int((int)lt_rec_write(r, "msg", 1, b.buf, b.len, &err), 4,
	    "a tree redacted then added");
	cJSON_Delete(tree);
	ok(lt_rec_close(r, NULL, &err) == 0, "closed with an end record");
	fclose(fp);
	ok(strstr(text, "\"server\":{\"id\":\"NSERVER\",\"name\":\"n1\","
	    "\"version\":\"2.10.0\",\"jetstream\":true}") != NULL,
	    "meta names the server from its information");
	ok(strstr(text, "\"(secret)\"") && !strstr(text, "\"pw\""),
	    "meta masks a secret option's value");
	ok(strstr(text, "\"kind\":\"msg\",\"subject\":\"x\"}\n") != NULL,
	    "members follow the prefix as given");
	ok(strstr(text, "\"kind\":\"gap\"}\n") != NULL,
	    "a record without members");
	ok(strstr(text, "\"payload\":{\"token\":\"<redacted:") &&
	    !strstr(text, "t0k"), "the tree's secret masked once");
	ok(strstr(text, "\"seq\":5,") && strstr(text, "\"kind\":\"end\","
	    "\"records\":5}"), "end record last, counting itself");
	free(text);
	lt_buf_release(&b);
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
	test_redact_once();
	test_rec_write();
	nats_Close();
	done_testing();
	return 0;
}
