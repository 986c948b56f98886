/* test-timeline.c: the text line of each recording record as show and
 * report print it: record time, known kinds, the "#SEQ" prefix, the line
 * of every kind that is not an event (members, payload summary, colors),
 * message lines in all their forms, payload cells (JSON, text, binary,
 * empty, cut), and hostile text escaped everywhere. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/event.h"
#include "latticectl/json.h"
#include "latticectl/output.h"
#include "latticectl/timeline.h"
#include "latticectl/util.h"
#include "tap.h"

#define MS 1000000LL

static int64_t t0;	/* 2026-11-24T10:00:00Z */
static const struct lt_colors *plain, *ansi;

static cJSON *
obj(const char *json)
{
	cJSON *j = lt_json_parse(json, strlen(json));	/* numbers kept */

	if (j == NULL)
		abort();
	return j;
}

/* lt_timeline_other's line for the record json (its "kind"). */
static const char *
other(const char *json, const struct lt_colors *col)
{
	static struct lt_buf b = LT_BUF_INIT;
	cJSON *rec = obj(json);
	const char *kind = lt_json_str(rec, "kind");

	lt_buf_reset(&b);
	lt_timeline_other(rec, kind ? kind : "?", col, &b);
	cJSON_Delete(rec);
	return lt_buf_str(&b);
}

static const char *
line(const char *json)
{
	static struct lt_buf b = LT_BUF_INIT;
	cJSON *rec = obj(json);

	lt_buf_reset(&b);
	lt_timeline_line(rec, plain, &b);
	cJSON_Delete(rec);
	return lt_buf_str(&b);
}

#define T "\"t\":\"2026-11-24T10:00:01.234567890Z\""

static void
test_basics(void)
{
	static const char *const kinds[] = { "meta", "event", "ctl.request",
		"ctl.reply", "wadm.request", "wadm.reply", "wadm.status",
		"wadm.cmd", "kv", "snapshot", "inventory", "probe", "phase",
		"finding", "gap", "end", "msg", NULL };
	static const char *const unknown[] = { "", "Event", "events", "ctl",
		"wadm.reply ", "end\n", NULL };
	struct lt_buf b = LT_BUF_INIT;
	cJSON *rec;
	size_t i, len = 99;
	char *p;
	int good = 1;

	for (i = 0; kinds[i]; i++)
		good &= lt_timeline_known_kind(kinds[i]);
	ok(good, "the 17 kinds a recording holds are known");
	for (i = 0, good = 1; unknown[i]; i++)
		good &= !lt_timeline_known_kind(unknown[i]);
	ok(good && !lt_timeline_known_kind(NULL), "others (and NULL) are not");

	rec = obj("{" T "}");
	is_int(lt_timeline_time(rec), t0 + 1234567890LL, "record time");
	cJSON_Delete(rec);
	rec = obj("{\"t\":\"yesterday\"}");
	is_int(lt_timeline_time(rec), 0, "a bad time: 0");
	cJSON_Delete(rec);
	rec = obj("{\"t\":12}");
	is_int(lt_timeline_time(rec), 0, "a number: 0");
	cJSON_Delete(rec);
	is_int(lt_timeline_time(NULL), 0, "no record: 0");

	rec = obj("{\"seq\":7,\"payload\":{ \"a\" : 1.50 },\"event\":\"aGn/\","
	    "\"encoding\":\"base64\"}");
	lt_timeline_seq(rec, &b);
	is_str(lt_buf_str(&b), "#7     ", "seq left-aligned in 5 columns");
	p = lt_timeline_payload(rec, "payload", &len);
	ok(p && !strcmp(p, "{\"a\":1.50}") && len == 10,
	    "a JSON payload as compact text, numbers as written");
	free(p);
	p = lt_timeline_payload(rec, "event", &len);
	ok(p && len == 3 && !memcmp(p, "hi\xff", 3), "base64 decoded");
	free(p);
	ok(lt_timeline_payload(rec, "value", &len) == NULL, "absent: NULL");
	cJSON_Delete(rec);
	rec = obj("{\"seq\":1234567,\"payload\":\"@@\",\"encoding\":\"base64\"}");
	lt_buf_reset(&b);
	lt_timeline_seq(rec, &b);
	is_str(lt_buf_str(&b), "#1234567 ", "a long seq is not cut");
	ok(lt_timeline_payload(rec, "payload", &len) == NULL,
	    "bad base64: NULL");
	cJSON_Delete(rec);
	rec = obj("{\"payload\":\"\",\"encoding\":\"base64\"}");
	lt_buf_reset(&b);
	lt_timeline_seq(rec, &b);
	is_str(lt_buf_str(&b), "#0     ", "no seq: #0");
	p = lt_timeline_payload(rec, "payload", &len);
	ok(p && len == 0 && *p == '\0', "empty base64: empty, not NULL");
	free(p);
	cJSON_Delete(rec);
	lt_buf_release(&b);
}

