/* sig.c: a thread that waits for SIGINT/SIGTERM with sigwait, so signal
 * handling never runs inside nats.c or stdio; SIGPIPE is ignored. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <unistd.h>

#include "latticectl/feed.h"
#include "latticectl/sig.h"
#include "banned.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct lt_feed *wake_feed;
static atomic_int count;

static void *
sig_thread(void *arg)
{
	sigset_t *set = arg;

	for (;;) {
		int sig = 0;

		if (sigwait(set, &sig) != 0)
			continue;
		pthread_mutex_lock(&mu);
		if (atomic_fetch_add(&count, 1) >= 1 || wake_feed == NULL)
			_exit(130);
		lt_feed_wake(wake_feed);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

void
lt_sig_init(void)
{
	static sigset_t set;
	struct sigaction ign = { .sa_handler = SIG_IGN };
	pthread_t t;

	/* A reader that went away is a write error (EPIPE) each command ends
	 * on quietly, not a kill: nats.c ignores SIGPIPE once it starts, but
	 * show, report and the rest may never start it. */
	sigaction(SIGPIPE, &ign, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (pthread_create(&t, NULL, sig_thread, &set) == 0)
		pthread_detach(t);
}

void
lt_sig_set_feed(struct lt_feed *feed)
{
	pthread_mutex_lock(&mu);
	wake_feed = feed;
	pthread_mutex_unlock(&mu);
}

int
lt_sig_count(void)
{
	return atomic_load(&count);
}

void
lt_sig_reset(void)
{
	atomic_store(&count, 0);
}
