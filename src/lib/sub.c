/* sub.c: core and ordered-stream subscriptions feeding a feed (each
 * message made from nats.c's: msg.h). */
#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "conn-priv.h"
#include "latticectl/sub.h"
#include "latticectl/util.h"
#include "banned.h"

struct lt_sub {
	natsSubscription *ns;
	struct lt_feed *feed;
	int id;
	pthread_mutex_t mu;
	pthread_cond_t done_cv;
	bool done;	/* nats.c will call no handler of ours again */
};

void
lt_msg_from_nats(struct lt_item *item, natsMsg *m, int sub_id)
{
	struct lt_msg *msg = &item->msg;

	memset(item, 0, sizeof(*item));
	item->kind = LT_ITEM_MSG;	/* the feed reads the clock (t_ns) */
	msg->subject = natsMsg_GetSubject(m);
	msg->reply = natsMsg_GetReply(m);
	msg->data = natsMsg_GetData(m);
	msg->len = natsMsg_GetDataLength(m);
	msg->sub_id = sub_id;
	msg->native = m;
}

static void
on_msg(natsConnection *nc, natsSubscription *ns, natsMsg *m, void *closure)
{
	struct lt_sub *s = closure;
	struct lt_item it;

	lt_msg_from_nats(&it, m, s->id);
	lt_feed_push(s->feed, &it);
}

static void
on_stream_msg(natsConnection *nc, natsSubscription *ns, natsMsg *m,
    void *closure)
{
	struct lt_sub *s = closure;
	jsMsgMetaData *meta = NULL;
	struct lt_item it;

	lt_msg_from_nats(&it, m, s->id);
	if (natsMsg_GetMetaData(&meta, m) == NATS_OK) {
		it.msg.source = LT_MSG_STREAM;
		it.msg.stream_seq = meta->Sequence.Stream;
		it.msg.stream_ns = meta->Timestamp;
		it.msg.pending = meta->NumPending;
		jsMsgMetaData_Destroy(meta);
	}
	lt_feed_push(s->feed, &it);
}

static void
set_pending(natsSubscription *ns, int max_pending)
{
	int64_t bytes = (int64_t)max_pending * 4096;

	if (max_pending > 0)
		natsSubscription_SetPendingLimits(ns, max_pending,
		    bytes > INT_MAX ? -1 : (int)bytes);
}

static struct lt_sub *
sub_new(struct lt_feed *feed, int sub_id)
{
	struct lt_sub *s = lt_xcalloc(1, sizeof(*s));

	s->feed = feed;
	s->id = sub_id;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->done_cv, NULL);
	return s;
}

