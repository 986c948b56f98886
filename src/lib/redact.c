/* redact.c: which names hold secrets, the keyed mask (and its per-user
 * key file), and masking of JSON trees, KV values and payloads (rules in
 * redact.h). */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "latticectl/buf.h"
#include "latticectl/json.h"
#include "latticectl/msg.h"
#include "latticectl/nkey.h"
#include "latticectl/redact.h"
#include "latticectl/util.h"
#include "banned.h"

static const char *const mode_names[] = {
	[LT_REDACT_SECRETS] = "secrets",
	[LT_REDACT_NONE] = "none",
	[LT_REDACT_ALL] = "all",
};

const char *
lt_redact_mode_name(enum lt_redact_mode m)
{
	if ((size_t)m < LT_ARRAY_SIZE(mode_names))
		return mode_names[m];
	return "secrets";
}

int
lt_redact_mode_parse(const char *s, enum lt_redact_mode *out)
{
	size_t i;

	for (i = 0; s && i < LT_ARRAY_SIZE(mode_names); i++) {
		if (!strcmp(s, mode_names[i])) {
			*out = (enum lt_redact_mode)i;
			return 0;
		}
	}
	return -1;
}

int
lt_redact_mode_of(bool show, bool all, enum lt_redact_mode *out,
    struct lt_error *err)
{
	if (show && all)
		return lt_error_set(err, LT_E_USAGE, "--show-secrets and "
		    "--redact-all cannot be combined");
	*out = show ? LT_REDACT_NONE : all ? LT_REDACT_ALL : LT_REDACT_SECRETS;
	return 0;
}

/* ---- names ---- */

/* One word part of a name: n bytes at p. */
struct part {
	const char *p;
	size_t n;
};

static bool
part_is(struct part w, const char *word)
{
	return w.n == strlen(word) && !strncasecmp(w.p, word, w.n);
}

static bool
part_ends(struct part w, const char *suffix)
{
	size_t n = strlen(suffix);

	return w.n >= n && !strncasecmp(w.p + w.n - n, suffix, n);
}

static bool
part_contains(struct part w, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= w.n; i++)
		if (!strncasecmp(w.p + i, needle, n))
			return true;
	return false;
}

/* The next word part in [*s, end): split at non-alphanumerics and where
 * a lower case letter is followed by an upper case one ("apiKey"). */
static bool
next_part(const char **s, const char *end, struct part *w)
{
	const unsigned char *p = (const unsigned char *)*s;
	const unsigned char *e = (const unsigned char *)end;

	while (p < e && !isalnum(*p))
		p++;
	if (p == e)
		return false;
	w->p = (const char *)p;
	while (p < e && isalnum(*p)) {
		p++;
		if (p < e && islower(p[-1]) && isupper(*p))
			break;
	}
	w->n = (size_t)((const char *)p - w->p);
	*s = (const char *)p;
	return true;
}

static bool
is_key_part(struct part w, struct part prev)
{
	if (!part_ends(w, "key") && !part_ends(w, "keys"))
		return false;
	if (part_ends(w, "publickey") || part_ends(w, "pubkey") ||
	    part_ends(w, "publickeys") || part_ends(w, "pubkeys"))
		return false;
	return !(part_is(prev, "public") || part_is(prev, "pub"));
}

static bool
is_auth_part(struct part w)
{
	return part_contains(w, "auth") && !part_is(w, "author") &&
	    !part_is(w, "authors") && !part_is(w, "authored") &&
	    !part_is(w, "authority");
}

/* Each stem with the letters it needs; the secret words make any name
 * that contains them secret (bit 0 'a' ... bit 25 'z'): a
 * name without those letters cannot contain it. */
#define L(c) (1u << ((c) - 'a'))
static const struct stem {
	const char *s;
	unsigned letters;
	bool word;	/* a secret word; else a word-part stem */
} stems[] = {
	{ "password", L('p') | L('a') | L('s') | L('w') | L('o') | L('r') | L('d'), true },
	{ "passwd", L('p') | L('a') | L('s') | L('w') | L('d'), true },
	{ "passphrase", L('p') | L('a') | L('s') | L('h') | L('r') | L('e'),
	    true },
	{ "token", L('t') | L('o') | L('k') | L('e') | L('n'), true },
	{ "secret", L('s') | L('e') | L('c') | L('r') | L('t'), true },
	{ "credential", L('c') | L('r') | L('e') | L('d') | L('n') | L('t') |
	    L('i') | L('a') | L('l'), true },
	{ "creds", L('c') | L('r') | L('e') | L('d') | L('s'), true },
	{ "seed", L('s') | L('e') | L('d'), true },
	{ "jwt", L('j') | L('w') | L('t'), true },
	{ "key", L('k') | L('e') | L('y'), false },
	{ "auth", L('a') | L('u') | L('t') | L('h'), false },
	{ "pass", L('p') | L('a') | L('s'), false },
	{ "pwd", L('p') | L('w') | L('d'), false },
};
#undef L

