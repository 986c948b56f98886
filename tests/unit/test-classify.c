/* test-classify.c: subject pattern algebra, classification of the
 * lattice's request subjects, and the queue groups hosts and wadm use. */
#include <string.h>

#include "latticectl/classify.h"
#include "tap.h"

static void
test_valid(void)
{
	ok(lt_subject_is_valid("a.b.c"), "plain subject is valid");
	ok(lt_subject_is_valid(">"), "'>' is valid");
	ok(lt_subject_is_valid("a.*.>"), "wildcards as whole tokens");
	ok(!lt_subject_is_valid(""), "empty is invalid");
	ok(!lt_subject_is_valid("a..b"), "empty token is invalid");
	ok(!lt_subject_is_valid("a.>.b"), "'>' must be last");
	ok(!lt_subject_is_valid("a.b*"), "'*' inside a token is invalid");
	ok(!lt_subject_is_valid("a b"), "space is invalid");
	ok(!lt_subject_is_valid("a."), "trailing dot is invalid");
}

static void
test_overlap(void)
{
	ok(lt_subject_overlaps(">", "wasmbus.ctl.v1.default.>"), "> overlaps ctl");
	ok(lt_subject_overlaps("wasmbus.ctl.>", "wasmbus.ctl.v1.default.>"),
	    "wasmbus.ctl.> overlaps ctl");
	ok(lt_subject_overlaps("wasmbus.*.v1.default.host.ping",
	    "wasmbus.ctl.v1.default.>"), "'*' token overlaps");
	ok(!lt_subject_overlaps("wasmbus.evt.default.>",
	    "wasmbus.ctl.v1.default.>"), "events do not overlap ctl");
	ok(!lt_subject_overlaps("wasmbus.ctl.v1.default",
	    "wasmbus.ctl.v1.default.>"), "'>' needs one more token");
	ok(!lt_subject_overlaps("a.b", "a.b.c"), "different lengths");
	ok(lt_subject_overlaps("a.*", "*.b"), "crossed wildcards overlap");
	ok(lt_subject_covers(">", "_INBOX.>"), "> covers _INBOX.>");
	ok(lt_subject_covers("_INBOX.>", "_INBOX.abc.1"), "inbox covers reply");
	ok(!lt_subject_covers("_INBOX.*", "_INBOX.>"), "* does not cover >");
	ok(!lt_subject_covers("a.b", "a.*"), "literal does not cover *");
	ok(lt_subject_covers("a.*", "a.b"), "* covers literal");
	ok(lt_subject_matches("wasmbus.ctl.v1.*.host.ping",
	    "wasmbus.ctl.v1.default.host.ping"), "match with *");
	ok(!lt_subject_matches("wasmbus.ctl.v1.*.host.ping",
	    "wasmbus.ctl.v1.default.host.get.N1"), "no match");
}

static void
test_classify(void)
{
	struct lt_classify c;
	int k;

	lt_classify_init(&c, NULL, NULL, NULL);
	is_str(c.ctl, "wasmbus.ctl.v1.default.>", "default ctl pattern");
	k = lt_classify_pattern(&c, ">");
	ok((k & LT_CLASS_REQUESTS) == LT_CLASS_REQUESTS, "> touches all requests");
	ok(k & LT_CLASS_INBOX && k & LT_CLASS_WIDE, "> touches inbox, wide");
	k = lt_classify_pattern(&c, "wasmbus.ctl.>");
	is_int(k, LT_CLASS_CTL, "wasmbus.ctl.> is ctl only");
	is_int(lt_classify_pattern(&c, "wasmbus.evt.default.>"), 0,
	    "events are harmless");
	is_int(lt_classify_pattern(&c, "wasmbus.ctl.v1.other.>"), 0,
	    "other lattice's ctl is not this lattice's");
	is_int(lt_classify_pattern(&c, "wadm.api.default.model.get"),
	    LT_CLASS_WADM_API, "wadm api");
	is_int(lt_classify_pattern(&c, "_INBOX.>"), LT_CLASS_INBOX, "inbox");
	is_int(lt_classify_pattern(&c, "$KV.CONFIGDATA_default.>"), LT_CLASS_KV,
	    "kv");
	is_int(lt_classify_pattern(&c, "wasmbus.>"),
	    LT_CLASS_CTL | LT_CLASS_HOST_REQ, "wasmbus.> includes cfg.req");
	ok(lt_classify_pattern(&c, "*.evt") & LT_CLASS_WIDE, "*.x is wide");
	is_int(lt_classify_subject(&c, "wasmbus.ctl.v1.default.config.get.x"),
	    LT_CLASS_CTL, "literal ctl subject");
	is_int(lt_classify_subject(&c, "_INBOX.abc.3"), LT_CLASS_INBOX,
	    "literal inbox subject");
	is_int(lt_classify_subject(&c, "wasmbus.evt.default.x"), 0,
	    "literal event subject");
	lt_classify_init(&c, "acct.wasmbus.ctl", "prod", "_MY");
	is_str(c.ctl, "acct.wasmbus.ctl.v1.prod.>", "custom prefix and lattice");
	is_int(lt_classify_subject(&c, "_MY.x"), LT_CLASS_INBOX, "custom inbox");
	is_int(lt_classify_pattern(&c, "_INBOX.*"), LT_CLASS_INBOX,
	    "_INBOX is every other client's inbox, whatever the prefix");
	is_str(lt_class_name(LT_CLASS_WADM_API), "wadm.api", "class name");
}

