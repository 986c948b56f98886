/* sim-apps.c: the scenario driver (--apps N): a client thread, on its own
 * NATS connection, that puts and deploys N apps rendered from a manifest
 * template through the wadm API (as wash would), the first ones from the
 * fault templates, then, after --upgrade-after, puts and deploys version 2
 * of every app. README.md, "Scenario driver". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "latticectl/buf.h"
#include "latticectl/util.h"
#include "sim.h"

#include "banned.h"

#define API_TIMEOUT_MS 10000
#define MAX_TEMPLATE (1 << 20)

struct sim_apps {
	pthread_t thread;
	natsConnection *nc;
	char *main_tpl;
	char *fault_tpl[8];
	bool running;
};

static char *
slurp(const char *path)
{
	struct lt_buf b = LT_BUF_INIT;
	char tmp[8192];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "latticesim: cannot open '%s': %s\n", path,
		    strerror(errno));
		return NULL;
	}
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0 && b.len < MAX_TEMPLATE)
		lt_buf_add(&b, tmp, n);
	fclose(f);
	return lt_buf_detach(&b);
}

/* The template with {{app}}, {{version}} and {{tag}} replaced. */
static char *
render(const char *tpl, const char *app, int version)
{
	static const char *const keys[] = { "{{app}}", "{{version}}",
	    "{{tag}}" };
	struct lt_buf b = LT_BUF_INIT;
	char ver[32], tag[32];
	const char *vals[3] = { app, ver, tag };
	const char *p = tpl;
	size_t k;

	snprintf(ver, sizeof(ver), "v0.0.%d", version);
	snprintf(tag, sizeof(tag), "0.0.%d", version);
	while (*p) {
		for (k = 0; k < LT_ARRAY_SIZE(keys); k++)
			if (lt_str_has_prefix(p, keys[k]))
				break;
		if (k < LT_ARRAY_SIZE(keys)) {
			lt_buf_adds(&b, vals[k]);
			p += strlen(keys[k]);
		} else {
			lt_buf_addch(&b, *p++);
		}
	}
	return lt_buf_detach(&b);
}

/* One wadm API request; true when the reply's result is one of ok. */
static bool
api(struct sim *s, const char *op, const char *app, const char *body,
    const char *ok1, const char *ok2)
{
	char *subj = app ? lt_xasprintf("wadm.api.%s.model.%s.%s",
	    s->o.lattice, op, app) : lt_xasprintf("wadm.api.%s.model.%s",
	    s->o.lattice, op);
	natsMsg *reply = NULL;
	cJSON *r = NULL;
	const char *res = NULL;
	bool good;

	if (natsConnection_RequestString(&reply, s->apps->nc, subj, body,
	    API_TIMEOUT_MS) == NATS_OK && (r = sim_parse(reply)) != NULL)
		res = sim_str(r, "result");
	good = res != NULL && (!strcmp(res, ok1) || !strcmp(res, ok2));
	if (!good)
		sim_log("apps: %s %s failed: %s", op, app ? app : "",
		    r && sim_str(r, "message") ? sim_str(r, "message") :
		    "no reply");
	cJSON_Delete(r);
	natsMsg_Destroy(reply);
	free(subj);
	return good;
}

/* Put and deploy version `version` of every app. */
static int
deploy_all(struct sim *s, int version)
{
	int i, n = 0;

	for (i = 0; i < s->o.napps && !s->stop; i++) {
		const char *tpl = i < s->o.nfault_templates ?
		    s->apps->fault_tpl[i] : s->apps->main_tpl;
		char app[32], *doc;

		snprintf(app, sizeof(app), "app-%03d", i);
		doc = render(tpl, app, version);
		if (api(s, "put", NULL, doc, "created", "newversion") &&
		    api(s, "deploy", app, "", "acknowledged", "acknowledged")) {
			n++;
			sim_log("apps: %s v0.0.%d deployed from %s", app,
			    version, i < s->o.nfault_templates ?
			    s->o.fault_templates[i] : s->o.app_template);
		}
		free(doc);
	}
	return n;
}

static void *
driver(void *arg)
{
	struct sim *s = arg;
	int64_t until;
	int n;

	n = deploy_all(s, 1);
	sim_log("apps: %d of %d app(s) deployed, %d from a fault template", n,
	    s->o.napps, s->o.nfault_templates);
	if (s->o.upgrade_after_ns < 0)
		return NULL;
	until = lt_mono_ns() + s->o.upgrade_after_ns;
	while (!s->stop && lt_mono_ns() < until) {	/* the schedule */
		struct timespec ts = { 0, 20000000 };

		nanosleep(&ts, NULL);
	}
	if (s->stop)
		return NULL;
	n = deploy_all(s, 2);
	sim_log("apps: %d of %d app(s) upgraded to v0.0.2", n, s->o.napps);
	return NULL;
}

int
sim_apps_start(struct sim *s)
{
	struct sim_apps *a = lt_xcalloc(1, sizeof(*a));
	natsOptions *opts = NULL;
	natsStatus st;
	int i;

	s->apps = a;
	if ((a->main_tpl = slurp(s->o.app_template)) == NULL)
		return -1;
	for (i = 0; i < s->o.nfault_templates; i++)
		if ((a->fault_tpl[i] = slurp(s->o.fault_templates[i])) == NULL)
			return -1;
	st = natsOptions_Create(&opts);
	if (st == NATS_OK)
		st = natsOptions_SetURL(opts, s->o.url);
	if (st == NATS_OK)
		st = natsOptions_SetName(opts, "latticesim apps");
	if (st == NATS_OK)
		st = natsConnection_Connect(&a->nc, opts);
	natsOptions_Destroy(opts);
	if (st != NATS_OK || pthread_create(&a->thread, NULL, driver, s)) {
		fprintf(stderr, "latticesim: cannot start the app driver\n");
		return -1;
	}
	a->running = true;
	return 0;
}

void
sim_apps_stop(struct sim *s)
{
	struct sim_apps *a = s->apps;
	int i;

	if (a == NULL)
		return;
	if (a->running)
		pthread_join(a->thread, NULL);
	natsConnection_Destroy(a->nc);
	free(a->main_tpl);
	for (i = 0; i < s->o.nfault_templates; i++)
		free(a->fault_tpl[i]);
	free(a);
	s->apps = NULL;
}
