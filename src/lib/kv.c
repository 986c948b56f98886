/* kv.c: read-only key-value access over nats.c: bucket info and listing,
 * get and history read from the bucket's stream, and whole-bucket walks
 * through one ordered watcher (kvStore_WatchAll), including point-in-time
 * reconstruction from the history the bucket keeps. */
#include <stdlib.h>
#include <string.h>

#include "conn-priv.h"
#include "latticectl/kv.h"
#include "latticectl/util.h"
#include "banned.h"

#define PROGRESS_EVERY 5000

struct lt_kv {
	struct lt_conn *conn;
	jsCtx *js;
	kvStore *store;
	char bucket[128];
	char stream[136];
};

static bool
valid_bucket(const char *b)
{
	size_t n = strlen(b);

	return n > 0 && n < 120 && strspn(b, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

static void
fill_info(struct lt_kv_info *info, const jsStreamInfo *si)
{
	const jsStreamConfig *sc = si->Config;

	memset(info, 0, sizeof(*info));
	snprintf(info->bucket, sizeof(info->bucket), "%s",
	    lt_str_has_prefix(sc->Name, "KV_") ? sc->Name + 3 : sc->Name);
	info->values = si->State.Msgs;
	info->bytes = si->State.Bytes;
	info->keys = si->State.NumSubjects > 0 ?
	    (uint64_t)si->State.NumSubjects : 0;
	info->first_seq = si->State.FirstSeq;
	info->last_seq = si->State.LastSeq;
	info->history = sc->MaxMsgsPerSubject;
	info->ttl_ns = sc->MaxAge;
	info->replicas = (int)sc->Replicas;
	info->file_storage = sc->Storage == js_FileStorage;
}

static int
js_unavailable(struct lt_error *err, natsStatus s, jsErrCode jerr)
{
	if (jerr == JSNotEnabledErr || jerr == JSNotEnabledForAccountErr ||
	    s == NATS_NO_RESPONDERS)
		return lt_error_set(err, LT_E_RUNTIME, "JetStream is not enabled "
		    "on this server or account (KV buckets need it)");
	return 0;
}

/* 1 with info, 0 when the stream does not exist, -1 on error. */
static int
stream_info(jsCtx *js, const char *stream, struct lt_kv_info *info,
    struct lt_error *err)
{
	jsStreamInfo *si = NULL;
	jsErrCode jerr = 0;
	natsStatus s = js_GetStreamInfo(&si, js, stream, NULL, &jerr);

	if (s == NATS_NOT_FOUND || jerr == JSStreamNotFoundErr)
		return 0;
	if (s != NATS_OK) {
		if (js_unavailable(err, s, jerr) < 0)
			return -1;
		return lt_error_nats(err, s, "stream info '%s'", stream);
	}
	fill_info(info, si);
	jsStreamInfo_Destroy(si);
	return 1;
}

static int
missing_bucket(const char *bucket, const char *lattice, struct lt_error *err)
{
	if (lattice)
		return lt_error_set(err, LT_E_RUNTIME, "bucket '%s' not found "
		    "(lattice '%s'): pick the lattice with -x NAME, or another "
		    "bucket with --bucket (see 'latticectl kv ls')", bucket,
		    lattice);
	return lt_error_set(err, LT_E_RUNTIME, "bucket '%s' not found (see "
	    "'latticectl kv ls')", bucket);
}

int
lt_kv_open(struct lt_kv **out, struct lt_conn *c, const char *bucket,
    const char *lattice, struct lt_error *err)
{
	struct lt_kv *kv;
	struct lt_kv_info info;
	natsStatus s;
	int rc;

	*out = NULL;
	if (!valid_bucket(bucket))
		return lt_error_set(err, LT_E_USAGE, "invalid bucket name '%s' "
		    "(letters, digits, '-' and '_')", bucket);
	kv = lt_xcalloc(1, sizeof(*kv));
	kv->conn = c;
	snprintf(kv->bucket, sizeof(kv->bucket), "%s", bucket);
	snprintf(kv->stream, sizeof(kv->stream), "KV_%s", bucket);
	kv->js = lt_conn_js(c, err);
	rc = kv->js ? stream_info(kv->js, kv->stream, &info, err) : -1;
	if (rc == 0)
		rc = missing_bucket(bucket, lattice, err);
	if (rc > 0 && (s = js_KeyValue(&kv->store, kv->js, bucket)) != NATS_OK)
		rc = lt_error_nats(err, s, "bucket '%s'", bucket);
	if (rc < 0) {
		lt_kv_close(kv);
		return -1;
	}
	*out = kv;
	return 0;
}

void
lt_kv_close(struct lt_kv *kv)
{
	if (kv == NULL)
		return;
	kvStore_Destroy(kv->store);
	free(kv);
}

const char *
lt_kv_bucket(const struct lt_kv *kv)
{
	return kv->bucket;
}

int
lt_kv_info(struct lt_kv *kv, struct lt_kv_info *info, struct lt_error *err)
{
	int rc = stream_info(kv->js, kv->stream, info, err);

	if (rc == 0)
		return missing_bucket(kv->bucket, NULL, err);
	return rc < 0 ? -1 : 0;
}

static int
cmp_info(const void *a, const void *b)
{
	return strcmp(((const struct lt_kv_info *)a)->bucket,
	    ((const struct lt_kv_info *)b)->bucket);
}

int
lt_kv_buckets(struct lt_conn *c, struct lt_kv_info **out, size_t *n,
    struct lt_error *err)
{
	jsCtx *js = lt_conn_js(c, err);
	jsStreamInfoList *list = NULL;
	jsErrCode jerr = 0;
	natsStatus s;
	int i;

	*out = NULL;
	*n = 0;
	if (js == NULL)
		return -1;
	s = js_Streams(&list, js, NULL, &jerr);
	if (s == NATS_NOT_FOUND)
		return 0;	/* no streams at all */
	if (s != NATS_OK) {
		if (js_unavailable(err, s, jerr) < 0)
			return -1;
		return lt_error_nats(err, s, "list streams");
	}
	*out = lt_xcalloc((size_t)list->Count + 1, sizeof(**out));
	for (i = 0; i < list->Count; i++)
		if (lt_str_has_prefix(list->List[i]->Config->Name, "KV_"))
			fill_info(&(*out)[(*n)++], list->List[i]);
	jsStreamInfoList_Destroy(list);
	qsort(*out, *n, sizeof(**out), cmp_info);
	return 0;
}

void
lt_kv_entry_release(struct lt_kv_entry *e)
{
	struct lt_kv_entry init = LT_KV_ENTRY_INIT;

	free(e->key);
	free(e->value);
	*e = init;
}

void
lt_kv_entries_free(struct lt_kv_entry *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		lt_kv_entry_release(&v[i]);
	free(v);
}

enum lt_kv_op
lt_kv_op_from_header(const char *hdr)
{
	if (hdr == NULL)
		return LT_KV_PUT;
	return !strcmp(hdr, "PURGE") ? LT_KV_PURGE : !strcmp(hdr, "DEL") ?
	    LT_KV_DELETE : LT_KV_PUT;
}

static void
set_value(struct lt_kv_entry *e, const char *data, int len)
{
	if (e->op != LT_KV_PUT)
		return;
	e->len = len > 0 ? (size_t)len : 0;
	e->value = lt_xmalloc(e->len + 1);
	if (e->len)
		memcpy(e->value, data, e->len);
	e->value[e->len] = '\0';
}

static void
entry_from_msg(struct lt_kv_entry *e, natsMsg *m, const char *key)
{
	const char *op = NULL;

	natsMsgHeader_Get(m, "KV-Operation", &op);
	e->key = lt_xstrdup(key);
	e->op = lt_kv_op_from_header(op);
	e->revision = natsMsg_GetSequence(m);
	e->created_ns = natsMsg_GetTime(m);
	set_value(e, natsMsg_GetData(m), natsMsg_GetDataLength(m));
}

static void
entry_from_kv(struct lt_kv_entry *e, kvEntry *k)
{
	kvOperation op = kvEntry_Operation(k);

	e->key = lt_xstrdup(kvEntry_Key(k));
	e->op = op == kvOp_Purge ? LT_KV_PURGE : op == kvOp_Delete ?
	    LT_KV_DELETE : LT_KV_PUT;
	e->revision = kvEntry_Revision(k);
	e->created_ns = kvEntry_Created(k);
	set_value(e, kvEntry_Value(k), kvEntry_ValueLen(k));
}

int
lt_kv_get(struct lt_kv *kv, const char *key, uint64_t revision,
    struct lt_kv_entry *out, struct lt_error *err)
{
	char *subject = lt_xasprintf("$KV.%s.%s", kv->bucket, key);
	natsMsg *m = NULL;
	jsErrCode jerr = 0;
	natsStatus s;
	int rc = 1;

	if (revision)
		s = js_GetMsg(&m, kv->js, kv->stream, revision, NULL, &jerr);
	else
		s = js_GetLastMsg(&m, kv->js, kv->stream, subject, NULL, &jerr);
	if (s == NATS_NOT_FOUND || jerr == JSNoMessageFoundErr ||
	    (s == NATS_OK && strcmp(natsMsg_GetSubject(m), subject)))
		rc = 0;
	else if (s != NATS_OK)
		rc = lt_error_nats(err, s, "get '%s' from bucket '%s'", key,
		    kv->bucket);
	else
		entry_from_msg(out, m, key);
	natsMsg_Destroy(m);
	free(subject);
	return rc;
}

int
lt_kv_history(struct lt_kv *kv, const char *key, struct lt_kv_entry **out,
    struct lt_error *err)
{
	kvEntryList list = { NULL, 0 };
	natsStatus s = kvStore_History(&list, kv->store, key, NULL);
	int i;

	*out = NULL;
	if (s == NATS_NOT_FOUND)
		return 0;
	if (s != NATS_OK)
		return lt_error_nats(err, s, "history of '%s' in bucket '%s'", key,
		    kv->bucket);
	*out = lt_xcalloc((size_t)list.Count + 1, sizeof(**out));
	for (i = 0; i < list.Count; i++)
		entry_from_kv(&(*out)[i], list.Entries[i]);
	kvEntryList_Destroy(&list);
	return i;
}

/* Walks. */

struct walk_state {
	const struct lt_kv_walk *w;
	struct lt_snapshot *out;
	struct lt_snapshot after;	/* point walks: entries past it */
	bool point;
	uint64_t seen, total;
};

/* One message of a walk, as the bucket's stream holds it. */
struct walk_msg {
	const char *key;
	uint64_t revision;
	int64_t created_ns;
	enum lt_kv_op op;
	const char *data;	/* NULL on a headers-only walk */
	size_t len;		/* the value's size either way */
};

static bool
past_point(const struct walk_state *st, const struct walk_msg *m)
{
	if (st->w->at_revision)
		return m->revision > st->w->at_revision;
	return m->created_ns > st->w->at_ns;
}

static void
take(struct walk_state *st, const struct walk_msg *m)
{
	struct lt_snapshot *dst = st->point && past_point(st, m) ?
	    &st->after : st->out;

	lt_snapshot_add(dst, m->key, strlen(m->key), m->revision,
	    m->created_ns, m->op, m->data, m->len);
	if (++st->seen % PROGRESS_EVERY == 0 && st->w->progress)
		st->w->progress(st->w->ud, st->seen, st->total);
}

/* Keys that only appear after the point: absent then, unless what came
 * before them may be gone (a purge first, or as many revisions as the
 * bucket keeps). */
static void
count_unknown(struct walk_state *st, int64_t history)
{
	struct lt_snapshot *a = &st->after;
	struct lt_snapshot unknown = LT_SNAPSHOT_INIT;
	size_t i = 0, j;

	unknown.meta_only = true;
	lt_snapshot_order(a);
	while (i < a->n) {
		for (j = i; j < a->n && !strcmp(a->v[j].key, a->v[i].key); j++)
			;
		if (!lt_snapshot_find(st->out, a->v[i].key) &&
		    (a->v[i].op == LT_KV_PURGE || (int64_t)(j - i) >= history)) {
			lt_snapshot_add(&unknown, a->v[i].key, strlen(a->v[i].key),
			    a->v[i].revision, a->v[i].created_ns, LT_KV_UNKNOWN,
			    NULL, 0);
		}
		i = j;
	}
	for (i = 0; i < unknown.n; i++)
		lt_snapshot_add(st->out, unknown.v[i].key,
		    strlen(unknown.v[i].key), unknown.v[i].revision,
		    unknown.v[i].created_ns, LT_KV_UNKNOWN, NULL, 0);
	st->out->unknown = unknown.n;
	lt_snapshot_release(&unknown);
	lt_snapshot_sort(st->out);
}

/* The walk's ordered consumer: the one kvStore_WatchAll creates, read as
 * raw messages instead, so that a metadata-only walk can have the server
 * send headers only (no value bytes on the wire, none to copy or decode)
 * and still learn each value's size from the Nats-Msg-Size header. */
static natsStatus
walk_subscribe(struct lt_kv *kv, const struct walk_state *st,
    natsSubscription **sub)
{
	char *subject = lt_xasprintf("$KV.%s.>", kv->bucket);
	natsStatus s = NATS_TIMEOUT;
	jsSubOptions so;
	int attempt;

	jsSubOptions_Init(&so);
	so.Stream = kv->stream;
	so.Ordered = true;
	so.Config.DeliverPolicy = st->point ? js_DeliverAll :
	    js_DeliverLastPerSubject;
	so.Config.HeadersOnly = st->w->meta_only;
	/* In a cluster, a consumer placed on a peer that is down times out
	 * (nats-server 2.9 picks among the stream's peers): ask again. */
	for (attempt = 0; attempt < 3 && s == NATS_TIMEOUT; attempt++)
		s = js_SubscribeSync(sub, kv->js, subject, NULL, &so, NULL);
	if (s == NATS_OK)
		s = natsSubscription_SetPendingLimits(*sub, -1, -1);
	free(subject);
	return s;
}

static size_t
header_size(natsMsg *m)
{
	const char *v = NULL;
	char *end = NULL;
	unsigned long long n;

	if (natsMsgHeader_Get(m, JSMsgSize, &v) != NATS_OK || v == NULL)
		return 0;
	n = strtoull(v, &end, 10);
	return end != v && *end == '\0' ? (size_t)n : 0;
}

/* Decode m into out (borrowing from m) and the count of messages still
 * to come; -1 when it is not a message of the bucket's stream. */
static int
walk_msg_read(struct walk_msg *out, natsMsg *m, size_t prefix_len,
    bool meta_only, uint64_t *pending)
{
	const char *subject = natsMsg_GetSubject(m), *op = NULL;
	jsMsgMetaData *meta = NULL;

	if (natsMsg_GetMetaData(&meta, m) != NATS_OK)
		return -1;
	*pending = meta->NumPending;	/* even for a message skipped below */
	if (strlen(subject) <= prefix_len) {
		jsMsgMetaData_Destroy(meta);
		return -1;
	}
	natsMsgHeader_Get(m, "KV-Operation", &op);
	out->key = subject + prefix_len;
	out->op = lt_kv_op_from_header(op);
	out->revision = meta->Sequence.Stream;
	out->created_ns = meta->Timestamp;
	jsMsgMetaData_Destroy(meta);
	out->data = meta_only ? NULL : natsMsg_GetData(m);
	out->len = meta_only ? header_size(m) :
	    (size_t)natsMsg_GetDataLength(m);
	return 0;
}

/* Nothing came: true when the consumer had nothing to deliver (the
 * bucket was emptied after its info was read: a stream purge, expiry). */
static bool
walk_had_nothing(natsSubscription *sub)
{
	jsConsumerInfo *ci = NULL;
	bool none = natsSubscription_GetConsumerInfo(&ci, sub, NULL, NULL) ==
	    NATS_OK && ci->NumPending == 0 && ci->Delivered.Consumer == 0;

	jsConsumerInfo_Destroy(ci);
	return none;
}

/* Read until the message the server said nothing followed. */
static natsStatus
walk_read(struct lt_kv *kv, struct walk_state *st, natsSubscription *sub,
    int64_t timeout_ms)
{
	size_t prefix_len = strlen(kv->bucket) + 5;	/* "$KV.B." */
	uint64_t pending = 1, got = 0;
	natsStatus s = NATS_OK;

	while (pending > 0) {
		natsMsg *m = NULL;
		struct walk_msg wm;

		s = natsSubscription_NextMsg(&m, sub, timeout_ms);
		if (s == NATS_TIMEOUT && got == 0 && walk_had_nothing(sub))
			return NATS_OK;
		if (s != NATS_OK)
			return s;
		got++;
		if (walk_msg_read(&wm, m, prefix_len, st->w->meta_only,
		    &pending) == 0)
			take(st, &wm);
		natsMsg_Destroy(m);
	}
	return s;
}

static int
run_walk(struct lt_kv *kv, struct walk_state *st, int64_t timeout_ms,
    struct lt_error *err)
{
	natsSubscription *sub = NULL;
	natsStatus s = walk_subscribe(kv, st, &sub);

	if (s != NATS_OK) {
		natsSubscription_Destroy(sub);
		return lt_error_nats(err, s, "watch bucket '%s'", kv->bucket);
	}
	s = walk_read(kv, st, sub, timeout_ms);
	natsSubscription_Unsubscribe(sub);
	natsSubscription_Destroy(sub);
	if (s == NATS_TIMEOUT)
		return lt_error_set(err, LT_E_TIMEOUT, "reading bucket '%s' "
		    "stalled after %llu entries (no data for %lldms)", kv->bucket,
		    (unsigned long long)st->seen, (long long)timeout_ms);
	if (s != NATS_OK)
		return lt_error_nats(err, s, "reading bucket '%s'", kv->bucket);
	return 0;
}

static void
fill_meta(struct lt_kv *kv, struct lt_snapshot *out,
    const struct lt_kv_info *info)
{
	const struct lt_server_info *si = lt_conn_server(kv->conn);

	free(out->bucket);
	out->bucket = lt_xstrdup(kv->bucket);
	snprintf(out->server_id, sizeof(out->server_id), "%s", si->id);
	snprintf(out->server_name, sizeof(out->server_name), "%s", si->name);
	snprintf(out->server_version, sizeof(out->server_version), "%s",
	    si->version);
	out->stream_last_seq = info->last_seq;
}

int
lt_kv_snapshot(struct lt_kv *kv, const struct lt_kv_walk *walk,
    struct lt_snapshot *out, struct lt_error *err)
{
	const struct lt_config *cfg = lt_conn_config(kv->conn);
	struct walk_state st;
	struct lt_kv_info info;
	int64_t t0 = lt_mono_ns();
	int rc;

	memset(&st, 0, sizeof(st));
	st.w = walk;
	st.out = out;
	st.point = walk->at_revision || walk->at_ns;
	lt_snapshot_init(&st.after);
	st.after.meta_only = true;
	out->meta_only = walk->meta_only;
	out->taken_ns = lt_now_ns();
	if (lt_kv_info(kv, &info, err) < 0)
		return -1;
	st.total = st.point ? info.values : info.keys;
	fill_meta(kv, out, &info);
	rc = info.values == 0 ? 0 : run_walk(kv, &st,
	    cfg->timeout_ns / 1000000 > 0 ? cfg->timeout_ns / 1000000 : 5000,
	    err);
	if (rc == 0) {
		lt_snapshot_sort(out);
		if (st.point)
			count_unknown(&st, info.history);
	}
	lt_snapshot_release(&st.after);
	out->duration_ns = lt_mono_ns() - t0;
	return rc;
}
