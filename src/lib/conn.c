/* conn.c: connecting with the resolved settings, reconnect with backoff,
 * connection events as feed items, and the server's INFO. */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conn-priv.h"
#include "latticectl/buf.h"
#include "latticectl/json.h"
#include "latticectl/nkey.h"
#include "latticectl/redact.h"
#include "latticectl/util.h"
#include "banned.h"

struct lt_conn {
	natsConnection *nc;
	jsCtx *js;
	const struct lt_config *cfg;
	pthread_mutex_t mu;
	pthread_cond_t closed_cv;	/* the closed callback has run */
	int closed;
	struct lt_feed *feed;
	struct lt_server_info info;
	char url[256];			/* the server connected to last */
	int64_t timeout_ns;
};

/* nats.c's last error text for this thread without its "(file.c:line): "
 * prefix, or NULL. */
static const char *
last_error_text(void)
{
	const char *last = nats_GetLastError(NULL);

	if (last && last[0] == '(' && strstr(last, "): "))
		last = strstr(last, "): ") + 3;
	return last;
}

int
lt_error_nats(struct lt_error *err, natsStatus s, const char *fmt, ...)
{
	const char *last = last_error_text();
	enum lt_status code = LT_E_RUNTIME;
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (s == NATS_TIMEOUT || s == NATS_NO_RESPONDERS)
		code = LT_E_TIMEOUT;
	else if (s == NATS_NO_SERVER || s == NATS_CONNECTION_CLOSED ||
	    s == NATS_NOT_PERMITTED || s == NATS_CONNECTION_AUTH_FAILED ||
	    s == NATS_SSL_ERROR || s == NATS_IO_ERROR ||
	    s == NATS_NOT_YET_CONNECTED || s == NATS_CONNECTION_DISCONNECTED)
		code = LT_E_CONNECT;
	if (s == NATS_NO_RESPONDERS)
		return lt_error_set(err, code, "%s: no responders", what);
	if (last && *last && strcmp(last, natsStatus_GetText(s)))
		return lt_error_set(err, code, "%s: %s (%s)", what,
		    natsStatus_GetText(s), last);
	return lt_error_set(err, code, "%s: %s", what, natsStatus_GetText(s));
}

/* Remove user:password@ from the first quoted server list in err->msg.
 * Returns -1. */
static int
redact_quoted_urls(struct lt_error *err)
{
	char *q = strchr(err->msg, '\''), *end = q ? strchr(q + 1, '\'') : NULL;
	char tail[sizeof(err->msg)];
	size_t used;

	if (end == NULL)
		return -1;
	snprintf(tail, sizeof(tail), "%s", end);
	*end = '\0';
	lt_redact_url(q + 1);
	used = strlen(err->msg);
	snprintf(err->msg + used, sizeof(err->msg) - used, "%s", tail);
	return -1;
}

static void
push_event(struct lt_conn *c, enum lt_item_kind kind, const char *detail)
{
	struct lt_item it;

	memset(&it, 0, sizeof(it));
	it.kind = kind;
	it.t_ns = lt_now_ns();
	if (detail)
		snprintf(it.detail, sizeof(it.detail), "%s", detail);
	if (kind == LT_ITEM_DISCONNECTED || kind == LT_ITEM_RECONNECTED)
		lt_redact_url(it.detail);	/* a URL: no user:password@ */
	pthread_mutex_lock(&c->mu);
	if (c->feed)
		lt_feed_push(c->feed, &it);
	pthread_mutex_unlock(&c->mu);
}

/* Remember the server's URL (once disconnected, nats.c has none) and
 * copy it to url. */
static void
note_url(struct lt_conn *c, natsConnection *nc, char url[256])
{
	pthread_mutex_lock(&c->mu);
	if (nc)
		natsConnection_GetConnectedUrl(nc, c->url, sizeof(c->url));
	memcpy(url, c->url, sizeof(c->url));
	pthread_mutex_unlock(&c->mu);
}

