/* latticesim.c: a wasmCloud 1.x lattice simulator for tests and demos:
 * N hosts and (optionally) wadm over a real nats-server. Options, start-up,
 * the timer loop and clean shutdown. See README.md beside this file. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "latticectl/util.h"
#include "sim.h"

#include "banned.h"

static struct sim sim;

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		sim.usr1 = 1;
	else
		sim.stop = 1;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: latticesim -s URL [--lattice L] [--ctl-prefix P] "
	    "[--hosts N]\n"
	    "    [--wadm-mode 0.21|fixed] [--no-wadm] [--heartbeat DUR] "
	    "[--http]\n"
	    "    [--wadm-backoff DUR] [--events-max-age DUR]\n"
	    "    [--drop-replies P] [--reply-delay DUR] "
	    "[--garbage-events RATE]\n"
	    "    [--kill-host-after DUR] [--mute-inventory N] [--mute-ping N]\n"
	    "    [--rate N] [--duration DUR] [--event-size BYTES] "
	    "[--traceparent]\n"
	    "    [--wadm-stall-after DUR|usr1] [--stop-heartbeat-after "
	    "DUR|usr1]\n"
	    "    [--wadm-state-stale-after DUR|usr1]\n"
	    "    [--apps N --app-template FILE [--fault-template FILE]... "
	    "[--upgrade-after DUR]]\n");
}

static void
bad(const char *opt, const char *val)
{
	fprintf(stderr, "latticesim: invalid value '%s' for %s\n", val, opt);
	exit(2);
}

static int64_t
dur(const char *opt, const char *val)
{
	struct lt_error err = LT_ERROR_INIT;
	int64_t ns;

	if (lt_parse_duration(val, &ns, &err) < 0)
		bad(opt, val);
	return ns;
}

/* A fault's trigger: a delay from start, or "usr1" (fired by SIGUSR1). */
static int64_t
trigger(const char *opt, const char *val)
{
	return strcmp(val, "usr1") == 0 ? SIM_ON_USR1 : dur(opt, val);
}

static double
num(const char *opt, const char *val, double max)
{
	char *end;
	double d = strtod(val, &end);

	if (*val == '\0' || *end != '\0' || d < 0 || d > max)
		bad(opt, val);
	return d;
}

