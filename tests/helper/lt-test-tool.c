/* lt-test-tool.c: the small nats.c client every integration test uses to
 * publish, request and touch KV buckets. Not installed.
 *
 *   lt-test-tool [-s URL] SUBCOMMAND [ARGS] [OPTIONS]
 *
 * The server comes from -s, else $NATS_URL. Subcommands live in one table
 * (subcmds[] below); to add one, write a cmd_<name>() and add a row. Each
 * row lists the options that take a value, so all subcommands share one
 * option parser. Exit codes: 0 ok, 2 usage, 3 connect, 4 timeout or no
 * responders, 6 other failure. */
#include <errno.h>
#include <dirent.h>
#include <nats/nats.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "latticectl/buf.h"
#include "latticectl/util.h"

#include "banned.h"

#define MAX_POS 64
#define MAX_HDR 16

struct args {
	const char *pos[MAX_POS];
	int npos;
	const char *headers[MAX_HDR];
	int nheaders;
	uint64_t count;
	int64_t timeout_ns;
	const char *lattice;
	uint64_t history;
	uint64_t replicas;
	uint64_t every;		/* kv-fill: only every N-th key */
	const char *tag;	/* kv-fill: mark in the values */
};

struct subcmd {
	const char *name;
	const char *usage;
	int min_pos, max_pos;
	bool needs_conn;
	int (*run)(natsConnection *nc, struct args *a);
};

static void
die_usage(const char *msg, const char *arg)
{
	fprintf(stderr, "lt-test-tool: %s '%s'\n", msg, arg);
	exit(2);
}

static int
fail_nats(const char *what, natsStatus s)
{
	fprintf(stderr, "lt-test-tool: %s: %s (%s)\n", what,
	    natsStatus_GetText(s), nats_GetLastError(NULL));
	if (s == NATS_TIMEOUT || s == NATS_NO_RESPONDERS)
		return 4;
	return 6;
}

/* Read a whole file ("-" is stdin) into out. */
static int
slurp(const char *path, struct lt_buf *out)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char tmp[65536];
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "lt-test-tool: cannot open '%s': %s\n", path,
		    strerror(errno));
		return -1;
	}
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		lt_buf_add(out, tmp, n);
	if (f != stdin)
		fclose(f);
	if (out->buf == NULL)
		lt_buf_adds(out, "");
	return 0;
}

/* DATA arguments: "@FILE" reads a file, anything else is literal. */
static int
data_arg(const char *arg, struct lt_buf *out)
{
	if (arg == NULL) {
		lt_buf_adds(out, "");
		return 0;
	}
	if (arg[0] == '@')
		return slurp(arg + 1, out);
	lt_buf_adds(out, arg);
	return 0;
}

static natsStatus
make_msg(natsMsg **m, const char *subj, const char *reply,
    const struct lt_buf *data, struct args *a)
{
	natsStatus s;
	int i;

	s = natsMsg_Create(m, subj, reply, data->buf, (int)data->len);
	for (i = 0; s == NATS_OK && i < a->nheaders; i++) {
		char *k = lt_xstrdup(a->headers[i]), *v = strchr(k, ':');

		if (v == NULL)
			die_usage("bad --header (want K:V)", a->headers[i]);
		*v++ = '\0';
		s = natsMsgHeader_Add(*m, k, v);
		free(k);
	}
	return s;
}

static int
cmd_pub(natsConnection *nc, struct args *a)
{
	struct lt_buf data = LT_BUF_INIT;
	natsStatus s = NATS_OK;
	uint64_t i;

	if (a->npos > 1 && slurp(a->pos[1], &data) < 0)
		return 6;
	if (data.buf == NULL)
		lt_buf_adds(&data, "");
	for (i = 0; s == NATS_OK && i < a->count; i++) {
		natsMsg *m = NULL;

		s = make_msg(&m, a->pos[0], NULL, &data, a);
		if (s == NATS_OK)
			s = natsConnection_PublishMsg(nc, m);
		natsMsg_Destroy(m);
	}
	if (s == NATS_OK)
		s = natsConnection_FlushTimeout(nc, 10000);
	lt_buf_release(&data);
	return s == NATS_OK ? 0 : fail_nats("publish", s);
}

/* Publish one example CloudEvent file compacted, on the subject its type
 * names: com.wasmcloud.lattice.X -> wasmbus.evt.L.X, com.wadm.X ->
 * wadm.evt.L.X (wadm's own events). */