static void
test_kinds(void)
{
	is_str(other("{\"kind\":\"meta\"," T ",\"tool\":\"latticectl\","
	    "\"version\":\"0.1.0\",\"lattice\":\"lat1\",\"argv\":[\"x\"]}", plain),
	    "10:00:01.234  -- meta: lattice=lat1 version=0.1.0",
	    "meta: lattice and version");
	is_str(other("{\"kind\":\"ctl.request\"," T ",\"subject\":"
	    "\"wasmbus.ctl.v1.default.component.scale.NH1\",\"payload\":"
	    "{\"component_id\":\"echo\",\"component_ref\":\"ghcr.io/x:1\","
	    "\"count\":3,\"annotations\":{\"a\":\"b\"}}}", plain),
	    "10:00:01.234  -- ctl.request: subject=wasmbus.ctl.v1.default."
	    "component.scale.NH1 component_id=echo component_ref=ghcr.io/x:1 "
	    "count=3", "ctl.request: subject and the payload's identifying "
	    "members (objects left out)");
	is_str(other("{\"kind\":\"ctl.reply\"," T ",\"subject\":\"s\","
	    "\"latency_ms\":12.5,\"payload\":{\"success\":false,\"message\":"
	    "\"no such host\"}}", plain),
	    "10:00:01.234  -- ctl.reply: subject=s latency_ms=12.5 error "
	    "message=no such host", "ctl.reply: error and its message");
	is_str(other("{\"kind\":\"wadm.status\"," T ",\"app\":\"shop\","
	    "\"payload\":{\"status\":{\"type\":\"failed\",\"message\":"
	    "\"bad \\\"ref\\\"\"}}}", plain),
	    "10:00:01.234  -- wadm.status: app=shop status=failed "
	    "message=\"bad \\\"ref\\\"\"", "wadm.status: type and quoted message");
	is_str(other("{\"kind\":\"wadm.cmd\"," T ",\"payload\":{\"scale\":"
	    "{\"component_id\":\"echo\",\"count\":2}}}", plain),
	    "10:00:01.234  -- wadm.cmd: scale component_id=echo count=2",
	    "wadm.cmd: the command and its members");
	is_str(other("{\"kind\":\"kv\"," T ",\"bucket\":\"wadm_state\","
	    "\"key\":\"app\",\"op\":\"put\",\"revision\":9,\"value\":"
	    "{\"reference\":\"r\",\"count\":null}}", plain),
	    "10:00:01.234  -- kv: bucket=wadm_state key=app op=put revision=9 "
	    "reference=r", "kv: key, op, revision and the value's members");
	is_str(other("{\"kind\":\"finding\"," T ",\"id\":\"F7\",\"severity\":"
	    "\"error\",\"title\":\"host gone\",\"evidence\":[3,4]}", ansi),
	    "\033[31m10:00:01.234  -- finding: severity=error id=F7 "
	    "title=host gone evidence=[3,4]\033[0m", "finding (error) in red");
	is_str(other("{\"kind\":\"finding\"," T ",\"severity\":\"warning\"}",
	    ansi), "\033[33m10:00:01.234  -- finding: severity=warning\033[0m",
	    "finding (warning) in yellow");
	is_str(other("{\"kind\":\"gap\"," T ",\"reason\":\"disconnected\","
	    "\"duration_ms\":2500,\"dropped\":0,\"detail\":\"nats://h:4222\"}",
	    ansi), "\033[33m10:00:01.234  -- gap: reason=disconnected "
	    "duration_ms=2500 dropped=0 detail=nats://h:4222\033[0m",
	    "gap in yellow with its members");
	is_str(other("{\"kind\":\"phase\"," T ",\"phase\":\"collect\"}", ansi),
	    "\033[1m10:00:01.234  -- phase: phase=collect\033[0m",
	    "phase in bold");
	is_str(other("{\"kind\":\"probe\"," T ",\"name\":\"ping\",\"status\":"
	    "\"ok\",\"latency_ms\":3}", ansi),
	    "10:00:01.234  -- probe: name=ping status=ok latency_ms=3",
	    "probe: no color");
	is_str(other("{\"kind\":\"end\"," T ",\"records\":12}", plain),
	    "10:00:01.234  -- end:", "end: no member of the list");
	is_str(other("{\"kind\":\"inventory\"}", plain),
	    "00:00:00.000  -- inventory:", "no time: midnight 1970");
}

