/* util.c: allocation, option value parsers, time and string helpers. */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "latticectl/util.h"
#include "banned.h"

static void
oom(size_t n)
{
	fprintf(stderr, "latticectl: out of memory (%zu bytes)\n", n);
	abort();
}

void *
lt_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

void *
lt_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom(n * size);
	return p;
}

void *
lt_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom(n);
	return q;
}

char *
lt_xstrdup(const char *s)
{
	return lt_xstrndup(s, strlen(s));
}

char *
lt_xstrndup(const char *s, size_t n)
{
	char *p = lt_xmalloc(n + 1);

	if (n > 0)	/* s may be NULL when n is 0 */
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
lt_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom(0);
	p = lt_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

static const struct {
	const char *unit;
	int64_t ns;
} units[] = {
	{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000LL },
	{ "m", 60000000000LL }, { "h", 3600000000000LL }, { "d", 86400000000000LL },
};

static int64_t
unit_ns(const char *u, size_t len)
{
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(units); i++)
		if (strlen(units[i].unit) == len && !strncmp(units[i].unit, u, len))
			return units[i].ns;
	return -1;
}

int
lt_parse_duration(const char *s, int64_t *ns, struct lt_error *err)
{
	const char *p = s;
	double total = 0;

	if (s == NULL || *s == '\0')
		return lt_error_set(err, LT_E_USAGE, "empty duration");
	while (*p) {
		char *end;
		double v;
		size_t ulen = 0;
		int64_t mult;

		errno = 0;
		v = strtod(p, &end);
		/* digits only: strtod also reads nan, inf, 0x10 and -1 */
		if (end == p || errno || !(v >= 0) ||
		    (!isdigit((unsigned char)*p) && *p != '.') ||
		    memchr(p, 'x', (size_t)(end - p)) ||
		    memchr(p, 'X', (size_t)(end - p)))
			goto bad;
		while (isalpha((unsigned char)end[ulen]))
			ulen++;
		if (ulen == 0 && end[0] == '\0' && p == s)
			mult = 1000000000LL;	/* bare number: seconds */
		else if ((mult = unit_ns(end, ulen)) < 0)
			goto bad;
		total += v * (double)mult;
		p = end + ulen;
	}
	if (!(total <= 9.2e18))
		goto bad;
	*ns = (int64_t)total;
	return 0;
bad:
	return lt_error_set(err, LT_E_USAGE,
	    "invalid duration '%s' (use e.g. 500ms, 10s, 5m, 1h)", s);
}

int
lt_parse_uint(const char *s, uint64_t max, uint64_t *out, struct lt_error *err)
{
	char *end;
	unsigned long long v;

	if (s == NULL || !isdigit((unsigned char)*s))
		return lt_error_set(err, LT_E_USAGE, "invalid number '%s'",
		    s ? s : "");
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end != '\0' || v > max)
		return lt_error_set(err, LT_E_USAGE,
		    "invalid number '%s' (0 to %llu)", s,
		    (unsigned long long)max);
	*out = v;
	return 0;
}

int
lt_parse_enum(const char *s, const char *const *choices, const char *what,
    struct lt_error *err)
{
	char list[512];
	size_t used = 0;
	int i;

	for (i = 0; choices[i]; i++)
		if (!strcmp(s, choices[i]))
			return i;
	list[0] = '\0';
	for (i = 0; choices[i] && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used,
		    "%s%s", i ? ", " : "", choices[i]);
	lt_error_set(err, LT_E_USAGE, "invalid %s '%s' (choose one of: %s)",
	    what, s, list);
	return -1;
}

void
lt_duration_format(int64_t ns, char *out, size_t outlen)
{
	int64_t ms = ns / 1000000;

	if (ns < 1000000)
		snprintf(out, outlen, "%lldus", (long long)(ns / 1000));
	else if (ms < 1000)
		snprintf(out, outlen, "%lldms", (long long)ms);
	else if (ms < 60000)
		snprintf(out, outlen, "%.1fs", (double)ms / 1000.0);
	else if (ms < 3600000)
		snprintf(out, outlen, "%lldm%02llds", (long long)(ms / 60000),
		    (long long)(ms / 1000 % 60));
	else if (ms < 86400000)
		snprintf(out, outlen, "%lldh%02lldm", (long long)(ms / 3600000),
		    (long long)(ms / 60000 % 60));
	else
		snprintf(out, outlen, "%lldd%02lldh", (long long)(ms / 86400000),
		    (long long)(ms / 3600000 % 24));
}