static int
pub_event_file(natsConnection *nc, const char *path, struct args *a)
{
	struct lt_buf raw = LT_BUF_INIT;
	cJSON *root = NULL;
	const char *type, *dot;
	char *body = NULL, *subj = NULL;
	natsStatus s = NATS_OK;
	uint64_t i;
	int rc = 6;

	if (slurp(path, &raw) < 0)
		goto out;
	root = cJSON_ParseWithLength(raw.buf, raw.len);
	type = cJSON_GetStringValue(cJSON_GetObjectItem(root, "type"));
	if (type == NULL || (dot = strrchr(type, '.')) == NULL) {
		fprintf(stderr, "lt-test-tool: '%s' has no CloudEvent type\n",
		    path);
		goto out;
	}
	subj = lt_xasprintf("%s.%s.%s", lt_str_has_prefix(type, "com.wadm.") ?
	    "wadm.evt" : "wasmbus.evt", a->lattice, dot + 1);
	body = cJSON_PrintUnformatted(root);
	for (i = 0; s == NATS_OK && i < a->count; i++)
		s = natsConnection_PublishString(nc, subj, body);
	rc = s == NATS_OK ? 0 : fail_nats("publish", s);
out:
	cJSON_free(body);
	cJSON_Delete(root);
	free(subj);
	lt_buf_release(&raw);
	return rc;
}

static int
name_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Every *.json in dir, in name order. */
static int
pub_event_dir(natsConnection *nc, const char *dir, struct args *a)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;
	int rc = 0;

	if (d == NULL)
		return 6;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		names = lt_xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = lt_xasprintf("%s/%s", dir, de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		if (rc == 0)
			rc = pub_event_file(nc, names[i], a);
		free(names[i]);
	}
	free(names);
	return rc;
}

static int
cmd_pub_events(natsConnection *nc, struct args *a)
{
	int i, rc = 0;
	natsStatus s;

	for (i = 0; rc == 0 && i < a->npos; i++) {
		DIR *d = opendir(a->pos[i]);

		if (d != NULL) {
			closedir(d);
			rc = pub_event_dir(nc, a->pos[i], a);
		} else {
			rc = pub_event_file(nc, a->pos[i], a);
		}
	}
	if (rc != 0)
		return rc;
	s = natsConnection_FlushTimeout(nc, 10000);
	return s == NATS_OK ? 0 : fail_nats("flush", s);
}

static int
cmd_flood(natsConnection *nc, struct args *a)
{
	struct lt_buf data = LT_BUF_INIT;
	natsStatus s = NATS_OK;
	int64_t t0;
	double secs;
	uint64_t i;

	if (slurp(a->pos[1], &data) < 0)
		return 6;
	t0 = lt_mono_ns();
	for (i = 0; s == NATS_OK && i < a->count; i++)
		s = natsConnection_Publish(nc, a->pos[0], data.buf,
		    (int)data.len);
	if (s == NATS_OK)
		s = natsConnection_FlushTimeout(nc, 60000);
	secs = (double)(lt_mono_ns() - t0) / 1e9;
	lt_buf_release(&data);
	if (s != NATS_OK)
		return fail_nats("flood", s);
	fprintf(stderr, "published %llu msgs in %.3fs: %.0f msgs/s\n",
	    (unsigned long long)a->count, secs,
	    secs > 0 ? (double)a->count / secs : 0.0);
	return 0;
}

static void
print_body(natsMsg *m)
{
	fwrite(natsMsg_GetData(m), 1, (size_t)natsMsg_GetDataLength(m),
	    stdout);
	fputc('\n', stdout);
	fflush(stdout);
}

static int
cmd_req(natsConnection *nc, struct args *a)
{
	struct lt_buf data = LT_BUF_INIT;
	natsMsg *m = NULL, *reply = NULL;
	natsStatus s;

	if (data_arg(a->npos > 1 ? a->pos[1] : NULL, &data) < 0)
		return 6;
	s = make_msg(&m, a->pos[0], NULL, &data, a);
	if (s == NATS_OK)
		s = natsConnection_RequestMsg(&reply, nc, m,
		    a->timeout_ns / 1000000);
	lt_buf_release(&data);
	natsMsg_Destroy(m);
	if (s != NATS_OK)
		return fail_nats(a->pos[0], s);
	print_body(reply);
	natsMsg_Destroy(reply);
	return 0;
}

/* Scatter/gather: one inbox, print every non-empty reply until the
 * timeout. A 503 no-responders status ends it (exit 4 when nothing came). */
