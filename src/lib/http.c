/* http.c: GET and POST with a deadline and a body cap over libcurl,
 * which is loaded on first use: with its TLS, Kerberos and LDAP libraries
 * it costs every command about 4 MiB and 3 ms at start, and only replay's
 * probe, doctor's monitor check and the OTLP export need it. */
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "latticectl/http.h"
#include "latticectl/util.h"
#include "banned.h"

struct sink {
	struct lt_http_result *res;
	size_t max;
};

static size_t
on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct sink *s = ud;
	size_t n = size * nmemb, room = s->max - s->res->body.len;

	if (n > room) {
		s->res->truncated = 1;
		n = room;
	}
	lt_buf_add(&s->res->body, data, n);
	return size * nmemb;
}

/* The libcurl functions we call, from dlsym. */
static struct {
	CURLcode (*global_init)(long);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_cleanup)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
} curl;
static char load_error[256];	/* why it could not be loaded */

static bool
load_sym(void *lib, const char *name, void *fn, size_t size)
{
	void *p = dlsym(lib, name);

	if (p == NULL) {
		snprintf(load_error, sizeof(load_error), "%s", dlerror());
		return false;
	}
	memcpy(fn, &p, size);	/* a function pointer from a void * */
	return true;
}

#define LOAD(lib, field, name) \
	load_sym(lib, name, &curl.field, sizeof(curl.field))

static void
init_once(void)
{
	static const char *const names[] = { "libcurl.so.4",
	    "libcurl-gnutls.so.4", "libcurl.so", NULL };
	void *lib = NULL;
	int i;

	for (i = 0; names[i] && lib == NULL; i++)
		lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (lib == NULL) {
		snprintf(load_error, sizeof(load_error), "%s", dlerror());
		return;
	}
	if (LOAD(lib, global_init, "curl_global_init") &&
	    LOAD(lib, easy_init, "curl_easy_init") &&
	    LOAD(lib, easy_setopt, "curl_easy_setopt") &&
	    LOAD(lib, easy_perform, "curl_easy_perform") &&
	    LOAD(lib, easy_getinfo, "curl_easy_getinfo") &&
	    LOAD(lib, easy_cleanup, "curl_easy_cleanup") &&
	    LOAD(lib, easy_strerror, "curl_easy_strerror") &&
	    LOAD(lib, slist_append, "curl_slist_append") &&
	    LOAD(lib, slist_free_all, "curl_slist_free_all")) {
		curl.global_init(CURL_GLOBAL_DEFAULT);
		return;
	}
	curl.global_init = NULL;	/* unusable */
	dlclose(lib);
}

static int
curl_error(CURLcode rc, const char *url, struct lt_error *err)
{
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return lt_error_set(err, LT_E_TIMEOUT, "'%s': timed out", url);
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return lt_error_set(err, LT_E_USAGE, "'%s': bad URL (%s)", url,
		    curl.easy_strerror(rc));
	default:
		return lt_error_set(err, LT_E_CONNECT, "'%s': %s", url,
		    curl.easy_strerror(rc));
	}
}

/* One request: a GET, or a POST of post (with its headers) when set. */
static int
perform(const char *url, const struct lt_http_post *post, int64_t timeout_ns,
    size_t max_body, struct lt_http_result *res, struct lt_error *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct sink sink = { res, max_body };
	struct curl_slist *hdrs = NULL;
	char *ctype = NULL;
	curl_off_t retry = -1;
	CURLcode rc;
	CURL *h;
	int64_t t0 = lt_mono_ns();
	size_t i;

	memset(res, 0, sizeof(*res));
	pthread_once(&once, init_once);
	if (curl.global_init == NULL)
		return lt_error_set(err, LT_E_RUNTIME, "cannot load libcurl for "
		    "HTTP: %s", load_error);
	h = curl.easy_init();
	if (h == NULL)
		return lt_error_set(err, LT_E_RUNTIME, "cannot start libcurl");
	curl.easy_setopt(h, CURLOPT_URL, url);
	curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(timeout_ns / 1000000));
	curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl.easy_setopt(h, CURLOPT_WRITEDATA, &sink);
	curl.easy_setopt(h, CURLOPT_USERAGENT, "latticectl/" LT_VERSION);
	if (post) {
		for (i = 0; post->headers && post->headers[i]; i++)
			hdrs = curl.slist_append(hdrs, post->headers[i]);
		hdrs = curl.slist_append(hdrs, "Expect:");
		curl.easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
		curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)post->len);
		curl.easy_setopt(h, CURLOPT_POSTFIELDS, post->body);
	}
	rc = curl.easy_perform(h);
	res->total_ns = lt_mono_ns() - t0;
	if (rc == CURLE_OK) {
		curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &res->status);
		if (curl.easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ctype) == CURLE_OK &&
		    ctype)
			snprintf(res->content_type, sizeof(res->content_type), "%s",
			    ctype);
		if (curl.easy_getinfo(h, CURLINFO_RETRY_AFTER, &retry) ==
		    CURLE_OK && retry > 0)
			res->retry_after_s = (int64_t)retry;
	}
	curl.easy_cleanup(h);
	curl.slist_free_all(hdrs);
	if (res->body.buf == NULL)
		lt_buf_add(&res->body, "", 0);
	if (rc != CURLE_OK)
		return curl_error(rc, url, err);
	return 0;
}

int
lt_http_get(const char *url, int64_t timeout_ns, size_t max_body,
    struct lt_http_result *res, struct lt_error *err)
{
	return perform(url, NULL, timeout_ns, max_body, res, err);
}

int
lt_http_post(const char *url, const struct lt_http_post *post,
    int64_t timeout_ns, size_t max_body, struct lt_http_result *res,
    struct lt_error *err)
{
	return perform(url, post, timeout_ns, max_body, res, err);
}

void
lt_http_result_release(struct lt_http_result *res)
{
	lt_buf_release(&res->body);
}