static void
test_hostile(void)
{
	char longmsg[400], want[400];

	is_str(other("{\"kind\":\"x\\u001b[2J\\u202e\"," T ",\"subject\":"
	    "\"a\\u001b]0;pwn\\u0007\",\"error\":\"\\u009b31m\\r\\nfake\"}",
	    plain), "10:00:01.234  -- x\\x1b[2J\\u202e: subject=a\\x1b]0;pwn"
	    "\\x07 error=\\u009b31m\\r\\nfake",
	    "controls in the kind and in members escaped");
	is_str(other("{\"kind\":\"ctl.reply\",\"payload\":{\"host_id\":"
	    "\"N\\u2066H\",\"message\":\"\\u001bc\"}}", plain),
	    "00:00:00.000  -- ctl.reply: host_id=N\\u2066H message=\\x1bc",
	    "in payload members too");
	is_str(other("{\"kind\":\"wadm.cmd\",\"payload\":{\"evil\\u001b[1m\":"
	    "{}}}", plain), "00:00:00.000  -- wadm.cmd: evil\\x1b[1m",
	    "in a command's name");
	is_str(other("{\"kind\":\"wadm.status\",\"payload\":{\"status\":"
	    "{\"type\":\"de\\u009bployed\"}}}", plain),
	    "00:00:00.000  -- wadm.status: status=de\\u009bployed",
	    "in a status type");
	memset(longmsg, 'm', 300);
	longmsg[300] = '\0';
	{
		struct lt_buf j = LT_BUF_INIT;

		lt_buf_addf(&j, "{\"kind\":\"ctl.reply\",\"payload\":"
		    "{\"message\":\"%s\"}}", longmsg);
		snprintf(want, sizeof(want), "00:00:00.000  -- ctl.reply: "
		    "message=%.*s...", 148, longmsg);
		is_str(other(j.buf, plain), want,
		    "a long payload member cut to 157 bytes and '...'");
		lt_buf_release(&j);
	}
}

static const char *
msg(const struct lt_msg_line *m, const struct lt_colors *c, size_t max)
{
	static struct lt_buf b = LT_BUF_INIT;

	lt_buf_reset(&b);
	lt_timeline_msg_text(&b, m, c, max);
	return lt_buf_str(&b);
}