static int
cmd_gather(natsConnection *nc, struct args *a)
{
	struct lt_buf data = LT_BUF_INIT;
	natsSubscription *sub = NULL;
	natsInbox *inbox = NULL;
	natsMsg *m = NULL;
	natsStatus s;
	int64_t end = lt_mono_ns() + a->timeout_ns;
	int got = 0;

	if (data_arg(a->npos > 1 ? a->pos[1] : NULL, &data) < 0)
		return 6;
	s = natsInbox_Create(&inbox);
	if (s == NATS_OK)
		s = natsConnection_SubscribeSync(&sub, nc, inbox);
	if (s == NATS_OK)
		s = make_msg(&m, a->pos[0], inbox, &data, a);
	if (s == NATS_OK)
		s = natsConnection_PublishMsg(nc, m);
	natsMsg_Destroy(m);
	while (s == NATS_OK) {
		int64_t left = (end - lt_mono_ns()) / 1000000;
		natsMsg *r = NULL;

		if (left <= 0 || natsSubscription_NextMsg(&r, sub, left)
		    != NATS_OK)
			break;
		if (natsMsg_IsNoResponders(r) || natsMsg_GetDataLength(r) == 0) {
			natsMsg_Destroy(r);
			break;
		}
		print_body(r);
		natsMsg_Destroy(r);
		got++;
	}
	natsSubscription_Destroy(sub);
	natsInbox_Destroy(inbox);
	lt_buf_release(&data);
	if (s != NATS_OK)
		return fail_nats(a->pos[0], s);
	return got > 0 ? 0 : 4;
}

/* NATS subject match: '*' one token, '>' the rest. */
static bool
subject_match(const char *pat, const char *subj)
{
	while (*pat && *subj) {
		if (pat[0] == '>' && pat[1] == '\0')
			return true;
		if (pat[0] == '*' && (pat[1] == '.' || pat[1] == '\0')) {
			while (*subj && *subj != '.')
				subj++;
			pat++;
		} else {
			while (*pat && *pat != '.' && *pat == *subj)
				pat++, subj++;
			if ((*pat && *pat != '.') || (*subj && *subj != '.'))
				return false;
		}
		if (*pat != *subj)
			return false;
		if (*pat)
			pat++, subj++;
	}
	return *pat == '\0' && *subj == '\0';
}

static bool
wanted(struct args *a, const char *subj)
{
	int i;

	for (i = 0; i < a->npos; i++)
		if (subject_match(a->pos[i], subj))
			return true;
	return false;
}

/* sub SUBJECT... : one line per message, "SUBJECT [KV-Operation] BODY",
 * in arrival order ('>' plus a filter when several subjects are given);
 * "subscribed" on stderr once the interest is registered. Ends after
 * --count messages (0: no limit) or --timeout of silence; exit 4 when
 * nothing came. */
static int
cmd_sub(natsConnection *nc, struct args *a)
{
	natsSubscription *sub = NULL;
	natsStatus s;
	uint64_t got = 0;

	s = natsConnection_SubscribeSync(&sub, nc, a->npos > 1 ? ">" :
	    a->pos[0]);
	if (s == NATS_OK)
		s = natsSubscription_SetPendingLimits(sub, -1, -1);
	if (s != NATS_OK)
		return fail_nats("subscribe", s);
	natsConnection_Flush(nc);
	fprintf(stderr, "subscribed\n");
	while (a->count == 0 || got < a->count) {
		natsMsg *m = NULL;
		const char *op = NULL;

		if (natsSubscription_NextMsg(&m, sub, a->timeout_ns / 1000000)
		    != NATS_OK)
			break;
		if (wanted(a, natsMsg_GetSubject(m))) {
			natsMsgHeader_Get(m, "KV-Operation", &op);
			printf("%s%s%s ", natsMsg_GetSubject(m), op ? " " : "",
			    op ? op : "");
			print_body(m);
			got++;
		}
		natsMsg_Destroy(m);
	}
	natsSubscription_Destroy(sub);
	return got > 0 ? 0 : 4;
}

static int
open_kv(natsConnection *nc, const char *bucket, jsCtx **js, kvStore **kv)
{
	natsStatus s = natsConnection_JetStream(js, nc, NULL);

	if (s == NATS_OK)
		s = js_KeyValue(kv, *js, bucket);
	return s == NATS_OK ? 0 : fail_nats(bucket, s);
}

