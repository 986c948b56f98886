/* sim-http.c: serve each running HTTP component (the target of a
 * wasi:http incoming-handler link, or every component with --http) on its
 * own 127.0.0.1 port, answering "Hello, <greeting or name>" from the
 * component's configs as they are now in CONFIGDATA (a purged config
 * reads as an empty map, as the host's watcher does). One thread polls all
 * listeners; sockets are only opened and closed on that thread's terms. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "latticectl/buf.h"
#include "latticectl/util.h"
#include "sim.h"

#include "banned.h"

#define MAX_SERVERS 256

struct server {
	int host;
	char *comp_id;
	int fd;
	int port;
	bool dead;
};

struct sim_http {
	pthread_t thread;
	struct server servers[MAX_SERVERS];
	int n;
	volatile bool quit;
};

static int
listen_loopback(int *port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

static struct server *
find_server(struct sim_http *hs, int host, const char *id)
{
	int i;

	for (i = 0; i < hs->n; i++)
		if (!hs->servers[i].dead && hs->servers[i].host == host &&
		    !strcmp(hs->servers[i].comp_id, id))
			return &hs->servers[i];
	return NULL;
}

/* A closed slot to reuse, or a new one; NULL when full. */
static struct server *
free_slot(struct sim_http *hs)
{
	int i;

	for (i = 0; i < hs->n; i++)
		if (hs->servers[i].dead && hs->servers[i].fd < 0) {
			free(hs->servers[i].comp_id);
			hs->servers[i].comp_id = NULL;
			return &hs->servers[i];
		}
	return hs->n < MAX_SERVERS ? &hs->servers[hs->n++] : NULL;
}

static void
sync_host(struct sim *s, struct sim_http *hs, int k)
{
	struct sim_host *h = &s->hosts[k];
	size_t i;

	for (i = 0; i < h->ncomps; i++) {
		struct sim_comp *c = &h->comps[i];
		struct server *sv = find_server(hs, k, c->id);
		bool want = !h->stopped && (s->o.http_all ||
		    sim_comp_has_http_link(s, c->id));

		if (want && sv == NULL && (sv = free_slot(hs)) != NULL) {
			sv->host = k;
			sv->comp_id = lt_xstrdup(c->id);
			sv->dead = (sv->fd = listen_loopback(&sv->port)) < 0;
			if (sv->dead) {
				sv = NULL;
				continue;
			}
			sim_log("http %s on host %.8s at 127.0.0.1:%d", c->id,
			    h->id, sv->port);
		} else if (!want && sv != NULL) {
			sv->dead = true;
			sv = NULL;
		}
		c->http_port = sv ? sv->port : 0;
	}
}

/* Reconcile listeners with running components. Call with sim.lock held. */
void
sim_http_sync(struct sim *s)
{
	struct sim_http *hs = s->http;
	int i, k;

	if (hs == NULL)
		return;
	for (i = 0; i < hs->n; i++) {
		struct server *sv = &hs->servers[i];
		struct sim_host *h = &s->hosts[sv->host];
		size_t j;
		bool running = false;

		for (j = 0; !h->stopped && j < h->ncomps; j++)
			running = running || !strcmp(h->comps[j].id,
			    sv->comp_id);
		if (!running)
			sv->dead = true;
	}
	for (k = 0; k < s->nhosts; k++)
		sync_host(s, hs, k);
}

/* "Hello, <greeting|name>" from the component's configs, later wins. */
static char *
greeting(struct sim *s, char **names, size_t n)
{
	char *value = lt_xstrdup(""), *r;
	size_t i;

	for (i = 0; i < n; i++) {
		bool found;
		cJSON *m = sim_config_lookup(s, names[i], &found);
		const char *g = sim_str(m, "greeting");

		if (g == NULL)
			g = sim_str(m, "name");
		if (g != NULL) {
			free(value);
			value = lt_xstrdup(g);
		}
		cJSON_Delete(m);
	}
	r = lt_xasprintf("Hello, %s", value);
	free(value);
	return r;
}