/* Each overlapped pattern is named, not only its class. */
static void
test_hits(void)
{
	struct lt_classify c;
	struct lt_class_hit h[8];
	size_t n;

	lt_classify_init(&c, NULL, NULL, NULL);
	n = lt_classify_hits(&c, "wasmcloud.secrets.>", LT_CLASS_REQUESTS, h, 8);
	is_int(n, 1, "secrets: one hit");
	is_int(h[0].bit, LT_CLASS_HOST_REQ, "secrets: a host request");
	is_str(h[0].pattern, "wasmcloud.secrets.>", "secrets: its own pattern");
	n = lt_classify_hits(&c, "wasmbus.cfg.*.req", LT_CLASS_REQUESTS, h, 8);
	ok(n == 1 && !strcmp(h[0].pattern, "wasmbus.cfg.default.req"),
	    "config request: the config pattern");
	n = lt_classify_hits(&c, ">", LT_CLASS_HOST_REQ, h, 8);
	ok(n == 2 && !strcmp(h[1].pattern, "wasmcloud.secrets.>"),
	    "> and host requests: both patterns");
	is_int(lt_classify_hits(&c, ">", LT_CLASS_REQUESTS, h, 3), 3,
	    "max respected");
	is_int(lt_classify_hits(&c, "wasmbus.evt.>", LT_CLASS_REQUESTS, h, 8), 0,
	    "events: no hit");
	n = lt_classify_hits(&c, "_INBOX.>", LT_CLASS_GUARDED, h, 8);
	ok(n == 1 && h[0].bit == LT_CLASS_INBOX, "_INBOX.>: one inbox hit");
	lt_classify_init(&c, NULL, NULL, "MY");
	is_int(lt_classify_hits(&c, ">", LT_CLASS_INBOX, h, 8), 2,
	    "custom prefix: its inbox and _INBOX");
}

static void
test_groups(void)
{
	struct lt_classify c;
	struct lt_queue_group g[LT_CLASSIFY_MAX_GROUPS];
	size_t n;

	lt_classify_init(&c, NULL, "default", NULL);
	n = lt_classify_groups(&c, g, LT_CLASSIFY_MAX_GROUPS);
	is_int(n, 5, "five well-known groups");
	is_str(g[0].name, "wasmbus.ctl.v1.default.link", "link group");
	is_str(g[2].name, "wasmbus.ctl.v1.default.config", "config group");
	is_str(g[2].subject, "wasmbus.ctl.v1.default.config.>", "config subject");
	is_str(g[3].name, "wadm_server", "wadm group");
	is_str(g[3].owner, "wadm", "wadm owns it");
	is_int(lt_classify_groups(&c, g, 2), 2, "max respected");
}

/* JetStream messages that carry a reply subject nobody answers. */
static void
test_roles(void)
{
	is_int(lt_classify_role("$KV.b.k",
	    "$JS.ACK.KV_b.c.1.2.2.1796618880041427419.0", NULL),
	    LT_ROLE_DELIVERY, "a KV watch delivery");
	is_int(lt_classify_role("orders.new", "$JS.ACK.ORDERS.c.1.5.5.1.0",
	    NULL), LT_ROLE_DELIVERY, "a stream delivery");
	is_int(lt_classify_role("_INBOX.d", "$JS.FC.KV_b.x.y", "100"),
	    LT_ROLE_FLOW_CONTROL, "flow control asks for an answer");
	is_int(lt_classify_role("_INBOX.d", NULL, "100"), LT_ROLE_HEARTBEAT,
	    "an idle heartbeat");
	is_int(lt_classify_role("$JS.ACK.S.c.1.2.2.1.0", NULL, NULL),
	    LT_ROLE_ACK, "an ack");
	is_int(lt_classify_role("$JS.ACK.S.c.1.2.2.1.0", "_INBOX.a", NULL),
	    LT_ROLE_REQUEST, "an ack that wants a reply is a request");
	is_int(lt_classify_role("$JS.FC.S.x.y", NULL, NULL), LT_ROLE_FC_REPLY,
	    "the client's flow control answer");
	is_int(lt_classify_role("$JS.API.INFO", "_INBOX.a", NULL),
	    LT_ROLE_REQUEST, "an API call is a request");
	is_int(lt_classify_role("_INBOX.a", NULL, "404"), LT_ROLE_PLAIN,
	    "a status reply is a plain message");
	is_int(lt_classify_role("x", "", NULL), LT_ROLE_PLAIN,
	    "an empty reply subject is none");
	is_str(lt_role_name(LT_ROLE_DELIVERY), "delivery", "role name");
	ok(lt_role_name(LT_ROLE_REQUEST) == NULL, "a request has no role name");
	ok(lt_role_is_js(LT_ROLE_FC_REPLY) && !lt_role_is_js(LT_ROLE_REQUEST),
	    "JetStream roles");
}

static void
test_ack_consumer(void)
{
	char k[64];

	ok(lt_js_ack_consumer("$JS.ACK.KV_b.puller.1.2.2.1796618880.17", k,
	    sizeof(k)), "an ack subject");
	is_str(k, "KV_b.puller", "its stream and consumer");
	ok(lt_js_ack_consumer("$JS.ACK._.ACCHASH.ORD.c1.1.2.2.179.0.rnd", k,
	    sizeof(k)), "the form with domain and account hash");
	is_str(k, "ORD.c1", "stream and consumer after them");
	ok(!lt_js_ack_consumer("$JS.ACK.S.c.1", k, sizeof(k)),
	    "too few tokens");
	ok(!lt_js_ack_consumer("$JS.FC.S.c.1.2.3.4.5", k, sizeof(k)),
	    "not an ack");
	ok(!lt_js_ack_consumer("$JS.ACK.S.c.1.2.2.1.0", k, 3),
	    "does not fit");
}

int
main(void)
{
	test_valid();
	test_overlap();
	test_classify();
	test_hits();
	test_groups();
	test_roles();
	test_ack_consumer();
	done_testing();
	return 0;
}