/* kv-put, kv-del and kv-purge differ only in the call. */
static int
kv_op(natsConnection *nc, struct args *a, char op)
{
	jsCtx *js = NULL;
	kvStore *kv = NULL;
	natsStatus s;
	uint64_t rev = 0;
	int rc;

	if ((rc = open_kv(nc, a->pos[0], &js, &kv)) != 0) {
		jsCtx_Destroy(js);
		return rc;
	}
	if (op == 'p') {
		struct lt_buf v = LT_BUF_INIT;

		s = data_arg(a->pos[2], &v) < 0 ? NATS_INVALID_ARG :
		    kvStore_Put(&rev, kv, a->pos[1], v.buf, (int)v.len);
		lt_buf_release(&v);
	}
	else if (op == 'd')
		s = kvStore_Delete(kv, a->pos[1]);
	else
		s = kvStore_Purge(kv, a->pos[1], NULL);
	kvStore_Destroy(kv);
	jsCtx_Destroy(js);
	if (s != NATS_OK)
		return fail_nats(a->pos[1], s);
	if (op == 'p')
		printf("%llu\n", (unsigned long long)rev);
	return 0;
}

static int
cmd_kv_put(natsConnection *nc, struct args *a)
{
	return kv_op(nc, a, 'p');
}

static int
cmd_kv_del(natsConnection *nc, struct args *a)
{
	return kv_op(nc, a, 'd');
}

static int
cmd_kv_purge(natsConnection *nc, struct args *a)
{
	return kv_op(nc, a, 'x');
}

/* kv-fill BUCKET --count N [--every K] [--tag T]: put keys cfg-0000000..
 * with ~60-byte JSON maps, pipelined (asynchronous publishes); --every K
 * writes only every K-th key, --tag changes the values written. */
static int
cmd_kv_fill(natsConnection *nc, struct args *a)
{
	jsCtx *js = NULL;
	jsPubOptions po;
	natsStatus s = natsConnection_JetStream(&js, nc, NULL);
	uint64_t i, every = a->every ? a->every : 1;
	char subj[256], val[160];

	jsPubOptions_Init(&po);
	for (i = 0; s == NATS_OK && i < a->count; i += every) {
		int n = snprintf(val, sizeof(val), "{\"greeting\":\"hello %s\","
		    "\"name\":\"component-%llu\",\"port\":%llu}", a->tag,
		    (unsigned long long)i, 8000 + (unsigned long long)i % 1000);

		snprintf(subj, sizeof(subj), "$KV.%s.cfg-%07llu", a->pos[0],
		    (unsigned long long)i);
		s = js_PublishAsync(js, subj, val, n, &po);
	}
	if (s == NATS_OK)
		s = js_PublishAsyncComplete(js, NULL);
	jsCtx_Destroy(js);
	return s == NATS_OK ? 0 : fail_nats(a->pos[0], s);
}

static int
cmd_kv_create(natsConnection *nc, struct args *a)
{
	jsCtx *js = NULL;
	kvStore *kv = NULL;
	kvConfig cfg;
	natsStatus s;

	s = natsConnection_JetStream(&js, nc, NULL);
	if (s == NATS_OK) {
		kvConfig_Init(&cfg);
		cfg.Bucket = a->pos[0];
		cfg.History = (uint8_t)a->history;
		cfg.Replicas = (int)a->replicas;
		s = js_CreateKeyValue(&kv, js, &cfg);
	}
	kvStore_Destroy(kv);
	jsCtx_Destroy(js);
	return s == NATS_OK ? 0 : fail_nats(a->pos[0], s);
}

/* req-load state: one inbox per run, request i replies to "<inbox>.<i>". */
struct load {
	uint32_t *replies;
	int64_t *sent_ns;
	bool *done;
	uint64_t n, sent, lo, ok, extra, lost, nr, errors;
	int inflight;
};

static void
load_on_reply(struct load *l, natsMsg *r)
{
	const char *dot = strrchr(natsMsg_GetSubject(r), '.');
	uint64_t i = dot ? strtoull(dot + 1, NULL, 10) : l->n;

	if (i >= l->sent)
		return;
	if (natsMsg_IsNoResponders(r)) {
		l->nr++;
	} else if (++l->replies[i] > 1) {
		l->extra++;
		return;
	} else if (lt_memfind(natsMsg_GetData(r),
	    (size_t)natsMsg_GetDataLength(r), "\"success\":true", 14) == NULL) {
		l->errors++;
	} else {
		l->ok++;
	}
	if (!l->done[i]) {
		l->done[i] = true;
		l->inflight--;
	}
}

/* Give up on requests older than the timeout; advance the low mark. */
static void
load_expire(struct load *l, int64_t timeout_ns)
{
	int64_t now = lt_mono_ns();

	while (l->lo < l->sent && (l->done[l->lo] ||
	    l->sent_ns[l->lo] + timeout_ns <= now)) {
		if (!l->done[l->lo]) {
			l->done[l->lo] = true;
			l->lost++;
			l->inflight--;
		}
		l->lo++;
	}
}

