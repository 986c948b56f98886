/* sim-load.c: load mode (--rate/--duration/--event-size: realistic
 * component_scaled events, pre-rendered, published as fast as asked) and
 * --garbage-events (invalid JSON, binary and non-CloudEvent payloads on
 * event subjects). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "latticectl/buf.h"
#include "latticectl/util.h"
#include "sim.h"

#include "banned.h"

#define NPAYLOADS 512

struct payload {
	char *data;
	int len;
};

/* A component_scaled event as host 0 would send it, padded with an
 * annotation to about size bytes. */
static struct payload
render(struct sim *s, int i, int size)
{
	cJSON *ev = cJSON_CreateObject(), *d, *ann;
	char id[40], t[40], comp[64];
	struct payload p;

	sim_ulid(id);
	lt_time_format(lt_now_ns(), t, sizeof(t));
	snprintf(comp, sizeof(comp), "load_app-component_%d", i % 16);
	cJSON_AddStringToObject(ev, "specversion", "1.0");
	cJSON_AddStringToObject(ev, "id", id);
	cJSON_AddStringToObject(ev, "type",
	    "com.wasmcloud.lattice.component_scaled");
	cJSON_AddStringToObject(ev, "source", s->hosts[0].id);
	cJSON_AddStringToObject(ev, "datacontenttype", "application/json");
	cJSON_AddStringToObject(ev, "time", t);
	d = cJSON_AddObjectToObject(ev, "data");
	ann = cJSON_AddObjectToObject(d, "annotations");
	cJSON_AddStringToObject(ann, "wasmcloud.dev/appspec", "load-app");
	cJSON_AddStringToObject(ann, "wasmcloud.dev/managed-by", "wadm");
	cJSON_AddStringToObject(d, "host_id", s->hosts[0].id);
	cJSON_AddStringToObject(d, "image_ref", "ghcr.io/example/load:0.1.0");
	cJSON_AddNumberToObject(d, "max_instances", i % 4);
	cJSON_AddStringToObject(d, "component_id", comp);
	p.data = cJSON_PrintUnformatted(ev);
	p.len = (int)strlen(p.data);
	if (size > p.len + 40) {
		char *pad = lt_xmalloc((size_t)(size - p.len - 30) + 1);

		memset(pad, 'x', (size_t)(size - p.len - 30));
		pad[size - p.len - 30] = '\0';
		cJSON_AddStringToObject(ann, "latticesim.dev/pad", pad);
		free(pad);
		cJSON_free(p.data);
		p.data = cJSON_PrintUnformatted(ev);
		p.len = (int)strlen(p.data);
	}
	cJSON_Delete(ev);
	return p;
}

static void
pace(int64_t start, uint64_t sent, double rate)
{
	int64_t due = start + (int64_t)((double)sent / rate * 1e9),
	    now = lt_mono_ns();

	if (due > now) {
		struct timespec ts = { (time_t)((due - now) / 1000000000),
		    (long)((due - now) % 1000000000) };

		nanosleep(&ts, NULL);
	}
}

int
sim_load_run(struct sim *s)
{
	struct payload p[NPAYLOADS];
	char *subj = lt_xasprintf("wasmbus.evt.%s.component_scaled",
	    s->o.lattice);
	natsConnection *nc = s->hosts[0].nc;
	int64_t start, end;
	uint64_t sent = 0;
	double secs;
	int i;

	for (i = 0; i < NPAYLOADS; i++)
		p[i] = render(s, i, s->o.event_size);
	sim_log("load: rate %s, duration %.1fs, event %d bytes",
	    s->o.rate > 0 ? "limited" : "unthrottled",
	    (double)s->o.duration_ns / 1e9, p[0].len);
	start = lt_mono_ns();
	end = s->o.duration_ns > 0 ? start + s->o.duration_ns : INT64_MAX;
	while (!s->stop && lt_mono_ns() < end) {
		for (i = 0; i < 256; i++, sent++)
			natsConnection_Publish(nc, subj, p[sent % NPAYLOADS].data,
			    p[sent % NPAYLOADS].len);
		if (s->o.rate > 0)
			pace(start, sent, s->o.rate);
	}
	natsConnection_FlushTimeout(nc, 30000);
	secs = (double)(lt_mono_ns() - start) / 1e9;
	sim_log("load: published %llu events in %.3fs: %.0f events/s",
	    (unsigned long long)sent, secs, (double)sent / secs);
	for (i = 0; i < NPAYLOADS; i++)
		cJSON_free(p[i].data);
	free(subj);
	return 0;
}

void
sim_garbage_tick(struct sim *s, int64_t now)
{
	static int64_t next;
	static unsigned kind;
	static const char *const bodies[] = {
		("{\"specversion\":\"1.0\",\"type\":\"com.wasmcloud.lattice."
		    "component_scaled\",\"data\":{"),
		"{\"hello\":\"this is not a CloudEvent\"}",
		"\xff\xfe\x00\x01 binary \x80",
		"[1,2,3]",
	};
	char *subj;

	if (s->o.garbage_rate <= 0 || s->nhosts == 0)
		return;
	if (next == 0)
		next = now;
	while (now >= next) {
		const char *b = bodies[kind % LT_ARRAY_SIZE(bodies)];
		int len = kind % LT_ARRAY_SIZE(bodies) == 2 ? 13 :
		    (int)strlen(b);

		subj = lt_xasprintf("wasmbus.evt.%s.%s", s->o.lattice,
		    kind % 2 ? "component_scaled" : "host_heartbeat");
		natsConnection_Publish(s->hosts[0].nc, subj, b, len);
		sim_log("fault: garbage event #%u on %s", kind, subj);
		free(subj);
		kind++;
		next += (int64_t)(1e9 / s->o.garbage_rate);
	}
}