static void
test_msg(void)
{
	struct lt_msg_line m;
	char big[100];

	memset(&m, 0, sizeof(m));
	m.t_ns = t0 + 5 * MS;
	m.subject = "orders.new";
	m.reply = "_INBOX.r1";
	m.data = "{ \"id\" : 1 }";
	m.len = strlen(m.data);
	is_str(msg(&m, plain, 4096), "10:00:00.005  orders.new  -> _INBOX.r1  "
	    "{\"id\":1}", "a message with a reply subject; JSON compacted");
	is_str(msg(&m, ansi, 4096), "\033[2m10:00:00.005\033[0m  \033[1m"
	    "orders.new\033[0m  -> _INBOX.r1  {\"id\":1}", "in color");
	m.pair = 4;
	is_str(msg(&m, plain, 4096), "10:00:00.005  req #4  orders.new  "
	    "{\"id\":1}", "a request of a pair: no reply subject");
	m.request_subject = "orders.new";
	m.subject = "_INBOX.r1";
	m.latency_ns = 12 * MS;
	m.nreplies = 2;
	m.data = "ok";
	m.len = 2;
	is_str(msg(&m, plain, 4096), "10:00:00.005  rep #4+  12ms  orders.new  "
	    "ok", "a second reply: '+' and the latency");
	m.before_request = true;
	m.nreplies = 1;
	is_str(msg(&m, plain, 4096), "10:00:00.005  rep #4  seen before "
	    "request  orders.new  ok", "a reply seen before its request");
	m.before_request = false;
	m.no_responders = true;
	is_str(msg(&m, ansi, 4096), "\033[2m10:00:00.005\033[0m  \033[31m503 "
	    "#4  12ms  orders.new  no responders\033[0m", "503 in red");
	m.no_responders = false;
	m.unanswered = true;
	m.window = "2s";
	is_str(msg(&m, plain, 4096), "10:00:00.005  unanswered #4  orders.new"
	    "  no reply within 2s", "unanswered within a window");
	m.window = NULL;
	is_str(msg(&m, plain, 4096), "10:00:00.005  unanswered #4  orders.new"
	    "  no reply", "unanswered without a window");

	memset(&m, 0, sizeof(m));
	m.t_ns = t0 + 999 * MS;
	m.subject = "s";
	m.role = "delivery";
	is_str(msg(&m, plain, 4096), "10:00:00.999  delivery  s  <empty>",
	    "a pulled message's role; an empty payload");
	m.role = NULL;
	m.data = "\x89PNG\r\n\x1a\n\0\0";
	m.len = 10;
	is_str(msg(&m, plain, 4096), "10:00:00.999  s  <10 bytes binary>",
	    "binary payload");
	m.data = "line1\r\nline2\t\xe2\x80\xae \xc2\x85";
	m.len = strlen(m.data);
	is_str(msg(&m, plain, 4096), "10:00:00.999  s  line1\\r\\nline2\\t"
	    "\\u202e \\u0085", "text payload: line breaks, bidi and C1 "
	    "escaped");
	m.data = "text\x1b[2J";
	m.len = strlen(m.data);
	is_str(msg(&m, plain, 4096), "10:00:00.999  s  <8 bytes binary>",
	    "text with an escape character counts as binary");
	m.data = "{\"a\":\"\\u001b[2J\xc2\x9b\"}";
	m.len = strlen(m.data);
	is_str(msg(&m, plain, 4096), "10:00:00.999  s  {\"a\":\"\\u001b[2J"
	    "\\u009b\"}", "JSON payload: its escapes kept, a raw C1 escaped");
	memset(big, 'x', sizeof(big));
	m.data = big;
	m.len = sizeof(big);
	is_str(msg(&m, plain, 10), "10:00:00.999  s  xxxxxxxxxx... (100 bytes)",
	    "cut at max with the size");
	m.subject = "a.\x1b[31m.b";
	m.data = NULL;
	is_str(msg(&m, plain, 10), "10:00:00.999  a.\\x1b[31m.b  <empty>",
	    "a hostile subject escaped");
	is_str(other("{\"kind\":\"msg\",\"t\":\"2026-11-24T10:00:00.005Z\","
	    "\"subject\":\"_INBOX.r1\",\"request_subject\":\"orders.new\","
	    "\"pair\":4,\"reply_index\":1,\"latency_ms\":12,\"payload\":"
	    "\"aGk=\",\"encoding\":\"base64\"}", plain),
	    "10:00:00.005  rep #4  12ms  orders.new  hi",
	    "a msg record as sub showed it");
	is_str(other("{\"kind\":\"msg\",\"pair\":1e999,\"latency_ms\":1e999,"
	    "\"request_subject\":\"q\",\"status\":\"no-responders\"}", plain),
	    "00:00:00.000  503 #9223372036854775807  106751d23h  q  no "
	    "responders", "absurd numbers in a msg record are clamped");
}

static void
test_line(void)
{
	const char *l;

	is_str(line("{\"seq\":3,\"kind\":\"phase\"," T ",\"phase\":\"x\"}"),
	    "#3     10:00:01.234  -- phase: phase=x", "seq then the line");
	is_str(line("{\"seq\":4," T "}"), "#4     10:00:01.234  -- ?:",
	    "a record without kind");
	l = line("{\"seq\":5,\"kind\":\"event\"," T ",\"subject\":"
	    "\"wasmbus.evt.default.host_heartbeat\",\"event\":{\"specversion\":"
	    "\"1.0\",\"type\":\"com.wasmcloud.lattice.host_heartbeat\","
	    "\"source\":\"NH1\",\"id\":\"e1\",\"time\":"
	    "\"2026-11-24T10:00:01.234Z\",\"data\":{\"host_id\":\"NH1\"}}}");
	ok(!strncmp(l, "#5     10:00:01.234  ", 21) && !strstr(l, "-- event:")
	    && strstr(l, "host_heartbeat") != NULL,
	    "an event as watch shows it: %s", l);
	is_str(line("{\"seq\":6,\"kind\":\"event\"," T "}"),
	    "#6     10:00:01.234  -- event:", "an event record without payload");
}

int
main(void)
{
	lt_time_set_local(false);
	plain = lt_output_colors(false);
	ansi = lt_output_colors(true);
	if (lt_time_parse("2026-11-24T10:00:00Z", &t0) < 0)
		return 1;
	test_basics();
	test_kinds();
	test_hostile();
	test_msg();
	test_line();
	done_testing();
}