int64_t
lt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t
lt_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void
lt_time_format(int64_t ns, char *out, size_t outlen)
{
	/* Records come many per second: the date part is kept per thread. */
	static _Thread_local time_t last = -1;
	static _Thread_local char date[32];
	static _Thread_local size_t date_len;
	time_t secs = (time_t)(ns / 1000000000LL);
	long long frac = ns % 1000000000LL;
	struct tm tm;
	int i;

	if (secs != last) {
		gmtime_r(&secs, &tm);
		date_len = strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
		last = secs;
	}
	if (outlen < date_len + 12 || frac < 0) {	/* small or before 1970 */
		snprintf(out, outlen, "%s.%09lldZ", date, frac < 0 ? 0 : frac);
		return;
	}
	memcpy(out, date, date_len);
	out[date_len] = '.';
	for (i = 9; i >= 1; i--, frac /= 10)
		out[date_len + (size_t)i] = (char)('0' + frac % 10);
	out[date_len + 10] = 'Z';
	out[date_len + 11] = '\0';
}

/* Text output's zone (lt_time_set_local): UTC unless asked. */
static bool time_local;

void
lt_time_set_local(bool local)
{
	time_local = local;
}

bool
lt_time_is_local(void)
{
	return time_local;
}

/* secs broken down in text output's zone. */
static void
shown_tm(time_t secs, struct tm *tm)
{
	if (time_local)
		localtime_r(&secs, tm);
	else
		gmtime_r(&secs, tm);
}

void
lt_time_format_short(int64_t ns, char *out, size_t outlen)
{
	/* one line per event: the clock part is kept per thread */
	static _Thread_local time_t last = -1;
	static _Thread_local bool last_local;
	static _Thread_local char hms[16];
	time_t secs = (time_t)(ns / 1000000000LL);
	long long ms = ns / 1000000 % 1000;
	struct tm tm;

	if (secs != last || last_local != time_local) {
		shown_tm(secs, &tm);
		strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
		last = secs;
		last_local = time_local;
	}
	snprintf(out, outlen, "%s.%03lld", hms, ms < 0 ? 0 : ms);
}

int64_t
lt_time_day(int64_t ns)
{
	static _Thread_local time_t last = -1;
	static _Thread_local int64_t day;
	time_t secs = (time_t)(ns / 1000000000LL);
	struct tm tm;

	if (!time_local)
		return (int64_t)(secs >= 0 ? secs / 86400 : (secs - 86399) / 86400);
	if (secs != last) {
		localtime_r(&secs, &tm);
		day = (int64_t)tm.tm_year * 1000 + tm.tm_yday;
		last = secs;
	}
	return day;
}

/* ns in text output's zone with strftime: utc_fmt or local_fmt. */
static void
format_shown(int64_t ns, const char *utc_fmt, const char *local_fmt,
    char *out, size_t outlen)
{
	time_t secs = (time_t)(ns / 1000000000LL);
	struct tm tm;

	shown_tm(secs, &tm);
	if (strftime(out, outlen, time_local ? local_fmt : utc_fmt, &tm) == 0 &&
	    outlen > 0)
		out[0] = '\0';
}

void
lt_time_format_day(int64_t ns, char *out, size_t outlen)
{
	format_shown(ns, "%Y-%m-%d UTC", "%Y-%m-%d %Z (%z)", out, outlen);
}

void
lt_time_format_table(int64_t ns, char *out, size_t outlen)
{
	format_shown(ns, "%Y-%m-%d %H:%M:%SZ", "%Y-%m-%d %H:%M:%S %Z", out,
	    outlen);
}

static int
parse_frac_and_zone(const char *p, int64_t *frac, int64_t *offset)
{
	int64_t scale = 100000000;

	*frac = 0;
	*offset = 0;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++) {
			*frac += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (*p == 'Z' || *p == 'z')
		return p[1] == '\0' ? 0 : -1;
	if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2]) && p[3] == ':' &&
	    isdigit((unsigned char)p[4]) && isdigit((unsigned char)p[5]) &&
	    p[6] == '\0') {
		int64_t m = ((p[1] - '0') * 10 + (p[2] - '0')) * 60 +
		    (p[4] - '0') * 10 + (p[5] - '0');
		*offset = (*p == '+' ? 1 : -1) * m * 60;
		return 0;
	}
	return -1;
}