/* Whether a lower-case name (with the letter set have) can hold a secret
 * at all; *word when it contains a secret word. Most names (every name of
 * a lattice event) stop at the letter test, before any substring search. */
static bool
may_be_secret(const char *low, unsigned have, bool *word)
{
	bool maybe = false;
	size_t i;

	*word = false;
	for (i = 0; i < LT_ARRAY_SIZE(stems); i++) {
		if ((stems[i].letters & ~have) || !strstr(low, stems[i].s))
			continue;
		if (stems[i].word)
			return *word = true;
		maybe = true;
	}
	return maybe;
}

/* Recent verdicts, per thread: a stream of events repeats a few dozen
 * member names, each decided once. A name is known by its length and its
 * first and last 8 bytes (which cover it up to 16 bytes; longer names are
 * compared whole), in one of two slots picked by a hash of those. */
#define MEMO_SLOTS 256
#define MEMO_NAME 32
struct memo_key {
	uint64_t head, tail;
	size_t n;
};

static _Thread_local struct memo {
	struct memo_key k;	/* n 0: empty */
	bool secret;
	char name[MEMO_NAME];
} memo[MEMO_SLOTS];

/* Up to 8 bytes at p as a number, with constant-size loads only. */
static uint64_t
load_upto8(const char *p, size_t n)
{
	uint32_t lo, hi;
	uint64_t v = 0;
	size_t i;

	if (n >= 8) {
		memcpy(&v, p, 8);
		return v;
	}
	if (n >= 4) {	/* two overlapping halves */
		memcpy(&lo, p, 4);
		memcpy(&hi, p + n - 4, 4);
		return ((uint64_t)hi << 32 | lo) ^ n;
	}
	for (i = 0; i < n; i++)
		v = v << 8 | (unsigned char)p[i];
	return v;
}

static struct memo_key
memo_key(const char *name, size_t n)
{
	struct memo_key k = { load_upto8(name, n), 0, n };

	if (n > 8)
		k.tail = load_upto8(name + n - 8, 8);
	return k;
}

/* Two slots per hash; a miss on a full pair replaces one, alternately. */
static _Thread_local unsigned memo_turn;

static bool
memo_has(const struct memo *m, const struct memo_key *k, const char *name)
{
	return m->k.n == k->n && m->k.head == k->head && m->k.tail == k->tail &&
	    (k->n <= 16 || !memcmp(m->name, name, k->n));
}

static bool name_is_secret_n(const char *name, size_t n);

bool
lt_redact_name_is_secret_n(const char *name, size_t n)
{
	struct memo_key k;
	struct memo *m;

	if (n == 0 || n > MEMO_NAME)
		return name_is_secret_n(name, n);
	k = memo_key(name, n);
	m = &memo[((k.head ^ (k.tail * 0x9e3779b97f4a7c15ULL)) *
	    0xc2b2ae3d27d4eb4fULL) >> 56 & ~1ULL];
	if (memo_has(&m[0], &k, name))
		return m[0].secret;
	if (memo_has(&m[1], &k, name))
		return m[1].secret;
	m += m[0].k.n != 0 && (m[1].k.n == 0 || memo_turn++ & 1);
	m->secret = name_is_secret_n(name, n);
	m->k = k;
	memcpy(m->name, name, n);
	return m->secret;
}

/* An nkey public key (a host, component or provider id: a prefix
 * letter and 55 upper-case base32 characters) names what it keys
 * (wadm_state's maps, inventories), never a secret, whatever letters it
 * happens to hold ("...RJWT64...", "...SEED..."). A seed starts with S. */
static bool
is_public_nkey(const char *name, size_t n)
{
	size_t i;

	if (n != LT_NKEY_PUBLIC_LEN || name[0] == '\0' ||
	    !strchr("ACMNOUVX", name[0]))
		return false;
	for (i = 1; i < n; i++)
		if (!(name[i] >= 'A' && name[i] <= 'Z') &&
		    !(name[i] >= '2' && name[i] <= '7'))
			return false;
	return true;
}

