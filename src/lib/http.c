/* http.c: GET with a deadline and a body cap over libcurl. */
#include <curl/curl.h>
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

static void
init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
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
		    curl_easy_strerror(rc));
	default:
		return lt_error_set(err, LT_E_CONNECT, "'%s': %s", url,
		    curl_easy_strerror(rc));
	}
}

int
lt_http_get(const char *url, int64_t timeout_ns, size_t max_body,
    struct lt_http_result *res, struct lt_error *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct sink sink = { res, max_body };
	char *ctype = NULL;
	CURLcode rc;
	CURL *h;
	int64_t t0 = lt_mono_ns();

	memset(res, 0, sizeof(*res));
	pthread_once(&once, init_once);
	h = curl_easy_init();
	if (h == NULL)
		return lt_error_set(err, LT_E_RUNTIME, "cannot start libcurl");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(timeout_ns / 1000000));
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "latticectl/" LT_VERSION);
	rc = curl_easy_perform(h);
	res->total_ns = lt_mono_ns() - t0;
	if (rc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &res->status);
		if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ctype) == CURLE_OK &&
		    ctype)
			snprintf(res->content_type, sizeof(res->content_type), "%s",
			    ctype);
	}
	curl_easy_cleanup(h);
	if (res->body.buf == NULL)
		lt_buf_add(&res->body, "", 0);
	if (rc != CURLE_OK)
		return curl_error(rc, url, err);
	return 0;
}

void
lt_http_result_release(struct lt_http_result *res)
{
	lt_buf_release(&res->body);
}