static void
on_disconnected(natsConnection *nc, void *closure)
{
	char url[256];

	note_url(closure, NULL, url);
	push_event(closure, LT_ITEM_DISCONNECTED, url);
}

static void read_server_info(struct lt_conn *c);

static void
on_reconnected(natsConnection *nc, void *closure)
{
	char url[256];

	note_url(closure, nc, url);
	read_server_info(closure);
	push_event(closure, LT_ITEM_RECONNECTED, url);
}

static void
on_closed(natsConnection *nc, void *closure)
{
	struct lt_conn *c = closure;

	push_event(c, LT_ITEM_CLOSED, NULL);
	/* Last touch of c: lt_conn_close frees it once this is seen. */
	pthread_mutex_lock(&c->mu);
	c->closed = 1;
	pthread_cond_broadcast(&c->closed_cv);
	pthread_mutex_unlock(&c->mu);
}

/* Slow-consumer drops and every other asynchronous error (a refused
 * consumer re-creation, a permissions violation) reach the command as
 * feed items, never only as a silent stall. */
static void
on_error(natsConnection *nc, natsSubscription *sub, natsStatus s, void *closure)
{
	struct lt_conn *c = closure;
	struct lt_item it;

	memset(&it, 0, sizeof(it));
	it.t_ns = lt_now_ns();
	it.sub_id = -1;
	if (s == NATS_SLOW_CONSUMER) {
		it.kind = LT_ITEM_SLOW;
		snprintf(it.detail, sizeof(it.detail), "slow consumer");
	} else {
		/* (nats.c sets the last error for the handler's thread) */
		const char *last = last_error_text();

		it.kind = LT_ITEM_ERROR;
		snprintf(it.detail, sizeof(it.detail), "%s", last && *last ?
		    last : natsStatus_GetText(s));
	}
	pthread_mutex_lock(&c->mu);
	if (c->feed)
		lt_feed_push(c->feed, &it);
	pthread_mutex_unlock(&c->mu);
}

/* Back off 100ms, 200ms, ... up to 5s between reconnect attempts. */
static int64_t
reconnect_delay(natsConnection *nc, int attempts, void *closure)
{
	int64_t ms = 100;

	while (attempts-- > 1 && ms < 5000)
		ms *= 2;
	return ms > 5000 ? 5000 : ms;
}

static int
set_servers(natsOptions *o, const char *list, struct lt_error *err)
{
	char *copy = lt_xstrdup(list), *save = NULL, *tok;
	const char *urls[32];
	int n = 0;
	natsStatus s;

	for (tok = strtok_r(copy, ",", &save); tok && n < 32;
	    tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (*tok)
			urls[n++] = tok;
	}
	s = n ? natsOptions_SetServers(o, urls, n) : NATS_INVALID_ARG;
	free(copy);
	if (s != NATS_OK) {
		lt_error_set(err, LT_E_CONNECT, "invalid server URL '%s'", list);
		return redact_quoted_urls(err);
	}
	return 0;
}

static int
check_readable(const char *what, const char *path, struct lt_error *err)
{
	if (access(path, R_OK) != 0)
		return lt_error_set(err, LT_E_CONNECT, "%s file '%s': %s", what,
		    path, strerror(errno));
	return 0;
}

/* Creds and nkey files hold a private key: say so when others can read
 * them. */
static void
warn_open_secret(const char *what, const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && (st.st_mode & 077))
		fprintf(stderr, "latticectl: warning: %s file '%s' is "
		    "readable by others (mode %03o); chmod 600 it\n", what,
		    path, (unsigned)(st.st_mode & 0777));
}

/* --nkey: nats.c signs the server's nonce with the seed file but has to
 * be told the public key. */
static int
set_nkey(natsOptions *o, const char *path, struct lt_error *err)
{
	char pub[LT_NKEY_PUBLIC_LEN + 1];

	warn_open_secret("nkey", path);
	if (lt_nkey_public_from_file(path, pub, err) < 0)
		return -1;
	if (natsOptions_SetNKeyFromSeed(o, pub, path) != NATS_OK)
		return lt_error_set(err, LT_E_CONNECT, "nkey file '%s' is not "
		    "usable", path);
	return 0;
}