/* req-load SUBJECT --count N: N requests (32 in flight), each on its own
 * reply subject, counting replies per request: ok, lost (none within
 * --timeout), extra (a second reply), no responders, errors (a reply
 * without "success":true). Exit 0 only when every request got exactly one
 * successful reply. */
static int
cmd_req_load(natsConnection *nc, struct args *a)
{
	struct load l = { .n = a->count };
	natsSubscription *sub = NULL;
	natsInbox *inbox = NULL;
	natsMsg *r = NULL;
	char *pattern = NULL, reply[256];
	natsStatus s;
	int64_t t0 = lt_mono_ns(), end;

	l.replies = lt_xcalloc(l.n + 1, sizeof(*l.replies));
	l.sent_ns = lt_xcalloc(l.n + 1, sizeof(*l.sent_ns));
	l.done = lt_xcalloc(l.n + 1, sizeof(*l.done));
	s = natsInbox_Create(&inbox);
	if (s == NATS_OK) {
		pattern = lt_xasprintf("%s.*", (const char *)inbox);
		s = natsConnection_SubscribeSync(&sub, nc, pattern);
	}
	if (s == NATS_OK)
		natsSubscription_SetPendingLimits(sub, -1, -1);
	while (s == NATS_OK && (l.sent < l.n || l.lo < l.sent)) {
		if (l.sent < l.n && l.inflight < 32) {
			snprintf(reply, sizeof(reply), "%s.%llu",
			    (const char *)inbox, (unsigned long long)l.sent);
			l.sent_ns[l.sent++] = lt_mono_ns();
			l.inflight++;
			s = natsConnection_PublishRequest(nc, a->pos[0], reply,
			    "", 0);
			continue;
		}
		if (natsSubscription_NextMsg(&r, sub, 20) == NATS_OK) {
			load_on_reply(&l, r);
			natsMsg_Destroy(r);
		}
		load_expire(&l, a->timeout_ns);
	}
	end = lt_mono_ns() + 300000000LL;	/* late or extra replies */
	while (s == NATS_OK && lt_mono_ns() < end &&
	    natsSubscription_NextMsg(&r, sub, 50) == NATS_OK) {
		load_on_reply(&l, r);
		natsMsg_Destroy(r);
	}
	printf("sent %llu ok %llu lost %llu extra %llu no_responders %llu "
	    "errors %llu ms %lld\n", (unsigned long long)l.sent,
	    (unsigned long long)l.ok, (unsigned long long)l.lost,
	    (unsigned long long)l.extra, (unsigned long long)l.nr,
	    (unsigned long long)l.errors,
	    (long long)((lt_mono_ns() - t0) / 1000000));
	natsSubscription_Destroy(sub);
	natsInbox_Destroy(inbox);
	free(pattern);
	free(l.replies);
	free(l.sent_ns);
	free(l.done);
	if (s != NATS_OK)
		return fail_nats(a->pos[0], s);
	return l.ok == l.n && l.extra == 0 ? 0 : 1;
}

/* responder SUBJECT [GROUP|-] [REPLY|@FILE]: answer every request with
 * REPLY, by default a successful control-interface envelope (in a queue
 * group when GROUP is given and not "-"). Prints "ready" once subscribed;
 * runs until killed. */
static int
cmd_responder(natsConnection *nc, struct args *a)
{
	static const char ok[] = "{\"success\":true,\"message\":\"\","
	    "\"response\":{\"greeting\":\"hello\"}}";
	struct lt_buf body = LT_BUF_INIT;
	natsSubscription *sub = NULL;
	natsMsg *m = NULL;
	natsStatus s;

	if (data_arg(a->npos > 2 ? a->pos[2] : ok, &body) < 0)
		return 6;
	if (a->npos > 1 && strcmp(a->pos[1], "-"))
		s = natsConnection_QueueSubscribeSync(&sub, nc, a->pos[0],
		    a->pos[1]);
	else
		s = natsConnection_SubscribeSync(&sub, nc, a->pos[0]);
	if (s == NATS_OK)
		s = natsConnection_Flush(nc);
	if (s != NATS_OK)
		return fail_nats(a->pos[0], s);
	natsSubscription_SetPendingLimits(sub, -1, -1);
	printf("ready\n");
	fflush(stdout);
	while (natsSubscription_NextMsg(&m, sub, 1000000) == NATS_OK) {
		if (natsMsg_GetReply(m))
			natsConnection_Publish(nc, natsMsg_GetReply(m), body.buf,
			    (int)body.len);
		natsMsg_Destroy(m);
	}
	natsSubscription_Destroy(sub);
	lt_buf_release(&body);
	return 0;
}