static bool
name_is_secret_n(const char *name, size_t n)
{
	struct part w, prev = { "", 0 }, all = { name, n };
	const char *s = name, *end = name + n;
	char low[128];
	unsigned have = 0;
	bool word;
	size_t i;

	if (is_public_nkey(name, n))
		return false;
	if (n < sizeof(low)) {	/* the fast path; longer names walk below */
		for (i = 0; i < n; i++) {
			low[i] = (char)tolower((unsigned char)name[i]);
			if (low[i] >= 'a' && low[i] <= 'z')
				have |= 1u << (low[i] - 'a');
		}
		low[n] = '\0';
		if (!may_be_secret(low, have, &word) || word)
			return word;
	}
	for (i = 0; i < LT_ARRAY_SIZE(stems); i++)
		if (stems[i].word && part_contains(all, stems[i].s))
			return true;
	while (next_part(&s, end, &w)) {
		if (is_key_part(w, prev) || is_auth_part(w) ||
		    part_is(w, "pass") || part_is(w, "pwd"))
			return true;
		prev = w;
	}
	return false;
}

bool
lt_redact_name_needs_tree_n(const char *name, size_t n)
{
	if (n == 5 && (name[0] | 0x20) == 'v')
		return !strncasecmp(name, "value", 5) ||
		    lt_redact_name_is_secret_n(name, n);
	return lt_redact_name_is_secret_n(name, n);
}

bool
lt_redact_name_is_secret(const char *name)
{
	return name && lt_redact_name_is_secret_n(name, strlen(name));
}

/* ---- the mask key ---- */

#define KEY_LEN 32
#define KEY_FILE "mask-key"

static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t key_mu = PTHREAD_MUTEX_INITIALIZER;
static EVP_MAC_CTX *keyed;	/* HMAC-SHA-256 keyed once (key_mu) */
static FILE *key_warn;		/* lt_redact_key_file: the key file's */
static bool key_from_file;

static void
key_install(const unsigned char *key, size_t n)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *c = mac ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[2] = {
		OSSL_PARAM_construct_utf8_string("digest", "SHA256", 0),
		OSSL_PARAM_construct_end(),
	};

	EVP_MAC_free(mac);
	if (c == NULL || !EVP_MAC_init(c, key, n, params)) {
		fprintf(stderr, "latticectl: libcrypto has no HMAC-SHA-256\n");
		abort();	/* masks without a key would reveal values */
	}
	pthread_mutex_lock(&key_mu);
	EVP_MAC_CTX_free(keyed);
	keyed = c;
	pthread_mutex_unlock(&key_mu);
}

static void
random_key(unsigned char key[KEY_LEN])
{
	if (RAND_bytes(key, KEY_LEN) != 1 &&
	    getrandom(key, KEY_LEN, 0) != KEY_LEN) {
		fprintf(stderr, "latticectl: no random bytes for a mask key\n");
		abort();
	}
}

/* Read the key file: 1, 0 when there is none, -1 with *why when it is not
 * a private 32-byte regular file of ours. */
static int
key_read(const char *path, unsigned char key[KEY_LEN], const char **why)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), rc = -1;
	unsigned char extra[KEY_LEN + 1];
	struct stat st;

	if (fd < 0) {
		*why = strerror(errno);
		return errno == ENOENT ? 0 : -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		*why = "not a regular file";
	else if (st.st_uid != geteuid())
		*why = "owned by another user";
	else if (st.st_mode & 077)
		*why = "readable by others (chmod 600 it)";
	else if (read(fd, extra, sizeof(extra)) != KEY_LEN)
		*why = "not a key of 32 bytes";
	else
		rc = 1;
	if (rc == 1)
		memcpy(key, extra, KEY_LEN);
	close(fd);
	return rc;
}

/* Make the key file: 32 random bytes written to a new private file
 * (O_EXCL | O_NOFOLLOW, 0600) that link(2) then puts in place, so a run
 * that starts at the same moment reads a whole key or makes its own first
 * and both keep the one that was linked first. 0, or -1 with *why. */
static int
key_create(const char *path, unsigned char key[KEY_LEN], const char **why)
{
	char *tmp = lt_xasprintf("%s.%ld", path, (long)getpid());
	int fd, rc = -1;

	random_key(key);
	(void)unlink(tmp);	/* left by a crashed run of the same pid */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0 || write(fd, key, KEY_LEN) != KEY_LEN || fsync(fd) < 0)
		*why = strerror(errno);
	else if (link(tmp, path) == 0)
		rc = 0;
	else if (errno == EEXIST)
		rc = key_read(path, key, why) == 1 ? 0 : -1;
	else
		*why = strerror(errno);
	if (fd >= 0)
		close(fd);
	(void)unlink(tmp);
	free(tmp);
	return rc;
}

static void
key_init(void)
{
	unsigned char key[KEY_LEN];
	char *path = key_from_file ? lt_state_path(KEY_FILE) : NULL;
	const char *why = "no $XDG_STATE_HOME or $HOME";
	int rc = -1;

	if (path)
		rc = key_read(path, key, &why);
	if (path && rc == 0)
		rc = key_create(path, key, &why) == 0 ? 1 : -1;
	if (rc != 1) {
		random_key(key);
		if (key_from_file && key_warn)
			fprintf(key_warn, "latticectl: warning: mask key '%s': "
			    "%s; masks of this run compare only with each "
			    "other\n", path ? path : KEY_FILE, why);
	}
	key_install(key, KEY_LEN);
	OPENSSL_cleanse(key, sizeof(key));
	free(path);
}

