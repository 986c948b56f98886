/* classify.h: NATS subject patterns against the lattice's request
 * subjects (docs/protocol.md, Observing without disturbing). 'sub'
 * classifies what it is asked to subscribe to before it subscribes, labels
 * each message it receives, and 'doctor' uses the list of queue groups
 * hosts and wadm answer in.
 *
 * Subject syntax: dot-separated non-empty tokens; '*' matches one token,
 * '>' (last token only) one or more. Nothing here allocates except where
 * a comment says so, and nothing prints. */
#ifndef LATTICECTL_CLASSIFY_H
#define LATTICECTL_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

/* What a subject (or pattern) touches; a pattern may touch several. */
enum lt_class {
	LT_CLASS_CTL = (1 << 0),	/* {ctl}.v1.{L}.> host control */
	LT_CLASS_WADM_API = (1 << 1),	/* wadm.api.{L}.> */
	LT_CLASS_JS_API = (1 << 2),	/* $JS.API.> JetStream API */
	LT_CLASS_KV = (1 << 3),		/* $KV.> KV puts */
	LT_CLASS_HOST_REQ = (1 << 4),	/* wasmbus.cfg.{L}.req, secrets */
	LT_CLASS_INBOX = (1 << 5),	/* {inbox}.>, _INBOX.> replies */
	LT_CLASS_WIDE = (1 << 6),	/* spans namespaces ('>', '*.x'):
					 * every wRPC call and reply too */
};

/* The classes whose overlap turns "no responders" into timeouts. Replies
 * (INBOX) are not requests. */
#define LT_CLASS_REQUESTS (LT_CLASS_CTL | LT_CLASS_WADM_API | \
	LT_CLASS_JS_API | LT_CLASS_KV | LT_CLASS_HOST_REQ)
/* The classes 'sub' requires --observe-requests for (latticectl-sub(1)):
 * the requests, and the inboxes, where every other client's replies are
 * seen (config values, secrets). */
#define LT_CLASS_GUARDED (LT_CLASS_REQUESTS | LT_CLASS_INBOX)

/* A queue group somebody legitimately answers in. */
struct lt_queue_group {
	char name[288];		/* "wasmbus.ctl.v1.default.config" */
	char subject[288];	/* the pattern subscribed with it */
	const char *owner;	/* "host", "wadm", "secrets backend" */
};

#define LT_CLASSIFY_MAX_GROUPS 6

/* The lattice the classification is for. */
struct lt_classify {
	char ctl[160];		/* "{ctl}.v1.{L}.>" */
	char wadm[160];		/* "wadm.api.{L}.>" */
	char cfg_req[160];	/* "wasmbus.cfg.{L}.req" */
	char inbox[160];	/* "{inbox}.>" */
	char inbox_prefix[128];	/* "_INBOX" */
	char ctl_prefix[128];	/* "wasmbus.ctl" */
	char lattice[128];
};

/* NULL arguments mean the defaults (wasmbus.ctl, default, _INBOX). */
void lt_classify_init(struct lt_classify *c, const char *ctl_prefix,
    const char *lattice, const char *inbox_prefix);

/* Classes (enum lt_class bits) a subscription pattern overlaps; 0 when
 * it touches none of the lattice's request or reply subjects. */
int lt_classify_pattern(const struct lt_classify *c, const char *pattern);
/* The single class of a received (literal) subject, or 0 for anything
 * else (events, wRPC, ...). */
int lt_classify_subject(const struct lt_classify *c, const char *subject);

/* One request (or reply) subject pattern a subscription overlaps. */
struct lt_class_hit {
	int bit;		/* its enum lt_class */
	const char *pattern;	/* borrowed from the lt_classify (or static) */
};

/* The patterns of the classes in classes that pattern overlaps, in class
 * order: a class with several patterns (host-request: wasmbus.cfg.{L}.req
 * and wasmcloud.secrets.>) is listed once per pattern it overlaps. Writes
 * at most max; returns how many. */
size_t lt_classify_hits(const struct lt_classify *c, const char *pattern,
    int classes, struct lt_class_hit *out, size_t max);

/* What a received message is to a request/reply observer. JetStream
 * sends messages that carry a reply subject nobody answers as a reply:
 * a delivery's reply is where the consumer acks, flow control's where
 * the client says it keeps up. */
enum lt_msg_role {
	LT_ROLE_PLAIN,		/* no reply subject */
	LT_ROLE_REQUEST,	/* a reply subject somebody should answer */
	LT_ROLE_DELIVERY,	/* JetStream delivery: reply $JS.ACK.> */
	LT_ROLE_FLOW_CONTROL,	/* server asks a push consumer: $JS.FC.> */
	LT_ROLE_HEARTBEAT,	/* idle heartbeat: status 100, no reply */
	LT_ROLE_ACK,		/* a consumer's ack on $JS.ACK.> */
	LT_ROLE_FC_REPLY,	/* a client's answer on $JS.FC.> */
};

/* The role of a message on subject with reply (NULL: none) and status
 * (its "Status" header, NULL: none). An ack or flow control answer that
 * itself wants a reply (AckSync) is a request. */
enum lt_msg_role lt_classify_role(const char *subject, const char *reply,
    const char *status);
/* True for the JetStream roles (delivery ... flow control reply). */
bool lt_role_is_js(enum lt_msg_role r);
/* "delivery", "flow-control", "heartbeat", "ack", "flow-control-reply";
 * NULL for plain messages and requests. */
const char *lt_role_name(enum lt_msg_role r);

/* The pull request subject prefix; the rest is "STREAM.CONSUMER". */
#define LT_JS_PULL_PREFIX "$JS.API.CONSUMER.MSG.NEXT."
/* "STREAM.CONSUMER" of a delivery's ack subject ($JS.ACK.STREAM.CONSUMER.
 * and five numbers, or with a domain and account hash in front and maybe
 * a random token after), into out. False when ack is not one. */
bool lt_js_ack_consumer(const char *ack, char *out, size_t len);

/* Short name of one class bit: "ctl", "wadm.api", "$JS.API", "$KV",
 * "host-request", "inbox", "wide". */
const char *lt_class_name(int class_bit);

/* The queue groups hosts, wadm and the reference secrets backend use,
 * for this lattice. Returns how many were written (at most max). */
size_t lt_classify_groups(const struct lt_classify *c,
    struct lt_queue_group *out, size_t max);

/* Pattern predicates. */
bool lt_subject_is_valid(const char *pattern);
/* Some literal subject matches both patterns. */
bool lt_subject_overlaps(const char *a, const char *b);
/* Every subject matching inner also matches outer. */
bool lt_subject_covers(const char *outer, const char *inner);
/* The literal subject matches the pattern. */
bool lt_subject_matches(const char *pattern, const char *subject);

#endif