/* overtake SUBJECT --count N: the order an observer can see a reply the
 * server generates in: each reply (on its own inbox) is published before
 * the request that names that inbox. */
static int
cmd_overtake(natsConnection *nc, struct args *a)
{
	char inbox[128], body[64];
	natsStatus s = NATS_OK;
	uint64_t i;

	for (i = 0; s == NATS_OK && i < a->count; i++) {
		snprintf(inbox, sizeof(inbox), "_INBOX.overtake.%llu",
		    (unsigned long long)i);
		snprintf(body, sizeof(body), "{\"answer\":%llu}",
		    (unsigned long long)i);
		s = natsConnection_PublishString(nc, inbox, body);
		if (s == NATS_OK)
			s = natsConnection_PublishRequestString(nc, a->pos[0],
			    inbox, "{}");
	}
	if (s == NATS_OK)
		s = natsConnection_Flush(nc);
	return s == NATS_OK ? 0 : fail_nats(a->pos[0], s);
}

/* js-traffic's KV part: a watch on the whole bucket, count puts and
 * reads, then the watch must see every put (push deliveries). */
static natsStatus
js_kv_rounds(kvStore *kv, uint64_t count)
{
	kvWatcher *w = NULL;
	kvEntry *e = NULL;
	natsStatus s = kvStore_WatchAll(&w, kv, NULL);
	uint64_t i, seen = 0;
	char key[32], val[32];

	for (i = 0; s == NATS_OK && i < count; i++) {
		snprintf(key, sizeof(key), "k%llu", (unsigned long long)i);
		snprintf(val, sizeof(val), "{\"n\":%llu}",
		    (unsigned long long)i);
		s = kvStore_PutString(NULL, kv, key, val);
		if (s == NATS_OK)
			s = kvStore_Get(&e, kv, key);
		kvEntry_Destroy(e);
		e = NULL;
	}
	while (s == NATS_OK && seen < count &&
	    (s = kvWatcher_Next(&e, w, 5000)) == NATS_OK) {
		seen += e != NULL && kvEntry_Operation(e) == kvOp_Put;
		kvEntry_Destroy(e);
		e = NULL;
	}
	kvWatcher_Destroy(w);
	return s;
}

/* js-traffic's pull part: a durable pull consumer, one fetch, acks. */
static natsStatus
js_pull(jsCtx *js, const char *stream, const char *filter)
{
	natsSubscription *sub = NULL;
	natsMsgList list = { 0 };
	jsSubOptions so;
	natsStatus s;
	int i;

	jsSubOptions_Init(&so);
	so.Stream = stream;
	s = js_PullSubscribe(&sub, js, filter, "puller", NULL, &so, NULL);
	if (s == NATS_OK)
		s = natsSubscription_Fetch(&list, sub, 3, 5000, NULL);
	for (i = 0; s == NATS_OK && i < list.Count; i++)
		s = natsMsg_Ack(list.Msgs[i], NULL);
	natsMsgList_Destroy(&list);
	natsSubscription_Destroy(sub);
	return s;
}

/* js-traffic BUCKET --count N: what a JetStream client sends: N
 * $JS.API.INFO calls, a KV bucket, a watch, N puts and reads, stream
 * info, a pull with acks. Prints "done". */
static int
cmd_js_traffic(natsConnection *nc, struct args *a)
{
	jsCtx *js = NULL;
	kvStore *kv = NULL;
	jsAccountInfo *ai = NULL;
	jsStreamInfo *si = NULL;
	kvConfig cfg;
	char stream[160], filter[160];
	natsStatus s = natsConnection_JetStream(&js, nc, NULL);
	uint64_t i;

	for (i = 0; s == NATS_OK && i < a->count; i++) {
		s = js_GetAccountInfo(&ai, js, NULL, NULL);
		jsAccountInfo_Destroy(ai);
	}
	kvConfig_Init(&cfg);
	cfg.Bucket = a->pos[0];
	if (s == NATS_OK)
		s = js_CreateKeyValue(&kv, js, &cfg);
	if (s == NATS_OK)
		s = js_kv_rounds(kv, a->count);
	snprintf(stream, sizeof(stream), "KV_%s", a->pos[0]);
	snprintf(filter, sizeof(filter), "$KV.%s.>", a->pos[0]);
	if (s == NATS_OK)
		s = js_GetStreamInfo(&si, js, stream, NULL, NULL);
	jsStreamInfo_Destroy(si);
	if (s == NATS_OK)
		s = js_pull(js, stream, filter);
	kvStore_Destroy(kv);
	jsCtx_Destroy(js);
	if (s != NATS_OK)
		return fail_nats(a->pos[0], s);
	printf("done\n");
	return 0;
}

