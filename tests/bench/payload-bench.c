/* payload-bench.c: what 'watch -o ndjson' spends per event on its own,
 * without NATS: the payload is redacted, validated and compacted into the
 * record members (lt_rec_add_payload_redacted), and the record is written
 * to /dev/null (lt_rec_write, batched as watch does). Files are
 * compacted first, as hosts publish them. Not run in CI.
 *
 *   payload-bench [--count N] FILE...   prints microseconds per event */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "latticectl/buf.h"
#include "latticectl/json.h"
#include "latticectl/rec.h"
#include "latticectl/redact.h"

#define MAX_FILES 32

struct payload {
	struct lt_buf data;
	char subject[128];
};

static int
load(struct payload *p, const char *path)
{
	struct lt_buf raw = LT_BUF_INIT;
	char chunk[4096];
	const char *type;
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		lt_buf_add(&raw, chunk, n);
	fclose(f);
	p->data = (struct lt_buf)LT_BUF_INIT;
	if (raw.len == 0 || lt_json_compact(raw.buf, raw.len, 64, &p->data) < 0) {
		lt_buf_release(&raw);
		return -1;
	}
	lt_buf_release(&raw);
	type = strstr(p->data.buf, "com.wasmcloud.lattice.");
	snprintf(p->subject, sizeof(p->subject), "wasmbus.evt.default.%.*s",
	    type ? (int)strcspn(type + 22, "\"") : 7, type ? type + 22 : "unknown");
	return 0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct payload p[MAX_FILES];
	struct lt_buf fields = LT_BUF_INIT;
	long count = 1000000, i;
	int n = 0, a;
	struct lt_rec *r;
	FILE *out;
	double t0;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--count") && a + 1 < argc)
			count = strtol(argv[++a], NULL, 10);
		else if (n < MAX_FILES && load(&p[n], argv[a]) == 0)
			n++;
		else {
			fprintf(stderr, "payload-bench: cannot use %s\n", argv[a]);
			return 2;
		}
	}
	if (n == 0 || count <= 0 || (out = fopen("/dev/null", "w")) == NULL) {
		fprintf(stderr, "usage: payload-bench [--count N] FILE...\n");
		return 2;
	}
	r = lt_rec_open_fp(out);
	lt_rec_set_autoflush(r, false);
	t0 = now();
	for (i = 0; i < count; i++) {
		const struct payload *q = &p[i % n];

		lt_buf_reset(&fields);
		lt_buf_adds(&fields, "\"subject\":");
		lt_buf_add_json_str(&fields, q->subject, strlen(q->subject));
		lt_buf_addch(&fields, ',');
		lt_rec_add_payload_redacted(&fields, "event", q->subject,
		    q->data.buf, q->data.len, LT_REDACT_SECRETS);
		lt_rec_write(r, "event", 1, fields.buf, fields.len, NULL);
	}
	printf("%.3f us per event (%ld events, %d payloads)\n",
	    (now() - t0) * 1e6 / (double)count, count, n);
	lt_rec_abandon(r);
	fclose(out);
	lt_buf_release(&fields);
	for (a = 0; a < n; a++)
		lt_buf_release(&p[a].data);
	return 0;
}