static int
set_auth(natsOptions *o, const struct lt_config *cfg, struct lt_error *err)
{
	const char *creds = lt_config_get(cfg, LT_S_CREDS);
	const char *nkey = lt_config_get(cfg, LT_S_NKEY);
	const char *user = lt_config_get(cfg, LT_S_USER);
	const char *token = lt_config_get(cfg, LT_S_TOKEN);
	const char *cert = lt_config_get(cfg, LT_S_TLSCERT);
	const char *key = lt_config_get(cfg, LT_S_TLSKEY);
	const char *ca = lt_config_get(cfg, LT_S_TLSCA);
	natsStatus s = NATS_OK;

	if (creds)
		warn_open_secret("creds", creds);
	if (creds && (check_readable("creds", creds, err) < 0 ||
	    natsOptions_SetUserCredentialsFromFiles(o, creds, NULL) != NATS_OK))
		return lt_error_set(err, LT_E_CONNECT, "creds file '%s' is not "
		    "usable", creds);
	if (nkey && set_nkey(o, nkey, err) < 0)
		return -1;
	if (user)
		s = natsOptions_SetUserInfo(o, user,
		    lt_config_get(cfg, LT_S_PASSWORD));
	if (s == NATS_OK && token)
		s = natsOptions_SetToken(o, token);
	if (ca && (check_readable("tlsca", ca, err) < 0 ||
	    natsOptions_LoadCATrustedCertificates(o, ca) != NATS_OK))
		return lt_error_set(err, LT_E_CONNECT, "TLS CA file '%s' is not "
		    "a usable PEM certificate", ca);
	if (cert && key && (check_readable("tlscert", cert, err) < 0 ||
	    check_readable("tlskey", key, err) < 0 ||
	    natsOptions_LoadCertificatesChain(o, cert, key) != NATS_OK))
		return lt_error_set(err, LT_E_CONNECT, "TLS certificate '%s' or "
		    "key '%s' is not usable", cert, key);
	if (s == NATS_OK && (ca || cert))
		s = natsOptions_SetSecure(o, true);
	if (s != NATS_OK)
		return lt_error_nats(err, s, "connection options");
	return 0;
}

const char *
lt_conn_inbox_prefix(struct lt_conn *c)
{
	const char *inbox = lt_config_get(c->cfg, LT_S_INBOX_PREFIX);

	return inbox && *inbox ? inbox : "_INBOX";
}

static int
build_options(struct lt_conn *c, natsOptions **out, const char *name,
    struct lt_error *err)
{
	const struct lt_config *cfg = c->cfg;
	const char *inbox = lt_config_get(cfg, LT_S_INBOX_PREFIX);
	char *conn_name = lt_xasprintf("latticectl/%s %s", LT_VERSION, name);
	int64_t ms = c->timeout_ns / 1000000;
	natsOptions *o = NULL;
	int rc = -1;

	if (natsOptions_Create(&o) != NATS_OK) {
		lt_error_set(err, LT_E_RUNTIME, "cannot create NATS options");
		goto out;
	}
	if (set_servers(o, lt_config_get(cfg, LT_S_SERVER), err) < 0 ||
	    set_auth(o, cfg, err) < 0)
		goto out;
	natsOptions_SetName(o, conn_name);
	natsOptions_SetTimeout(o, ms > 0 ? ms : 1);
	natsOptions_SetMaxReconnect(o, -1);
	natsOptions_SetCustomReconnectDelay(o, reconnect_delay, NULL);
	natsOptions_SetReconnectBufSize(o, 8 * 1024 * 1024);
	natsOptions_SetDisconnectedCB(o, on_disconnected, c);
	natsOptions_SetReconnectedCB(o, on_reconnected, c);
	natsOptions_SetClosedCB(o, on_closed, c);
	natsOptions_SetErrorHandler(o, on_error, c);
	natsOptions_UseGlobalMessageDelivery(o, true);
	if (inbox && strcmp(inbox, "_INBOX"))
		natsOptions_SetCustomInboxPrefix(o, inbox);
	*out = o;
	o = NULL;
	rc = 0;
out:
	natsOptions_Destroy(o);
	free(conn_name);
	return rc;
}