/* js-push STREAM SUBJECT: a push consumer on STREAM's SUBJECT with 100ms
 * idle heartbeats
 * and flow control, acking what it gets. Prints "ready" once it is
 * consuming; runs until killed. */
static int
cmd_js_push(natsConnection *nc, struct args *a)
{
	natsSubscription *sub = NULL;
	jsCtx *js = NULL;
	natsMsg *m = NULL;
	jsSubOptions so;
	natsStatus s = natsConnection_JetStream(&js, nc, NULL);

	jsSubOptions_Init(&so);
	so.Stream = a->pos[0];
	so.Config.Heartbeat = 100 * 1000000LL;
	so.Config.FlowControl = true;
	if (s == NATS_OK)
		s = js_SubscribeSync(&sub, js, a->pos[1], NULL, &so, NULL);
	if (s != NATS_OK) {
		jsCtx_Destroy(js);
		return fail_nats(a->pos[0], s);
	}
	printf("ready\n");
	fflush(stdout);
	while (natsSubscription_NextMsg(&m, sub, 1000000) == NATS_OK) {
		natsMsg_Ack(m, NULL);
		natsMsg_Destroy(m);
	}
	natsSubscription_Destroy(sub);
	jsCtx_Destroy(js);
	return 0;
}

/* thief SUBJECT GROUP: join a queue group and never answer, the hazard
 * doctor must find. Prints "ready" once subscribed, then "took SUBJECT"
 * per message taken, until killed. */
static int
cmd_thief(natsConnection *nc, struct args *a)
{
	natsSubscription *sub = NULL;
	natsMsg *m = NULL;
	natsStatus s;

	s = natsConnection_QueueSubscribeSync(&sub, nc, a->pos[0], a->pos[1]);
	if (s == NATS_OK)
		s = natsConnection_Flush(nc);
	if (s != NATS_OK)
		return fail_nats(a->pos[0], s);
	printf("ready\n");
	fflush(stdout);
	while (natsSubscription_NextMsg(&m, sub, 1000000) == NATS_OK) {
		printf("took %s\n", natsMsg_GetSubject(m));
		fflush(stdout);
		natsMsg_Destroy(m);
	}
	natsSubscription_Destroy(sub);
	return 0;
}

static const struct subcmd subcmds[] = {
	{ "flood", "SUBJECT FILE --count N", 2, 2, true, cmd_flood },
	{ "gather", "SUBJECT [DATA|@FILE] [--timeout DUR] [--header K:V]",
	    1, 2, true, cmd_gather },
	{ "kv-create", "BUCKET [--history N] [--replicas N]", 1, 1, true,
	    cmd_kv_create },
	{ "kv-del", "BUCKET KEY", 2, 2, true, cmd_kv_del },
	{ "kv-fill", "BUCKET --count N [--every K] [--tag T]", 1, 1, true,
	    cmd_kv_fill },
	{ "kv-purge", "BUCKET KEY", 2, 2, true, cmd_kv_purge },
	{ "kv-put", "BUCKET KEY VALUE|@FILE", 3, 3, true, cmd_kv_put },
	{ "pub", "SUBJECT [FILE|-] [--count N] [--header K:V]", 1, 2, true,
	    cmd_pub },
	{ "pub-events", "DIR|FILE... [--lattice L] [--count N]", 1, MAX_POS,
	    true, cmd_pub_events },
	{ "req", "SUBJECT [DATA|@FILE] [--timeout DUR] [--header K:V]",
	    1, 2, true, cmd_req },
	{ "sub", "SUBJECT... [--count N] [--timeout DUR]", 1, MAX_POS, true,
	    cmd_sub },
	{ "req-load", "SUBJECT --count N [--timeout DUR]", 1, 1, true,
	    cmd_req_load },
	{ "responder", "SUBJECT [GROUP|-] [REPLY|@FILE]", 1, 3, true,
	    cmd_responder },
	{ "thief", "SUBJECT GROUP", 2, 2, true, cmd_thief },
	{ "overtake", "SUBJECT --count N", 1, 1, true, cmd_overtake },
	{ "js-traffic", "BUCKET --count N", 1, 1, true, cmd_js_traffic },
	{ "js-push", "STREAM SUBJECT", 2, 2, true, cmd_js_push },
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: lt-test-tool [-s URL] SUBCOMMAND ...\n");
	for (i = 0; i < LT_ARRAY_SIZE(subcmds); i++)
		fprintf(f, "  %s %s\n", subcmds[i].name, subcmds[i].usage);
}