static char **
comp_configs(struct sim *s, int host, const char *id, size_t *n)
{
	struct sim_host *h = &s->hosts[host];
	char **v = NULL;
	size_t i, j;

	*n = 0;
	for (i = 0; i < h->ncomps; i++) {
		if (strcmp(h->comps[i].id, id))
			continue;
		v = lt_xcalloc(h->comps[i].nconfigs + 1, sizeof(char *));
		for (j = 0; j < h->comps[i].nconfigs; j++)
			v[j] = lt_xstrdup(h->comps[i].configs[j]);
		*n = h->comps[i].nconfigs;
	}
	return v;
}

static void
serve(struct sim *s, int fd, int host, const char *id)
{
	struct timeval tv = { 1, 0 };
	char req[4096], *body;
	struct lt_buf out = LT_BUF_INIT;
	char **names;
	size_t n;
	ssize_t got;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	got = recv(fd, req, sizeof(req) - 1, 0);
	(void)got;
	pthread_mutex_lock(&s->lock);
	names = comp_configs(s, host, id, &n);
	pthread_mutex_unlock(&s->lock);
	body = greeting(s, names, n);
	sim_strv_free(names, n);
	lt_buf_addf(&out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
	    strlen(body), body);
	if (send(fd, out.buf, out.len, MSG_NOSIGNAL) < 0)
		sim_log("http %s: send: %s", id, strerror(errno));
	sim_log("http %s answered '%s'", id, body);
	free(body);
	lt_buf_release(&out);
	close(fd);
}

/* Close dead listeners, then build the poll set. Under sim.lock. */
static int
prepare(struct sim_http *hs, struct pollfd *pfd, int *idx)
{
	int i, n = 0;

	for (i = 0; i < hs->n; i++) {
		if (hs->servers[i].dead && hs->servers[i].fd >= 0) {
			close(hs->servers[i].fd);
			hs->servers[i].fd = -1;
		}
		if (hs->servers[i].fd < 0)
			continue;
		pfd[n].fd = hs->servers[i].fd;
		pfd[n].events = POLLIN;
		idx[n++] = i;
	}
	return n;
}

static void *
http_main(void *arg)
{
	struct sim *s = arg;
	struct sim_http *hs = s->http;
	struct pollfd pfd[MAX_SERVERS];
	int idx[MAX_SERVERS];

	while (!hs->quit) {
		int n, i;

		pthread_mutex_lock(&s->lock);
		n = prepare(hs, pfd, idx);
		pthread_mutex_unlock(&s->lock);
		if (poll(pfd, (nfds_t)n, 100) <= 0)
			continue;
		for (i = 0; i < n; i++) {
			int c;
			char *id;
			int host;

			if (!(pfd[i].revents & POLLIN))
				continue;
			if ((c = accept(pfd[i].fd, NULL, NULL)) < 0)
				continue;
			pthread_mutex_lock(&s->lock);
			id = lt_xstrdup(hs->servers[idx[i]].comp_id);
			host = hs->servers[idx[i]].host;
			pthread_mutex_unlock(&s->lock);
			serve(s, c, host, id);
			free(id);
		}
	}
	return NULL;
}

int
sim_http_start(struct sim *s)
{
	s->http = lt_xcalloc(1, sizeof(*s->http));
	if (pthread_create(&s->http->thread, NULL, http_main, s) != 0)
		return -1;
	return 0;
}

void
sim_http_stop(struct sim *s)
{
	int i;

	if (s->http == NULL)
		return;
	s->http->quit = true;
	pthread_join(s->http->thread, NULL);
	for (i = 0; i < s->http->n; i++) {
		if (s->http->servers[i].fd >= 0)
			close(s->http->servers[i].fd);
		free(s->http->servers[i].comp_id);
	}
	free(s->http);
	s->http = NULL;
}