static const struct option longopts[] = {
	{ "server", required_argument, NULL, 's' },
	{ "lattice", required_argument, NULL, 'x' },
	{ "ctl-prefix", required_argument, NULL, 'P' },
	{ "hosts", required_argument, NULL, 'n' },
	{ "wadm-mode", required_argument, NULL, 'w' },
	{ "no-wadm", no_argument, NULL, 'W' },
	{ "heartbeat", required_argument, NULL, 'b' },
	{ "http", no_argument, NULL, 'H' },
	{ "wadm-backoff", required_argument, NULL, 'B' },
	{ "events-max-age", required_argument, NULL, 'A' },
	{ "drop-replies", required_argument, NULL, 'd' },
	{ "reply-delay", required_argument, NULL, 'D' },
	{ "garbage-events", required_argument, NULL, 'g' },
	{ "kill-host-after", required_argument, NULL, 'k' },
	{ "mute-inventory", required_argument, NULL, 'm' },
	{ "mute-ping", required_argument, NULL, 'p' },
	{ "rate", required_argument, NULL, 'r' },
	{ "duration", required_argument, NULL, 'u' },
	{ "event-size", required_argument, NULL, 'z' },
	{ "traceparent", no_argument, NULL, 'T' },
	{ "wadm-stall-after", required_argument, NULL, 'S' },
	{ "stop-heartbeat-after", required_argument, NULL, 'E' },
	{ "wadm-state-stale-after", required_argument, NULL, 'L' },
	{ "apps", required_argument, NULL, 'a' },
	{ "app-template", required_argument, NULL, 't' },
	{ "fault-template", required_argument, NULL, 'f' },
	{ "upgrade-after", required_argument, NULL, 'U' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void
parse_opt(struct sim_opts *o, int c, const char *v)
{
	switch (c) {
	case 's': o->url = v; break;
	case 'x': o->lattice = v; break;
	case 'P': o->ctl_prefix = v; break;
	case 'n': o->nhosts = (int)num("--hosts", v, 256); break;
	case 'w':
		if (strcmp(v, "0.21") && strcmp(v, "fixed"))
			bad("--wadm-mode", v);
		o->fixed = !strcmp(v, "fixed");
		break;
	case 'W': o->no_wadm = true; break;
	case 'b': o->heartbeat_ns = dur("--heartbeat", v); break;
	case 'H': o->http_all = true; break;
	case 'B': o->backoff_ns = dur("--wadm-backoff", v); break;
	case 'A': o->events_max_age_ns = dur("--events-max-age", v); break;
	case 'd': o->drop_replies = num("--drop-replies", v, 1); break;
	case 'D': o->reply_delay_ns = dur("--reply-delay", v); break;
	case 'g': o->garbage_rate = num("--garbage-events", v, 1e6); break;
	case 'k': o->kill_after_ns = dur("--kill-host-after", v); break;
	case 'm': o->mute_inventory = (int)num("--mute-inventory", v, 64); break;
	case 'p': o->mute_ping = (int)num("--mute-ping", v, 64); break;
	case 'r': o->rate = num("--rate", v, 1e9); o->load = true; break;
	case 'u': o->duration_ns = dur("--duration", v); break;
	case 'z': o->event_size = (int)num("--event-size", v, 1 << 20); break;
	case 'T': o->traceparent = true; break;
	case 'S': o->wadm_stall_ns = trigger("--wadm-stall-after", v); break;
	case 'E': o->hb_stop_ns = trigger("--stop-heartbeat-after", v); break;
	case 'L':
		o->state_stale_ns = trigger("--wadm-state-stale-after", v);
		break;
	case 'a': o->napps = (int)num("--apps", v, 1000); break;
	case 't': o->app_template = v; break;
	case 'f':
		if (o->nfault_templates == (int)LT_ARRAY_SIZE(o->fault_templates))
			bad("--fault-template", v);
		o->fault_templates[o->nfault_templates++] = v;
		break;
	case 'U': o->upgrade_after_ns = dur("--upgrade-after", v); break;
	case 'h': usage(stdout); exit(0);
	default: usage(stderr); exit(2);
	}
}

static void
parse_args(struct sim_opts *o, int argc, char **argv)
{
	int c;

	*o = (struct sim_opts){ .url = getenv("NATS_URL"),
	    .lattice = "default", .ctl_prefix = "wasmbus.ctl", .nhosts = 1,
	    .heartbeat_ns = 30000000000LL, .backoff_ns = 5000000000LL,
	    .events_max_age_ns = 70000000000LL, .duration_ns = 0,
	    .event_size = 0, .wadm_stall_ns = -1, .hb_stop_ns = -1,
	    .state_stale_ns = -1, .upgrade_after_ns = -1 };
	while ((c = getopt_long(argc, argv, "s:x:hn:", longopts, NULL)) != -1)
		parse_opt(o, c, optarg);
	if (o->duration_ns > 0)
		o->load = true;
	/* --hosts 0: wadm alone, in its own process (it can then be killed
	 * apart from the hosts); the host faults and load need a host */
	if (optind < argc || o->heartbeat_ns <= 0 || o->nhosts < (o->no_wadm ||
	    o->load || o->kill_after_ns > 0 || o->garbage_rate > 0 ||
	    o->hb_stop_ns >= 0 ? 1 : 0) || (o->napps > 0) !=
	    (o->app_template != NULL) || o->nfault_templates > o->napps ||
	    (o->napps > 0 && o->no_wadm)) {
		usage(stderr);
		exit(2);
	}
	if (o->url == NULL)
		o->url = "nats://127.0.0.1:4222";
}

static int
connect_main(struct sim *s)
{
	natsOptions *opts = NULL;
	natsStatus st = natsOptions_Create(&opts);

	if (st == NATS_OK)
		st = natsOptions_SetURL(opts, s->o.url);
	if (st == NATS_OK)
		st = natsOptions_SetName(opts, "latticesim wadm");
	if (st == NATS_OK)
		st = natsConnection_Connect(&s->nc, opts);
	natsOptions_Destroy(opts);
	if (st == NATS_OK)
		st = natsConnection_JetStream(&s->js, s->nc, NULL);
	if (st != NATS_OK) {
		fprintf(stderr, "latticesim: cannot connect to '%s': %s\n",
		    s->o.url, natsStatus_GetText(st));
		return -1;
	}
	return 0;
}

static void
kill_host(struct sim *s)
{
	struct sim_host *h = &s->hosts[s->nhosts - 1];

	sim_log("fault: killing host %s (no host_stopped)", h->id);
	pthread_mutex_lock(&s->lock);
	sim_host_stop(h, false);
	pthread_mutex_unlock(&s->lock);
	natsConnection_Close(h->nc);
}

/* Whether a fault set to fire at `at` (-1 off, SIM_ON_USR1) is due. */
static bool
due(const struct sim *s, int64_t at, int64_t now)
{
	if (at < 0)
		return false;
	return at == SIM_ON_USR1 ? s->usr1 != 0 : now - s->start_ns >= at;
}

static void
fire_faults(struct sim *s, int64_t now)
{
	struct sim_host *h = s->nhosts > 0 ? &s->hosts[s->nhosts - 1] : NULL;

	if (!s->wadm_stalled && s->wadm && due(s, s->o.wadm_stall_ns, now)) {
		sim_log("fault: wadm stalled: it answers its API, sends no "
		    "command, status, query or wadm_state write");
		s->wadm_stalled = true;
	}
	if (!s->state_stale && s->wadm && due(s, s->o.state_stale_ns, now)) {
		sim_log("fault: wadm stops writing wadm_state");
		s->state_stale = true;
	}
	if (h != NULL && !h->mute_heartbeat && due(s, s->o.hb_stop_ns, now)) {
		pthread_mutex_lock(&s->lock);
		h->mute_heartbeat = true;
		pthread_mutex_unlock(&s->lock);
		sim_log("fault: host %s stops heartbeating (stays connected)",
		    h->id);
	}
}

static void
loop(struct sim *s)
{
	int64_t start = s->start_ns;
	bool killed = false;
	int k;

	while (!s->stop) {
		struct timespec ts = { 0, 20000000 };
		int64_t now = lt_mono_ns();
		bool all_stopped = true;

		pthread_mutex_lock(&s->lock);
		for (k = 0; k < s->nhosts; k++) {
			sim_host_tick(&s->hosts[k], now);
			all_stopped = all_stopped && s->hosts[k].stopped;
		}
		pthread_mutex_unlock(&s->lock);
		if (s->o.kill_after_ns > 0 && !killed &&
		    now - start >= s->o.kill_after_ns) {
			kill_host(s);
			killed = true;
		}
		fire_faults(s, now);
		sim_garbage_tick(s, now);
		sim_wadm_tick(s, now);
		if (all_stopped && s->o.no_wadm)
			break;
		nanosleep(&ts, NULL);
	}
}

static void
shutdown_all(struct sim *s)
{
	int k;

	sim_apps_stop(s);
	sim_wadm_stop(s);
	pthread_mutex_lock(&s->lock);
	for (k = 0; k < s->nhosts; k++)
		sim_host_stop(&s->hosts[k], true);
	pthread_mutex_unlock(&s->lock);
	sim_http_stop(s);
	for (k = 0; k < s->nhosts; k++)
		natsConnection_Destroy(s->hosts[k].nc);
	kvStore_Destroy(s->configdata);
	jsCtx_Destroy(s->js);
	natsConnection_Destroy(s->nc);
	sim_log("bye");
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	int k, rc = 0;

	parse_args(&sim.o, argc, argv);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sim.start_ns = lt_mono_ns();
	pthread_mutex_init(&sim.lock, NULL);
	sim.prefix = lt_xasprintf("%s.v1.%s", sim.o.ctl_prefix, sim.o.lattice);
	if (connect_main(&sim) < 0 || sim_kv_open(&sim) < 0)
		return 3;
	sim.hosts = lt_xcalloc((size_t)sim.o.nhosts, sizeof(*sim.hosts));
	sim.nhosts = sim.o.nhosts;
	if (sim_http_start(&sim) < 0)
		return 6;
	if (!sim.o.no_wadm && sim_wadm_start(&sim) < 0)
		return 6;
	for (k = 0; k < sim.nhosts; k++)
		if (sim_host_start(&sim, &sim.hosts[k], k) < 0)
			return 3;
	sim_log("ready: %d host(s), lattice %s, wadm %s", sim.nhosts,
	    sim.o.lattice, sim.o.no_wadm ? "off" : sim.o.fixed ? "fixed" :
	    "0.21");
	if (sim.o.napps > 0 && sim_apps_start(&sim) < 0)
		return 6;
	if (sim.o.load)
		rc = sim_load_run(&sim);
	else
		loop(&sim);
	shutdown_all(&sim);
	free(sim.prefix);
	nats_Close();
	return rc;
}