int
lt_time_parse(const char *s, int64_t *ns)
{
	struct tm tm;
	const char *p;
	int64_t frac, offset;
	time_t secs;

	memset(&tm, 0, sizeof(tm));
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (p == NULL)
		p = strptime(s, "%Y-%m-%d %H:%M:%S", &tm);
	if (p == NULL || parse_frac_and_zone(p, &frac, &offset) < 0)
		return -1;
	secs = timegm(&tm);
	/* int64 nanoseconds reach from 1677 to 2262 */
	if (secs == (time_t)-1 || secs - offset < -9223372036LL ||
	    secs - offset > 9223372035LL)
		return -1;
	*ns = ((int64_t)secs - offset) * 1000000000LL + frac;
	return 0;
}

size_t
lt_utf8_seq_len(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n, i;
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > len)
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) ||
	    (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
		return 0;
	return n;
}

bool
lt_is_text(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		size_t n;

		/* printable ASCII, the common case */
		while (i < len && p[i] >= 0x20 && p[i] < 0x7f)
			i++;
		if (i == len)
			break;
		if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r')
			return false;
		if (p[i] == 0x7f)
			return false;
		n = lt_utf8_seq_len(s + i, len - i);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

bool
lt_is_subject_token(const char *s)
{
	return s && *s && !strpbrk(s, ". \t\r\n");
}

bool
lt_glob_match(const char *pattern, const char *s)
{
	return fnmatch(pattern, s, 0) == 0;
}

uint64_t
lt_hash64(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

const char *
lt_memfind(const char *hay, size_t haylen, const char *needle, size_t nlen)
{
	const char *p = hay, *end = hay + haylen;

	if (nlen == 0)
		return hay;
	while ((size_t)(end - p) >= nlen) {
		p = memchr(p, needle[0], (size_t)(end - p) - nlen + 1);
		if (p == NULL)
			return NULL;
		if (!memcmp(p, needle, nlen))
			return p;
		p++;
	}
	return NULL;
}

bool
lt_str_icontains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return true;
	return n == 0;
}

bool
lt_str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool
lt_str_has_suffix(const char *s, const char *suffix)
{
	size_t n = s ? strlen(s) : 0, k = strlen(suffix);

	return s && n >= k && memcmp(s + n - k, suffix, k) == 0;
}

size_t
lt_utf8_cut(const char *s, size_t len, size_t max)
{
	size_t keep = max;

	if (len <= max)
		return len;
	while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
		keep--;	/* s[keep] continues a sequence: cut before it */
	return keep;
}

char *
lt_state_path(const char *file)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	char *p, *s;

	if (state && *state)
		p = lt_xasprintf("%s/latticectl/%s", state, file);
	else if (home && *home)
		p = lt_xasprintf("%s/.local/state/latticectl/%s", home, file);
	else
		return NULL;
	for (s = p + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';	/* mkdir -p of every directory above file */
		if (mkdir(p, 0700) < 0 && errno != EEXIST) {
			free(p);
			return NULL;
		}
		*s = '/';
	}
	return p;
}

int
lt_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	int row[64], prev, tmp;

	if (lb >= LT_ARRAY_SIZE(row))
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = (int)i;
		for (j = 1; j <= lb; j++) {
			int best = prev + (a[i - 1] != b[j - 1]);

			tmp = row[j];
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

int
lt_parse_since(const char *v, int64_t *start_ns, struct lt_error *err)
{
	int64_t dur;

	if (lt_time_parse(v, start_ns) == 0) {
		if (*start_ns > lt_now_ns())
			return lt_error_set(err, LT_E_USAGE, "--since '%s' is in "
			    "the future", v);
		return 0;
	}
	if (lt_parse_duration(v, &dur, err) < 0)
		return lt_error_set(err, LT_E_USAGE, "invalid --since '%s' (a "
		    "duration like 5m or an RFC 3339 time)", v);
	*start_ns = lt_now_ns() - dur;
	return 0;
}
