/* lt-bench.c: benchmark helpers for 'watch', not installed.
 *   lt-bench -s URL pub --count N [--for-every K ID] FILE...
 *       publish N CloudEvents cycling through FILEs on
 *       wasmbus.evt.default.<type>; with --for-every, every K-th event's
 *       component_id is replaced by ID (so a filter matches 1/K).
 *   lt-bench -s URL sub SUBJECT --count N
 *       the ceiling: a bare nats.c subscriber that only counts; prints
 *       "received N in S seconds".
 *   lt-bench -s URL asub SUBJECT --count N [--copy]
 *       the same through an asynchronous subscription (nats.c's delivery
 *       thread and callback, as latticectl uses): nats.c's own cost of
 *       the hand-off. --copy also writes each payload and a newline to
 *       stdout: the least any consumer that writes every event pays.
 *       --envelope writes each payload inside the recording's event
 *       envelope instead ({"schema":...,"seq","t","kind","subject",
 *       "event":PAYLOAD}), unchecked: the same bytes as 'watch -o
 *       ndjson' without validation or redaction, its ceiling.
 *   lt-bench -s URL kv-walk BUCKET
 *       a bare nats.c kvStore_WatchAll loop over the whole bucket (what
 *       'kv snapshot' is built on); prints "walked N in S seconds".
 *   lt-bench -s URL kv-getall BUCKET
 *       the baseline 'nats kv ls' + 'nats kv get' amount to: kvStore_Keys,
 *       then one kvStore_Get per key; prints "got N in S seconds". */
#include <nats/nats.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct payload {
	char subject[160];
	char *data;
	int len;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *
slurp(const char *path, int *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		fprintf(stderr, "lt-bench: cannot read %s\n", path);
		exit(2);
	}
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n)
		exit(2);
	buf[n] = '\0';
	fclose(f);
	*len = (int)n;
	return buf;
}

/* Compact a pretty-printed example into one line, find its type. */
static void
load(struct payload *p, const char *path)
{
	char *raw = slurp(path, &p->len), *type, *end;
	int i, o = 0, in_str = 0;

	for (i = 0; i < p->len; i++) {
		char c = raw[i];

		if (c == '"' && (i == 0 || raw[i - 1] != '\\'))
			in_str = !in_str;
		if (!in_str && (c == ' ' || c == '\n' || c == '\r' || c == '\t'))
			continue;
		raw[o++] = c;
	}
	raw[o] = '\0';
	p->data = raw;
	p->len = o;
	type = strstr(raw, "\"type\":\"com.wasmcloud.lattice.");
	type = type ? type + 30 : (char *)"unknown\"";
	end = strchr(type, '"');
	snprintf(p->subject, sizeof(p->subject), "wasmbus.evt.default.%.*s",
	    (int)(end - type), type);
}

static int
cmd_pub(natsConnection *nc, int argc, char **argv)
{
	struct payload *p = calloc((size_t)argc, sizeof(*p));
	long count = 1000, every = 0, i;
	const char *id = NULL;
	int n = 0, a;
	double t0;

	for (a = 0; a < argc; a++) {
		if (!strcmp(argv[a], "--count") && a + 1 < argc)
			count = strtol(argv[++a], NULL, 10);
		else if (!strcmp(argv[a], "--for-every") && a + 2 < argc) {
			every = strtol(argv[++a], NULL, 10);
			id = argv[++a];
		} else
			load(&p[n++], argv[a]);
	}
	t0 = now();
	for (i = 0; i < count; i++) {
		struct payload *q = &p[i % n];
		const char *d = q->data;
		char buf[8192];

		if (every && i % every == 0) {
			const char *at = strstr(d, "\"component_id\":\"");

			if (at && q->len < 7000) {
				const char *close = strchr(at + 16, '"');
				int pre = (int)(at + 16 - d);

				snprintf(buf, sizeof(buf), "%.*s%s%s", pre, d, id, close);
				d = buf;
			}
		}
		natsConnection_PublishString(nc, q->subject, d);
	}
	natsConnection_FlushTimeout(nc, 60000);
	fprintf(stderr, "published %ld in %.3fs\n", count, now() - t0);
	return 0;
}