int
lt_conn_open(struct lt_conn **out, const struct lt_config *cfg,
    const char *name, struct lt_error *err)
{
	struct lt_conn *c = lt_xcalloc(1, sizeof(*c));
	natsOptions *o = NULL;
	char url[256];
	natsStatus s;

	*out = NULL;
	c->cfg = cfg;
	c->timeout_ns = cfg->timeout_ns;
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->closed_cv, NULL);
	/* One delivery thread: callbacks of all subscriptions run in order. */
	nats_SetMessageDeliveryPoolSize(1);
	if (build_options(c, &o, name, err) < 0)
		goto fail;
	s = natsConnection_Connect(&c->nc, o);
	natsOptions_Destroy(o);
	if (s != NATS_OK) {
		lt_error_nats(err, s, "cannot connect to '%s'",
		    lt_config_get(cfg, LT_S_SERVER));
		redact_quoted_urls(err);
		if (s == NATS_TIMEOUT)
			err->code = LT_E_TIMEOUT;
		else
			err->code = LT_E_CONNECT;
		goto fail;
	}
	note_url(c, c->nc, url);
	read_server_info(c);
	*out = c;
	return 0;
fail:
	pthread_cond_destroy(&c->closed_cv);
	pthread_mutex_destroy(&c->mu);
	free(c);
	return -1;
}

static void
wait_closed(struct lt_conn *c)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 5;
	pthread_mutex_lock(&c->mu);
	while (!c->closed &&
	    pthread_cond_timedwait(&c->closed_cv, &c->mu, &until) == 0)
		;
	pthread_mutex_unlock(&c->mu);
}