static void
parse_num(const char *opt, const char *v, uint64_t *out)
{
	struct lt_error err = LT_ERROR_INIT;

	if (v == NULL || lt_parse_uint(v, UINT32_MAX, out, &err) < 0)
		die_usage("bad value for", opt);
}

/* Options shared by all subcommands; positionals in order. */
static void
parse_args(int argc, char **argv, struct args *a)
{
	struct lt_error err = LT_ERROR_INIT;
	int i;

	for (i = 0; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(o, "--count") == 0)
			parse_num(o, v, &a->count), i++;
		else if (strcmp(o, "--history") == 0)
			parse_num(o, v, &a->history), i++;
		else if (strcmp(o, "--replicas") == 0)
			parse_num(o, v, &a->replicas), i++;
		else if (strcmp(o, "--every") == 0)
			parse_num(o, v, &a->every), i++;
		else if (strcmp(o, "--tag") == 0 && v != NULL)
			a->tag = v, i++;
		else if (strcmp(o, "--timeout") == 0) {
			if (v == NULL || lt_parse_duration(v, &a->timeout_ns,
			    &err) < 0)
				die_usage("bad value for", o);
			i++;
		} else if (strcmp(o, "--lattice") == 0 && v != NULL)
			a->lattice = v, i++;
		else if (strcmp(o, "--header") == 0 && v != NULL &&
		    a->nheaders < MAX_HDR)
			a->headers[a->nheaders++] = v, i++;
		else if (o[0] == '-' && o[1] == '-')
			die_usage("unknown option", o);
		else if (a->npos < MAX_POS)
			a->pos[a->npos++] = o;
	}
}

static int
connect_to(const char *url, natsConnection **nc)
{
	natsOptions *opts = NULL;
	natsStatus s = natsOptions_Create(&opts);

	if (s == NATS_OK)
		s = natsOptions_SetURL(opts, url);
	if (s == NATS_OK)
		s = natsOptions_SetName(opts, "lt-test-tool");
	if (s == NATS_OK)
		s = natsOptions_SetTimeout(opts, 5000);
	if (s == NATS_OK)
		s = natsConnection_Connect(nc, opts);
	natsOptions_Destroy(opts);
	if (s != NATS_OK) {
		fprintf(stderr, "lt-test-tool: cannot connect to '%s': %s\n",
		    url, natsStatus_GetText(s));
		return 3;
	}
	return 0;
}

static int
run(const struct subcmd *c, const char *url, int argc, char **argv)
{
	struct args a = { .count = 1, .timeout_ns = 2000000000LL,
	    .lattice = "default", .history = 1, .replicas = 1, .tag = "" };
	natsConnection *nc = NULL;
	int rc;

	parse_args(argc, argv, &a);
	if (a.npos < c->min_pos || a.npos > c->max_pos) {
		fprintf(stderr, "usage: lt-test-tool %s %s\n", c->name,
		    c->usage);
		return 2;
	}
	if (c->needs_conn && (rc = connect_to(url, &nc)) != 0)
		return rc;
	rc = c->run(nc, &a);
	natsConnection_Destroy(nc);
	nats_Close();
	return rc;
}

int
main(int argc, char **argv)
{
	const char *url = getenv("NATS_URL");
	size_t i;
	int ai = 1;

	if (ai + 1 < argc && strcmp(argv[ai], "-s") == 0) {
		url = argv[ai + 1];
		ai += 2;
	}
	if (ai >= argc || strcmp(argv[ai], "-h") == 0 ||
	    strcmp(argv[ai], "--help") == 0) {
		usage(ai >= argc ? stderr : stdout);
		return ai >= argc ? 2 : 0;
	}
	if (url == NULL)
		url = "nats://127.0.0.1:4222";
	for (i = 0; i < LT_ARRAY_SIZE(subcmds); i++)
		if (strcmp(subcmds[i].name, argv[ai]) == 0)
			return run(&subcmds[i], url, argc - ai - 1,
			    argv + ai + 1);
	fprintf(stderr, "lt-test-tool: unknown subcommand '%s'\n", argv[ai]);
	usage(stderr);
	return 2;
}