static int
cmd_sub(natsConnection *nc, int argc, char **argv)
{
	natsSubscription *sub = NULL;
	long count = argc > 2 ? strtol(argv[2], NULL, 10) : 1000, got = 0;
	double t0 = 0;

	natsConnection_SubscribeSync(&sub, nc, argv[0]);
	natsSubscription_SetPendingLimits(sub, -1, -1);
	natsConnection_Flush(nc);
	printf("ready\n");
	fflush(stdout);
	while (got < count) {
		natsMsg *m = NULL;

		if (natsSubscription_NextMsg(&m, sub, 30000) != NATS_OK)
			break;
		if (got++ == 0)
			t0 = now();
		natsMsg_Destroy(m);
	}
	printf("received %ld in %.3f seconds\n", got, now() - t0);
	natsSubscription_Destroy(sub);
	return got == count ? 0 : 1;
}

struct counter {
	pthread_mutex_t mu;
	pthread_cond_t done;
	long got, want;
	bool copy, envelope;
	time_t sec;		/* envelope: the second in stamp */
	char stamp[32];		/* "YYYY-MM-DDTHH:MM:SS." */
	char out[64 * 1024];	/* envelope: records not yet written */
	size_t len;
};

static void
out_flush(struct counter *c)
{
	fwrite(c->out, 1, c->len, stdout);
	c->len = 0;
}

static void
out_add(struct counter *c, const void *p, size_t n)
{
	if (c->len + n > sizeof(c->out))
		out_flush(c);
	if (n > sizeof(c->out)) {
		fwrite(p, 1, n, stdout);
		return;
	}
	memcpy(c->out + c->len, p, n);
	c->len += n;
}

static void
out_adds(struct counter *c, const char *s)
{
	out_add(c, s, strlen(s));
}

/* One record as 'watch -o ndjson' writes it, the payload copied as is;
 * the clock read and formatted as cheaply as watch does (the date once
 * per second). */
static void
put_envelope(struct counter *c, natsMsg *m)
{
	struct timespec ts;
	struct tm tm;
	char num[24];
	long ns, seq = c->got + 2;	/* 1 is the meta record */
	int i;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != c->sec) {
		c->sec = ts.tv_sec;
		gmtime_r(&ts.tv_sec, &tm);
		strftime(c->stamp, sizeof(c->stamp), "%Y-%m-%dT%H:%M:%S.", &tm);
	}
	out_adds(c, "{\"schema\":\"latticectl.rec/1\",\"seq\":");
	for (i = (int)sizeof(num); seq > 0 || i == (int)sizeof(num); seq /= 10)
		num[--i] = (char)('0' + seq % 10);
	out_add(c, num + i, sizeof(num) - (size_t)i);
	out_adds(c, ",\"t\":\"");
	out_adds(c, c->stamp);
	for (i = 8, ns = ts.tv_nsec; i >= 0; i--, ns /= 10)
		num[i] = (char)('0' + ns % 10);
	out_add(c, num, 9);
	out_adds(c, "Z\",\"kind\":\"event\",\"subject\":\"");
	out_adds(c, natsMsg_GetSubject(m));
	out_adds(c, "\",\"event\":");
	out_add(c, natsMsg_GetData(m), (size_t)natsMsg_GetDataLength(m));
	out_add(c, "}\n", 2);
}

static void
on_count(natsConnection *nc, natsSubscription *sub, natsMsg *m, void *ud)
{
	struct counter *c = ud;

	(void)nc;
	(void)sub;
	if (c->envelope) {
		put_envelope(c, m);
	} else if (c->copy) {
		fwrite(natsMsg_GetData(m), 1, (size_t)natsMsg_GetDataLength(m),
		    stdout);
		putchar('\n');
	}
	natsMsg_Destroy(m);
	pthread_mutex_lock(&c->mu);
	if (++c->got == c->want) {
		if (c->envelope)
			out_flush(c);
		pthread_cond_signal(&c->done);
	}
	pthread_mutex_unlock(&c->mu);
}