void
lt_redact_key_file(FILE *warn)
{
	key_from_file = true;
	key_warn = warn;
}

static void
key_none(void)
{
}

void
lt_redact_key_set(const void *key, size_t n)
{
	pthread_once(&key_once, key_none);
	key_install(key, n);
}

/* ---- masks ---- */

char *
lt_redact_mask(const void *val, size_t len)
{
	static const char pre[] = "<redacted:", hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	char *out = lt_xmalloc(sizeof(pre) + 9), *p;
	size_t n = 0, i;
	int ok;

	pthread_once(&key_once, key_init);
	pthread_mutex_lock(&key_mu);
	/* the context keeps its key: a NULL key restarts it */
	ok = EVP_MAC_init(keyed, NULL, 0, NULL) && EVP_MAC_update(keyed,
	    val ? val : (const void *)"", val ? len : 0) &&
	    EVP_MAC_final(keyed, md, &n, sizeof(md));
	pthread_mutex_unlock(&key_mu);
	if (!ok || n < 4) {
		fprintf(stderr, "latticectl: HMAC-SHA-256 failed\n");
		abort();
	}
	memcpy(out, pre, sizeof(pre) - 1);
	p = out + sizeof(pre) - 1;
	for (i = 0; i < 4; i++) {
		*p++ = hex[md[i] >> 4];
		*p++ = hex[md[i] & 15];
	}
	memcpy(p, ">", 2);
	return out;
}

bool
lt_redact_may_create(const char *text)
{
	/* a mask's edge ('<', '>') where a value's bytes were, or text
	 * inside a mask, or a URL that loses its user information */
	return strstr(text, "://") != NULL || strpbrk(text, "<>") != NULL ||
	    strspn(text, "<redacted:0123456789abcdef>") == strlen(text);
}

bool
lt_redact_is_mask(const char *s, size_t n)
{
	static const char pre[] = "<redacted:";

	size_t i;

	if (s == NULL || n != sizeof(pre) - 1 + 9 ||
	    memcmp(s, pre, sizeof(pre) - 1) || s[n - 1] != '>')
		return false;
	for (i = sizeof(pre) - 1; i < n - 1; i++)	/* not past n bytes */
		if (!strchr("0123456789abcdef", s[i]) || s[i] == '\0')
			return false;
	return true;
}

static bool
is_mask_item(const cJSON *v)
{
	return cJSON_IsString(v) &&
	    lt_redact_is_mask(v->valuestring, strlen(v->valuestring));
}

size_t
lt_redact_json_whole(cJSON *v)
{
	char *text, *mask;
	cJSON *c, *next;

	if (v == NULL || is_mask_item(v))
		return 0;
	text = lt_json_print_kept(v, false);
	mask = lt_redact_mask(text, text ? strlen(text) : 0);
	cJSON_free(text);
	for (c = v->child; c; c = next) {
		next = c->next;
		c->prev = c->next = NULL;
		cJSON_Delete(c);
	}
	v->child = NULL;
	cJSON_free(v->valuestring);	/* a string's, or a number's text */
	/* keep the name's flag; mask is malloc'd, as cJSON's own strings */
	v->type = (v->type & cJSON_StringIsConst) | cJSON_String;
	v->valuestring = mask;
	v->valueint = 0;
	v->valuedouble = 0;
	return 1;
}

static bool
is_scalar(const cJSON *v)
{
	return cJSON_IsString(v) || cJSON_IsNumber(v) || cJSON_IsBool(v);
}

/* {"name":"password","value":V} (or "key"; any case), an element of a
 * list of settings whose names are values: V is masked whole. */
static size_t
redact_named_value(cJSON *obj)
{
	cJSON *name = cJSON_GetObjectItem(obj, "name");
	cJSON *v = cJSON_GetObjectItem(obj, "value");

	if (!cJSON_IsString(name))
		name = cJSON_GetObjectItem(obj, "key");
	if (v && cJSON_IsString(name) &&
	    lt_redact_name_is_secret(name->valuestring))
		return lt_redact_json_whole(v);
	return 0;
}

static char *redact_in_string(const char *s, enum lt_redact_mode m);

/* A string value in place: JSON inside it, or name=value pairs. */
static size_t
redact_string(cJSON *c, enum lt_redact_mode m)
{
	char *out = redact_in_string(c->valuestring, m);

	if (out == NULL)
		return 0;
	cJSON_free(c->valuestring);
	c->valuestring = out;	/* malloc'd, as cJSON's own strings */
	return 1;
}