static void
sub_free(struct lt_sub *s)
{
	pthread_cond_destroy(&s->done_cv);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/* Called by nats.c once a closed subscription's handler has returned for
 * the last time. */
static void
on_complete(void *closure)
{
	struct lt_sub *s = closure;

	pthread_mutex_lock(&s->mu);
	s->done = true;
	pthread_cond_broadcast(&s->done_cv);
	pthread_mutex_unlock(&s->mu);
}

/* Opened: the completion callback is set before anything can close it. */
static void
sub_opened(struct lt_sub *s, int max_pending)
{
	natsSubscription_SetOnCompleteCB(s->ns, on_complete, s);
	set_pending(s->ns, max_pending);
}

int
lt_sub_open(struct lt_sub **out, struct lt_conn *c, const char *subject,
    struct lt_feed *feed, int sub_id, int max_pending, struct lt_error *err)
{
	struct lt_sub *s = sub_new(feed, sub_id);
	natsStatus st;

	st = natsConnection_Subscribe(&s->ns, lt_conn_nats(c), subject, on_msg, s);
	if (st != NATS_OK) {
		sub_free(s);
		*out = NULL;
		return lt_error_nats(err, st, "subscribe to '%s'", subject);
	}
	sub_opened(s, max_pending);
	*out = s;
	return 0;
}

/* The stream sequence that a read from start_ns begins at, computed by
 * the server exactly as for DeliverByStartTime: a short-lived pull
 * consumer (never pulled from) reports it as its delivered position and is
 * deleted at once. An ordered consumer must not keep OptStartTime: nats.c
 * 3.4 recreates it after a failover by start sequence with the rest of the
 * config unchanged, which the server refuses while a start time is set,
 * and the watch stalls for good. */
static int
seq_from_time(jsCtx *js, const struct lt_stream_start *start,
    uint64_t *seq, struct lt_error *err)
{
	jsConsumerInfo *ci = NULL;
	jsConsumerConfig cc;
	jsErrCode jerr = 0;
	natsStatus st;

	jsConsumerConfig_Init(&cc);
	cc.DeliverPolicy = js_DeliverByStartTime;
	cc.OptStartTime = start->start_ns;
	cc.AckPolicy = js_AckNone;
	cc.FilterSubject = start->filter;
	cc.InactiveThreshold = 5000000000LL;	/* if the delete is lost */
	cc.Replicas = 1;
	cc.MemoryStorage = true;
	st = js_AddConsumer(&ci, js, start->stream, &cc, NULL, &jerr);
	if (st != NATS_OK)
		return lt_error_nats(err, st, "find where '%s' reaches back to "
		    "the start time", start->stream);
	*seq = ci->Delivered.Stream + 1;
	js_DeleteConsumer(js, start->stream, ci->Name, NULL, NULL);
	jsConsumerInfo_Destroy(ci);
	return 0;
}

static void
stream_sub_options(jsSubOptions *so, const struct lt_stream_start *start,
    uint64_t start_seq)
{
	jsSubOptions_Init(so);
	so->Stream = start->stream;
	so->Ordered = true;
	so->Config.HeadersOnly = start->headers_only;
	if (start_seq > 0) {
		so->Config.DeliverPolicy = js_DeliverByStartSequence;
		so->Config.OptStartSeq = start_seq;
	} else {
		so->Config.DeliverPolicy = js_DeliverAll;
	}
}

int
lt_sub_open_stream(struct lt_sub **out, struct lt_conn *c,
    const struct lt_stream_start *start, struct lt_feed *feed, int sub_id,
    int max_pending, struct lt_error *err)
{
	struct lt_sub *s;
	jsCtx *js = lt_conn_js(c, err);
	uint64_t start_seq = start->start_seq;
	jsErrCode jerr = 0;
	jsSubOptions so;
	natsStatus st;

	*out = NULL;
	if (js == NULL)
		return -1;
	if (start_seq == 0 && start->start_ns > 0 &&
	    seq_from_time(js, start, &start_seq, err) < 0)
		return -1;
	s = sub_new(feed, sub_id);
	stream_sub_options(&so, start, start_seq);
	st = js_Subscribe(&s->ns, js, start->filter, on_stream_msg, s, NULL,
	    &so, &jerr);
	if (st != NATS_OK) {
		sub_free(s);
		return lt_error_nats(err, st, "ordered consumer on stream '%s'",
		    start->stream);
	}
	sub_opened(s, max_pending);
	*out = s;
	return 0;
}

int64_t
lt_sub_dropped(struct lt_sub *s)
{
	int64_t dropped = 0;

	if (s && natsSubscription_GetDropped(s->ns, &dropped) != NATS_OK)
		return 0;
	return dropped;
}

size_t
lt_sub_pending(struct lt_sub *s)
{
	int pending = 0;

	if (s == NULL || natsSubscription_GetPending(s->ns, &pending, NULL) !=
	    NATS_OK || pending < 0)
		return 0;
	return (size_t)pending;
}

int
lt_sub_drain(struct lt_sub *s, int64_t timeout_ns)
{
	int64_t ms = timeout_ns / 1000000;

	return s && natsSubscription_DrainTimeout(s->ns, ms > 0 ? ms : 1) ==
	    NATS_OK ? 0 : -1;
}

bool
lt_sub_wait_drained(struct lt_sub *s, int64_t deadline)
{
	int64_t ms = (deadline - lt_mono_ns()) / 1000000;

	return s && natsSubscription_WaitForDrainCompletion(s->ns,
	    ms > 0 ? ms : 1) == NATS_OK;
}

/* Wait (up to 2 s) until nats.c is done with s: its delivery thread may
 * still be in, or about to enter, the handler, which uses s and its feed.
 * This also has the thread release the subscription before nats.c shuts
 * down (else ASan sees nats.c's queued messages leak). False on timeout. */
static bool
wait_done(struct lt_sub *s)
{
	struct timespec until;
	bool done;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 2;
	pthread_mutex_lock(&s->mu);
	while (!s->done &&
	    pthread_cond_timedwait(&s->done_cv, &s->mu, &until) == 0)
		;
	done = s->done;
	pthread_mutex_unlock(&s->mu);
	return done;
}

void
lt_sub_close(struct lt_sub *s)
{
	natsStatus st;

	if (s == NULL)
		return;
	st = natsSubscription_Unsubscribe(s->ns);
	if ((st == NATS_OK || !natsSubscription_IsValid(s->ns)) &&
	    !wait_done(s)) {
		natsSubscription_Destroy(s->ns);
		return;	/* a stuck handler may still use s: never freed */
	}
	natsSubscription_Destroy(s->ns);
	sub_free(s);
}

static void
fill_stream_info(struct lt_stream_info *info, const jsStreamInfo *si)
{
	const jsStreamConfig *sc = si->Config;
	int i;

	memset(info, 0, sizeof(*info));
	snprintf(info->name, sizeof(info->name), "%s", sc->Name);
	info->retention = sc->Retention == js_WorkQueuePolicy ?
	    LT_RETENTION_WORKQUEUE : sc->Retention == js_InterestPolicy ?
	    LT_RETENTION_INTEREST : LT_RETENTION_LIMITS;
	info->max_age_ns = sc->MaxAge;
	info->max_msgs = sc->MaxMsgs;
	info->msgs = si->State.Msgs;
	info->first_seq = si->State.FirstSeq;
	info->last_seq = si->State.LastSeq;
	info->first_ns = si->State.FirstTime;
	info->last_ns = si->State.LastTime;
	for (i = 0; i < sc->SubjectsLen && i < 8; i++)
		snprintf(info->subjects[i], sizeof(info->subjects[i]), "%s",
		    sc->Subjects[i]);
	info->nsubjects = i;
}

int
lt_stream_info(struct lt_conn *c, const char *name,
    struct lt_stream_info *info, struct lt_error *err)
{
	jsCtx *js = lt_conn_js(c, err);
	jsStreamInfo *si = NULL;
	jsErrCode jerr = 0;
	natsStatus st;

	if (js == NULL)
		return -1;
	st = js_GetStreamInfo(&si, js, name, NULL, &jerr);
	if (st == NATS_NOT_FOUND || jerr == JSStreamNotFoundErr)
		return 0;
	if (st != NATS_OK) {
		if (jerr == JSNotEnabledErr || jerr == JSNotEnabledForAccountErr ||
		    st == NATS_NO_RESPONDERS)
			return lt_error_set(err, LT_E_RUNTIME,
			    "JetStream is not enabled on this server or account");
		return lt_error_nats(err, st, "stream info '%s'", name);
	}
	fill_stream_info(info, si);
	jsStreamInfo_Destroy(si);
	return 1;
}