static int
cmd_asub(natsConnection *nc, int argc, char **argv)
{
	static struct counter c = { PTHREAD_MUTEX_INITIALIZER,
	    PTHREAD_COND_INITIALIZER, 0, 0, false, false, 0, "", "", 0 };
	static char obuf[64 * 1024];
	natsSubscription *sub = NULL;

	struct timespec idle;
	long seen = -1;

	c.want = argc > 2 ? strtol(argv[2], NULL, 10) : 1000;
	c.copy = argc > 3 && !strcmp(argv[3], "--copy");
	c.envelope = argc > 3 && !strcmp(argv[3], "--envelope");
	if (natsConnection_Subscribe(&sub, nc, argv[0], on_count, &c) != NATS_OK) {
		fprintf(stderr, "lt-bench: cannot subscribe to %s\n", argv[0]);
		return 1;
	}
	natsSubscription_SetPendingLimits(sub, -1, -1);
	natsConnection_Flush(nc);
	printf("ready\n");
	fflush(stdout);
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	pthread_mutex_lock(&c.mu);
	while (c.got < c.want && c.got != seen) {	/* 30 s without progress */
		seen = c.got;
		clock_gettime(CLOCK_REALTIME, &idle);
		idle.tv_sec += 30;
		while (c.got == seen && c.got < c.want &&
		    pthread_cond_timedwait(&c.done, &c.mu, &idle) == 0)
			;
	}
	pthread_mutex_unlock(&c.mu);
	fflush(stdout);
	fprintf(stderr, "received %ld\n", c.got);
	natsSubscription_Destroy(sub);
	return c.got == c.want ? 0 : 1;
}

static kvStore *
open_kv(natsConnection *nc, jsCtx **js, const char *bucket)
{
	kvStore *kv = NULL;

	if (natsConnection_JetStream(js, nc, NULL) != NATS_OK ||
	    js_KeyValue(&kv, *js, bucket) != NATS_OK) {
		fprintf(stderr, "lt-bench: no bucket %s\n", bucket);
		exit(6);
	}
	return kv;
}

static int
cmd_kv_walk(natsConnection *nc, int argc, char **argv)
{
	jsCtx *js = NULL;
	kvStore *kv = open_kv(nc, &js, argv[0]);
	kvWatcher *w = NULL;
	long n = 0, bytes = 0;
	double t0 = now();
	kvEntry *e;

	(void)argc;
	if (kvStore_WatchAll(&w, kv, NULL) != NATS_OK)
		return 6;
	while (kvWatcher_Next(&e, w, 10000) == NATS_OK && e != NULL) {
		n++;
		bytes += kvEntry_ValueLen(e);
		kvEntry_Destroy(e);
	}
	printf("walked %ld (%ld bytes) in %.3f seconds\n", n, bytes, now() - t0);
	kvWatcher_Destroy(w);
	kvStore_Destroy(kv);
	jsCtx_Destroy(js);
	return 0;
}

static int
cmd_kv_getall(natsConnection *nc, int argc, char **argv)
{
	jsCtx *js = NULL;
	kvStore *kv = open_kv(nc, &js, argv[0]);
	kvKeysList keys;
	double t0 = now();
	long got = 0, bytes = 0;
	int i;

	(void)argc;
	if (kvStore_Keys(&keys, kv, NULL) != NATS_OK)
		return 6;
	for (i = 0; i < keys.Count; i++) {
		kvEntry *e = NULL;

		if (kvStore_Get(&e, kv, keys.Keys[i]) == NATS_OK) {
			got++;
			bytes += kvEntry_ValueLen(e);
		}
		kvEntry_Destroy(e);
	}
	printf("got %ld (%ld bytes) in %.3f seconds\n", got, bytes, now() - t0);
	kvKeysList_Destroy(&keys);
	kvStore_Destroy(kv);
	jsCtx_Destroy(js);
	return 0;
}

int
main(int argc, char **argv)
{
	natsConnection *nc = NULL;
	int rc;

	if (argc < 4 || strcmp(argv[1], "-s")) {
		fprintf(stderr, "usage: lt-bench -s URL pub|sub|asub|kv-walk|kv-getall ...\n");
		return 2;
	}
	if (natsConnection_ConnectTo(&nc, argv[2]) != NATS_OK) {
		fprintf(stderr, "lt-bench: cannot connect to %s\n", argv[2]);
		return 3;
	}
	if (!strcmp(argv[3], "kv-walk") && argc > 4)
		rc = cmd_kv_walk(nc, argc - 4, argv + 4);
	else if (!strcmp(argv[3], "kv-getall") && argc > 4)
		rc = cmd_kv_getall(nc, argc - 4, argv + 4);
	else if (!strcmp(argv[3], "asub") && argc > 4)
		rc = cmd_asub(nc, argc - 4, argv + 4);
	else
		rc = !strcmp(argv[3], "pub") ? cmd_pub(nc, argc - 4, argv + 4) :
		    cmd_sub(nc, argc - 4, argv + 4);
	natsConnection_Destroy(nc);
	nats_Close();
	return rc;
}