static size_t
redact_children(cJSON *v, enum lt_redact_mode m)
{
	cJSON *c = v->child, *next;
	size_t n = cJSON_IsObject(v) && m == LT_REDACT_SECRETS ?
	    redact_named_value(v) : 0;

	for (; c; c = next) {
		next = c->next;	/* c may be replaced */
		if (cJSON_IsObject(v) && lt_redact_name_is_secret(c->string))
			n += lt_redact_json_whole(c);
		else if (m == LT_REDACT_ALL && is_scalar(c))
			n += lt_redact_json_whole(c);
		else if (cJSON_IsObject(c) || cJSON_IsArray(c))
			n += redact_children(c, m);
		else if (cJSON_IsString(c) && !is_mask_item(c))
			n += redact_string(c, m);
	}
	return n;
}

size_t
lt_redact_json_count(cJSON *v, enum lt_redact_mode m)
{
	if (v == NULL || m == LT_REDACT_NONE)
		return 0;
	if (cJSON_IsObject(v) || cJSON_IsArray(v))
		return redact_children(v, m);
	if (m == LT_REDACT_ALL && is_scalar(v))
		return lt_redact_json_whole(v);
	return cJSON_IsString(v) && !is_mask_item(v) ? redact_string(v, m) : 0;
}

size_t
lt_redact_json_urls(cJSON *v)
{
	size_t n = 0, before;
	cJSON *c;

	if (cJSON_IsString(v) && v->valuestring && strstr(v->valuestring, "://")) {
		before = strlen(v->valuestring);
		lt_redact_text_urls(v->valuestring);
		return strlen(v->valuestring) != before;
	}
	for (c = v ? v->child : NULL; c; c = c->next)
		n += lt_redact_json_urls(c);
	return n;
}

void
lt_redact_json(cJSON *v, enum lt_redact_mode m)
{
	lt_redact_json_count(v, m);
}

/* ---- secrets inside text: "name=value" and JSON in a string ---- */

static bool
is_pair_name(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.';
}

/* Where the value of a "name=value" starting at v ends: past its closing
 * quote when quoted, else at a separator (';' of a connection string, '&'
 * of a URL query, a blank, a quote). */
static const char *
pair_value_end(const char *v, const char *end)
{
	const char *q;

	if (v < end && (*v == '"' || *v == '\'')) {
		q = memchr(v + 1, *v, (size_t)(end - v - 1));
		return q ? q + 1 : end;
	}
	while (v < end && *v && !strchr(";&, \t\r\n\"'<>", *v))
		v++;
	return v;
}

/* The value of the first "name=value" in [p, end) whose name is secret
 * ("Server=x;Password=y;", "?token=y&"), text starting at start: *vend
 * gets its end. NULL when there is none. */
static const char *
next_secret_pair(const char *start, const char *p, const char *end,
    const char **vend)
{
	const char *eq, *b;

	while (p < end && (eq = memchr(p, '=', (size_t)(end - p))) != NULL) {
		b = eq;
		while (b > start && is_pair_name((unsigned char)b[-1]))
			b--;
		p = eq + 1;
		if (b == eq || !lt_redact_name_is_secret_n(b, (size_t)(eq - b)))
			continue;
		*vend = pair_value_end(p, end);
		if (*vend > p && !lt_redact_is_mask(p, (size_t)(*vend - p)))
			return p;
	}
	return NULL;
}

/* The n bytes at s with each secret pair's value masked, NUL-terminated
 * (*out_len), or NULL when there is none. */
static char *
mask_pairs(const char *s, size_t n, size_t *out_len)
{
	const char *p = s, *end = s + n, *v, *vend = NULL;
	struct lt_buf b = LT_BUF_INIT;
	char *mask, *out;

	while ((v = next_secret_pair(s, p, end, &vend)) != NULL) {
		mask = lt_redact_mask(v, (size_t)(vend - v));
		lt_buf_add(&b, p, (size_t)(v - p));
		lt_buf_adds(&b, mask);
		free(mask);
		p = vend;
	}
	if (p == s)
		return NULL;
	lt_buf_add(&b, p, (size_t)(end - p));
	*out_len = b.len;
	out = lt_xstrndup(lt_buf_str(&b), b.len);
	lt_buf_release(&b);
	return out;
}

static bool
is_container(const cJSON *v)
{
	return cJSON_IsObject(v) || cJSON_IsArray(v);
}

/* JSON text held in a string ("{\"password\":\"x\"}"), redacted and
 * printed compact; NULL when it changes nothing or (*json false) is not a
 * JSON object or array. */
