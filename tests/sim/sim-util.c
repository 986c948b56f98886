/* sim-util.c: logging, ids (nkey-style, ULID-as-UUID), CloudEvent
 * envelopes and ctl reply envelopes with the fault switches applied. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "latticectl/buf.h"
#include "latticectl/util.h"
#include "sim.h"

#include "banned.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t rand_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t rand_state;

void
sim_log(const char *fmt, ...)
{
	char ts[16], line[1024];
	va_list ap;

	lt_time_format_short(lt_now_ns(), ts, sizeof(ts));
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&log_lock);
	fprintf(stderr, "latticesim: %s %s\n", ts, line);
	fflush(stderr);
	pthread_mutex_unlock(&log_lock);
}

static uint64_t
next_rand(void)
{
	uint64_t x;

	pthread_mutex_lock(&rand_lock);
	if (rand_state == 0)
		rand_state = (uint64_t)lt_now_ns() ^ ((uint64_t)getpid() << 32) ^
		    0x9e3779b97f4a7c15ULL;
	/* xorshift64* */
	rand_state ^= rand_state >> 12;
	rand_state ^= rand_state << 25;
	rand_state ^= rand_state >> 27;
	x = rand_state * 0x2545f4914f6cdd1dULL;
	pthread_mutex_unlock(&rand_lock);
	return x;
}

double
sim_rand01(void)
{
	return (double)(next_rand() >> 11) / (double)(1ULL << 53);
}

/* A public-nkey look-alike: prefix letter + 55 base32 characters. */
void
sim_random_id(char prefix, char *out)
{
	static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	int i;

	out[0] = prefix;
	for (i = 1; i < 56; i++)
		out[i] = b32[next_rand() % 32];
	out[56] = '\0';
}

static void
hex_uuid(const unsigned char *b, char *out)
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* ULID (48-bit milliseconds + 80 random bits) printed as a UUID, as the
 * host's CloudEvents ids are: they sort by time. */
void
sim_ulid(char *out)
{
	uint64_t ms = (uint64_t)(lt_now_ns() / 1000000), r1 = next_rand(),
	    r2 = next_rand();
	unsigned char b[16];
	int i;

	for (i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (8 * (5 - i)));
	for (i = 6; i < 16; i++)
		b[i] = (unsigned char)((i < 11 ? r1 : r2) >> (8 * (i % 8)));
	hex_uuid(b, out);
}