void
lt_conn_close(struct lt_conn *c)
{
	if (c == NULL)
		return;
	lt_conn_set_feed(c, NULL);
	jsCtx_Destroy(c->js);
	natsConnection_Close(c->nc);
	/* nats.c runs the closed callback later on its own thread; c must
	 * outlive it (found by ASan). */
	wait_closed(c);
	natsConnection_Destroy(c->nc);
	pthread_cond_destroy(&c->closed_cv);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

void
lt_conn_shutdown(void)
{
	nats_CloseAndWait(2000);
}

void
lt_conn_set_feed(struct lt_conn *c, struct lt_feed *feed)
{
	pthread_mutex_lock(&c->mu);
	c->feed = feed;
	pthread_mutex_unlock(&c->mu);
}

struct lt_feed *
lt_conn_feed(struct lt_conn *c)
{
	struct lt_feed *f;

	pthread_mutex_lock(&c->mu);
	f = c->feed;
	pthread_mutex_unlock(&c->mu);
	return f;
}

natsConnection *
lt_conn_nats(struct lt_conn *c)
{
	return c->nc;
}

jsCtx *
lt_conn_js(struct lt_conn *c, struct lt_error *err)
{
	jsOptions jo;
	natsStatus s;

	if (c->js)
		return c->js;
	jsOptions_Init(&jo);
	jo.Domain = lt_config_get(c->cfg, LT_S_JS_DOMAIN);
	jo.Wait = c->timeout_ns / 1000000;
	s = natsConnection_JetStream(&c->js, c->nc, &jo);
	if (s != NATS_OK) {
		lt_error_nats(err, s, "JetStream");
		return NULL;
	}
	return c->js;
}

const struct lt_server_info *
lt_conn_server(struct lt_conn *c)
{
	return &c->info;
}

const struct lt_config *
lt_conn_config(struct lt_conn *c)
{
	return c->cfg;
}

void
lt_conn_url(struct lt_conn *c, char *out, size_t outlen)
{
	out[0] = '\0';
	natsConnection_GetConnectedUrl(c->nc, out, outlen);
	lt_redact_url(out);
}

bool
lt_conn_is_up(struct lt_conn *c)
{
	return natsConnection_Status(c->nc) == NATS_CONN_STATUS_CONNECTED;
}

int
lt_conn_flush(struct lt_conn *c, struct lt_error *err)
{
	natsStatus s = natsConnection_FlushTimeout(c->nc,
	    c->timeout_ns / 1000000);

	if (s != NATS_OK)
		return lt_error_nats(err, s, "flush");
	return 0;
}

void
lt_conn_stats(struct lt_conn *c, uint64_t *in_msgs, uint64_t *in_bytes)
{
	natsStatistics *st = NULL;

	*in_msgs = *in_bytes = 0;
	if (natsStatistics_Create(&st) != NATS_OK)
		return;
	if (natsConnection_GetStats(c->nc, st) == NATS_OK)
		natsStatistics_GetCounts(st, in_msgs, in_bytes, NULL, NULL,
		    NULL);
	natsStatistics_Destroy(st);
}

/* Copy fields of the server's INFO JSON into info. */
static void
parse_info(struct lt_server_info *info, const char *json)
{
	cJSON *root = cJSON_Parse(json);
	const char *v;

	if (root == NULL)
		return;
	if ((v = cJSON_GetStringValue(cJSON_GetObjectItem(root, "server_id"))))
		snprintf(info->id, sizeof(info->id), "%s", v);
	if ((v = cJSON_GetStringValue(cJSON_GetObjectItem(root, "server_name"))))
		snprintf(info->name, sizeof(info->name), "%s", v);
	if ((v = cJSON_GetStringValue(cJSON_GetObjectItem(root, "version"))))
		snprintf(info->version, sizeof(info->version), "%s", v);
	info->jetstream = cJSON_IsTrue(cJSON_GetObjectItem(root, "jetstream"));
	info->headers = cJSON_IsTrue(cJSON_GetObjectItem(root, "headers"));
	/* (a double out of int64_t's range would be undefined to convert) */
	info->max_payload = 0;
	lt_json_int(cJSON_GetObjectItem(root, "max_payload"), 0, INT64_MAX,
	    &info->max_payload);
	cJSON_Delete(root);
}

static int
dial(const char *host, const char *port, int timeout_ms)
{
	struct addrinfo hints, *res = NULL, *ai;
	int fd = -1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		struct pollfd p;

		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		p.fd = fd;
		p.events = POLLOUT;
		if (errno != EINPROGRESS || poll(&p, 1, timeout_ms) != 1) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	return fd;
}

/* nats.c 3.4 does not expose the server's INFO, so read it from a short
 * second TCP connection: the server sends INFO first, in clear text. */
static void
read_server_info(struct lt_conn *c)
{
	char url[256] = "", host[200], port[16], line[8192];
	struct lt_server_info info;
	const char *p;
	size_t len = 0;
	int fd;

	natsConnection_GetConnectedUrl(c->nc, url, sizeof(url));
	memset(&info, 0, sizeof(info));
	p = lt_redact_url_host(url);	/* past a password with '@' */
	if (sscanf(p, "%199[^:]:%15[0-9]", host, port) != 2)
		return;
	fd = dial(host, port, 2000);
	if (fd < 0)
		return;
	while (len < sizeof(line) - 1) {
		struct pollfd pf = { fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&pf, 1, 2000) != 1)
			break;
		n = read(fd, line + len, sizeof(line) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		line[len] = '\0';
		if (strstr(line, "\r\n"))
			break;
	}
	close(fd);
	line[len] = '\0';
	if (lt_str_has_prefix(line, "INFO "))
		parse_info(&info, line + 5);
	if (info.id[0] == '\0')
		natsConnection_GetConnectedServerId(c->nc, info.id, sizeof(info.id));
	c->info = info;
}