static char *
redact_nested_json(const char *s, enum lt_redact_mode m, bool *json)
{
	cJSON *j = lt_json_parse(s, strlen(s));
	char *text, *out = NULL;

	*json = is_container(j);
	if (*json && lt_redact_json_count(j, m) > 0) {
		text = lt_json_print_kept(j, false);
		out = lt_xstrdup(text);
		cJSON_free(text);
	}
	cJSON_Delete(j);
	return out;
}

static char *
redact_in_string(const char *s, enum lt_redact_mode m)
{
	size_t n = strlen(s);
	bool json = false;
	char *out = NULL;

	if (s[0] == '{' || s[0] == '[')
		out = redact_nested_json(s, m, &json);
	return json ? out : mask_pairs(s, n, &n);
}

/* Whether the bytes may hold a secret that member names do not show: a
 * secret "name=value", or JSON inside a string (a string that opens with
 * '{' or '[', and an escaped quote). Cheap passes, no tree. (A
 * {"name":N,"value":V} setting is found by its member name "value":
 * lt_redact_name_needs_tree_n.) */
static bool
has_secret_values(const char *d, size_t n)
{
	const char *vend;

	return (lt_memfind(d, n, "\\\"", 2) != NULL &&
	    (lt_memfind(d, n, "\"{", 2) || lt_memfind(d, n, "\"[", 2))) ||
	    next_secret_pair(d, d, d + n, &vend) != NULL;
}

/* ---- KV values ---- */

static char *
copy_bytes(const void *val, size_t len, size_t *out_len)
{
	*out_len = len;
	return lt_xstrndup(val, len);
}

static char *
mask_bytes(const void *val, size_t len, size_t *out_len)
{
	char *mask = lt_redact_mask(val, len);

	*out_len = strlen(mask);
	return mask;
}

static char *redact_text(const char *data, size_t len, enum lt_redact_mode m,
    size_t *out_len);

char *
lt_redact_kv_value(const char *key, const void *val, size_t len,
    enum lt_redact_mode m, size_t *out_len)
{
	cJSON *j;
	char *text, *out;

	if (lt_redact_is_mask(val, len))
		return copy_bytes(val, len, out_len);
	if (m != LT_REDACT_NONE && lt_redact_name_is_secret(key))
		return mask_bytes(val, len, out_len);
	j = len > 0 ? lt_json_parse(val, len) : NULL;
	if (!cJSON_IsObject(j) && !cJSON_IsArray(j)) {
		cJSON_Delete(j);
		if (m == LT_REDACT_ALL)
			return mask_bytes(val, len, out_len);
		out = redact_text(val, len, m, out_len);
		return out ? out : copy_bytes(val, len, out_len);
	}
	if ((m == LT_REDACT_NONE ? 0 : lt_redact_json_count(j, m)) +
	    lt_redact_json_urls(j) == 0) {
		cJSON_Delete(j);
		return copy_bytes(val, len, out_len);
	}
	text = lt_json_print_kept(j, false);
	cJSON_Delete(j);
	out = copy_bytes(text, strlen(text), out_len);
	cJSON_free(text);
	return out;
}

/* ---- message payloads ---- */

/* Whether a subject has a ".v1." token: a control interface subject. (A
 * loop over the dots: strstr costs more on subjects this short.) */
static bool
is_ctl_subject(const char *subject)
{
	const char *p;

	for (p = subject ? strchr(subject, '.') : NULL; p; p = strchr(p + 1, '.'))
		if (p[1] == 'v' && p[2] == '1' && p[3] == '.')
			return true;
	return false;
}

bool
lt_redact_subject_is_credential(const char *subject)
{
	size_t n = subject ? strlen(subject) : 0, k = strlen(".registry.put");

	return n > k && !strcmp(subject + n - k, ".registry.put") &&
	    is_ctl_subject(subject);
}

bool
lt_redact_subject_is_secret(const char *subject)
{
	static const char *const ops[] = { ".config.put.", ".config.get.", NULL };
	const char *p;
	size_t i;

	if (!is_ctl_subject(subject))
		return false;
	for (i = 0; ops[i]; i++)
		if ((p = strstr(subject, ops[i])) != NULL)
			return lt_redact_name_is_secret(p + strlen(ops[i]));
	return false;
}

bool
lt_redact_subject_is_secrets(const char *subject)
{
	static const char pre[] = "wasmcloud.secrets.";

	return subject && subject[0] == 'w' &&
	    !strncmp(subject, pre, sizeof(pre) - 1);
}

const char *
lt_redact_subject(const char *subject, const char *request_subject)
{
	return request_subject && (lt_redact_subject_is_secret(request_subject)
	    || lt_redact_subject_is_secrets(request_subject)) ?
	    request_subject : subject;
}