void
sim_uuid4(char *out)
{
	uint64_t r1 = next_rand(), r2 = next_rand();
	unsigned char b[16];
	int i;

	for (i = 0; i < 8; i++) {
		b[i] = (unsigned char)(r1 >> (8 * i));
		b[i + 8] = (unsigned char)(r2 >> (8 * i));
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	hex_uuid(b, out);
}

/* "1h 2m 3s" style; "0s" at start. */
void
sim_uptime_human(int64_t secs, char *out, size_t len)
{
	struct lt_buf b = LT_BUF_INIT;
	int64_t d = secs / 86400, h = secs / 3600 % 24, m = secs / 60 % 60,
	    s = secs % 60;

	if (d)
		lt_buf_addf(&b, "%lldd ", (long long)d);
	if (h)
		lt_buf_addf(&b, "%lldh ", (long long)h);
	if (m)
		lt_buf_addf(&b, "%lldm ", (long long)m);
	if (s || b.len == 0)
		lt_buf_addf(&b, "%llds ", (long long)s);
	b.buf[b.len - 1] = '\0';
	snprintf(out, len, "%s", b.buf);
	lt_buf_release(&b);
}

cJSON *
sim_parse(natsMsg *m)
{
	int len = natsMsg_GetDataLength(m);

	if (len <= 0)
		return NULL;
	return cJSON_ParseWithLength(natsMsg_GetData(m), (size_t)len);
}

const char *
sim_str(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

char **
sim_str_array(const cJSON *arr, size_t *n)
{
	char **v = lt_xcalloc((size_t)cJSON_GetArraySize(arr) + 1,
	    sizeof(*v));
	const cJSON *it;

	*n = 0;
	cJSON_ArrayForEach(it, arr)
		if (cJSON_IsString(it))
			v[(*n)++] = lt_xstrdup(it->valuestring);
	return v;
}

void
sim_strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

cJSON *
sim_strv_json(char **v, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

void
sim_publish_json(natsConnection *nc, const char *subj, cJSON *j)
{
	char *body = cJSON_PrintUnformatted(j);

	natsConnection_PublishString(nc, subj, body);
	cJSON_free(body);
}

void
sim_publish_traced(natsConnection *nc, struct sim *s, const char *subj,
    cJSON *j)
{
	char *body, tp[64];
	natsMsg *m = NULL;

	if (!s->o.traceparent) {
		sim_publish_json(nc, subj, j);
		return;
	}
	/* as a host with OTEL tracing on injects its span's context */
	snprintf(tp, sizeof(tp), "00-%016llx%016llx-%016llx-01",
	    (unsigned long long)next_rand(), (unsigned long long)next_rand(),
	    (unsigned long long)(next_rand() | 1));
	body = cJSON_PrintUnformatted(j);
	if (natsMsg_Create(&m, subj, NULL, body, (int)strlen(body)) == NATS_OK &&
	    natsMsgHeader_Set(m, "traceparent", tp) == NATS_OK)
		natsConnection_PublishMsg(nc, m);
	natsMsg_Destroy(m);
	cJSON_free(body);
	sim_log("traceparent %s on %s", tp, subj);
}

/* CloudEvents 1.0 envelope in the host's key order; takes data. */
void
sim_publish_event(natsConnection *nc, struct sim *s, const char *source,
    const char *type, cJSON *data)
{
	cJSON *ev = cJSON_CreateObject();
	char id[40], t[40], *subj, *ctype;

	sim_ulid(id);
	lt_time_format(lt_now_ns(), t, sizeof(t));
	ctype = lt_xasprintf("com.wasmcloud.lattice.%s", type);
	cJSON_AddStringToObject(ev, "specversion", "1.0");
	cJSON_AddStringToObject(ev, "id", id);
	cJSON_AddStringToObject(ev, "type", ctype);
	cJSON_AddStringToObject(ev, "source", source);
	cJSON_AddStringToObject(ev, "datacontenttype", "application/json");
	cJSON_AddStringToObject(ev, "time", t);
	cJSON_AddItemToObject(ev, "data", data);
	subj = lt_xasprintf("wasmbus.evt.%s.%s", s->o.lattice, type);
	sim_publish_traced(nc, s, subj, ev);
	sim_log("event %s from %.8s", type, source);
	free(subj);
	free(ctype);
	cJSON_Delete(ev);
}

/* {"success","message","response"?}; --drop-replies and --reply-delay
 * apply here, and only to ctl replies. Takes response. */
void
sim_reply(struct sim *s, natsConnection *nc, natsMsg *req, bool success,
    const char *message, cJSON *response)
{
	const char *reply = natsMsg_GetReply(req);
	cJSON *r;

	if (reply == NULL || *reply == '\0') {
		cJSON_Delete(response);
		return;
	}
	if (s->o.drop_replies > 0 && sim_rand01() < s->o.drop_replies) {
		sim_log("fault: dropped reply to %s", natsMsg_GetSubject(req));
		cJSON_Delete(response);
		return;
	}
	if (s->o.reply_delay_ns > 0) {
		struct timespec ts = { (time_t)(s->o.reply_delay_ns /
		    1000000000), (long)(s->o.reply_delay_ns % 1000000000) };

		nanosleep(&ts, NULL);
	}
	r = cJSON_CreateObject();
	cJSON_AddBoolToObject(r, "success", success);
	cJSON_AddStringToObject(r, "message", message);
	if (response != NULL)
		cJSON_AddItemToObject(r, "response", response);
	sim_publish_traced(nc, s, reply, r);
	cJSON_Delete(r);
}