/* The closing quote of the JSON string whose opening quote is at p, or
 * NULL; *esc tells whether the string holds an escape. */
static const char *
string_end(const char *p, const char *end, bool *esc)
{
	const char *q = p + 1, *b;

	*esc = false;
	while ((q = memchr(q, '"', (size_t)(end - q))) != NULL) {
		for (b = q; b > p + 1 && b[-1] == '\\'; b--)
			;
		if (((q - b) & 1) == 0)
			break;	/* not escaped */
		q++;
	}
	if (q)
		*esc = memchr(p + 1, '\\', (size_t)(q - p - 1)) != NULL;
	return q;
}

/* Whether the JSON text in [d, d+n) has a member whose name is secret,
 * without building a tree: the fast path for payloads that need nothing.
 * A name with escapes counts as secret (the tree walk decides). */
static bool
has_secret_name(const char *d, size_t n)
{
	const char *p = d, *end = d + n, *q, *r;
	bool esc;

	while ((p = memchr(p, '"', (size_t)(end - p))) != NULL) {
		q = string_end(p, end, &esc);
		if (q == NULL)
			return false;
		for (r = q + 1; r < end && isspace((unsigned char)*r); r++)
			;
		if (r < end && *r == ':' &&
		    (esc || lt_redact_name_needs_tree_n(p + 1,
		    (size_t)(q - p - 1))))
			return true;
		p = q + 1;
	}
	return false;
}

/* Where the user information of the URL whose authority starts at p ends
 * (its last '@'), or NULL when it has none. The authority runs to the
 * first byte of stop or end; each rule takes the last '@' before it, as
 * nats.c splits "nats://alice:p@ss@host" at the last '@'. */
static const char *
userinfo_end(const char *p, const char *end, const char *stop)
{
	const char *at = NULL;

	for (; p < end && *p && !strchr(stop, *p); p++)
		if (*p == '@')
			at = p;
	return at;
}

/* The bytes that end a URL's authority in free text (payload strings,
 * text values): RFC 3986's '/', '?', '#', and what cannot be in a URL. */
#define TEXT_AUTH_STOP "/?# \t\r\n\"'<>,"
/* ... and in a server list, as nats.c reads it: only what ends the URL
 * (a password may hold '/', '?' or '#'). */
#define SERVER_AUTH_STOP " \t\r\n\"',"

/* Whether the bytes hold "scheme://user...@": a URL with credentials. */
static bool
has_url_userinfo(const char *d, size_t n)
{
	const char *p = d, *end = d + n, *q;

	if (n == 0 || memchr(d, '@', n) == NULL)
		return false;	/* the common case, one quick pass */
	while ((q = lt_memfind(p, (size_t)(end - p), "://", 3)) != NULL) {
		p = q + 3;
		if (userinfo_end(p, end, TEXT_AUTH_STOP))
			return true;
	}
	return false;
}

bool
lt_redact_may_change_values(const char *subject, const void *data,
    size_t len, enum lt_redact_mode m)
{
	/* an empty payload too: its recorded member, "", is masked alike */
	return (len > 0 && has_url_userinfo(data, len)) || m == LT_REDACT_ALL ||
	    lt_redact_subject_is_credential(subject) ||
	    (m != LT_REDACT_NONE && (lt_redact_subject_is_secret(subject) ||
	    lt_redact_subject_is_secrets(subject) ||
	    (len > 0 && has_secret_values(data, len))));
}

bool
lt_redact_may_change(const char *subject, const void *data, size_t len,
    enum lt_redact_mode m)
{
	return lt_redact_may_change_values(subject, data, len, m) ||
	    (m == LT_REDACT_SECRETS && has_secret_name(data, len));
}

/* A text payload or value with URL user information removed (in every
 * mode) and, unless NONE, each secret "name=value" masked; NULL when
 * nothing changes or it is not text. */
static char *
redact_text(const char *data, size_t len, enum lt_redact_mode m,
    size_t *out_len)
{
	const char *vend;
	bool pairs = m != LT_REDACT_NONE &&
	    next_secret_pair(data, data, data + len, &vend) != NULL;
	char *out, *masked;

	if ((!pairs && !has_url_userinfo(data, len)) || !lt_is_text(data, len))
		return NULL;
	out = copy_bytes(data, len, out_len);
	lt_redact_text_urls(out);
	*out_len = strlen(out);
	if (pairs && (masked = mask_pairs(out, *out_len, out_len)) != NULL) {
		free(out);
		out = masked;
	}
	return out;
}

char *
lt_redact_text(const char *text)
{
	size_t n = 0;

	return redact_text(text, strlen(text), LT_REDACT_SECRETS, &n);
}

size_t
lt_redact_payload_json(cJSON *v, const char *subject, enum lt_redact_mode m)
{
	size_t n;

	if (m != LT_REDACT_NONE && (lt_redact_subject_is_secret(subject) ||
	    (lt_redact_subject_is_secrets(subject) && !is_container(v))))
		n = lt_redact_json_whole(v);
	else
		n = lt_redact_json_count(v,
		    lt_redact_subject_is_credential(subject) ? LT_REDACT_ALL : m);
	return v ? n + lt_redact_json_urls(v) : n;
}

/* A payload masked whole: the mask of its compact JSON text when it is
 * JSON (what lt_redact_json_whole gives its recorded member), else of its
 * bytes. */
static char *
mask_payload(const char *data, size_t len, size_t *out_len)
{
	cJSON *j = len > 0 ? lt_json_parse(data, len) : NULL;
	char *text = lt_json_print_kept(j, false);
	char *out = text ? mask_bytes(text, strlen(text), out_len) :
	    mask_bytes(data, len, out_len);

	cJSON_free(text);
	cJSON_Delete(j);
	return out;
}

char *
lt_redact_payload(const char *subject, const void *data, size_t len,
    enum lt_redact_mode m, size_t *out_len)
{
	cJSON *j;
	char *text, *out = NULL;

	if (!lt_redact_may_change(subject, data, len, m))
		return NULL;
	if (lt_redact_subject_is_credential(subject))
		m = LT_REDACT_ALL;
	else if (m != LT_REDACT_NONE && lt_redact_subject_is_secret(subject))
		return lt_redact_is_mask(data, len) ? NULL :
		    mask_payload(data, len, out_len);
	j = lt_json_parse(data, len);
	if (!is_container(j)) {
		cJSON_Delete(j);
		if (lt_redact_is_mask(data, len))
			return NULL;
		if (m == LT_REDACT_ALL)
			return mask_bytes(data, len, out_len);
		if (m != LT_REDACT_NONE &&
		    lt_redact_subject_is_secrets(subject))
			return mask_payload(data, len, out_len);
		return redact_text(data, len, m, out_len);
	}
	if (lt_redact_json_count(j, m) + lt_redact_json_urls(j) > 0) {
		text = lt_json_print_kept(j, false);
		out = copy_bytes(text, strlen(text), out_len);
		cJSON_free(text);
	}
	cJSON_Delete(j);
	return out;
}

const struct lt_msg *
lt_redact_msg_req(const struct lt_msg *m, const char *request_subject,
    enum lt_redact_mode mode, struct lt_msg *tmp, char **to_free)
{
	size_t n = 0;

	*tmp = *m;
	tmp->redacted = true;
	if (m->redacted)
		*to_free = NULL;	/* redacted once, never twice */
	else
		*to_free = lt_redact_payload(lt_redact_subject(m->subject,
		    request_subject), m->data, (size_t)m->len, mode, &n);
	if (*to_free != NULL) {
		tmp->data = *to_free;
		tmp->len = (int)n;
		tmp->json_checked = false;	/* other bytes now */
	}
	return tmp;
}

const struct lt_msg *
lt_redact_msg(const struct lt_msg *m, enum lt_redact_mode mode,
    struct lt_msg *tmp, char **to_free)
{
	return lt_redact_msg_req(m, NULL, mode, tmp, to_free);
}

/* Remove the user information of the URL whose authority starts at start
 * and ends before end or a byte of stop. Returns how many bytes went. */
static size_t
cut_userinfo(char *start, const char *end, const char *stop)
{
	const char *at = userinfo_end(start, end, stop);

	if (at == NULL)
		return 0;
	memmove(start, at + 1, strlen(at + 1) + 1);
	return (size_t)(at + 1 - start);
}

void
lt_redact_url(char *url)
{
	char *seg, *next, *scheme, *start;

	for (seg = url; seg && *seg; seg = next) {
		next = seg + strcspn(seg, ",");	/* one server of the list */
		scheme = strstr(seg, "://");
		if (scheme && scheme > next)
			scheme = NULL;
		start = scheme ? scheme + 3 : seg + strspn(seg, " \t");
		next -= cut_userinfo(start, next, SERVER_AUTH_STOP);
		next += *next == ',';
	}
}

void
lt_redact_text_urls(char *text)
{
	char *p = text;

	while ((p = strstr(p, "://")) != NULL) {
		p += 3;
		cut_userinfo(p, p + strlen(p), TEXT_AUTH_STOP);
	}
}

const char *
lt_redact_url_host(const char *url)
{
	const char *p = strstr(url, "://"), *at;

	p = p ? p + 3 : url;
	at = userinfo_end(p, p + strlen(p), SERVER_AUTH_STOP);
	return at ? at + 1 : p;
}
